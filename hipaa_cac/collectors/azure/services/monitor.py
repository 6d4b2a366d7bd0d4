"""The subscription's activity log: where it is exported, and for how long (legacy profiles).

- `azure.monitor.activity_log`
  (`/subscriptions/<id>/providers/microsoft.insights/eventtypes/management`,
  the activity log's own resource id): `diagnostic_settings` [{`name`,
  `categories` (enabled: Administrative, Security, Policy, ...),
  `destinations` (log_analytics, storage_account, event_hub, partner)}],
  `log_profiles` [{`name`, `retention_enabled`, `retention_days` (0: kept
  forever), `categories`}] (the retired log profiles, still read where they
  exist). Null when that part could not be read.

How long a Log Analytics workspace keeps what it receives is the
workspace's setting, not read here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from hipaa_cac.collectors.azure.services import AzureService, Reader, destinations, listed, props
from hipaa_cac.collectors.azure.target import AzureTarget
from hipaa_cac.collectors.base import Observation, Record

ACTIVITY_LOG = "azure.monitor.activity_log"


def collect(target: AzureTarget, options: Mapping[str, Any]) -> Iterator[Record]:
    subject = f"{target.subject}/providers/microsoft.insights/eventtypes/management"
    read = Reader(ACTIVITY_LOG, target.subject)
    monitor = target.client("monitor")
    settings = read(
        "monitor.subscription_diagnostic_settings.list",
        lambda: listed(monitor.subscription_diagnostic_settings.list()),
    )
    profiles = read("monitor.log_profiles.list", lambda: listed(monitor.log_profiles.list()))
    yield from read.gaps
    yield Observation(
        ACTIVITY_LOG,
        subject,
        {
            "subscription_id": target.subscription_id,
            "diagnostic_settings": None if settings is None else _settings(settings),
            "log_profiles": None if profiles is None else _profiles(profiles),
        },
    )


def _settings(settings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for setting in sorted(settings, key=lambda s: str(s.get("name"))):
        p = props(setting)
        categories = sorted(
            str(log["category"])
            for log in p.get("logs") or []
            if log.get("enabled") is True and log.get("category")
        )
        out.append(
            {"name": setting.get("name"), "categories": categories, "destinations": destinations(p)}
        )
    return out


def _profiles(profiles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for profile in sorted(profiles, key=lambda p: str(p.get("name"))):
        p = props(profile)
        retention = p.get("retentionPolicy") or {}
        out.append(
            {
                "name": profile.get("name"),
                "retention_enabled": retention.get("enabled"),
                "retention_days": retention.get("days"),
                "categories": sorted(str(c) for c in p.get("categories") or []),
            }
        )
    return out


SERVICE = AzureService(name="monitor", kinds=(ACTIVITY_LOG,), collect=collect)
