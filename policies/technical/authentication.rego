# Person or entity authentication: 45 CFR 164.312(d).
package hipaa.technical.authentication

import rego.v1

# Users not shown to be inactive count as active (fail closed).
_inactive_statuses := {"suspended", "deprovisioned"}

# METADATA
# title: Active users are enrolled in MFA
# description: Every active identity-provider user must be enrolled in multi-factor authentication.
# custom:
#   controls: [hipaa-164-312-d]
#   evidence: [idp.user]
#   severity: high
users_have_mfa contains finding if {
	some user in input.evidence["idp.user"]
	not user.data.status in _inactive_statuses
	not user.data.mfa_enrolled == true
	finding := {
		"control": "hipaa-164-312-d",
		"resource": user.subject,
		"message": "active user is not enrolled in MFA (or it was not shown); enroll the user or suspend the account",
		"severity": "high",
	}
}

# Emergency-access ("break-glass") accounts Microsoft advises leaving out of
# conditional access; more exclusions than this and MFA is not "for all".
default _max_mfa_exclusions := 2

_max_mfa_exclusions := m if {
	m := input.params.max_mfa_exclusions
	is_number(m)
	m >= 0
}

# METADATA
# title: Conditional access requires MFA of every user
# description: >-
#   An Entra ID tenant must have an enabled conditional access policy that
#   requires MFA of all users for all applications, narrowed by no other
#   condition (location, platform, client app, risk) and excluding at most 2
#   users, groups or roles (input.params.max_mfa_exclusions). Report-only
#   policies do not count. Enrollment alone (users_have_mfa) does not make
#   Entra ask for the second factor.
# custom:
#   controls: [hipaa-164-312-d]
#   evidence: [idp.session_policy]
#   severity: high
conditional_access_requires_mfa contains finding if {
	some base in input.evidence["idp.session_policy"]
	base.data.source == "tenant_default"
	is_string(base.subject)
	tenant := trim_suffix(base.subject, "/policies/default")
	not _mfa_required_for_all(tenant)
	finding := {
		"control": "hipaa-164-312-d",
		"resource": tenant,
		"message": "no enabled conditional access policy requires MFA of all users for all applications; create one (exclude only emergency-access accounts)",
		"severity": "high",
	}
}

_mfa_required_for_all(tenant) if {
	some policy in input.evidence["idp.session_policy"]
	is_string(policy.subject)
	startswith(policy.subject, concat("", [tenant, "/policies/"]))
	policy.data.source == "conditional_access"
	policy.data.requires_mfa == true
	policy.data.applies_to_all_users == true
	policy.data.all_applications == true
	policy.data.narrowed_by == []
	is_number(policy.data.excluded_principals)
	policy.data.excluded_principals <= _max_mfa_exclusions
}
