package hipaa.technical.azure

import rego.v1

# rego-cpp (regopy 1.5.2) aborts on some `with input as {literal}` shapes:
# bind `with` values to locals and override input's fields one by one.

_sub := "/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333"

_thing := "/subscriptions/s/resourceGroups/g/providers/X/things/t"

_account := {"https_only": true, "minimum_tls_version": "TLS1_2", "allow_blob_public_access": false}

_server := {"minimal_tls_version": "1.2", "auditing": {"state": "Enabled", "retention_days": 365, "azure_monitor_target": true}}

_vault := {"soft_delete_enabled": true, "purge_protection_enabled": true}

_key := {"enabled": true, "rotation_policy": {"auto_rotate": true, "rotate_after": "P90D", "expiry_time": "P1Y"}}

_activity := {"diagnostic_settings": [{"name": "to-law", "categories": ["Administrative", "Policy", "Security"], "destinations": ["log_analytics"]}]}

_found(kind, data) := fs if {
	ev := {kind: [{"subject": _thing, "data": data}]}
	results := {
		"azure.storage.account": ((storage_https_only | storage_tls_minimum) | storage_blob_public_access_disabled),
		"azure.sql.server": (sql_server_auditing | sql_tls_minimum),
		"azure.keyvault.vault": key_vault_recoverable,
		"azure.keyvault.key": key_rotation,
		"azure.monitor.activity_log": activity_log_exported,
	} with input.evidence as ev
	fs := results[kind]
}

_defender(subscription, plans) := fs if {
	ev := {
		"azure.subscription": [{"subject": _sub, "data": subscription}],
		"azure.defender.plan": [{"subject": concat("", [_sub, "/providers/Microsoft.Security/pricings/", p.plan]), "data": p} | some p in plans],
	}
	fs := defender_plans_enabled with input.evidence as ev
}

_messages(fs) := {f.message | some f in fs}

_controls(fs) := {f.control | some f in fs}

# Storage accounts

test_locked_down_account_has_no_finding if {
	count(_found("azure.storage.account", _account)) == 0
	count(_found("azure.storage.account", object.union(_account, {"minimum_tls_version": "TLS1_3"}))) == 0
}

test_open_account_is_found_three_ways if {
	fs := _found("azure.storage.account", {"https_only": false, "minimum_tls_version": "TLS1_0", "allow_blob_public_access": true})
	_messages(fs) == {
		"storage account accepts plain HTTP (or this was not shown); turn on secure transfer required (supportsHttpsTrafficOnly)",
		"storage account accepts TLS versions before 1.2 (or this was not shown); set minimumTlsVersion to TLS1_2",
		"storage account allows public blob access (or this was not shown); set allowBlobPublicAccess to false",
	}
	_controls(fs) == {"hipaa-164-312-e-1", "hipaa-164-312-e-2-ii", "hipaa-164-312-a-1"}
	every f in fs {
		f.resource == _thing
	}
	count(_found("azure.storage.account", object.union(_account, {"minimum_tls_version": "TLS1_1"}))) == 1
}

test_account_unknown_fails_closed if {
	count(_found("azure.storage.account", null)) == 3
	count(_found("azure.storage.account", {"https_only": null, "minimum_tls_version": null, "allow_blob_public_access": null})) == 3
}

# SQL servers

test_audited_tls12_server_has_no_finding if {
	count(_found("azure.sql.server", _server)) == 0
	unlimited := {"state": "Enabled", "retention_days": 0, "azure_monitor_target": false}
	count(_found("azure.sql.server", object.union(_server, {"auditing": unlimited}))) == 0
}

test_unaudited_or_old_tls_server_is_found if {
	off := {"state": "Disabled", "retention_days": 0, "azure_monitor_target": false}
	fs := _found("azure.sql.server", {"minimal_tls_version": "1.0", "auditing": off})
	_messages(fs) == {
		"SQL server auditing is not enabled (or this was not shown); enable server auditing",
		"SQL server accepts TLS versions before 1.2 (or this was not shown); set minimalTlsVersion to 1.2",
	}
	_controls(fs) == {"hipaa-164-312-b", "hipaa-164-312-e-2-ii"}
}

test_short_or_unknown_audit_retention_is_found if {
	short := {"state": "Enabled", "retention_days": 90, "azure_monitor_target": true}
	fs := _found("azure.sql.server", object.union(_server, {"auditing": short}))
	_messages(fs) == {"SQL server auditing keeps records for less than 365 days (or this was not shown, as for a Log Analytics or Event Hub target); raise the audit retention"}
	# 0 with a workspace target: the workspace's retention is not shown.
	workspace := {"state": "Enabled", "retention_days": 0, "azure_monitor_target": true}
	count(_found("azure.sql.server", object.union(_server, {"auditing": workspace}))) == 1
}

test_server_unknown_fails_closed if {
	count(_found("azure.sql.server", null)) == 2
	count(_found("azure.sql.server", {"minimal_tls_version": null, "auditing": null})) == 2
	count(_found("azure.sql.server", object.union(_server, {"auditing": {"state": "Enabled", "retention_days": null}}))) == 1
}

test_audit_retention_parameter if {
	short := {"state": "Enabled", "retention_days": 90, "azure_monitor_target": true}
	ev := {"azure.sql.server": [{"subject": _thing, "data": object.union(_server, {"auditing": short})}]}
	params := {"min_log_retention_days": 90}
	lenient := sql_server_auditing with input.evidence as ev with input.params as params
	count(lenient) == 0
}

# Key Vaults and keys

test_recoverable_vault_has_no_finding if {
	count(_found("azure.keyvault.vault", _vault)) == 0
}

test_vault_without_purge_protection_or_soft_delete_is_found if {
	fs := _found("azure.keyvault.vault", {"soft_delete_enabled": false, "purge_protection_enabled": false})
	_messages(fs) == {
		"Key Vault has soft delete off (or this was not shown); enable soft delete",
		"Key Vault has purge protection off (or this was not shown); enable purge protection",
	}
	_controls(fs) == {"hipaa-164-312-c-1"}
	count(_found("azure.keyvault.vault", object.union(_vault, {"purge_protection_enabled": false}))) == 1
}

test_vault_unknown_fails_closed if {
	count(_found("azure.keyvault.vault", null)) == 2
	count(_found("azure.keyvault.vault", {"soft_delete_enabled": null, "purge_protection_enabled": true})) == 1
}

test_rotating_and_disabled_keys_have_no_finding if {
	count(_found("azure.keyvault.key", _key)) == 0
	every after in ["P365D", "P52W", "P12M", "P1Y"] {
		count(_found("azure.keyvault.key", {"enabled": true, "rotation_policy": {"auto_rotate": true, "rotate_after": after, "expiry_time": null}})) == 0
	}
	# Rotated before an expiry within a year.
	count(_found("azure.keyvault.key", {"enabled": true, "rotation_policy": {"auto_rotate": true, "rotate_after": null, "expiry_time": "P6M"}})) == 0
	count(_found("azure.keyvault.key", {"enabled": false, "rotation_policy": null})) == 0
}

test_key_without_yearly_rotation_is_found if {
	fs := _found("azure.keyvault.key", {"enabled": true, "rotation_policy": {"auto_rotate": false, "rotate_after": null, "expiry_time": "P1Y"}})
	_messages(fs) == {"Key Vault key has no rotation policy that rotates it automatically at least every 365 days (or this was not shown); add a Rotate lifetime action"}
	_controls(fs) == {"hipaa-164-312-a-2-iv"}
	every after in ["P366D", "P53W", "P13M", "P2Y", "P0D"] {
		count(_found("azure.keyvault.key", {"enabled": true, "rotation_policy": {"auto_rotate": true, "rotate_after": after, "expiry_time": null}})) == 1
	}
	count(_found("azure.keyvault.key", {"enabled": true, "rotation_policy": {"auto_rotate": true, "rotate_after": null, "expiry_time": "P2Y"}})) == 1
}

test_key_rotation_unknown_fails_closed if {
	count(_found("azure.keyvault.key", {"enabled": true, "rotation_policy": null})) == 1
	count(_found("azure.keyvault.key", null)) == 1
	count(_found("azure.keyvault.key", {"enabled": null, "rotation_policy": {"auto_rotate": true, "rotate_after": "PT2160H", "expiry_time": null}})) == 1
	count(_found("azure.keyvault.key", {"enabled": true, "rotation_policy": {"auto_rotate": true, "rotate_after": 90, "expiry_time": null}})) == 1
}

# Activity log

test_exported_activity_log_has_no_finding if {
	count(_found("azure.monitor.activity_log", _activity)) == 0
}

test_unexported_activity_log_is_found if {
	fs := _found("azure.monitor.activity_log", {"diagnostic_settings": [], "log_profiles": [{"retention_enabled": true, "retention_days": 0}]})
	_messages(fs) == {"no diagnostic setting exports the activity log categories Administrative and Security (or this was not shown); add a subscription diagnostic setting"}
	_controls(fs) == {"hipaa-164-312-b"}
	no_security := {"diagnostic_settings": [{"categories": ["Administrative"], "destinations": ["storage_account"]}]}
	count(_found("azure.monitor.activity_log", no_security)) == 1
	nowhere := {"diagnostic_settings": [{"categories": ["Administrative", "Security"], "destinations": []}]}
	count(_found("azure.monitor.activity_log", nowhere)) == 1
}

test_activity_log_unknown_fails_closed if {
	count(_found("azure.monitor.activity_log", {"diagnostic_settings": null})) == 1
	count(_found("azure.monitor.activity_log", null)) == 1
	count(_found("azure.monitor.activity_log", {"diagnostic_settings": [{"categories": null, "destinations": null}]})) == 1
}

# Defender for Cloud

_sub_data := {"subscription_id": "0b1f6471-1bf0-4dda-aec3-111122223333"}

_plan(name, tier) := {"plan": name, "tier": tier, "subscription_id": "0B1F6471-1BF0-4DDA-AEC3-111122223333"}

test_standard_plans_have_no_finding if {
	plans := [_plan("SqlServers", "Standard"), _plan("StorageAccounts", "Standard"), _plan("VirtualMachines", "Standard"), _plan("KeyVaults", "Free")]
	count(_defender(_sub_data, plans)) == 0
}

test_free_or_missing_plans_are_found if {
	fs := _defender(_sub_data, [_plan("SqlServers", "Free"), _plan("StorageAccounts", "Standard")])
	{f.resource | some f in fs} == {
		concat("", [_sub, "/providers/Microsoft.Security/pricings/SqlServers"]),
		concat("", [_sub, "/providers/Microsoft.Security/pricings/VirtualMachines"]),
	}
	_controls(fs) == {"hipaa-164-308-a-1-ii-d", "hipaa-164-308-a-6-ii"}
	count(fs) == 4
	"Microsoft Defender for Cloud plan SqlServers is not on the Standard tier (or this was not shown); enable the plan" in _messages(fs)
}

test_defender_unknown_fails_closed if {
	count(_defender(_sub_data, [])) == 6
	count(_defender(null, [_plan("SqlServers", "Standard"), _plan("StorageAccounts", "Standard"), _plan("VirtualMachines", "Standard")])) == 6
	count(_defender(_sub_data, [_plan("SqlServers", null), _plan("StorageAccounts", "Standard"), _plan("VirtualMachines", "Standard")])) == 2
}
