# AWS monitoring: where audit records go and how long they stay, and the
# services that watch the accounts (GuardDuty, Security Hub, Config).
# 45 CFR 164.312(b), 164.308(a)(1)(ii)(D), 164.308(a)(6)(ii).
package hipaa.technical.aws_monitoring

import rego.v1

# HIPAA's six-year retention (164.316(b)(2)(i)) binds the documentation of
# policies and of actions and assessments, not every log event. A year of
# searchable log events covers the annual evaluation and a typical breach
# investigation's look-back (164.308(a)(8), 164.308(a)(6)); archive longer
# to S3 where the organisation treats logs as documentation. Override with
# input.params.min_log_retention_days.
default _min_retention_days := 365

_min_retention_days := m if {
	m := input.params.min_log_retention_days
	is_number(m)
	m > 0
}

_detection_controls := ["hipaa-164-308-a-1-ii-d", "hipaa-164-308-a-6-ii"]

# An item's data as an object: null or missing data reads as {}.
_data(item) := item.data if {
	is_object(item.data)
} else := {}

_set(value) if {
	is_string(value)
	value != ""
}

_region(d) := d.region if {
	is_string(d.region)
} else := "an unknown region"

# METADATA
# title: CloudTrail trails deliver to CloudWatch Logs
# description: >-
#   Each trail must send its events to a CloudWatch Logs log group, where
#   they can be searched, alarmed on and reviewed.
# custom:
#   controls: [hipaa-164-312-b]
#   evidence: [aws.cloudtrail.trail]
#   severity: medium
trail_cloudwatch_delivery contains finding if {
	some trail in input.evidence["aws.cloudtrail.trail"]
	not _set(_data(trail).cloudwatch_logs_log_group_arn)
	finding := {
		"control": "hipaa-164-312-b",
		"resource": trail.subject,
		"message": "trail does not deliver to CloudWatch Logs (or it was not shown); configure a log group for the trail",
		"severity": "medium",
	}
}

# METADATA
# title: CloudTrail log files are encrypted with KMS
# description: >-
#   Each trail must encrypt its log files with a customer-managed KMS key,
#   so that reading the audit record is itself controlled and logged.
# custom:
#   controls: [hipaa-164-312-b]
#   evidence: [aws.cloudtrail.trail]
#   severity: medium
trail_kms_encrypted contains finding if {
	some trail in input.evidence["aws.cloudtrail.trail"]
	not _set(_data(trail).kms_key_id)
	finding := {
		"control": "hipaa-164-312-b",
		"resource": trail.subject,
		"message": "trail log files are not encrypted with a KMS key (or it was not shown); set a KMS key on the trail",
		"severity": "medium",
	}
}

# retention_days null means the group never expires events; a missing
# field is not shown and fails.
_retention_ok(d) if d.retention_days == null

_retention_ok(d) if {
	is_number(d.retention_days)
	d.retention_days >= _min_retention_days
}

# METADATA
# title: Log groups keep events for at least a year
# description: >-
#   CloudWatch Logs log groups must keep events for at least 365 days (or
#   input.params.min_log_retention_days), or never expire them.
# custom:
#   controls: [hipaa-164-312-b]
#   evidence: [aws.logs.log_group]
#   severity: medium
log_group_retention contains finding if {
	some group in input.evidence["aws.logs.log_group"]
	not _retention_ok(_data(group))
	finding := {
		"control": "hipaa-164-312-b",
		"resource": group.subject,
		"message": concat("", ["log group keeps events for less than ", format_int(_min_retention_days, 10), " days (or its retention was not shown); raise its retention"]),
		"severity": "medium",
	}
}

# METADATA
# title: Log groups are encrypted with a customer-managed KMS key
# description: >-
#   CloudWatch Logs always encrypts at rest; a customer-managed KMS key adds
#   control over, and a record of, who can decrypt the log events.
# custom:
#   controls: [hipaa-164-312-b]
#   evidence: [aws.logs.log_group]
#   severity: low
log_group_kms contains finding if {
	some group in input.evidence["aws.logs.log_group"]
	not _set(_data(group).kms_key_id)
	finding := {
		"control": "hipaa-164-312-b",
		"resource": group.subject,
		"message": "log group is not encrypted with a customer-managed KMS key (or it was not shown); associate a KMS key",
		"severity": "low",
	}
}

# METADATA
# title: GuardDuty is enabled in every collected region
# description: >-
#   Every region collected must have an enabled GuardDuty detector, so that
#   suspicious activity is detected and reported wherever it happens.
# custom:
#   controls: [hipaa-164-308-a-1-ii-d, hipaa-164-308-a-6-ii]
#   evidence: [aws.guardduty.detector]
#   severity: medium
guardduty_enabled contains finding if {
	some detector in input.evidence["aws.guardduty.detector"]
	d := _data(detector)
	not d.enabled == true
	some control in _detection_controls
	finding := {
		"control": control,
		"resource": detector.subject,
		"message": concat("", ["GuardDuty is not enabled in ", _region(d), " (or it was not shown); enable a detector there"]),
		"severity": "medium",
	}
}

# METADATA
# title: Security Hub is enabled in every collected region
# description: >-
#   Every region collected must have Security Hub enabled, so that findings
#   from AWS security services are gathered for review.
# custom:
#   controls: [hipaa-164-308-a-1-ii-d]
#   evidence: [aws.securityhub.hub]
#   severity: medium
securityhub_enabled contains finding if {
	some hub in input.evidence["aws.securityhub.hub"]
	d := _data(hub)
	not d.enabled == true
	finding := {
		"control": "hipaa-164-308-a-1-ii-d",
		"resource": hub.subject,
		"message": concat("", ["Security Hub is not enabled in ", _region(d), " (or it was not shown); enable it there"]),
		"severity": "medium",
	}
}

_recording_everything(d) if {
	d.recording == true
	d.all_supported == true
}

# METADATA
# title: AWS Config records every resource type in every collected region
# description: >-
#   Every region collected must have a Config recorder that is recording all
#   supported resource types, so that configuration changes leave a record.
# custom:
#   controls: [hipaa-164-312-b]
#   evidence: [aws.config.recorder]
#   severity: medium
config_recording contains finding if {
	some recorder in input.evidence["aws.config.recorder"]
	d := _data(recorder)
	not _recording_everything(d)
	finding := {
		"control": "hipaa-164-312-b",
		"resource": recorder.subject,
		"message": concat("", ["AWS Config is not recording all resource types in ", _region(d), " (or it was not shown); start a recorder for all supported types"]),
		"severity": "medium",
	}
}
