"""S3 chores of a deployment: the artifacts bucket, uploads, and emptying buckets on teardown."""

from __future__ import annotations

import json
from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped]

from .aws import AwsClient, error_code, error_message
from .errors import DeployError

_DELETE_BATCH = 1000  # S3's DeleteObjects limit


def artifact_bucket_name(account: str, region: str) -> str:
    return f"peluit-artifacts-{account}-{region}"


def ensure_artifact_bucket(s3: AwsClient, name: str, region: str) -> bool:
    """Create the private, encrypted, TLS-only artifacts bucket unless it exists; True if
    created. It holds the functions' zips and templates, nothing about any report."""
    try:
        s3.head_bucket(Bucket=name)
    except ClientError as exc:
        if error_code(exc) not in {"404", "NoSuchBucket", "NotFound"}:
            raise DeployError(
                f"the artifacts bucket {name} exists but cannot be used ({error_message(exc)})"
            ) from None
    else:
        return False
    try:
        location = {} if region == "us-east-1" else {"LocationConstraint": region}
        s3.create_bucket(Bucket=name, CreateBucketConfiguration=location)
        s3.put_public_access_block(
            Bucket=name,
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": True,
                "RestrictPublicBuckets": True,
            },
        )
        s3.put_bucket_ownership_controls(
            Bucket=name, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
        )
        s3.put_bucket_encryption(
            Bucket=name,
            ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
            },
        )
        s3.put_bucket_policy(Bucket=name, Policy=json.dumps(_tls_only_policy(name)))
    except (BotoCoreError, ClientError) as exc:
        raise DeployError(f"creating the artifacts bucket {name} failed: {exc}") from None
    return True


def _tls_only_policy(bucket: str) -> dict[str, object]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }


def upload_once(s3: AwsClient, bucket: str, key: str, data: bytes, content_type: str) -> bool:
    """Put `data` at `key` unless it is already there (keys are content hashes); True if put."""
    try:
        s3.head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        if error_code(exc) not in {"404", "NoSuchKey", "NotFound"}:
            raise DeployError(f"cannot read s3://{bucket}/{key}: {error_message(exc)}") from None
    else:
        return False
    try:
        s3.put_object(Bucket=bucket, Key=key, Body=data, ContentType=content_type)
    except (BotoCoreError, ClientError) as exc:
        raise DeployError(f"uploading s3://{bucket}/{key} failed: {exc}") from None
    return True


def object_url(bucket: str, region: str, key: str) -> str:
    return f"https://{bucket}.s3.{region}.amazonaws.com/{key}"


def bucket_exists(s3: AwsClient, bucket: str) -> bool:
    try:
        s3.head_bucket(Bucket=bucket)
    except ClientError as exc:
        if error_code(exc) in {"404", "NoSuchBucket", "NotFound"}:
            return False
        raise DeployError(f"cannot read bucket {bucket}: {error_message(exc)}") from None
    return True


def holds_any(s3: AwsClient, bucket: str, prefix: str) -> bool:
    """Whether any version (or delete marker) of any object under `prefix` exists."""
    try:
        page = s3.list_object_versions(Bucket=bucket, Prefix=prefix, MaxKeys=1)
    except ClientError as exc:
        raise DeployError(f"cannot list bucket {bucket}: {error_message(exc)}") from None
    return bool(page.get("Versions") or page.get("DeleteMarkers"))


@dataclass(frozen=True)
class Emptied:
    deleted: int
    kept: int  # versions S3 refused to delete: under Object Lock retention or legal hold
    first_refusal: str = ""


def empty_bucket(s3: AwsClient, bucket: str) -> Emptied:
    """Delete every object version and delete marker (without bypassing Object Lock)."""
    deleted = kept = 0
    first_refusal = ""
    paginator = s3.get_paginator("list_object_versions")
    try:
        pages = list(paginator.paginate(Bucket=bucket))
        entries = [
            {"Key": item["Key"], "VersionId": item["VersionId"]}
            for page in pages
            for item in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]
        ]
        for start in range(0, len(entries), _DELETE_BATCH):
            batch = entries[start : start + _DELETE_BATCH]
            answer = s3.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})
            errors = answer.get("Errors", [])
            kept += len(errors)
            deleted += len(batch) - len(errors)
            if errors and not first_refusal:
                first_refusal = f"{errors[0].get('Code', '')}: {errors[0].get('Message', '')}"
    except (BotoCoreError, ClientError) as exc:
        raise DeployError(f"emptying bucket {bucket} failed: {exc}") from None
    return Emptied(deleted, kept, first_refusal)
