"""`hipaa-cac risk`: the risk register (risk/register.yaml, docs/risk.md).

    hipaa-cac risk list [--overdue] [--format table|json] [--at DATE]
    hipaa-cac risk add --title ... --likelihood 3 --impact 4 --control hipaa-164-312-b ...
    hipaa-cac risk review R-001 --by security-official --note "..." [--next DATE] [--at DATE]

`list` exits 0 (it reports; `evaluate` judges); bad input is exit 2 and an
edit that would leave the register invalid changes nothing.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import click

from hipaa_cac.canonical import pretty_json
from hipaa_cac.cli.options import repo_option
from hipaa_cac.durations import parse_timestamp, utc_now
from hipaa_cac.errors import InputError
from hipaa_cac.inputs import load_inputs
from hipaa_cac.paths import display_path
from hipaa_cac.risk.edit import add_risk, review_risk
from hipaa_cac.risk.register import DEFAULT_PATH, RATINGS, Risk, load_register, rating_for

# `review` without --next: the next review is due this long after this one.
# Higher risks come round sooner; none waits more than a year, so even a low
# risk is looked at in every annual risk analysis.
REVIEW_INTERVAL = {"critical": 90, "high": 180, "medium": 365, "low": 365}  # days

at_option = click.option(
    "--at", "at", help="As of this day or time (RFC 3339 or YYYY-MM-DD, UTC); default: now."
)


@click.group()
def risk() -> None:
    """The risk register: rated risks, their treatment and reviews."""


@risk.command("list")
@repo_option
@click.option("--overdue", is_flag=True, help="Only open risks whose review is overdue.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@at_option
def list_risks(repo: Path, overdue: bool, fmt: str, at: str | None) -> None:
    """List risks, highest rating first, with when each review is due."""
    now = _now(at)
    file, shown = _register_path(repo)
    register = load_register(file, load_inputs(repo).catalog, shown)
    today = now.date()
    risks = register.overdue(now) if overdue else register.ranked()
    if fmt == "json":
        click.echo(pretty_json(_json(register.file, today, risks)), nl=False)
        return
    if not risks:
        click.echo("no overdue risks" if overdue else "no risks in the register")
        return
    rows = [["ID", "RATING", "LxI", "TREATMENT", "STATUS", "REVIEW", "TITLE"]]
    for r in risks:
        score = f"{r.likelihood}x{r.impact}"
        rows.append(
            [r.id, r.rating, score, r.treatment, r.status, _review_state(r, today), r.title]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        click.echo("  ".join([*(c.ljust(w) for c, w in zip(row, widths, strict=False)), row[-1]]))
    late = sum(r.overdue(today) for r in register.risks)
    click.echo(f"{len(risks)} risk(s) shown, {late} open risk(s) overdue for review")


@risk.command("add")
@repo_option
@click.option("--id", "risk_id", help="R-<number>; default: the next free one.")
@click.option("--title", required=True)
@click.option("--threat", required=True, help="Who or what could cause harm.")
@click.option("--vulnerability", required=True, help="The weakness it would exploit.")
@click.option("--likelihood", required=True, type=click.IntRange(1, 5), help="1..5")
@click.option("--impact", required=True, type=click.IntRange(1, 5), help="1..5")
@click.option(
    "--rating", type=click.Choice(RATINGS), help="Default: from likelihood x impact (docs/risk.md)."
)
@click.option(
    "--treatment", required=True, type=click.Choice(["mitigate", "accept", "transfer", "avoid"])
)
@click.option("--accepted-by", help="Who accepted the risk (required with --treatment accept).")
@click.option("--owner", required=True, help="A role or id: security-official.")
@click.option("--control", "controls", multiple=True, help="A catalog control id (repeatable).")
@click.option("--asset", "assets", multiple=True, help="An inventory id (repeatable).")
@click.option("--review-date", required=True, help="When the first review is due (YYYY-MM-DD).")
def add(repo: Path, **options: Any) -> None:
    """Append a risk to the register (creating risk/register.yaml if needed)."""
    if options["treatment"] == "accept" and not options["accepted_by"]:
        raise InputError("--accepted-by is required with --treatment accept")
    review_date = _date(options["review_date"], "--review-date")
    rating = options["rating"] or rating_for(options["likelihood"], options["impact"])
    item = {
        "id": options["risk_id"],
        "title": options["title"],
        "threat": options["threat"],
        "vulnerability": options["vulnerability"],
        "assets": list(options["assets"]),
        "likelihood": options["likelihood"],
        "impact": options["impact"],
        "rating": rating,
        "treatment": options["treatment"],
        "accepted_by": options["accepted_by"],
        "owner": options["owner"],
        "controls": list(options["controls"]),
        "review_date": review_date.isoformat(),
        "status": "open",
    }
    file, shown = _register_path(repo)
    added = add_risk(file, shown, load_inputs(repo).catalog, item)
    click.echo(f"added {added.id} ({added.rating}) to {shown}")


@risk.command("review")
@repo_option
@click.argument("risk_id", metavar="ID")
@click.option("--by", required=True, help="Who reviewed: a role or user id.")
@click.option("--note", required=True, help="What was found or decided.")
@click.option(
    "--next",
    "next_day",
    help="When the next review is due (YYYY-MM-DD); default by rating: critical 90 days, "
    "high 180, medium and low 365.",
)
@at_option
def review(
    repo: Path, risk_id: str, by: str, note: str, next_day: str | None, at: str | None
) -> None:
    """Record a review of risk ID and set its next review date."""
    today = _now(at).date()
    file, shown = _register_path(repo)
    catalog = load_inputs(repo).catalog
    register = load_register(file, catalog, shown)
    current = register.get(risk_id)
    if current is None:
        raise InputError(f"no risk {risk_id} in the register", shown)
    if next_day is None:
        following = today + timedelta(days=REVIEW_INTERVAL[current.rating])
    else:
        following = _date(next_day, "--next")
        if following <= today:
            raise InputError(f"--next: {following} is not after the review day ({today})")
    entry = {"on": today.isoformat(), "by": by, "note": note, "next": following.isoformat()}
    reviewed = review_risk(file, shown, catalog, risk_id, entry)
    click.echo(f"reviewed {reviewed.id}; next review due {reviewed.review_date}")


def _register_path(repo: Path) -> tuple[Path, str]:
    file = repo / DEFAULT_PATH
    return file, display_path(file, file.parent, repo)


def _now(at: str | None) -> datetime:
    try:
        return parse_timestamp(at) if at else utc_now()
    except ValueError as exc:
        raise InputError(f"--at: {exc}") from None


def _date(text: str, flag: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"{flag}: {text!r} is not a date (YYYY-MM-DD)") from None


def _review_state(risk: Risk, today: date) -> str:
    if risk.status == "closed":
        return "closed"
    days = risk.days_to_review(today)
    if days == 0:
        return "due today"
    unit = "day" if abs(days) == 1 else "days"
    return f"due in {days} {unit}" if days > 0 else f"overdue by {-days} {unit}"


def _json(file: str, today: date, risks: list[Risk]) -> dict[str, Any]:
    return {
        "register": file,
        "as_of": today.isoformat(),
        "risks": [
            {
                "id": r.id,
                "title": r.title,
                "likelihood": r.likelihood,
                "impact": r.impact,
                "score": r.score,
                "rating": r.rating,
                "treatment": r.treatment,
                "accepted_by": r.accepted_by,
                "owner": r.owner,
                "controls": list(r.controls),
                "assets": list(r.assets),
                "status": r.status,
                "review_date": r.review_date.isoformat(),
                "days_to_review": None if r.status == "closed" else r.days_to_review(today),
                "overdue": r.overdue(today),
                "review": _review_state(r, today),
                "last_review": r.reviews[-1].on.isoformat() if r.reviews else None,
            }
            for r in risks
        ],
    }
