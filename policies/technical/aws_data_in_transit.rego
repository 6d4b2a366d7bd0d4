# Transmission security for AWS data stores: 164.312(e)(1) and (e)(2)(ii).
# Databases and search domains must refuse unencrypted connections.
package hipaa.technical.aws_data_in_transit

import rego.v1

_accepted_tls_versions := {"1.2", "1.3"}

_data(item) := item.data if {
	is_object(item.data)
} else := {}

# What a message calls the resource: its name from the evidence, else its subject.
_label(item, field) := name if {
	name := _data(item)[field]
	is_string(name)
	name != ""
} else := item.subject

_finding(control, item, message, severity) := {
	"control": control,
	"resource": item.subject,
	"message": message,
	"severity": severity,
}

_in_transit_checks := [
	{"field": "enforce_https", "name": "HTTPS is not enforced"},
	{"field": "node_to_node_encryption", "name": "node-to-node encryption is off"},
]

# METADATA
# title: Redshift clusters refuse unencrypted connections
# description: The cluster parameter group must set require_ssl to true.
# custom:
#   controls: [hipaa-164-312-e-1]
#   evidence: [aws.redshift.cluster]
#   severity: medium
redshift_requires_tls contains finding if {
	some cluster in input.evidence["aws.redshift.cluster"]
	not _data(cluster).require_ssl == true
	msg := concat("", ["Redshift cluster ", _label(cluster, "identifier"), " does not require TLS (or it was not shown); set require_ssl to true in its parameter group"])
	finding := _finding("hipaa-164-312-e-1", cluster, msg, "medium")
}

# METADATA
# title: OpenSearch domains encrypt traffic in transit
# description: >-
#   An OpenSearch domain must enforce HTTPS and encrypt traffic between its
#   nodes. One finding per domain naming what is missing.
# custom:
#   controls: [hipaa-164-312-e-1]
#   evidence: [aws.opensearch.domain]
#   severity: medium
opensearch_encrypts_in_transit contains finding if {
	some domain in input.evidence["aws.opensearch.domain"]
	missing := [check.name |
		some check in _in_transit_checks
		not _data(domain)[check.field] == true
	]
	count(missing) > 0
	msg := concat("", [
		"OpenSearch domain ", _label(domain, "name"), ": ", concat(", ", missing),
		" (or not shown otherwise); enforce HTTPS and enable node-to-node encryption",
	])
	finding := _finding("hipaa-164-312-e-1", domain, msg, "medium")
}

_tls_problem(v) := concat("", ["allows TLS ", v]) if {
	is_string(v)
	v in {"1.0", "1.1"}
} else := "has an unknown minimum TLS version"

# METADATA
# title: OpenSearch domains require TLS 1.2 or later
# description: >-
#   The domain's TLS security policy must set a minimum of TLS 1.2 (an
#   unknown minimum counts as failing).
# custom:
#   controls: [hipaa-164-312-e-2-ii]
#   evidence: [aws.opensearch.domain]
#   severity: medium
opensearch_tls_minimum_version contains finding if {
	some domain in input.evidence["aws.opensearch.domain"]
	not _data(domain).min_tls_version in _accepted_tls_versions
	msg := concat("", [
		"OpenSearch domain ", _label(domain, "name"), " ",
		_tls_problem(object.get(_data(domain), "min_tls_version", null)),
		"; use the TLS security policy Policy-Min-TLS-1-2-PFS-2023-10",
	])
	finding := _finding("hipaa-164-312-e-2-ii", domain, msg, "medium")
}
