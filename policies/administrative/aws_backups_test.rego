package hipaa.administrative.aws_backups

import rego.v1

# Fixtures go through `with input.evidence as`, never `with input as {...}`:
# regopy 1.5.2 crashes on the latter when the rule calls a built-in. One
# runner per rule keeps the `with` clauses few.

_db(name) := concat("", ["arn:aws:rds:us-east-1:111122223333:db:", name])

_cluster(name) := concat("", ["arn:aws:rds:us-east-1:111122223333:cluster:", name])

_table(name) := concat("", ["arn:aws:dynamodb:us-east-1:111122223333:table/", name])

_rule := {"name": "daily", "schedule": "cron(0 5 * * ? *)", "retention_days": 35, "vault": "v"}

_plan(subject, selections) := {
	"subject": subject,
	"data": {"name": "p", "region": "us-east-1", "rules": [_rule], "selections": selections},
}

_home_plan(selections) := _plan("arn:aws:backup:us-east-1:111122223333:backup-plan:p1", selections)

_selection(resources, not_resources) := {"name": "s", "resources": resources, "not_resources": not_resources, "conditions": []}

# dynamodb_point_in_time_recovery

_pitr(datas) := fs if {
	ev := {"aws.dynamodb.table": [item |
		some d in datas
		item := {"subject": _table(d.name), "data": d}
	]}
	fs := dynamodb_point_in_time_recovery with input.evidence as ev
}

test_table_with_point_in_time_recovery_has_no_finding if {
	count(_pitr([{"name": "good", "point_in_time_recovery": true}])) == 0
}

test_table_without_point_in_time_recovery_or_unknown_is_found if {
	fs := _pitr([
		{"name": "good", "point_in_time_recovery": true},
		{"name": "bad", "point_in_time_recovery": false},
		{"name": "unknown", "point_in_time_recovery": null},
		{"name": "missing"},
		{"name": "text", "point_in_time_recovery": "true"},
	])
	{f.resource | some f in fs} == {_table("bad"), _table("unknown"), _table("missing"), _table("text")}
	{
		"control": "hipaa-164-308-a-7-ii-a",
		"resource": _table("bad"),
		"message": "DynamoDB table bad has no point-in-time recovery (or it was not shown); turn on point-in-time recovery",
		"severity": "high",
	} in fs
}

# databases_in_backup_plan: the primary kind is aws.rds.instance; plans are context.

_databases(dbs, plans) := fs if {
	ev := {"aws.rds.instance": [item |
		some d in dbs
		item := {"subject": _db(d.identifier), "data": d}
	], "aws.backup.plan": plans}
	fs := databases_in_backup_plan with input.evidence as ev
}

test_databases_selected_by_arn_or_pattern_have_no_finding if {
	count(_databases(
		[
			{"identifier": "exact"},
			{"identifier": "by-pattern-1"},
			{"identifier": "member", "cluster_identifier": "aurora"},
		],
		[
			_home_plan([_selection([_db("exact")], [])]),
			_home_plan([_selection(["arn:aws:rds:*:*:db:by-pattern-*"], [])]),
		],
	)) == 0
}

test_everything_pattern_covers_all_databases_of_the_plan_scope if {
	count(_databases([{"identifier": "a"}, {"identifier": "b"}], [_home_plan([_selection(["*"], [])])])) == 0
}

test_databases_not_covered_are_found if {
	other_region := _plan("arn:aws:backup:us-west-2:111122223333:backup-plan:p2", [_selection(["*"], [])])
	other_account := _plan("arn:aws:backup:us-east-1:999999999999:backup-plan:p3", [_selection(["*"], [])])
	tagged := _home_plan([{"name": "t", "resources": ["*"], "not_resources": [], "conditions": [{"operator": "STRINGEQUALS", "key": "backup"}]}])
	excluded := _home_plan([_selection(["arn:aws:rds:us-east-1:111122223333:db:ex*"], [_db("excluded")])])
	no_rules := {"subject": "arn:aws:backup:us-east-1:111122223333:backup-plan:p4", "data": {"rules": [], "selections": [_selection([_db("no-rules")], [])]}}
	unknown := _home_plan(null)
	fs := _databases(
		[
			{"identifier": "elsewhere"},
			{"identifier": "tagged"},
			{"identifier": "excluded"},
			{"identifier": "no-rules"},
			{"identifier": "unlisted"},
		],
		[other_region, other_account, tagged, excluded, no_rules, unknown],
	)
	{f.resource | some f in fs} == {_db("elsewhere"), _db("tagged"), _db("excluded"), _db("no-rules"), _db("unlisted")}
	{
		"control": "hipaa-164-308-a-7-ii-a",
		"resource": _db("unlisted"),
		"message": "DB instance unlisted is not selected by any AWS Backup plan with rules in its account and region (selections that test tags cannot be checked); add it to a backup plan by ARN",
		"severity": "medium",
	} in fs
}

test_databases_with_no_plans_at_all_are_found if {
	ev := {"aws.rds.instance": [{"subject": _db("a"), "data": {"identifier": "a"}}, {"subject": _db("b"), "data": null}]}
	fs := databases_in_backup_plan with input.evidence as ev
	{f.resource | some f in fs} == {_db("a"), _db("b")}
}

# database_clusters_in_backup_plan

_clusters(clusters, plans) := fs if {
	ev := {"aws.rds.cluster": [item |
		some d in clusters
		item := {"subject": _cluster(d.identifier), "data": d}
	], "aws.backup.plan": plans}
	fs := database_clusters_in_backup_plan with input.evidence as ev
}

test_clusters_selected_have_no_finding if {
	count(_clusters([{"identifier": "aurora"}], [_home_plan([_selection(["arn:aws:rds:us-east-1:111122223333:cluster:*"], [])])])) == 0
}

test_clusters_not_selected_are_found if {
	fs := _clusters(
		[{"identifier": "aurora"}, {"identifier": "other"}],
		[_home_plan([_selection([_cluster("aurora"), _db("other")], [])])],
	)
	fs == {{
		"control": "hipaa-164-308-a-7-ii-a",
		"resource": _cluster("other"),
		"message": "DB cluster other is not selected by any AWS Backup plan with rules in its account and region (selections that test tags cannot be checked); add it to a backup plan by ARN",
		"severity": "medium",
	}}
}

# tables_in_backup_plan

_tables(tables, plans) := fs if {
	ev := {"aws.dynamodb.table": [item |
		some d in tables
		item := {"subject": _table(d.name), "data": d}
	], "aws.backup.plan": plans}
	fs := tables_in_backup_plan with input.evidence as ev
}

test_tables_selected_have_no_finding if {
	count(_tables(
		[{"name": "patients"}, {"name": "visits.v2"}],
		[_home_plan([_selection(["arn:aws:dynamodb:*:*:table/*"], [])])],
	)) == 0
}

test_tables_not_selected_or_with_odd_patterns_are_found if {
	fs := _tables(
		[{"name": "patients"}, {"name": "visits"}, {"name": "notes"}],
		[_home_plan([
			_selection([_table("patients"), "arn:aws:dynamodb:*:*:table/[a-z]*", null, 7], []),
			{"name": "broken", "resources": "*", "not_resources": []},
		])],
	)
	{f.resource | some f in fs} == {_table("visits"), _table("notes")}
	some f in fs
	f.resource == _table("visits")
	startswith(f.message, "DynamoDB table visits is not selected by any AWS Backup plan")
}
