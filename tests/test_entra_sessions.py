"""Entra session-policy facts from Graph's JSON (pure functions, no HTTP).

The collector's replay tests (test_entra_collector.py) cover the same code
end to end; these pin each decision on the edge cases that matter.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from hipaa_cac.collectors.entra.sessions import (
    DefinitionError,
    idle_timeout_minutes,
    narrowed_by,
    requires_mfa,
)


def _abt(timeout: str, default: bool = True) -> dict[str, Any]:
    definition = {
        "ActivityBasedTimeoutPolicy": {
            "Version": 1,
            "ApplicationPolicies": [{"ApplicationId": "default", "WebSessionIdleTimeout": timeout}],
        }
    }
    return {"id": "abt", "isOrganizationDefault": default, "definition": [json.dumps(definition)]}


@pytest.mark.parametrize(
    ("grant", "expected"),
    [
        ({"operator": "OR", "builtInControls": ["mfa"]}, True),
        ({"operator": "OR", "builtInControls": ["mfa", "compliantDevice"]}, False),
        ({"operator": "AND", "builtInControls": ["mfa", "compliantDevice"]}, True),
        ({"operator": "OR", "builtInControls": ["block"]}, False),
        ({"operator": "OR", "authenticationStrength": {"requirementsSatisfied": "mfa"}}, True),
        ({"operator": "OR", "authenticationStrength": {"displayName": "custom"}}, False),
        ({"operator": "OR", "builtInControls": ["mfa"], "termsOfUse": ["tou-1"]}, False),
        (None, False),
    ],
)
def test_requires_mfa_only_when_every_way_through_includes_mfa(
    grant: dict[str, Any] | None, expected: bool
) -> None:
    assert requires_mfa(grant) is expected


def test_narrowing_conditions_include_ones_graph_adds_later() -> None:
    assert (
        narrowed_by(
            {
                "users": {"includeUsers": ["All"]},
                "applications": {"includeApplications": ["All"]},
                "clientAppTypes": ["all"],
                "locations": {"includeLocations": ["All"], "excludeLocations": []},
                "platforms": None,
                "signInRiskLevels": [],
            }
        )
        == []
    )
    assert narrowed_by(
        {
            "locations": {"includeLocations": ["All"], "excludeLocations": ["AllTrusted"]},
            "platforms": {"includePlatforms": ["android"], "excludePlatforms": []},
            "signInRiskLevels": ["high"],
            "someFutureCondition": {"mode": "strict"},
        }
    ) == ["locations", "platforms", "signInRiskLevels", "someFutureCondition"]


def test_idle_timeout_reads_timespans_and_rounds_up() -> None:
    assert idle_timeout_minutes([]) is None
    assert idle_timeout_minutes([_abt("00:14:30")]) == 15
    assert idle_timeout_minutes([_abt("1.02:00:00")]) == 1560
    assert idle_timeout_minutes([_abt("00:10:00"), _abt("01:00:00")]) == 60  # the weakest
    assert idle_timeout_minutes([_abt("00:05:00", default=False)]) is None
    with pytest.raises(DefinitionError, match=r"is not \[d\.\]hh:mm:ss"):
        idle_timeout_minutes([_abt("15 minutes")])
    with pytest.raises(DefinitionError, match="not the documented JSON"):
        idle_timeout_minutes([{"id": "abt", "isOrganizationDefault": True, "definition": ["{"]}])
