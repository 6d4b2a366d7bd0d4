"""`idp.session_policy` facts from conditional access and activity-based timeout policies.

    policy = {"id": "…", "displayName": "Require MFA", "state": "enabled",
              "conditions": {...}, "grantControls": {...}, "sessionControls": {...}}
    session_facts(policy, idle_minutes=60) == {
        "name": "Require MFA", "source": "conditional_access",
        "idle_timeout_minutes": 60, "max_session_minutes": 720,
        "persistent_cookie": False, "requires_mfa": True,
        "applies_to_all_users": True, "all_applications": True,
        "excluded_principals": 1, "narrowed_by": [],
    }

Pure functions over Graph's JSON, so each decision is tested without HTTP.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

# signInFrequency units in minutes.
_UNIT_MINUTES = {"hours": 60, "days": 1440}
# TimeSpan as Entra writes it: "[d.]hh:mm:ss".
_TIMESPAN = re.compile(r"^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})$")
# Condition values that leave a policy unrestricted.
_UNRESTRICTED: tuple[Any, ...] = (None, [], ["all"], ["All"], ["none"], "none")


class DefinitionError(ValueError):
    """An activity-based timeout policy whose definition cannot be read."""


def idle_timeout_minutes(policies: list[dict[str, Any]]) -> int | None:
    """The tenant's web-session idle timeout: the organisation-default policies' `default` app.

    The largest when several say (the weakest applies to someone); None when
    no organisation default sets one, which means Entra never ends an idle
    session. An unreadable definition raises DefinitionError rather than
    being skipped, since skipping could hide the only timeout there is.
    """
    found: list[int] = []
    for policy in policies:
        if policy.get("isOrganizationDefault") is not True:
            continue  # assigned to single applications, not the tenant
        for raw in policy.get("definition") or []:
            try:
                definition = json.loads(raw)
                apps = definition["ActivityBasedTimeoutPolicy"]["ApplicationPolicies"]
            except (TypeError, ValueError, KeyError):
                raise DefinitionError(
                    f"activity-based timeout policy {policy.get('id')} has a definition "
                    "that is not the documented JSON"
                ) from None
            for app in apps if isinstance(apps, list) else []:
                if isinstance(app, dict) and app.get("ApplicationId") == "default":
                    found.append(_timespan_minutes(app.get("WebSessionIdleTimeout"), policy))
    return max(found) if found else None


def _timespan_minutes(value: Any, policy: dict[str, Any]) -> int:
    match = _TIMESPAN.match(value) if isinstance(value, str) else None
    if not match:
        raise DefinitionError(
            f"activity-based timeout policy {policy.get('id')}: WebSessionIdleTimeout "
            f"{value!r} is not [d.]hh:mm:ss"
        )
    days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    # Rounded up: 00:14:30 is not "within 14 minutes".
    return math.ceil((days * 86400 + hours * 3600 + minutes * 60 + seconds) / 60)


def session_facts(policy: dict[str, Any], idle_minutes: int | None) -> dict[str, Any]:
    conditions = policy.get("conditions") or {}
    users = conditions.get("users") or {}
    apps = conditions.get("applications") or {}
    return {
        "name": policy.get("displayName"),
        "source": "conditional_access",
        # Idle timeout is a tenant setting in Entra, not a CA control: every
        # item carries the tenant's value so each session policy is checked.
        "idle_timeout_minutes": idle_minutes,
        "max_session_minutes": _sign_in_frequency(policy.get("sessionControls")),
        "persistent_cookie": _persistent_browser(policy.get("sessionControls")),
        "requires_mfa": requires_mfa(policy.get("grantControls")),
        "applies_to_all_users": "All" in (users.get("includeUsers") or []),
        "all_applications": "All" in (apps.get("includeApplications") or [])
        and not apps.get("excludeApplications"),
        "excluded_principals": sum(
            len(users.get(key) or []) for key in ("excludeUsers", "excludeGroups", "excludeRoles")
        )
        + (1 if users.get("excludeGuestsOrExternalUsers") else 0),
        "narrowed_by": narrowed_by(conditions),
    }


def requires_mfa(grant: Any) -> bool:
    """True when every way to satisfy the grant includes MFA.

    `mfa` or an authentication strength that satisfies MFA, and either the
    controls are ANDed or it is the only control: "MFA OR compliant device"
    lets a password alone through on a compliant device.
    """
    if not isinstance(grant, dict):
        return False
    controls = [c for c in grant.get("builtInControls") or [] if isinstance(c, str)]
    strength = grant.get("authenticationStrength")
    strong = isinstance(strength, dict) and strength.get("requirementsSatisfied") == "mfa"
    if "mfa" not in controls and not strong:
        return False
    alternatives = len(controls) + (1 if strength else 0)
    alternatives += len(grant.get("customAuthenticationFactors") or [])
    alternatives += len(grant.get("termsOfUse") or [])
    return grant.get("operator") == "AND" or alternatives == 1


def narrowed_by(conditions: dict[str, Any]) -> list[str]:
    """Conditions other than users and applications that restrict when the policy applies.

    Any condition Graph adds later counts as narrowing unless it is empty:
    a policy is only "for every sign-in" when nothing else limits it.
    """
    return sorted(
        key
        for key, value in conditions.items()
        if key not in ("users", "applications") and not key.startswith("@")
        if not _unrestricted(value)
    )


def _unrestricted(value: Any) -> bool:
    if isinstance(value, dict):
        return all(_unrestricted(v) for k, v in value.items() if not k.startswith("@"))
    if isinstance(value, list):
        return value in ([], ["all"], ["All"])
    return value in _UNRESTRICTED


def _sign_in_frequency(session: Any) -> int | None:
    control = session.get("signInFrequency") if isinstance(session, dict) else None
    if not isinstance(control, dict) or control.get("isEnabled") is not True:
        return None
    # everyTime applies to risky sign-ins and enrollment, not to session length.
    if control.get("frequencyInterval") not in (None, "timeBased"):
        return None
    value, unit = control.get("value"), _UNIT_MINUTES.get(str(control.get("type")))
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0 or unit is None:
        return None
    return value * unit


def _persistent_browser(session: Any) -> bool | None:
    control = session.get("persistentBrowser") if isinstance(session, dict) else None
    if not isinstance(control, dict) or control.get("isEnabled") is not True:
        return None  # not set here: the user's "Stay signed in?" answer decides
    return {"always": True, "never": False}.get(str(control.get("mode")))
