# AWS IAM: the root user, console MFA, the password policy and full-admin
# policies. 45 CFR 164.312(a)(1), 164.312(d), 164.308(a)(4)(ii)(B),
# 164.308(a)(5)(ii)(D). Credential ages: aws_credentials.rego.
package hipaa.technical.aws_identity

import rego.v1

# CIS AWS Foundations 1.8-1.9 (and NIST SP 800-63B's advice to favour length
# over composition rules and expiry): at least 14 characters, no reuse of the
# last 24 passwords. Composition and expiry are recorded, not required.
min_password_length := 14

min_password_reuse_prevention := 24

_admin_controls := ["hipaa-164-308-a-4-ii-b", "hipaa-164-312-a-1"]

# An item's data as an object: null or missing data reads as {} (every field
# missing), so field reads never see null under strict errors.
_data(item) := item.data if {
	is_object(item.data)
} else := {}

# METADATA
# title: The AWS root user has MFA
# description: The account root user must have multi-factor authentication enabled.
# custom:
#   controls: [hipaa-164-312-d]
#   evidence: [aws.iam.root]
#   severity: critical
root_mfa_enabled contains finding if {
	some root in input.evidence["aws.iam.root"]
	not _data(root).mfa_enabled == true
	finding := {
		"control": "hipaa-164-312-d",
		"resource": root.subject,
		"message": "the account root user has no MFA (or it was not shown); enable a hardware or virtual MFA device for root",
		"severity": "critical",
	}
}

# METADATA
# title: The AWS root user has no access keys
# description: The account root user must have no access keys; use IAM roles instead.
# custom:
#   controls: [hipaa-164-312-a-1]
#   evidence: [aws.iam.root]
#   severity: critical
root_no_access_keys contains finding if {
	some root in input.evidence["aws.iam.root"]
	not _data(root).access_keys_present == false
	finding := {
		"control": "hipaa-164-312-a-1",
		"resource": root.subject,
		"message": "the account root user has access keys (or their absence was not shown); delete them",
		"severity": "critical",
	}
}

# METADATA
# title: IAM users with console access have MFA
# description: >-
#   Every IAM user with a console password must have an MFA device. A user
#   not shown to be without console access counts as having it.
# custom:
#   controls: [hipaa-164-312-d]
#   evidence: [aws.iam.user]
#   severity: high
console_users_mfa contains finding if {
	some user in input.evidence["aws.iam.user"]
	d := _data(user)
	not d.console_access == false
	not d.mfa_enabled == true
	finding := {
		"control": "hipaa-164-312-d",
		"resource": user.subject,
		"message": "IAM user can sign in to the console without MFA (or MFA was not shown); assign an MFA device or remove the console password",
		"severity": "high",
	}
}

_at_least(value, minimum) if {
	is_number(value)
	value >= minimum
}

# METADATA
# title: The IAM password policy is strong
# description: >-
#   The account must have a password policy requiring at least 14 characters
#   and preventing reuse of the last 24 passwords.
# custom:
#   controls: [hipaa-164-308-a-5-ii-d]
#   evidence: [aws.iam.password_policy]
#   severity: medium
password_policy_strong contains finding if {
	some policy in input.evidence["aws.iam.password_policy"]
	not _data(policy).exists == true
	finding := {
		"control": "hipaa-164-308-a-5-ii-d",
		"resource": policy.subject,
		"message": "the account has no IAM password policy (or it was not shown); set one: at least 14 characters, no reuse of the last 24",
		"severity": "medium",
	}
}

password_policy_strong contains finding if {
	some policy in input.evidence["aws.iam.password_policy"]
	d := _data(policy)
	d.exists == true
	not _at_least(d.minimum_length, min_password_length)
	finding := {
		"control": "hipaa-164-308-a-5-ii-d",
		"resource": policy.subject,
		"message": "the IAM password policy allows passwords shorter than 14 characters; raise the minimum length",
		"severity": "medium",
	}
}

password_policy_strong contains finding if {
	some policy in input.evidence["aws.iam.password_policy"]
	d := _data(policy)
	d.exists == true
	not _at_least(d.reuse_prevention, min_password_reuse_prevention)
	finding := {
		"control": "hipaa-164-308-a-5-ii-d",
		"resource": policy.subject,
		"message": "the IAM password policy does not prevent reuse of the last 24 passwords; set password reuse prevention to 24",
		"severity": "medium",
	}
}

# A user holds admin directly when an attached or inline policy grants it;
# through a group is the managed path and not a finding here.
_direct_admin(d) if {
	d.attached_admin == true
	not is_array(d.admin_via)
}

_direct_admin(d) if {
	d.attached_admin == true
	is_array(d.admin_via)
	some path in d.admin_via
	path in {"attached", "inline"}
}

_direct_admin(d) if not is_boolean(d.attached_admin)

# METADATA
# title: IAM users hold no admin policy directly
# description: >-
#   No IAM user may have a policy granting every action on every resource
#   attached to it or inline; grant administration through groups or roles
#   that are reviewed. A user whose admin status was not shown is a finding.
# custom:
#   controls: [hipaa-164-308-a-4-ii-b, hipaa-164-312-a-1]
#   evidence: [aws.iam.user]
#   severity: high
no_direct_admin_users contains finding if {
	some user in input.evidence["aws.iam.user"]
	_direct_admin(_data(user))
	some control in _admin_controls
	finding := {
		"control": control,
		"resource": user.subject,
		"message": "IAM user has a full-admin policy attached directly or inline (or this was not shown); grant admin through a reviewed group or role",
		"severity": "high",
	}
}

# METADATA
# title: No customer-managed policy grants full admin
# description: >-
#   Customer-managed IAM policies must not allow every action on every
#   resource; scope them to the actions and resources the role needs.
# custom:
#   controls: [hipaa-164-308-a-4-ii-b, hipaa-164-312-a-1]
#   evidence: [aws.iam.policy]
#   severity: medium
no_custom_admin_policies contains finding if {
	some policy in input.evidence["aws.iam.policy"]
	not _data(policy).admin == false
	some control in _admin_controls
	finding := {
		"control": control,
		"resource": policy.subject,
		"message": "customer-managed policy allows every action on every resource (or this was not shown); scope it down",
		"severity": "medium",
	}
}
