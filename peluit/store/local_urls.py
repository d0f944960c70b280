"""Presigned URLs for the local server's upload and download endpoints, signed and checked.

S3 signs a presigned URL with the caller's AWS credentials and enforces its terms itself. The
local store has no such service in front of it, so `LocalUrlSigner` plays that part for
`peluit serve`: `upload_ticket` signs the terms of one create-only PUT (key, size, SHA-256,
expiry) with HMAC-SHA256 under a secret only the server holds, and `upload_terms` checks a
PUT's URL and headers against them before the store reads the body; `download_url` signs
(key, expiry) in another context, and `check_download` checks a GET's URL.

The signer is a separate object the `LocalStore` is given: a store opened only to read (as
`peluit audit verify` does) has no signer and therefore needs no secret. The signer keeps no
clock: the store passes the time of each call, so one clock decides both expiry and staging
age.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from .errors import DownloadRejectedError, StoreError, UploadRejectedError
from .keys import validate_key
from .port import UploadTicket

MIN_SECRET_BYTES = 32
MAX_PRESIGN_EXPIRY = timedelta(days=7)  # S3's limit for SigV4 presigned URLs
CHECKSUM_HEADER = "x-amz-checksum-sha256"
_UPLOAD_CONTEXT = "peluit-local-upload-v1"
_DOWNLOAD_CONTEXT = "peluit-local-download-v1"
_DECIMAL = re.compile(r"0|[1-9][0-9]{0,17}")  # canonical, no sign, no leading zeros
_B64URL_32_BYTES = re.compile(r"[A-Za-z0-9_-]{43}")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class LocalUrlSigner:
    """Signs and checks the URLs of the local upload and download endpoints (see the module
    docstring)."""

    def __init__(
        self, secret: bytes, upload_base_url: str, download_base_url: str | None = None
    ) -> None:
        """`secret` is at least 32 random bytes, kept by the server only; `upload_base_url`
        is where the HTTP server receives uploads (`<upload_base_url>/<key>`),
        `download_base_url` where it serves presigned downloads (None: no download URLs)."""
        if len(secret) < MIN_SECRET_BYTES:
            raise ValueError(f"the URL signing secret must be at least {MIN_SECRET_BYTES} bytes")
        self._secret = bytes(secret)
        self._upload_base_url = upload_base_url.rstrip("/")
        self._download_base_url = download_base_url.rstrip("/") if download_base_url else None

    # -- uploads --------------------------------------------------------------------------

    def upload_ticket(
        self, key: str, size: int, sha256: bytes, expires_in: timedelta, now: datetime
    ) -> UploadTicket:
        """A signed URL for one create-only PUT of `size` bytes hashing to `sha256`. The
        browser sends the ticket's headers; it sets Content-Length itself."""
        validate_key(key)
        if size < 0:
            raise ValueError("size must not be negative")
        if len(sha256) != hashlib.sha256().digest_size:
            raise ValueError("sha256 must be a 32-byte digest")
        expires = _expiry(expires_in, now)
        digest = _b64url(sha256)
        sig = _b64url(self._sign_upload(key, str(size), digest, str(expires)))
        url = (
            f"{self._upload_base_url}/{key}?expires={expires}&size={size}&sha256={digest}&sig={sig}"
        )
        return UploadTicket(
            url=url,
            method="PUT",
            headers={CHECKSUM_HEADER: base64.b64encode(sha256).decode("ascii")},
        )

    def upload_terms(
        self,
        key: str,
        query: Mapping[str, str],
        headers: Mapping[str, str],
        content_length: int | None,
        now: datetime,
    ) -> tuple[int, bytes]:
        """The signed (size, SHA-256) of a PUT to a URL from `upload_ticket`, if its query
        (one value per parameter) and headers (any case) keep them; else
        `UploadRejectedError` for a bad or expired signature, a missing Content-Length or one
        other than the signed size, or a checksum header other than the signed digest. The
        body is the store's to check."""
        size, sha256 = self._verify_upload_query(key, query, now)
        if content_length is None:
            raise UploadRejectedError("the upload has no Content-Length; it is required")
        if content_length != size:
            raise UploadRejectedError(
                f"Content-Length is {content_length} but the upload URL is for {size} bytes"
            )
        lowered = {name.lower(): value for name, value in headers.items()}
        claimed = lowered.get(CHECKSUM_HEADER)
        if claimed is not None and claimed != base64.b64encode(sha256).decode("ascii"):
            raise UploadRejectedError(
                f"the {CHECKSUM_HEADER} header does not match the SHA-256 the URL was signed for"
            )
        return size, sha256

    # -- downloads ------------------------------------------------------------------------

    def download_url(self, key: str, expires_in: timedelta, now: datetime) -> str:
        """A signed URL for GETs of `key` until it expires (see `check_download`)."""
        validate_key(key)
        if self._download_base_url is None:
            raise StoreError("this local store was not given a download URL base")
        expires = _expiry(expires_in, now)
        sig = _b64url(self._sign_download(key, str(expires)))
        return f"{self._download_base_url}/{key}?expires={expires}&sig={sig}"

    def check_download(self, key: str, query: Mapping[str, str], now: datetime) -> None:
        """`DownloadRejectedError` unless `query` is a live URL from `download_url` for `key`."""
        validate_key(key)
        expires, sig = query.get("expires"), query.get("sig")
        if expires is None or sig is None or set(query) != {"expires", "sig"}:
            raise DownloadRejectedError("the download URL's parameters are malformed")
        if not (_DECIMAL.fullmatch(expires) and _is_b64url_digest(sig)):
            raise DownloadRejectedError("the download URL's parameters are malformed")
        if not hmac.compare_digest(self._sign_download(key, expires), _b64url_decode(sig)):
            raise DownloadRejectedError(
                "the download URL's signature does not match: it was altered, is for another "
                "key, or was not issued by this server"
            )
        if timestamp_ns(now) >= int(expires) * 1_000_000_000:
            raise DownloadRejectedError("the download URL has expired")

    # -- internals ------------------------------------------------------------------------

    def _sign_upload(self, key: str, size: str, sha256: str, expires: str) -> bytes:
        message = "\n".join((_UPLOAD_CONTEXT, "PUT", key, size, sha256, expires))
        return hmac.new(self._secret, message.encode("ascii"), hashlib.sha256).digest()

    def _sign_download(self, key: str, expires: str) -> bytes:
        message = "\n".join((_DOWNLOAD_CONTEXT, "GET", key, expires))
        return hmac.new(self._secret, message.encode("ascii"), hashlib.sha256).digest()

    def _verify_upload_query(
        self, key: str, query: Mapping[str, str], now: datetime
    ) -> tuple[int, bytes]:
        """The signed (size, sha256) of an upload URL, or `UploadRejectedError`."""
        values: dict[str, str] = {}
        for name in ("expires", "size", "sha256", "sig"):
            value = query.get(name)
            if value is None:
                raise UploadRejectedError(f"the upload URL has no {name!r} parameter")
            values[name] = value
        if not (
            _DECIMAL.fullmatch(values["expires"])
            and _DECIMAL.fullmatch(values["size"])
            and _is_b64url_digest(values["sha256"])
            and _is_b64url_digest(values["sig"])
        ):
            raise UploadRejectedError("the upload URL's parameters are malformed")
        expected = self._sign_upload(key, values["size"], values["sha256"], values["expires"])
        if not hmac.compare_digest(expected, _b64url_decode(values["sig"])):
            raise UploadRejectedError(
                "the upload URL's signature does not match: it was altered, is for another "
                "key, or was not issued by this server"
            )
        expires = int(values["expires"])
        if timestamp_ns(now) >= expires * 1_000_000_000:
            when = datetime.fromtimestamp(expires, UTC).isoformat()
            raise UploadRejectedError(f"the upload URL expired at {when}")
        return int(values["size"]), _b64url_decode(values["sha256"])


def timestamp_ns(moment: datetime) -> int:
    """Nanoseconds since the epoch of an aware datetime, exactly (no float rounding)."""
    return (moment - _EPOCH) // timedelta(microseconds=1) * 1000


def _expiry(expires_in: timedelta, now: datetime) -> int:
    """The expiry in whole seconds since the epoch, never before `now + expires_in`."""
    if not timedelta(0) < expires_in <= MAX_PRESIGN_EXPIRY:
        raise ValueError("expires_in must be positive and at most 7 days")
    return math.floor(now.timestamp()) + math.ceil(expires_in.total_seconds())


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _is_b64url_digest(text: str) -> bool:
    """43 base64url characters, canonically encoding 32 bytes."""
    return bool(_B64URL_32_BYTES.fullmatch(text)) and _b64url(_b64url_decode(text)) == text
