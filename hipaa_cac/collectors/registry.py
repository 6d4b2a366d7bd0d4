"""Find collectors: every class registered under the `hipaa_cac.collectors`
entry-point group, ours included (pyproject.toml), so a third party ships a
collector as its own package with one line of packaging:

    [project.entry-points."hipaa_cac.collectors"]
    jira = "hipaa_jira:JiraCollector"
"""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points

from hipaa_cac.collectors.base import Collector
from hipaa_cac.errors import InputError

GROUP = "hipaa_cac.collectors"
_ATTRIBUTES = ("name", "version", "kinds", "max_age", "config_schema", "collect")


def available() -> dict[str, EntryPoint]:
    found: dict[str, EntryPoint] = {}
    for entry in entry_points(group=GROUP):
        # Two packages claiming one name would make runs depend on install order.
        if entry.name in found and found[entry.name].value != entry.value:
            raise InputError(
                f"collector {entry.name!r} is provided twice "
                f"({found[entry.name].value} and {entry.value}); uninstall one"
            )
        found[entry.name] = entry
    return dict(sorted(found.items()))


def load_collector(name: str) -> Collector:
    entries = available()
    if name not in entries:
        known = ", ".join(entries) or "none installed"
        raise InputError(f"unknown collector {name!r} (available: {known})")
    try:
        cls = entries[name].load()
        collector = cls()
    except Exception as exc:  # a broken plugin must not take the other sources down
        raise InputError(
            f"collector {name!r} ({entries[name].value}) cannot be loaded: "
            f"{exc.__class__.__name__}: {exc}"
        ) from None
    lacking = [a for a in _ATTRIBUTES if not hasattr(collector, a)]
    if lacking or collector.name != name:
        problem = f"lacks {', '.join(lacking)}" if lacking else f"calls itself {collector.name!r}"
        raise InputError(
            f"collector {name!r} ({entries[name].value}) does not follow the contract "
            f"in hipaa_cac.collectors.base: it {problem}"
        )
    return collector  # type: ignore[no-any-return]
