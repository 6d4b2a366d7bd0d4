# Encryption and decryption: 45 CFR 164.312(a)(2)(iv).
package hipaa.technical.encryption

import rego.v1

# METADATA
# title: S3 buckets encrypt data at rest
# description: Default bucket encryption (SSE-S3, SSE-KMS or DSSE-KMS) must be enabled.
# custom:
#   controls: [hipaa-164-312-a-2-iv]
#   evidence: [aws.s3.bucket]
#   severity: high
storage_encrypted_at_rest contains finding if {
	some bucket in input.evidence["aws.s3.bucket"]
	not bucket.data.encryption.enabled == true
	finding := {
		"control": "hipaa-164-312-a-2-iv",
		"resource": bucket.subject,
		"message": "bucket has no default encryption at rest (or it was not shown); enable default encryption with SSE-S3 or SSE-KMS",
		"severity": "high",
	}
}

# METADATA
# title: RDS instances encrypt storage at rest
# description: RDS DB instances must have storage encryption enabled.
# custom:
#   controls: [hipaa-164-312-a-2-iv]
#   evidence: [aws.rds.instance]
#   severity: high
database_encrypted_at_rest contains finding if {
	some db in input.evidence["aws.rds.instance"]
	not db.data.storage_encrypted == true
	finding := {
		"control": "hipaa-164-312-a-2-iv",
		"resource": db.subject,
		"message": "DB instance storage is not encrypted at rest (or it was not shown); restore it from an encrypted snapshot copy with a KMS key",
		"severity": "high",
	}
}
