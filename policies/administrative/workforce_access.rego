# Workforce access: the HR roster (attestation.workforce_roster) joined with
# the identity provider's users (idp.user). 45 CFR 164.308(a)(3)(ii)(C),
# 164.308(a)(4)(ii)(C) and 164.308(a)(5).
#
# An IdP user and a roster person match when one of the person's accounts
# equals the user's display_id (login) or subject, ignoring case. Findings
# name the IdP subject or the roster subject (an HR id), never a person.
package hipaa.administrative.workforce_access

import rego.v1

_wa_ns_per_day := 86400000000000

# Users not shown to be inactive count as active (fail closed).
_wa_inactive_statuses := {"suspended", "deprovisioned"}

default _termination_grace_days := 0

_termination_grace_days := d if {
	d := input.params.termination_grace_days
	is_number(d)
	d >= 0
}

default _access_review_max_days := 90

_access_review_max_days := d if {
	d := input.params.access_review_max_days
	is_number(d)
	d > 0
}

# Same calendar-day patterns as hipaa.administrative.workforce: time.parse_ns
# errors on "2026-02-30" (strict built-in errors) and overflows past 2262.
_wa_date_pattern := `^(19[0-9]{2}|2[01][0-9]{2}|22[0-5][0-9])-((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-8]))$`

_wa_leap_day_pattern := `^((19|2[01])(0[48]|[2468][048]|[13579][26])|2000|22(0[48]|[24][048]|[13][26]|5[26]))-02-29$`

_wa_is_date(s) if {
	is_string(s)
	regex.match(_wa_date_pattern, s)
}

_wa_is_date(s) if {
	is_string(s)
	regex.match(_wa_leap_day_pattern, s)
}

# An item's data as an object: null or missing data reads as {}.
_wa_data(item) := item.data if {
	is_object(item.data)
} else := {}

_wa_active(user) if not _wa_data(user).status in _wa_inactive_statuses

# The lower-cased names an IdP user answers to: its subject and its login.
_wa_keys(user) := {lower(v) | some v in [object.get(user, "subject", null), object.get(_wa_data(user), "display_id", null)]; is_string(v)}

# The lower-cased accounts an item lists (roster person, access review,
# documenting attestation); a missing or malformed list lists nothing.
_wa_accounts(item) := {lower(a) | some a in object.get(_wa_data(item), "accounts", []); is_string(a)}

_wa_roster := object.get(input.evidence, "attestation.workforce_roster", [])

_wa_roster_accounts := {a | some person in _wa_roster; some a in _wa_accounts(person)}

# Shared, service and break-glass accounts a person documented: the accounts
# of access_management and emergency_access attestations.
_wa_documented_accounts := {a |
	some kind in ["attestation.access_management", "attestation.emergency_access"]
	some att in object.get(input.evidence, kind, [])
	some a in _wa_accounts(att)
}

_wa_active_keys := {k | some user in object.get(input.evidence, "idp.user", []); _wa_active(user); some k in _wa_keys(user)}

# No roster is not "nobody left": each rule that joins it says it is missing.
# (Safe under batching: a batch is empty only when the kind holds no items.)
_wa_no_roster := "attestation:workforce_roster"

_wa_no_roster_message := "no workforce roster: add the HR export to attestations/ (a roster CSV or a workforce_roster attestation) so accounts can be matched to people"

_wa_days_since(day) := floor((input.now_ns - time.parse_ns("2006-01-02", day)) / _wa_ns_per_day)

# --- terminated people ------------------------------------------------------

_wa_termination_problem(d) := msg if {
	_wa_is_date(d.termination_date)
	is_number(input.now_ns)
	days := _wa_days_since(d.termination_date)
	days > _termination_grace_days
	# concat, not sprintf("%s"): rego-cpp quotes some strings under sprintf.
	msg := concat("", ["account is still active ", format_int(days, 10), " days after its owner ", d.person_id, " was terminated (", d.termination_date, "); disable it"])
}

_wa_termination_problem(d) := msg if {
	not _wa_is_date(object.get(d, "termination_date", null))
	msg := concat("", ["account is still active and its owner ", d.person_id, " is terminated (no valid termination date on the roster); disable it"])
}

_wa_termination_problem(d) := "account of a terminated person cannot be checked: the evaluation time (input.now_ns) is missing" if {
	_wa_is_date(d.termination_date)
	not is_number(input.now_ns)
}

# METADATA
# title: Terminated workforce members have no active accounts
# description: >-
#   An identity-provider user that is not suspended or deprovisioned must not
#   belong to a person the workforce roster lists as terminated more than
#   input.params.termination_grace_days (default 0) days ago. The message
#   gives the days since termination. No roster at all is a finding.
# custom:
#   controls: [hipaa-164-308-a-3-ii-c]
#   evidence: [idp.user, attestation.workforce_roster]
#   severity: high
terminated_accounts_disabled contains finding if {
	some user in input.evidence["idp.user"]
	_wa_active(user)
	keys := _wa_keys(user)
	some person in _wa_roster
	d := _wa_data(person)
	d.status == "terminated"
	count(keys & _wa_accounts(person)) > 0
	msg := _wa_termination_problem(d)
	finding := {
		"control": "hipaa-164-308-a-3-ii-c",
		"resource": user.subject,
		"message": msg,
		"severity": "high",
	}
}

terminated_accounts_disabled contains finding if {
	count(_wa_roster) == 0
	finding := {
		"control": "hipaa-164-308-a-3-ii-c",
		"resource": _wa_no_roster,
		"message": _wa_no_roster_message,
		"severity": "high",
	}
}

# --- accounts nobody owns ---------------------------------------------------

# METADATA
# title: Every active account belongs to the workforce or is documented
# description: >-
#   An active identity-provider user must be an account of a person on the
#   workforce roster, or be listed in the accounts of an access_management
#   (shared and service accounts) or emergency_access (break-glass)
#   attestation. Undocumented logins that look like break-glass accounts are
#   left to hipaa.technical.access_control.break_glass_documented. Without
#   any roster the finding is the missing roster, not every account.
# custom:
#   controls: [hipaa-164-308-a-4-ii-c]
#   evidence: [idp.user, attestation.workforce_roster, attestation.access_management, attestation.emergency_access]
#   severity: high
accounts_belong_to_workforce contains finding if {
	count(_wa_roster) > 0
	some user in input.evidence["idp.user"]
	_wa_active(user)
	keys := _wa_keys(user)
	count(keys & _wa_roster_accounts) == 0
	count(keys & _wa_documented_accounts) == 0
	not _wa_break_glass_login(user)
	finding := {
		"control": "hipaa-164-308-a-4-ii-c",
		"resource": user.subject,
		"message": "active account belongs to no one on the workforce roster and is not documented as a shared, service or break-glass account; add its owner's accounts to the roster, list it in an access_management attestation, or disable it",
		"severity": "high",
	}
}

accounts_belong_to_workforce contains finding if {
	count(_wa_roster) == 0
	finding := {
		"control": "hipaa-164-308-a-4-ii-c",
		"resource": _wa_no_roster,
		"message": _wa_no_roster_message,
		"severity": "high",
	}
}

_wa_break_glass_login(user) if {
	login := _wa_data(user).display_id
	is_string(login)
	regex.match(data.hipaa.technical.access_control.break_glass_login_pattern, lower(login))
}

# --- privileged access reviews ----------------------------------------------

_wa_reviews := object.get(input.evidence, "attestation.access_review", [])

# The days (YYYY-MM-DD) of the reviews that covered any of `keys`.
_wa_reviewed_on(keys) := {day |
	some review in _wa_reviews
	count(keys & _wa_accounts(review)) > 0
	day := _wa_data(review).reviewed_on
	_wa_is_date(day)
}

_wa_review_problem(days) := concat("", ["privileged account has no access review on record; review it and record an access_review attestation listing it (at least every ", format_int(_access_review_max_days, 10), " days)"]) if {
	count(days) == 0
}

_wa_review_problem(days) := msg if {
	count(days) > 0
	is_number(input.now_ns)
	latest := max(days)
	age := _wa_days_since(latest)
	age > _access_review_max_days
	msg := concat("", ["privileged account was last reviewed ", format_int(age, 10), " days ago (", latest, "), more than ", format_int(_access_review_max_days, 10), "; review it and record an access_review attestation"])
}

_wa_review_problem(days) := "privileged account review cannot be checked: the evaluation time (input.now_ns) is missing" if {
	count(days) > 0
	not is_number(input.now_ns)
}

# METADATA
# title: Privileged accounts are reviewed regularly
# description: >-
#   Every active identity-provider user not shown to be unprivileged must be
#   listed in an access_review attestation whose reviewed_on is within
#   input.params.access_review_max_days (default 90) days.
# custom:
#   controls: [hipaa-164-308-a-4-ii-c]
#   evidence: [idp.user, attestation.access_review]
#   severity: medium
privileged_access_reviewed contains finding if {
	some user in input.evidence["idp.user"]
	_wa_active(user)
	not _wa_data(user).privileged == false
	msg := _wa_review_problem(_wa_reviewed_on(_wa_keys(user)))
	finding := {
		"control": "hipaa-164-308-a-4-ii-c",
		"resource": user.subject,
		"message": msg,
		"severity": "medium",
	}
}

# --- training of the active workforce ---------------------------------------

_wa_trained_people := {p |
	some record in object.get(input.evidence, "attestation.training", [])
	p := _wa_data(record).person_id
	is_string(p)
}

# METADATA
# title: Every active workforce member with access has a training record
# description: >-
#   A person the roster lists as active, with an account that is active in
#   the identity provider, must have an attestation.training record. Records
#   older than 365 days are found by hipaa.administrative.workforce.training_current.
#   No roster at all is a finding.
# custom:
#   controls: [hipaa-164-308-a-5-i]
#   evidence: [attestation.workforce_roster, idp.user, attestation.training]
#   severity: medium
workforce_trained contains finding if {
	some person in input.evidence["attestation.workforce_roster"]
	d := _wa_data(person)
	d.status == "active"
	count(_wa_accounts(person) & _wa_active_keys) > 0
	not d.person_id in _wa_trained_people
	finding := {
		"control": "hipaa-164-308-a-5-i",
		"resource": person.subject,
		"message": "active workforce member with an active account has no security training record; record their HIPAA training (hipaa-cac attest training)",
		"severity": "medium",
	}
}

workforce_trained contains finding if {
	count(_wa_roster) == 0
	finding := {
		"control": "hipaa-164-308-a-5-i",
		"resource": _wa_no_roster,
		"message": _wa_no_roster_message,
		"severity": "medium",
	}
}
