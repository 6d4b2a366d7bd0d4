# Access control: 45 CFR 164.312(a).
package hipaa.technical.access_control

import rego.v1

# Users not shown to be inactive count as active (fail closed).
_inactive_statuses := {"suspended", "deprovisioned"}

_active(user) if not user.data.status in _inactive_statuses

_public_access_block_flags := ["block_public_acls", "ignore_public_acls", "block_public_policy", "restrict_public_buckets"]

default _max_idle_minutes := 15

_max_idle_minutes := m if {
	m := input.params.max_idle_minutes
	is_number(m)
	m > 0
}

# METADATA
# title: S3 Block Public Access is fully on for every bucket
# description: >-
#   All four S3 Block Public Access settings must be on for each bucket, so a
#   future policy or ACL cannot make it public (whether it is public now is
#   cloud.object_storage_private, decided the same way in every cloud).
# custom:
#   controls: [hipaa-164-312-a-1]
#   evidence: [aws.s3.bucket]
#   severity: critical
s3_block_public_access contains finding if {
	some bucket in input.evidence["aws.s3.bucket"]
	off := [flag |
		some flag in _public_access_block_flags
		not bucket.data.public_access_block[flag] == true
	]
	count(off) > 0
	finding := {
		"control": "hipaa-164-312-a-1",
		"resource": bucket.subject,
		"message": concat("", [
			"S3 Block Public Access is not fully on (",
			concat(", ", off),
			" not enabled); enable all four settings on the bucket",
		]),
		"severity": "critical",
	}
}

# METADATA
# title: Active users are individual, not shared, accounts
# description: >-
#   Each active identity-provider user must be assigned to one person
#   (unique user identification): an active user whose shared_account is not
#   false is a finding.
# custom:
#   controls: [hipaa-164-312-a-2-i]
#   evidence: [idp.user]
#   severity: medium
unique_user_ids contains finding if {
	some user in input.evidence["idp.user"]
	_active(user)
	not user.data.shared_account == false
	finding := {
		"control": "hipaa-164-312-a-2-i",
		"resource": user.subject,
		"message": "active user is a shared account (or was not shown not to be); give each person their own account and disable the shared one",
		"severity": "medium",
	}
}

# METADATA
# title: Sessions log off automatically after inactivity
# description: >-
#   Identity-provider session policies must end idle sessions within 15
#   minutes (or input.params.max_idle_minutes when given).
# custom:
#   controls: [hipaa-164-312-a-2-iii]
#   evidence: [idp.session_policy]
#   severity: medium
automatic_logoff contains finding if {
	some policy in input.evidence["idp.session_policy"]
	# object.get: a missing field must reach the check as null, not skip it.
	msg := _idle_timeout_problem(object.get(policy, ["data", "idle_timeout_minutes"], null))
	finding := {
		"control": "hipaa-164-312-a-2-iii",
		"resource": policy.subject,
		"message": msg,
		"severity": "medium",
	}
}

_idle_timeout_problem(t) := msg if {
	is_number(t)
	t > _max_idle_minutes
	msg := sprintf("idle timeout is %v minutes, longer than %v; set it to %v minutes or less", [t, _max_idle_minutes, _max_idle_minutes])
}

_idle_timeout_problem(t) := msg if {
	not _positive_number(t)
	msg := sprintf("session policy sets no idle timeout; set one of %v minutes or less", [_max_idle_minutes])
}

_positive_number(t) if {
	is_number(t)
	t > 0
}

# Logins that name an emergency (break-glass) account, matched lower-cased.
# hipaa.administrative.workforce_access reads it too.
break_glass_login_pattern := `break[-_.]?glass|emergency|firecall`

_bg_data(item) := item.data if {
	is_object(item.data)
} else := {}

# The lower-cased names an IdP user answers to: its subject and its login.
_bg_keys(user) := {lower(v) | some v in [object.get(user, "subject", null), object.get(_bg_data(user), "display_id", null)]; is_string(v)}

_bg_documented_accounts := {lower(a) |
	some att in object.get(input.evidence, "attestation.emergency_access", [])
	some a in object.get(_bg_data(att), "accounts", [])
	is_string(a)
}

# METADATA
# title: Break-glass accounts are documented in the emergency access procedure
# description: >-
#   An identity-provider user whose login names an emergency account
#   (break-glass, emergency, firecall) and that is not deprovisioned must be
#   listed in the accounts of an emergency_access attestation, so the
#   procedure covers every emergency path into ePHI systems.
# custom:
#   controls: [hipaa-164-312-a-2-ii]
#   evidence: [idp.user, attestation.emergency_access]
#   severity: high
break_glass_documented contains finding if {
	some user in input.evidence["idp.user"]
	not _bg_data(user).status == "deprovisioned"
	login := _bg_data(user).display_id
	is_string(login)
	regex.match(break_glass_login_pattern, lower(login))
	count(_bg_keys(user) & _bg_documented_accounts) == 0
	finding := {
		"control": "hipaa-164-312-a-2-ii",
		"resource": user.subject,
		"message": "break-glass account is not listed in an emergency_access attestation; document it in the emergency access procedure (accounts) or remove it",
		"severity": "high",
	}
}
