"""A run notice and replay exchanges shared by the notification tests."""

from __future__ import annotations

from typing import Any

from hipaa_cac.notify import InventoryChange, RiskUpdate, RunNotice, StatusChange

SECRET_PATH = "/services/T0SECRET/B0SECRET/XyZsecretWebhookPath"
TOKEN = "ghp_test0123456789abcdefTOKEN"


class Sleeps(list[float]):
    """Records requested waits instead of sleeping: the one boundary replaced."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def make_notice(**overrides: Any) -> RunNotice:
    fields: dict[str, Any] = {
        "organization": "Acme <Telehealth> & Co",
        "run_id": "run-000012",
        "as_of": "2026-11-20T12:00:00Z",
        "ledger": "postgresql://ci:***@db.internal/compliance",
        "counts": {"pass": 41, "fail": 1, "insufficient_evidence": 1},
        "passed": False,
        "changes": (
            StatusChange(
                "164.312(d)", "Person or entity authentication", "45 CFR 164.312(d)", "fail", "pass"
            ),
            StatusChange("164.312(b)", "Audit controls", "45 CFR 164.312(b)", "pass", "fail"),
            StatusChange(
                "164.308(a)(7)",
                "Contingency plan",
                "45 CFR 164.308(a)(7)",
                None,
                "insufficient_evidence",
            ),
        ),
        "new_findings": 2,
        "resolved_findings": 1,
        "risk_update": RiskUpdate(
            inventory_sha256="sha256:" + "a" * 64,
            covered_sha256="sha256:" + "b" * 64,
            risk_analysis="attestations/risk-analysis-2026.yaml",
            changes=(
                InventoryChange(
                    "added", "third_party", "vendor:twilio", "Twilio", ("app/sms.py:14",)
                ),
                InventoryChange(
                    "added",
                    "data_store",
                    "aws:s3:::phi-exports",
                    "phi-exports",
                    ("infra/s3.tf:12",),
                ),
            ),
        ),
    }
    fields.update(overrides)
    return RunNotice(**fields)


def exchange(method: str, path: str, status: int, body: Any = None, **request: Any) -> Any:
    response: dict[str, Any] = {"status": status, "body": body}
    if "response_headers" in request:
        response["headers"] = request.pop("response_headers")
    return {"request": {"method": method, "path": path, **request}, "response": response}
