package hipaa.technical.aws_keys

import rego.v1

# rego-cpp (regopy 1.5.2) aborts on some `with input as {literal}` shapes:
# bind `with` values to locals and override input's fields one by one.

# 2026-11-20T12:00:00Z
_now_ns := 1795176000000000000

_key := {
	"key_id": "k",
	"region": "us-east-1",
	"state": "Enabled",
	"rotation_enabled": true,
	"key_spec": "SYMMETRIC_DEFAULT",
	"key_usage": "ENCRYPT_DECRYPT",
	"origin": "AWS_KMS",
	"manager": "CUSTOMER",
}

_secret := {
	"name": "db",
	"region": "us-east-1",
	"rotation_enabled": true,
	"rotation_days": 30,
	"last_rotated": "2026-11-01T00:00:00+00:00",
	"kms_key_id": null,
}

_findings(kind, data) := fs if {
	ev := {kind: [{"subject": "arn:aws:x:us-east-1:111111111111:thing", "data": data}]}
	now_ns := _now_ns
	results := {
		"aws.kms.key": kms_key_rotation,
		"aws.secretsmanager.secret": secrets_rotated,
	} with input.evidence as ev with input.now_ns as now_ns
	fs := results[kind]
}

_kms(overrides) := _findings("aws.kms.key", object.union(_key, overrides))

_sm(overrides) := _findings("aws.secretsmanager.secret", object.union(_secret, overrides))

# KMS

test_rotating_key_has_no_finding if {
	count(_kms({})) == 0
}

test_key_without_rotation_is_found if {
	fs := _kms({"rotation_enabled": false})
	count(fs) == 1
	some f in fs
	f.control == "hipaa-164-312-a-2-iv"
	f.severity == "medium"
	f.resource == "arn:aws:x:us-east-1:111111111111:thing"
}

test_keys_that_cannot_rotate_are_exempt if {
	count(_kms({"rotation_enabled": null, "key_spec": "RSA_2048", "key_usage": "SIGN_VERIFY"})) == 0
	count(_kms({"rotation_enabled": null, "key_spec": "HMAC_256"})) == 0
	count(_kms({"rotation_enabled": null, "origin": "EXTERNAL"})) == 0
	count(_kms({"rotation_enabled": null, "state": "PendingDeletion"})) == 0
	count(_kms({"rotation_enabled": false, "state": "Disabled"})) == 0
}

test_key_rotation_unknown_fails_closed if {
	count(_kms({"rotation_enabled": null})) == 1
	count(_kms({"rotation_enabled": null, "key_spec": null, "origin": null, "state": null})) == 1
	count(_findings("aws.kms.key", null)) == 1
	count(_findings("aws.kms.key", {})) == 1
}

# Secrets Manager

test_secret_rotating_within_90_days_has_no_finding if {
	count(_sm({})) == 0
	count(_sm({"rotation_days": 90, "last_rotated": null})) == 0
}

test_secret_without_rotation_or_too_slow_is_found if {
	fs := _sm({"rotation_enabled": false, "rotation_days": null, "last_rotated": null})
	count(fs) == 1
	some f in fs
	f.control == "hipaa-164-308-a-5-ii-d"
	f.severity == "medium"
	count(_sm({"rotation_days": 120})) == 1
	count(_sm({"rotation_enabled": false})) == 1 # a leftover interval is not rotation
}

test_schedule_without_days_passes_on_a_recent_rotation_only if {
	count(_sm({"rotation_days": null, "last_rotated": "2026-09-01T00:00:00+00:00"})) == 0
	count(_sm({"rotation_days": null, "last_rotated": "2026-07-01T00:00:00+00:00"})) == 1
	count(_sm({"rotation_days": null, "last_rotated": null})) == 1
}

test_secret_rotation_unknown_fails_closed if {
	count(_sm({"rotation_enabled": null})) == 1
	count(_sm({"rotation_days": "30"})) == 1
	count(_sm({"rotation_days": 0})) == 1
	count(_sm({"rotation_days": null, "last_rotated": "2026-13-01T00:00:00+00:00"})) == 1
	count(_findings("aws.secretsmanager.secret", null)) == 1
}

test_secret_recent_rotation_needs_now if {
	ev := {"aws.secretsmanager.secret": [{"subject": "s", "data": object.union(_secret, {"rotation_days": null})}]}
	count(secrets_rotated) == 1 with input.evidence as ev
}
