package hipaa.technical.aws_data_stores

import rego.v1

# Fixtures go through `with input.evidence as`, never `with input as {...}`:
# regopy 1.5.2 crashes on the latter when the rule calls a built-in. One
# runner per rule keeps the `with` clauses few.

_s(i) := concat("", ["arn:aws:test:us-east-1:111122223333:r", format_int(i, 10)])

_ev(kind, datas) := {kind: [item |
	some i in numbers.range(0, count(datas) - 1)
	item := {"subject": _s(i), "data": datas[i]}
]}

_all_on := {"block_public_acls": true, "ignore_public_acls": true, "block_public_policy": true, "restrict_public_buckets": true}

# account_public_access_blocked

_account_public_access_blocked(datas) := fs if {
	ev := _ev("aws.s3.account_public_access_block", datas)
	fs := account_public_access_blocked with input.evidence as ev
}

test_account_public_access_blocked_compliant_has_no_finding if {
	count(_account_public_access_blocked([{"account_id": "111122223333", "public_access_block": _all_on}])) == 0
}

test_account_public_access_blocked_names_the_flags_off if {
	fs := _account_public_access_blocked([
		{"account_id": "111122223333", "public_access_block": _all_on},
		{"account_id": "444455556666", "public_access_block": object.union(_all_on, {"ignore_public_acls": false, "restrict_public_buckets": null})},
	])
	fs == {{
		"control": "hipaa-164-312-a-1",
		"resource": _s(1),
		"message": "account 444455556666 does not block public access to S3 (ignore_public_acls, restrict_public_buckets not enabled); turn on all four account-level Block Public Access settings",
		"severity": "high",
	}}
}

test_account_public_access_block_unknown_fails_closed if {
	fs := _account_public_access_blocked([
		{"account_id": "111122223333", "public_access_block": null},
		{"account_id": "111122223333"},
		{"public_access_block": {"block_public_acls": "true", "ignore_public_acls": true, "block_public_policy": true, "restrict_public_buckets": true}},
		null,
	])
	{f.resource | some f in fs} == {_s(0), _s(1), _s(2), _s(3)}
	some f in fs
	f.resource == _s(2)
	contains(f.message, "account arn:aws:test:us-east-1:111122223333:r2 does not block public access to S3 (block_public_acls not enabled)")
}

# dynamodb_encrypted_at_rest

_dynamodb_encrypted_at_rest(datas) := fs if {
	ev := _ev("aws.dynamodb.table", datas)
	fs := dynamodb_encrypted_at_rest with input.evidence as ev
}

test_dynamodb_encrypted_at_rest_compliant_has_no_finding if {
	count(_dynamodb_encrypted_at_rest([
		{"name": "owned", "sse": {"enabled": true, "type": "AWS_OWNED", "kms_key_arn": null}},
		{"name": "kms", "sse": {"enabled": true, "type": "KMS", "kms_key_arn": "arn:aws:kms:us-east-1:1:key/k"}},
	])) == 0
}

test_dynamodb_encrypted_at_rest_finds_problems_and_unknowns if {
	fs := _dynamodb_encrypted_at_rest([
		{"name": "good", "sse": {"enabled": true, "type": "AWS_OWNED"}},
		{"name": "bad", "sse": {"enabled": false}},
		{"name": "unknown", "sse": null},
		{"name": "missing"},
		null,
	])
	{f.resource | some f in fs} == {_s(1), _s(2), _s(3), _s(4)}
	{
		"control": "hipaa-164-312-a-2-iv",
		"resource": _s(1),
		"message": "DynamoDB table bad is not shown to be encrypted at rest; check its encryption settings and the collector's access to DescribeTable",
		"severity": "high",
	} in fs
}

# backup_vault_encrypted

_backup_vault_encrypted(datas) := fs if {
	ev := _ev("aws.backup.vault", datas)
	fs := backup_vault_encrypted with input.evidence as ev
}

test_backup_vault_encrypted_compliant_has_no_finding if {
	count(_backup_vault_encrypted([{"name": "good", "encryption_key_arn": "arn:aws:kms:us-east-1:1:key/k", "locked": false}])) == 0
}

test_backup_vault_encrypted_finds_problems_and_unknowns if {
	fs := _backup_vault_encrypted([
		{"name": "good", "encryption_key_arn": "arn:aws:kms:us-east-1:1:key/k"},
		{"name": "bad", "encryption_key_arn": null},
		{"name": "empty", "encryption_key_arn": ""},
		{"name": "missing"},
		{"encryption_key_arn": true},
		null,
	])
	{f.resource | some f in fs} == {_s(1), _s(2), _s(3), _s(4), _s(5)}
	{
		"control": "hipaa-164-312-a-2-iv",
		"resource": _s(1),
		"message": "backup vault bad is not shown to encrypt its backups with a KMS key; create the vault with a KMS key and move the backup plans to it",
		"severity": "medium",
	} in fs
}

# database_deletion_protection

_database_deletion_protection(datas) := fs if {
	ev := _ev("aws.rds.instance", datas)
	fs := database_deletion_protection with input.evidence as ev
}

test_database_deletion_protection_compliant_has_no_finding if {
	count(_database_deletion_protection([
		{"identifier": "good", "deletion_protection": true, "cluster_identifier": null},
		# A cluster member: its cluster item carries the check.
		{"identifier": "member", "deletion_protection": false, "cluster_identifier": "aurora"},
	])) == 0
}

test_database_deletion_protection_finds_problems_and_unknowns if {
	fs := _database_deletion_protection([
		{"identifier": "good", "deletion_protection": true},
		{"identifier": "bad", "deletion_protection": false, "cluster_identifier": null},
		{"identifier": "unknown", "deletion_protection": null},
		{"identifier": "blank-cluster", "deletion_protection": false, "cluster_identifier": ""},
		{"deletion_protection": "true"},
		null,
	])
	{f.resource | some f in fs} == {_s(1), _s(2), _s(3), _s(4), _s(5)}
	{
		"control": "hipaa-164-312-c-1",
		"resource": _s(1),
		"message": "DB instance bad has no deletion protection (or it was not shown); turn on deletion protection",
		"severity": "medium",
	} in fs
}

# redshift_not_public

_redshift_not_public(datas) := fs if {
	ev := _ev("aws.redshift.cluster", datas)
	fs := redshift_not_public with input.evidence as ev
}

test_redshift_not_public_compliant_has_no_finding if {
	count(_redshift_not_public([{"identifier": "good", "publicly_accessible": false}])) == 0
}

test_redshift_not_public_finds_problems_and_unknowns if {
	fs := _redshift_not_public([
		{"identifier": "good", "publicly_accessible": false},
		{"identifier": "bad", "publicly_accessible": true},
		{"identifier": "unknown", "publicly_accessible": null},
		{"identifier": "missing"},
		{"publicly_accessible": "false"},
		null,
	])
	{f.resource | some f in fs} == {_s(1), _s(2), _s(3), _s(4), _s(5)}
	{
		"control": "hipaa-164-312-a-1",
		"resource": _s(1),
		"message": "Redshift cluster bad is publicly accessible (or was not shown not to be); turn off public accessibility",
		"severity": "high",
	} in fs
}

# opensearch_not_public

_opensearch_not_public(datas) := fs if {
	ev := _ev("aws.opensearch.domain", datas)
	fs := opensearch_not_public with input.evidence as ev
}

test_opensearch_not_public_compliant_has_no_finding if {
	count(_opensearch_not_public([{"name": "good", "public": false}])) == 0
}

test_opensearch_not_public_finds_problems_and_unknowns if {
	fs := _opensearch_not_public([
		{"name": "good", "public": false},
		{"name": "bad", "public": true},
		{"name": "unknown", "public": null},
		{"name": "missing"},
		{"public": "false"},
		null,
	])
	{f.resource | some f in fs} == {_s(1), _s(2), _s(3), _s(4), _s(5)}
	{
		"control": "hipaa-164-312-a-1",
		"resource": _s(1),
		"message": "OpenSearch domain bad has a public endpoint (or was not shown not to); recreate it with VPC access",
		"severity": "high",
	} in fs
}

# redshift_encrypted_at_rest

_redshift_encrypted_at_rest(datas) := fs if {
	ev := _ev("aws.redshift.cluster", datas)
	fs := redshift_encrypted_at_rest with input.evidence as ev
}

test_redshift_encrypted_at_rest_compliant_has_no_finding if {
	count(_redshift_encrypted_at_rest([{"identifier": "good", "encrypted": true}])) == 0
}

test_redshift_encrypted_at_rest_finds_problems_and_unknowns if {
	fs := _redshift_encrypted_at_rest([
		{"identifier": "good", "encrypted": true},
		{"identifier": "bad", "encrypted": false},
		{"identifier": "unknown", "encrypted": null},
		{"identifier": "missing"},
		{"encrypted": "true"},
		null,
	])
	{f.resource | some f in fs} == {_s(1), _s(2), _s(3), _s(4), _s(5)}
	{
		"control": "hipaa-164-312-a-2-iv",
		"resource": _s(1),
		"message": "Redshift cluster bad is not encrypted at rest (or it was not shown); enable encryption with a KMS key",
		"severity": "high",
	} in fs
}

# opensearch_encrypted_at_rest

_opensearch_encrypted_at_rest(datas) := fs if {
	ev := _ev("aws.opensearch.domain", datas)
	fs := opensearch_encrypted_at_rest with input.evidence as ev
}

test_opensearch_encrypted_at_rest_compliant_has_no_finding if {
	count(_opensearch_encrypted_at_rest([{"name": "good", "encryption_at_rest": true}])) == 0
}

test_opensearch_encrypted_at_rest_finds_problems_and_unknowns if {
	fs := _opensearch_encrypted_at_rest([
		{"name": "good", "encryption_at_rest": true},
		{"name": "bad", "encryption_at_rest": false},
		{"name": "unknown", "encryption_at_rest": null},
		{"name": "missing"},
		{"encryption_at_rest": "true"},
		null,
	])
	{f.resource | some f in fs} == {_s(1), _s(2), _s(3), _s(4), _s(5)}
	{
		"control": "hipaa-164-312-a-2-iv",
		"resource": _s(1),
		"message": "OpenSearch domain bad is not encrypted at rest (or it was not shown); enable encryption at rest with a KMS key",
		"severity": "high",
	} in fs
}

# redshift_audit_logging

_redshift_audit_logging(datas) := fs if {
	ev := _ev("aws.redshift.cluster", datas)
	fs := redshift_audit_logging with input.evidence as ev
}

test_redshift_audit_logging_compliant_has_no_finding if {
	count(_redshift_audit_logging([{"identifier": "good", "logging_enabled": true}])) == 0
}

test_redshift_audit_logging_finds_problems_and_unknowns if {
	fs := _redshift_audit_logging([
		{"identifier": "good", "logging_enabled": true},
		{"identifier": "bad", "logging_enabled": false},
		{"identifier": "unknown", "logging_enabled": null},
		{"identifier": "missing"},
		{"logging_enabled": "true"},
		null,
	])
	{f.resource | some f in fs} == {_s(1), _s(2), _s(3), _s(4), _s(5)}
	{
		"control": "hipaa-164-312-b",
		"resource": _s(1),
		"message": "Redshift cluster bad has no audit logging (or it was not shown); enable audit logging to S3 or CloudWatch Logs",
		"severity": "medium",
	} in fs
}

# database_cluster_deletion_protection

_database_cluster_deletion_protection(datas) := fs if {
	ev := _ev("aws.rds.cluster", datas)
	fs := database_cluster_deletion_protection with input.evidence as ev
}

test_database_cluster_deletion_protection_compliant_has_no_finding if {
	count(_database_cluster_deletion_protection([{"identifier": "good", "deletion_protection": true}])) == 0
}

test_database_cluster_deletion_protection_finds_problems_and_unknowns if {
	fs := _database_cluster_deletion_protection([
		{"identifier": "good", "deletion_protection": true},
		{"identifier": "bad", "deletion_protection": false},
		{"identifier": "unknown", "deletion_protection": null},
		{"identifier": "missing"},
		{"deletion_protection": "true"},
		null,
	])
	{f.resource | some f in fs} == {_s(1), _s(2), _s(3), _s(4), _s(5)}
	{
		"control": "hipaa-164-312-c-1",
		"resource": _s(1),
		"message": "DB cluster bad has no deletion protection (or it was not shown); turn on deletion protection",
		"severity": "medium",
	} in fs
}

# dynamodb_deletion_protection

_dynamodb_deletion_protection(datas) := fs if {
	ev := _ev("aws.dynamodb.table", datas)
	fs := dynamodb_deletion_protection with input.evidence as ev
}

test_dynamodb_deletion_protection_compliant_has_no_finding if {
	count(_dynamodb_deletion_protection([{"name": "good", "deletion_protection": true}])) == 0
}

test_dynamodb_deletion_protection_finds_problems_and_unknowns if {
	fs := _dynamodb_deletion_protection([
		{"name": "good", "deletion_protection": true},
		{"name": "bad", "deletion_protection": false},
		{"name": "unknown", "deletion_protection": null},
		{"name": "missing"},
		{"deletion_protection": "true"},
		null,
	])
	{f.resource | some f in fs} == {_s(1), _s(2), _s(3), _s(4), _s(5)}
	{
		"control": "hipaa-164-312-c-1",
		"resource": _s(1),
		"message": "DynamoDB table bad has no deletion protection (or it was not shown); turn on deletion protection",
		"severity": "medium",
	} in fs
}
