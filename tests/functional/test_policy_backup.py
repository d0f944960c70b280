"""The policy tier for the backup (ADR 0047): with a backup bucket named, what S3's replication
role may do, judged by the simulator (tests/support/policies.py) over infra/peluit.yaml's
rendered policies and infra/replica.yaml's (the backup account's bucket and key policies, as
that account deploys them). It reads versions of the case bucket for replication and writes
replicas to the backup only; it never reads objects plainly, writes or deletes in the case
bucket, or uses the case key outside S3; and the backup's key admits no other role."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, ClassVar

import pytest
from cfnlint.decode import decode_str  # type: ignore[import-untyped]

from tests.support import policies
from tests.support.policies import CASE_BUCKET, KEY_ARN, PARTITION, IamRequest

REPLICA = Path(__file__).resolve().parents[2] / "infra" / "replica.yaml"

pytestmark = [pytest.mark.functional, pytest.mark.policy]

BACKUP = "peluit-cases-backup"
BACKUP_ACCOUNT = "210987654321"
BACKUP_KEY_ID = "0d4c6a2e-8f1b-4e7a-b3c5-9a2f6e1d7c84"
BACKUP_KEY = f"arn:{PARTITION}:kms:{policies.REGION}:{BACKUP_ACCOUNT}:key/{BACKUP_KEY_ID}"
REPORT = "cases/8f3a2b1c4d5e6f70/report.age"
# CloudFormation names a role <stack>-<LogicalId>-<suffix>: the backup's policies match that
ROLE_ARN = f"arn:{PARTITION}:iam::{policies.ACCOUNT}:role/peluit-ReplicationRole-1Q2W3E4R5T6Y"
VIA_S3 = {
    "kms:ViaService": policies.S3_VIA,
    "aws:SecureTransport": "true",
    "aws:PrincipalArn": ROLE_ARN,
}


def _s3(label: str, action: str, bucket: str, key: str | None = None) -> IamRequest:
    resource = f"arn:{PARTITION}:s3:::{bucket}" + (f"/{key}" if key else "")
    context = {"aws:SecureTransport": "true", "aws:PrincipalArn": ROLE_ARN}
    return IamRequest(f"replication: {label}", "replication", action, resource, context)


ALLOWED = [
    _s3("reads the replication configuration", "s3:GetReplicationConfiguration", CASE_BUCKET),
    _s3("reads a version", "s3:GetObjectVersionForReplication", CASE_BUCKET, REPORT),
    _s3("reads a version's lock", "s3:GetObjectRetention", CASE_BUCKET, REPORT),
    _s3("writes a replica", "s3:ReplicateObject", BACKUP, REPORT),
    IamRequest(
        "replication: decrypts with the case key through S3",
        "replication",
        "kms:Decrypt",
        KEY_ARN,
        VIA_S3,
    ),
    IamRequest(
        "replication: encrypts with the backup's key (its policy in the backup account)",
        "replication",
        "kms:GenerateDataKey",
        BACKUP_KEY,
        VIA_S3,
    ),
]
REFUSED = [
    _s3("reads a report plainly", "s3:GetObject", CASE_BUCKET, REPORT),
    _s3("writes into the case bucket", "s3:PutObject", CASE_BUCKET, REPORT),
    _s3("deletes a version", "s3:DeleteObjectVersion", CASE_BUCKET, REPORT),
    _s3("bypasses a lock", "s3:BypassGovernanceRetention", CASE_BUCKET, REPORT),
    _s3("changes the replication", "s3:PutReplicationConfiguration", CASE_BUCKET),
    _s3("replicates a deletion", "s3:ReplicateDelete", BACKUP, REPORT),
    _s3("writes a replica elsewhere", "s3:ReplicateObject", "someone-elses-bucket", REPORT),
    IamRequest(
        "replication: decrypts with the case key directly",
        "replication",
        "kms:Decrypt",
        KEY_ARN,
        {"aws:SecureTransport": "true", "kms:CallerAccount": policies.ACCOUNT},
    ),
    IamRequest(  # review S1 (low): only S3 may use the backup's key for the role
        "replication: encrypts with the backup's key directly, not through S3",
        "replication",
        "kms:GenerateDataKey",
        BACKUP_KEY,
        {"aws:SecureTransport": "true", "aws:PrincipalArn": ROLE_ARN},
    ),
    IamRequest(
        "replication: encrypts with the backup's key through S3 of another region",
        "replication",
        "kms:Encrypt",
        BACKUP_KEY,
        {**VIA_S3, "kms:ViaService": "s3.us-east-1.amazonaws.com"},
    ),
    IamRequest(
        "public: encrypts with the backup's key",
        "public",
        "kms:GenerateDataKey",
        BACKUP_KEY,
        {
            **VIA_S3,
            "aws:PrincipalArn": ROLE_ARN.replace("ReplicationRole", "PublicFunctionRole"),
        },
    ),
]


class _BackupAccount(policies._Resolver):
    _PSEUDO: ClassVar[dict[str, str]] = {
        **policies._Resolver._PSEUDO,
        "AWS::AccountId": BACKUP_ACCOUNT,
    }


def _replica_policies() -> tuple[dict[str, Any], dict[str, Any]]:
    """infra/replica.yaml's key policy and bucket policy, deployed in the backup account."""
    template, problems = decode_str(REPLICA.read_text(encoding="utf-8"))
    assert not problems
    resolver = _BackupAccount(
        template,
        {
            "ReplicaBucketName": BACKUP,
            "SourceAccountId": policies.ACCOUNT,
            "SourceStackName": "peluit",
        },
    )
    resources = template["Resources"]
    key = resolver.resolve(resources["ReplicaKey"]["Properties"]["KeyPolicy"])
    bucket = resolver.resolve(resources["ReplicaBucketPolicy"]["Properties"]["PolicyDocument"])
    return key, bucket


@pytest.fixture(scope="module")
def rendered() -> policies.Rendered:
    source = policies.render(
        parameters={
            "ReplicaBucket": BACKUP,
            "ReplicaAccountId": BACKUP_ACCOUNT,
            "ReplicaKeyId": BACKUP_KEY_ID,
        }
    )
    key_policy, bucket_policy = _replica_policies()
    return dataclasses.replace(
        source,
        key_policies={**source.key_policies, BACKUP_KEY: key_policy},
        bucket_policies={**source.bucket_policies, BACKUP: bucket_policy},
    )


def test_the_replication_role_may_replicate(rendered: policies.Rendered) -> None:
    decisions = policies.evaluate(rendered, ALLOWED)
    assert [d.decision for d in decisions] == ["Allowed"] * len(ALLOWED), [
        d.describe() for d in decisions
    ]


def test_the_replication_role_may_do_nothing_else(rendered: policies.Rendered) -> None:
    decisions = policies.evaluate(rendered, REFUSED)
    assert [d.decision for d in decisions if d.decision == "Allowed"] == [], [
        d.describe() for d in decisions
    ]
