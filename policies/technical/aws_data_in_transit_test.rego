package hipaa.technical.aws_data_in_transit

import rego.v1

# Fixtures go through `with input.evidence as`, never `with input as {...}`:
# regopy 1.5.2 crashes on the latter when the rule calls a built-in. One
# runner per rule keeps the `with` clauses few.

_s(i) := concat("", ["arn:aws:test:us-east-1:111122223333:r", format_int(i, 10)])

_ev(kind, datas) := {kind: [item |
	some i in numbers.range(0, count(datas) - 1)
	item := {"subject": _s(i), "data": datas[i]}
]}

_secure_domain := {
	"name": "good", "enforce_https": true, "node_to_node_encryption": true,
	"tls_security_policy": "Policy-Min-TLS-1-2-PFS-2023-10", "min_tls_version": "1.2",
}

# redshift_requires_tls

_redshift_requires_tls(datas) := fs if {
	ev := _ev("aws.redshift.cluster", datas)
	fs := redshift_requires_tls with input.evidence as ev
}

test_redshift_requiring_ssl_has_no_finding if {
	count(_redshift_requires_tls([{"identifier": "good", "require_ssl": true}])) == 0
}

test_redshift_not_requiring_ssl_or_unknown_is_found if {
	fs := _redshift_requires_tls([
		{"identifier": "good", "require_ssl": true},
		{"identifier": "bad", "require_ssl": false},
		{"identifier": "unknown", "require_ssl": null},
		{},
		null,
	])
	{f.resource | some f in fs} == {_s(1), _s(2), _s(3), _s(4)}
	{
		"control": "hipaa-164-312-e-1",
		"resource": _s(1),
		"message": "Redshift cluster bad does not require TLS (or it was not shown); set require_ssl to true in its parameter group",
		"severity": "medium",
	} in fs
	some f in fs
	f.resource == _s(3)
	startswith(f.message, "Redshift cluster arn:aws:test:us-east-1:111122223333:r3 does not require TLS")
}

# opensearch_encrypts_in_transit

_opensearch_encrypts_in_transit(datas) := fs if {
	ev := _ev("aws.opensearch.domain", datas)
	fs := opensearch_encrypts_in_transit with input.evidence as ev
}

test_opensearch_encrypting_in_transit_has_no_finding if {
	count(_opensearch_encrypts_in_transit([_secure_domain])) == 0
}

test_opensearch_plaintext_or_unknown_is_found_naming_what_is_missing if {
	fs := _opensearch_encrypts_in_transit([
		_secure_domain,
		object.union(_secure_domain, {"name": "bad", "enforce_https": false, "node_to_node_encryption": false}),
		object.union(_secure_domain, {"name": "nodes", "node_to_node_encryption": null}),
		{"name": "empty"},
		null,
	])
	{f.resource | some f in fs} == {_s(1), _s(2), _s(3), _s(4)}
	{
		"control": "hipaa-164-312-e-1",
		"resource": _s(1),
		"message": "OpenSearch domain bad: HTTPS is not enforced, node-to-node encryption is off (or not shown otherwise); enforce HTTPS and enable node-to-node encryption",
		"severity": "medium",
	} in fs
	some nodes in fs
	nodes.resource == _s(2)
	startswith(nodes.message, "OpenSearch domain nodes: node-to-node encryption is off (or not shown otherwise)")
}

# opensearch_tls_minimum_version

_opensearch_tls_minimum_version(datas) := fs if {
	ev := _ev("aws.opensearch.domain", datas)
	fs := opensearch_tls_minimum_version with input.evidence as ev
}

test_opensearch_tls_1_2_or_later_has_no_finding if {
	count(_opensearch_tls_minimum_version([
		_secure_domain,
		object.union(_secure_domain, {"min_tls_version": "1.3"}),
	])) == 0
}

test_opensearch_old_or_unknown_tls_is_found if {
	fs := _opensearch_tls_minimum_version([
		_secure_domain,
		object.union(_secure_domain, {"name": "old", "tls_security_policy": "Policy-Min-TLS-1-0-2019-07", "min_tls_version": "1.0"}),
		object.union(_secure_domain, {"name": "unknown", "min_tls_version": null}),
		{"name": "missing"},
		{"min_tls_version": 1.2},
		null,
	])
	{f.resource | some f in fs} == {_s(1), _s(2), _s(3), _s(4), _s(5)}
	{
		"control": "hipaa-164-312-e-2-ii",
		"resource": _s(1),
		"message": "OpenSearch domain old allows TLS 1.0; use the TLS security policy Policy-Min-TLS-1-2-PFS-2023-10",
		"severity": "medium",
	} in fs
	some unknown in fs
	unknown.resource == _s(2)
	unknown.message == "OpenSearch domain unknown has an unknown minimum TLS version; use the TLS security policy Policy-Min-TLS-1-2-PFS-2023-10"
}
