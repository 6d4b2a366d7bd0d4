package hipaa.administrative.workforce_access

import rego.v1

# 2026-11-20T12:00:00Z. rego-cpp (regopy 1.5.2): `with` values are bound to
# locals first, and input is overridden field by field.
_wat_now := 1795176000000000000

_wat_user(id, login, status, privileged) := {
	"subject": concat("", ["okta:acme.okta.com/users/", id]),
	"data": {"display_id": login, "status": status, "privileged": privileged},
}

_wat_person(pid, status, termination_date, accounts) := {
	"subject": concat("", ["attestation:workforce_roster/", pid]),
	"data": {"person_id": pid, "status": status, "role": "Engineer", "termination_date": termination_date, "accounts": accounts},
}

# --- terminated_accounts_disabled -------------------------------------------

test_terminated_person_with_active_account_is_found_with_days if {
	ev := {
		"idp.user": [_wat_user("u1", "backend-3", "active", false)],
		"attestation.workforce_roster": [_wat_person("p-105", "terminated", "2026-11-02", ["Backend-3"])],
	}
	now := _wat_now
	fs := terminated_accounts_disabled with input.evidence as ev with input.now_ns as now
	count(fs) == 1
	some f in fs
	f.resource == "okta:acme.okta.com/users/u1"
	f.control == "hipaa-164-308-a-3-ii-c"
	contains(f.message, "still active 18 days after its owner p-105 was terminated (2026-11-02)")
}

test_terminated_person_matches_on_idp_subject if {
	ev := {
		"idp.user": [_wat_user("u1", "someone", "active", false)],
		"attestation.workforce_roster": [_wat_person("p-105", "terminated", "2026-11-02", ["OKTA:acme.okta.com/users/u1"])],
	}
	now := _wat_now
	fs := terminated_accounts_disabled with input.evidence as ev with input.now_ns as now
	count(fs) == 1
}

test_suspended_account_of_terminated_person_is_fine if {
	ev := {
		"idp.user": [_wat_user("u1", "backend-3", "suspended", false), _wat_user("u2", "backend-4", "deprovisioned", false)],
		"attestation.workforce_roster": [_wat_person("p-105", "terminated", "2026-11-02", ["backend-3", "backend-4"])],
	}
	now := _wat_now
	fs := terminated_accounts_disabled with input.evidence as ev with input.now_ns as now
	count(fs) == 0
}

test_active_person_and_termination_today_are_fine if {
	ev := {
		"idp.user": [_wat_user("u1", "dev-lead", "active", false), _wat_user("u2", "leaver", "active", false)],
		"attestation.workforce_roster": [
			_wat_person("p-101", "active", null, ["dev-lead"]),
			_wat_person("p-109", "terminated", "2026-11-20", ["leaver"]),
		],
	}
	now := _wat_now
	fs := terminated_accounts_disabled with input.evidence as ev with input.now_ns as now
	count(fs) == 0
}

test_termination_grace_days_param if {
	ev := {
		"idp.user": [_wat_user("u1", "backend-3", "active", false)],
		"attestation.workforce_roster": [_wat_person("p-105", "terminated", "2026-11-02", ["backend-3"])],
	}
	params := {"termination_grace_days": 30}
	now := _wat_now
	fs := terminated_accounts_disabled with input.evidence as ev with input.now_ns as now with input.params as params
	count(fs) == 0
}

test_unknown_status_counts_as_active_and_bad_date_is_found if {
	ev := {
		"idp.user": [{"subject": "okta:acme.okta.com/users/u1", "data": {"display_id": "backend-3"}}],
		"attestation.workforce_roster": [_wat_person("p-105", "terminated", "2026-02-30", ["backend-3"])],
	}
	now := _wat_now
	fs := terminated_accounts_disabled with input.evidence as ev with input.now_ns as now
	count(fs) == 1
	some f in fs
	contains(f.message, "no valid termination date")
}

# --- accounts_belong_to_workforce -------------------------------------------

test_account_of_no_one_is_found if {
	ev := {
		"idp.user": [_wat_user("u1", "qa-temp", "active", false), _wat_user("u2", "dev-lead", "active", false)],
		"attestation.workforce_roster": [_wat_person("p-101", "active", null, ["dev-lead"])],
		"attestation.access_management": [],
		"attestation.emergency_access": [],
	}
	fs := accounts_belong_to_workforce with input.evidence as ev
	count(fs) == 1
	some f in fs
	f.resource == "okta:acme.okta.com/users/u1"
	f.control == "hipaa-164-308-a-4-ii-c"
}

test_documented_service_and_break_glass_accounts_are_not_orphans if {
	ev := {
		"idp.user": [
			_wat_user("u1", "CI-Deploy", "active", false),
			_wat_user("u2", "emergency-admin", "active", true),
			_wat_user("u3", "old-bot", "suspended", false),
		],
		"attestation.workforce_roster": [_wat_person("p-1", "active", null, ["someone"])],
		"attestation.access_management": [{"subject": "attestation:access_management/svc", "data": {"accounts": ["ci-deploy"]}}],
		"attestation.emergency_access": [{"subject": "attestation:emergency_access/bg", "data": {"accounts": ["emergency-admin"]}}],
	}
	fs := accounts_belong_to_workforce with input.evidence as ev
	count(fs) == 0
}

test_undocumented_break_glass_login_is_left_to_its_own_rule if {
	ev := {
		"idp.user": [_wat_user("u1", "breakglass-2", "active", true)],
		"attestation.workforce_roster": [_wat_person("p-1", "active", null, ["someone"])],
		"attestation.access_management": [],
		"attestation.emergency_access": [],
	}
	fs := accounts_belong_to_workforce with input.evidence as ev
	count(fs) == 0
}

test_a_statement_without_accounts_documents_nothing if {
	ev := {
		"idp.user": [_wat_user("u1", "ci-deploy", "active", false)],
		"attestation.workforce_roster": [_wat_person("p-1", "active", null, ["someone"])],
		"attestation.access_management": [{"subject": "attestation:access_management/x", "data": {"statement": "we manage access", "accounts": null}}],
		"attestation.emergency_access": [],
	}
	fs := accounts_belong_to_workforce with input.evidence as ev
	count(fs) == 1
	some f in fs
	f.resource == "okta:acme.okta.com/users/u1"
}

# --- privileged_access_reviewed ---------------------------------------------

_wat_review(name, day, accounts) := {
	"subject": concat("", ["attestation:access_review/", name]),
	"data": {"reviewed_on": day, "accounts": accounts},
}

test_privileged_account_with_stale_review_is_found_with_days if {
	ev := {
		"idp.user": [_wat_user("u1", "ops-admin", "active", true)],
		"attestation.access_review": [_wat_review("q1", "2026-03-10", ["ops-admin"])],
	}
	now := _wat_now
	fs := privileged_access_reviewed with input.evidence as ev with input.now_ns as now
	count(fs) == 1
	some f in fs
	f.resource == "okta:acme.okta.com/users/u1"
	contains(f.message, "last reviewed 255 days ago (2026-03-10), more than 90")
}

test_latest_review_counts if {
	ev := {
		"idp.user": [_wat_user("u1", "ops-admin", "active", true)],
		"attestation.access_review": [_wat_review("q1", "2026-03-10", ["ops-admin"]), _wat_review("q3", "2026-09-15", ["OPS-ADMIN"])],
	}
	now := _wat_now
	fs := privileged_access_reviewed with input.evidence as ev with input.now_ns as now
	count(fs) == 0
}

test_never_reviewed_and_unknown_privilege_are_found if {
	ev := {
		"idp.user": [
			_wat_user("u1", "ops-admin", "active", true),
			{"subject": "okta:acme.okta.com/users/u2", "data": {"display_id": "who", "status": "active"}},
		],
		"attestation.access_review": [],
	}
	now := _wat_now
	fs := privileged_access_reviewed with input.evidence as ev with input.now_ns as now
	count(fs) == 2
	every f in fs {
		contains(f.message, "no access review on record")
	}
}

test_unprivileged_and_inactive_accounts_need_no_review if {
	ev := {
		"idp.user": [_wat_user("u1", "dev", "active", false), _wat_user("u2", "old-admin", "suspended", true)],
		"attestation.access_review": [],
	}
	now := _wat_now
	fs := privileged_access_reviewed with input.evidence as ev with input.now_ns as now
	count(fs) == 0
}

test_review_period_param if {
	ev := {
		"idp.user": [_wat_user("u1", "ops-admin", "active", true)],
		"attestation.access_review": [_wat_review("q3", "2026-09-15", ["ops-admin"])],
	}
	params := {"access_review_max_days": 30}
	now := _wat_now
	fs := privileged_access_reviewed with input.evidence as ev with input.now_ns as now with input.params as params
	count(fs) == 1
}

# --- workforce_trained ------------------------------------------------------

_wat_training(pid) := {"subject": concat("", ["attestation:training/", pid]), "data": {"person_id": pid, "completed_on": "2026-04-02"}}

test_active_person_with_account_and_no_training_is_found if {
	ev := {
		"attestation.workforce_roster": [_wat_person("p-106", "active", null, ["support-2"]), _wat_person("p-101", "active", null, ["dev-lead"])],
		"idp.user": [_wat_user("u1", "Support-2", "active", false), _wat_user("u2", "dev-lead", "active", false)],
		"attestation.training": [_wat_training("p-101")],
	}
	fs := workforce_trained with input.evidence as ev
	count(fs) == 1
	some f in fs
	f.resource == "attestation:workforce_roster/p-106"
	f.control == "hipaa-164-308-a-5-i"
}

test_no_active_account_or_not_active_needs_no_training_here if {
	ev := {
		"attestation.workforce_roster": [
			_wat_person("p-104", "terminated", "2026-09-30", ["former"]),
			_wat_person("p-108", "on_leave", null, ["designer"]),
			_wat_person("p-110", "active", null, ["new-hire"]),
			_wat_person("p-111", "active", null, []),
		],
		"idp.user": [
			_wat_user("u1", "former", "active", false),
			_wat_user("u2", "designer", "active", false),
			_wat_user("u3", "new-hire", "suspended", false),
		],
		"attestation.training": [],
	}
	fs := workforce_trained with input.evidence as ev
	count(fs) == 0
}

# --- no roster at all ---------------------------------------------------------

test_no_roster_is_one_finding_per_rule_not_one_per_account if {
	ev := {
		"idp.user": [_wat_user("u1", "dev-lead", "active", false), _wat_user("u2", "qa", "active", false)],
		"attestation.workforce_roster": [],
		"attestation.access_management": [],
		"attestation.emergency_access": [],
		"attestation.training": [],
	}
	now := _wat_now
	terminated := terminated_accounts_disabled with input.evidence as ev with input.now_ns as now
	orphans := accounts_belong_to_workforce with input.evidence as ev
	trained := workforce_trained with input.evidence as ev
	{[f.control, f.resource] | some f in terminated | orphans | trained} == {
		["hipaa-164-308-a-3-ii-c", "attestation:workforce_roster"],
		["hipaa-164-308-a-4-ii-c", "attestation:workforce_roster"],
		["hipaa-164-308-a-5-i", "attestation:workforce_roster"],
	}
}
