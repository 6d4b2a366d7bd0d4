"""Collectors installed the way a third party ships one: a package plus a
dist-info with an entry point in `hipaa_cac.collectors`, found through
importlib.metadata once their directory is on sys.path."""

from __future__ import annotations

import textwrap
from pathlib import Path

PLUGIN = '''
from hipaa_cac.collectors.base import Gap, Observation


class TicketsCollector:
    """Yields what its config says; `fail_after` makes it raise midway."""

    name = "tickets"
    version = "2.0.1"
    kinds = ("tickets.review", "tickets.incident")
    max_age = "7d"
    config_schema = {
        "type": "object",
        "additionalProperties": False,
        "required": ["reviews"],
        "properties": {
            "reviews": {"type": "integer", "minimum": 0},
            "fail_after": {"type": "integer"},
            "gap": {"type": "string"},
            "secret_in_error": {"type": "string"},
        },
    }

    def collect(self, config, context):
        for n in range(config["reviews"]):
            if config.get("fail_after") == n:
                raise RuntimeError("tracker went away; token=" + config.get("secret_in_error", ""))
            yield Observation("tickets.review", f"tickets:REV-{n}", {"n": n, "closed": True})
        if "gap" in config:
            yield Gap("tickets.incident", config["gap"])


class Misnamed:
    name = "something-else"
    version = "1"
    kinds = ()
    max_age = "1d"
    config_schema = {}

    def collect(self, config, context):
        return iter(())
'''


def install_plugin(site: Path) -> None:
    package = site / "acme_tickets"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(PLUGIN)
    info = site / "acme_tickets-2.0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-tickets\nVersion: 2.0.1\n")
    (info / "entry_points.txt").write_text(
        textwrap.dedent(
            """\
            [hipaa_cac.collectors]
            tickets = acme_tickets:TicketsCollector
            misnamed = acme_tickets:Misnamed
            """
        )
    )
