package hipaa.administrative.contingency

import rego.v1

# Fixtures go through `with input.evidence as`, never `with input as {...}`:
# regopy 1.5.2 crashes on the latter when the rule calls a built-in.

_dbs(datas) := {"aws.rds.instance": [item |
	some i in numbers.range(0, count(datas) - 1)
	item := {"subject": concat("", ["arn:aws:rds:us-east-1:1:db:d", format_int(i, 10)]), "data": datas[i]}
]}

test_backups_kept_a_week_or_more_have_no_finding if {
	count(database_backups) == 0 with input.evidence as _dbs([
		{"backup_retention_period": 7},
		{"backup_retention_period": 35},
	])
}

test_backups_off_or_short_are_found if {
	fs := database_backups with input.evidence as _dbs([
		{"backup_retention_period": 7},
		{"backup_retention_period": 0},
		{"backup_retention_period": 6},
	])
	count(fs) == 2
	fs == {
		{
			"control": "hipaa-164-308-a-7-ii-a",
			"resource": "arn:aws:rds:us-east-1:1:db:d1",
			"message": "automated backups are off; set a backup retention period of at least 7 days",
			"severity": "high",
		},
		{
			"control": "hipaa-164-308-a-7-ii-a",
			"resource": "arn:aws:rds:us-east-1:1:db:d2",
			"message": "automated backups are kept 6 days, fewer than 7; set a backup retention period of at least 7 days",
			"severity": "high",
		},
	}
}

test_backup_retention_unknown_fails_closed if {
	fs := database_backups with input.evidence as _dbs([
		{"backup_retention_period": null},
		{},
		null,
		{"backup_retention_period": "7"},
		{"backup_retention_period": -1},
	])
	count(fs) == 5
}
