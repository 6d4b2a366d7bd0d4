"""The ldap collector against a real slapd (tests/slapd_server.py): an
OpenLDAP directory with ppolicy and lastbind, and an Active Directory
look-alike; paging, TLS, failures as gaps, and no password ever read."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from click.testing import Result
from ldap3 import NONE, SUBTREE, Connection, Server

from hipaa_cac.collectors.base import CollectContext, Gap, Observation, Record
from hipaa_cac.collectors.ldap import GROUP, USER, LdapCollector, in_chain
from hipaa_cac.collectors.ldap.flavors import AD, OPENLDAP
from hipaa_cac.collectors.ldap.values import filetime, generalized_time, guid, sid
from hipaa_cac.collectors.runner import run_source
from hipaa_cac.config import SourceConfig
from hipaa_cac.fingerprint import fingerprinter

if TYPE_CHECKING:
    from slapd_server import SlapdServer

# The fixtures `slapd` and `slapd_ad` come from the slapd_server plugin (conftest.py).

NOW = datetime(2026, 11, 20, 6, tzinfo=UTC)
AT_EVALUATE = "2026-11-20T12:00:00Z"
PASSWORD_ENV = "HIPAA_CAC_TEST_LDAP_PASSWORD"

# Everything secret or personal the directories hold (besides the servers'
# reader and admin passwords): none may reach evidence.
NEVER_IN_EVIDENCE = (
    "alice-password-1",
    "{SSHA}hoqC/gxC3s9TTI2FLv3jno8eNO5udy1zYWx0MQ==",
    "hoqC/gxC3s9TTI2FLv3jno8eNO5udy1zYWx0MQ==",
    "bob-password-1",
    "Adm1n-password",
    "Alice Admin",  # cn: a name, not a login
    "Jane Doe",
    "alice@northwind.example",
)


def user(uid: str, **fields: Any) -> dict[str, Any]:
    return {
        "user_id": f"5a1b0c6e-6f4c-4e5e-9a51-0c2a7d8e000{uid}",
        "status": "active",
        "mfa_enrolled": None,
        "shared_account": False,
        "last_login": None,
        "privileged": False,
        "password_last_set": None,
        **fields,
    }


OPENLDAP_USERS = {
    "alice": user(
        "1",
        display_id="alice",
        last_login="2026-11-19T16:02:00Z",
        privileged=True,
        password_last_set="2026-10-01T09:00:00Z",
        groups=["admins"],
    ),
    "bob": user("2", display_id="bob", groups=["developers"]),
    "carol": user(
        "3",
        display_id="carol",
        status="suspended",
        last_login="2026-06-15T12:00:00Z",
        groups=["developers"],
    ),
    "ci-deploy": user(
        "4",
        display_id="ci-deploy",
        shared_account=True,
        last_login="2026-11-18T08:30:00Z",
        privileged=True,  # deployers is nested in admins
        groups=["deployers"],
    ),
    "dave": user(
        "5", display_id="dave", password_last_set="2026-03-01T00:00:00Z", groups=["offboarded"]
    ),
    "erin": user("6", display_id="erin", groups=["ops"]),  # posixGroup memberUid
}

AD_USERS = {
    "Administrator": user(
        "1",
        display_id="Administrator",
        shared_account=True,
        last_login="2026-11-17T22:15:00Z",
        privileged=True,
        password_last_set="2026-01-31T00:00:00Z",
        groups=["Administrators", "Domain Admins", "Domain Users"],
    ),
    "jdoe": user(
        "2",
        display_id="jdoe",
        last_login="2026-11-19T16:02:00Z",
        privileged=True,
        password_last_set="2026-10-01T09:00:00Z",
        groups=["Domain Admins", "Domain Users"],
    ),
    "tnested": user(
        "3",
        display_id="tnested",
        last_login="2026-11-18T08:30:00Z",
        privileged=True,  # Tier0 Operators is nested in Domain Admins
        groups=["Domain Users", "Tier0 Operators"],
    ),
    # primaryGroupID 512: Domain Admins though neither memberOf nor member says so
    "phidden": user("4", display_id="phidden", privileged=True, groups=["Domain Admins"]),
    "oleft": user(
        "5",
        display_id="oleft",
        status="suspended",  # userAccountControl 514: ACCOUNTDISABLE
        last_login="2026-06-15T12:00:00Z",
        password_last_set="2026-03-01T00:00:00Z",
        groups=["Domain Users"],
    ),
    # accountExpires 2026-10-01, before NOW
    "cexpired": user("6", display_id="cexpired", status="suspended", groups=["Domain Users"]),
    "svc-backup": user(
        "7",
        display_id="svc-backup",
        shared_account=True,
        privileged=True,
        groups=["Backup Operators", "Domain Users"],
    ),
}


def config(server: SlapdServer, **overrides: Any) -> dict[str, Any]:
    return {
        "url": server.url,
        "bind_dn": server.reader_dn,
        "password_env": PASSWORD_ENV,
        "base_dn": server.suffix,
        **overrides,
    }


def collect(server_config: dict[str, Any], root: Path = Path(".")) -> list[Record]:
    context = CollectContext(root=root, now=NOW, fingerprint=fingerprinter(b"s"))
    return list(LdapCollector().collect(server_config, context))


def observed(records: list[Record], kind: str) -> dict[str, dict[str, Any]]:
    return {r.subject: r.data for r in records if isinstance(r, Observation) and r.kind == kind}


def gaps(records: list[Record]) -> dict[str, str]:
    return {r.kind: r.error for r in records if isinstance(r, Gap)}


@pytest.fixture(autouse=True)
def password(monkeypatch: pytest.MonkeyPatch) -> None:
    from slapd_server import READER_PASSWORD

    monkeypatch.setenv(PASSWORD_ENV, READER_PASSWORD)


def test_openldap_users(slapd: SlapdServer) -> None:
    records = collect(config(slapd))  # flavor detected: no forestFunctionality
    assert gaps(records) == {}
    assert observed(records, USER) == {
        f"ldap:127.0.0.1/users/{login}": data for login, data in OPENLDAP_USERS.items()
    }


def test_openldap_groups(slapd: SlapdServer) -> None:
    assert observed(collect(config(slapd)), GROUP) == {
        "ldap:127.0.0.1/groups/admins": {"name": "admins", "privileged": True, "members": 2},
        "ldap:127.0.0.1/groups/deployers": {"name": "deployers", "privileged": True, "members": 1},
        "ldap:127.0.0.1/groups/developers": {
            "name": "developers",
            "privileged": False,
            "members": 2,
        },
        "ldap:127.0.0.1/groups/offboarded": {
            "name": "offboarded",
            "privileged": False,
            "members": 1,
        },
        "ldap:127.0.0.1/groups/ops": {"name": "ops", "privileged": False, "members": 1},
    }


def test_active_directory_users_and_groups(slapd_ad: SlapdServer) -> None:
    records = collect(config(slapd_ad))  # flavor detected from the root DSE
    assert gaps(records) == {}
    # WS01$ is a computer account (sAMAccountType 805306369): not a user.
    assert observed(records, USER) == {
        f"ldap:127.0.0.1/users/{login}": data for login, data in AD_USERS.items()
    }
    assert observed(records, GROUP) == {
        f"ldap:127.0.0.1/groups/{name}": {"name": name, "privileged": privileged, "members": n}
        for name, privileged, n in (
            ("Domain Admins", True, 3),
            ("Tier0 Operators", True, 1),
            ("Domain Users", False, 0),  # primary-group members are not listed
            ("Administrators", True, 2),
            ("Backup Operators", True, 1),
        )
    }


def test_active_directory_nested_membership_is_asked_of_the_server(
    slapd_ad: SlapdServer,
) -> None:
    before = len(slapd_ad.log())
    collect(config(slapd_ad, privileged_groups=["Domain Admins"]))
    searches = _searches(slapd_ad.log()[before:])
    # slapd does not implement the in-chain rule (it logs "?=undefined"); AD does.
    assert [s for s in searches if "(?=undefined)" in s[0]] == [
        ("(&(sAMAccountType=805306368)(?=undefined))", "1.1")
    ]
    assert in_chain(AD.user_filter, "CN=Domain Admins,CN=Users,DC=corp,DC=example") == (
        "(&(sAMAccountType=805306368)"
        "(memberOf:1.2.840.113556.1.4.1941:=CN=Domain Admins,CN=Users,DC=corp,DC=example))"
    )
    assert in_chain("(uid=*)", r"cn=a\2c b (x),dc=example").endswith(
        r"=cn=a\5c2c b \28x\29,dc=example))"
    )


def test_paging_reads_past_the_server_size_limit(slapd: SlapdServer) -> None:
    # The server stops plain searches at 3 entries, as AD does at MaxPageSize...
    plain = Connection(
        Server("127.0.0.1", port=slapd.port, get_info=NONE), slapd.reader_dn, slapd.reader_password
    )
    plain.bind()
    plain.search(slapd.suffix, OPENLDAP.user_filter, SUBTREE, attributes=["uid"])
    assert plain.result["description"] == "sizeLimitExceeded" and len(plain.entries) == 3
    plain.unbind()
    # ...and pages of 2 still bring all 6 users (and the 5 groups).
    before = len(slapd.log())
    records = collect(config(slapd, page_size=2))
    assert gaps(records) == {}
    assert sorted(observed(records, USER)) == sorted(
        f"ldap:127.0.0.1/users/{login}" for login in OPENLDAP_USERS
    )
    assert len(observed(records, GROUP)) == 5
    user_pages = [s for s in _searches(slapd.log()[before:]) if s[0] == OPENLDAP.user_filter]
    assert len(user_pages) >= 3


def test_passwords_are_never_requested_nor_recorded(
    slapd: SlapdServer, slapd_ad: SlapdServer
) -> None:
    for server in (slapd, slapd_ad):
        before = len(server.log())
        records = collect(config(server))
        text = json.dumps([r.__dict__ for r in records])
        for secret in (*NEVER_IN_EVIDENCE, server.reader_password, server.admin_password):
            assert secret not in text
        requested = " ".join(attrs for _, attrs in _searches(server.log()[before:])).lower()
        assert requested and "userpassword" not in requested and "unicodepwd" not in requested
        assert "*" not in requested.split()  # never "all attributes"


def test_a_wrong_password_is_a_gap_for_both_kinds(
    slapd: SlapdServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "not-the-password-x1")
    records = collect(config(slapd))
    assert gaps(records) == {
        USER: f"{slapd.url}: bind as {slapd.reader_dn} failed: invalidCredentials (49)",
        GROUP: f"{slapd.url}: bind as {slapd.reader_dn} failed: invalidCredentials (49)",
    }
    assert "not-the-password-x1" not in repr(records)


def test_an_unreachable_server_is_a_gap(slapd: SlapdServer) -> None:
    records = collect(config(slapd, url="ldap://127.0.0.1:9", timeout_seconds=2))
    assert set(gaps(records)) == {USER, GROUP} and len(records) == 2
    assert gaps(records)[USER].startswith("cannot connect to ldap://127.0.0.1:9: ")
    assert "refused" in gaps(records)[USER].lower()


def test_a_missing_password_is_a_gap(slapd: SlapdServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PASSWORD_ENV)
    message = (
        f"environment variable {PASSWORD_ENV} (password_env) is not set: "
        f"no password to bind as {slapd.reader_dn}"
    )
    assert gaps(collect(config(slapd))) == {USER: message, GROUP: message}


def test_a_failed_group_search_leaves_users_with_privilege_unknown(slapd: SlapdServer) -> None:
    records = collect(config(slapd, group_base_dn=f"ou=nowhere,{slapd.suffix}"))
    assert gaps(records) == {
        GROUP: f"search of ou=nowhere,{slapd.suffix} for {OPENLDAP.group_filter} "
        "failed: noSuchObject (32)"
    }
    users = observed(records, USER)
    assert len(users) == 6 and not observed(records, GROUP)
    assert {(u["privileged"], u["groups"]) for u in users.values()} == {(None, None)}
    assert users["ldap:127.0.0.1/users/carol"]["status"] == "suspended"  # still known


def test_a_failed_user_search_is_a_gap_for_users_only(slapd: SlapdServer) -> None:
    records = collect(config(slapd, user_base_dn=f"ou=nowhere,{slapd.suffix}"))
    assert set(gaps(records)) == {USER} and "noSuchObject (32)" in gaps(records)[USER]
    assert len(observed(records, GROUP)) == 5


def test_disabled_groups_and_filter_suspend_users(slapd: SlapdServer) -> None:
    records = collect(
        config(
            slapd, flavor="openldap", disabled_groups=["offboarded"], disabled_filter="(uid=erin)"
        )
    )
    status = {s.rsplit("/", 1)[1]: u["status"] for s, u in observed(records, USER).items()}
    assert status == {
        "alice": "active",
        "bob": "active",
        "carol": "suspended",
        "ci-deploy": "active",
        "dave": "suspended",
        "erin": "suspended",
    }


def test_configured_privileged_groups_and_shared_patterns(slapd: SlapdServer) -> None:
    records = collect(
        config(slapd, privileged_groups=["developers"], shared_account_patterns=["b*"])
    )
    users = {s.rsplit("/", 1)[1]: u for s, u in observed(records, USER).items()}
    assert {login for login, u in users.items() if u["privileged"]} == {"bob", "carol"}
    assert {login for login, u in users.items() if u["shared_account"]} == {"bob"}


def test_tls_verifies_the_server_certificate_and_name(slapd: SlapdServer, tmp_path: Path) -> None:
    (tmp_path / "ca.pem").write_bytes(slapd.ca_file.read_bytes())
    for tls in ({"url": slapd.ldaps_url}, {"url": slapd.starttls_url, "start_tls": True}):
        records = collect(config(slapd, ca_file="ca.pem", **tls), root=tmp_path)
        assert gaps(records) == {} and len(observed(records, USER)) == 6
    # Without the CA the certificate is not trusted, and with it a certificate
    # for another name is not either: the bind (and its password) is never sent.
    ip_url = slapd.ldaps_url.replace("localhost", "127.0.0.1")
    for wrong, reason in (
        ({"url": slapd.ldaps_url}, "CERTIFICATE_VERIFY_FAILED"),
        ({"url": slapd.starttls_url, "start_tls": True}, "CERTIFICATE_VERIFY_FAILED"),
        ({"url": ip_url, "ca_file": "ca.pem"}, "doesn't match any name in ['127.0.0.1']"),
    ):
        before = len(slapd.log())
        found = gaps(collect(config(slapd, **wrong), root=tmp_path))
        assert set(found) == {USER, GROUP} and reason in found[USER], found[USER]
        assert " BIND " not in slapd.log()[before:]
    missing = gaps(collect(config(slapd, ca_file="nope.pem"), root=tmp_path))
    assert missing[USER] == "ca_file nope.pem does not exist"


def test_last_login_comes_from_lastbind(tmp_path: Path) -> None:
    from slapd_server import SlapdServer

    server = SlapdServer(tmp_path)  # its own: this test changes the directory
    try:
        bob = f"uid=bob,ou=people,{server.suffix}"
        before = observed(collect(config(server)), USER)["ldap:127.0.0.1/users/bob"]
        assert before["last_login"] is None
        login = Connection(
            Server("127.0.0.1", port=server.port, get_info=NONE), bob, "bob-password-1"
        )
        assert login.bind()
        login.unbind()
        after = observed(collect(config(server)), USER)["ldap:127.0.0.1/users/bob"]
        assert after["last_login"] is not None
        assert (
            abs((datetime.now(UTC) - generalized_time_of(after["last_login"])).total_seconds()) < 60
        )
    finally:
        server.stop()


def generalized_time_of(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_values() -> None:
    assert filetime("134395777200000000") == datetime(2026, 11, 19, 16, 2, tzinfo=UTC)
    assert filetime("0") is None and filetime(str(0x7FFFFFFFFFFFFFFF)) is None
    assert filetime("junk") is None and filetime(None) is None
    assert generalized_time("20261119160200Z") == datetime(2026, 11, 19, 16, 2, tzinfo=UTC)
    assert generalized_time("20261119160200.5-0130") == datetime(2026, 11, 19, 17, 32, tzinfo=UTC)
    assert generalized_time("000001010000Z") is None and generalized_time("soon") is None
    assert guid(bytes.fromhex("6e0c1b5a4c6f5e4e9a510c2a7d8e0001")) == (
        "5a1b0c6e-6f4c-4e5e-9a51-0c2a7d8e0001"
    )
    raw = bytes.fromhex("010200000000000520000000" + "20020000")
    assert sid(raw) == "S-1-5-32-544" and sid(raw[:-1]) is None


def test_run_through_the_runner(slapd: SlapdServer) -> None:
    source = SourceConfig("corp-ldap", "ldap", config(slapd), None)
    context = CollectContext(root=Path("."), now=NOW, fingerprint=fingerprinter(b"s"))
    run = run_source(source, LdapCollector(), context, lambda: "2026-11-20T06:00:03Z")
    assert {k: s.status for k, s in run.kinds.items()} == {USER: "complete", GROUP: "complete"}
    assert len(run.items) == 11
    assert all(
        i.source == {"collector": "ldap", "version": i.source["version"], "scope": "corp-ldap"}
        for i in run.items
    )


def test_collect_and_evaluate_with_the_cli(
    cli: Callable[..., Result], slapd: SlapdServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Rego rules on idp.user: every active LDAP user fails MFA (unknown),
    and the shared ci-deploy login fails unique user identification."""
    site = tmp_path / "site"
    _register_entry_point(site)
    monkeypatch.syspath_prepend(str(site))
    repo = tmp_path / "repo"
    repo.mkdir()
    document = {
        "version": 1,
        "controls": ["builtin"],
        "policies": ["builtin"],
        "sources": [{"id": "corp-ldap", "collector": "ldap", "config": config(slapd)}],
    }
    (repo / "hipaa-cac.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    collected = cli("collect", "--repo", repo, "--at", "2026-11-20T06:00:00Z")
    assert collected.exit_code == 0, collected.output
    out = repo / "result.json"
    cli("evaluate", "--repo", repo, "--at", AT_EVALUATE, "--format", "json", "--output", out)
    result = json.loads(out.read_text())
    found: dict[str, set[str]] = {}
    for control in result["controls"]:
        for finding in control["findings"]:
            if finding["resource"].startswith("ldap:"):
                found.setdefault(control["id"], set()).add(finding["resource"].rsplit("/", 1)[1])
    assert found == {
        "hipaa-164-312-d": {"alice", "bob", "ci-deploy", "dave", "erin"},  # carol is suspended
        "hipaa-164-312-a-2-i": {"ci-deploy"},
    }


def _register_entry_point(site: Path) -> None:
    """The `ldap` entry point, as pyproject.toml declares it, for a checkout
    installed before it was added (a duplicate with the same target is fine)."""
    info = site / "hipaa_cac_ldap_test-0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: hipaa-cac-ldap-test\nVersion: 0\n")
    (info / "entry_points.txt").write_text(
        "[hipaa_cac.collectors]\nldap = hipaa_cac.collectors.ldap:LdapCollector\n"
    )


def test_missing_slapd_fails_and_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import slapd_server

    monkeypatch.setattr(slapd_server, "SLAPD", Path("/nonexistent/slapd"))
    with pytest.raises(pytest.fail.Exception, match=r"run `make system-packages`"):
        slapd_server.require_slapd()


_SRCH = re.compile(r'conn=(\d+) op=(\d+) SRCH base=".*?" scope=\d deref=\d filter="(.*)"$')
_ATTRS = re.compile(r"conn=(\d+) op=(\d+) SRCH attr=(.*)$")


def _searches(log: str) -> list[tuple[str, str]]:
    """(filter, requested attributes) of each search in a slapd stats log."""
    filters: dict[tuple[str, str], str] = {}
    found = []
    for line in log.splitlines():
        if match := _SRCH.search(line):
            filters[match[1], match[2]] = match[3]
        elif (match := _ATTRS.search(line)) and (match[1], match[2]) in filters:
            found.append((filters[match[1], match[2]], match[3]))
    return found
