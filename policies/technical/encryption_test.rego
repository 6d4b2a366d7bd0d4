package hipaa.technical.encryption

import rego.v1

# Fixtures go through `with input.evidence as`, never `with input as {...}`:
# regopy 1.5.2 crashes on the latter when the rule calls a built-in.

_items(kind, prefix, datas) := {kind: [item |
	some i in numbers.range(0, count(datas) - 1)
	item := {"subject": concat("", [prefix, format_int(i, 10)]), "data": datas[i]}
]}

# storage_encrypted_at_rest

test_encrypted_bucket_has_no_finding if {
	count(storage_encrypted_at_rest) == 0 with input.evidence as _items("aws.s3.bucket", "arn:aws:s3:::b", [
		{"encryption": {"enabled": true, "algorithm": "aws:kms", "kms_key_id": "k"}},
		{"encryption": {"enabled": true, "algorithm": "AES256", "kms_key_id": null}},
	])
}

test_unencrypted_bucket_is_found if {
	fs := storage_encrypted_at_rest with input.evidence as _items("aws.s3.bucket", "arn:aws:s3:::b", [
		{"encryption": {"enabled": true, "algorithm": "AES256"}},
		{"encryption": {"enabled": false, "algorithm": null}},
	])
	count(fs) == 1
	some f in fs
	f.resource == "arn:aws:s3:::b1"
	f.control == "hipaa-164-312-a-2-iv"
	f.severity == "high"
}

test_bucket_encryption_unknown_fails_closed if {
	fs := storage_encrypted_at_rest with input.evidence as _items("aws.s3.bucket", "arn:aws:s3:::b", [
		{"encryption": {"enabled": null}},
		{"encryption": null},
		{},
		{"encryption": {"enabled": "true"}},
	])
	{f.resource | some f in fs} == {"arn:aws:s3:::b0", "arn:aws:s3:::b1", "arn:aws:s3:::b2", "arn:aws:s3:::b3"}
}

# database_encrypted_at_rest

test_encrypted_database_has_no_finding if {
	count(database_encrypted_at_rest) == 0 with input.evidence as _items("aws.rds.instance", "arn:aws:rds:us-east-1:1:db:d", [{"storage_encrypted": true}])
}

test_unencrypted_database_is_found if {
	fs := database_encrypted_at_rest with input.evidence as _items("aws.rds.instance", "arn:aws:rds:us-east-1:1:db:d", [
		{"storage_encrypted": true},
		{"storage_encrypted": false},
	])
	count(fs) == 1
	some f in fs
	f.resource == "arn:aws:rds:us-east-1:1:db:d1"
	f.control == "hipaa-164-312-a-2-iv"
	f.severity == "high"
}

test_database_encryption_unknown_fails_closed if {
	fs := database_encrypted_at_rest with input.evidence as _items("aws.rds.instance", "db", [{"storage_encrypted": null}, {}, null])
	count(fs) == 3
}
