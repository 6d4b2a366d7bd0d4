package hipaa.technical.phi_logging

import rego.v1

# rego-cpp (regopy 1.5.2) aborts on some `with input as {literal}` shapes:
# bind `with` values to locals and override input's fields one by one.

_controls := {"hipaa-164-312-b", "hipaa-164-502-b", "hipaa-164-514"}

_repo := "git:github.com/acme/api"

_statement(path, line, category) := {
	"subject": concat("", [_repo, "/", path, ":", format_int(line, 10), "#", category]),
	"data": {
		"repository": _repo, "path": path, "line": line, "rule": "phi-log-field",
		"category": category, "message": "logging call passes patient.ssn", "language": "python",
	},
}

_config(path, line, rule, category) := {
	"subject": concat("", [_repo, "/", path, ":", format_int(line, 10), "#", category]),
	"data": {
		"repository": _repo, "path": path, "line": line, "rule": rule,
		"category": category, "message": "LOG_LEVEL=DEBUG in a production file",
	},
}

_sample(path, line, type) := {
	"subject": concat("", ["logs:", path, ":", format_int(line, 10), "#", type]),
	"data": {
		"path": path, "line": line, "rule": concat("", ["safe-harbor-", type]),
		"identifier_type": type, "fingerprint": "fp:0f1e2d3c4b5a69788796a5b4c3d2e1f0",
		"message": "a Social Security number",
	},
}

_code_findings(items) := fs if {
	ev := {"phi.log_statement": items}
	fs := phi_not_logged_in_code with input.evidence as ev
}

_debug_findings(items) := fs if {
	ev := {"phi.logging_config": items}
	fs := debug_logging_off_in_production with input.evidence as ev
}

_body_findings(items) := fs if {
	ev := {"phi.logging_config": items}
	fs := request_bodies_not_logged with input.evidence as ev
}

_sample_findings(items) := fs if {
	ev := {"phi.log_sample": items}
	fs := log_samples_free_of_phi with input.evidence as ev
}

# phi_not_logged_in_code

test_no_statements_no_finding if {
	count(_code_findings([])) == 0
}

test_logged_phi_yields_one_finding_per_control if {
	fs := _code_findings([_statement("app/views.py", 42, "ssn")])
	count(fs) == 3
	{f.control | some f in fs} == _controls
	every f in fs {
		f.resource == "git:github.com/acme/api/app/views.py:42#ssn"
		f.severity == "high"
		f.message == "app/views.py:42 logs PHI (ssn); log an internal identifier (a record or request id) instead, never the value"
	}
}

test_each_statement_is_a_finding if {
	fs := _code_findings([
		_statement("app/views.py", 42, "ssn"),
		_statement("web/src/api.ts", 7, "request_body"),
		_statement("app/models.py", 3, "date_of_birth"),
	])
	count(fs) == 9
	count({f.resource | some f in fs}) == 3
}

test_statement_with_missing_fields_still_fails if {
	fs := _code_findings([
		{"subject": "git:local/api/x.py:1#ssn", "data": null},
		{"subject": "git:local/api/y.py:2#ssn"},
		{"subject": "git:local/api/z.py:3#ssn", "data": {"path": "z.py", "line": "3", "category": 5}},
	])
	count(fs) == 9
	{f.message | some f in fs} == {
		"(unknown location) logs PHI (unknown category); log an internal identifier (a record or request id) instead, never the value",
		"z.py logs PHI (unknown category); log an internal identifier (a record or request id) instead, never the value",
	}
}

test_messages_never_quote_evidence_text if {
	fs := _code_findings([_statement("app/views.py", 42, "ssn")])
	every f in fs {
		not contains(f.message, "patient.ssn")
	}
}

# debug_logging_off_in_production / request_bodies_not_logged

test_debug_logging_is_medium_and_not_body_logging if {
	items := [_config("config/production.yaml", 12, "debug-logging-production", "log_level")]
	debug := _debug_findings(items)
	count(debug) == 3
	{f.control | some f in debug} == _controls
	every f in debug {
		f.resource == "git:github.com/acme/api/config/production.yaml:12#log_level"
		f.severity == "medium"
		f.message == "config/production.yaml:12 enables debug logging in production (log_level); set the production log level to info or higher"
	}
	count(_body_findings(items)) == 0
}

test_body_logging_is_high_and_not_debug if {
	items := [_config("config/settings.py", 30, "body-logging", "request_body")]
	body := _body_findings(items)
	count(body) == 3
	{f.control | some f in body} == _controls
	every f in body {
		f.severity == "high"
		f.message == "config/settings.py:30 enables request or response body logging (request_body); turn body logging off in production and log request ids instead"
	}
	count(_debug_findings(items)) == 0
}

test_unknown_or_missing_config_rule_fails_closed_as_body_logging if {
	items := [
		_config("config/prod.ini", 4, "verbose-tracing", "trace"),
		{"subject": "git:local/api/a.yaml:1#x", "data": null},
		{"subject": "git:local/api/b.yaml:1#x"},
	]
	body := _body_findings(items)
	count(body) == 9
	some f in body
	f.resource == "git:github.com/acme/api/config/prod.ini:4#trace"
	f.message == "config/prod.ini:4 enables logging that may capture PHI (trace); turn body logging off in production and log request ids instead"
	count(_debug_findings(items)) == 0
}

test_no_config_detections_no_finding if {
	count(_debug_findings([])) == 0
	count(_body_findings([])) == 0
}

# log_samples_free_of_phi

test_identifier_in_sample_is_critical if {
	fs := _sample_findings([_sample("log-samples/api-2026-11-19.log", 3, "ssn")])
	count(fs) == 3
	{f.control | some f in fs} == _controls
	every f in fs {
		f.resource == "logs:log-samples/api-2026-11-19.log:3#ssn"
		f.severity == "critical"
		f.message == "log-samples/api-2026-11-19.log:3 holds a Safe Harbor identifier (ssn); stop logging it at the source, then purge or restrict access to the affected logs"
	}
}

test_sample_message_never_carries_the_fingerprint if {
	fs := _sample_findings([_sample("a.log", 1, "email"), _sample("a.log", 2, "phone")])
	count(fs) == 6
	every f in fs {
		not contains(f.message, "fp:")
		not contains(f.message, "Social Security")
	}
}

test_sample_with_missing_fields_still_fails if {
	fs := _sample_findings([{"subject": "logs:a.log:1#ssn", "data": null}, {"subject": "logs:b.log:1#ssn", "data": {"path": "b.log"}}])
	count(fs) == 6
	{f.message | some f in fs} == {
		"(unknown location) holds a Safe Harbor identifier (unknown identifier type); stop logging it at the source, then purge or restrict access to the affected logs",
		"b.log holds a Safe Harbor identifier (unknown identifier type); stop logging it at the source, then purge or restrict access to the affected logs",
	}
}

test_no_samples_no_finding if {
	count(_sample_findings([])) == 0
}
