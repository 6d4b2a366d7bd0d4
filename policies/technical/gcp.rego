# Google Cloud settings with no provider-neutral shape: KMS key rotation,
# Cloud Audit Logs and log retention, service account keys, organization
# policies, Cloud SQL backups and uniform bucket-level access. The neutral
# bucket, database and firewall rules are in cloud.rego.
# 45 CFR 164.312(a)(1), 164.312(a)(2)(iv), 164.312(b), 164.308(a)(5)(ii)(D),
# 164.308(a)(7)(ii)(A).
package hipaa.technical.gcp

import rego.v1

ns_per_day := 86400000000000

# The AWS twins' limits: KMS rotates yearly (aws_keys.kms_key_rotation),
# access keys are rotated every 90 days (aws_credentials.access_keys_rotated).
max_key_rotation_days := 365

max_sa_key_age_days := 90

# A year of logs, as aws_monitoring.log_group_retention (the reasoning is
# there); same parameter.
default _gcp_min_retention_days := 365

_gcp_min_retention_days := m if {
	m := input.params.min_log_retention_days
	is_number(m)
	m > 0
}

# Cloud SQL's audit log service name; allServices covers it too.
_audited_services := ["cloudsql.googleapis.com", "storage.googleapis.com"]

# Sinks that keep what they receive for as long as the destination is told
# to (Pub/Sub only passes entries on; a log bucket is judged by its own
# retention below).
_archive_destinations := {"bigquery", "storage"}

# A real calendar day in 1900-2259, by pattern alone (see aws_keys.rego:
# time.parse_ns errors on "2026-02-30").
_gcp_date_pattern := `^(19[0-9]{2}|2[01][0-9]{2}|22[0-5][0-9])-((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-8]))$`

_gcp_leap_day_pattern := `^((19|2[01])(0[48]|[2468][048]|[13579][26])|2000|22(0[48]|[24][048]|[13][26]|5[26]))-02-29$`

_gcp_timestamp_pattern := `^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}`

_gcp_is_date(s) if regex.match(_gcp_date_pattern, s)

_gcp_is_date(s) if regex.match(_gcp_leap_day_pattern, s)

# Whether ts (RFC 3339) falls on a day at most `days` days before the
# evaluation time; undefined for null, malformed values or no input.now_ns.
# The evaluation time, not the collector's age_days: evidence ages.
_gcp_within_days(ts, days) if {
	is_string(ts)
	regex.match(_gcp_timestamp_pattern, ts)
	day := substring(ts, 0, 10)
	_gcp_is_date(day)
	is_number(input.now_ns)
	floor((input.now_ns - time.parse_ns("2006-01-02", day)) / ns_per_day) <= days
}

# An item's data as an object: null or missing data reads as {}.
_gcp_data(item) := item.data if {
	is_object(item.data)
} else := {}

_gcp_finding(control, item, message, severity) := {
	"control": control,
	"resource": item.subject,
	"message": message,
	"severity": severity,
}

# Only symmetric encryption keys can rotate automatically, and a key whose
# primary version is disabled or destroyed encrypts nothing new. A key shown
# to be either is exempt; unknown fields do not exempt it.
_gcp_rotation_exempt(d) if {
	is_string(d.purpose)
	d.purpose != "ENCRYPT_DECRYPT"
}

_gcp_rotation_exempt(d) if {
	is_string(d.primary_state)
	d.primary_state != "ENABLED"
}

_gcp_rotates(d) if {
	is_number(d.rotation_period_days)
	d.rotation_period_days > 0
	d.rotation_period_days <= max_key_rotation_days
}

# METADATA
# title: Cloud KMS keys rotate at least yearly
# description: >-
#   Every enabled symmetric (ENCRYPT_DECRYPT) Cloud KMS key must have an
#   automatic rotation period of at most 365 days. Asymmetric and MAC keys,
#   and keys whose primary version is not enabled, are exempt.
# custom:
#   controls: [hipaa-164-312-a-2-iv]
#   evidence: [gcp.kms.key]
#   severity: medium
kms_key_rotation contains finding if {
	some key in input.evidence["gcp.kms.key"]
	d := _gcp_data(key)
	not _gcp_rotation_exempt(d)
	not _gcp_rotates(d)
	finding := _gcp_finding("hipaa-164-312-a-2-iv", key, "Cloud KMS key does not rotate automatically at least every 365 days (or this was not shown); set a rotation period of 365 days or less", "medium")
}

_gcp_log_types(services, name) := {t | some t in services[name]; is_string(t)} if {
	is_array(services[name])
} else := set()

_gcp_data_access_on(d, service) if {
	is_object(d.services)
	on := _gcp_log_types(d.services, service) | _gcp_log_types(d.services, "allServices")
	"DATA_READ" in on
	"DATA_WRITE" in on
}

# METADATA
# title: Data Access audit logs record reads and writes of Cloud Storage and Cloud SQL
# description: >-
#   The project's audit config must turn on DATA_READ and DATA_WRITE Data
#   Access logs for storage.googleapis.com and cloudsql.googleapis.com (or
#   allServices). Only the project's own config is read: one inherited from a
#   folder or the organization is not shown and does not count.
# custom:
#   controls: [hipaa-164-312-b]
#   evidence: [gcp.logging.audit_config]
#   severity: medium
data_access_audit_logs contains finding if {
	some config in input.evidence["gcp.logging.audit_config"]
	some service in _audited_services
	not _gcp_data_access_on(_gcp_data(config), service)
	finding := _gcp_finding("hipaa-164-312-b", config, concat("", ["Data Access audit logs (DATA_READ and DATA_WRITE) are not on for ", service, " in the project audit config (or this was not shown); enable them for the service or allServices"]), "medium")
}

_gcp_project_id(item) := id if {
	id := _gcp_data(item).project_id
	is_string(id)
	id != ""
}

_gcp_logs_kept(project_id) if {
	some sink in object.get(input.evidence, "gcp.logging.sink", [])
	d := _gcp_data(sink)
	d.project_id == project_id
	d.disabled == false
	d.destination_type in _archive_destinations
}

# _Required does not count: Google keeps it 400 days whatever anyone does,
# and it holds Admin Activity and System Event logs, never Data Access logs.
_gcp_logs_kept(project_id) if {
	some bucket in object.get(input.evidence, "gcp.logging.bucket", [])
	d := _gcp_data(bucket)
	d.project_id == project_id
	is_string(d.bucket_id)
	d.bucket_id != "_Required"
	d.lifecycle_state == "ACTIVE"
	is_number(d.retention_days)
	d.retention_days >= _gcp_min_retention_days
}

# METADATA
# title: Each project keeps its logs for at least a year
# description: >-
#   Each project must route logs to an archive (an enabled sink to Cloud
#   Storage or BigQuery) or keep them in a log bucket of its own (not
#   _Required) for at least 365 days (or input.params.min_log_retention_days).
# custom:
#   controls: [hipaa-164-312-b]
#   evidence: [gcp.project, gcp.logging.sink, gcp.logging.bucket]
#   severity: medium
logs_retained contains finding if {
	some project in input.evidence["gcp.project"]
	not _gcp_logs_kept(_gcp_project_id(project))
	finding := _gcp_finding("hipaa-164-312-b", project, concat("", ["project has no enabled log sink to Cloud Storage or BigQuery and no log bucket (other than _Required) keeping logs for ", format_int(_gcp_min_retention_days, 10), " days (or this was not shown); route logs to an archive or raise a log bucket retention"]), "medium")
}

_gcp_keys(d) := d.keys if {
	is_array(d.keys)
} else := []

_gcp_key_suffix(key) := substring(key.key_id, count(key.key_id) - 8, -1) if {
	is_string(key.key_id)
	count(key.key_id) >= 8
} else := "(unknown)"

# METADATA
# title: User-managed service account keys are rotated
# description: >-
#   Every enabled user-managed key must have been created within the last 90
#   days. A key without a valid creation time, or an account whose keys were
#   not shown, is a finding. Google-managed keys rotate themselves and are
#   not listed.
# custom:
#   controls: [hipaa-164-308-a-5-ii-d]
#   evidence: [gcp.iam.service_account]
#   severity: medium
service_account_keys_rotated contains finding if {
	some account in input.evidence["gcp.iam.service_account"]
	some key in _gcp_keys(_gcp_data(account))
	is_object(key)
	not key.disabled == true
	not _gcp_within_days(key.created, max_sa_key_age_days)
	finding := _gcp_finding("hipaa-164-308-a-5-ii-d", account, concat("", ["user-managed service account key ending ", _gcp_key_suffix(key), " is older than 90 days (or its creation time was not shown); rotate it or use keyless credentials"]), "medium")
}

service_account_keys_rotated contains finding if {
	some account in input.evidence["gcp.iam.service_account"]
	not is_array(_gcp_data(account).keys)
	finding := _gcp_finding("hipaa-164-308-a-5-ii-d", account, "the service account keys were not shown, so their age cannot be checked", "medium")
}

# METADATA
# title: The organization policy enforces public access prevention
# description: >-
#   The effective storage.publicAccessPrevention policy of every collected
#   project (and of the organization, when collected) must be enforced, so no
#   bucket can be made public whatever its IAM policy or ACLs say.
# custom:
#   controls: [hipaa-164-312-a-1]
#   evidence: [gcp.orgpolicy.policy]
#   severity: high
storage_public_access_prevention contains finding if {
	some policy in input.evidence["gcp.orgpolicy.policy"]
	endswith(policy.subject, "/policies/storage.publicAccessPrevention")
	not _gcp_data(policy).enforced == true
	finding := _gcp_finding("hipaa-164-312-a-1", policy, "organization policy storage.publicAccessPrevention is not enforced (or this was not shown); enforce it", "high")
}

_gcp_domains_restricted(d) if {
	d.allow_all == false
	is_array(d.allowed_values)
	count(d.allowed_values) > 0
}

_gcp_domains_restricted(d) if d.deny_all == true

# METADATA
# title: IAM members are restricted to the organization's own domains
# description: >-
#   The effective iam.allowedPolicyMemberDomains policy of every collected
#   project (and of the organization, when collected) must allow only listed
#   customer ids, so no outside account can be granted access.
# custom:
#   controls: [hipaa-164-312-a-1]
#   evidence: [gcp.orgpolicy.policy]
#   severity: medium
iam_member_domains_restricted contains finding if {
	some policy in input.evidence["gcp.orgpolicy.policy"]
	endswith(policy.subject, "/policies/iam.allowedPolicyMemberDomains")
	not _gcp_domains_restricted(_gcp_data(policy))
	finding := _gcp_finding("hipaa-164-312-a-1", policy, "organization policy iam.allowedPolicyMemberDomains does not restrict members to listed customer ids (or this was not shown); set the allowed customer ids", "medium")
}

# METADATA
# title: Cloud SQL instances take automated backups
# description: Every Cloud SQL instance must have automated backups enabled (data backup plan).
# custom:
#   controls: [hipaa-164-308-a-7-ii-a]
#   evidence: [gcp.sql.instance]
#   severity: high
sql_backups_enabled contains finding if {
	some instance in input.evidence["gcp.sql.instance"]
	not _gcp_data(instance).backup_enabled == true
	finding := _gcp_finding("hipaa-164-308-a-7-ii-a", instance, "Cloud SQL instance has automated backups off (or this was not shown); enable automated backups", "high")
}

# METADATA
# title: Cloud Storage buckets use uniform bucket-level access
# description: >-
#   Every bucket must have uniform bucket-level access, so IAM alone decides
#   who reads it and no object ACL can open a single object.
# custom:
#   controls: [hipaa-164-312-a-1]
#   evidence: [gcp.storage.bucket]
#   severity: medium
uniform_bucket_level_access contains finding if {
	some bucket in input.evidence["gcp.storage.bucket"]
	not _gcp_data(bucket).uniform_bucket_level_access == true
	finding := _gcp_finding("hipaa-164-312-a-1", bucket, "bucket does not use uniform bucket-level access (or this was not shown); enable it so object ACLs cannot grant access", "medium")
}
