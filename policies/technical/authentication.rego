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
