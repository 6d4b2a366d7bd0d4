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

_ca_mfa_all := {
	"source": "conditional_access",
	"requires_mfa": true,
	"applies_to_all_users": true,
	"all_applications": true,
	"excluded_principals": 1,
	"narrowed_by": [],
}

_tenant_default := {"subject": "entra:acme/policies/default", "data": {"source": "tenant_default"}}

_ca_finding(tenant) := {
	"control": "hipaa-164-312-d",
	"resource": tenant,
	"message": "no enabled conditional access policy requires MFA of all users for all applications; create one (exclude only emergency-access accounts)",
	"severity": "high",
}

test_tenant_with_mfa_for_everyone_has_no_finding if {
	ev := {"idp.session_policy": [
		_tenant_default,
		{"subject": "entra:acme/policies/ca-1", "data": _ca_mfa_all},
	]}
	count(conditional_access_requires_mfa) == 0 with input.evidence as ev
}

test_tenant_without_conditional_access_is_found if {
	ev := {"idp.session_policy": [_tenant_default]}
	fs := conditional_access_requires_mfa with input.evidence as ev
	fs == {_ca_finding("entra:acme")}
}

test_policies_short_of_everyone_do_not_count if {
	weaker := [
		object.union(_ca_mfa_all, {"requires_mfa": false}),
		object.union(_ca_mfa_all, {"applies_to_all_users": false}),
		object.union(_ca_mfa_all, {"all_applications": false}),
		object.union(_ca_mfa_all, {"narrowed_by": ["locations"]}),
		object.union(_ca_mfa_all, {"excluded_principals": 3}),
		object.union(_ca_mfa_all, {"excluded_principals": null}),
		object.union(_ca_mfa_all, {"source": null}),
	]
	ev := {"idp.session_policy": array.concat([_tenant_default], [item |
		some i in numbers.range(0, count(weaker) - 1)
		item := {"subject": sprintf("entra:acme/policies/ca-%d", [i]), "data": weaker[i]}
	])}
	fs := conditional_access_requires_mfa with input.evidence as ev
	fs == {_ca_finding("entra:acme")}
}

test_another_tenants_policy_does_not_count if {
	ev := {"idp.session_policy": [
		_tenant_default,
		{"subject": "entra:other/policies/default", "data": {"source": "tenant_default"}},
		{"subject": "entra:other/policies/ca-1", "data": _ca_mfa_all},
	]}
	fs := conditional_access_requires_mfa with input.evidence as ev
	fs == {_ca_finding("entra:acme")}
}

test_more_exclusions_allowed_by_params if {
	ev := {"idp.session_policy": [
		_tenant_default,
		{"subject": "entra:acme/policies/ca-1", "data": object.union(_ca_mfa_all, {"excluded_principals": 4})},
	]}
	count(conditional_access_requires_mfa) == 1 with input.evidence as ev
	count(conditional_access_requires_mfa) == 0 with input.evidence as ev with input.params as {"max_mfa_exclusions": 5}
}

test_okta_session_policies_are_not_judged_here if {
	ev := {"idp.session_policy": [
		{"subject": "okta:acme/policies/p1", "data": {"idle_timeout_minutes": 10}},
		null,
	]}
	count(conditional_access_requires_mfa) == 0 with input.evidence as ev
}
