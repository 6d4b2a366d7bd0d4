package hipaa.technical.integrity

import rego.v1

# Fixtures go through `with input.evidence as`, never `with input as {...}`:
# regopy 1.5.2 crashes on the latter when the rule calls a built-in.

# storage_versioning

test_versioned_bucket_has_no_finding if {
	count(storage_versioning) == 0 with input.evidence as {"aws.s3.bucket": [{"subject": "arn:aws:s3:::b", "data": {"versioning": "Enabled"}}]}
}

test_unversioned_buckets_are_found if {
	fs := storage_versioning with input.evidence as {"aws.s3.bucket": [
		{"subject": "arn:aws:s3:::on", "data": {"versioning": "Enabled"}},
		{"subject": "arn:aws:s3:::suspended", "data": {"versioning": "Suspended"}},
		{"subject": "arn:aws:s3:::disabled", "data": {"versioning": "Disabled"}},
	]}
	{f.resource | some f in fs} == {"arn:aws:s3:::suspended", "arn:aws:s3:::disabled"}
	count(fs) == 2
	every f in fs {
		f.control == "hipaa-164-312-c-1"
		f.severity == "medium"
	}
}

test_versioning_unknown_fails_closed if {
	count(storage_versioning) == 4 with input.evidence as {"aws.s3.bucket": [
		{"subject": "a", "data": {"versioning": null}},
		{"subject": "b", "data": {"versioning": "enabled"}},
		{"subject": "c", "data": {}},
		{"subject": "d"},
	]}
}

# audit_log_validation

test_trail_with_validation_has_no_finding if {
	count(audit_log_validation) == 0 with input.evidence as {"aws.cloudtrail.trail": [{"subject": "arn:aws:cloudtrail:us-east-1:1:trail/t", "data": {"log_file_validation": true}}]}
}

test_trail_without_validation_is_found if {
	fs := audit_log_validation with input.evidence as {"aws.cloudtrail.trail": [
		{"subject": "arn:aws:cloudtrail:us-east-1:1:trail/ok", "data": {"log_file_validation": true}},
		{"subject": "arn:aws:cloudtrail:us-east-1:1:trail/off", "data": {"log_file_validation": false}},
	]}
	count(fs) == 1
	some f in fs
	f.resource == "arn:aws:cloudtrail:us-east-1:1:trail/off"
	f.control == "hipaa-164-312-c-2"
	f.severity == "medium"
}

test_trail_validation_unknown_fails_closed if {
	count(audit_log_validation) == 3 with input.evidence as {"aws.cloudtrail.trail": [
		{"subject": "a", "data": {"log_file_validation": null}},
		{"subject": "b", "data": null},
		{"subject": "c"},
	]}
}
