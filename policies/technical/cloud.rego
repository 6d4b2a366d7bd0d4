# The same safeguards in every cloud, decided once over the provider-neutral
# kinds (hipaa_cac/collectors/normalized.py): object storage (S3, Cloud
# Storage, Blob containers) is private, encrypted at rest and access-logged;
# managed databases (RDS, Cloud SQL, Azure SQL) are encrypted, refuse
# unencrypted connections and are not reachable from the internet; no network
# rule (security group, firewall rule, NSG) opens administration or database
# ports to the internet. 45 CFR 164.312(a)(1), (a)(2)(iv), (b), (e)(1).
#
# Each finding names the provider's full resource id; messages name settings,
# never values.
package hipaa.technical.cloud

import rego.v1

_cloud_data(item) := item.data if {
	is_object(item.data)
} else := {}

# What people call the resource, per service.
_kind_label := {
	"s3": "S3 bucket",
	"gcs": "Cloud Storage bucket",
	"blob": "Blob container",
	"rds": "RDS instance",
	"cloudsql": "Cloud SQL instance",
	"azure_sql": "Azure SQL database",
	"security_group": "security group",
	"firewall": "firewall rule",
	"nsg": "network security group rule",
}

_label(item) := label if {
	label := _kind_label[_cloud_data(item).service]
} else := "resource"

_via(item) := concat("", [" (", concat(", ", vias), ")"]) if {
	vias := _cloud_data(item).public_via
	is_array(vias)
	count(vias) > 0
} else := ""

_cloud_finding(control, item, message, severity) := {
	"control": control,
	"resource": item.subject,
	"message": concat("", [_label(item), " ", message]),
	"severity": severity,
}

# METADATA
# title: Object storage is not public
# description: >-
#   No bucket or container may be readable or writable by anyone on the
#   internet or any authenticated user (policy, ACL, IAM binding or access
#   level), unless a block setting neutralises it. Unknown counts as public.
# custom:
#   controls: [hipaa-164-312-a-1]
#   evidence: [cloud.object_storage]
#   severity: critical
object_storage_private contains finding if {
	some store in input.evidence["cloud.object_storage"]
	not _cloud_data(store).public == false
	msg := concat("", ["is public or not shown to be private", _via(store), "; remove public grants and turn on the provider's public access block"])
	finding := _cloud_finding("hipaa-164-312-a-1", store, msg, "critical")
}

# METADATA
# title: Object storage is encrypted at rest
# description: Every bucket or container must encrypt its objects at rest (provider- or customer-managed keys).
# custom:
#   controls: [hipaa-164-312-a-2-iv]
#   evidence: [cloud.object_storage]
#   severity: high
object_storage_encrypted contains finding if {
	some store in input.evidence["cloud.object_storage"]
	not _cloud_data(store).encrypted_at_rest == true
	msg := "does not encrypt at rest (or it was not shown); turn on default encryption"
	finding := _cloud_finding("hipaa-164-312-a-2-iv", store, msg, "high")
}

# METADATA
# title: Object storage access is logged
# description: >-
#   Reads and writes of every bucket or container must be logged somewhere
#   durable: S3 server access logs, Cloud Storage usage or Data Access audit
#   logs, Blob StorageRead/StorageWrite diagnostic logs.
# custom:
#   controls: [hipaa-164-312-b]
#   evidence: [cloud.object_storage]
#   severity: medium
object_storage_access_logged contains finding if {
	some store in input.evidence["cloud.object_storage"]
	not _cloud_data(store).access_logged == true
	msg := "does not log object access (or it was not shown); turn on access logging"
	finding := _cloud_finding("hipaa-164-312-b", store, msg, "medium")
}

# METADATA
# title: Managed databases are encrypted at rest
# description: Every managed database instance must encrypt its storage.
# custom:
#   controls: [hipaa-164-312-a-2-iv]
#   evidence: [cloud.database]
#   severity: high
database_encrypted contains finding if {
	some db in input.evidence["cloud.database"]
	not _cloud_data(db).encrypted_at_rest == true
	msg := "does not encrypt its storage (or it was not shown); create it encrypted (restore an encrypted snapshot) or enable transparent data encryption"
	finding := _cloud_finding("hipaa-164-312-a-2-iv", db, msg, "high")
}

# METADATA
# title: Managed databases refuse unencrypted connections
# description: >-
#   The server must require TLS (rds.force_ssl / require_secure_transport,
#   Cloud SQL requireSsl or an SSL mode requiring it; Azure SQL always does).
# custom:
#   controls: [hipaa-164-312-e-1]
#   evidence: [cloud.database]
#   severity: medium
database_requires_tls contains finding if {
	some db in input.evidence["cloud.database"]
	not _cloud_data(db).tls_required == true
	msg := "does not require TLS (or it was not shown); make the server refuse unencrypted connections"
	finding := _cloud_finding("hipaa-164-312-e-1", db, msg, "medium")
}

# METADATA
# title: Managed databases are not reachable from the internet
# description: >-
#   No managed database may have a public endpoint open to the internet
#   (RDS publicly accessible, Cloud SQL public IP with 0.0.0.0/0, Azure SQL
#   public network access with an all-addresses firewall rule).
# custom:
#   controls: [hipaa-164-312-a-1]
#   evidence: [cloud.database]
#   severity: high
database_not_public contains finding if {
	some db in input.evidence["cloud.database"]
	not _cloud_data(db).publicly_accessible == false
	msg := concat("", ["is reachable from the internet or not shown not to be", _via(db), "; use private networking and remove public access"])
	finding := _cloud_finding("hipaa-164-312-a-1", db, msg, "high")
}

# Administration and database ports no one on the internet should reach:
# SSH, RDP, MySQL, PostgreSQL, SQL Server, Oracle, MongoDB, Redis,
# Elasticsearch/OpenSearch, Redshift, Memcached.
admin_ports := {22, 3389, 3306, 5432, 1433, 1521, 27017, 6379, 9200, 5439, 11211}

_network_controls := ["hipaa-164-312-a-1", "hipaa-164-312-e-1"]

# A rule whose ports are not shown reaches every port (fail closed).
_exposed_ports(rule) := admin_ports if {
	rule.protocol in {"tcp", "udp", "all"}
	not is_array(rule.ports)
} else := {port |
	rule.protocol in {"tcp", "udp", "all"}
	some range in rule.ports
	is_array(range)
	is_number(range[0])
	is_number(range[1])
	some port in admin_ports
	range[0] <= port
	port <= range[1]
}

# METADATA
# title: No network rule opens admin or database ports to the internet
# description: >-
#   No security group, firewall rule or NSG rule may let 0.0.0.0/0, ::/0 or
#   Internet reach SSH, RDP or a database or cache port (or every port).
#   Decides access control and transmission security.
# custom:
#   controls: [hipaa-164-312-a-1, hipaa-164-312-e-1]
#   evidence: [cloud.network_rule]
#   severity: high
network_admin_ports_closed contains finding if {
	some rule in input.evidence["cloud.network_rule"]
	ports := _exposed_ports(_cloud_data(rule))
	count(ports) > 0
	some control in _network_controls
	msg := concat("", [
		"lets the whole internet reach admin or database ports (",
		concat(", ", [format_int(p, 10) | some p in sort(ports)]),
		"); allow only known source ranges, or reach them through a bastion, VPN or private access",
	])
	finding := _cloud_finding(control, rule, msg, "high")
}
