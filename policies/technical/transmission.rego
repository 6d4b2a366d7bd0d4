# Transmission security: 45 CFR 164.312(e).
package hipaa.technical.transmission

import rego.v1

_tls_protocols := {"HTTPS", "TLS"}

_accepted_tls_versions := {"1.2", "1.3"}

# A listener is fine when it terminates TLS, or is an HTTP listener that only
# redirects to HTTPS. Anything else (HTTP, TCP, UDP, unknown) is a finding.
_encrypted_or_redirecting(listener) if listener.data.protocol in _tls_protocols

_encrypted_or_redirecting(listener) if {
	listener.data.protocol == "HTTP"
	listener.data.redirects_to_https == true
}

_plaintext_message(listener) := "HTTP listener does not redirect to HTTPS; add a redirect to HTTPS or switch the listener to HTTPS" if {
	listener.data.protocol == "HTTP"
}

_plaintext_message(listener) := "TCP listener does not use TLS; switch the listener to TLS" if {
	listener.data.protocol == "TCP"
}

_plaintext_message(listener) := "listener is not shown to use TLS; switch it to HTTPS or TLS" if {
	not listener.data.protocol in {"HTTP", "TCP"}
}

# METADATA
# title: Load balancer listeners encrypt traffic in transit
# description: >-
#   ELBv2 listeners must use HTTPS or TLS; an HTTP listener is allowed only
#   when it redirects to HTTPS.
# custom:
#   controls: [hipaa-164-312-e-1]
#   evidence: [aws.elbv2.listener]
#   severity: high
listeners_use_tls contains finding if {
	some listener in input.evidence["aws.elbv2.listener"]
	not _encrypted_or_redirecting(listener)
	finding := {
		"control": "hipaa-164-312-e-1",
		"resource": listener.subject,
		"message": _plaintext_message(listener),
		"severity": "high",
	}
}

_tls_version_message(v) := concat("", ["listener allows TLS ", v, "; use an SSL policy with minimum TLS 1.2"]) if {
	v in {"1.0", "1.1"}
}

_tls_version_message(v) := "listener minimum TLS version is unknown; use an SSL policy with minimum TLS 1.2" if {
	not v in {"1.0", "1.1"}
}

# METADATA
# title: TLS listeners require TLS 1.2 or later
# description: >-
#   HTTPS and TLS listeners must use an SSL policy whose minimum protocol
#   version is TLS 1.2 or 1.3 (an unknown minimum counts as failing).
# custom:
#   controls: [hipaa-164-312-e-2-ii]
#   evidence: [aws.elbv2.listener]
#   severity: medium
tls_minimum_version contains finding if {
	some listener in input.evidence["aws.elbv2.listener"]
	listener.data.protocol in _tls_protocols
	not listener.data.min_tls_version in _accepted_tls_versions
	finding := {
		"control": "hipaa-164-312-e-2-ii",
		"resource": listener.subject,
		# object.get: a missing version must reach the message as null.
		"message": _tls_version_message(object.get(listener, ["data", "min_tls_version"], null)),
		"severity": "medium",
	}
}

# METADATA
# title: S3 buckets refuse unencrypted transport
# description: >-
#   The bucket policy must deny requests made without TLS
#   (aws:SecureTransport false).
# custom:
#   controls: [hipaa-164-312-e-1]
#   evidence: [aws.s3.bucket]
#   severity: medium
storage_requires_tls contains finding if {
	some bucket in input.evidence["aws.s3.bucket"]
	not bucket.data.policy.denies_insecure_transport == true
	finding := {
		"control": "hipaa-164-312-e-1",
		"resource": bucket.subject,
		"message": "bucket policy does not deny insecure transport (or it was not shown); add a Deny statement for aws:SecureTransport false",
		"severity": "medium",
	}
}
