package hipaa.technical.aws_identity

import rego.v1

# rego-cpp (regopy 1.5.2) aborts on some `with input as {literal}` shapes:
# bind `with` values to locals and override input's fields one by one.

_recent := "2026-11-01T08:00:00+00:00"

_old := "2026-06-01T00:00:00+00:00"

_root(data) := {"aws.iam.root": [{"subject": "arn:aws:iam::111111111111:root", "data": data}]}

_user(data) := {"subject": "arn:aws:iam::111111111111:user/u", "data": data}

# A compliant user: console with MFA, one fresh key used lately, no admin.
_ok := {
	"name": "u",
	"created": _old,
	"console_access": true,
	"mfa_enabled": true,
	"access_keys": [{"id_suffix": "ABCD", "status": "Active", "created": _recent, "last_used": _recent}],
	"password_last_used": _recent,
	"attached_admin": false,
	"admin_via": [],
}

_root_findings(data) := fs if {
	ev := _root(data)
	fs := root_mfa_enabled | root_no_access_keys with input.evidence as ev
}

_user_findings(rule, data) := fs if {
	ev := {"aws.iam.user": [_user(data)]}
	results := {
		"console_users_mfa": console_users_mfa,
		"no_direct_admin_users": no_direct_admin_users,
	} with input.evidence as ev
	fs := results[rule]
}

_password_findings(data) := fs if {
	ev := {"aws.iam.password_policy": [{"subject": "arn:aws:iam::111111111111:account-password-policy", "data": data}]}
	fs := password_policy_strong with input.evidence as ev
}

_policy_findings(data) := fs if {
	ev := {"aws.iam.policy": [{"subject": "arn:aws:iam::111111111111:policy/p", "data": data}]}
	fs := no_custom_admin_policies with input.evidence as ev
}

# root

test_root_with_mfa_and_no_keys_has_no_finding if {
	count(_root_findings({"mfa_enabled": true, "access_keys_present": false, "last_used": null})) == 0
}

test_root_without_mfa_or_with_keys_is_found if {
	fs := _root_findings({"mfa_enabled": false, "access_keys_present": true})
	{f.control | some f in fs} == {"hipaa-164-312-d", "hipaa-164-312-a-1"}
	every f in fs {
		f.severity == "critical"
		f.resource == "arn:aws:iam::111111111111:root"
	}
}

test_root_unknown_fails_closed if {
	count(_root_findings({"mfa_enabled": null, "access_keys_present": null})) == 2
	count(_root_findings(null)) == 2
}

# console MFA

test_compliant_user_has_no_finding if {
	every rule in ["console_users_mfa", "no_direct_admin_users"] {
		count(_user_findings(rule, _ok)) == 0
	}
}

test_console_user_without_mfa_is_found if {
	fs := _user_findings("console_users_mfa", object.union(_ok, {"mfa_enabled": false}))
	count(fs) == 1
	some f in fs
	f.control == "hipaa-164-312-d"
	f.severity == "high"
	f.resource == "arn:aws:iam::111111111111:user/u"
}

test_programmatic_user_needs_no_mfa if {
	count(_user_findings("console_users_mfa", object.union(_ok, {"console_access": false, "mfa_enabled": false}))) == 0
}

test_console_mfa_unknown_fails_closed if {
	count(_user_findings("console_users_mfa", object.union(_ok, {"console_access": null, "mfa_enabled": false}))) == 1
	count(_user_findings("console_users_mfa", object.union(_ok, {"mfa_enabled": null}))) == 1
	count(_user_findings("console_users_mfa", null)) == 1
}

# password policy

test_strong_password_policy_has_no_finding if {
	count(_password_findings({"exists": true, "minimum_length": 14, "reuse_prevention": 24, "require_symbols": false, "max_age_days": null})) == 0
}

test_weak_or_missing_password_policy_is_found if {
	weak := _password_findings({"exists": true, "minimum_length": 8, "reuse_prevention": 5})
	count(weak) == 2
	every f in weak {
		f.control == "hipaa-164-308-a-5-ii-d"
		f.severity == "medium"
	}
	missing := _password_findings({"exists": false, "minimum_length": null, "reuse_prevention": null})
	count(missing) == 1
	some f in missing
	startswith(f.message, "the account has no IAM password policy")
}

test_password_policy_unknown_fails_closed if {
	count(_password_findings({"exists": null})) == 1
	count(_password_findings(null)) == 1
	count(_password_findings({"exists": true, "minimum_length": "14", "reuse_prevention": null})) == 2
}

# admin

test_direct_admin_is_found_group_admin_is_not if {
	attached := _user_findings("no_direct_admin_users", object.union(_ok, {"attached_admin": true, "admin_via": ["attached"]}))
	{f.control | some f in attached} == {"hipaa-164-308-a-4-ii-b", "hipaa-164-312-a-1"}
	count(_user_findings("no_direct_admin_users", object.union(_ok, {"attached_admin": true, "admin_via": ["group", "inline"]}))) == 2
	count(_user_findings("no_direct_admin_users", object.union(_ok, {"attached_admin": true, "admin_via": ["group"]}))) == 0
}

test_admin_unknown_fails_closed if {
	count(_user_findings("no_direct_admin_users", object.union(_ok, {"attached_admin": null, "admin_via": null}))) == 2
	count(_user_findings("no_direct_admin_users", object.union(_ok, {"attached_admin": true, "admin_via": null}))) == 2
	count(_user_findings("no_direct_admin_users", null)) == 2
}

test_custom_admin_policies if {
	count(_policy_findings({"name": "p", "admin": false, "attached": 3})) == 0
	fs := _policy_findings({"name": "p", "admin": true, "attached": 0})
	{f.control | some f in fs} == {"hipaa-164-308-a-4-ii-b", "hipaa-164-312-a-1"}
	count(_policy_findings({"name": "p", "admin": null})) == 2
	count(_policy_findings(null)) == 2
}
