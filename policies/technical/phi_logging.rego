# PHI in logs: 45 CFR 164.312(b) audit controls, 164.502(b) minimum necessary,
# 164.514 (logs are not de-identified while they hold Safe Harbor identifiers).
#
# Every item of phi.log_statement, phi.logging_config and phi.log_sample is a
# detection, so every item is a finding (one per control the rule decides).
# Messages are built from paths, lines and categories only: never from the
# evidence's own message text, and never from a fingerprint.
package hipaa.technical.phi_logging

import rego.v1

phi_log_controls := ["hipaa-164-312-b", "hipaa-164-502-b", "hipaa-164-514"]

# An item's data as an object: null or missing data reads as {} (every field
# missing), so lookups never see null under strict built-in errors.
_data(item) := item.data if {
	is_object(item.data)
} else := {}

_text(d, field) := d[field] if {
	is_string(d[field])
	d[field] != ""
}

# path:line, or as much of it as the item shows.
_where(d) := concat(":", [_text(d, "path"), format_int(d.line, 10)]) if {
	_text(d, "path")
	is_number(d.line)
} else := _text(d, "path") if {
	_text(d, "path")
} else := "(unknown location)"

_category(d) := _text(d, "category") if {
	_text(d, "category")
} else := "unknown category"

_identifier_type(d) := _text(d, "identifier_type") if {
	_text(d, "identifier_type")
} else := "unknown identifier type"

# METADATA
# title: Code does not log PHI
# description: >-
#   Each phi.log_statement item is a logging call that passes a PHI field, a
#   patient object or a request body; every one is a finding. Log an internal
#   identifier instead of the value.
# custom:
#   controls: [hipaa-164-312-b, hipaa-164-502-b, hipaa-164-514]
#   evidence: [phi.log_statement]
#   severity: high
phi_not_logged_in_code contains finding if {
	some item in input.evidence["phi.log_statement"]
	d := _data(item)
	message := concat("", [
		_where(d), " logs PHI (", _category(d),
		"); log an internal identifier (a record or request id) instead, never the value",
	])
	some control in phi_log_controls
	finding := {
		"control": control,
		"resource": item.subject,
		"message": message,
		"severity": "high",
	}
}

# METADATA
# title: Production logging is not at debug level
# description: >-
#   Each phi.logging_config item with rule debug-logging-production is a
#   production logging configuration at debug level, which tends to write
#   whole records and payloads; every one is a finding.
# custom:
#   controls: [hipaa-164-312-b, hipaa-164-502-b, hipaa-164-514]
#   evidence: [phi.logging_config]
#   severity: medium
debug_logging_off_in_production contains finding if {
	some item in input.evidence["phi.logging_config"]
	d := _data(item)
	d.rule == "debug-logging-production"
	message := concat("", [
		_where(d), " enables debug logging in production (", _category(d),
		"); set the production log level to info or higher",
	])
	some control in phi_log_controls
	finding := {
		"control": control,
		"resource": item.subject,
		"message": message,
		"severity": "medium",
	}
}

# Any other logging_config detection (body-logging, or a rule this module
# does not know) counts as body logging: fail closed to the higher severity.
_body_logging_problem(d) := "enables request or response body logging" if {
	d.rule == "body-logging"
} else := "enables logging that may capture PHI"

# METADATA
# title: Request and response bodies are not logged
# description: >-
#   Each phi.logging_config item other than debug-logging-production (rule
#   body-logging, or one this policy does not know) is a configuration that
#   logs request or response bodies, which carry PHI; every one is a finding.
# custom:
#   controls: [hipaa-164-312-b, hipaa-164-502-b, hipaa-164-514]
#   evidence: [phi.logging_config]
#   severity: high
request_bodies_not_logged contains finding if {
	some item in input.evidence["phi.logging_config"]
	d := _data(item)
	not d.rule == "debug-logging-production"
	message := concat("", [
		_where(d), " ", _body_logging_problem(d), " (", _category(d),
		"); turn body logging off in production and log request ids instead",
	])
	some control in phi_log_controls
	finding := {
		"control": control,
		"resource": item.subject,
		"message": message,
		"severity": "high",
	}
}

# METADATA
# title: Sample logs hold no Safe Harbor identifiers
# description: >-
#   Each phi.log_sample item is a Safe Harbor identifier found in an exported
#   log sample: PHI is reaching the logs. Every one is a finding; the message
#   names the file, line and identifier type only.
# custom:
#   controls: [hipaa-164-312-b, hipaa-164-502-b, hipaa-164-514]
#   evidence: [phi.log_sample]
#   severity: critical
log_samples_free_of_phi contains finding if {
	some item in input.evidence["phi.log_sample"]
	d := _data(item)
	message := concat("", [
		_where(d), " holds a Safe Harbor identifier (", _identifier_type(d),
		"); stop logging it at the source, then purge or restrict access to the affected logs",
	])
	some control in phi_log_controls
	finding := {
		"control": control,
		"resource": item.subject,
		"message": message,
		"severity": "critical",
	}
}
