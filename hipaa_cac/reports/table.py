"""`--format table` (the default): for a person at a terminal.

Colour only on a TTY; piped output is plain text, so logs stay readable.
"""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table

from hipaa_cac.evaluator import Evaluation, Status

STYLES = {
    Status.PASS: "green",
    Status.FAIL: "bold red",
    Status.ERROR: "bold magenta",
    Status.NOT_APPLICABLE: "dim",
    Status.WAIVED: "cyan",
}


def render(evaluation: Evaluation, color: bool = False, width: int = 120) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer, force_terminal=color, no_color=not color, width=width, highlight=False
    )
    table = Table(title=f"HIPAA controls as of {evaluation.as_of}", show_lines=False)
    table.add_column("Status", no_wrap=True)
    table.add_column("Control", no_wrap=True)
    table.add_column("Citation", no_wrap=True)
    table.add_column("Why")
    for r in sorted(evaluation.results, key=lambda r: (r.status.passing, r.control)):
        style = STYLES.get(r.status, "yellow")
        table.add_row(f"[{style}]{r.status}[/]", r.control, r.citation, r.reason)
    console.print(table)
    for r in evaluation.results:
        for f in r.findings:
            waived = f" [cyan](waived by {f.waiver})[/]" if f.waiver else ""
            console.print(f"[bold]{r.control}[/] {f.severity}: {f.resource}: {f.message}{waived}")
    counts = ", ".join(f"{n} {s}" for s, n in evaluation.counts.items() if n)
    console.print(f"{len(evaluation.results)} controls: {counts}")
    return buffer.getvalue()
