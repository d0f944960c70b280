"""The public API as the browser calls it (js/src/api.js): plan, PUT, finalize.

Every POST carries a proof of work for its exact path and body, found once and reused by
the retries; refused with `pow_required`/`pow_invalid`/`pow_expired`, the work is redone
once with the difficulty and time bucket the refusal names. A PUT refused with 403 asks for
a new URL (a bounded number of times); 409 or 412 means an earlier try stored it."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

from .errors import UNEXPECTED, ApiError, PowTerms
from .http import Response, Transport
from .pow import solve, with_pow

DONE_STATUS = frozenset({409, 412})
POW_CODES = frozenset({"pow_required", "pow_invalid", "pow_expired"})
REQUEST_TIMEOUT = 60.0
MIN_BYTES_PER_SECOND = 16384
MAX_REPLANS = 3


@dataclass(frozen=True)
class SegmentOut:
    """A segment as the API takes it: file and segment number, ciphertext size and hash."""

    file: int
    index: int
    size: int
    sha256: str

    def json(self) -> dict[str, Any]:
        return {"file": self.file, "index": self.index, "size": self.size, "sha256": self.sha256}


@dataclass(frozen=True)
class Upload:
    url: str
    method: str
    headers: dict[str, str]


def error_from(response: Response) -> ApiError:
    """`{"error": {"code", "message": {"id", "en"}, "detail", "pow"}}`, or a generic one."""
    try:
        body = json.loads(response.body)
    except (ValueError, UnicodeDecodeError):
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and isinstance(error.get("code"), str):
        message = error.get("message")
        if (
            isinstance(message, dict)
            and isinstance(message.get("id"), str)
            and isinstance(message.get("en"), str)
        ):
            detail = error.get("detail")
            terms = error.get("pow")
            pow_terms = None
            if (
                isinstance(terms, dict)
                and isinstance(terms.get("bits"), int)
                and isinstance(terms.get("bucket"), int)
            ):
                pow_terms = PowTerms(terms["bits"], terms["bucket"])
            return ApiError(
                response.status,
                error["code"],
                {"id": message["id"], "en": message["en"]},
                detail if isinstance(detail, str) else None,
                pow_terms,
            )
    return ApiError(response.status, f"http_{response.status}", UNEXPECTED)


def _unexpected(status: int) -> ApiError:
    return ApiError(status, "invalid_response", UNEXPECTED)


class ApiClient:
    """The public API of one server: `base` the site's address, `api` the prefix
    (channels.json `api`, e.g. `/api/v1`), `pow_bits` the difficulty it announced."""

    def __init__(self, base: str, api: str, pow_bits: int, transport: Transport) -> None:
        self.base = base
        self.api = api.rstrip("/")
        self.pow_bits = pow_bits
        self.transport = transport

    def post_json(self, path: str, body: object) -> Any:
        payload = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
        url = urljoin(self.base, f"{self.api}{path}")
        url_path = urlsplit(url).path
        bits, bucket = self.pow_bits, None
        for redo in range(2):
            proof = solve("POST", url_path, payload, bits, bucket)
            response = self.transport.retrying(
                "POST",
                with_pow(url, proof),
                payload,
                {"Content-Type": "application/json"},
                REQUEST_TIMEOUT,
            )
            if response.ok:
                try:
                    return json.loads(response.body)
                except (ValueError, UnicodeDecodeError):
                    raise _unexpected(response.status) from None
            error = error_from(response)
            if redo > 0 or error.code not in POW_CODES or error.pow is None:
                raise error
            bits, bucket = error.pow.bits, error.pow.bucket
        raise AssertionError("unreachable")  # pragma: no cover

    def plan_uploads(
        self, submission: str, channel: str, segments: list[SegmentOut]
    ) -> list[Upload]:
        answer = self.post_json(
            f"/submissions/{submission}/uploads",
            {"channel": channel, "segments": [s.json() for s in segments]},
        )
        uploads = answer.get("uploads") if isinstance(answer, dict) else None
        if not isinstance(uploads, list) or len(uploads) != len(segments):
            raise _unexpected(200)
        out = []
        for upload, segment in zip(uploads, segments, strict=True):
            if not (
                isinstance(upload, dict)
                and upload.get("file") == segment.file
                and upload.get("index") == segment.index
                and isinstance(upload.get("url"), str)
                and isinstance(upload.get("method"), str)
                and isinstance(upload.get("headers"), dict)
            ):
                raise _unexpected(200)
            headers = {str(k): str(v) for k, v in upload["headers"].items()}
            out.append(Upload(upload["url"], upload["method"], headers))
        return out

    def upload_segment(
        self, submission: str, channel: str, segment: SegmentOut, body: bytes
    ) -> Literal["uploaded", "already"]:
        timeout = 60 + math.ceil(len(body) / MIN_BYTES_PER_SECOND)
        for replans in range(MAX_REPLANS + 1):
            [upload] = self.plan_uploads(submission, channel, [segment])
            url = urljoin(self.base, upload.url)
            response = self.transport.retrying(upload.method, url, body, upload.headers, timeout)
            if response.ok:
                return "uploaded"
            if response.status in DONE_STATUS:
                return "already"
            if response.status != 403 or replans >= MAX_REPLANS:
                raise error_from(response)
        raise AssertionError("unreachable")  # pragma: no cover

    def finalize(self, submission: str, body: dict[str, Any]) -> tuple[str, str]:
        """File the case (idempotent on the server, so retried): (case, acknowledged_on)."""
        answer = self.post_json(f"/submissions/{submission}/finalize", body)
        if not (
            isinstance(answer, dict)
            and isinstance(answer.get("case"), str)
            and isinstance(answer.get("acknowledged_on"), str)
        ):
            raise _unexpected(200)
        return answer["case"], answer["acknowledged_on"]
