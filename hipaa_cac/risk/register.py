"""Load `risk/register.yaml`: the rated risks and how each is treated.

    version: 1
    risks:
      - id: R-001
        title: PHI in application logs shipped to log aggregation
        threat: An engineer or the log vendor reads patient data in logs
        vulnerability: Request bodies are logged at debug level
        assets: [datadog]
        likelihood: 3
        impact: 4
        rating: high                  # 3 x 4 = 12: high
        treatment: mitigate
        owner: security-official
        controls: [hipaa-164-312-b]
        review_date: 2027-02-01
        status: open
        reviews:
          - {on: 2026-11-20, by: jdoe, note: "Redaction filter deployed", next: 2027-02-01}

becomes

    RiskRegister(file="risk/register.yaml", risks=(Risk(id="R-001", ...,
        likelihood=3, impact=4, rating="high", review_date=date(2027, 2, 1),
        reviews=(Review(on=date(2026, 11, 20), by="jdoe", ...),), line=3),))

Every problem is an InputError at file:line: YAML, the schema
(schemas/risk-register.schema.json), a date that is not a real day, a rating
that is not the band of likelihood x impact (BANDS), a control the catalog
does not have, an id used twice, a review whose `next` is not after `on`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from hipaa_cac import schemas
from hipaa_cac.controls import Catalog
from hipaa_cac.errors import InputError
from hipaa_cac.risk.yamltext import parse_text
from hipaa_cac.yamlfile import YamlDocument

DEFAULT_PATH = Path("risk") / "register.yaml"  # relative to the policy repo

# The highest likelihood x impact of each rating. Products run 1..25 and none
# falls in 17..19, so 1-4 low, 5-9 medium, 10-16 high, 20-25 critical: a 4x4
# is high, and critical needs a 5 on one axis and at least a 4 on the other.
BANDS = (("low", 4), ("medium", 9), ("high", 16), ("critical", 25))
RATINGS = tuple(name for name, _ in BANDS)  # lowest first


def rating_for(likelihood: int, impact: int) -> str:
    score = likelihood * impact
    return next(name for name, highest in BANDS if score <= highest)


@dataclass(frozen=True)
class Review:
    on: date
    by: str
    note: str
    next: date | None


@dataclass(frozen=True)
class Risk:
    id: str
    title: str
    threat: str
    vulnerability: str
    assets: tuple[str, ...]
    likelihood: int  # 1..5
    impact: int  # 1..5
    rating: str  # low | medium | high | critical, checked against BANDS
    treatment: str  # mitigate | accept | transfer | avoid
    owner: str
    controls: tuple[str, ...]
    review_date: date  # the next review is due on this day
    status: str  # open | closed
    accepted_by: str | None  # set when treatment is accept
    reviews: tuple[Review, ...]
    line: int | None  # of the item in the file, for messages

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    def days_to_review(self, today: date) -> int:
        """Days until the review is due: 0 on the day, negative once overdue."""
        return (self.review_date - today).days

    def overdue(self, today: date) -> bool:
        # A closed risk needs no further review; an open one is late the day after.
        return self.status == "open" and self.days_to_review(today) < 0

    def rank(self) -> tuple[int, int, str]:
        """Sort key: highest rating first, then id in number order (R-999 before R-1000)."""
        return (-RATINGS.index(self.rating), int(self.id[2:]), self.id)


@dataclass(frozen=True)
class RiskRegister:
    file: str  # as shown in messages: risk/register.yaml
    risks: tuple[Risk, ...]  # in file order

    def get(self, risk_id: str) -> Risk | None:
        return next((risk for risk in self.risks if risk.id == risk_id), None)

    def ranked(self) -> list[Risk]:
        return sorted(self.risks, key=Risk.rank)

    def overdue(self, now: datetime) -> list[Risk]:
        """Open risks whose review_date has passed (UTC day of `now`), ranked."""
        return [risk for risk in self.ranked() if risk.overdue(now.date())]

    def next_id(self) -> str:
        """One more than the highest id number, at least three digits: R-004."""
        highest = max((int(risk.id[2:]) for risk in self.risks), default=0)
        return f"R-{highest + 1:03d}"


def load_register(path: Path, catalog: Catalog, shown: str | None = None) -> RiskRegister:
    """The register at `path`; `shown` names it in messages (default: the path)."""
    shown = shown or path.as_posix()
    if not path.is_file():
        raise InputError(
            "no risk register here: start one with 'hipaa-cac risk add' (docs/risk.md)", shown
        )
    return parse_register(read_text(path, shown), path, shown, catalog)[0]


def read_text(path: Path, shown: str) -> str:
    try:
        # newline="": keep CRLF as written, so an edit rewrites only what it changes.
        with path.open(encoding="utf-8", newline="") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read file: {exc.__class__.__name__}", shown) from None


def parse_register(
    text: str, path: Path, shown: str, catalog: Catalog
) -> tuple[RiskRegister, YamlDocument]:
    """The register in `text` and its node tree (edit.py needs the lines)."""
    document = parse_text(text, path, shown)
    data: Any = document.data
    if not isinstance(data, dict):
        raise InputError("expected a mapping with 'version: 1' and 'risks:'", shown, 1)
    schemas.check("risk-register", data, shown, document.line_of)
    seen: dict[str, int | None] = {}
    risks = []
    for index, item in enumerate(data["risks"]):
        risk = _risk(item, ["risks", index], shown, document, catalog)
        if risk.id in seen:
            also = f" (also at line {seen[risk.id]})" if seen[risk.id] else ""
            raise InputError(
                f"id: {risk.id} is used twice{also}",
                shown,
                document.line_of(["risks", index, "id"]),
            )
        seen[risk.id] = document.line_of(["risks", index, "id"])
        risks.append(risk)
    return RiskRegister(file=shown, risks=tuple(risks)), document


def _risk(
    item: dict[str, Any], at: list[str | int], shown: str, doc: YamlDocument, catalog: Catalog
) -> Risk:
    def line(*steps: str | int) -> int | None:
        return doc.line_of([*at, *steps])

    expected = rating_for(item["likelihood"], item["impact"])
    if item["rating"] != expected:
        score = item["likelihood"] * item["impact"]
        raise InputError(
            f"rating: {item['rating']} does not match likelihood {item['likelihood']} x impact "
            f"{item['impact']} = {score}, which is {expected} (1-4 low, 5-9 medium, "
            "10-16 high, 20-25 critical)",
            shown,
            line("rating"),
        )
    for index, control in enumerate(item.get("controls", [])):
        if control not in catalog.controls:
            raise InputError(
                f"controls: unknown control {control!r} (not in the catalog)",
                shown,
                line("controls", index),
            )
    reviews = []
    for index, entry in enumerate(item.get("reviews", [])):
        on = _day(entry["on"], "reviews/on", shown, line("reviews", index, "on"))
        nxt = None
        if "next" in entry:
            where = line("reviews", index, "next")
            nxt = _day(entry["next"], "reviews/next", shown, where)
            if nxt <= on:
                raise InputError(f"reviews/next: {nxt} is not after on ({on})", shown, where)
        reviews.append(Review(on=on, by=entry["by"], note=entry["note"].strip(), next=nxt))
    return Risk(
        id=item["id"],
        title=item["title"].strip(),
        threat=item["threat"].strip(),
        vulnerability=item["vulnerability"].strip(),
        assets=tuple(item.get("assets", ())),
        likelihood=item["likelihood"],
        impact=item["impact"],
        rating=item["rating"],
        treatment=item["treatment"],
        owner=item["owner"].strip(),
        controls=tuple(item.get("controls", ())),
        review_date=_day(item["review_date"], "review_date", shown, line("review_date")),
        status=item["status"],
        accepted_by=item.get("accepted_by"),
        reviews=tuple(reviews),
        line=line(),
    )


def _day(value: str, field: str, shown: str, line: int | None) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{field}: {value!r} is not a real calendar date", shown, line) from None
