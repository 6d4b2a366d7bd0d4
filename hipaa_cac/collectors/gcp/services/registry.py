"""The service modules, in name order (config `services:` names)."""

from __future__ import annotations

from hipaa_cac.collectors.gcp.services import (
    GcpService,
    firewall,
    iam,
    kms,
    logs,
    orgpolicy,
    sql,
    storage,
)

ALL: tuple[GcpService, ...] = tuple(
    sorted(
        (m.SERVICE for m in (firewall, iam, kms, logs, orgpolicy, sql, storage)),
        key=lambda s: s.name,
    )
)
