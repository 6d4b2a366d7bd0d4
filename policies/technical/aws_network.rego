# Network paths to ePHI: what the internet can reach (45 CFR 164.312(a)(1),
# 164.312(e)(1)), whether traffic is encrypted and with which TLS floor
# (164.312(e)(1), (e)(2)(ii)), and whether network activity is recorded
# (164.312(b)): security groups, VPC flow logs, load balancers, CloudFront
# and API Gateway.
#
# Messages name ports, protocols and setting names only.
package hipaa.technical.aws_network

import rego.v1

# An item's data as an object: null or missing data reads as {} (every field
# missing), so lookups never see null under strict built-in errors.
_data(item) := item.data if {
	is_object(item.data)
} else := {}

# METADATA
# title: VPCs record flow logs
# description: >-
#   Every VPC must have an active flow log, so network connections to and
#   from systems holding ePHI are recorded.
# custom:
#   controls: [hipaa-164-312-b]
#   evidence: [aws.ec2.vpc]
#   severity: medium
vpc_flow_logs_enabled contains finding if {
	some vpc in input.evidence["aws.ec2.vpc"]
	not _data(vpc).flow_logs_enabled == true
	finding := {
		"control": "hipaa-164-312-b",
		"resource": vpc.subject,
		"message": "VPC has no active flow log (or it was not shown); create a flow log for all traffic to CloudWatch Logs or S3",
		"severity": "medium",
	}
}

# METADATA
# title: Application and network load balancers write access logs
# description: >-
#   ALBs and NLBs must have access logging (access_logs.s3.enabled) on.
#   Gateway load balancers have no access logs and are not checked; an NLB
#   logs only its TLS listeners, and VPC flow logs cover the rest.
# custom:
#   controls: [hipaa-164-312-b]
#   evidence: [aws.elbv2.load_balancer]
#   severity: medium
load_balancer_access_logs contains finding if {
	some balancer in input.evidence["aws.elbv2.load_balancer"]
	d := _data(balancer)
	not d.type == "gateway"
	not d.access_logs_enabled == true
	finding := {
		"control": "hipaa-164-312-b",
		"resource": balancer.subject,
		"message": "load balancer access logs are not shown to be on; enable access_logs.s3.enabled with a log bucket",
		"severity": "medium",
	}
}

# METADATA
# title: Classic load balancers write access logs
# description: Classic ELBs must have access logging on.
# custom:
#   controls: [hipaa-164-312-b]
#   evidence: [aws.elb.load_balancer]
#   severity: medium
classic_load_balancer_access_logs contains finding if {
	some balancer in input.evidence["aws.elb.load_balancer"]
	not _data(balancer).access_logs_enabled == true
	finding := {
		"control": "hipaa-164-312-b",
		"resource": balancer.subject,
		"message": "classic load balancer access logs are not shown to be on; enable the AccessLog attribute, or migrate to an ALB",
		"severity": "medium",
	}
}

_clb_plain_ports(listeners) := {port |
	some listener in listeners
	not listener.protocol in {"HTTPS", "SSL"}
	port := _clb_port(listener)
}

_clb_port(listener) := format_int(listener.port, 10) if {
	is_number(listener.port)
} else := "?"

_clb_problem(d) := "its listeners are not shown; make sure every listener is HTTPS or SSL" if {
	not is_array(d.listeners)
} else := concat("", [
	"listeners on ports (",
	concat(", ", sort(_clb_plain_ports(d.listeners))),
	") are not HTTPS or SSL; switch them to HTTPS or SSL",
]) if {
	count(_clb_plain_ports(d.listeners)) > 0
}

# METADATA
# title: Classic load balancers accept only HTTPS or SSL
# description: >-
#   Every listener of a classic ELB must be HTTPS or SSL (TLS); HTTP and TCP
#   listeners carry traffic in plaintext, and classic ELBs cannot redirect.
# custom:
#   controls: [hipaa-164-312-e-1]
#   evidence: [aws.elb.load_balancer]
#   severity: high
classic_load_balancer_tls contains finding if {
	some balancer in input.evidence["aws.elb.load_balancer"]
	problem := _clb_problem(_data(balancer))
	finding := {
		"control": "hipaa-164-312-e-1",
		"resource": balancer.subject,
		"message": concat("", ["classic load balancer ", problem]),
		"severity": "high",
	}
}

_https_viewer := {"https-only", "redirect-to-https"}

_cf_viewers_https(d) if {
	is_array(d.viewer_protocol_policies)
	count(d.viewer_protocol_policies) > 0
	every policy in d.viewer_protocol_policies {
		policy in _https_viewer
	}
}

# METADATA
# title: CloudFront viewers connect over HTTPS
# description: >-
#   Every cache behavior of a distribution (the default and each path
#   pattern) must use viewer protocol policy https-only or
#   redirect-to-https; allow-all serves content over plain HTTP.
# custom:
#   controls: [hipaa-164-312-e-1]
#   evidence: [aws.cloudfront.distribution]
#   severity: high
cloudfront_viewer_https contains finding if {
	some distribution in input.evidence["aws.cloudfront.distribution"]
	not _cf_viewers_https(_data(distribution))
	finding := {
		"control": "hipaa-164-312-e-1",
		"resource": distribution.subject,
		"message": "distribution is not shown to serve viewers over HTTPS only (a cache behavior allows HTTP); set every viewer protocol policy to https-only or redirect-to-https",
		"severity": "high",
	}
}

# https-only always encrypts; match-viewer does when every viewer is on HTTPS.
_cf_origin_https(d, policy) if policy == "https-only"

_cf_origin_https(d, policy) if {
	policy == "match-viewer"
	_cf_viewers_https(d)
}

_cf_origins_https(d) if {
	is_array(d.origin_protocol_policies)
	every policy in d.origin_protocol_policies {
		_cf_origin_https(d, policy)
	}
}

# METADATA
# title: CloudFront reaches custom origins over HTTPS
# description: >-
#   Every custom origin must use origin protocol policy https-only (or
#   match-viewer when viewers are HTTPS only), so traffic is encrypted
#   between CloudFront and the origin too. S3 origins follow the viewer.
# custom:
#   controls: [hipaa-164-312-e-1]
#   evidence: [aws.cloudfront.distribution]
#   severity: high
cloudfront_origin_https contains finding if {
	some distribution in input.evidence["aws.cloudfront.distribution"]
	not _cf_origins_https(_data(distribution))
	finding := {
		"control": "hipaa-164-312-e-1",
		"resource": distribution.subject,
		"message": "distribution is not shown to reach its custom origins over HTTPS only; set the origin protocol policy to https-only",
		"severity": "high",
	}
}

_cf_modern_policy(d) if {
	d.uses_default_certificate == false
	is_string(d.minimum_protocol_version)
	regex.match(`^TLSv1\.[23]_`, d.minimum_protocol_version)
}

_cf_tls_message(d) := "distribution uses the default *.cloudfront.net certificate, which accepts TLS 1.0; use a custom certificate with security policy TLSv1.2_2021 or later" if {
	d.uses_default_certificate == true
} else := concat("", [
	"distribution viewer security policy ",
	d.minimum_protocol_version,
	" accepts TLS older than 1.2; choose TLSv1.2_2021 or later",
]) if {
	is_string(d.minimum_protocol_version)
	regex.match(`^(SSLv3|TLSv1|TLSv1_2016|TLSv1\.1_2016)$`, d.minimum_protocol_version)
} else := "distribution viewer security policy is not shown to require TLS 1.2; choose TLSv1.2_2021 or later"

# METADATA
# title: CloudFront requires TLS 1.2 or later from viewers
# description: >-
#   A distribution must use its own certificate with a security policy of
#   TLSv1.2_* or TLSv1.3_*. The default *.cloudfront.net certificate always
#   accepts TLS 1.0.
# custom:
#   controls: [hipaa-164-312-e-2-ii]
#   evidence: [aws.cloudfront.distribution]
#   severity: medium
cloudfront_tls_minimum contains finding if {
	some distribution in input.evidence["aws.cloudfront.distribution"]
	d := _data(distribution)
	not _cf_modern_policy(d)
	finding := {
		"control": "hipaa-164-312-e-2-ii",
		"resource": distribution.subject,
		"message": _cf_tls_message(d),
		"severity": "medium",
	}
}

# METADATA
# title: CloudFront distributions write access logs
# description: >-
#   Standard logging (to S3, or a CloudWatch Logs delivery) must be on for
#   every distribution.
# custom:
#   controls: [hipaa-164-312-b]
#   evidence: [aws.cloudfront.distribution]
#   severity: medium
cloudfront_logging contains finding if {
	some distribution in input.evidence["aws.cloudfront.distribution"]
	not _data(distribution).logging_enabled == true
	finding := {
		"control": "hipaa-164-312-b",
		"resource": distribution.subject,
		"message": "distribution access logging is not shown to be on; enable standard logging",
		"severity": "medium",
	}
}

# METADATA
# title: API Gateway stages write access logs
# description: >-
#   Every REST, HTTP and WebSocket API stage must send access logs to a
#   destination (CloudWatch Logs or Firehose).
# custom:
#   controls: [hipaa-164-312-b]
#   evidence: [aws.apigateway.stage]
#   severity: medium
api_stage_access_logging contains finding if {
	some stage in input.evidence["aws.apigateway.stage"]
	not _data(stage).access_logging == true
	finding := {
		"control": "hipaa-164-312-b",
		"resource": stage.subject,
		"message": "API stage access logging is not shown to be on; set access log settings with a destination",
		"severity": "medium",
	}
}

_api_tls_message(d) := concat("", [
	"custom domain security policy accepts TLS ",
	d.min_tls_version,
	"; use TLS_1_2 or a SecurityPolicy_TLS13_* policy",
]) if {
	d.min_tls_version in {"1.0", "1.1"}
} else := "custom domain minimum TLS version is not shown to be 1.2 or later; use TLS_1_2 or a SecurityPolicy_TLS13_* policy"

# METADATA
# title: API Gateway custom domains require TLS 1.2 or later
# description: >-
#   A custom domain's security policy must accept no TLS older than 1.2
#   (TLS_1_2 or an enhanced SecurityPolicy_*).
# custom:
#   controls: [hipaa-164-312-e-2-ii]
#   evidence: [aws.apigateway.domain]
#   severity: medium
api_domain_tls_minimum contains finding if {
	some domain in input.evidence["aws.apigateway.domain"]
	d := _data(domain)
	not d.min_tls_version in {"1.2", "1.3"}
	finding := {
		"control": "hipaa-164-312-e-2-ii",
		"resource": domain.subject,
		"message": _api_tls_message(d),
		"severity": "medium",
	}
}
