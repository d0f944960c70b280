"""Presigned S3 URLs: the create-only PUT a browser uploads a segment with, and a GET."""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta

from botocore.exceptions import BotoCoreError  # type: ignore[import-untyped]

from .keys import validate_key
from .port import UploadTicket
from .s3_client import MAX_SINGLE_PUT, S3Client, failure

MAX_PRESIGN_EXPIRY = timedelta(days=7)  # S3's limit for SigV4 presigned URLs


def put(
    client: S3Client, bucket: str, key: str, size: int, sha256: bytes, expires_in: timedelta
) -> UploadTicket:
    """A presigned create-only PUT of `key` in `bucket` (S3Store.presign_put)."""
    validate_key(key)
    if size < 0:
        raise ValueError("size must not be negative")
    if size > MAX_SINGLE_PUT:
        raise ValueError("objects over 5 GiB need a multipart upload, which is not supported")
    if len(sha256) != hashlib.sha256().digest_size:
        raise ValueError("sha256 must be a 32-byte digest")
    if not timedelta(seconds=1) <= expires_in <= MAX_PRESIGN_EXPIRY:
        raise ValueError("expires_in must be between one second and 7 days")
    checksum = base64.b64encode(sha256).decode("ascii")
    try:
        url = client.generate_presigned_url(
            "put_object",
            Params={
                "Bucket": bucket,
                "Key": key,
                "ContentLength": size,
                "ChecksumSHA256": checksum,
                "IfNoneMatch": "*",
            },
            ExpiresIn=int(expires_in.total_seconds()),
            HttpMethod="PUT",
        )
    except BotoCoreError as e:  # no credentials, typically
        raise failure("presigning PutObject", e) from e
    return UploadTicket(
        url=str(url),
        method="PUT",
        headers={"x-amz-checksum-sha256": checksum, "If-None-Match": "*"},
    )


def get(client: S3Client, bucket: str, key: str, expires_in: timedelta) -> str:
    """A presigned GET of `key` in `bucket` (S3Store.presign_get)."""
    validate_key(key)
    if not timedelta(seconds=1) <= expires_in <= MAX_PRESIGN_EXPIRY:
        raise ValueError("expires_in must be between one second and 7 days")
    try:
        url = client.generate_presigned_url(
            "get_object",
            Params={"Bucket": bucket, "Key": key},
            ExpiresIn=int(expires_in.total_seconds()),
            HttpMethod="GET",
        )
    except BotoCoreError as e:  # no credentials, typically
        raise failure("presigning GetObject", e) from e
    return str(url)
