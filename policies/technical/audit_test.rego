package hipaa.technical.audit

import rego.v1

# Fixtures go through `with input.evidence as`, never `with input as {...}`:
# regopy 1.5.2 crashes on the latter when the rule calls a built-in.

_account(id) := {"subject": concat("", ["arn:aws:iam::", id, ":root"]), "data": {"account_id": id}}

_trail(id, multi, logging) := {
	"subject": concat("", ["arn:aws:cloudtrail:us-east-1:", id, ":trail/t"]),
	"data": {"account_id": id, "is_multi_region": multi, "is_logging": logging, "log_file_validation": true},
}

# audit_trail_enabled

test_account_with_active_multi_region_trail_has_no_finding if {
	count(audit_trail_enabled) == 0 with input.evidence as {
		"aws.account": [_account("111111111111")],
		"aws.cloudtrail.trail": [_trail("111111111111", false, true), _trail("111111111111", true, true)],
	}
}

test_account_without_qualifying_trail_is_found if {
	fs := audit_trail_enabled with input.evidence as {
		"aws.account": [_account("111111111111"), _account("222222222222"), _account("333333333333"), _account("444444444444")],
		"aws.cloudtrail.trail": [
			_trail("111111111111", true, true),
			_trail("222222222222", true, false), # not logging
			_trail("333333333333", false, true), # single region
			_trail("555555555555", true, true), # another account's trail
		],
	}
	{f.resource | some f in fs} == {
		"arn:aws:iam::222222222222:root",
		"arn:aws:iam::333333333333:root",
		"arn:aws:iam::444444444444:root",
	}
	count(fs) == 3
	every f in fs {
		f.control == "hipaa-164-312-b"
		f.severity == "high"
	}
}

test_audit_trail_unknown_fails_closed if {
	# no trail evidence at all
	count(audit_trail_enabled) == 1 with input.evidence as {"aws.account": [_account("111111111111")]}

	# null flags do not count as multi-region or logging
	count(audit_trail_enabled) == 1 with input.evidence as {
		"aws.account": [_account("111111111111")],
		"aws.cloudtrail.trail": [_trail("111111111111", null, null), {"subject": "t2", "data": {"account_id": "111111111111"}}],
	}

	# an account without an id matches no trail, not even one without an id
	count(audit_trail_enabled) == 2 with input.evidence as {
		"aws.account": [{"subject": "a1", "data": {"account_id": null}}, {"subject": "a2"}],
		"aws.cloudtrail.trail": [{"subject": "t", "data": {"account_id": null, "is_multi_region": true, "is_logging": true}}],
	}
}
