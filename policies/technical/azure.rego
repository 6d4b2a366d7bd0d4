# Azure settings with no provider-neutral shape: storage account transport
# and public access switches, Azure SQL auditing and TLS, Key Vault recovery
# and key rotation, the activity log export and Defender for Cloud plans.
# The neutral container, database and NSG rules are in cloud.rego.
# 45 CFR 164.312(a)(1), 164.312(a)(2)(iv), 164.312(b), 164.312(c)(1),
# 164.312(e)(1), 164.312(e)(2)(ii), 164.308(a)(1)(ii)(D), 164.308(a)(6)(ii).
package hipaa.technical.azure

import rego.v1

# A year of audit records, as aws_monitoring.log_group_retention (the
# reasoning is there); same parameter.
default _az_min_retention_days := 365

_az_min_retention_days := m if {
	m := input.params.min_log_retention_days
	is_number(m)
	m > 0
}

# Keys rotate at least yearly, as Cloud KMS and AWS KMS keys do.
max_key_rotation_days := 365

_az_storage_tls := {"TLS1_2", "TLS1_3"}

_az_sql_tls := {"1.2", "1.3"}

# Defender plans covering where ePHI lives and runs: storage accounts, Azure
# SQL and servers (VMs). Threat detection, as GuardDuty is on AWS.
_az_required_plans := ["SqlServers", "StorageAccounts", "VirtualMachines"]

_az_detection_controls := ["hipaa-164-308-a-1-ii-d", "hipaa-164-308-a-6-ii"]

# Who changed what (Administrative) and Defender's alerts (Security).
_az_activity_categories := ["Administrative", "Security"]

# An item's data as an object: null or missing data reads as {}.
_az_data(item) := item.data if {
	is_object(item.data)
} else := {}

_az_finding(control, resource, message, severity) := {
	"control": control,
	"resource": resource,
	"message": message,
	"severity": severity,
}

# METADATA
# title: Storage accounts accept HTTPS only
# description: Every storage account must refuse plain-HTTP requests (supportsHttpsTrafficOnly).
# custom:
#   controls: [hipaa-164-312-e-1]
#   evidence: [azure.storage.account]
#   severity: medium
storage_https_only contains finding if {
	some account in input.evidence["azure.storage.account"]
	not _az_data(account).https_only == true
	finding := _az_finding("hipaa-164-312-e-1", account.subject, "storage account accepts plain HTTP (or this was not shown); turn on secure transfer required (supportsHttpsTrafficOnly)", "medium")
}

# METADATA
# title: Storage accounts require TLS 1.2 or later
# description: Every storage account's minimumTlsVersion must be TLS1_2 or later.
# custom:
#   controls: [hipaa-164-312-e-2-ii]
#   evidence: [azure.storage.account]
#   severity: medium
storage_tls_minimum contains finding if {
	some account in input.evidence["azure.storage.account"]
	not _az_data(account).minimum_tls_version in _az_storage_tls
	finding := _az_finding("hipaa-164-312-e-2-ii", account.subject, "storage account accepts TLS versions before 1.2 (or this was not shown); set minimumTlsVersion to TLS1_2", "medium")
}

# METADATA
# title: Storage accounts forbid public blob access
# description: >-
#   Every storage account must have allowBlobPublicAccess false, so no
#   container can be made public. Accounts that predate the setting and do
#   not show it allow public access.
# custom:
#   controls: [hipaa-164-312-a-1]
#   evidence: [azure.storage.account]
#   severity: high
storage_blob_public_access_disabled contains finding if {
	some account in input.evidence["azure.storage.account"]
	not _az_data(account).allow_blob_public_access == false
	finding := _az_finding("hipaa-164-312-a-1", account.subject, "storage account allows public blob access (or this was not shown); set allowBlobPublicAccess to false", "high")
}

_az_auditing(item) := a if {
	a := _az_data(item).auditing
	is_object(a)
} else := {}

_az_audit_retained(a) if {
	is_number(a.retention_days)
	a.retention_days >= _az_min_retention_days
}

# retentionDays 0 is unlimited, but it applies to a storage account target
# only; without an Azure Monitor target the storage account is the only one.
# With one, the workspace's retention decides, and it is not read.
_az_audit_retained(a) if {
	a.retention_days == 0
	a.azure_monitor_target == false
}

# METADATA
# title: Azure SQL servers audit and keep the records for a year
# description: >-
#   Every SQL server must have server auditing enabled, keeping records for
#   at least 365 days (or input.params.min_log_retention_days), or without
#   limit on a storage account target.
# custom:
#   controls: [hipaa-164-312-b]
#   evidence: [azure.sql.server]
#   severity: medium
sql_server_auditing contains finding if {
	some server in input.evidence["azure.sql.server"]
	not _az_auditing(server).state == "Enabled"
	finding := _az_finding("hipaa-164-312-b", server.subject, "SQL server auditing is not enabled (or this was not shown); enable server auditing", "medium")
}

sql_server_auditing contains finding if {
	some server in input.evidence["azure.sql.server"]
	a := _az_auditing(server)
	a.state == "Enabled"
	not _az_audit_retained(a)
	finding := _az_finding("hipaa-164-312-b", server.subject, concat("", ["SQL server auditing keeps records for less than ", format_int(_az_min_retention_days, 10), " days (or this was not shown, as for a Log Analytics or Event Hub target); raise the audit retention"]), "medium")
}

# METADATA
# title: Azure SQL servers require TLS 1.2 or later
# description: Every SQL server's minimalTlsVersion must be 1.2 or later.
# custom:
#   controls: [hipaa-164-312-e-2-ii]
#   evidence: [azure.sql.server]
#   severity: medium
sql_tls_minimum contains finding if {
	some server in input.evidence["azure.sql.server"]
	not _az_data(server).minimal_tls_version in _az_sql_tls
	finding := _az_finding("hipaa-164-312-e-2-ii", server.subject, "SQL server accepts TLS versions before 1.2 (or this was not shown); set minimalTlsVersion to 1.2", "medium")
}

# METADATA
# title: Key Vaults cannot lose keys and secrets for good
# description: >-
#   Every Key Vault must have soft delete and purge protection, so a deleted
#   vault, key or secret (and the data encrypted with it) can be recovered
#   during the retention period.
# custom:
#   controls: [hipaa-164-312-c-1]
#   evidence: [azure.keyvault.vault]
#   severity: medium
key_vault_recoverable contains finding if {
	some vault in input.evidence["azure.keyvault.vault"]
	not _az_data(vault).soft_delete_enabled == true
	finding := _az_finding("hipaa-164-312-c-1", vault.subject, "Key Vault has soft delete off (or this was not shown); enable soft delete", "medium")
}

key_vault_recoverable contains finding if {
	some vault in input.evidence["azure.keyvault.vault"]
	not _az_data(vault).purge_protection_enabled == true
	finding := _az_finding("hipaa-164-312-c-1", vault.subject, "Key Vault has purge protection off (or this was not shown); enable purge protection", "medium")
}

# An ISO 8601 duration of one unit (P90D, P12W, P18M, P1Y) in days; months
# count 30 days and years 365, so P12M and P1Y both pass a 365-day limit.
_az_duration_days(s) := to_number(trim_suffix(substring(s, 1, -1), "D")) if {
	is_string(s)
	regex.match(`^P[0-9]{1,5}D$`, s)
}

_az_duration_days(s) := 7 * to_number(trim_suffix(substring(s, 1, -1), "W")) if {
	is_string(s)
	regex.match(`^P[0-9]{1,4}W$`, s)
}

_az_duration_days(s) := 30 * to_number(trim_suffix(substring(s, 1, -1), "M")) if {
	is_string(s)
	regex.match(`^P[0-9]{1,4}M$`, s)
}

_az_duration_days(s) := 365 * to_number(trim_suffix(substring(s, 1, -1), "Y")) if {
	is_string(s)
	regex.match(`^P[0-9]{1,3}Y$`, s)
}

_az_within_rotation(s) if {
	days := _az_duration_days(s)
	days > 0
	days <= max_key_rotation_days
}

_az_rotates(p) if {
	p.auto_rotate == true
	_az_within_rotation(p.rotate_after)
}

# A rotation triggered before expiry (no time after creation) happens at
# least once per key lifetime: the policy's expiry time.
_az_rotates(p) if {
	p.auto_rotate == true
	p.rotate_after == null
	_az_within_rotation(p.expiry_time)
}

_az_rotation_policy(d) := d.rotation_policy if {
	is_object(d.rotation_policy)
} else := {}

# METADATA
# title: Key Vault keys rotate automatically at least yearly
# description: >-
#   Every enabled key must have a rotation policy with an automatic Rotate
#   action at most 365 days after creation (or before an expiry at most 365
#   days away). A policy ARM did not show is a finding; disabled keys are
#   exempt.
# custom:
#   controls: [hipaa-164-312-a-2-iv]
#   evidence: [azure.keyvault.key]
#   severity: medium
key_rotation contains finding if {
	some key in input.evidence["azure.keyvault.key"]
	d := _az_data(key)
	not d.enabled == false
	not _az_rotates(_az_rotation_policy(d))
	finding := _az_finding("hipaa-164-312-a-2-iv", key.subject, "Key Vault key has no rotation policy that rotates it automatically at least every 365 days (or this was not shown); add a Rotate lifetime action", "medium")
}

_az_exports_activity(d) if {
	is_array(d.diagnostic_settings)
	some setting in d.diagnostic_settings
	is_array(setting.destinations)
	count(setting.destinations) > 0
	is_array(setting.categories)
	every category in _az_activity_categories {
		category in setting.categories
	}
}

# METADATA
# title: The subscription activity log is exported
# description: >-
#   Each subscription must have a diagnostic setting sending the activity
#   log's Administrative and Security categories to a workspace, storage
#   account, event hub or partner, where it outlives the 90 days Azure keeps
#   it. Retired log profiles do not count.
# custom:
#   controls: [hipaa-164-312-b]
#   evidence: [azure.monitor.activity_log]
#   severity: medium
activity_log_exported contains finding if {
	some log in input.evidence["azure.monitor.activity_log"]
	not _az_exports_activity(_az_data(log))
	finding := _az_finding("hipaa-164-312-b", log.subject, "no diagnostic setting exports the activity log categories Administrative and Security (or this was not shown); add a subscription diagnostic setting", "medium")
}

_az_lower(s) := lower(s) if is_string(s)

# The subscription's plans of that name (compared case-insensitively, as
# ARM does): empty when none was collected or the subscription id is unknown.
_az_plans(subscription, name) := [plan |
	some plan in object.get(input.evidence, "azure.defender.plan", [])
	d := _az_data(plan)
	_az_lower(d.subscription_id) == _az_lower(_az_data(subscription).subscription_id)
	d.plan == name
]

_az_plan_message(name) := concat("", ["Microsoft Defender for Cloud plan ", name, " is not on the Standard tier (or this was not shown); enable the plan"])

# METADATA
# title: Defender for Cloud protects storage, SQL and servers
# description: >-
#   Each subscription must have the Defender for Cloud plans StorageAccounts,
#   SqlServers and VirtualMachines on the Standard tier, so threats to where
#   ePHI is stored and processed are detected and reported.
# custom:
#   controls: [hipaa-164-308-a-1-ii-d, hipaa-164-308-a-6-ii]
#   evidence: [azure.subscription, azure.defender.plan]
#   severity: medium
defender_plans_enabled contains finding if {
	some subscription in input.evidence["azure.subscription"]
	some name in _az_required_plans
	some plan in _az_plans(subscription, name)
	not _az_data(plan).tier == "Standard"
	some control in _az_detection_controls
	finding := _az_finding(control, plan.subject, _az_plan_message(name), "medium")
}

defender_plans_enabled contains finding if {
	some subscription in input.evidence["azure.subscription"]
	some name in _az_required_plans
	count(_az_plans(subscription, name)) == 0
	some control in _az_detection_controls
	resource := concat("", [subscription.subject, "/providers/Microsoft.Security/pricings/", name])
	finding := _az_finding(control, resource, _az_plan_message(name), "medium")
}
