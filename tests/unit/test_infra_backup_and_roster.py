"""The template's parts for issue 14's backup, rekey records and emergency revocation:
replication to the operator's backup bucket (ADR 0047, infra/replica.yaml), the reviewer
role's rekey records (ADR 0044) and its read of the revocation list (ADR 0045). The policy tier
(tests/functional/test_policy_tier.py) evaluates the same grants with the simulator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cfnlint.decode import decode_str  # type: ignore[import-untyped]

from tests.support.template import (
    as_list,
    load_template,
    object_patterns,
    properties,
    resource,
    statements,
    text,
)

pytestmark = pytest.mark.unit

REPLICA = Path(__file__).resolve().parents[2] / "infra" / "replica.yaml"


@pytest.fixture
def template() -> dict[str, Any]:
    return load_template()


@pytest.fixture
def replica() -> dict[str, Any]:
    decoded, problems = decode_str(REPLICA.read_text(encoding="utf-8"))
    assert not problems
    return dict(decoded)


def test_the_case_bucket_replicates_only_when_the_operator_names_a_backup(
    template: dict[str, Any],
) -> None:
    config = properties(template, "CaseBucket")["ReplicationConfiguration"]
    condition, replicated, otherwise = config["Fn::If"]
    assert condition == "HasReplica"
    assert otherwise == {"Ref": "AWS::NoValue"}
    assert template["Conditions"]["HasReplica"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "ReplicaBucket"}, ""]}]
    }
    assert template["Parameters"]["ReplicaBucket"]["Default"] == ""
    assert template["Parameters"]["ReplicaRegion"]["Default"] == "ap-southeast-3"  # Indonesia
    assert resource(template, "ReplicationRole")["Condition"] == "HasReplica"
    assert replicated["Role"] == {"Fn::GetAtt": ["ReplicationRole", "Arn"]}
    (rule,) = replicated["Rules"]
    assert rule["Filter"] == {"Prefix": ""}  # every case object; staging has its own bucket
    assert rule["DeleteMarkerReplication"] == {"Status": "Disabled"}
    assert rule["SourceSelectionCriteria"] == {"SseKmsEncryptedObjects": {"Status": "Enabled"}}
    destination = rule["Destination"]
    assert text(destination["Bucket"]) == "arn:${AWS::Partition}:s3:::${ReplicaBucket}"
    key = destination["EncryptionConfiguration"]["ReplicaKmsKeyID"]["Fn::Sub"][0]
    assert key == "arn:${AWS::Partition}:kms:${ReplicaRegion}:${Account}:key/${ReplicaKeyId}"


def test_the_replication_role_is_s3s_reads_versions_and_never_deletes(
    template: dict[str, Any],
) -> None:
    role = resource(template, "ReplicationRole")
    (trust,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "s3.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}
    actions = {a for st in statements(role) for a in as_list(st["Action"])}
    assert actions == {
        "s3:GetReplicationConfiguration",
        "s3:ListBucket",
        "s3:GetObjectVersionForReplication",
        "s3:GetObjectVersionAcl",
        "s3:GetObjectVersionTagging",
        "s3:GetObjectRetention",
        "s3:GetObjectLegalHold",
        "s3:ReplicateObject",
        "s3:ReplicateTags",
        "s3:ObjectOwnerOverrideToBucketOwner",
        "kms:Decrypt",
        "kms:Encrypt",
        "kms:GenerateDataKey",
    }
    (decrypt,) = [st for st in statements(role) if "kms:Decrypt" in as_list(st["Action"])]
    assert decrypt["Resource"] == {"Fn::GetAtt": ["CaseKey", "Arn"]}
    assert "kms:ViaService" in decrypt["Condition"]["StringEquals"]
    writes = [st for st in statements(role) if "s3:ReplicateObject" in as_list(st["Action"])]
    assert [text(st["Resource"]) for st in writes] == [
        "arn:${AWS::Partition}:s3:::${ReplicaBucket}/*"
    ]


def test_no_function_may_change_the_replication(template: dict[str, Any]) -> None:
    document = properties(template, "CaseBucketPolicy")["PolicyDocument"]
    (deny,) = [st for st in document["Statement"] if st["Sid"] == "FunctionsNeverDeleteOrUnlock"]
    assert "s3:PutReplicationConfiguration" in deny["Action"]


def test_the_reviewer_role_reads_the_revocation_list_and_never_writes_it(
    template: dict[str, Any],
) -> None:
    for role in ("ReviewerFunctionRole", "PublicFunctionRole"):
        writes = object_patterns(resource(template, role), "s3:PutObject")
        assert not [p for p in writes if p.startswith("access/") or p == "*"]
    reads = object_patterns(resource(template, "ReviewerFunctionRole"), "s3:GetObject")
    assert "access/revoked.json" in reads
    public_reads = object_patterns(resource(template, "PublicFunctionRole"), "s3:GetObject")
    assert "access/revoked.json" not in public_reads


def test_rekey_records_are_the_reviewers_and_written_once(template: dict[str, Any]) -> None:
    assert "cases/*/rekey/*" in object_patterns(
        resource(template, "ReviewerFunctionRole"), "s3:PutObject"
    )
    assert "cases/*/rekey/*" not in object_patterns(
        resource(template, "PublicFunctionRole"), "s3:PutObject"
    )
    document = properties(template, "CaseBucketPolicy")["PolicyDocument"]
    (once,) = [st for st in document["Statement"] if st["Sid"] == "WriteOnceWhatTheReporterSent"]
    assert "${CaseBucket.Arn}/cases/*/rekey/*" in [text(r) for r in once["Resource"]]


def test_the_replica_is_locked_encrypted_with_its_own_key_and_closed_to_deletion(
    replica: dict[str, Any],
) -> None:
    bucket = replica["Resources"]["ReplicaBucket"]
    assert bucket["DeletionPolicy"] == "Retain"
    props = bucket["Properties"]
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    assert props["ObjectLockEnabled"] is True
    (sse,) = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert sse["ServerSideEncryptionByDefault"]["KMSMasterKeyID"] == {
        "Fn::GetAtt": ["ReplicaKey", "Arn"]
    }
    assert all(props["PublicAccessBlockConfiguration"].values())
    policy = replica["Resources"]["ReplicaBucketPolicy"]["Properties"]["PolicyDocument"]
    by_sid = {st["Sid"]: st for st in policy["Statement"]}
    role_pattern = (
        "arn:${AWS::Partition}:iam::${SourceAccountId}:role/${SourceStackName}-ReplicationRole-*"
    )
    for sid in ("TheSourceReplicatesHere", "TheSourceChecksVersioning"):
        assert text(by_sid[sid]["Condition"]["ArnLike"]["aws:PrincipalArn"]) == role_pattern
    deny = by_sid["TheSourceNeverDeletesOrUnlocks"]
    assert deny["Effect"] == "Deny"
    assert {"s3:DeleteObjectVersion", "s3:BypassGovernanceRetention"} <= set(deny["Action"])
    assert not [
        a
        for st in policy["Statement"]
        if st["Effect"] == "Allow"
        for a in as_list(st["Action"])
        if a.startswith("s3:Delete") or a == "s3:*"
    ]
