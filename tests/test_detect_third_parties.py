"""Third-party services in a repository (hipaa_cac.detect.third_parties), the
vendor catalog they are matched against, and `git.third_party` evidence from
the git collector on real repositories."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from git_repos import new_repo

from hipaa_cac.collectors.base import CollectContext, Gap, Observation
from hipaa_cac.collectors.git import GitCollector
from hipaa_cac.collectors.git.third_party import find_third_parties
from hipaa_cac.detect.manifests import ManifestError
from hipaa_cac.detect.third_parties import ThirdPartyUse, scan_file
from hipaa_cac.errors import InputError
from hipaa_cac.fingerprint import fingerprinter
from hipaa_cac.vendors import ECOSYSTEMS, catalog, load_catalog, normalize_package

Found = tuple[str, str, int, str | None, str]  # vendor, via, line, ecosystem, reference


def found(path: str, text: str) -> list[Found]:
    return [(u.vendor, u.via, u.line, u.ecosystem, u.reference) for u in scan_file(path, text)]


# --- manifests ------------------------------------------------------------


def test_requirements_lines_names_and_options() -> None:
    text = (
        "# production\n"
        "-r base.txt\n"
        "flask==3.0\n"
        "Sentry_SDK[flask]>=1.40 ; python_version >= '3.8'  # errors\n"
        "    --hash=sha256:abc\n"
        "DDTrace\n"
        "twilio @ https://files.example/twilio-9.0.tar.gz\n"
        "./vendored/stripe\n"
    )
    assert found("requirements.txt", text) == [
        ("sentry", "dependency", 4, "pypi", "sentry-sdk"),
        ("datadog", "dependency", 6, "pypi", "ddtrace"),
        ("twilio", "dependency", 7, "pypi", "twilio"),
    ]
    assert found("requirements/prod.in", "newrelic\n") == [
        ("newrelic", "dependency", 1, "pypi", "newrelic")
    ]
    assert found("constraints.txt", "boto3==1.34\n") == [("aws", "dependency", 1, "pypi", "boto3")]


@pytest.mark.parametrize(
    "path", ["requirements-dev.txt", "dev-requirements.txt", "requirements/test.txt"]
)
def test_dev_requirement_files_are_not_production(path: str) -> None:
    assert found(path, "sentry-sdk\n") == []


PYPROJECT = """\
[project]
name = "api"
dependencies = [
    "flask>=3",
    "sentry-sdk[flask]>=1.40",
]

[project.optional-dependencies]
dev = ["rollbar", "openai"]
ai = ["anthropic>=0.30"]

[dependency-groups]
test = ["bugsnag"]

[tool.poetry.dependencies]
python = "^3.11"
Twilio = "^9"

[tool.poetry.group.dev.dependencies]
mixpanel = "*"

[tool.poetry.group.workers.dependencies]
stripe = "*"
"""


def test_pyproject_sections_and_dev_groups() -> None:
    assert found("pyproject.toml", PYPROJECT) == [
        ("sentry", "dependency", 5, "pypi", "sentry-sdk"),
        ("anthropic", "dependency", 10, "pypi", "anthropic"),
        ("twilio", "dependency", 17, "pypi", "twilio"),
        ("stripe", "dependency", 23, "pypi", "stripe"),
    ]  # dev extra (rollbar, openai), test group (bugsnag), poetry dev group (mixpanel): none


def test_pipfile_and_setup_cfg() -> None:
    pipfile = '[packages]\nflask = "*"\n"sentry-sdk" = "*"\n\n[dev-packages]\nrollbar = "*"\n'
    assert found("Pipfile", pipfile) == [("sentry", "dependency", 3, "pypi", "sentry-sdk")]
    setup_cfg = (
        "[metadata]\nname = api\n\n[options]\ninstall_requires =\n    flask\n"
        "    datadog>=0.49\n\n[options.extras_require]\nsms = twilio\ntest = rollbar\n"
    )
    assert found("setup.cfg", setup_cfg) == [
        ("datadog", "dependency", 7, "pypi", "datadog"),
        ("twilio", "dependency", 10, "pypi", "twilio"),
    ]


PACKAGE_JSON = """\
{
  "name": "web",
  "devDependencies": {
    "@sentry/cli": "^2",
    "stripe": "^14"
  },
  "dependencies": {
    "express": "^4",
    "@sentry/node": "^8",
    "dd-trace": "^5"
  },
  "peerDependencies": {
    "stripe": "^14"
  }
}
"""


def test_package_json_skips_dev_dependencies() -> None:
    # stripe is both dev and peer: the line is the peer one, not the dev one.
    assert found("web/package.json", PACKAGE_JSON) == [
        ("sentry", "dependency", 9, "npm", "@sentry/node"),
        ("datadog", "dependency", 10, "npm", "dd-trace"),
        ("stripe", "dependency", 13, "npm", "stripe"),
    ]


def test_go_mod_direct_requirements_only() -> None:
    text = (
        "module example.com/api\n\ngo 1.22\n\n"
        "require github.com/getsentry/sentry-go v0.27.0\n\n"
        "require (\n"
        "\tgithub.com/stripe/stripe-go/v76 v76.0.0\n"
        "\tgithub.com/aws/aws-sdk-go-v2/service/s3 v1.50.0 // indirect\n"
        "\tgopkg.in/DataDog/dd-trace-go.v1 v1.60.0\n"
        ")\n"
    )
    assert found("go.mod", text) == [
        ("sentry", "dependency", 5, "go", "github.com/getsentry/sentry-go"),
        ("stripe", "dependency", 8, "go", "github.com/stripe/stripe-go/v76"),
        ("datadog", "dependency", 10, "go", "gopkg.in/DataDog/dd-trace-go.v1"),
    ]


def test_gemfile_groups() -> None:
    text = (
        "source 'https://rubygems.org'\n"
        "gem 'rails', '~> 7.1'\n"
        'gem "sentry-ruby"\n'
        "group :development, :test do\n"
        "  if ENV['CI']\n"
        "    gem 'bugsnag'\n"
        "  end\n"
        "  gem 'rollbar'\n"
        "end\n"
        "gem 'stripe', group: :test\n"
        "group :production do\n"
        "  gem 'twilio-ruby'\n"
        "end\n"
    )
    assert found("Gemfile", text) == [
        ("sentry", "dependency", 3, "rubygems", "sentry-ruby"),
        ("twilio", "dependency", 12, "rubygems", "twilio-ruby"),
    ]


def test_maven_and_gradle() -> None:
    pom = (
        "<project>\n  <dependencyManagement><dependencies>\n"
        "    <dependency><groupId>com.stripe</groupId><artifactId>stripe-java</artifactId>"
        "</dependency>\n  </dependencies></dependencyManagement>\n  <dependencies>\n"
        "    <dependency>\n      <groupId>io.sentry</groupId>\n"
        "      <artifactId>sentry</artifactId>\n    </dependency>\n"
        "    <dependency>\n      <groupId>com.twilio.sdk</groupId>\n"
        "      <artifactId>twilio</artifactId>\n      <scope>test</scope>\n    </dependency>\n"
        "  </dependencies>\n</project>\n"
    )
    assert found("pom.xml", pom) == [("sentry", "dependency", 8, "maven", "io.sentry:sentry")]
    gradle = (
        "dependencies {\n"
        "    implementation 'com.datadoghq:dd-trace-api:1.30.0'\n"
        '    testImplementation("io.sentry:sentry:7.0.0")\n'
        "}\n"
    )
    assert found("build.gradle", gradle) == [
        ("datadog", "dependency", 2, "maven", "com.datadoghq:dd-trace-api")
    ]


def test_unknown_packages_are_ignored() -> None:
    assert found("requirements.txt", "flask\nrequests\nsentry\nnot-sentry-sdk\n") == []
    assert found("package.json", '{"dependencies": {"express": "^4", "sentry": "1"}}') == []


@pytest.mark.parametrize(
    ("path", "text", "line"),
    [
        ("package.json", '{\n  "dependencies": {\n    "x": 1,\n  }\n}\n', 4),
        ("pyproject.toml", "[project]\ndependencies = [\n", 2),
        ("Pipfile", "[packages\n", 1),
    ],
)
def test_a_manifest_that_does_not_parse_is_an_error_with_its_line(
    path: str, text: str, line: int
) -> None:
    with pytest.raises(ManifestError) as error:
        scan_file(path, text)
    assert error.value.line == line


# --- code, terraform, config hosts ----------------------------------------


def test_python_imports() -> None:
    text = (
        '"""import stripe  (a docstring, not an import)"""\n'
        "import os\n"
        "from sentry_sdk.integrations.flask import FlaskIntegration\n"
        "import sentry_sdk\n"
        "from google.cloud import storage\n"
        "from . import openai\n"
    )
    assert found("app/errors.py", text) == [
        ("sentry", "import", 3, "pypi", "sentry_sdk.integrations.flask"),
        ("gcp", "import", 5, "pypi", "google.cloud"),
    ]
    # Python 2 does not parse; its imports still count.
    assert found("legacy.py", 'print "hi"\nimport twilio, os\n') == [
        ("twilio", "import", 2, "pypi", "twilio")
    ]


def test_javascript_and_typescript_imports() -> None:
    js = (
        "// require('stripe') in a comment is not an import\n"
        "const tracer = require('dd-trace').init();\n"
        "const s = 'import(\"openai\")';\n"
        "import * as Sentry from '@sentry/node';\n"
        "const { Twilio } = await import('twilio');\n"
        "const local = require('./sentry');\n"
    )
    assert found("server.js", js) == [
        ("datadog", "import", 2, "npm", "dd-trace"),
        ("sentry", "import", 4, "npm", "@sentry/node"),
        ("twilio", "import", 5, "npm", "twilio"),
    ]
    ts = "import type { X } from 'openai';\nimport mp = require('mixpanel');\n"
    assert found("src/ai.ts", ts) == [
        ("openai", "import", 1, "npm", "openai"),
        ("mixpanel", "import", 2, "npm", "mixpanel"),
    ]
    tsx = "import { useOktaAuth } from '@okta/okta-react';\nexport const A = () => <div/>;\n"
    assert found("src/App.tsx", tsx) == [("okta", "import", 1, "npm", "@okta/okta-react")]


def test_terraform_providers() -> None:
    text = (
        "terraform {\n"
        "  required_providers {\n"
        '    aws = { source = "hashicorp/aws", version = "~> 5.0" }\n'
        "    datadog = {\n"
        '      source = "registry.terraform.io/DataDog/datadog"\n'
        "    }\n"
        "  }\n"
        "}\n"
        'module "vpc" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n'
        'provider "aws" {\n  region = "us-east-1"\n}\n'
        'provider "sentry" {}\n'
    )
    assert found("infra/main.tf", text) == [
        ("aws", "iac", 3, "terraform", "hashicorp/aws"),
        ("datadog", "iac", 5, "terraform", "DataDog/datadog"),
        ("sentry", "iac", 15, "terraform", "jianyuan/sentry"),
    ]
    one_line = 'terraform { required_providers { twilio = { source = "twilio/twilio" } } }\n'
    assert found("sms.tf", one_line) == [("twilio", "iac", 1, "terraform", "twilio/twilio")]


SECRET_KEY = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"


def test_config_hosts_record_the_suffix_and_nothing_else() -> None:
    text = (
        "# docs: https://docs.sentry.io/platforms/python/\n"
        "service: api\n"
        f"sentry_dsn: https://{SECRET_KEY}@o4501.ingest.us.sentry.io/4506789?env=prod\n"
        "dd_site: us5.datadoghq.com\n"
        "other: https://notsentry.io/x\n"
        "sentry_again: https://sentry.io\n"
    )
    uses = scan_file("config/production.yaml", text)
    assert [(u.vendor, u.via, u.line, u.ecosystem, u.reference) for u in uses] == [
        ("sentry", "config_host", 3, None, "sentry.io"),
        ("datadog", "config_host", 4, None, "datadoghq.com"),
    ]
    shown = repr(uses)
    assert SECRET_KEY not in shown and "o4501" not in shown and "4506789" not in shown


@pytest.mark.parametrize(
    ("path", "scanned"),
    [
        ("Dockerfile", True),
        ("docker-compose.prod.yml", True),
        (".env.example", True),
        ("deploy/app.ini", True),
        ("app/settings.py", False),  # code: its imports count, not its strings
        ("README.md", False),
        ("package-lock.json", False),  # registry URLs
    ],
)
def test_which_files_are_read_for_hosts(path: str, scanned: bool) -> None:
    text = "SENDGRID_HOST=smtp.sendgrid.net\n"
    expected = [("sendgrid", "config_host", 1, None, "sendgrid.net")] if scanned else []
    assert found(path, text) == expected


# --- the catalog ------------------------------------------------------------


def test_the_shipped_catalog_is_complete_and_unambiguous() -> None:
    vendors = catalog().vendors
    assert len(vendors) >= 30
    for v in vendors:
        assert v.name and v.category and isinstance(v.may_handle_phi, bool), v.id
    owners: dict[tuple[str, str], str] = {}
    for v in vendors:
        for ecosystem, names in v.packages.items():
            for name in names:
                key = (ecosystem, normalize_package(ecosystem, name))
                assert owners.setdefault(key, v.id) == v.id, f"{key} listed twice"
        for host in v.hosts:
            assert catalog().host(f"api.{host}") == (v, host)
    # Stripe's payment exemption; everything else may see PHI.
    assert [v.id for v in vendors if not v.may_handle_phi] == ["stripe"]
    assert {e for v in vendors for e in v.packages} == set(ECOSYSTEMS)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "vendors.yaml"
    path.write_text(text)
    return path


GOOD = "acme:\n  name: Acme\n  category: logging\n  may_handle_phi: true\n  baa_available: null\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD.replace("  name: Acme\n", ""), "acme:1: vendor 'acme': 'name' is required"),
        (GOOD.replace("logging", "logs"), "acme:3: vendor 'acme': 'category' must be one of"),
        (GOOD.replace("phi: true", "phi: maybe"), ":4: vendor 'acme': 'may_handle_phi' must be"),
        (GOOD, ":1: vendor 'acme': lists nothing to detect it by"),
        (
            GOOD
            + "  packages: {pypi: [acme-log]}\n"
            + GOOD.replace("acme", "other")
            + "  packages: {pypi: [Acme_Log]}\n",
            ":12: vendor 'other': 'Acme_Log' is also 'acme''s (package pypi)",
        ),
        (
            GOOD
            + "  packages: {npm: ['@acme/*']}\n"
            + GOOD.replace("acme", "other")
            + "  packages: {npm: ['@acme/logger']}\n",
            "'@acme/logger' is also 'acme''s",
        ),
        (
            GOOD
            + "  hosts: [acme.io]\n"
            + GOOD.replace("acme", "other")
            + "  hosts: [logs.acme.io]\n",
            "'logs.acme.io' is also 'acme''s (host)",
        ),
    ],
)
def test_a_bad_catalog_is_rejected_with_its_line(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InputError) as error:
        load_catalog(path)
    shown = str(error.value).replace(str(path), "acme")
    assert message in shown


# --- through the git collector ----------------------------------------------

NOW = datetime(2026, 11, 20, 6, tzinfo=UTC)


def collect(root: Path, **config: object) -> list[Observation | Gap]:
    context = CollectContext(root=root, now=NOW, fingerprint=fingerprinter(b"test-salt"))
    return list(GitCollector().collect(config, context))


def test_git_collector_records_each_use(tmp_path: Path) -> None:
    new_repo(
        tmp_path / "api",
        {
            "requirements.txt": "flask\nsentry-sdk==2.0\n",
            "app/main.py": "import sentry_sdk\nimport stripe\nimport stripe.checkout\n",
            "app/jobs.py": "import stripe\n",
            "config/prod.yaml": f"dsn: https://{SECRET_KEY}@o1.ingest.sentry.io/2\n",
            "tests/test_pay.py": "import twilio\n",  # tests are not production code
            "scripts/seed.py": "import openai\n",  # excluded by the source config
            "web/package.json": '{"dependencies": {\n  "dd-trace": "5"\n}}\n',
        },
        remote="git@github.com:acme/api.git",
    )
    records = collect(tmp_path, path="api", exclude=["scripts/*"], history=False)
    items = [r for r in records if isinstance(r, Observation) and r.kind == "git.third_party"]
    assert [r.subject for r in items] == [
        "git:github.com/acme/api/app/jobs.py:1#stripe",
        "git:github.com/acme/api/app/main.py:1#sentry",
        "git:github.com/acme/api/app/main.py:2#stripe",
        "git:github.com/acme/api/config/prod.yaml:1#sentry",
        "git:github.com/acme/api/requirements.txt:2#sentry",
        "git:github.com/acme/api/web/package.json:2#datadog",
    ]
    assert items[4].data == {
        "repository": "git:github.com/acme/api",
        "path": "requirements.txt",
        "line": 2,
        "vendor": "sentry",
        "vendor_name": "Sentry",
        "category": "error_tracking",
        "via": "dependency",
        "ecosystem": "pypi",
        "reference": "sentry-sdk",
        "may_handle_phi": True,
        "baa_available": True,
    }
    assert items[2].data["may_handle_phi"] is False
    assert not [r for r in records if isinstance(r, Gap) and r.kind == "git.third_party"]
    assert SECRET_KEY not in json.dumps([r.data for r in items])
    assert SECRET_KEY not in repr(records)


def test_a_repository_without_vendors_is_a_complete_empty_collection(tmp_path: Path) -> None:
    new_repo(tmp_path / "api", {"app.py": "import os\n", "requirements.txt": "flask\n"})
    records = collect(tmp_path, path="api", history=False)
    assert [r for r in records if r.kind == "git.third_party"] == []
    assert "git.third_party" in GitCollector.kinds


def test_an_unparsable_manifest_is_a_gap_and_the_rest_is_still_recorded(tmp_path: Path) -> None:
    new_repo(
        tmp_path / "api",
        {
            "package.json": '{\n  "dependencies": {\n    "stripe": "1",,\n',
            "a.py": "import stripe\n",
        },
    )
    records = collect(tmp_path, path="api", history=False)
    assert [r.error for r in records if isinstance(r, Gap) and r.kind == "git.third_party"] == [
        "package.json:3: not valid JSON, so its dependencies were not checked "
        "(fix it, or list it under 'exclude' if it is not a manifest)"
    ]
    assert [
        r.subject for r in records if isinstance(r, Observation) and r.kind == "git.third_party"
    ] == ["git:local/api/a.py:1#stripe"]


def test_find_third_parties_reads_tracked_files_only(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "api", {".gitignore": "local/\n", "a.py": "import twilio\n"})
    (repo / "untracked.py").write_text("import openai\n")
    (repo / "local").mkdir()
    (repo / "local" / "b.py").write_text("import stripe\n")
    scan = find_third_parties(repo)
    assert scan.uses == (ThirdPartyUse("twilio", "import", "a.py", 1, "pypi", "twilio"),)
    assert scan.unreadable == ()
