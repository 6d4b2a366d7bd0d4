"""A real OpenLDAP slapd on 127.0.0.1, for the ldap collector's tests.

    def test_x(slapd):                  # fixture: an OpenLDAP directory
        LdapCollector().collect({"url": slapd.url, "bind_dn": slapd.reader_dn, ...}, ...)

    def test_y(slapd_ad):               # fixture: an Active Directory look-alike

Each server gets its own temp directory, a generated slapd.conf (mdb backend;
ppolicy and lastbind overlays when the modules are installed, so
pwdAccountLockedTime, pwdChangedTime and authTimestamp exist), a throwaway
TLS CA and server certificate (ldap:// with StartTLS, and ldaps://), and is
seeded with slapadd from tests/fixtures/ldap/*.ldif: slapadd, not ldapadd,
because the operational attributes the overlays maintain can only be loaded
offline. slapd runs in the foreground (-d) so this process owns it, logs to
`slapd.log` at the `stats` level (what each search asked for), and is stopped
at the end of the session.

The AD look-alike adds the AD attributes the collector reads (with equality
rules, so filters on them work) and a root DSE advertising forestFunctionality,
as a domain controller does. slapd does not implement AD's
LDAP_MATCHING_RULE_IN_CHAIN: a filter using it matches nothing here.

slapd comes from the system (`make system-packages`); without it the tests
fail rather than skip, so that tests of a real component cannot silently
vanish from CI.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from ldap3 import NONE, Connection, Server
from ldap3.core.exceptions import LDAPException
from processes import stop_process
from tls_cert import write_certificates

SLAPD = Path("/usr/sbin/slapd")
SLAPADD = Path("/usr/sbin/slapadd")
# Ubuntu's slapd package confines /usr/sbin/slapd with this AppArmor profile
# to /etc/ldap, /var/lib/ldap and the like: it could not read a config in a
# temp dir ("could not open config file ...: Permission denied").
APPARMOR_PROFILE = Path("/etc/apparmor.d/usr.sbin.slapd")
SCHEMA_DIR = Path("/etc/ldap/schema")
MODULE_DIR = Path("/usr/lib/ldap")
FIXTURES = Path(__file__).parent / "fixtures" / "ldap"

# The directories' fixed identities (passwords are test values, not secrets).
OPENLDAP_SUFFIX = "dc=northwind,dc=example"
AD_SUFFIX = "DC=corp,DC=northwind,DC=example"
READER_PASSWORD = "reader-password-7f3k"
ADMIN_PASSWORD = "admin-password-9q2m"

# Just what the collector reads, modelled on AD's definitions (OIDs are
# Microsoft's; forestFunctionality and isGlobalCatalogReady use OpenLDAP's
# experimental arc). AD itself compares these case-insensitively and as
# integers; the equality rules make slapd do the same.
_AD_SCHEMA = """
attributetype ( 1.2.840.113556.1.4.221 NAME 'sAMAccountName'
  EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch
  SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.4.302 NAME 'sAMAccountType'
  EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.4.8 NAME 'userAccountControl'
  EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.4.98 NAME 'primaryGroupID'
  EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.4.1696 NAME 'lastLogonTimestamp'
  EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.4.96 NAME 'pwdLastSet'
  EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.4.159 NAME 'accountExpires'
  EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.4.750 NAME 'groupType'
  EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.4.2 NAME 'objectGUID'
  EQUALITY octetStringMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.40 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.4.146 NAME 'objectSid'
  EQUALITY octetStringMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.40 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.4.90 NAME 'unicodePwd'
  EQUALITY octetStringMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.40 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.2.102 NAME 'memberOf'
  EQUALITY distinguishedNameMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.12 )
attributetype ( 1.3.6.1.4.1.4203.666.255.1 NAME 'forestFunctionality'
  EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
attributetype ( 1.3.6.1.4.1.4203.666.255.2 NAME 'isGlobalCatalogReady'
  EQUALITY booleanMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.7 SINGLE-VALUE )
objectclass ( 1.2.840.113556.1.3.23 NAME 'container' SUP top STRUCTURAL MUST cn )
objectclass ( 1.2.840.113556.1.5.9 NAME 'user' SUP organizationalPerson STRUCTURAL
  MAY ( sAMAccountName $ sAMAccountType $ userAccountControl $ primaryGroupID $
        lastLogonTimestamp $ pwdLastSet $ accountExpires $ objectGUID $ objectSid $ unicodePwd $
        memberOf ) )
objectclass ( 1.2.840.113556.1.3.30 NAME 'computer' SUP user STRUCTURAL )
objectclass ( 1.2.840.113556.1.5.8 NAME 'group' SUP top STRUCTURAL
  MUST ( cn $ groupType ) MAY ( sAMAccountName $ objectSid $ member $ memberOf $ description ) )
"""

_AD_ROOT_DSE = "dn:\nforestFunctionality: 7\nisGlobalCatalogReady: TRUE\n"


def require_slapd() -> None:
    if not (SLAPD.exists() and SLAPADD.exists()):
        pytest.fail(
            f"{SLAPD} is not installed: run `make system-packages` "
            "(apt-get install slapd ldap-utils) to run the LDAP collector's tests",
            pytrace=False,
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class SlapdServer:
    """slapd with its seeded directory on two free ports of 127.0.0.1: one for
    ldap:// (StartTLS offered), one for ldaps://."""

    def __init__(self, workdir: Path, *, flavor: str = "openldap") -> None:
        require_slapd()
        self.flavor = flavor
        self.suffix = AD_SUFFIX if flavor == "ad" else OPENLDAP_SUFFIX
        container = "CN=Users" if flavor == "ad" else "ou=services"
        self.reader_dn = f"cn=hipaa-cac-reader,{container},{self.suffix}"
        self.reader_password = READER_PASSWORD
        self.admin_dn = f"cn=admin,{self.suffix}"
        self.admin_password = ADMIN_PASSWORD
        self.workdir = workdir
        self.port, self.tls_port = _free_port(), _free_port()
        self.url = f"ldap://127.0.0.1:{self.port}"
        # TLS clients must ask for the name in the certificate: localhost.
        self.starttls_url = f"ldap://localhost:{self.port}"
        self.ldaps_url = f"ldaps://localhost:{self.tls_port}"
        self.log_path = workdir / "slapd.log"
        # For `localhost` only: connecting to 127.0.0.1 shows whether the client checks the name.
        tls = write_certificates(workdir, ("localhost",))
        self.ca_file, cert_file, key_file = tls.ca, tls.cert, tls.key
        config = self._write_config(cert_file, key_file)
        seed = FIXTURES / ("ad-directory.ldif" if flavor == "ad" else "directory.ldif")
        slapd, slapadd = self._programs()
        loaded = subprocess.run(
            [str(slapadd), "-f", str(config), "-l", str(seed)],
            capture_output=True,
            text=True,
            check=False,
        )
        if loaded.returncode != 0:
            raise RuntimeError(f"slapadd could not load {seed.name}:\n{loaded.stderr}")
        started = time.monotonic()
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    str(slapd),
                    "-f",
                    str(config),
                    "-h",
                    f"{self.url}/ ldaps://127.0.0.1:{self.tls_port}/",
                    "-d",
                    "stats",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_ready()
        self.startup_seconds = time.monotonic() - started

    def _programs(self) -> tuple[Path, Path]:
        """slapd and slapadd (one binary: it acts as the name it is run by).
        A profile attaches to a program by its path, so under AppArmor a copy
        in the temp dir runs them unconfined."""
        if not APPARMOR_PROFILE.exists():
            return SLAPD, SLAPADD
        bin_dir = self.workdir / "bin"
        bin_dir.mkdir()
        shutil.copy2(SLAPD, bin_dir / "slapd")
        (bin_dir / "slapadd").symlink_to("slapd")
        return bin_dir / "slapd", bin_dir / "slapadd"

    def _write_config(self, cert_file: Path, key_file: Path) -> Path:
        modules = ["back_mdb"] + [
            m for m in ("ppolicy", "lastbind") if (MODULE_DIR / f"{m}.so").exists()
        ]
        schemas = [SCHEMA_DIR / f"{s}.schema" for s in ("core", "cosine", "inetorgperson", "nis")]
        lines = [f"include {s}" for s in schemas]
        if self.flavor == "ad":
            (self.workdir / "ad.schema").write_text(_AD_SCHEMA)
            (self.workdir / "rootdse.ldif").write_text(_AD_ROOT_DSE)
            lines += [
                f"include {self.workdir / 'ad.schema'}",
                f"rootDSE {self.workdir / 'rootdse.ldif'}",
            ]
        lines += [f"modulepath {MODULE_DIR}", *(f"moduleload {m}" for m in modules)]
        lines += [
            f"pidfile {self.workdir / 'slapd.pid'}",
            f"argsfile {self.workdir / 'slapd.args'}",
            f"TLSCACertificateFile {self.ca_file}",
            f"TLSCertificateFile {cert_file}",
            f"TLSCertificateKeyFile {key_file}",
            # Anyone bound may read everything, userPassword included: the
            # tests show the collector does not ask for it, not that it cannot.
            "access to * by users read by anonymous auth",
            "database mdb",
            f'suffix "{self.suffix}"',
            f'rootdn "{self.admin_dn}"',
            f"rootpw {self.admin_password}",
            f"directory {self.workdir / 'db'}",
            "maxsize 16777216",
            # Like AD's MaxPageSize: a plain search stops at 3 entries, so
            # only a paged search (RFC 2696) reaches the whole directory.
            "limits users size.soft=3 size.hard=3 size.pr=unlimited size.prtotal=unlimited",
        ]
        lines += [f"overlay {m}" for m in modules if m != "back_mdb"]
        (self.workdir / "db").mkdir()
        config = self.workdir / "slapd.conf"
        config.write_text("\n".join(lines) + "\n")
        return config

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"slapd exited with {self.process.returncode}:\n{self.log()}")
            connection = Connection(
                Server("127.0.0.1", port=self.port, get_info=NONE, connect_timeout=1),
                self.reader_dn,
                self.reader_password,
            )
            try:
                if connection.bind():
                    connection.unbind()
                    return
            except LDAPException:  # not listening yet
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"slapd did not answer within 30 s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        stop_process(self.process)


@pytest.fixture(scope="session")
def slapd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlapdServer]:
    server = SlapdServer(tmp_path_factory.mktemp("slapd"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def slapd_ad(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlapdServer]:
    server = SlapdServer(tmp_path_factory.mktemp("slapd-ad"), flavor="ad")
    yield server
    server.stop()
