# Data backup plan, 45 CFR 164.308(a)(7)(ii)(A), for AWS data stores:
# DynamoDB point-in-time recovery, and AWS Backup plans that select every
# RDS database and DynamoDB table.
package hipaa.administrative.aws_backups

import rego.v1

_data(item) := item.data if {
	is_object(item.data)
} else := {}

_label(item, field) := name if {
	name := _data(item)[field]
	is_string(name)
	name != ""
} else := item.subject

_backup_finding(item, message, severity) := {
	"control": "hipaa-164-308-a-7-ii-a",
	"resource": item.subject,
	"message": message,
	"severity": severity,
}

# Region and account of an ARN (arn:partition:service:region:account:...).
_scope(arn) := [parts[3], parts[4]] if {
	is_string(arn)
	parts := split(arn, ":")
	count(parts) > 5
}

# AWS Backup patterns use * as the only wildcard; anything else glob would
# read as syntax is compared literally. Delimiters null: * also spans dots
# (DynamoDB table names may hold them); [] would mean the default ["."].
_matches(pattern, arn) if {
	is_string(pattern)
	pattern == arn
}

_matches(pattern, arn) if {
	is_string(pattern)
	is_string(arn)
	not regex.match(`[\[\]{}?\\]`, pattern)
	glob.match(pattern, null, arn)
}

_excluded(selection, arn) if {
	some pattern in selection.not_resources
	_matches(pattern, arn)
}

# A selection covers a resource it names by ARN or pattern. One that also
# tests tags (conditions) cannot be checked without the tags, so it does not
# count; neither does one whose exclusions are unknown.
_covers(selection, arn) if {
	is_array(selection.resources)
	is_array(selection.not_resources)
	selection.conditions == []
	some pattern in selection.resources
	_matches(pattern, arn)
	not _excluded(selection, arn)
}

# Backup plans are regional: a plan selects resources of its own account and region.
_in_backup_plan(item) if {
	scope := _scope(item.subject)
	some plan in object.get(input.evidence, "aws.backup.plan", [])
	_scope(plan.subject) == scope
	is_array(_data(plan).rules)
	count(_data(plan).rules) > 0
	is_array(_data(plan).selections)
	some selection in _data(plan).selections
	_covers(selection, item.subject)
}

_cluster_member(db) if {
	id := _data(db).cluster_identifier
	is_string(id)
	id != ""
}

_not_in_plan := " is not selected by any AWS Backup plan with rules in its account and region (selections that test tags cannot be checked); add it to a backup plan by ARN"

# METADATA
# title: DynamoDB tables have point-in-time recovery
# description: Point-in-time recovery (continuous backups) must be on for every DynamoDB table.
# custom:
#   controls: [hipaa-164-308-a-7-ii-a]
#   evidence: [aws.dynamodb.table]
#   severity: high
dynamodb_point_in_time_recovery contains finding if {
	some table in input.evidence["aws.dynamodb.table"]
	not _data(table).point_in_time_recovery == true
	msg := concat("", ["DynamoDB table ", _label(table, "name"), " has no point-in-time recovery (or it was not shown); turn on point-in-time recovery"])
	finding := _backup_finding(table, msg, "high")
}

# METADATA
# title: AWS Backup plans cover RDS instances
# description: >-
#   Every standalone RDS DB instance must be selected by an AWS Backup plan
#   of its account and region (cluster members are covered through their
#   cluster).
# custom:
#   controls: [hipaa-164-308-a-7-ii-a]
#   evidence: [aws.rds.instance, aws.backup.plan]
#   severity: medium
databases_in_backup_plan contains finding if {
	some db in input.evidence["aws.rds.instance"]
	not _cluster_member(db)
	not _in_backup_plan(db)
	finding := _backup_finding(db, concat("", ["DB instance ", _label(db, "identifier"), _not_in_plan]), "medium")
}

# METADATA
# title: AWS Backup plans cover RDS clusters
# description: Every RDS DB cluster must be selected by an AWS Backup plan of its account and region.
# custom:
#   controls: [hipaa-164-308-a-7-ii-a]
#   evidence: [aws.rds.cluster, aws.backup.plan]
#   severity: medium
database_clusters_in_backup_plan contains finding if {
	some cluster in input.evidence["aws.rds.cluster"]
	not _in_backup_plan(cluster)
	finding := _backup_finding(cluster, concat("", ["DB cluster ", _label(cluster, "identifier"), _not_in_plan]), "medium")
}

# METADATA
# title: AWS Backup plans cover DynamoDB tables
# description: Every DynamoDB table must be selected by an AWS Backup plan of its account and region.
# custom:
#   controls: [hipaa-164-308-a-7-ii-a]
#   evidence: [aws.dynamodb.table, aws.backup.plan]
#   severity: medium
tables_in_backup_plan contains finding if {
	some table in input.evidence["aws.dynamodb.table"]
	not _in_backup_plan(table)
	finding := _backup_finding(table, concat("", ["DynamoDB table ", _label(table, "name"), _not_in_plan]), "medium")
}
