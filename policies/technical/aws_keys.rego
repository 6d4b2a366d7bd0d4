# Keys and secrets that rotate: KMS key material and Secrets Manager secrets.
# 45 CFR 164.312(a)(2)(iv), 164.308(a)(5)(ii)(D).
package hipaa.technical.aws_keys

import rego.v1

ns_per_day := 86400000000000

max_secret_rotation_days := 90

# Automatic rotation is not available (or not meaningful) for keys in these
# states: a disabled key encrypts nothing new, and one pending deletion
# answers no rotation requests.
_no_rotation_states := {"Disabled", "PendingDeletion", "PendingReplicaDeletion"}

# A real calendar day in 1900-2259, by pattern alone: time.parse_ns errors
# (a runtime error under strict built-in errors) on "2026-02-30", and
# nanosecond timestamps overflow past 2262.
_date_pattern := `^(19[0-9]{2}|2[01][0-9]{2}|22[0-5][0-9])-((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-8]))$`

_leap_day_pattern := `^((19|2[01])(0[48]|[2468][048]|[13579][26])|2000|22(0[48]|[24][048]|[13][26]|5[26]))-02-29$`

_timestamp_pattern := `^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}`

_is_date(s) if regex.match(_date_pattern, s)

_is_date(s) if regex.match(_leap_day_pattern, s)

# Whether ts (RFC 3339) falls on a day at most `days` days before the
# evaluation time; undefined for null, malformed values or no input.now_ns.
_within_days(ts, days) if {
	is_string(ts)
	regex.match(_timestamp_pattern, ts)
	day := substring(ts, 0, 10)
	_is_date(day)
	is_number(input.now_ns)
	floor((input.now_ns - time.parse_ns("2006-01-02", day)) / ns_per_day) <= days
}

# An item's data as an object: null or missing data reads as {}.
_data(item) := item.data if {
	is_object(item.data)
} else := {}

# Automatic rotation exists only for KMS-generated symmetric keys. A key
# shown to be anything else is exempt; unknown fields do not exempt it.
_rotation_exempt(d) if {
	is_string(d.key_spec)
	d.key_spec != "SYMMETRIC_DEFAULT"
}

_rotation_exempt(d) if {
	is_string(d.origin)
	d.origin != "AWS_KMS"
}

_rotation_exempt(d) if d.state in _no_rotation_states

# METADATA
# title: KMS keys rotate their key material
# description: >-
#   Every customer-managed symmetric KMS key with KMS-generated material that
#   is in use must have automatic key rotation enabled. Asymmetric, HMAC and
#   imported-material keys, and disabled keys or keys pending deletion, are
#   exempt.
# custom:
#   controls: [hipaa-164-312-a-2-iv]
#   evidence: [aws.kms.key]
#   severity: medium
kms_key_rotation contains finding if {
	some key in input.evidence["aws.kms.key"]
	d := _data(key)
	not _rotation_exempt(d)
	not d.rotation_enabled == true
	finding := {
		"control": "hipaa-164-312-a-2-iv",
		"resource": key.subject,
		"message": "KMS key does not rotate its key material automatically (or this was not shown); enable automatic key rotation",
		"severity": "medium",
	}
}

_rotation_days_ok(days) if {
	is_number(days)
	days > 0
	days <= max_secret_rotation_days
}

_secret_rotated(d) if {
	d.rotation_enabled == true
	_rotation_days_ok(d.rotation_days)
}

# A cron schedule has no interval in days: a rotation in the last 90 days
# shows it works often enough.
_secret_rotated(d) if {
	d.rotation_enabled == true
	d.rotation_days == null
	_within_days(d.last_rotated, max_secret_rotation_days)
}

# METADATA
# title: Secrets Manager secrets rotate at least every 90 days
# description: >-
#   Every secret must have automatic rotation enabled with an interval of at
#   most 90 days (or, for a schedule without a day interval, a rotation in
#   the last 90 days).
# custom:
#   controls: [hipaa-164-308-a-5-ii-d]
#   evidence: [aws.secretsmanager.secret]
#   severity: medium
secrets_rotated contains finding if {
	some secret in input.evidence["aws.secretsmanager.secret"]
	not _secret_rotated(_data(secret))
	finding := {
		"control": "hipaa-164-308-a-5-ii-d",
		"resource": secret.subject,
		"message": "secret does not rotate automatically at least every 90 days (or this was not shown); enable rotation with an interval of 90 days or less",
		"severity": "medium",
	}
}
