package hipaa.technical.aws_compute

import rego.v1

# Fixtures go through `with input.evidence as`, never `with input as {...}`.

_default(region, enabled) := {
	"subject": concat("", ["arn:aws:ec2:", region, ":111122223333:ebs-encryption-by-default"]),
	"data": {"region": region, "enabled": enabled, "kms_key_id": null},
}

# ebs_default_encryption

test_default_encryption_on_has_no_finding if {
	ev := {"aws.ec2.ebs_encryption_default": [_default("us-east-1", true), _default("eu-west-1", true)]}
	count(ebs_default_encryption) == 0 with input.evidence as ev
}

test_default_encryption_off_is_found_naming_the_region if {
	ev := {"aws.ec2.ebs_encryption_default": [_default("us-east-1", true), _default("eu-west-1", false)]}
	fs := ebs_default_encryption with input.evidence as ev
	fs == {{
		"control": "hipaa-164-312-a-2-iv",
		"resource": "arn:aws:ec2:eu-west-1:111122223333:ebs-encryption-by-default",
		"message": "EBS encryption by default is not shown to be on in eu-west-1; enable it (ec2 enable-ebs-encryption-by-default) in every region",
		"severity": "medium",
	}}
}

test_default_encryption_unknown_fails_closed if {
	ev := {"aws.ec2.ebs_encryption_default": [
		_default("us-east-1", null),
		{"subject": "arn:aws:ec2:eu-west-1:111122223333:ebs-encryption-by-default", "data": {"enabled": "true", "region": null}},
		{"subject": "arn:aws:ec2:eu-west-2:111122223333:ebs-encryption-by-default", "data": null},
	]}
	fs := ebs_default_encryption with input.evidence as ev
	count(fs) == 3
	count({f | some f in fs; contains(f.message, "on in its region;")}) == 2
}

# volumes_encrypted

test_volumes_encrypted_or_not if {
	ev := {"aws.ec2.volume": [
		{"subject": "vol/ok", "data": {"encrypted": true}},
		{"subject": "vol/plain", "data": {"encrypted": false}},
		{"subject": "vol/null", "data": {"encrypted": null}},
		{"subject": "vol/none", "data": null},
	]}
	fs := volumes_encrypted with input.evidence as ev
	{f.resource | some f in fs} == {"vol/plain", "vol/null", "vol/none"}
	every f in fs {
		f.control == "hipaa-164-312-a-2-iv"
		f.severity == "high"
	}
}

# snapshots_encrypted, snapshots_not_public

_snapshots := {"aws.ec2.snapshot": [
	{"subject": "snap/ok", "data": {"encrypted": true, "public": false}},
	{"subject": "snap/plain-public", "data": {"encrypted": false, "public": true}},
	{"subject": "snap/unknown", "data": {"encrypted": null, "public": null}},
	{"subject": "snap/none"},
]}

test_snapshots_encrypted if {
	ev := _snapshots
	fs := snapshots_encrypted with input.evidence as ev
	{f.resource | some f in fs} == {"snap/plain-public", "snap/unknown", "snap/none"}
	every f in fs {
		f.control == "hipaa-164-312-a-2-iv"
	}
}

test_snapshots_not_public if {
	ev := _snapshots
	fs := snapshots_not_public with input.evidence as ev
	{f.resource | some f in fs} == {"snap/plain-public", "snap/unknown", "snap/none"}
	some public in fs
	public.resource == "snap/plain-public"
	public.control == "hipaa-164-312-a-1"
	public.severity == "critical"
	contains(public.message, "is public")
	some unknown in fs
	unknown.resource == "snap/unknown"
	contains(unknown.message, "not shown to be private")
}

# instances_require_imdsv2

test_imdsv2 if {
	ev := {"aws.ec2.instance": [
		{"subject": "i/v2", "data": {"state": "running", "imdsv2_required": true, "metadata_endpoint_enabled": true}},
		{"subject": "i/off", "data": {"state": "running", "imdsv2_required": false, "metadata_endpoint_enabled": false}},
		{"subject": "i/stopped", "data": {"state": "stopped", "imdsv2_required": false, "metadata_endpoint_enabled": true}},
		{"subject": "i/v1", "data": {"state": "running", "imdsv2_required": false, "metadata_endpoint_enabled": true}},
		{"subject": "i/pending", "data": {"state": "pending", "imdsv2_required": false}},
		{"subject": "i/unknown", "data": {"state": null, "imdsv2_required": null, "metadata_endpoint_enabled": null}},
		{"subject": "i/none", "data": null},
	]}
	fs := instances_require_imdsv2 with input.evidence as ev
	{f.resource | some f in fs} == {"i/v1", "i/pending", "i/unknown", "i/none"}
	every f in fs {
		f.control == "hipaa-164-312-a-1"
		f.severity == "medium"
		contains(f.message, "IMDSv2")
	}
}
