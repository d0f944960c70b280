"""The boto3 S3 client as Peluit makes it, and what its answers mean to the store: errors
reduced to a code and a status (never the request or the object), and a streaming body as a
binary stream."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

import boto3  # type: ignore[import-untyped]
from botocore.config import Config  # type: ignore[import-untyped]

from .errors import StoreError

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

DEFAULT_REGION = "ap-southeast-3"  # Asia Pacific (Jakarta)
MAX_SINGLE_PUT = 5 << 30  # S3's limit for one PutObject / CopyObject

S3Client = Any  # boto3's S3 client; boto3 ships no type information


def make_s3_client(
    region: str = DEFAULT_REGION, endpoint_url: str | None = None, profile: str | None = None
) -> S3Client:
    """An S3 client on the regional endpoint with virtual-hosted addressing, SigV4 and
    standard retries; with `endpoint_url` (MinIO or another S3-compatible store on
    premises), path-style addressing on that endpoint. Credentials come from the usual
    chain (the Lambda role, or `profile`)."""
    session = boto3.session.Session(profile_name=profile, region_name=region)
    config = Config(
        signature_version="s3v4",
        s3={
            "addressing_style": "path" if endpoint_url else "virtual",
            "us_east_1_regional_endpoint": "regional",
        },
        retries={"mode": "standard"},
    )
    return session.client("s3", region_name=region, endpoint_url=endpoint_url, config=config)


def error_parts(e: Any) -> tuple[str, int]:
    """(error code, HTTP status) of a botocore `ClientError`."""
    response = getattr(e, "response", {}) or {}
    code = str(response.get("Error", {}).get("Code", ""))
    status = int(response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
    return code, status


def failure(operation: str, e: Any) -> StoreError:
    """A `StoreError` naming the operation and S3's code, never the request or the object."""
    code, status = error_parts(e)
    detail = f"{code} (HTTP {status})" if code else type(e).__name__
    return StoreError(f"S3 {operation} failed: {detail}")


class RangeNotSatisfiableError(Exception):
    """A range starting at or past the end of the object (HTTP 416)."""


class ResponseBody(io.RawIOBase):
    """botocore's streaming response body as a raw binary stream, so that it can be
    buffered into a `BinaryIO` with `read`, `readinto`, `readline` and iteration."""

    def __init__(self, body: Any) -> None:
        self._body = body

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        data: bytes = self._body.read(len(view))
        view[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._body.close()
        super().close()
