package hipaa.technical.access_control

import rego.v1

# Fixtures replace input field by field (with input.evidence as ...): rego-cpp
# (regopy 1.5.2) crashes when a whole `with input as {...}` object reaches a
# rule that calls a built-in or an operator.
#
# Overrides given to object.union always carry whole sub-objects: rego-cpp's
# object.union is not recursive (OPA's is), so partial ones would differ.

_closed_pab := {
	"block_public_acls": true,
	"ignore_public_acls": true,
	"block_public_policy": true,
	"restrict_public_buckets": true,
}

_private_bucket := {
	"name": "b",
	"account_id": "123456789012",
	"public_access_block": _closed_pab,
	"policy": {"is_public": false, "denies_insecure_transport": true},
	"acl": {"is_public": false},
}

_buckets(datas) := {"aws.s3.bucket": [item |
	some i in numbers.range(0, count(datas) - 1)
	item := {"subject": sprintf("arn:aws:s3:::b%d", [i]), "data": datas[i]}
]}

_users(datas) := {"idp.user": [item |
	some i in numbers.range(0, count(datas) - 1)
	item := {"subject": sprintf("okta:acme/users/u%d", [i]), "data": datas[i]}
]}

_policies(datas) := {"idp.session_policy": [item |
	some i in numbers.range(0, count(datas) - 1)
	item := {"subject": sprintf("okta:acme/policies/p%d", [i]), "data": datas[i]}
]}

# s3_block_public_access

test_bucket_with_all_four_flags_has_no_finding if {
	count(s3_block_public_access) == 0 with input.evidence as _buckets([_private_bucket])
}

test_partial_public_access_block_is_found_naming_the_flags if {
	pab := object.union(_closed_pab, {"ignore_public_acls": false, "restrict_public_buckets": false})
	fs := s3_block_public_access with input.evidence as _buckets([object.union(_private_bucket, {"public_access_block": pab})])
	count(fs) == 1
	some f in fs
	f.resource == "arn:aws:s3:::b0"
	f.control == "hipaa-164-312-a-1"
	contains(f.message, "ignore_public_acls, restrict_public_buckets not enabled")
}

test_unknown_public_access_block_fails_closed if {
	fs := s3_block_public_access with input.evidence as _buckets([{"public_access_block": null}, {}])
	count(fs) == 2
}

# unique_user_ids

test_individual_and_inactive_users_have_no_finding if {
	count(unique_user_ids) == 0 with input.evidence as _users([
		{"status": "active", "shared_account": false},
		{"status": "suspended", "shared_account": true},
		{"status": "deprovisioned", "shared_account": null},
	])
}

test_active_shared_account_is_found if {
	fs := unique_user_ids with input.evidence as _users([
		{"status": "active", "shared_account": false},
		{"status": "active", "shared_account": true},
	])
	fs == {{
		"control": "hipaa-164-312-a-2-i",
		"resource": "okta:acme/users/u1",
		"message": "active user is a shared account (or was not shown not to be); give each person their own account and disable the shared one",
		"severity": "medium",
	}}
}

test_unknown_shared_flag_or_status_fails_closed if {
	fs := unique_user_ids with input.evidence as _users([
		{"status": "active", "shared_account": null},
		{"status": "active"},
		{"status": null, "shared_account": true},
		{"shared_account": "no"},
	])
	{f.resource | some f in fs} == {"okta:acme/users/u0", "okta:acme/users/u1", "okta:acme/users/u2", "okta:acme/users/u3"}
}

# automatic_logoff

test_idle_timeout_within_limit_has_no_finding if {
	count(automatic_logoff) == 0 with input.evidence as _policies([
		{"idle_timeout_minutes": 15},
		{"idle_timeout_minutes": 5},
	])
		with input.params as {}
}

test_long_idle_timeout_is_found if {
	fs := automatic_logoff with input.evidence as _policies([{"idle_timeout_minutes": 15}, {"idle_timeout_minutes": 30}])
		with input.params as {}
	fs == {{
		"control": "hipaa-164-312-a-2-iii",
		"resource": "okta:acme/policies/p1",
		"message": "idle timeout is 30 minutes, longer than 15; set it to 15 minutes or less",
		"severity": "medium",
	}}
}

test_params_override_the_limit if {
	ev := _policies([{"idle_timeout_minutes": 30}, {"idle_timeout_minutes": 45}])
	fs := automatic_logoff with input.evidence as ev with input.params as {"max_idle_minutes": 30}
	{f.resource | some f in fs} == {"okta:acme/policies/p1"}

	# a limit that is not a positive number is ignored: the default applies
	count(automatic_logoff) == 2 with input.evidence as ev with input.params as {"max_idle_minutes": "60"}
	count(automatic_logoff) == 2 with input.evidence as ev with input.params as {"max_idle_minutes": 0}
}

test_missing_idle_timeout_fails_closed if {
	fs := automatic_logoff with input.evidence as _policies([
		{"idle_timeout_minutes": null},
		{},
		{"idle_timeout_minutes": 0},
		{"idle_timeout_minutes": "10"},
	])
		with input.params as {}
	count(fs) == 4
	every f in fs {
		contains(f.message, "no idle timeout")
	}
	count(automatic_logoff) == 1 with input.evidence as {"idp.session_policy": [{"subject": "s", "data": null}]}
		with input.params as {}
}

# --- break_glass_documented --------------------------------------------------

_bgt_user(id, login, status) := {
	"subject": concat("", ["okta:acme.okta.com/users/", id]),
	"data": {"display_id": login, "status": status, "privileged": true},
}

_bgt_procedure(accounts) := {
	"subject": "attestation:emergency_access/break-glass",
	"data": {"statement": "Break-glass procedure", "accounts": accounts},
}

test_undocumented_break_glass_accounts_are_found if {
	ev := {
		"idp.user": [
			_bgt_user("u1", "breakglass-2", "active"),
			_bgt_user("u2", "Break_Glass@acme.example", "suspended"),
			_bgt_user("u3", "emergency-admin", "active"),
			_bgt_user("u4", "firecall", "active"),
		],
		"attestation.emergency_access": [_bgt_procedure(["emergency-admin"])],
	}
	fs := break_glass_documented with input.evidence as ev
	{f.resource | some f in fs} == {
		"okta:acme.okta.com/users/u1",
		"okta:acme.okta.com/users/u2",
		"okta:acme.okta.com/users/u4",
	}
	every f in fs {
		f.control == "hipaa-164-312-a-2-ii"
	}
}

test_documented_deprovisioned_and_ordinary_accounts_are_fine if {
	ev := {
		"idp.user": [
			_bgt_user("u1", "EMERGENCY-admin", "active"),
			_bgt_user("u2", "breakglass-old", "deprovisioned"),
			_bgt_user("u3", "dev-lead", "active"),
			_bgt_user("u5", "glassbreaker", "active"),
		],
		"attestation.emergency_access": [_bgt_procedure(["okta:acme.okta.com/users/u1"])],
	}
	fs := break_glass_documented with input.evidence as ev
	count(fs) == 0
}

test_a_procedure_without_accounts_documents_no_break_glass_account if {
	ev := {
		"idp.user": [_bgt_user("u1", "break-glass", "active")],
		"attestation.emergency_access": [{"subject": "attestation:emergency_access/x", "data": {"statement": "We have one", "accounts": null}}],
	}
	fs := break_glass_documented with input.evidence as ev
	count(fs) == 1
}
