package hipaa.technical.aws_credentials

import rego.v1

# rego-cpp (regopy 1.5.2) aborts on some `with input as {literal}` shapes:
# bind `with` values to locals and override input's fields one by one.

# 2026-11-20T12:00:00Z; 90 days before is 2026-08-22.
_now_ns := 1795176000000000000

_recent := "2026-11-01T08:00:00+00:00"

_old := "2026-06-01T00:00:00+00:00"

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

_key(created, last_used) := {"id_suffix": "WXYZ", "status": "Active", "created": created, "last_used": last_used}

_user_findings(rule, data) := fs if {
	ev := {"aws.iam.user": [_user(data)]}
	now_ns := _now_ns
	results := {
		"access_keys_rotated": access_keys_rotated,
		"unused_access_keys_removed": unused_access_keys_removed,
		"inactive_users_removed": inactive_users_removed,
	} with input.evidence as ev with input.now_ns as now_ns
	fs := results[rule]
}

test_compliant_user_has_no_finding if {
	every rule in ["access_keys_rotated", "unused_access_keys_removed", "inactive_users_removed"] {
		count(_user_findings(rule, _ok)) == 0
	}
}

# key rotation

test_old_active_key_is_found if {
	fs := _user_findings("access_keys_rotated", object.union(_ok, {"access_keys": [_key(_old, _recent)]}))
	count(fs) == 1
	some f in fs
	f.control == "hipaa-164-308-a-5-ii-d"
	f.message == "active access key ending WXYZ is older than 90 days (or its creation date was not shown); rotate it"
}

test_key_age_boundary_and_inactive_keys if {
	count(_user_findings("access_keys_rotated", object.union(_ok, {"access_keys": [_key("2026-08-22T23:59:59+00:00", _recent)]}))) == 0
	count(_user_findings("access_keys_rotated", object.union(_ok, {"access_keys": [_key("2026-08-21T00:00:00+00:00", _recent)]}))) == 1
	inactive := {"id_suffix": "OLD1", "status": "Inactive", "created": _old, "last_used": null}
	count(_user_findings("access_keys_rotated", object.union(_ok, {"access_keys": [inactive]}))) == 0
}

test_key_rotation_unknown_fails_closed if {
	count(_user_findings("access_keys_rotated", object.union(_ok, {"access_keys": [_key(null, _recent)]}))) == 1
	count(_user_findings("access_keys_rotated", object.union(_ok, {"access_keys": [_key("2026-02-30T00:00:00+00:00", _recent)]}))) == 1
	count(_user_findings("access_keys_rotated", object.union(_ok, {"access_keys": [{"id_suffix": "NOST", "created": _old}]}))) == 1
	count(_user_findings("access_keys_rotated", object.union(_ok, {"access_keys": null}))) == 1
	count(_user_findings("access_keys_rotated", null)) == 1
}

test_missing_now_fails_closed if {
	ev := {"aws.iam.user": [_user(_ok)]}
	count(access_keys_rotated) == 1 with input.evidence as ev
}

# unused keys

test_unused_or_stale_key_is_found_for_both_controls if {
	fs := _user_findings("unused_access_keys_removed", object.union(_ok, {"access_keys": [_key(_old, "2026-07-01T00:00:00+00:00")]}))
	{f.control | some f in fs} == {"hipaa-164-308-a-3-ii-c", "hipaa-164-308-a-4-ii-c"}
	count(fs) == 2
	never := _user_findings("unused_access_keys_removed", object.union(_ok, {"access_keys": [_key(_old, null)]}))
	count(never) == 2
}

test_new_never_used_key_is_not_yet_stale if {
	count(_user_findings("unused_access_keys_removed", object.union(_ok, {"access_keys": [_key(_recent, null)]}))) == 0
}

test_unused_key_unknown_fails_closed if {
	count(_user_findings("unused_access_keys_removed", object.union(_ok, {"access_keys": [_key(null, null)]}))) == 2
	count(_user_findings("unused_access_keys_removed", object.union(_ok, {"access_keys": [_key(_recent, "yesterday")]}))) == 2
	count(_user_findings("unused_access_keys_removed", object.union(_ok, {"access_keys": [{"id_suffix": "NOLU", "status": "Active", "created": _recent}]}))) == 2
}

# inactive users

test_inactive_user_is_found if {
	stale := object.union(_ok, {"password_last_used": _old, "access_keys": [_key(_old, _old)]})
	fs := _user_findings("inactive_users_removed", stale)
	{f.control | some f in fs} == {"hipaa-164-308-a-3-ii-c", "hipaa-164-308-a-4-ii-c"}
	every f in fs {
		f.severity == "medium"
	}
}

test_any_recent_activity_or_a_new_user_counts_as_active if {
	by_key := object.union(_ok, {"password_last_used": null, "access_keys": [_key(_old, _recent)]})
	count(_user_findings("inactive_users_removed", by_key)) == 0
	new := object.union(_ok, {"created": _recent, "password_last_used": null, "access_keys": []})
	count(_user_findings("inactive_users_removed", new)) == 0
}

test_user_activity_unknown_fails_closed if {
	unknown := object.union(_ok, {"created": null, "password_last_used": null, "access_keys": null})
	count(_user_findings("inactive_users_removed", unknown)) == 2
	count(_user_findings("inactive_users_removed", null)) == 2
}
