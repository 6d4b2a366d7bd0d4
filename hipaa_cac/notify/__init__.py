"""Notifications for continuous runs: webhook, Slack, GitHub issue (docs/notifications.md).

targets = load_targets(data.get("notify"), document.line_of)   # InputError on bad config
notice = RunNotice(organization=..., run_id=..., changes=(StatusChange(...),), ...)
for delivery in send_all(notice, targets):                      # never raises per target
    record(delivery)
"""

from hipaa_cac.notify.notice import (
    SCHEMA,
    InventoryChange,
    RiskUpdate,
    RunNotice,
    StatusChange,
    notice_payload,
)
from hipaa_cac.notify.send import Delivery, send_all
from hipaa_cac.notify.targets import SCHEMA as CONFIG_SCHEMA
from hipaa_cac.notify.targets import (
    GitHubIssueTarget,
    SlackTarget,
    Target,
    WebhookTarget,
    load_targets,
)

__all__ = [
    "CONFIG_SCHEMA",
    "SCHEMA",
    "Delivery",
    "GitHubIssueTarget",
    "InventoryChange",
    "RiskUpdate",
    "RunNotice",
    "SlackTarget",
    "StatusChange",
    "Target",
    "WebhookTarget",
    "load_targets",
    "notice_payload",
    "send_all",
]
