"""A stack the hipaa-cac policy pack must refuse (pulumi-aws v7 style).

    pulumi config set --secret dbPassword <a password>
    pulumi preview --policy-pack "$(hipaa-cac pulumi pack-dir)"

Each resource carries the violations it should get (docs/pulumi.md).
"""

import pulumi
import pulumi_aws as aws

config = pulumi.Config()

# 164.312(a)(1): ACL public-read and Block Public Access off. 164.312(a)(2)(iv):
# no default encryption. 164.312(b): no access log. 164.312(c)(1): no
# versioning. 164.312(e)(1): no policy denying plain HTTP.
records = aws.s3.Bucket("phi-records")
aws.s3.BucketPublicAccessBlock(
    "phi-records",
    bucket=records.id,
    block_public_acls=False,
    ignore_public_acls=False,
    block_public_policy=False,
    restrict_public_buckets=False,
)
aws.s3.BucketAcl("phi-records", bucket=records.id, acl="public-read")

# Public, unencrypted, no backups, no deletion protection, TLS not required.
aws.rds.Instance(
    "patients-db",
    engine="postgres",
    engine_version="16.4",
    instance_class="db.t4g.micro",
    allocated_storage=20,
    username="app",
    password=config.require_secret("dbPassword"),
    storage_encrypted=False,
    publicly_accessible=True,
    backup_retention_period=0,
    skip_final_snapshot=True,
)

# SSH and PostgreSQL from anywhere inline, RDP from anywhere as its own rule.
admin = aws.ec2.SecurityGroup(
    "admin",
    description="admin access",
    ingress=[
        aws.ec2.SecurityGroupIngressArgs(
            protocol="tcp", from_port=22, to_port=22, cidr_blocks=["0.0.0.0/0"]
        ),
        aws.ec2.SecurityGroupIngressArgs(
            protocol="tcp", from_port=5432, to_port=5432, cidr_blocks=["0.0.0.0/0"]
        ),
    ],
)
aws.vpc.SecurityGroupIngressRule(
    "rdp",
    security_group_id=admin.id,
    ip_protocol="tcp",
    from_port=3389,
    to_port=3389,
    cidr_ipv4="0.0.0.0/0",
)

# One region, not logging, no KMS key, no CloudWatch Logs, no validation.
aws.cloudtrail.Trail(
    "audit",
    s3_bucket_name="org-cloudtrail-logs",
    is_multi_region_trail=False,
    enable_logging=False,
)
