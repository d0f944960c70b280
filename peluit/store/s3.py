"""The S3 adapter: the `ObjectStore` port over a boto3 S3 client, with S3's conditional writes.

- Create-only writes send `If-None-Match: *` (a 412 becomes `ObjectExistsError`); `replace`
  sends `If-Match: <etag>` (a 412, a 404 or a 409 conflict becomes
  `PreconditionFailedError`). Etags are S3's, quotes included, passed back unchanged.
- Every write carries `x-amz-checksum-sha256`: S3 verifies it against the body and keeps it,
  so `sha256()` is one HEAD (`ChecksumMode=ENABLED`). Objects without a full-object SHA-256
  (uploaded by other tools, multipart) are hashed by streaming them instead. moto keeps the
  checksum of our own puts and copies, but not that of a presigned browser upload (it only
  keeps checksums sent with `x-amz-sdk-checksum-algorithm`), so under moto `sha256()` of an
  uploaded object takes the streaming path.
- Presigned PUTs sign Content-Length, `x-amz-checksum-sha256` and `If-None-Match: *` as
  headers: S3 refuses the upload unless the browser sends exactly the size, the hash and
  the create-only condition it was issued for.

Nothing here logs; object contents never appear in an error message.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import heapq
import io
import tempfile
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import IO, Any, BinaryIO

from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped]

from . import s3_presign as presign
from .errors import (
    InvalidKeyError,
    ObjectExistsError,
    ObjectNotFoundError,
    PreconditionFailedError,
    StoreError,
)
from .keys import SHORT_LIVED_PREFIXES, is_short_lived, validate_key, validate_prefix
from .port import ObjectInfo, UploadTicket
from .s3_client import DEFAULT_REGION as DEFAULT_REGION
from .s3_client import MAX_SINGLE_PUT, RangeNotSatisfiableError, ResponseBody, error_parts, failure
from .s3_client import S3Client as S3Client
from .s3_client import make_s3_client as make_s3_client

_CHUNK = 1 << 16
_SPOOL_IN_MEMORY = 8 << 20  # put_new_stream keeps up to this much in memory, the rest on disk
_CONFLICT_ATTEMPTS = 3  # 409 ConditionalRequestConflict on a create-only put: S3 says retry
_NOT_FOUND = frozenset({"NoSuchKey", "NotFound", "404"})


class S3Store:
    """An `ObjectStore` over S3 (see the module docstring).

    With `staging_bucket`, the short-lived keys (`keys.is_short_lived`: browser uploads under
    `staging/` and reviewer nonces under `nonces/`) live in that bucket, which has no Object
    Lock and expires them in days; everything else lives in `bucket`, the locked case bucket.
    `copy_new` is the bridge: finalization copies staged segments into the case bucket.
    Without it, one bucket holds both (an S3-compatible store on premises, say)."""

    def __init__(self, client: S3Client, bucket: str, staging_bucket: str | None = None) -> None:
        self._client = client
        self._bucket = bucket
        self._staging_bucket = staging_bucket or bucket

    def bucket_for(self, key_or_prefix: str) -> str:
        """The bucket that holds `key_or_prefix` (a listing prefix is routed like a key)."""
        return self._staging_bucket if is_short_lived(key_or_prefix) else self._bucket

    # -- writes -------------------------------------------------------------------------

    def put_new(self, key: str, data: bytes) -> ObjectInfo:
        validate_key(key)
        return self._put(key, data, len(data), hashlib.sha256(data).digest(), None)

    def put_new_stream(self, key: str, src: BinaryIO, size: int) -> ObjectInfo:
        """Create `key` from exactly `size` bytes of `src` (never reads more); `ValueError`
        if `src` ends sooner. The bytes are spooled (memory, then a temp file) so that the
        SHA-256 can be sent up front and the request retried."""
        validate_key(key)
        if size < 0:
            raise ValueError("size must not be negative")
        if size > MAX_SINGLE_PUT:
            raise ValueError("objects over 5 GiB need a multipart upload, which is not supported")
        with tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY) as spool:
            digest = hashlib.sha256()
            remaining = size
            while remaining:
                chunk = src.read(min(_CHUNK, remaining))
                if not chunk:
                    raise ValueError(
                        f"the source ended after {size - remaining} bytes, before the size given"
                    )
                spool.write(chunk)
                digest.update(chunk)
                remaining -= len(chunk)
            spool.seek(0)
            return self._put(key, spool, size, digest.digest(), None)

    def replace(self, key: str, data: bytes, if_match: str | None) -> ObjectInfo:
        validate_key(key)
        digest = hashlib.sha256(data).digest()
        if if_match is None:
            try:
                return self._put(key, data, len(data), digest, None)
            except ObjectExistsError:
                raise PreconditionFailedError(
                    f"an object already exists at {key!r} (expected none)"
                ) from None
        return self._put(key, data, len(data), digest, if_match)

    def copy_new(self, source: str, dest: str) -> ObjectInfo:
        """Server-side copy (up to 5 GiB) to a new key; `ObjectExistsError` if `dest` exists.

        The copy is conditional (`If-None-Match: *`), which makes it atomic on AWS. moto and
        some S3-compatible stores ignore that condition on CopyObject, so a HEAD of `dest`
        first catches the common case there too."""
        validate_key(source)
        validate_key(dest)
        if self._exists(dest):
            raise ObjectExistsError(f"an object already exists at {dest!r}")
        try:
            self._client.copy_object(
                Bucket=self.bucket_for(dest),
                Key=dest,
                CopySource={"Bucket": self.bucket_for(source), "Key": source},
                IfNoneMatch="*",
                ChecksumAlgorithm="SHA256",
            )
        except ClientError as e:
            code, status = error_parts(e)
            if status == 412 or code == "PreconditionFailed":
                raise ObjectExistsError(f"an object already exists at {dest!r}") from None
            if code in _NOT_FOUND:
                raise ObjectNotFoundError(f"no object at {source!r}") from None
            raise failure("CopyObject", e) from e
        except BotoCoreError as e:
            raise failure("CopyObject", e) from e
        return self.head(dest)

    # -- reads --------------------------------------------------------------------------

    def get(self, key: str) -> bytes:
        return self.get_with_info(key)[0]

    def get_with_info(self, key: str) -> tuple[bytes, ObjectInfo]:
        response = self._get_object(key)
        with contextlib.closing(response["Body"]):
            data: bytes = response["Body"].read()
        return data, ObjectInfo(key=key, size=len(data), etag=str(response["ETag"]))

    def open(self, key: str) -> BinaryIO:
        """A buffered binary stream over the GET response (the caller closes it). botocore
        checks the stored checksum, when there is one, as the stream reaches its end."""
        body = self._get_object(key)["Body"]
        return io.BufferedReader(ResponseBody(body), buffer_size=_CHUNK)

    def read_range(self, key: str, start: int, length: int) -> bytes:
        """Up to `length` bytes from offset `start`; empty past the end."""
        validate_key(key)
        if start < 0 or length < 0:
            raise ValueError("start and length must not be negative")
        if length == 0:
            self.head(key)  # still ObjectNotFoundError for a missing key
            return b""
        try:
            response = self._get_object(key, Range=f"bytes={start}-{start + length - 1}")
        except RangeNotSatisfiableError:
            return b""
        with contextlib.closing(response["Body"]):
            data: bytes = response["Body"].read()
        return data

    def head(self, key: str) -> ObjectInfo:
        response = self._head_object(key)
        return ObjectInfo(key=key, size=int(response["ContentLength"]), etag=str(response["ETag"]))

    def sha256(self, key: str) -> bytes:
        """The stored full-object SHA-256 when S3 has one, else the hash of the content."""
        response = self._head_object(key, ChecksumMode="ENABLED")
        stored = response.get("ChecksumSHA256")
        if stored and response.get("ChecksumType", "FULL_OBJECT") == "FULL_OBJECT":
            with contextlib.suppress(ValueError):
                digest = base64.b64decode(stored, validate=True)
                if len(digest) == hashlib.sha256().digest_size:
                    return digest
        h = hashlib.sha256()
        with self.open(key) as stream:
            while chunk := stream.read(_CHUNK):
                h.update(chunk)
        return h.digest()

    # -- presigned uploads --------------------------------------------------------------

    def presign_put(
        self, key: str, size: int, sha256: bytes, expires_in: timedelta
    ) -> UploadTicket:
        """A presigned create-only PUT. Content-Length, `x-amz-checksum-sha256` and
        `If-None-Match` are signed headers: the browser sends the ticket's headers as they
        are (Content-Length it sets itself from the body), and S3 refuses any other size,
        content or an existing key. The bucket's CORS rules must allow those two headers.
        With temporary credentials (a Lambda role) the URL also stops working when they
        expire, whichever comes first."""
        return presign.put(self._client, self.bucket_for(key), key, size, sha256, expires_in)

    def presign_get(self, key: str, expires_in: timedelta) -> str:
        """A presigned GET of `key`. With temporary credentials (a Lambda role) the URL also
        stops working when they expire, whichever comes first."""
        return presign.get(self._client, self.bucket_for(key), key, expires_in)

    # -- listing (last: the method name `list` shadows the builtin in this class body) ---

    def list_keys(self, prefix: str, start_after: str | None = None) -> Iterator[str]:
        validate_prefix(prefix)
        return (info.key for info in self._list(prefix, start_after))

    def list(self, prefix: str) -> Iterator[ObjectInfo]:
        """Every object whose key starts with `prefix`, in key order; keys outside the key
        grammar (console "folder" markers, say) are skipped. The prefix is checked now
        (`InvalidKeyError`), the bucket listed as the iterator is consumed."""
        validate_prefix(prefix)
        return self._list(prefix)

    # -- internals ----------------------------------------------------------------------

    def _list(self, prefix: str, start_after: str | None = None) -> Iterator[ObjectInfo]:
        """One bucket's listing, or both merged in key order when `prefix` spans both ("" or
        "s", say): the port's contract is about keys, not buckets."""
        buckets = [self.bucket_for(prefix)]
        spans = any(p.startswith(prefix) for p in SHORT_LIVED_PREFIXES)
        if spans and self._staging_bucket != self._bucket and not is_short_lived(prefix):
            buckets.append(self._staging_bucket)
        listings = [self._list_bucket(b, prefix, start_after) for b in buckets]
        return heapq.merge(*listings, key=lambda info: info.key)

    def _list_bucket(
        self, bucket: str, prefix: str, start_after: str | None
    ) -> Iterator[ObjectInfo]:
        paginator = self._client.get_paginator("list_objects_v2")
        after = {"StartAfter": start_after} if start_after else {}
        try:
            for page in paginator.paginate(Bucket=bucket, Prefix=prefix, **after):
                for item in page.get("Contents", ()):
                    key = str(item["Key"])
                    if _is_valid_key(key):
                        yield ObjectInfo(key=key, size=int(item["Size"]), etag=str(item["ETag"]))
        except (ClientError, BotoCoreError) as e:
            raise failure("ListObjectsV2", e) from e

    def _put(
        self, key: str, body: bytes | IO[bytes], size: int, sha256: bytes, if_match: str | None
    ) -> ObjectInfo:
        """One PutObject: create-only when `if_match` is None, else conditional on it."""
        condition = {"IfNoneMatch": "*"} if if_match is None else {"IfMatch": if_match}
        for attempt in range(_CONFLICT_ATTEMPTS):
            if attempt:
                time.sleep(0.1 * attempt)
                if not isinstance(body, bytes):
                    body.seek(0)
            try:
                response = self._client.put_object(
                    Bucket=self.bucket_for(key),
                    Key=key,
                    Body=body,
                    ContentLength=size,
                    ChecksumAlgorithm="SHA256",
                    ChecksumSHA256=base64.b64encode(sha256).decode("ascii"),
                    **condition,
                )
            except ClientError as e:
                code, status = error_parts(e)
                if if_match is None:
                    if status == 412 or code == "PreconditionFailed":
                        raise ObjectExistsError(f"an object already exists at {key!r}") from None
                    if status == 409 and code == "ConditionalRequestConflict":
                        continue  # a concurrent write of this key was under way
                else:
                    if status == 412 or code == "PreconditionFailed":
                        raise PreconditionFailedError(
                            f"the object at {key!r} has changed"
                        ) from None
                    if code in _NOT_FOUND:
                        raise PreconditionFailedError(f"no object at {key!r} to replace") from None
                    if status == 409:  # a concurrent write: the caller reads again
                        raise PreconditionFailedError(
                            f"the object at {key!r} is being changed"
                        ) from None
                raise failure("PutObject", e) from e
            except BotoCoreError as e:
                raise failure("PutObject", e) from e
            return ObjectInfo(key=key, size=size, etag=str(response["ETag"]))
        raise StoreError(f"concurrent writes to {key!r} kept conflicting; try again later")

    def _get_object(self, key: str, **extra: str) -> Any:
        validate_key(key)
        try:
            return self._client.get_object(Bucket=self.bucket_for(key), Key=key, **extra)
        except ClientError as e:
            code, status = error_parts(e)
            if code in _NOT_FOUND:
                raise ObjectNotFoundError(f"no object at {key!r}") from None
            if status == 416 or code == "InvalidRange":
                raise RangeNotSatisfiableError from None
            raise failure("GetObject", e) from e
        except BotoCoreError as e:
            raise failure("GetObject", e) from e

    def _head_object(self, key: str, **extra: str) -> Any:
        validate_key(key)
        try:
            return self._client.head_object(Bucket=self.bucket_for(key), Key=key, **extra)
        except ClientError as e:
            code, _ = error_parts(e)
            if code in _NOT_FOUND:
                raise ObjectNotFoundError(f"no object at {key!r}") from None
            raise failure("HeadObject", e) from e
        except BotoCoreError as e:
            raise failure("HeadObject", e) from e

    def _exists(self, key: str) -> bool:
        try:
            self._head_object(key)
        except ObjectNotFoundError:
            return False
        return True


def _is_valid_key(key: str) -> bool:
    try:
        validate_key(key)
    except InvalidKeyError:
        return False
    return True
