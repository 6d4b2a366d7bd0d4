"""The noncompliant example, fixed: the hipaa-cac policy pack reports nothing.

    pulumi preview --policy-pack "$(hipaa-cac pulumi pack-dir)"

Access logs and CloudTrail files go to the organisation's central log
buckets (outside this stack), named in config.
"""

import json

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
access_logs = config.get("accessLogBucket") or "org-s3-access-logs"
trail_logs = config.get("trailBucket") or "org-cloudtrail-logs"

key = aws.kms.Key("phi", description="ePHI at rest", enable_key_rotation=True)

records = aws.s3.Bucket("phi-records")
aws.s3.BucketServerSideEncryptionConfiguration(
    "phi-records",
    bucket=records.id,
    rules=[
        aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
            apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                sse_algorithm="aws:kms", kms_master_key_id=key.arn
            ),
            bucket_key_enabled=True,
        )
    ],
)
aws.s3.BucketPublicAccessBlock(
    "phi-records",
    bucket=records.id,
    block_public_acls=True,
    ignore_public_acls=True,
    block_public_policy=True,
    restrict_public_buckets=True,
)
aws.s3.BucketVersioning(
    "phi-records",
    bucket=records.id,
    versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
)
aws.s3.BucketLogging(
    "phi-records", bucket=records.id, target_bucket=access_logs, target_prefix="phi-records/"
)
aws.s3.BucketPolicy(
    "phi-records",
    bucket=records.id,
    policy=records.arn.apply(
        lambda arn: json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "DenyInsecureTransport",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": [arn, f"{arn}/*"],
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    }
                ],
            }
        )
    ),
)

tls = aws.rds.ParameterGroup(
    "patients-db",
    family="postgres16",
    parameters=[aws.rds.ParameterGroupParameterArgs(name="rds.force_ssl", value="1")],
)
aws.rds.Instance(
    "patients-db",
    engine="postgres",
    engine_version="16.4",
    instance_class="db.t4g.micro",
    allocated_storage=20,
    username="app",
    manage_master_user_password=True,
    storage_encrypted=True,
    kms_key_id=key.arn,
    publicly_accessible=False,
    backup_retention_period=14,
    deletion_protection=True,
    parameter_group_name=tls.name,
)

# PostgreSQL from the VPC only; no SSH or RDP at all (use SSM Session Manager).
aws.ec2.SecurityGroup(
    "db",
    description="database access from the VPC",
    ingress=[
        aws.ec2.SecurityGroupIngressArgs(
            protocol="tcp", from_port=5432, to_port=5432, cidr_blocks=["10.0.0.0/16"]
        )
    ],
)

trail_group = aws.cloudwatch.LogGroup("audit", retention_in_days=365, kms_key_id=key.arn)
trail_role = aws.iam.Role(
    "audit-to-cloudwatch",
    assume_role_policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    ),
)
aws.cloudtrail.Trail(
    "audit",
    s3_bucket_name=trail_logs,
    is_multi_region_trail=True,
    enable_logging=True,
    enable_log_file_validation=True,
    kms_key_id=key.arn,
    cloud_watch_logs_group_arn=trail_group.arn.apply(lambda arn: f"{arn}:*"),
    cloud_watch_logs_role_arn=trail_role.arn,
)
