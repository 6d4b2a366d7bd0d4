# Security awareness and training: 45 CFR 164.308(a)(5).
package hipaa.administrative.workforce

import rego.v1

ns_per_day := 86400000000000

training_validity_days := 365

# A real calendar day in 1900-2259, by pattern alone: time.parse_ns errors
# (a runtime error under strict built-in errors) on "2026-02-30", and
# nanosecond timestamps overflow past 2262.
_date_pattern := `^(19[0-9]{2}|2[01][0-9]{2}|22[0-5][0-9])-((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-8]))$`

_leap_day_pattern := `^((19|2[01])(0[48]|[2468][048]|[13579][26])|2000|22(0[48]|[24][048]|[13][26]|5[26]))-02-29$`

# Type check first: under strict built-in errors regex.match(null) is an error.
_is_date(s) if {
	is_string(s)
	regex.match(_date_pattern, s)
}

_is_date(s) if {
	is_string(s)
	regex.match(_leap_day_pattern, s)
}

# An item's data as an object: null or missing data reads as {} (every field
# missing), so object.get / object.keys never see null under strict errors.
_data(item) := item.data if {
	is_object(item.data)
} else := {}

_course(d) := d.course if {
	is_string(d.course)
	d.course != ""
} else := "(unnamed course)"

# Messages name the course and dates only: the person is in the subject.
_problem(d) := "has no valid completed_on date; record it as YYYY-MM-DD" if {
	not _is_date(object.get(d, "completed_on", null))
}

_problem(d) := "cannot be checked: the evaluation time (input.now_ns) is missing" if {
	_is_date(d.completed_on)
	not is_number(input.now_ns)
}

_problem(d) := msg if {
	_is_date(d.completed_on)
	is_number(input.now_ns)

	# A completion on day D is current through day D + 365.
	overdue := floor((input.now_ns - time.parse_ns("2006-01-02", d.completed_on)) / ns_per_day) - training_validity_days
	overdue > 0
	# concat, not sprintf("%s"): rego-cpp wraps some strings (literals, concat
	# results) in quotes when sprintf formats them.
	msg := concat("", ["is ", format_int(overdue, 10), " days overdue (completed ", d.completed_on, ", valid for 365 days); repeat the training"])
}

_problem(d) := concat("", ["has a completed_on date in the future (", d.completed_on, "); correct the attestation"]) if {
	_is_date(d.completed_on)
	is_number(input.now_ns)
	time.parse_ns("2006-01-02", d.completed_on) > input.now_ns + ns_per_day
}

# METADATA
# title: Workforce security training is current
# description: >-
#   Each training attestation must show a completion within the 365 days
#   before the evaluation time. A missing or malformed completed_on, or one in
#   the future, is a finding.
# custom:
#   controls: [hipaa-164-308-a-5-i]
#   evidence: [attestation.training]
#   severity: medium
training_current contains finding if {
	some att in input.evidence["attestation.training"]
	d := _data(att)
	problem := _problem(d)
	finding := {
		"control": "hipaa-164-308-a-5-i",
		"resource": att.subject,
		"message": concat(" ", ["training", _course(d), problem]),
		"severity": "medium",
	}
}

# No record at all is not "everyone is current": the workforce must be trained.
# (Safe under batching: a batch is empty only when the kind holds no items.)
training_current contains finding if {
	count(object.get(input.evidence, "attestation.training", [])) == 0
	finding := {
		"control": "hipaa-164-308-a-5-i",
		"resource": "attestation:training",
		"message": "no training records at all; record each workforce member's HIPAA training (hipaa-cac attest training)",
		"severity": "medium",
	}
}
