package hipaa.technical.authentication

import rego.v1

# Fixtures go through `with input.evidence as`, never `with input as {...}`:
# regopy 1.5.2 crashes on the latter when the rule calls a built-in.

_users(datas) := {"idp.user": [item |
	some i in numbers.range(0, count(datas) - 1)
	item := {"subject": sprintf("okta:acme/users/u%d", [i]), "data": datas[i]}
]}

test_enrolled_and_inactive_users_have_no_finding if {
	count(users_have_mfa) == 0 with input.evidence as _users([
		{"status": "active", "mfa_enrolled": true},
		{"status": "suspended", "mfa_enrolled": false},
		{"status": "deprovisioned", "mfa_enrolled": null},
	])
}

test_active_user_without_mfa_is_found if {
	fs := users_have_mfa with input.evidence as _users([
		{"status": "active", "mfa_enrolled": true},
		{"status": "active", "mfa_enrolled": false},
	])
	fs == {{
		"control": "hipaa-164-312-d",
		"resource": "okta:acme/users/u1",
		"message": "active user is not enrolled in MFA (or it was not shown); enroll the user or suspend the account",
		"severity": "high",
	}}
}

test_mfa_or_status_unknown_fails_closed if {
	fs := users_have_mfa with input.evidence as _users([
		{"status": "active", "mfa_enrolled": null},
		{"status": "active"},
		{"status": null, "mfa_enrolled": false},
		{"mfa_enrolled": "yes"},
		null,
	])
	count(fs) == 5
}
