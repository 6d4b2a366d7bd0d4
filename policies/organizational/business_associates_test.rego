package hipaa.organizational.business_associates

import rego.v1

# rego-cpp (regopy 1.5.2) aborts on some `with input as {literal}` shapes:
# bind `with` values to locals and override input's fields one by one.

# 2026-11-20T12:00:00Z
_now_ns := 1795176000000000000

_sha := "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

_baa(overrides) := {"subject": "attestation:baa/acme", "data": object.union({
	"party": "Acme Hosting", "role": "subprocessor", "signed_on": "2025-01-15",
	"expires_on": "2027-01-15", "document_sha256": _sha,
}, overrides)}

_findings(items) := fs if {
	ev := {"attestation.baa": items}
	now_ns := _now_ns
	fs := baa_current with input.evidence as ev with input.now_ns as now_ns
}

_all_controls := {"hipaa-164-308-b-1", "hipaa-164-314-a-1", "hipaa-164-502-e", "hipaa-164-504-e"}

test_current_and_evergreen_baas_have_no_finding if {
	count(_findings([_baa({}), _baa({"expires_on": null}), _baa({"expires_on": "2026-11-20"})])) == 0
}

test_expired_baa_yields_one_finding_per_control if {
	fs := _findings([_baa({"expires_on": "2026-10-01"})])
	{f.control | some f in fs} == _all_controls
	count(fs) == 4
	every f in fs {
		f.resource == "attestation:baa/acme"
		contains(f.message, "Acme Hosting")
		f.message == "BAA with Acme Hosting (expires 2026-10-01) has expired: renew it and attest the new agreement"
	}
}

test_unsigned_or_undocumented_baa_is_found if {
	count(_findings([_baa({"signed_on": null})])) == 4
	count(_findings([_baa({"document_sha256": "not-a-hash"})])) == 4
}

test_missing_or_bad_fields_fail_closed if {
	count(_findings([{"subject": "attestation:baa/x", "data": {}}])) == 4
	count(_findings([_baa({"expires_on": "next year"})])) == 4
	count(_findings([_baa({"expires_on": 20270101})])) == 4
}

test_missing_now_fails_closed_unless_evergreen if {
	current := {"attestation.baa": [_baa({})]}
	dated := baa_current with input.evidence as current
	count(dated) == 4
	forever := {"attestation.baa": [_baa({"expires_on": null})]}
	evergreen := baa_current with input.evidence as forever
	count(evergreen) == 0
}

test_message_names_party_and_expiry if {
	fs := _findings([_baa({"signed_on": null}), _baa({"expires_on": null, "document_sha256": null})])
	count(fs) == 8
	{f.message | some f in fs} == {
		"BAA with Acme Hosting (expires 2027-01-15) lacks signed_on: record the signing date (YYYY-MM-DD)",
		"BAA with Acme Hosting (evergreen) lacks document_sha256: record the SHA-256 of the signed document",
	}
}

test_null_data_and_impossible_dates_fail_closed_without_runtime_errors if {
	# strict built-in errors: these must be findings, never a time.parse_ns error
	count(_findings([{"subject": "attestation:baa/x", "data": null}])) == 4
	count(_findings([{"subject": "attestation:baa/x"}])) == 4
	count(_findings([_baa({"expires_on": "2027-02-30"})])) == 4
	count(_findings([_baa({"expires_on": "9999-12-31"})])) == 4
	count(_findings([_baa({"signed_on": "2025-13-01"})])) == 4
	count(_findings([_baa({"expires_on": "2028-02-29"})])) == 0
}

test_agreement_ends_at_the_midnight_after_its_expiry_day if {
	ev := {"attestation.baa": [_baa({"expires_on": "2026-11-20"})]}
	last_instant := 1795219199999999999 # 2026-11-20T23:59:59.999999999Z
	count(baa_current) == 0 with input.evidence as ev with input.now_ns as last_instant
	midnight := 1795219200000000000 # 2026-11-21T00:00:00Z
	count(baa_current) == 4 with input.evidence as ev with input.now_ns as midnight
}

test_no_baa_at_all_is_a_finding_for_every_control if {
	fs := _findings([])
	{f.control | some f in fs} == _all_controls
	every f in fs {
		f.resource == "attestation:baa"
		startswith(f.message, "no BAA recorded at all")
	}
}

_sub_now := 1795000000000000000 # 2026-11-18

_datadog := {"subject": "vendor:datadog", "data": {
	"name": "Datadog", "may_handle_phi": true,
	"detected_at": ["git:local/api/requirements.txt:3#datadog", "git:local/api/app.py:1#datadog", "git:local/api/b.py:2#datadog", "git:local/api/c.py:9#datadog"],
	"detections": 5,
}}

_current_baa(fields) := object.union({"party": "Datadog, Inc.", "signed_on": "2026-01-01", "expires_on": null, "document_sha256": "sha256:abababababababababababababababababababababababababababababababab"}, fields)

test_subprocessor_without_baa_is_found_for_each_control if {
	ev := {"inventory.third_party": [_datadog], "attestation.baa": []}
	now := _sub_now
	fs := subprocessor_baa with input.evidence as ev with input.now_ns as now
	count(fs) == 4
	some f in fs
	f.resource == "vendor:datadog"
	contains(f.message, "Datadog may handle PHI and has no BAA on file")
	contains(f.message, "requirements.txt:3")
	contains(f.message, "and 2 more")
}

test_baa_naming_the_vendor_id_covers_it if {
	baa := {"subject": "attestation:baa/datadog", "data": _current_baa({"vendor": "datadog"})}
	ev := {"inventory.third_party": [_datadog], "attestation.baa": [baa]}
	now := _sub_now
	fs := subprocessor_baa with input.evidence as ev with input.now_ns as now
	count(fs) == 0
}

test_baa_naming_the_vendor_as_party_covers_it if {
	baa := {"subject": "attestation:baa/dd", "data": _current_baa({"party": "datadog"})}
	ev := {"inventory.third_party": [_datadog], "attestation.baa": [baa]}
	now := _sub_now
	fs := subprocessor_baa with input.evidence as ev with input.now_ns as now
	count(fs) == 0
}

test_expired_baa_does_not_cover if {
	baa := {"subject": "attestation:baa/datadog", "data": _current_baa({"vendor": "datadog", "expires_on": "2026-10-01"})}
	ev := {"inventory.third_party": [_datadog], "attestation.baa": [baa]}
	now := _sub_now
	fs := subprocessor_baa with input.evidence as ev with input.now_ns as now
	count(fs) == 4
	some f in fs
	contains(f.message, "not current")
}

test_vendor_that_never_handles_phi_needs_no_baa if {
	stripe := {"subject": "vendor:stripe", "data": {"name": "Stripe", "may_handle_phi": false, "detected_at": ["x:1"]}}
	ev := {"inventory.third_party": [stripe], "attestation.baa": []}
	now := _sub_now
	fs := subprocessor_baa with input.evidence as ev with input.now_ns as now
	count(fs) == 0
}

test_unknown_phi_stance_needs_a_baa if {
	vendor := {"subject": "vendor:acme", "data": {"name": "Acme", "may_handle_phi": null}}
	ev := {"inventory.third_party": [vendor], "attestation.baa": []}
	now := _sub_now
	fs := subprocessor_baa with input.evidence as ev with input.now_ns as now
	count(fs) == 4
	some f in fs
	contains(f.message, "a hand-declared subprocessor")
}
