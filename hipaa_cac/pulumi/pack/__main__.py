"""The hipaa-cac policy pack: `pulumi preview --policy-pack $(hipaa-cac pulumi pack-dir)`.

The engine starts it as `python -m pulumi.policy <engine> <this dir>`; the
PolicyPack serves the Analyzer on a port it prints. Enforcement per control
comes from the policy config (`--policy-pack-config`, or a Pulumi Cloud
policy group), e.g. {"hipaa-164-312-a-2-iv": "mandatory",
"hipaa-164-312-c-2": {"enforcementLevel": "disabled"}}; see docs/pulumi.md.
"""

from pulumi_policy import EnforcementLevel, PolicyPack

from hipaa_cac import __version__
from hipaa_cac.pulumi.checker import Checker
from hipaa_cac.pulumi.policies import policies

PolicyPack(
    "hipaa-cac",
    policies(Checker.builtin()),
    enforcement_level=EnforcementLevel.ADVISORY,
    description=f"HIPAA Security Rule controls checked by hipaa-cac {__version__}",
    display_name="HIPAA compliance as code",
    provider="aws",
    tags=["hipaa", "compliance"],
)
