"""Third-party services a repository uses, as `git.third_party` evidence.

    Observation("git.third_party", "git:github.com/acme/api/requirements.txt:3#sentry",
                {"repository": "git:github.com/acme/api", "path": "requirements.txt",
                 "line": 3, "vendor": "sentry", "vendor_name": "Sentry",
                 "category": "error_tracking", "via": "dependency", "ecosystem": "pypi",
                 "reference": "sentry-sdk", "may_handle_phi": true, "baa_available": true})

Each subprocessor that may touch PHI needs a BAA, and a new one must reach the
risk analysis: this kind is the inventory rules compare with `attestation.baa`.
The same files are skipped as for PHI logging (tests, vendored and built code,
plus the source's `exclude`): a test that imports a vendor to mock it is not a
use. A manifest that does not parse is a gap: its dependencies are unknown.
"""

from __future__ import annotations

from collections.abc import Iterator
from fnmatch import fnmatch
from pathlib import Path

from hipaa_cac.collectors.base import Gap, Observation, Record
from hipaa_cac.collectors.git.code_scan import DEFAULT_EXCLUDE, read_tracked_text
from hipaa_cac.detect.gitcmd import run_git
from hipaa_cac.detect.manifests import ManifestError
from hipaa_cac.detect.third_parties import ThirdPartyScan, ThirdPartyUse, Unreadable, scan_file
from hipaa_cac.vendors import Catalog, catalog

THIRD_PARTY = "git.third_party"


def third_party_uses(
    repo: Path, tracked: list[str], subject: str, exclude: tuple[str, ...]
) -> Iterator[Record]:
    known = catalog()
    by_id = {v.id: v for v in known.vendors}
    found = find_third_parties(repo, DEFAULT_EXCLUDE + exclude, tracked, known)
    for use in found.uses:
        vendor = by_id[use.vendor]
        yield Observation(
            THIRD_PARTY,
            f"{subject}/{use.path}:{use.line}#{use.vendor}",
            {
                "repository": subject,
                "path": use.path,
                "line": use.line,
                "vendor": use.vendor,
                "vendor_name": vendor.name,
                "category": vendor.category,
                "via": use.via,
                "ecosystem": use.ecosystem,
                "reference": use.reference,
                "may_handle_phi": vendor.may_handle_phi,
                "baa_available": vendor.baa_available,
            },
        )
    for problem in found.unreadable:
        where = problem.path if problem.line is None else f"{problem.path}:{problem.line}"
        yield Gap(
            THIRD_PARTY,
            f"{where}: {problem.reason}, so its dependencies were not checked "
            "(fix it, or list it under 'exclude' if it is not a manifest)",
        )


def find_third_parties(
    repo: Path,
    exclude: tuple[str, ...] = (),
    tracked: list[str] | None = None,
    vendors: Catalog | None = None,
) -> ThirdPartyScan:
    """Scan the tracked files of the checkout at `repo` (`tracked`: the
    `git ls-files` list when the caller already has it), minus `exclude` globs."""
    if tracked is None:
        tracked = [p for p in run_git(repo, "ls-files", "-z").split("\0") if p]
    known = vendors or catalog()
    uses: list[ThirdPartyUse] = []
    unreadable: list[Unreadable] = []
    for path in sorted(tracked):
        if any(fnmatch(path, pattern) for pattern in exclude):
            continue
        text = read_tracked_text(repo / path)
        if text is not None:
            try:
                uses += scan_file(path, text, known)
            except ManifestError as error:
                unreadable.append(Unreadable(path, error.line, error.reason))
    uses.sort(key=ThirdPartyUse.sort_key)
    unreadable.sort(key=lambda u: (u.path, u.line or 0, u.reason))
    return ThirdPartyScan(tuple(uses), tuple(unreadable))
