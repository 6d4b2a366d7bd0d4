# EC2 and EBS: encryption of block storage at rest (45 CFR
# 164.312(a)(2)(iv)) and access control (164.312(a)(1)) for snapshots and
# the instance metadata service.
#
# Messages name regions and setting names only.
package hipaa.technical.aws_compute

import rego.v1

# An item's data as an object: null or missing data reads as {} (every field
# missing), so lookups never see null under strict built-in errors.
_data(item) := item.data if {
	is_object(item.data)
} else := {}

_nonempty(x) if {
	is_string(x)
	x != ""
}

_region_name(d) := d.region if {
	_nonempty(d.region)
} else := "its region"

# METADATA
# title: EBS encryption by default is on in every region
# description: >-
#   Each collected region must have EBS encryption by default enabled, so new
#   volumes and snapshot copies are encrypted at rest without anyone having
#   to remember. The collector records one item per region (a region it
#   could not read is a gap, so the control cannot pass).
# custom:
#   controls: [hipaa-164-312-a-2-iv]
#   evidence: [aws.ec2.ebs_encryption_default]
#   severity: medium
ebs_default_encryption contains finding if {
	some setting in input.evidence["aws.ec2.ebs_encryption_default"]
	d := _data(setting)
	not d.enabled == true
	finding := {
		"control": "hipaa-164-312-a-2-iv",
		"resource": setting.subject,
		"message": concat("", [
			"EBS encryption by default is not shown to be on in ",
			_region_name(d),
			"; enable it (ec2 enable-ebs-encryption-by-default) in every region",
		]),
		"severity": "medium",
	}
}

# METADATA
# title: EBS volumes are encrypted
# description: Every EBS volume must be encrypted at rest.
# custom:
#   controls: [hipaa-164-312-a-2-iv]
#   evidence: [aws.ec2.volume]
#   severity: high
volumes_encrypted contains finding if {
	some volume in input.evidence["aws.ec2.volume"]
	not _data(volume).encrypted == true
	finding := {
		"control": "hipaa-164-312-a-2-iv",
		"resource": volume.subject,
		"message": "EBS volume is not shown to be encrypted; encrypt it (snapshot, copy the snapshot with encryption, restore) and turn on EBS encryption by default",
		"severity": "high",
	}
}

# METADATA
# title: EBS snapshots are encrypted
# description: Every EBS snapshot the account owns must be encrypted at rest.
# custom:
#   controls: [hipaa-164-312-a-2-iv]
#   evidence: [aws.ec2.snapshot]
#   severity: high
snapshots_encrypted contains finding if {
	some snapshot in input.evidence["aws.ec2.snapshot"]
	not _data(snapshot).encrypted == true
	finding := {
		"control": "hipaa-164-312-a-2-iv",
		"resource": snapshot.subject,
		"message": "EBS snapshot is not shown to be encrypted; copy it with encryption and delete the unencrypted one",
		"severity": "high",
	}
}

# METADATA
# title: EBS snapshots are not public
# description: >-
#   No snapshot the account owns may grant createVolumePermission to the
#   group all: anyone with an AWS account could restore it and read it.
# custom:
#   controls: [hipaa-164-312-a-1]
#   evidence: [aws.ec2.snapshot]
#   severity: critical
snapshots_not_public contains finding if {
	some snapshot in input.evidence["aws.ec2.snapshot"]
	not _data(snapshot).public == false
	finding := {
		"control": "hipaa-164-312-a-1",
		"resource": snapshot.subject,
		"message": _public_message(_data(snapshot)),
		"severity": "critical",
	}
}

_public_message(d) := "EBS snapshot is public: anyone can create a volume from it; remove the all group from its createVolumePermission" if {
	d.public == true
} else := "EBS snapshot is not shown to be private (its permissions could not be read); check its createVolumePermission"

# IMDS answers only while an instance runs; a stopped instance is checked
# again once it runs. Any other state, or none, is checked (fail closed).
_not_running := {"stopped", "stopping", "shutting-down", "terminated"}

_imds_v1_reachable(d) if {
	not d.imdsv2_required == true
	not d.metadata_endpoint_enabled == false
}

# METADATA
# title: EC2 instances require IMDSv2
# description: >-
#   Running instances must require session tokens for the instance metadata
#   service (or turn it off). IMDSv1 answers any request the instance can be
#   tricked into making (SSRF), handing out the instance role's credentials
#   and with them access to the ePHI the role can reach.
# custom:
#   controls: [hipaa-164-312-a-1]
#   evidence: [aws.ec2.instance]
#   severity: medium
instances_require_imdsv2 contains finding if {
	some instance in input.evidence["aws.ec2.instance"]
	d := _data(instance)
	not d.state in _not_running
	_imds_v1_reachable(d)
	finding := {
		"control": "hipaa-164-312-a-1",
		"resource": instance.subject,
		"message": "instance metadata service is not shown to require IMDSv2 tokens; set HttpTokens to required",
		"severity": "medium",
	}
}
