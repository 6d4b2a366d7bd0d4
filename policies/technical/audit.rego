# Audit controls: 45 CFR 164.312(b).
package hipaa.technical.audit

import rego.v1

# METADATA
# title: Every AWS account has a multi-region CloudTrail trail that is logging
# description: >-
#   For each AWS account, some CloudTrail trail of that account must be
#   multi-region and currently logging.
# custom:
#   controls: [hipaa-164-312-b]
#   evidence: [aws.account, aws.cloudtrail.trail]
#   severity: high
audit_trail_enabled contains finding if {
	some account in input.evidence["aws.account"]
	not _has_active_trail(account)
	finding := {
		"control": "hipaa-164-312-b",
		"resource": account.subject,
		"message": "account has no multi-region CloudTrail trail that is logging; create a multi-region trail and start logging",
		"severity": "high",
	}
}

_has_active_trail(account) if {
	id := account.data.account_id
	is_string(id)
	id != ""
	some trail in object.get(input.evidence, "aws.cloudtrail.trail", [])
	trail.data.account_id == id
	trail.data.is_multi_region == true
	trail.data.is_logging == true
}
