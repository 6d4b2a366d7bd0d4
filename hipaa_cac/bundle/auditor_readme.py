"""README.md inside the bundle: what it holds and how an auditor checks it,
with our tool or without it."""

from __future__ import annotations

from hipaa_cac.bundle.period import LedgerExcerpt, Period

_TEMPLATE = """\
# HIPAA evidence bundle: {organization}

Period: {start} to {last_day} (runs whose statuses are as of a time in
[{period_start}, {period_end})). Evaluation runs in the period: {runs}.
Ledger entries {first_seq} to {head_seq}; head hash `{head_hash}`.

## What is here

- `report.html`: the report for people: counts, status over time, each
  control with its evidence and findings, risks, waivers.
- `oscal/assessment-results.json`: the same runs as OSCAL 1.1 Assessment
  Results, one result per run.
- `catalog/oscal-catalog.json`, `catalog/controls/`: the control catalog, as
  OSCAL and as the YAML that was evaluated.
- `policy-library/`: the Rego policies that decided the controls.
- `evidence/`: every evidence collection the runs used, and the items they
  refer to (`objects/`).
- `repository/`: attestation files and signed documents behind the
  attestation evidence, waivers, risk register.
- `ledger/entries.jsonl`: the ledger from the period's first entry to its
  head, one entry per line.
- `manifest.json`: every file above with its SHA-256; `manifest.sig` signs it
  (Ed25519).

## How to verify

With hipaa-cac: `hipaa-cac bundle verify THIS.zip --pubkey SIGNER.pub`. It checks
the signature, every file's hash, that no file was added or removed, the
ledger chain up to the head hash, that each run's evidence is the evidence
it recorded, and the catalog and policy hashes.

By hand:

1. The signature (OpenSSL 3): `base64 -d manifest.sig > sig.bin && openssl
   pkeyutl -verify -pubin -inkey SIGNER.pub -rawin -in manifest.json -sigfile sig.bin`.
   The signer's key fingerprint is `signer` in manifest.json:
   `ed25519:sha256:` + SHA-256 of the raw 32-byte public key.
2. Each file: its SHA-256 (`sha256sum PATH`) equals `files[].sha256` in
   manifest.json, and the zip holds no file the manifest does not list.
3. The ledger: each line of `ledger/entries.jsonl` has a `hash` that is
   `"sha256:" + sha256(canonical JSON of {{seq, run_id, type, payload,
   recorded_at, prev_hash}})`, canonical JSON being
   `json.dumps(x, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`;
   each `prev_hash` is the previous line's `hash` (the first line's is
   `ledger.anchor` in manifest.json), and the last line's hash is the head hash
   above. Compare that head hash with one recorded independently (the CI log
   of `hipaa-cac ledger verify`, or the team's own ledger).
4. Evidence: each `run` entry lists its evidence collections with their
   SHA-256; `evidence` in manifest.json says where each is in this bundle.
{notes}"""


def render(organization: str, period: Period, excerpt: LedgerExcerpt, notes: list[str]) -> str:
    noted = ""
    if notes:
        noted = "\n## Notes\n\n" + "".join(f"- {note}\n" for note in notes)
    return _TEMPLATE.format(
        organization=organization,
        start=period.start[:10],
        last_day=period.last_day,
        period_start=period.start,
        period_end=period.end,
        runs=", ".join(excerpt.runs),
        first_seq=excerpt.first_seq,
        head_seq=excerpt.rows[-1].seq,
        head_hash=excerpt.head_hash,
        notes=noted,
    )
