package hipaa.technical.cloud

import rego.v1

_store(id, service, fields) := {"subject": id, "data": object.union({
	"provider": "x", "service": service, "public": false, "public_via": [],
	"encrypted_at_rest": true, "access_logged": true,
}, fields)}

test_private_encrypted_logged_storage_has_no_findings if {
	ev := {"cloud.object_storage": [_store("arn:aws:s3:::a", "s3", {}), _store("//storage.googleapis.com/projects/_/buckets/b", "gcs", {})]}
	f1 := object_storage_private with input.evidence as ev
	count(f1) == 0
	f2 := object_storage_encrypted with input.evidence as ev
	count(f2) == 0
	f3 := object_storage_access_logged with input.evidence as ev
	count(f3) == 0
}

test_public_storage_names_the_cause_in_every_cloud if {
	gcs := _store("//storage.googleapis.com/projects/_/buckets/scans", "gcs", {"public": true, "public_via": ["iam: allUsers has roles/storage.objectViewer"]})
	blob := _store("/subscriptions/s/x/containers/c", "blob", {"public": null})
	ev := {"cloud.object_storage": [gcs, blob]}
	fs := object_storage_private with input.evidence as ev
	count(fs) == 2
	some f in fs
	f.resource == "//storage.googleapis.com/projects/_/buckets/scans"
	contains(f.message, "Cloud Storage bucket is public")
	contains(f.message, "allUsers")
	some g in fs
	g.resource == "/subscriptions/s/x/containers/c"
	startswith(g.message, "Blob container")
}

test_unencrypted_and_unlogged_storage_are_found if {
	ev := {"cloud.object_storage": [_store("arn:aws:s3:::a", "s3", {"encrypted_at_rest": false, "access_logged": null})]}
	f4 := object_storage_encrypted with input.evidence as ev
	count(f4) == 1
	f5 := object_storage_access_logged with input.evidence as ev
	count(f5) == 1
}

_db(fields) := {"subject": "db", "data": object.union({"service": "cloudsql", "encrypted_at_rest": true, "tls_required": true, "publicly_accessible": false}, fields)}

test_database_findings if {
	ev := {"cloud.database": [_db({"tls_required": null, "publicly_accessible": true, "public_via": ["authorized network 0.0.0.0/0"]})]}
	f6 := database_encrypted with input.evidence as ev
	count(f6) == 0
	tls := database_requires_tls with input.evidence as ev
	count(tls) == 1
	public := database_not_public with input.evidence as ev
	some f in public
	contains(f.message, "Cloud SQL instance is reachable from the internet")
	contains(f.message, "0.0.0.0/0")
}

test_open_admin_ports_are_found_once_per_control if {
	ssh := {"subject": "fw", "data": {"service": "firewall", "protocol": "tcp", "ports": [[20, 23], [443, 443]]}}
	web := {"subject": "web", "data": {"service": "nsg", "protocol": "tcp", "ports": [[443, 443]]}}
	all := {"subject": "sg#all", "data": {"service": "security_group", "protocol": "all", "ports": [[0, 65535]]}}
	icmp := {"subject": "ping", "data": {"service": "nsg", "protocol": "icmp", "ports": [[0, 65535]]}}
	ev := {"cloud.network_rule": [ssh, web, all, icmp]}
	fs := network_admin_ports_closed with input.evidence as ev
	count(fs) == 4
	{f.resource | some f in fs} == {"fw", "sg#all"}
	some f in fs
	f.resource == "fw"
	contains(f.message, "(22)")
}

test_unknown_ports_count_as_every_port if {
	rule := {"subject": "r", "data": {"service": "nsg", "protocol": "tcp", "ports": null}}
	ev := {"cloud.network_rule": [rule]}
	fs := network_admin_ports_closed with input.evidence as ev
	count(fs) == 2
}
