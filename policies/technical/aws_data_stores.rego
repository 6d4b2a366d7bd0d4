# AWS data stores beyond S3 buckets: access control 164.312(a)(1),
# encryption at rest 164.312(a)(2)(iv), audit controls 164.312(b) and
# integrity 164.312(c)(1) for RDS, DynamoDB, Redshift, OpenSearch, AWS Backup
# vaults and the account-wide S3 Block Public Access setting.
package hipaa.technical.aws_data_stores

import rego.v1

_public_access_block_flags := ["block_public_acls", "ignore_public_acls", "block_public_policy", "restrict_public_buckets"]

_data(item) := item.data if {
	is_object(item.data)
} else := {}

# What a message calls the resource: its name from the evidence, else its subject.
_label(item, field) := name if {
	name := _data(item)[field]
	is_string(name)
	name != ""
} else := item.subject

_finding(control, item, message, severity) := {
	"control": control,
	"resource": item.subject,
	"message": message,
	"severity": severity,
}

# A member of an RDS cluster (Aurora, Multi-AZ DB cluster) is protected from
# deletion at the cluster level; its cluster item carries that check.
_cluster_member(db) if {
	id := _data(db).cluster_identifier
	is_string(id)
	id != ""
}

# METADATA
# title: The AWS account blocks public access to S3
# description: >-
#   All four account-level S3 Block Public Access settings must be on, so no
#   bucket created later can be made public by a policy or an ACL.
# custom:
#   controls: [hipaa-164-312-a-1]
#   evidence: [aws.s3.account_public_access_block]
#   severity: high
account_public_access_blocked contains finding if {
	some account in input.evidence["aws.s3.account_public_access_block"]
	off := [flag |
		some flag in _public_access_block_flags
		not _data(account).public_access_block[flag] == true
	]
	count(off) > 0
	msg := concat("", [
		"account ", _label(account, "account_id"), " does not block public access to S3 (",
		concat(", ", off), " not enabled); turn on all four account-level Block Public Access settings",
	])
	finding := _finding("hipaa-164-312-a-1", account, msg, "high")
}

# METADATA
# title: Redshift clusters are not publicly accessible
# description: A Redshift cluster must not be publicly accessible.
# custom:
#   controls: [hipaa-164-312-a-1]
#   evidence: [aws.redshift.cluster]
#   severity: high
redshift_not_public contains finding if {
	some cluster in input.evidence["aws.redshift.cluster"]
	not _data(cluster).publicly_accessible == false
	msg := concat("", ["Redshift cluster ", _label(cluster, "identifier"), " is publicly accessible (or was not shown not to be); turn off public accessibility"])
	finding := _finding("hipaa-164-312-a-1", cluster, msg, "high")
}

# METADATA
# title: OpenSearch domains are not public
# description: An OpenSearch domain must be placed in a VPC, not on a public endpoint.
# custom:
#   controls: [hipaa-164-312-a-1]
#   evidence: [aws.opensearch.domain]
#   severity: high
opensearch_not_public contains finding if {
	some domain in input.evidence["aws.opensearch.domain"]
	not _data(domain).public == false
	msg := concat("", ["OpenSearch domain ", _label(domain, "name"), " has a public endpoint (or was not shown not to); recreate it with VPC access"])
	finding := _finding("hipaa-164-312-a-1", domain, msg, "high")
}

# METADATA
# title: DynamoDB tables encrypt data at rest
# description: >-
#   DynamoDB tables must be encrypted at rest (an AWS owned, AWS managed or
#   customer managed key all count).
# custom:
#   controls: [hipaa-164-312-a-2-iv]
#   evidence: [aws.dynamodb.table]
#   severity: high
dynamodb_encrypted_at_rest contains finding if {
	some table in input.evidence["aws.dynamodb.table"]
	not _data(table).sse.enabled == true
	msg := concat("", ["DynamoDB table ", _label(table, "name"), " is not shown to be encrypted at rest; check its encryption settings and the collector's access to DescribeTable"])
	finding := _finding("hipaa-164-312-a-2-iv", table, msg, "high")
}

# METADATA
# title: Redshift clusters encrypt data at rest
# description: Redshift clusters must be encrypted.
# custom:
#   controls: [hipaa-164-312-a-2-iv]
#   evidence: [aws.redshift.cluster]
#   severity: high
redshift_encrypted_at_rest contains finding if {
	some cluster in input.evidence["aws.redshift.cluster"]
	not _data(cluster).encrypted == true
	msg := concat("", ["Redshift cluster ", _label(cluster, "identifier"), " is not encrypted at rest (or it was not shown); enable encryption with a KMS key"])
	finding := _finding("hipaa-164-312-a-2-iv", cluster, msg, "high")
}

# METADATA
# title: OpenSearch domains encrypt data at rest
# description: OpenSearch domains must have encryption at rest enabled.
# custom:
#   controls: [hipaa-164-312-a-2-iv]
#   evidence: [aws.opensearch.domain]
#   severity: high
opensearch_encrypted_at_rest contains finding if {
	some domain in input.evidence["aws.opensearch.domain"]
	not _data(domain).encryption_at_rest == true
	msg := concat("", ["OpenSearch domain ", _label(domain, "name"), " is not encrypted at rest (or it was not shown); enable encryption at rest with a KMS key"])
	finding := _finding("hipaa-164-312-a-2-iv", domain, msg, "high")
}

# METADATA
# title: AWS Backup vaults encrypt backups with a KMS key
# description: Every AWS Backup vault must name the KMS key that encrypts its recovery points.
# custom:
#   controls: [hipaa-164-312-a-2-iv]
#   evidence: [aws.backup.vault]
#   severity: medium
backup_vault_encrypted contains finding if {
	some vault in input.evidence["aws.backup.vault"]
	not _key_named(_data(vault).encryption_key_arn)
	msg := concat("", ["backup vault ", _label(vault, "name"), " is not shown to encrypt its backups with a KMS key; create the vault with a KMS key and move the backup plans to it"])
	finding := _finding("hipaa-164-312-a-2-iv", vault, msg, "medium")
}

_key_named(key) if {
	is_string(key)
	key != ""
}

# METADATA
# title: Redshift clusters keep audit logs
# description: Redshift audit logging (to S3 or CloudWatch Logs) must be enabled.
# custom:
#   controls: [hipaa-164-312-b]
#   evidence: [aws.redshift.cluster]
#   severity: medium
redshift_audit_logging contains finding if {
	some cluster in input.evidence["aws.redshift.cluster"]
	not _data(cluster).logging_enabled == true
	msg := concat("", ["Redshift cluster ", _label(cluster, "identifier"), " has no audit logging (or it was not shown); enable audit logging to S3 or CloudWatch Logs"])
	finding := _finding("hipaa-164-312-b", cluster, msg, "medium")
}

# METADATA
# title: RDS instances are protected from deletion
# description: >-
#   A standalone RDS DB instance must have deletion protection on, so ePHI
#   (and the automated backups deleted with it) cannot be destroyed by one
#   mistaken call. Cluster members are checked through their cluster.
# custom:
#   controls: [hipaa-164-312-c-1]
#   evidence: [aws.rds.instance]
#   severity: medium
database_deletion_protection contains finding if {
	some db in input.evidence["aws.rds.instance"]
	not _cluster_member(db)
	not _data(db).deletion_protection == true
	msg := concat("", ["DB instance ", _label(db, "identifier"), " has no deletion protection (or it was not shown); turn on deletion protection"])
	finding := _finding("hipaa-164-312-c-1", db, msg, "medium")
}

# METADATA
# title: RDS clusters are protected from deletion
# description: An RDS DB cluster (Aurora, Multi-AZ DB cluster) must have deletion protection on.
# custom:
#   controls: [hipaa-164-312-c-1]
#   evidence: [aws.rds.cluster]
#   severity: medium
database_cluster_deletion_protection contains finding if {
	some cluster in input.evidence["aws.rds.cluster"]
	not _data(cluster).deletion_protection == true
	msg := concat("", ["DB cluster ", _label(cluster, "identifier"), " has no deletion protection (or it was not shown); turn on deletion protection"])
	finding := _finding("hipaa-164-312-c-1", cluster, msg, "medium")
}

# METADATA
# title: DynamoDB tables are protected from deletion
# description: A DynamoDB table must have deletion protection on.
# custom:
#   controls: [hipaa-164-312-c-1]
#   evidence: [aws.dynamodb.table]
#   severity: medium
dynamodb_deletion_protection contains finding if {
	some table in input.evidence["aws.dynamodb.table"]
	not _data(table).deletion_protection == true
	msg := concat("", ["DynamoDB table ", _label(table, "name"), " has no deletion protection (or it was not shown); turn on deletion protection"])
	finding := _finding("hipaa-164-312-c-1", table, msg, "medium")
}
