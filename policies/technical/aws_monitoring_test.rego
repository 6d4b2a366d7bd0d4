package hipaa.technical.aws_monitoring

import rego.v1

# rego-cpp (regopy 1.5.2) aborts on some `with input as {literal}` shapes:
# bind `with` values to locals and override input's fields one by one.

_trail := {
	"name": "t",
	"account_id": "111111111111",
	"home_region": "us-east-1",
	"is_multi_region": true,
	"is_logging": true,
	"log_file_validation": true,
	"kms_key_id": "arn:aws:kms:us-east-1:111111111111:key/k",
	"cloudwatch_logs_log_group_arn": "arn:aws:logs:us-east-1:111111111111:log-group:trail:*",
	"s3_bucket_name": "logs",
}

_group := {"name": "/phi", "region": "us-east-1", "retention_days": 400, "kms_key_id": "arn:aws:kms:us-east-1:111111111111:key/k"}

_findings(kind, data) := fs if {
	ev := {kind: [{"subject": "arn:aws:x:eu-west-1:111111111111:thing", "data": data}]}
	results := {
		"aws.cloudtrail.trail": (trail_cloudwatch_delivery | trail_kms_encrypted),
		"aws.logs.log_group": (log_group_retention | log_group_kms),
		"aws.guardduty.detector": guardduty_enabled,
		"aws.securityhub.hub": securityhub_enabled,
		"aws.config.recorder": config_recording,
	} with input.evidence as ev
	fs := results[kind]
}

_messages(fs) := {f.message | some f in fs}

# CloudTrail

test_trail_delivering_to_cloudwatch_with_kms_has_no_finding if {
	count(_findings("aws.cloudtrail.trail", _trail)) == 0
}

test_trail_without_cloudwatch_or_kms_is_found if {
	fs := _findings("aws.cloudtrail.trail", object.union(_trail, {"cloudwatch_logs_log_group_arn": null, "kms_key_id": ""}))
	_messages(fs) == {
		"trail does not deliver to CloudWatch Logs (or it was not shown); configure a log group for the trail",
		"trail log files are not encrypted with a KMS key (or it was not shown); set a KMS key on the trail",
	}
	every f in fs {
		f.control == "hipaa-164-312-b"
		f.severity == "medium"
	}
}

test_trail_unknown_fails_closed if {
	count(_findings("aws.cloudtrail.trail", null)) == 2
	count(_findings("aws.cloudtrail.trail", {"name": "t"})) == 2
}

# Log groups

test_log_group_kept_a_year_with_kms_has_no_finding if {
	count(_findings("aws.logs.log_group", _group)) == 0
	count(_findings("aws.logs.log_group", object.union(_group, {"retention_days": 365}))) == 0
	count(_findings("aws.logs.log_group", object.union(_group, {"retention_days": null}))) == 0 # never expires
}

test_short_retention_or_no_kms_is_found if {
	fs := _findings("aws.logs.log_group", object.union(_group, {"retention_days": 30, "kms_key_id": null}))
	_messages(fs) == {
		"log group keeps events for less than 365 days (or its retention was not shown); raise its retention",
		"log group is not encrypted with a customer-managed KMS key (or it was not shown); associate a KMS key",
	}
	{f.severity | some f in fs} == {"medium", "low"}
}

test_log_retention_unknown_fails_closed if {
	count(_findings("aws.logs.log_group", {"name": "/x", "kms_key_id": "k"})) == 1 # retention field missing
	count(_findings("aws.logs.log_group", object.union(_group, {"retention_days": "400"}))) == 1
	count(_findings("aws.logs.log_group", null)) == 2
}

test_log_retention_parameter if {
	ev := {"aws.logs.log_group": [{"subject": "g", "data": _group}]}
	longer := {"min_log_retention_days": 2192}
	fs := log_group_retention with input.evidence as ev with input.params as longer
	count(fs) == 1
	some f in fs
	contains(f.message, "less than 2192 days")
	ignored := {"min_log_retention_days": "2192"}
	count(log_group_retention) == 0 with input.evidence as ev with input.params as ignored
}

# GuardDuty, Security Hub, Config

test_enabled_detection_services_have_no_finding if {
	count(_findings("aws.guardduty.detector", {"detector_id": "d", "region": "eu-west-1", "enabled": true, "status": "ENABLED"})) == 0
	count(_findings("aws.securityhub.hub", {"region": "eu-west-1", "enabled": true, "standards": []})) == 0
	count(_findings("aws.config.recorder", {"region": "eu-west-1", "exists": true, "recording": true, "all_supported": true})) == 0
}

test_guardduty_off_in_a_region_is_found_for_both_controls if {
	fs := _findings("aws.guardduty.detector", {"detector_id": null, "region": "eu-west-1", "enabled": false, "status": null})
	{f.control | some f in fs} == {"hipaa-164-308-a-1-ii-d", "hipaa-164-308-a-6-ii"}
	_messages(fs) == {"GuardDuty is not enabled in eu-west-1 (or it was not shown); enable a detector there"}
}

test_security_hub_off_is_found if {
	fs := _findings("aws.securityhub.hub", {"region": "eu-west-1", "enabled": false, "standards": []})
	count(fs) == 1
	some f in fs
	f.control == "hipaa-164-308-a-1-ii-d"
	f.message == "Security Hub is not enabled in eu-west-1 (or it was not shown); enable it there"
}

test_config_not_recording_everything_is_found if {
	count(_findings("aws.config.recorder", {"region": "eu-west-1", "exists": false, "recording": false, "all_supported": null})) == 1
	count(_findings("aws.config.recorder", {"region": "eu-west-1", "exists": true, "recording": true, "all_supported": false})) == 1
	fs := _findings("aws.config.recorder", {"region": "eu-west-1", "exists": true, "recording": false, "all_supported": true})
	some f in fs
	f.control == "hipaa-164-312-b"
}

test_detection_unknown_fails_closed if {
	count(_findings("aws.guardduty.detector", {"region": "eu-west-1", "enabled": null})) == 2
	count(_findings("aws.securityhub.hub", null)) == 1
	count(_findings("aws.config.recorder", {"recording": null, "all_supported": true})) == 1
	fs := _findings("aws.guardduty.detector", null)
	some f in fs
	f.message == "GuardDuty is not enabled in an unknown region (or it was not shown); enable a detector there"
}
