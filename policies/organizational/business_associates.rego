# Business associate contracts: 45 CFR 164.308(b)(1), 164.314(a)(1),
# 164.502(e) and 164.504(e).
package hipaa.organizational.business_associates

import rego.v1

# Every control a BAA attestation decides; each problem BAA yields one
# finding per control.
baa_controls := ["hipaa-164-308-b-1", "hipaa-164-314-a-1", "hipaa-164-502-e", "hipaa-164-504-e"]

ns_per_day := 86400000000000

# A real calendar day in 1900-2259, by pattern alone: time.parse_ns errors
# (a runtime error under strict built-in errors) on "2026-02-30", and
# nanosecond timestamps overflow past 2262.
_date_pattern := `^(19[0-9]{2}|2[01][0-9]{2}|22[0-5][0-9])-((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-8]))$`

_leap_day_pattern := `^((19|2[01])(0[48]|[2468][048]|[13579][26])|2000|22(0[48]|[24][048]|[13][26]|5[26]))-02-29$`

_sha256_pattern := `^(sha256:)?[0-9a-fA-F]{64}$`

_party(d) := d.party if {
	is_string(d.party)
	d.party != ""
} else := "an unnamed party"

# Type checks first: under strict built-in errors regex.match(null) is an error.
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

_is_sha256(s) if {
	is_string(s)
	regex.match(_sha256_pattern, s)
}

_expiry_problem(d) := "has no expires_on: record the expiry date, or null if it is evergreen" if {
	not "expires_on" in object.keys(d)
}

_expiry_problem(d) := "has an expires_on that is not a date: record it as YYYY-MM-DD" if {
	d.expires_on != null
	not _is_date(d.expires_on)
}

_expiry_problem(d) := "cannot be checked for expiry: the evaluation time (input.now_ns) is missing" if {
	_is_date(d.expires_on)
	not is_number(input.now_ns)
}

# The agreement holds through its expiry day.
_expiry_problem(d) := "has expired: renew it and attest the new agreement" if {
	_is_date(d.expires_on)
	input.now_ns >= time.parse_ns("2006-01-02", d.expires_on) + ns_per_day
}

_expiry_label(d) := concat("", ["(expires ", d.expires_on, ")"]) if {
	_is_date(d.expires_on)
} else := "(evergreen)" if {
	"expires_on" in object.keys(d)
	d.expires_on == null
} else := "(expiry unknown)"

_signature_problem(d) := "lacks signed_on: record the signing date (YYYY-MM-DD)" if {
	not _is_date(object.get(d, "signed_on", null))
}

_document_problem(d) := "lacks document_sha256: record the SHA-256 of the signed document" if {
	not _is_sha256(object.get(d, "document_sha256", null))
}

# METADATA
# title: Business associate agreements are signed, on file and unexpired
# description: >-
#   Each BAA attestation must have a signed_on date, the SHA-256 of the
#   signed document, and an expires_on that has not passed (null means
#   evergreen). A failing BAA yields one finding per control it decides.
# custom:
#   controls: [hipaa-164-308-b-1, hipaa-164-314-a-1, hipaa-164-502-e, hipaa-164-504-e]
#   evidence: [attestation.baa]
#   severity: high
baa_current contains finding if {
	some baa in input.evidence["attestation.baa"]
	d := _data(baa)
	problems := ({p | p := _expiry_problem(d)} | {p | p := _signature_problem(d)}) | {p | p := _document_problem(d)}
	count(problems) > 0
	some control in baa_controls
	finding := {
		"control": control,
		"resource": baa.subject,
		"message": concat("", ["BAA with ", _party(d), " ", _expiry_label(d), " ", concat("; ", sort(problems))]),
		"severity": "high",
	}
}

# A business associate works under at least one BAA (with the covered entity
# it serves); none recorded is a finding, not a pass. Safe under batching: a
# batch is empty only when the kind holds no items.
baa_current contains finding if {
	count(object.get(input.evidence, "attestation.baa", [])) == 0
	some control in baa_controls
	finding := {
		"control": control,
		"resource": "attestation:baa",
		"message": "no BAA recorded at all; record the BAAs with your covered-entity clients and subprocessors (hipaa-cac attest baa)",
		"severity": "high",
	}
}

# A subprocessor's vendor id without the "vendor:" prefix of its inventory id.
_vendor_id(sub) := substring(sub.subject, 7, -1) if {
	startswith(sub.subject, "vendor:")
} else := sub.subject

_vendor_name(sub) := sub.data.name if {
	is_string(sub.data.name)
} else := _vendor_id(sub)

# A BAA names a vendor by its catalog id, or by the vendor's name as its party.
_baa_names(baa, sub) if {
	_data(baa).vendor == _vendor_id(sub)
}

_baa_names(baa, sub) if {
	is_string(_data(baa).party)
	lower(_data(baa).party) == lower(_vendor_name(sub))
}

_baa_problems(d) := ({p | p := _expiry_problem(d)} | {p | p := _signature_problem(d)}) | {p | p := _document_problem(d)}

_baa_current_for(sub) if {
	some baa in object.get(input.evidence, "attestation.baa", [])
	_baa_names(baa, sub)
	count(_baa_problems(_data(baa))) == 0
}

_baa_on_file_for(sub) if {
	some baa in object.get(input.evidence, "attestation.baa", [])
	_baa_names(baa, sub)
}

# Where the vendor was seen: the first three places, then a count.
_places(sub) := concat(", ", array.slice(places, 0, 3)) if {
	places := object.get(sub.data, "detected_at", [])
	is_array(places)
	count(places) > 0
} else := "a hand-declared subprocessor"

_more(sub) := concat("", [" and ", format_int(total - 3, 10), " more"]) if {
	total := object.get(sub.data, "detections", 0)
	is_number(total)
	total > 3
} else := ""

_coverage_problem(sub) := "has no BAA on file" if {
	not _baa_on_file_for(sub)
}

_coverage_problem(sub) := "has a BAA on file that is not current (see its own finding)" if {
	_baa_on_file_for(sub)
	not _baa_current_for(sub)
}

# METADATA
# title: Every subprocessor that may handle PHI has a current BAA
# description: >-
#   Each third party in the architecture inventory (detected in code,
#   dependencies, infrastructure code or configuration, the cloud provider
#   itself, or declared by hand) that may handle PHI needs a current BAA that
#   names it (vendor id, or its name as party). Only a signed subprocessor
#   declaration with may_handle_phi false, and a rationale, takes a vendor
#   out of scope.
# custom:
#   controls: [hipaa-164-308-b-1, hipaa-164-314-a-1, hipaa-164-502-e, hipaa-164-504-e]
#   evidence: [inventory.third_party, attestation.baa]
#   severity: high
subprocessor_baa contains finding if {
	some sub in input.evidence["inventory.third_party"]
	not sub.data.may_handle_phi == false
	problem := _coverage_problem(sub)
	some control in baa_controls
	finding := {
		"control": control,
		"resource": sub.subject,
		"message": concat("", [
			_vendor_name(sub), " may handle PHI and ", problem, "; detected at ",
			_places(sub), _more(sub), ": sign a BAA and record it (hipaa-cac attest baa, vendor: ",
			_vendor_id(sub), "), or declare it never receives PHI (attestation subprocessor)",
		]),
		"severity": "high",
	}
}
