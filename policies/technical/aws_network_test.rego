package hipaa.technical.aws_network

import rego.v1

# Fixtures go through `with input.evidence as`, never `with input as {...}`.

# vpc_flow_logs_enabled

test_vpc_flow_logs if {
	ev := {"aws.ec2.vpc": [
		{"subject": "vpc/on", "data": {"flow_logs_enabled": true}},
		{"subject": "vpc/off", "data": {"flow_logs_enabled": false, "is_default": true}},
		{"subject": "vpc/null", "data": {"flow_logs_enabled": null}},
		{"subject": "vpc/none", "data": null},
	]}
	fs := vpc_flow_logs_enabled with input.evidence as ev
	{f.resource | some f in fs} == {"vpc/off", "vpc/null", "vpc/none"}
	every f in fs {
		f.control == "hipaa-164-312-b"
		f.severity == "medium"
	}
}

# load_balancer_access_logs, classic_load_balancer_access_logs

test_load_balancer_access_logs if {
	ev := {
		"aws.elbv2.load_balancer": [
			{"subject": "alb/on", "data": {"type": "application", "access_logs_enabled": true}},
			{"subject": "alb/off", "data": {"type": "application", "access_logs_enabled": false}},
			{"subject": "nlb/null", "data": {"type": "network", "access_logs_enabled": null}},
			{"subject": "gwlb", "data": {"type": "gateway", "access_logs_enabled": null}},
			{"subject": "lb/none", "data": null},
		],
		"aws.elb.load_balancer": [
			{"subject": "clb/on", "data": {"access_logs_enabled": true}},
			{"subject": "clb/off", "data": {"access_logs_enabled": false}},
			{"subject": "clb/none"},
		],
	}
	fs := load_balancer_access_logs with input.evidence as ev
	{f.resource | some f in fs} == {"alb/off", "nlb/null", "lb/none"}
	classic := classic_load_balancer_access_logs with input.evidence as ev
	{f.resource | some f in classic} == {"clb/off", "clb/none"}
	every f in fs | classic {
		f.control == "hipaa-164-312-b"
		f.severity == "medium"
	}
}

# classic_load_balancer_tls

test_classic_load_balancer_tls if {
	ev := {"aws.elb.load_balancer": [
		{"subject": "clb/tls", "data": {"listeners": [{"protocol": "HTTPS", "port": 443}, {"protocol": "SSL", "port": 5432}]}},
		{"subject": "clb/empty", "data": {"listeners": []}},
		{"subject": "clb/http", "data": {"listeners": [{"protocol": "HTTPS", "port": 443}, {"protocol": "HTTP", "port": 80}, {"protocol": "TCP", "port": 8080}]}},
		{"subject": "clb/unknown", "data": {"listeners": [{"protocol": null}]}},
		{"subject": "clb/null", "data": {"listeners": null}},
		{"subject": "clb/none", "data": null},
	]}
	fs := classic_load_balancer_tls with input.evidence as ev
	{f.resource | some f in fs} == {"clb/http", "clb/unknown", "clb/null", "clb/none"}
	every f in fs {
		f.control == "hipaa-164-312-e-1"
		f.severity == "high"
	}
	some http in fs
	http.resource == "clb/http"
	http.message == "classic load balancer listeners on ports (80, 8080) are not HTTPS or SSL; switch them to HTTPS or SSL"
	some unknown in fs
	unknown.resource == "clb/unknown"
	contains(unknown.message, "ports (?) are not HTTPS")
}

# CloudFront

_dist(subject, d) := {"subject": subject, "data": d}

_good := {
	"viewer_protocol_policies": ["redirect-to-https", "https-only"],
	"minimum_protocol_version": "TLSv1.2_2021",
	"uses_default_certificate": false,
	"origin_protocol_policies": ["https-only"],
	"logging_enabled": true,
}

test_compliant_distribution_has_no_finding if {
	ev := {"aws.cloudfront.distribution": [
		_dist("cf/good", _good),
		_dist("cf/s3-only", object.union(_good, {"origin_protocol_policies": [], "minimum_protocol_version": "TLSv1.3_2025"})),
		_dist("cf/match", object.union(_good, {"origin_protocol_policies": ["match-viewer"]})),
	]}
	count(cloudfront_viewer_https | cloudfront_origin_https | cloudfront_tls_minimum | cloudfront_logging) == 0 with input.evidence as ev
}

test_distribution_problems_are_found if {
	ev := {"aws.cloudfront.distribution": [
		_dist("cf/good", _good),
		_dist("cf/bad", {
			"viewer_protocol_policies": ["https-only", "allow-all"],
			"minimum_protocol_version": "TLSv1",
			"uses_default_certificate": true,
			"origin_protocol_policies": ["https-only", "match-viewer"],
			"logging_enabled": false,
		}),
		_dist("cf/old", object.union(_good, {"minimum_protocol_version": "TLSv1.1_2016", "origin_protocol_policies": ["http-only"]})),
	]}
	viewer := cloudfront_viewer_https with input.evidence as ev
	{f.resource | some f in viewer} == {"cf/bad"}
	origin := cloudfront_origin_https with input.evidence as ev
	{f.resource | some f in origin} == {"cf/bad", "cf/old"}
	tls := cloudfront_tls_minimum with input.evidence as ev
	{f.resource | some f in tls} == {"cf/bad", "cf/old"}
	logging := cloudfront_logging with input.evidence as ev
	{f.resource | some f in logging} == {"cf/bad"}
	every f in viewer | origin {
		f.control == "hipaa-164-312-e-1"
		f.severity == "high"
	}
	every f in tls {
		f.control == "hipaa-164-312-e-2-ii"
		f.severity == "medium"
	}
	some default_cert in tls
	default_cert.resource == "cf/bad"
	contains(default_cert.message, "default *.cloudfront.net certificate")
	some old in tls
	old.resource == "cf/old"
	old.message == "distribution viewer security policy TLSv1.1_2016 accepts TLS older than 1.2; choose TLSv1.2_2021 or later"
	every f in logging {
		f.control == "hipaa-164-312-b"
	}
}

test_distribution_unknowns_fail_closed if {
	ev := {"aws.cloudfront.distribution": [
		_dist("cf/nulls", {
			"viewer_protocol_policies": null,
			"minimum_protocol_version": null,
			"uses_default_certificate": null,
			"origin_protocol_policies": null,
			"logging_enabled": null,
		}),
		_dist("cf/empty", {"viewer_protocol_policies": [], "origin_protocol_policies": [null]}),
		_dist("cf/none", null),
	]}
	viewer := cloudfront_viewer_https with input.evidence as ev
	count(viewer) == 3
	origin := cloudfront_origin_https with input.evidence as ev
	count(origin) == 3
	tls := cloudfront_tls_minimum with input.evidence as ev
	count(tls) == 3
	every f in tls {
		contains(f.message, "not shown to require TLS 1.2")
	}
	logging := cloudfront_logging with input.evidence as ev
	count(logging) == 3
}

# api_stage_access_logging, api_domain_tls_minimum

test_api_stage_access_logging if {
	ev := {"aws.apigateway.stage": [
		{"subject": "stage/on", "data": {"api_type": "REST", "access_logging": true}},
		{"subject": "stage/off", "data": {"api_type": "HTTP", "access_logging": false}},
		{"subject": "stage/null", "data": {"access_logging": null}},
		{"subject": "stage/none", "data": null},
	]}
	fs := api_stage_access_logging with input.evidence as ev
	{f.resource | some f in fs} == {"stage/off", "stage/null", "stage/none"}
	every f in fs {
		f.control == "hipaa-164-312-b"
		f.severity == "medium"
	}
}

test_api_domain_tls_minimum if {
	ev := {"aws.apigateway.domain": [
		{"subject": "d/12", "data": {"security_policy": "TLS_1_2", "min_tls_version": "1.2"}},
		{"subject": "d/13", "data": {"security_policy": "SecurityPolicy_TLS13_1_3_2025_09", "min_tls_version": "1.3"}},
		{"subject": "d/10", "data": {"security_policy": "TLS_1_0", "min_tls_version": "1.0"}},
		{"subject": "d/unknown", "data": {"security_policy": "Other", "min_tls_version": null}},
		{"subject": "d/number", "data": {"min_tls_version": 1.2}},
		{"subject": "d/none", "data": null},
	]}
	fs := api_domain_tls_minimum with input.evidence as ev
	{f.resource | some f in fs} == {"d/10", "d/unknown", "d/number", "d/none"}
	every f in fs {
		f.control == "hipaa-164-312-e-2-ii"
		f.severity == "medium"
	}
	some old in fs
	old.resource == "d/10"
	old.message == "custom domain security policy accepts TLS 1.0; use TLS_1_2 or a SecurityPolicy_TLS13_* policy"
	some unknown in fs
	unknown.resource == "d/unknown"
	contains(unknown.message, "not shown to be 1.2 or later")
}
