"""Content tests for the HIPAA control catalog in `controls/`.

These pin the catalog to the regulation: every Security Rule standard and
implementation specification of 45 CFR 164.308-164.316 (as tabulated in NIST
SP 800-66r2), the business associate duties of the Breach Notification and
Privacy Rules, the enforcement duties of 160.310 and 160.316, and which Rego
rules decide which controls.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[1]
CONTROLS_DIR = ROOT / "controls"
SCHEMA_PATH = ROOT / "hipaa_cac" / "schemas" / "control.schema.json"

SAFEGUARD_FOLDERS = (
    "administrative",
    "physical",
    "technical",
    "organizational",
    "documentation",
    "breach",
    "privacy",
    "enforcement",
)

# Key order the catalog is written in (the schema's order).
KEY_ORDER = (
    "id",
    "version",
    "citation",
    "title",
    "safeguard",
    "type",
    "standard",
    "requirement",
    "owner",
    "rationale",
    "evidence",
    "checks",
    "attestation",
    "references",
)

# Safeguard of each regulation section.
SECTION_SAFEGUARD = {
    "164-308": "administrative",
    "164-310": "physical",
    "164-312": "technical",
    "164-314": "organizational",
    "164-316": "documentation",
    "164-410": "breach",
    "164-502": "privacy",
    "164-504": "privacy",
    "164-514": "privacy",
    "160-310": "enforcement",
    "160-316": "enforcement",
}
SECURITY_RULE_SECTIONS = ("164-308", "164-310", "164-312", "164-314", "164-316")

S, IS = "standard", "implementation_specification"
R, A = "required", "addressable"

# The Security Rule's standards and implementation specifications, following
# the table of NIST SP 800-66r2 (section 5): id -> (type, requirement).
SECURITY_RULE: dict[str, tuple[str, str]] = {
    # 164.308 Administrative safeguards
    "hipaa-164-308-a-1-i": (S, R),
    "hipaa-164-308-a-1-ii-a": (IS, R),
    "hipaa-164-308-a-1-ii-b": (IS, R),
    "hipaa-164-308-a-1-ii-c": (IS, R),
    "hipaa-164-308-a-1-ii-d": (IS, R),
    "hipaa-164-308-a-2": (S, R),
    "hipaa-164-308-a-3-i": (S, R),
    "hipaa-164-308-a-3-ii-a": (IS, A),
    "hipaa-164-308-a-3-ii-b": (IS, A),
    "hipaa-164-308-a-3-ii-c": (IS, A),
    "hipaa-164-308-a-4-i": (S, R),
    "hipaa-164-308-a-4-ii-a": (IS, R),
    "hipaa-164-308-a-4-ii-b": (IS, A),
    "hipaa-164-308-a-4-ii-c": (IS, A),
    "hipaa-164-308-a-5-i": (S, R),
    "hipaa-164-308-a-5-ii-a": (IS, A),
    "hipaa-164-308-a-5-ii-b": (IS, A),
    "hipaa-164-308-a-5-ii-c": (IS, A),
    "hipaa-164-308-a-5-ii-d": (IS, A),
    "hipaa-164-308-a-6-i": (S, R),
    "hipaa-164-308-a-6-ii": (IS, R),
    "hipaa-164-308-a-7-i": (S, R),
    "hipaa-164-308-a-7-ii-a": (IS, R),
    "hipaa-164-308-a-7-ii-b": (IS, R),
    "hipaa-164-308-a-7-ii-c": (IS, R),
    "hipaa-164-308-a-7-ii-d": (IS, A),
    "hipaa-164-308-a-7-ii-e": (IS, A),
    "hipaa-164-308-a-8": (S, R),
    "hipaa-164-308-b-1": (S, R),
    "hipaa-164-308-b-3": (IS, R),
    # 164.310 Physical safeguards
    "hipaa-164-310-a-1": (S, R),
    "hipaa-164-310-a-2-i": (IS, A),
    "hipaa-164-310-a-2-ii": (IS, A),
    "hipaa-164-310-a-2-iii": (IS, A),
    "hipaa-164-310-a-2-iv": (IS, A),
    "hipaa-164-310-b": (S, R),
    "hipaa-164-310-c": (S, R),
    "hipaa-164-310-d-1": (S, R),
    "hipaa-164-310-d-2-i": (IS, R),
    "hipaa-164-310-d-2-ii": (IS, R),
    "hipaa-164-310-d-2-iii": (IS, A),
    "hipaa-164-310-d-2-iv": (IS, A),
    # 164.312 Technical safeguards
    "hipaa-164-312-a-1": (S, R),
    "hipaa-164-312-a-2-i": (IS, R),
    "hipaa-164-312-a-2-ii": (IS, R),
    "hipaa-164-312-a-2-iii": (IS, A),
    "hipaa-164-312-a-2-iv": (IS, A),
    "hipaa-164-312-b": (S, R),
    "hipaa-164-312-c-1": (S, R),
    "hipaa-164-312-c-2": (IS, A),
    "hipaa-164-312-d": (S, R),
    "hipaa-164-312-e-1": (S, R),
    "hipaa-164-312-e-2-i": (IS, A),
    "hipaa-164-312-e-2-ii": (IS, A),
    # 164.314 Organizational requirements
    "hipaa-164-314-a-1": (S, R),
    "hipaa-164-314-a-2-i-a": (IS, R),
    "hipaa-164-314-a-2-i-b": (IS, R),
    "hipaa-164-314-a-2-i-c": (IS, R),
    "hipaa-164-314-a-2-ii": (IS, R),
    "hipaa-164-314-a-2-iii": (IS, R),
    "hipaa-164-314-b-1": (S, R),
    "hipaa-164-314-b-2-i": (IS, R),
    "hipaa-164-314-b-2-ii": (IS, R),
    "hipaa-164-314-b-2-iii": (IS, R),
    "hipaa-164-314-b-2-iv": (IS, R),
    # 164.316 Policies and procedures and documentation requirements
    "hipaa-164-316-a": (S, R),
    "hipaa-164-316-b-1": (S, R),
    "hipaa-164-316-b-2-i": (IS, R),
    "hipaa-164-316-b-2-ii": (IS, R),
    "hipaa-164-316-b-2-iii": (IS, R),
}

# Business associate duties outside the Security Rule: id -> safeguard.
OTHER_REQUIREMENTS = {
    "hipaa-164-410-a": "breach",
    "hipaa-164-410-b": "breach",
    "hipaa-164-410-c": "breach",
    "hipaa-164-502-a-3": "privacy",
    "hipaa-164-502-b": "privacy",
    "hipaa-164-502-e": "privacy",
    "hipaa-164-504-e": "privacy",
    "hipaa-164-514": "privacy",
    "hipaa-160-310": "enforcement",
    "hipaa-160-316": "enforcement",
}

# The policy library's decision rules: rule -> (controls it decides, kinds it reads).
CHECKS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "data.hipaa.technical.access_control.s3_block_public_access": (
        frozenset({"hipaa-164-312-a-1"}),
        frozenset({"aws.s3.bucket"}),
    ),
    # GCP and Azure: what has no provider-neutral shape.
    "data.hipaa.technical.azure.activity_log_exported": (
        frozenset({"hipaa-164-312-b"}),
        frozenset({"azure.monitor.activity_log"}),
    ),
    "data.hipaa.technical.azure.defender_plans_enabled": (
        frozenset({"hipaa-164-308-a-1-ii-d", "hipaa-164-308-a-6-ii"}),
        frozenset({"azure.subscription", "azure.defender.plan"}),
    ),
    "data.hipaa.technical.azure.key_rotation": (
        frozenset({"hipaa-164-312-a-2-iv"}),
        frozenset({"azure.keyvault.key"}),
    ),
    "data.hipaa.technical.azure.key_vault_recoverable": (
        frozenset({"hipaa-164-312-c-1"}),
        frozenset({"azure.keyvault.vault"}),
    ),
    "data.hipaa.technical.azure.sql_server_auditing": (
        frozenset({"hipaa-164-312-b"}),
        frozenset({"azure.sql.server"}),
    ),
    "data.hipaa.technical.azure.sql_tls_minimum": (
        frozenset({"hipaa-164-312-e-2-ii"}),
        frozenset({"azure.sql.server"}),
    ),
    "data.hipaa.technical.azure.storage_blob_public_access_disabled": (
        frozenset({"hipaa-164-312-a-1"}),
        frozenset({"azure.storage.account"}),
    ),
    "data.hipaa.technical.azure.storage_https_only": (
        frozenset({"hipaa-164-312-e-1"}),
        frozenset({"azure.storage.account"}),
    ),
    "data.hipaa.technical.azure.storage_tls_minimum": (
        frozenset({"hipaa-164-312-e-2-ii"}),
        frozenset({"azure.storage.account"}),
    ),
    "data.hipaa.technical.gcp.data_access_audit_logs": (
        frozenset({"hipaa-164-312-b"}),
        frozenset({"gcp.logging.audit_config"}),
    ),
    "data.hipaa.technical.gcp.iam_member_domains_restricted": (
        frozenset({"hipaa-164-312-a-1"}),
        frozenset({"gcp.orgpolicy.policy"}),
    ),
    "data.hipaa.technical.gcp.kms_key_rotation": (
        frozenset({"hipaa-164-312-a-2-iv"}),
        frozenset({"gcp.kms.key"}),
    ),
    "data.hipaa.technical.gcp.logs_retained": (
        frozenset({"hipaa-164-312-b"}),
        frozenset({"gcp.project", "gcp.logging.sink", "gcp.logging.bucket"}),
    ),
    "data.hipaa.technical.gcp.service_account_keys_rotated": (
        frozenset({"hipaa-164-308-a-5-ii-d"}),
        frozenset({"gcp.iam.service_account"}),
    ),
    "data.hipaa.technical.gcp.sql_backups_enabled": (
        frozenset({"hipaa-164-308-a-7-ii-a"}),
        frozenset({"gcp.sql.instance"}),
    ),
    "data.hipaa.technical.gcp.storage_public_access_prevention": (
        frozenset({"hipaa-164-312-a-1"}),
        frozenset({"gcp.orgpolicy.policy"}),
    ),
    "data.hipaa.technical.gcp.uniform_bucket_level_access": (
        frozenset({"hipaa-164-312-a-1"}),
        frozenset({"gcp.storage.bucket"}),
    ),
    # Cross-cloud: the provider-neutral kinds every cloud collector writes.
    "data.hipaa.technical.cloud.object_storage_private": (
        frozenset({"hipaa-164-312-a-1"}),
        frozenset({"cloud.object_storage"}),
    ),
    "data.hipaa.technical.cloud.object_storage_encrypted": (
        frozenset({"hipaa-164-312-a-2-iv"}),
        frozenset({"cloud.object_storage"}),
    ),
    "data.hipaa.technical.cloud.object_storage_access_logged": (
        frozenset({"hipaa-164-312-b"}),
        frozenset({"cloud.object_storage"}),
    ),
    "data.hipaa.technical.cloud.database_encrypted": (
        frozenset({"hipaa-164-312-a-2-iv"}),
        frozenset({"cloud.database"}),
    ),
    "data.hipaa.technical.cloud.database_requires_tls": (
        frozenset({"hipaa-164-312-e-1"}),
        frozenset({"cloud.database"}),
    ),
    "data.hipaa.technical.cloud.database_not_public": (
        frozenset({"hipaa-164-312-a-1"}),
        frozenset({"cloud.database"}),
    ),
    "data.hipaa.technical.cloud.network_admin_ports_closed": (
        frozenset({"hipaa-164-312-a-1", "hipaa-164-312-e-1"}),
        frozenset({"cloud.network_rule"}),
    ),
    "data.hipaa.technical.access_control.unique_user_ids": (
        frozenset({"hipaa-164-312-a-2-i"}),
        frozenset({"idp.user"}),
    ),
    "data.hipaa.technical.access_control.automatic_logoff": (
        frozenset({"hipaa-164-312-a-2-iii"}),
        frozenset({"idp.session_policy"}),
    ),
    "data.hipaa.technical.audit.audit_trail_enabled": (
        frozenset({"hipaa-164-312-b"}),
        frozenset({"aws.account", "aws.cloudtrail.trail"}),
    ),
    "data.hipaa.technical.integrity.storage_versioning": (
        frozenset({"hipaa-164-312-c-1"}),
        frozenset({"aws.s3.bucket"}),
    ),
    "data.hipaa.technical.integrity.audit_log_validation": (
        frozenset({"hipaa-164-312-c-2"}),
        frozenset({"aws.cloudtrail.trail"}),
    ),
    "data.hipaa.technical.authentication.users_have_mfa": (
        frozenset({"hipaa-164-312-d"}),
        frozenset({"idp.user"}),
    ),
    "data.hipaa.technical.authentication.conditional_access_requires_mfa": (
        frozenset({"hipaa-164-312-d"}),
        frozenset({"idp.session_policy"}),
    ),
    "data.hipaa.technical.transmission.listeners_use_tls": (
        frozenset({"hipaa-164-312-e-1"}),
        frozenset({"aws.elbv2.listener"}),
    ),
    "data.hipaa.technical.transmission.storage_requires_tls": (
        frozenset({"hipaa-164-312-e-1"}),
        frozenset({"aws.s3.bucket"}),
    ),
    "data.hipaa.technical.transmission.tls_minimum_version": (
        frozenset({"hipaa-164-312-e-2-ii"}),
        frozenset({"aws.elbv2.listener"}),
    ),
    "data.hipaa.administrative.contingency.database_backups": (
        frozenset({"hipaa-164-308-a-7-ii-a"}),
        frozenset({"aws.rds.instance"}),
    ),
    "data.hipaa.administrative.workforce.training_current": (
        frozenset({"hipaa-164-308-a-5-i"}),
        frozenset({"attestation.training"}),
    ),
    "data.hipaa.organizational.business_associates.baa_current": (
        frozenset({"hipaa-164-308-b-1", "hipaa-164-314-a-1", "hipaa-164-502-e", "hipaa-164-504-e"}),
        frozenset({"attestation.baa"}),
    ),
    "data.hipaa.organizational.business_associates.subprocessor_baa": (
        frozenset({"hipaa-164-308-b-1", "hipaa-164-314-a-1", "hipaa-164-502-e", "hipaa-164-504-e"}),
        frozenset({"inventory.third_party", "attestation.baa"}),
    ),
    "data.hipaa.technical.phi_logging.phi_not_logged_in_code": (
        frozenset({"hipaa-164-312-b", "hipaa-164-502-b", "hipaa-164-514"}),
        frozenset({"phi.log_statement"}),
    ),
    "data.hipaa.technical.phi_logging.debug_logging_off_in_production": (
        frozenset({"hipaa-164-312-b", "hipaa-164-502-b", "hipaa-164-514"}),
        frozenset({"phi.logging_config"}),
    ),
    "data.hipaa.technical.phi_logging.request_bodies_not_logged": (
        frozenset({"hipaa-164-312-b", "hipaa-164-502-b", "hipaa-164-514"}),
        frozenset({"phi.logging_config"}),
    ),
    "data.hipaa.technical.phi_logging.log_samples_free_of_phi": (
        frozenset({"hipaa-164-312-b", "hipaa-164-502-b", "hipaa-164-514"}),
        frozenset({"phi.log_sample"}),
    ),
    "data.hipaa.technical.secrets.no_committed_secrets": (
        frozenset({"hipaa-164-312-d", "hipaa-164-308-a-5-ii-d"}),
        frozenset({"secrets.finding"}),
    ),
    "data.hipaa.technical.secrets.no_sensitive_files_tracked": (
        frozenset({"hipaa-164-312-d", "hipaa-164-308-a-5-ii-d"}),
        frozenset({"git.repository"}),
    ),
    "data.hipaa.technical.secrets.secret_files_ignored": (
        frozenset({"hipaa-164-308-a-5-ii-d"}),
        frozenset({"git.repository"}),
    ),
    "data.hipaa.technical.secrets.host_secret_scanning": (
        frozenset({"hipaa-164-308-a-5-ii-d"}),
        frozenset({"git.hosted_settings"}),
    ),
    "data.hipaa.technical.change_control.codeowners_cover_all": (
        frozenset({"hipaa-164-312-c-1"}),
        frozenset({"git.repository"}),
    ),
    "data.hipaa.technical.change_control.default_branch_protected": (
        frozenset({"hipaa-164-312-c-1"}),
        frozenset({"git.hosted_settings"}),
    ),
    "data.hipaa.technical.change_control.commits_signed": (
        frozenset({"hipaa-164-312-c-2"}),
        frozenset({"git.repository"}),
    ),
    "data.hipaa.administrative.malware_protection.dependency_alerts_enabled": (
        frozenset({"hipaa-164-308-a-5-ii-b"}),
        frozenset({"git.hosted_settings"}),
    ),
    "data.hipaa.administrative.aws_backups.database_clusters_in_backup_plan": (
        frozenset({"hipaa-164-308-a-7-ii-a"}),
        frozenset({"aws.backup.plan", "aws.rds.cluster"}),
    ),
    "data.hipaa.administrative.aws_backups.databases_in_backup_plan": (
        frozenset({"hipaa-164-308-a-7-ii-a"}),
        frozenset({"aws.backup.plan", "aws.rds.instance"}),
    ),
    "data.hipaa.administrative.aws_backups.dynamodb_point_in_time_recovery": (
        frozenset({"hipaa-164-308-a-7-ii-a"}),
        frozenset({"aws.dynamodb.table"}),
    ),
    "data.hipaa.administrative.aws_backups.tables_in_backup_plan": (
        frozenset({"hipaa-164-308-a-7-ii-a"}),
        frozenset({"aws.backup.plan", "aws.dynamodb.table"}),
    ),
    "data.hipaa.technical.aws_compute.ebs_default_encryption": (
        frozenset({"hipaa-164-312-a-2-iv"}),
        frozenset({"aws.ec2.ebs_encryption_default"}),
    ),
    "data.hipaa.technical.aws_compute.instances_require_imdsv2": (
        frozenset({"hipaa-164-312-a-1"}),
        frozenset({"aws.ec2.instance"}),
    ),
    "data.hipaa.technical.aws_compute.snapshots_encrypted": (
        frozenset({"hipaa-164-312-a-2-iv"}),
        frozenset({"aws.ec2.snapshot"}),
    ),
    "data.hipaa.technical.aws_compute.snapshots_not_public": (
        frozenset({"hipaa-164-312-a-1"}),
        frozenset({"aws.ec2.snapshot"}),
    ),
    "data.hipaa.technical.aws_compute.volumes_encrypted": (
        frozenset({"hipaa-164-312-a-2-iv"}),
        frozenset({"aws.ec2.volume"}),
    ),
    "data.hipaa.technical.aws_credentials.access_keys_rotated": (
        frozenset({"hipaa-164-308-a-5-ii-d"}),
        frozenset({"aws.iam.user"}),
    ),
    "data.hipaa.technical.aws_credentials.inactive_users_removed": (
        frozenset({"hipaa-164-308-a-3-ii-c", "hipaa-164-308-a-4-ii-c"}),
        frozenset({"aws.iam.user"}),
    ),
    "data.hipaa.technical.aws_credentials.unused_access_keys_removed": (
        frozenset({"hipaa-164-308-a-3-ii-c", "hipaa-164-308-a-4-ii-c"}),
        frozenset({"aws.iam.user"}),
    ),
    "data.hipaa.technical.aws_data_in_transit.opensearch_encrypts_in_transit": (
        frozenset({"hipaa-164-312-e-1"}),
        frozenset({"aws.opensearch.domain"}),
    ),
    "data.hipaa.technical.aws_data_in_transit.opensearch_tls_minimum_version": (
        frozenset({"hipaa-164-312-e-2-ii"}),
        frozenset({"aws.opensearch.domain"}),
    ),
    "data.hipaa.technical.aws_data_in_transit.redshift_requires_tls": (
        frozenset({"hipaa-164-312-e-1"}),
        frozenset({"aws.redshift.cluster"}),
    ),
    "data.hipaa.technical.aws_data_stores.account_public_access_blocked": (
        frozenset({"hipaa-164-312-a-1"}),
        frozenset({"aws.s3.account_public_access_block"}),
    ),
    "data.hipaa.technical.aws_data_stores.backup_vault_encrypted": (
        frozenset({"hipaa-164-312-a-2-iv"}),
        frozenset({"aws.backup.vault"}),
    ),
    "data.hipaa.technical.aws_data_stores.database_cluster_deletion_protection": (
        frozenset({"hipaa-164-312-c-1"}),
        frozenset({"aws.rds.cluster"}),
    ),
    "data.hipaa.technical.aws_data_stores.database_deletion_protection": (
        frozenset({"hipaa-164-312-c-1"}),
        frozenset({"aws.rds.instance"}),
    ),
    "data.hipaa.technical.aws_data_stores.dynamodb_deletion_protection": (
        frozenset({"hipaa-164-312-c-1"}),
        frozenset({"aws.dynamodb.table"}),
    ),
    "data.hipaa.technical.aws_data_stores.dynamodb_encrypted_at_rest": (
        frozenset({"hipaa-164-312-a-2-iv"}),
        frozenset({"aws.dynamodb.table"}),
    ),
    "data.hipaa.technical.aws_data_stores.opensearch_encrypted_at_rest": (
        frozenset({"hipaa-164-312-a-2-iv"}),
        frozenset({"aws.opensearch.domain"}),
    ),
    "data.hipaa.technical.aws_data_stores.opensearch_not_public": (
        frozenset({"hipaa-164-312-a-1"}),
        frozenset({"aws.opensearch.domain"}),
    ),
    "data.hipaa.technical.aws_data_stores.redshift_audit_logging": (
        frozenset({"hipaa-164-312-b"}),
        frozenset({"aws.redshift.cluster"}),
    ),
    "data.hipaa.technical.aws_data_stores.redshift_encrypted_at_rest": (
        frozenset({"hipaa-164-312-a-2-iv"}),
        frozenset({"aws.redshift.cluster"}),
    ),
    "data.hipaa.technical.aws_data_stores.redshift_not_public": (
        frozenset({"hipaa-164-312-a-1"}),
        frozenset({"aws.redshift.cluster"}),
    ),
    "data.hipaa.technical.aws_identity.console_users_mfa": (
        frozenset({"hipaa-164-312-d"}),
        frozenset({"aws.iam.user"}),
    ),
    "data.hipaa.technical.aws_identity.no_custom_admin_policies": (
        frozenset({"hipaa-164-308-a-4-ii-b", "hipaa-164-312-a-1"}),
        frozenset({"aws.iam.policy"}),
    ),
    "data.hipaa.technical.aws_identity.no_direct_admin_users": (
        frozenset({"hipaa-164-308-a-4-ii-b", "hipaa-164-312-a-1"}),
        frozenset({"aws.iam.user"}),
    ),
    "data.hipaa.technical.aws_identity.password_policy_strong": (
        frozenset({"hipaa-164-308-a-5-ii-d"}),
        frozenset({"aws.iam.password_policy"}),
    ),
    "data.hipaa.technical.aws_identity.root_mfa_enabled": (
        frozenset({"hipaa-164-312-d"}),
        frozenset({"aws.iam.root"}),
    ),
    "data.hipaa.technical.aws_identity.root_no_access_keys": (
        frozenset({"hipaa-164-312-a-1"}),
        frozenset({"aws.iam.root"}),
    ),
    "data.hipaa.technical.aws_keys.kms_key_rotation": (
        frozenset({"hipaa-164-312-a-2-iv"}),
        frozenset({"aws.kms.key"}),
    ),
    "data.hipaa.technical.aws_keys.secrets_rotated": (
        frozenset({"hipaa-164-308-a-5-ii-d"}),
        frozenset({"aws.secretsmanager.secret"}),
    ),
    "data.hipaa.technical.aws_monitoring.config_recording": (
        frozenset({"hipaa-164-312-b"}),
        frozenset({"aws.config.recorder"}),
    ),
    "data.hipaa.technical.aws_monitoring.guardduty_enabled": (
        frozenset({"hipaa-164-308-a-1-ii-d", "hipaa-164-308-a-6-ii"}),
        frozenset({"aws.guardduty.detector"}),
    ),
    "data.hipaa.technical.aws_monitoring.log_group_kms": (
        frozenset({"hipaa-164-312-b"}),
        frozenset({"aws.logs.log_group"}),
    ),
    "data.hipaa.technical.aws_monitoring.log_group_retention": (
        frozenset({"hipaa-164-312-b"}),
        frozenset({"aws.logs.log_group"}),
    ),
    "data.hipaa.technical.aws_monitoring.securityhub_enabled": (
        frozenset({"hipaa-164-308-a-1-ii-d"}),
        frozenset({"aws.securityhub.hub"}),
    ),
    "data.hipaa.technical.aws_monitoring.trail_cloudwatch_delivery": (
        frozenset({"hipaa-164-312-b"}),
        frozenset({"aws.cloudtrail.trail"}),
    ),
    "data.hipaa.technical.aws_monitoring.trail_kms_encrypted": (
        frozenset({"hipaa-164-312-b"}),
        frozenset({"aws.cloudtrail.trail"}),
    ),
    "data.hipaa.technical.aws_network.api_domain_tls_minimum": (
        frozenset({"hipaa-164-312-e-2-ii"}),
        frozenset({"aws.apigateway.domain"}),
    ),
    "data.hipaa.technical.aws_network.api_stage_access_logging": (
        frozenset({"hipaa-164-312-b"}),
        frozenset({"aws.apigateway.stage"}),
    ),
    "data.hipaa.technical.aws_network.classic_load_balancer_access_logs": (
        frozenset({"hipaa-164-312-b"}),
        frozenset({"aws.elb.load_balancer"}),
    ),
    "data.hipaa.technical.aws_network.classic_load_balancer_tls": (
        frozenset({"hipaa-164-312-e-1"}),
        frozenset({"aws.elb.load_balancer"}),
    ),
    "data.hipaa.technical.aws_network.cloudfront_logging": (
        frozenset({"hipaa-164-312-b"}),
        frozenset({"aws.cloudfront.distribution"}),
    ),
    "data.hipaa.technical.aws_network.cloudfront_origin_https": (
        frozenset({"hipaa-164-312-e-1"}),
        frozenset({"aws.cloudfront.distribution"}),
    ),
    "data.hipaa.technical.aws_network.cloudfront_tls_minimum": (
        frozenset({"hipaa-164-312-e-2-ii"}),
        frozenset({"aws.cloudfront.distribution"}),
    ),
    "data.hipaa.technical.aws_network.cloudfront_viewer_https": (
        frozenset({"hipaa-164-312-e-1"}),
        frozenset({"aws.cloudfront.distribution"}),
    ),
    "data.hipaa.technical.aws_network.load_balancer_access_logs": (
        frozenset({"hipaa-164-312-b"}),
        frozenset({"aws.elbv2.load_balancer"}),
    ),
    "data.hipaa.technical.aws_network.vpc_flow_logs_enabled": (
        frozenset({"hipaa-164-312-b"}),
        frozenset({"aws.ec2.vpc"}),
    ),
    "data.hipaa.technical.access_control.break_glass_documented": (
        frozenset({"hipaa-164-312-a-2-ii"}),
        frozenset({"idp.user", "attestation.emergency_access"}),
    ),
    "data.hipaa.administrative.workforce_access.terminated_accounts_disabled": (
        frozenset({"hipaa-164-308-a-3-ii-c"}),
        frozenset({"idp.user", "attestation.workforce_roster"}),
    ),
    "data.hipaa.administrative.workforce_access.accounts_belong_to_workforce": (
        frozenset({"hipaa-164-308-a-4-ii-c"}),
        frozenset(
            {
                "idp.user",
                "attestation.workforce_roster",
                "attestation.access_management",
                "attestation.emergency_access",
            }
        ),
    ),
    "data.hipaa.administrative.workforce_access.privileged_access_reviewed": (
        frozenset({"hipaa-164-308-a-4-ii-c"}),
        frozenset({"idp.user", "attestation.access_review"}),
    ),
    "data.hipaa.administrative.workforce_access.workforce_trained": (
        frozenset({"hipaa-164-308-a-5-i"}),
        frozenset({"attestation.workforce_roster", "idp.user", "attestation.training"}),
    ),
}

# Controls that carry a person's attestation on top of their machine checks
# (what no rule can see: the backup plan's scope, the BAA's terms).
EXTRA_ATTESTATIONS = {
    "hipaa-164-308-a-1-ii-d": "attestation.information_system_activity_review",
    "hipaa-164-308-a-3-ii-c": "attestation.termination_procedure",
    "hipaa-164-308-a-4-ii-b": "attestation.access_management",
    "hipaa-164-308-a-4-ii-c": "attestation.access_management",
    "hipaa-164-308-a-5-ii-b": "attestation.malware_protection",
    "hipaa-164-308-a-5-ii-d": "attestation.password_management",
    "hipaa-164-308-a-6-ii": "attestation.incident_response",
    "hipaa-164-308-a-7-ii-a": "attestation.contingency_plan",
    "hipaa-164-312-a-2-ii": "attestation.emergency_access",
    "hipaa-164-502-b": "attestation.minimum_necessary",
    "hipaa-164-504-e": "attestation.policies_procedures",
    "hipaa-164-514": "attestation.deidentification",
}

# Controls changed since the first catalog release, at their current version.
REVISED = {
    "hipaa-164-308-a-1-ii-d": "1.2.0",
    "hipaa-164-308-a-3-ii-c": "1.2.0",
    "hipaa-164-308-a-4-ii-b": "1.1.0",
    "hipaa-164-308-a-4-ii-c": "1.2.0",
    "hipaa-164-308-a-5-i": "1.1.0",
    "hipaa-164-308-a-5-ii-b": "1.1.0",
    "hipaa-164-308-a-5-ii-d": "1.3.0",
    "hipaa-164-308-a-6-ii": "1.2.0",
    "hipaa-164-308-a-7-ii-a": "1.2.0",
    "hipaa-164-308-b-1": "1.1.0",
    "hipaa-164-312-a-1": "1.3.0",
    "hipaa-164-312-a-2-ii": "1.1.0",
    "hipaa-164-312-a-2-iv": "1.3.0",
    "hipaa-164-312-b": "1.4.0",
    "hipaa-164-312-c-1": "1.3.0",
    "hipaa-164-314-a-1": "1.1.0",
    "hipaa-164-502-e": "1.1.0",
    "hipaa-164-504-e": "1.1.0",
    "hipaa-164-312-c-2": "1.1.0",
    "hipaa-164-312-d": "1.3.0",
    "hipaa-164-312-e-1": "1.3.0",
    "hipaa-164-312-e-2-ii": "1.2.0",
    "hipaa-164-502-b": "1.1.0",
    "hipaa-164-514": "1.1.0",
}

# How fresh machine evidence must be: code and repository settings a week,
# log samples (exported by hand) a month, cloud and identity state a day.
MAX_AGE = {
    "git.repository": "7d",
    "git.hosted_settings": "7d",
    "secrets.finding": "7d",
    "phi.log_statement": "7d",
    "phi.logging_config": "7d",
    "phi.log_sample": "30d",
    "inventory.third_party": "7d",
}

# docs/evidence-kinds.md, "Attestation types the catalog uses".
ATTESTATION_TYPES = frozenset(
    {
        "risk_analysis",
        "risk_management_plan",
        "sanctions_policy",
        "information_system_activity_review",
        "security_official",
        "workforce_security",
        "termination_procedure",
        "access_management",
        "security_awareness",
        "malware_protection",
        "login_monitoring",
        "password_management",
        "incident_response",
        "contingency_plan",
        "contingency_plan_test",
        "evaluation",
        "baa",
        "facility_access",
        "workstation_use",
        "workstation_security",
        "device_media_controls",
        "emergency_access",
        "policies_procedures",
        "documentation_retention",
        "breach_notification_procedure",
        "minimum_necessary",
        "deidentification",
        "training",
        "permitted_uses",
        "enforcement_cooperation",
    }
)
# Record-shaped attestation kinds (docs/evidence-kinds.md): evidence for rules,
# not a statement a person signs, so never a control's `attestation`.
RECORD_ATTESTATIONS = frozenset(
    {
        "attestation.baa",
        "attestation.training",
        "attestation.workforce_roster",
        "attestation.access_review",
    }
)

CITATION = re.compile(r"^45 CFR (1[0-9]{2})\.([0-9]{3})((?:\([A-Za-z0-9]+\))*)$")


# --------------------------------------------------------------------------
# Loading


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate mapping keys (PyYAML keeps the last)."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return dict(loader.construct_pairs(node))


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _load_catalog() -> tuple[dict[Path, Any], dict[Path, str]]:
    """Parsed files, and the files that did not parse with the reason."""
    parsed: dict[Path, Any] = {}
    broken: dict[Path, str] = {}
    for path in sorted(CONTROLS_DIR.glob("**/*.yaml")):
        try:
            parsed[path] = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            broken[path] = str(exc)
    return parsed, broken


CATALOG, BROKEN = _load_catalog()
FILES = sorted(CATALOG)


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.fixture(scope="module")
def controls() -> dict[str, dict[str, Any]]:
    """Controls by id (ids are checked unique separately)."""
    return {
        data["id"]: data for data in CATALOG.values() if isinstance(data, dict) and "id" in data
    }


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _section(control_id: str) -> str:
    """'hipaa-164-312-a-2-iv' -> '164-312'."""
    return "-".join(control_id.split("-")[1:3])


def _id_from_citation(citation: str) -> str:
    match = CITATION.match(citation)
    assert match, f"citation {citation!r} is not of the form '45 CFR 164.312(a)(2)(iv)'"
    part, section, paragraphs = match.groups()
    return "-".join(["hipaa", part, section, *re.findall(r"\(([^)]+)\)", paragraphs.lower())])


# --------------------------------------------------------------------------
# Files and schema


def test_catalog_files_exist_only_in_safeguard_folders() -> None:
    assert FILES, "no controls/**/*.yaml found"
    for path in FILES:
        rel = path.relative_to(CONTROLS_DIR)
        assert len(rel.parts) == 2 and rel.parts[0] in SAFEGUARD_FOLDERS, (
            f"{_rel(path)}: controls live in controls/<safeguard>/<id>.yaml"
        )
    strays = [p for p in CONTROLS_DIR.glob("**/*") if p.is_file() and p.suffix != ".yaml"]
    assert not strays, f"files the loader would skip: {[_rel(p) for p in strays]}"


def test_every_file_parses() -> None:
    assert not BROKEN, "\n".join(f"{_rel(path)}: {reason}" for path, reason in BROKEN.items())


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_control_validates_against_schema(path: Path, validator: Draft202012Validator) -> None:
    errors = sorted(validator.iter_errors(CATALOG[path]), key=lambda e: list(e.absolute_path))
    assert not errors, f"{_rel(path)}:\n" + "\n".join(
        f"  {'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in errors
    )


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_control_layout(path: Path) -> None:
    data = CATALOG[path]
    assert isinstance(data, dict), f"{_rel(path)}: not a mapping"
    assert data["id"] == path.stem, f"{_rel(path)}: id {data['id']!r} does not match file name"
    assert data["id"] == _id_from_citation(data["citation"]), (
        f"{_rel(path)}: id is not derived from citation {data['citation']!r}"
    )
    assert path.parent.name == data["safeguard"], f"{_rel(path)}: folder is not its safeguard"
    section = _section(data["id"])
    assert SECTION_SAFEGUARD.get(section) == data["safeguard"], (
        f"{_rel(path)}: section {section} belongs in {SECTION_SAFEGUARD.get(section)}"
    )
    keys = list(data)
    assert keys == [k for k in KEY_ORDER if k in data], f"{_rel(path)}: keys out of order: {keys}"
    assert data["version"] == REVISED.get(data["id"], "1.0.0")
    text = path.read_text(encoding="utf-8")
    assert re.search(r"^rationale: >-$", text, re.MULTILINE), (
        f"{_rel(path)}: write rationale as folded text (rationale: >-)"
    )


def test_ids_are_unique() -> None:
    counts = Counter(data["id"] for data in CATALOG.values())
    duplicates = sorted(cid for cid, n in counts.items() if n > 1)
    assert not duplicates, f"duplicate control ids: {duplicates}"


# --------------------------------------------------------------------------
# Structure of the Security Rule


def test_implementation_specifications_name_a_standard_of_their_section(
    controls: dict[str, dict[str, Any]],
) -> None:
    for cid, control in controls.items():
        if control["type"] != IS:
            assert "standard" not in control, (
                f"{cid}: only implementation specifications name a standard"
            )
            continue
        parent_id = control.get("standard")
        assert parent_id in controls, f"{cid}: standard {parent_id!r} does not exist"
        parent = controls[parent_id]
        assert parent["type"] == S, f"{cid}: {parent_id} is a {parent['type']}, not a standard"
        assert _section(parent_id) == _section(cid), (
            f"{cid}: standard {parent_id} is in another section"
        )
        assert parent_id.split("-")[3] == cid.split("-")[3], (
            f"{cid}: standard {parent_id} is under another paragraph"
        )


def test_standards_and_other_requirements_are_required(controls: dict[str, dict[str, Any]]) -> None:
    for cid, control in controls.items():
        if control["type"] != IS:
            assert control["requirement"] == R, f"{cid}: a {control['type']} is required"


def test_security_rule_counts(controls: dict[str, dict[str, Any]]) -> None:
    security = [c for c in controls.values() if _section(c["id"]) in SECURITY_RULE_SECTIONS]
    standards = [c for c in security if c["type"] == S]
    specs = [c for c in security if c["type"] == IS]
    assert len(standards) == 22
    assert len(specs) == 48
    assert sum(c["requirement"] == R for c in specs) == 26
    assert sum(c["requirement"] == A for c in specs) == 22
    assert len(security) == 70, (
        "Security Rule controls are standards or implementation specifications"
    )


def test_security_rule_matches_nist_table(controls: dict[str, dict[str, Any]]) -> None:
    actual = {
        cid: (c["type"], c["requirement"])
        for cid, c in controls.items()
        if _section(cid) in SECURITY_RULE_SECTIONS
    }
    missing = sorted(set(SECURITY_RULE) - set(actual))
    extra = sorted(set(actual) - set(SECURITY_RULE))
    wrong = sorted(
        cid for cid in set(actual) & set(SECURITY_RULE) if actual[cid] != SECURITY_RULE[cid]
    )
    assert not missing, f"missing Security Rule controls: {missing}"
    assert not extra, f"unexpected Security Rule controls: {extra}"
    assert not wrong, "wrong type/requirement: " + ", ".join(
        f"{cid} is {actual[cid]}, expected {SECURITY_RULE[cid]}" for cid in wrong
    )


def test_breach_privacy_and_enforcement_requirements_exist(
    controls: dict[str, dict[str, Any]],
) -> None:
    for cid, safeguard in OTHER_REQUIREMENTS.items():
        assert cid in controls, f"missing {cid}"
        control = controls[cid]
        assert control["type"] == "requirement", f"{cid}: type must be requirement"
        assert control["safeguard"] == safeguard, f"{cid}: safeguard must be {safeguard}"
        assert control["requirement"] == R, f"{cid}: must be required"
    others = {cid for cid in controls if _section(cid) not in SECURITY_RULE_SECTIONS}
    assert others == set(OTHER_REQUIREMENTS), (
        f"unexpected controls: {sorted(others - set(OTHER_REQUIREMENTS))}"
    )


def test_addressable_rationale_says_the_decision_is_documented(
    controls: dict[str, dict[str, Any]],
) -> None:
    for cid, control in controls.items():
        if control["requirement"] != A:
            continue
        rationale = " ".join(control["rationale"].split()).lower()
        for phrase in ("document", "alternative measure", "not reasonable and appropriate"):
            assert phrase in rationale, f"{cid}: addressable rationale must mention {phrase!r}"


# --------------------------------------------------------------------------
# How controls are decided


def test_checks_are_the_policy_library_rules_on_the_listed_controls(
    controls: dict[str, dict[str, Any]],
) -> None:
    used: dict[str, set[str]] = {}
    for cid, control in controls.items():
        for rule in control["checks"]:
            assert rule in CHECKS, f"{cid}: unknown rule {rule}"
            used.setdefault(rule, set()).add(cid)
    for rule, (expected_controls, _) in CHECKS.items():
        assert used.get(rule, set()) == expected_controls, (
            f"{rule} must appear in exactly {sorted(expected_controls)}, "
            f"found in {sorted(used.get(rule, set()))}"
        )


def test_controls_list_the_evidence_their_rules_read(controls: dict[str, dict[str, Any]]) -> None:
    for cid, control in controls.items():
        kinds = [e["kind"] for e in control["evidence"]]
        assert len(kinds) == len(set(kinds)), f"{cid}: evidence kind listed twice"
        needed = (
            set().union(*(CHECKS[rule][1] for rule in control["checks"]))
            if control["checks"]
            else set()
        )
        assert set(kinds) == needed, (
            f"{cid}: evidence {sorted(kinds)} must be exactly what its rules read: {sorted(needed)}"
        )
        for item in control["evidence"]:
            kind = item["kind"]
            expected_age = "365d" if kind.startswith("attestation.") else MAX_AGE.get(kind, "1d")
            assert item["max_age"] == expected_age, (
                f"{cid}: {item['kind']} max_age must be {expected_age}"
            )


def test_attestations(controls: dict[str, dict[str, Any]]) -> None:
    for cid, control in controls.items():
        attestation = control.get("attestation")
        if not control["checks"]:
            assert control["evidence"] == [], f"{cid}: evidence without checks decides nothing"
            assert attestation, f"{cid}: a control without checks needs an attestation"
        elif cid in EXTRA_ATTESTATIONS:
            assert attestation and attestation["kind"] == EXTRA_ATTESTATIONS[cid], (
                f"{cid}: needs {EXTRA_ATTESTATIONS[cid]}"
            )
        else:
            assert not attestation, f"{cid}: decided by its checks; no extra attestation expected"
        if not attestation:
            continue
        kind = attestation["kind"]
        assert kind.removeprefix("attestation.") in ATTESTATION_TYPES, (
            f"{cid}: unknown attestation {kind}"
        )
        assert kind not in RECORD_ATTESTATIONS, f"{cid}: {kind} is a record kind, not a statement"
        assert kind != "attestation.addressable_decision", f"{cid}: the evaluator adds that itself"
        match = re.fullmatch(r"([1-9][0-9]*)d", attestation["max_age"])
        assert match and int(match.group(1)) <= 365, (
            f"{cid}: attestation max_age at most 365d, in days"
        )
        assert len(attestation["statement"].split()) >= 15, (
            f"{cid}: attestation statement is too vague"
        )


def test_activity_review_is_attested_quarterly(controls: dict[str, dict[str, Any]]) -> None:
    attestation = controls["hipaa-164-308-a-1-ii-d"]["attestation"]
    assert attestation["kind"] == "attestation.information_system_activity_review"
    assert attestation["max_age"] == "90d"


def test_owners_and_rationales(controls: dict[str, dict[str, Any]]) -> None:
    for cid, control in controls.items():
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", control["rationale"].strip()) if s]
        assert 1 <= len(sentences) <= 3, (
            f"{cid}: rationale should be 1-3 sentences, has {len(sentences)}"
        )
        assert control["title"] == control["title"].strip() and not control["title"].endswith(".")
