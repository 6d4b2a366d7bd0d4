"""Microsoft Defender for Cloud plans of a subscription.

- `azure.defender.plan` (`/subscriptions/<id>/providers/Microsoft.Security/pricings/<plan>`):
  `plan` (VirtualMachines, SqlServers, StorageAccounts, KeyVaults, ...),
  `tier` (Free | Standard), `sub_plan`, `deprecated`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from hipaa_cac.collectors.azure.services import AzureService, Reader, props, raw
from hipaa_cac.collectors.azure.target import AzureTarget
from hipaa_cac.collectors.base import Observation, Record

PLAN = "azure.defender.plan"


def collect(target: AzureTarget, options: Mapping[str, Any]) -> Iterator[Record]:
    read = Reader(PLAN, target.subject)
    security = target.client("security")
    scope = target.subject.lstrip("/")
    pricings = read(
        "security.pricings.list",
        lambda: [raw(p) for p in security.pricings.list(scope).value or []],
    )
    yield from read.gaps
    for pricing in sorted(pricings or [], key=lambda p: str(p.get("name"))):
        p = props(pricing)
        yield Observation(
            PLAN,
            str(
                pricing.get("id")
                or f"{target.subject}/providers/Microsoft.Security/pricings/{pricing['name']}"
            ),
            {
                "plan": pricing.get("name"),
                "subscription_id": target.subscription_id,
                "tier": p.get("pricingTier"),
                "sub_plan": p.get("subPlan"),
                "deprecated": p.get("deprecated"),
            },
        )


SERVICE = AzureService(name="defender", kinds=(PLAN,), collect=collect)
