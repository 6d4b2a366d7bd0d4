"""The auditor evidence bundle: one signed zip per period.

    hipaa-cac keygen keys/auditor-bundle.key
    hipaa-cac bundle create --from 2026-10-01 --to 2026-12-31 --out q4.zip \
        --sign-key keys/auditor-bundle.key
    hipaa-cac bundle verify q4.zip --pubkey keys/auditor-bundle.key.pub

period.py picks the ledger entries, files.py the catalog, policies, evidence
and repository files, oscal.py / html_report.py / auditor_readme.py the
documents, archive.py the manifest and zip, create.py puts them together and
verify.py checks a bundle back.
"""

from hipaa_cac.bundle.create import BundleSummary, create_bundle
from hipaa_cac.bundle.period import Period
from hipaa_cac.bundle.verify import BundleVerification, verify_bundle

__all__ = ["BundleSummary", "BundleVerification", "Period", "create_bundle", "verify_bundle"]
