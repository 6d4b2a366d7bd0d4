package hipaa.administrative.workforce

import rego.v1

# rego-cpp (regopy 1.5.2) aborts on some `with input as {literal}` shapes:
# bind `with` values to locals and override input's fields one by one.

# 2026-11-20T12:00:00Z
_now_ns := 1795176000000000000

_training(completed) := {"subject": "attestation:training/p-1", "data": {"person_id": "p-1", "course": "HIPAA 101", "completed_on": completed}}

_findings(items) := fs if {
	ev := {"attestation.training": items}
	now_ns := _now_ns
	fs := training_current with input.evidence as ev with input.now_ns as now_ns
}

test_training_within_a_year_has_no_finding if {
	count(_findings([_training("2026-04-02"), _training("2025-11-20")])) == 0
}

test_overdue_training_is_found_with_days_overdue if {
	fs := _findings([_training("2025-06-12")])
	count(fs) == 1
	some f in fs
	f.resource == "attestation:training/p-1"
	f.control == "hipaa-164-308-a-5-i"
	f.message == "training HIPAA 101 is 161 days overdue (completed 2025-06-12, valid for 365 days); repeat the training"
}

test_missing_or_malformed_completion_fails_closed if {
	count(_findings([_training(null)])) == 1
	count(_findings([_training("last spring")])) == 1
	count(_findings([{"subject": "attestation:training/p-2", "data": {}}])) == 1
}

test_future_completion_is_found if {
	fs := _findings([_training("2027-01-01")])
	count(fs) == 1
	some f in fs
	contains(f.message, "future")
}

test_missing_now_fails_closed if {
	ev := {"attestation.training": [_training("2026-04-02")]}
	fs := training_current with input.evidence as ev
	count(fs) == 1
}

test_messages_never_name_the_person if {
	item := {"subject": "attestation:training/p-9", "data": {"person_id": "p-9", "name": "Pat Example", "course": "HIPAA 101", "completed_on": "2024-01-01"}}
	fs := _findings([item])
	count(fs) == 1
	every f in fs {
		not contains(f.message, "Pat Example")
		not contains(f.message, "p-9")
	}
}

test_null_data_and_impossible_dates_fail_closed_without_runtime_errors if {
	# strict built-in errors: these must be findings, never a time.parse_ns error
	count(_findings([{"subject": "attestation:training/p-3", "data": null}])) == 1
	count(_findings([{"subject": "attestation:training/p-3"}])) == 1
	count(_findings([_training("2026-02-30")])) == 1
	count(_findings([_training("0001-01-01")])) == 1
	leap := _findings([_training("2024-02-29")]) # a real leap day, long overdue
	some overdue in leap
	contains(overdue.message, "days overdue (completed 2024-02-29")
	count(_findings([_training("2026-02-29")])) == 1 # no such day
	fs := _findings([_training("2026-02-30")])
	some f in fs
	contains(f.message, "no valid completed_on date")
}

test_no_training_records_at_all_is_a_finding if {
	fs := _findings([])
	count(fs) == 1
	some f in fs
	f.resource == "attestation:training"
	startswith(f.message, "no training records at all")
}
