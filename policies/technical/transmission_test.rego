package hipaa.technical.transmission

import rego.v1

# Fixtures go through `with input.evidence as`, never `with input as {...}`:
# regopy 1.5.2 crashes on the latter when the rule calls a built-in.

_listeners(datas) := {"aws.elbv2.listener": [item |
	some i in numbers.range(0, count(datas) - 1)
	item := {"subject": concat("", ["arn:aws:elasticloadbalancing:us-east-1:1:listener/l", format_int(i, 10)]), "data": datas[i]}
]}

_l(n) := concat("", ["arn:aws:elasticloadbalancing:us-east-1:1:listener/l", format_int(n, 10)])

# listeners_use_tls

test_tls_and_redirecting_listeners_have_no_finding if {
	count(listeners_use_tls) == 0 with input.evidence as _listeners([
		{"protocol": "HTTPS", "port": 443, "min_tls_version": "1.2"},
		{"protocol": "TLS", "port": 5432, "min_tls_version": "1.3"},
		{"protocol": "HTTP", "port": 80, "redirects_to_https": true},
	])
}

test_plaintext_listeners_are_found if {
	fs := listeners_use_tls with input.evidence as _listeners([
		{"protocol": "HTTPS", "port": 443},
		{"protocol": "HTTP", "port": 80, "redirects_to_https": false},
		{"protocol": "TCP", "port": 5432, "redirects_to_https": true},
	])
	count(fs) == 2
	{f.resource | some f in fs} == {_l(1), _l(2)}
	every f in fs {
		f.control == "hipaa-164-312-e-1"
		f.severity == "high"
	}
	some http in fs
	http.resource == _l(1)
	contains(http.message, "HTTP listener does not redirect")
	some tcp in fs
	tcp.resource == _l(2)
	contains(tcp.message, "TCP listener does not use TLS")
}

test_listener_protocol_unknown_fails_closed if {
	fs := listeners_use_tls with input.evidence as _listeners([
		{"protocol": "HTTP", "redirects_to_https": null},
		{"protocol": "HTTP"},
		{"protocol": null},
		{"protocol": "UDP"},
		{},
	])
	count(fs) == 5
	some f in fs
	f.resource == _l(2)
	contains(f.message, "not shown to use TLS")
}

# tls_minimum_version

test_modern_tls_and_non_tls_listeners_have_no_finding if {
	count(tls_minimum_version) == 0 with input.evidence as _listeners([
		{"protocol": "HTTPS", "min_tls_version": "1.2"},
		{"protocol": "TLS", "min_tls_version": "1.3"},
		{"protocol": "HTTP", "min_tls_version": null}, # listeners_use_tls decides these
	])
}

test_old_tls_is_found_naming_the_version if {
	fs := tls_minimum_version with input.evidence as _listeners([
		{"protocol": "HTTPS", "min_tls_version": "1.2"},
		{"protocol": "HTTPS", "min_tls_version": "1.0"},
		{"protocol": "TLS", "min_tls_version": "1.1"},
	])
	count(fs) == 2
	some f1 in fs
	f1 == {
		"control": "hipaa-164-312-e-2-ii",
		"resource": _l(1),
		"message": "listener allows TLS 1.0; use an SSL policy with minimum TLS 1.2",
		"severity": "medium",
	}
	some f2 in fs
	f2.resource == _l(2)
	contains(f2.message, "TLS 1.1")
}

test_tls_version_unknown_fails_closed if {
	fs := tls_minimum_version with input.evidence as _listeners([
		{"protocol": "HTTPS", "min_tls_version": null},
		{"protocol": "TLS"},
		{"protocol": "HTTPS", "min_tls_version": 1.2},
	])
	count(fs) == 3
	every f in fs {
		contains(f.message, "minimum TLS version is unknown")
	}
}

# storage_requires_tls

test_bucket_denying_insecure_transport_has_no_finding if {
	count(storage_requires_tls) == 0 with input.evidence as {"aws.s3.bucket": [{"subject": "arn:aws:s3:::b", "data": {"policy": {"is_public": false, "denies_insecure_transport": true}}}]}
}

test_bucket_allowing_insecure_transport_is_found if {
	fs := storage_requires_tls with input.evidence as {"aws.s3.bucket": [
		{"subject": "arn:aws:s3:::ok", "data": {"policy": {"is_public": false, "denies_insecure_transport": true}}},
		{"subject": "arn:aws:s3:::plain", "data": {"policy": {"is_public": false, "denies_insecure_transport": false}}},
	]}
	count(fs) == 1
	some f in fs
	f.resource == "arn:aws:s3:::plain"
	f.control == "hipaa-164-312-e-1"
	f.severity == "medium"
}

test_bucket_transport_policy_unknown_fails_closed if {
	count(storage_requires_tls) == 3 with input.evidence as {"aws.s3.bucket": [
		{"subject": "a", "data": {"policy": {"denies_insecure_transport": null}}},
		{"subject": "b", "data": {"policy": null}},
		{"subject": "c"},
	]}
}
