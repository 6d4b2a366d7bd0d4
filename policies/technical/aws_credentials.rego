# AWS IAM credential lifecycle: access keys rotated, unused keys and
# inactive users removed. 45 CFR 164.308(a)(3)(ii)(C), 164.308(a)(4)(ii)(C),
# 164.308(a)(5)(ii)(D).
package hipaa.technical.aws_credentials

import rego.v1

ns_per_day := 86400000000000

# Credentials and users unused for this long are stale, and access keys
# older than this are due for rotation (CIS AWS Foundations 1.12-1.14).
max_idle_days := 90

max_key_age_days := 90

_access_review_controls := ["hipaa-164-308-a-3-ii-c", "hipaa-164-308-a-4-ii-c"]

# A real calendar day in 1900-2259, by pattern alone: time.parse_ns errors
# (a runtime error under strict built-in errors) on "2026-02-30", and
# nanosecond timestamps overflow past 2262.
_date_pattern := `^(19[0-9]{2}|2[01][0-9]{2}|22[0-5][0-9])-((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-8]))$`

_leap_day_pattern := `^((19|2[01])(0[48]|[2468][048]|[13579][26])|2000|22(0[48]|[24][048]|[13][26]|5[26]))-02-29$`

_timestamp_pattern := `^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}`

_is_date(s) if regex.match(_date_pattern, s)

_is_date(s) if regex.match(_leap_day_pattern, s)

# Whether ts (RFC 3339, as collectors write it) falls on a day at most `days`
# days before the evaluation time. Day precision is enough for 90-day limits
# and needs only the proven date checks above. Undefined for null, a
# malformed value, or a missing input.now_ns: callers fail closed.
_within_days(ts, days) if {
	is_string(ts)
	regex.match(_timestamp_pattern, ts)
	day := substring(ts, 0, 10)
	_is_date(day)
	is_number(input.now_ns)
	floor((input.now_ns - time.parse_ns("2006-01-02", day)) / ns_per_day) <= days
}

# An item's data as an object: null or missing data reads as {} (every field
# missing), so field reads never see null under strict errors.
_data(item) := item.data if {
	is_object(item.data)
} else := {}

_keys(d) := d.access_keys if {
	is_array(d.access_keys)
} else := []

_suffix(key) := key.id_suffix if {
	is_string(key.id_suffix)
} else := "(unknown)"

# Keys not shown to be inactive count as active (fail closed).
_active_keys(d) := [key | some key in _keys(d); is_object(key); not key.status == "Inactive"]

# METADATA
# title: IAM access keys are rotated
# description: >-
#   Active access keys must have been created within the last 90 days. A key
#   without a valid creation date, or a user whose keys were not shown, is a
#   finding.
# custom:
#   controls: [hipaa-164-308-a-5-ii-d]
#   evidence: [aws.iam.user]
#   severity: medium
access_keys_rotated contains finding if {
	some user in input.evidence["aws.iam.user"]
	some key in _active_keys(_data(user))
	not _within_days(key.created, max_key_age_days)
	finding := {
		"control": "hipaa-164-308-a-5-ii-d",
		"resource": user.subject,
		"message": concat("", ["active access key ending ", _suffix(key), " is older than 90 days (or its creation date was not shown); rotate it"]),
		"severity": "medium",
	}
}

access_keys_rotated contains finding if {
	some user in input.evidence["aws.iam.user"]
	not is_array(_data(user).access_keys)
	finding := {
		"control": "hipaa-164-308-a-5-ii-d",
		"resource": user.subject,
		"message": "the user's access keys were not shown, so their age cannot be checked",
		"severity": "medium",
	}
}

# A key last used within the window, or never used and created within it.
_key_recently_active(key) if _within_days(key.last_used, max_idle_days)

_key_recently_active(key) if {
	key.last_used == null
	_within_days(key.created, max_idle_days)
}

# METADATA
# title: Unused IAM access keys are removed
# description: >-
#   An active access key must have been used within the last 90 days (or be
#   newer than that). Stale keys outlive the need for them: deactivate and
#   delete them as part of access review and termination.
# custom:
#   controls: [hipaa-164-308-a-3-ii-c, hipaa-164-308-a-4-ii-c]
#   evidence: [aws.iam.user]
#   severity: medium
unused_access_keys_removed contains finding if {
	some user in input.evidence["aws.iam.user"]
	some key in _active_keys(_data(user))
	not _key_recently_active(key)
	some control in _access_review_controls
	finding := {
		"control": control,
		"resource": user.subject,
		"message": concat("", ["active access key ending ", _suffix(key), " shows no use in the last 90 days (or its use was not shown); deactivate and delete it"]),
		"severity": "medium",
	}
}

_user_recently_active(d) if _within_days(d.password_last_used, max_idle_days)

_user_recently_active(d) if {
	some key in _keys(d)
	_within_days(key.last_used, max_idle_days)
}

# A new user gets the full window before counting as inactive.
_user_recently_active(d) if _within_days(d.created, max_idle_days)

# METADATA
# title: Inactive IAM users are removed
# description: >-
#   An IAM user must have signed in or used an access key within the last
#   90 days, or have been created within them. Users nobody uses belong to
#   people who left or needs that ended: remove them.
# custom:
#   controls: [hipaa-164-308-a-3-ii-c, hipaa-164-308-a-4-ii-c]
#   evidence: [aws.iam.user]
#   severity: medium
inactive_users_removed contains finding if {
	some user in input.evidence["aws.iam.user"]
	not _user_recently_active(_data(user))
	some control in _access_review_controls
	finding := {
		"control": control,
		"resource": user.subject,
		"message": "IAM user shows no console sign-in or access key use in the last 90 days (or it was not shown); remove the user or its credentials",
		"severity": "medium",
	}
}
