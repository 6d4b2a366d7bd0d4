package hipaa.technical.gcp

import rego.v1

# rego-cpp (regopy 1.5.2) aborts on some `with input as {literal}` shapes:
# bind `with` values to locals and override input's fields one by one.

_now_ns := 1795176000000000000 # 2026-11-20T12:00:00Z

_project := "//cloudresourcemanager.googleapis.com/projects/p"

_key := {"purpose": "ENCRYPT_DECRYPT", "primary_state": "ENABLED", "rotation_period_days": 90}

_audit := {"project_id": "p", "services": {
	"cloudsql.googleapis.com": ["DATA_READ", "DATA_WRITE"],
	"storage.googleapis.com": ["ADMIN_READ", "DATA_READ", "DATA_WRITE"],
}}

_sa_key := {"key_id": "abcdef0123456789", "created": "2026-10-01T00:00:00+00:00", "disabled": false}

_found(rule, kind, data) := fs if {
	ev := {kind: [{"subject": "//x.googleapis.com/projects/p/things/t", "data": data}]}
	now := _now_ns
	results := {
		"kms": kms_key_rotation,
		"audit": data_access_audit_logs,
		"sa": service_account_keys_rotated,
		"sql": sql_backups_enabled,
		"ubla": uniform_bucket_level_access,
	} with input.evidence as ev with input.now_ns as now
	fs := results[rule]
}

_policy_found(constraint, data) := fs if {
	ev := {"gcp.orgpolicy.policy": [{"subject": concat("", ["//orgpolicy.googleapis.com/projects/p/policies/", constraint]), "data": data}]}
	pap := storage_public_access_prevention with input.evidence as ev
	domains := iam_member_domains_restricted with input.evidence as ev
	fs := pap | domains
}

_retention_found(sinks, buckets) := fs if {
	ev := {
		"gcp.project": [{"subject": _project, "data": {"project_id": "p"}}],
		"gcp.logging.sink": [{"subject": "//logging.googleapis.com/s", "data": d} | some d in sinks],
		"gcp.logging.bucket": [{"subject": "//logging.googleapis.com/b", "data": d} | some d in buckets],
	}
	fs := logs_retained with input.evidence as ev
}

_messages(fs) := {f.message | some f in fs}

# KMS

test_rotating_key_and_exempt_keys_have_no_finding if {
	count(_found("kms", "gcp.kms.key", _key)) == 0
	count(_found("kms", "gcp.kms.key", object.union(_key, {"rotation_period_days": 365}))) == 0
	count(_found("kms", "gcp.kms.key", object.union(_key, {"purpose": "ASYMMETRIC_SIGN", "rotation_period_days": null}))) == 0
	count(_found("kms", "gcp.kms.key", object.union(_key, {"primary_state": "DISABLED", "rotation_period_days": null}))) == 0
}

test_key_rotating_rarely_or_never_is_found if {
	fs := _found("kms", "gcp.kms.key", object.union(_key, {"rotation_period_days": 366}))
	_messages(fs) == {"Cloud KMS key does not rotate automatically at least every 365 days (or this was not shown); set a rotation period of 365 days or less"}
	every f in fs {
		f.control == "hipaa-164-312-a-2-iv"
		f.resource == "//x.googleapis.com/projects/p/things/t"
	}
	count(_found("kms", "gcp.kms.key", object.union(_key, {"rotation_period_days": null}))) == 1
}

test_key_unknown_fails_closed if {
	count(_found("kms", "gcp.kms.key", null)) == 1
	count(_found("kms", "gcp.kms.key", {"purpose": null, "primary_state": null, "rotation_period_days": "90"})) == 1
}

# Data Access audit logs

test_data_access_logs_on_have_no_finding if {
	count(_found("audit", "gcp.logging.audit_config", _audit)) == 0
	every_service := {"project_id": "p", "services": {"allServices": ["DATA_READ", "DATA_WRITE"]}}
	count(_found("audit", "gcp.logging.audit_config", every_service)) == 0
	# allServices and the service's own entry add up.
	mixed := {"project_id": "p", "services": {"allServices": ["DATA_READ"], "cloudsql.googleapis.com": ["DATA_WRITE"], "storage.googleapis.com": ["DATA_WRITE"]}}
	count(_found("audit", "gcp.logging.audit_config", mixed)) == 0
}

test_missing_data_access_logs_are_found_per_service if {
	partial := {"project_id": "p", "services": {"allServices": ["ADMIN_READ"], "storage.googleapis.com": ["DATA_READ"]}}
	fs := _found("audit", "gcp.logging.audit_config", partial)
	_messages(fs) == {
		"Data Access audit logs (DATA_READ and DATA_WRITE) are not on for cloudsql.googleapis.com in the project audit config (or this was not shown); enable them for the service or allServices",
		"Data Access audit logs (DATA_READ and DATA_WRITE) are not on for storage.googleapis.com in the project audit config (or this was not shown); enable them for the service or allServices",
	}
	every f in fs {
		f.control == "hipaa-164-312-b"
	}
}

test_audit_config_unknown_fails_closed if {
	count(_found("audit", "gcp.logging.audit_config", null)) == 2
	count(_found("audit", "gcp.logging.audit_config", {"services": null})) == 2
	count(_found("audit", "gcp.logging.audit_config", {"services": {"allServices": "DATA_READ,DATA_WRITE"}})) == 2
}

# Log retention

test_archive_sink_or_long_log_bucket_keeps_logs if {
	sink := {"project_id": "p", "disabled": false, "destination_type": "storage"}
	count(_retention_found([sink], [])) == 0
	count(_retention_found([object.union(sink, {"destination_type": "bigquery"})], [])) == 0
	bucket := {"project_id": "p", "bucket_id": "_Default", "lifecycle_state": "ACTIVE", "retention_days": 365}
	count(_retention_found([], [bucket])) == 0
}

test_no_log_kept_a_year_is_found if {
	sinks := [
		{"project_id": "p", "disabled": true, "destination_type": "storage"},
		{"project_id": "p", "disabled": false, "destination_type": "pubsub"},
		{"project_id": "other", "disabled": false, "destination_type": "storage"},
	]
	buckets := [
		{"project_id": "p", "bucket_id": "_Default", "lifecycle_state": "ACTIVE", "retention_days": 30},
		{"project_id": "p", "bucket_id": "_Required", "lifecycle_state": "ACTIVE", "retention_days": 400},
		{"project_id": "p", "bucket_id": "old", "lifecycle_state": "DELETE_REQUESTED", "retention_days": 3650},
	]
	fs := _retention_found(sinks, buckets)
	_messages(fs) == {"project has no enabled log sink to Cloud Storage or BigQuery and no log bucket (other than _Required) keeping logs for 365 days (or this was not shown); route logs to an archive or raise a log bucket retention"}
	every f in fs {
		f.resource == _project
		f.control == "hipaa-164-312-b"
	}
}

test_log_retention_unknown_fails_closed if {
	count(_retention_found([{"project_id": "p", "disabled": null, "destination_type": "storage"}], [])) == 1
	count(_retention_found([], [{"project_id": "p", "bucket_id": "_Default", "lifecycle_state": "ACTIVE", "retention_days": null}])) == 1
	count(_retention_found([null], [null])) == 1
}

test_log_retention_parameter if {
	bucket := {"project_id": "p", "bucket_id": "_Default", "lifecycle_state": "ACTIVE", "retention_days": 90}
	ev := {
		"gcp.project": [{"subject": _project, "data": {"project_id": "p"}}],
		"gcp.logging.sink": [],
		"gcp.logging.bucket": [{"subject": "//logging.googleapis.com/b", "data": bucket}],
	}
	params := {"min_log_retention_days": 90}
	lenient := logs_retained with input.evidence as ev with input.params as params
	count(lenient) == 0
	strict := logs_retained with input.evidence as ev
	count(strict) == 1
}

# Service account keys

test_recent_or_disabled_keys_have_no_finding if {
	count(_found("sa", "gcp.iam.service_account", {"keys": [_sa_key]})) == 0
	count(_found("sa", "gcp.iam.service_account", {"keys": []})) == 0
	old_disabled := object.union(_sa_key, {"created": "2020-01-01T00:00:00+00:00", "disabled": true})
	count(_found("sa", "gcp.iam.service_account", {"keys": [old_disabled]})) == 0
}

test_old_key_is_found_by_its_id_suffix if {
	old := object.union(_sa_key, {"created": "2026-08-21T00:00:00+00:00"}) # 91 days
	fs := _found("sa", "gcp.iam.service_account", {"keys": [old, _sa_key]})
	_messages(fs) == {"user-managed service account key ending 23456789 is older than 90 days (or its creation time was not shown); rotate it or use keyless credentials"}
	every f in fs {
		f.control == "hipaa-164-308-a-5-ii-d"
	}
	count(_found("sa", "gcp.iam.service_account", {"keys": [object.union(_sa_key, {"created": "2026-08-22T00:00:00+00:00"})]})) == 0
}

test_service_account_keys_unknown_fail_closed if {
	count(_found("sa", "gcp.iam.service_account", {"keys": null})) == 1
	count(_found("sa", "gcp.iam.service_account", null)) == 1
	fs := _found("sa", "gcp.iam.service_account", {"keys": [{"key_id": null, "created": "2026-02-30T00:00:00+00:00", "disabled": null}]})
	_messages(fs) == {"user-managed service account key ending (unknown) is older than 90 days (or its creation time was not shown); rotate it or use keyless credentials"}
}

# Organization policies

test_enforced_policies_have_no_finding if {
	count(_policy_found("storage.publicAccessPrevention", {"enforced": true})) == 0
	count(_policy_found("iam.allowedPolicyMemberDomains", {"allow_all": false, "deny_all": false, "allowed_values": ["C03k9x2ab"]})) == 0
	count(_policy_found("iam.allowedPolicyMemberDomains", {"allow_all": false, "deny_all": true, "allowed_values": []})) == 0
	# Constraints these rules do not decide.
	count(_policy_found("sql.restrictPublicIp", {"enforced": false})) == 0
}

test_unenforced_policies_are_found if {
	fs := _policy_found("storage.publicAccessPrevention", {"enforced": false})
	_messages(fs) == {"organization policy storage.publicAccessPrevention is not enforced (or this was not shown); enforce it"}
	every f in fs {
		f.control == "hipaa-164-312-a-1"
		f.severity == "high"
		f.resource == "//orgpolicy.googleapis.com/projects/p/policies/storage.publicAccessPrevention"
	}
	count(_policy_found("iam.allowedPolicyMemberDomains", {"allow_all": true, "deny_all": false, "allowed_values": ["C03k9x2ab"]})) == 1
	count(_policy_found("iam.allowedPolicyMemberDomains", {"allow_all": false, "deny_all": false, "allowed_values": []})) == 1
}

test_policies_unknown_fail_closed if {
	count(_policy_found("storage.publicAccessPrevention", null)) == 1
	count(_policy_found("storage.publicAccessPrevention", {"enforced": "true"})) == 1
	count(_policy_found("iam.allowedPolicyMemberDomains", null)) == 1
	count(_policy_found("iam.allowedPolicyMemberDomains", {"allowed_values": ["C03k9x2ab"]})) == 1 # allow_all not shown
}

# Cloud SQL backups and bucket-level access

test_backups_on_and_uniform_access_have_no_finding if {
	count(_found("sql", "gcp.sql.instance", {"backup_enabled": true})) == 0
	count(_found("ubla", "gcp.storage.bucket", {"uniform_bucket_level_access": true})) == 0
}

test_backups_off_and_acl_buckets_are_found if {
	sql := _found("sql", "gcp.sql.instance", {"backup_enabled": false})
	_messages(sql) == {"Cloud SQL instance has automated backups off (or this was not shown); enable automated backups"}
	every f in sql {
		f.control == "hipaa-164-308-a-7-ii-a"
	}
	ubla := _found("ubla", "gcp.storage.bucket", {"uniform_bucket_level_access": false})
	_messages(ubla) == {"bucket does not use uniform bucket-level access (or this was not shown); enable it so object ACLs cannot grant access"}
}

test_backups_and_uniform_access_unknown_fail_closed if {
	count(_found("sql", "gcp.sql.instance", {"backup_enabled": null})) == 1
	count(_found("sql", "gcp.sql.instance", null)) == 1
	count(_found("ubla", "gcp.storage.bucket", {})) == 1
}
