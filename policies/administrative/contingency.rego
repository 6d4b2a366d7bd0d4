# Contingency plan: 45 CFR 164.308(a)(7).
package hipaa.administrative.contingency

import rego.v1

min_backup_retention_days := 7

_backup_problem(days) := "automated backups are off; set a backup retention period of at least 7 days" if days == 0

_backup_problem(days) := sprintf("automated backups are kept %v days, fewer than 7; set a backup retention period of at least 7 days", [days]) if {
	is_number(days)
	days > 0
	days < min_backup_retention_days
}

_backup_problem(days) := "automated backup retention was not shown; set a backup retention period of at least 7 days" if {
	not is_number(days)
}

_backup_problem(days) := "automated backup retention is negative; set a backup retention period of at least 7 days" if {
	is_number(days)
	days < 0
}

# METADATA
# title: RDS instances keep automated backups for at least 7 days
# description: >-
#   Automated backups must be on with a retention period of at least 7 days
#   (data backup plan).
# custom:
#   controls: [hipaa-164-308-a-7-ii-a]
#   evidence: [aws.rds.instance]
#   severity: high
database_backups contains finding if {
	some db in input.evidence["aws.rds.instance"]
	# object.get: a missing retention must reach the check as null.
	msg := _backup_problem(object.get(db, ["data", "backup_retention_period"], null))
	finding := {
		"control": "hipaa-164-308-a-7-ii-a",
		"resource": db.subject,
		"message": msg,
		"severity": "high",
	}
}
