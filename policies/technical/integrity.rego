# Integrity: 45 CFR 164.312(c).
package hipaa.technical.integrity

import rego.v1

# METADATA
# title: S3 buckets keep object versions
# description: >-
#   Bucket versioning must be Enabled, so that altered or deleted objects can
#   be recovered.
# custom:
#   controls: [hipaa-164-312-c-1]
#   evidence: [aws.s3.bucket]
#   severity: medium
storage_versioning contains finding if {
	some bucket in input.evidence["aws.s3.bucket"]
	not bucket.data.versioning == "Enabled"
	finding := {
		"control": "hipaa-164-312-c-1",
		"resource": bucket.subject,
		"message": "bucket versioning is not enabled (or it was not shown); enable versioning on the bucket",
		"severity": "medium",
	}
}

# METADATA
# title: CloudTrail validates its log files
# description: >-
#   CloudTrail log file integrity validation must be enabled, so that
#   altered or deleted log files can be detected.
# custom:
#   controls: [hipaa-164-312-c-2]
#   evidence: [aws.cloudtrail.trail]
#   severity: medium
audit_log_validation contains finding if {
	some trail in input.evidence["aws.cloudtrail.trail"]
	not trail.data.log_file_validation == true
	finding := {
		"control": "hipaa-164-312-c-2",
		"resource": trail.subject,
		"message": "trail log file validation is not enabled (or it was not shown); enable log file integrity validation on the trail",
		"severity": "medium",
	}
}
