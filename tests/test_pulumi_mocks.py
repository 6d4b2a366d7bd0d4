"""The example Pulumi programs, run under the SDK's mocks, before the pack's policies.

The noncompliant program gets exactly the violations it was written to get,
each naming its control and citation; the compliant one gets none.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pulumi_analyzer import STACK, Diagnostic, direct
from pulumi_programs import EXAMPLES, run_program

from hipaa_cac.pulumi.checker import Checker
from hipaa_cac.pulumi.policies import policies
from hipaa_cac.pulumi.resources import Resource

PASSWORD = "Sup3r-S3cret-Value-42"
# pulumi_aws warns about its deprecated resource types on import.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

MANDATORY = {
    ("hipaa-164-308-a-7-ii-a", "patients-db"),  # backups off
    # cloud.* rules decide storage, databases and network rules (tests/test_pulumi_neutral.py).
    ("hipaa-164-312-a-1", "admin"),  # 22 and 5432 from anywhere (cloud.network_admin_ports_closed)
    ("hipaa-164-312-a-1", "rdp"),  # 3389 from anywhere
    ("hipaa-164-312-a-1", "patients-db"),  # publicly accessible (cloud.database_not_public)
    # Block Public Access off (s3_block_public_access); public ACL (cloud.object_storage_private)
    ("hipaa-164-312-a-1", "phi-records"),
    ("hipaa-164-312-b", "audit"),  # no CloudWatch Logs; no KMS key (two)
    ("hipaa-164-312-b", STACK),  # no multi-region trail that is logging
    ("hipaa-164-312-b", "phi-records"),  # no access log (cloud.object_storage_access_logged)
    ("hipaa-164-312-c-1", "patients-db"),  # no deletion protection
    ("hipaa-164-312-c-1", "phi-records"),  # no versioning
    ("hipaa-164-312-e-1", "admin"),
    ("hipaa-164-312-e-1", "rdp"),
    ("hipaa-164-312-e-1", "patients-db"),  # TLS not required (cloud.database_requires_tls)
    ("hipaa-164-312-e-1", "phi-records"),  # plain HTTP not denied
}
ADVISORY = {
    ("hipaa-164-312-a-2-iv", "patients-db"),  # addressable: encryption at rest
    ("hipaa-164-312-a-2-iv", "phi-records"),
    ("hipaa-164-312-c-2", "audit"),  # addressable: log file validation
}


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker.builtin()


@pytest.fixture(scope="module")
def noncompliant() -> list[Resource]:
    return run_program(EXAMPLES / "noncompliant", {"dbPassword": PASSWORD})


def _by_level(found: list[Diagnostic], level: str) -> list[tuple[str, str]]:
    return sorted((d.policy, d.resource) for d in found if d.level == level)


def test_noncompliant_program_gets_exactly_the_planted_violations(
    checker: Checker, noncompliant: list[Resource]
) -> None:
    found = direct(policies(checker), noncompliant)
    assert set(_by_level(found, "mandatory")) == MANDATORY
    assert set(_by_level(found, "advisory")) == ADVISORY
    # Two causes each: counted, not only listed.
    assert _by_level(found, "mandatory").count(("hipaa-164-312-a-1", "phi-records")) == 2
    assert _by_level(found, "mandatory").count(("hipaa-164-312-b", "audit")) == 2
    public = [
        d.message for d in found if (d.policy, d.resource) == ("hipaa-164-312-a-1", "phi-records")
    ]
    assert sorted(m.split(": ", 1)[1].split(" (")[0] for m in public) == [
        "S3 Block Public Access is not fully on",
        "S3 bucket is public or not shown to be private",
    ]


def test_each_violation_names_its_control_and_citation(
    checker: Checker, noncompliant: list[Resource]
) -> None:
    citations = {c.id: c.citation for c in checker.controls}
    for diagnostic in direct(policies(checker), noncompliant):
        assert diagnostic.message.startswith(
            f"{diagnostic.policy} ({citations[diagnostic.policy]}): "
        )


def test_the_database_password_reaches_the_pack_but_no_message(
    checker: Checker, noncompliant: list[Resource]
) -> None:
    database = next(r for r in noncompliant if r.name == "patients-db")
    # A secret envelope around plain text: the pack unwraps it, as the SDK does.
    assert database.props["password"]["value"] == PASSWORD
    found = direct(policies(checker), noncompliant)
    assert found and not [d for d in found if PASSWORD in d.message]


def test_compliant_program_gets_no_violation(checker: Checker) -> None:
    resources = run_program(EXAMPLES / "compliant")
    assert {r.type for r in resources} >= {
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:rds/parameterGroup:ParameterGroup",
        "aws:cloudtrail/trail:Trail",
    }
    assert direct(policies(checker), resources) == []


def test_default_enforcement_follows_the_requirement(checker: Checker) -> None:
    levels = {p.name: p.enforcement_level.value for p in policies(checker) if p.enforcement_level}
    required = {c.id for c in checker.controls if c.requirement == "required"}
    assert levels == {
        c.id: "mandatory" if c.id in required else "advisory" for c in checker.controls
    }
    assert levels["hipaa-164-312-a-2-iv"] == "advisory"


def test_cli_prints_the_pack_directory() -> None:
    from click.testing import CliRunner

    from hipaa_cac.cli.pulumi import pulumi

    result = CliRunner().invoke(pulumi, ["pack-dir"])
    assert result.exit_code == 0
    pack = Path(result.output.strip())
    assert (pack / "PulumiPolicy.yaml").is_file() and (pack / "__main__.py").is_file()
