"""What differs between Active Directory and OpenLDAP: where the login, the
stable id, the account state and the times live, and the default filters.

Only these attributes are ever requested. Passwords and their hashes
(userPassword, unicodePwd, ntPwdHistory...) are not among them, so they never
cross the wire, whatever the bind account is allowed to read.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Flavor:
    name: str
    login: str  # the attribute people log in with
    user_filter: str
    group_filter: str
    user_attributes: tuple[str, ...]
    group_attributes: tuple[str, ...]
    privileged_groups: tuple[str, ...]


AD = Flavor(
    name="ad",
    login="sAMAccountName",
    # Normal user accounts only (SAM_USER_OBJECT): not computers, not trusts.
    user_filter="(sAMAccountType=805306368)",
    group_filter="(objectClass=group)",
    user_attributes=(
        "sAMAccountName",
        "objectGUID",
        "objectSid",
        "userAccountControl",
        "accountExpires",
        "lastLogonTimestamp",
        "pwdLastSet",
        "memberOf",
        "primaryGroupID",
    ),
    group_attributes=("cn", "member", "objectSid"),
    privileged_groups=(
        "Domain Admins",
        "Enterprise Admins",
        "Administrators",
        "Schema Admins",
        "Account Operators",
        "Backup Operators",
    ),
)

OPENLDAP = Flavor(
    name="openldap",
    login="uid",
    user_filter="(|(objectClass=inetOrgPerson)(objectClass=posixAccount)(objectClass=account))",
    group_filter=(
        "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=posixGroup))"
    ),
    # entryUUID, pwdAccountLockedTime (ppolicy), pwdChangedTime (ppolicy) and
    # authTimestamp (lastbind) are operational: they come only when named.
    user_attributes=("uid", "entryUUID", "pwdAccountLockedTime", "pwdChangedTime", "authTimestamp"),
    group_attributes=("cn", "member", "uniqueMember", "memberUid"),
    privileged_groups=("admins",),
)

FLAVORS = {f.name: f for f in (AD, OPENLDAP)}

# Attributes only a domain controller's root DSE has.
AD_ROOT_DSE = ("forestFunctionality", "isGlobalCatalogReady")
