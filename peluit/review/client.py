"""A client for the reviewer API that signs every request with the person's key file.

    key = open_key_file(path.read_bytes(), passphrase)
    client = ReviewClient("https://review.example.go.id", key, UrllibTransport())
    page = client.list_cases(status="diterima")

The transport is injected, so tests hand requests straight to the Lambda resolver. The
client never encrypts or decrypts: `peluit.review.compose` does, on this machine.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import quote, urlencode, urljoin

from peluit.core.dates import Clock, utc_now
from peluit.httpsig.message import Message
from peluit.httpsig.sign import sign_request
from peluit.keys import KeyFile

from .errors import ReviewApiError
from .transport import HttpRequest, HttpResponse, Transport

PREFIX = "/api/v1/review"


def new_nonce() -> str:
    return secrets.token_urlsafe(24)  # 192 bits, 32 characters


class ReviewClient:
    def __init__(
        self,
        base_url: str,
        key: KeyFile,
        transport: Transport,
        clock: Clock = utc_now,
        nonce: Callable[[], str] = new_nonce,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._key = key
        self._transport = transport
        self._clock = clock
        self._nonce = nonce

    # -- requests ------------------------------------------------------------------------

    def prepare(
        self,
        method: str,
        path: str,
        query: Mapping[str, str | int | None] | None = None,
        body: object | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> HttpRequest:
        """The signed request, without sending it."""
        kept = {k: str(v) for k, v in (query or {}).items() if v is not None}
        url = self._base + PREFIX + path + (f"?{urlencode(kept, safe='/')}" if kept else "")
        data = b"" if body is None else json.dumps(body).encode()
        message = Message(method, url, {"Accept": "application/json", **(headers or {})})
        if body is not None:
            message.headers["Content-Type"] = "application/json"
        extra = tuple(name.lower() for name in headers or {})
        sign_request(
            message,
            data,
            key_id=self._key.person,
            key=self._key.signing_key,
            created=self._clock(),
            nonce=self._nonce(),
            extra_components=extra,
        )
        return HttpRequest(method, url, dict(message.headers), data)

    def call(
        self,
        method: str,
        path: str,
        query: Mapping[str, str | int | None] | None = None,
        body: object | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> HttpResponse:
        """Sign and send; `ReviewApiError` for any answer that is not 2xx."""
        response = self._transport.send(self.prepare(method, path, query, body, headers))
        if not 200 <= response.status < 300:
            raise _api_error(response)
        return response

    # -- the API -------------------------------------------------------------------------

    def me(self) -> dict[str, Any]:
        return _object(self.call("GET", "/me"))

    def list_cases(
        self,
        channel: str | None = None,
        status: str | None = None,
        cursor: str | None = None,
        limit: int | None = None,
    ) -> dict[str, Any]:
        query = {"channel": channel, "status": status, "cursor": cursor, "limit": limit}
        return _object(self.call("GET", "/cases", query))

    def get_case(self, case: str) -> dict[str, Any]:
        return _object(self.call("GET", f"/cases/{_segment(case)}"))

    def read_object(self, case: str, key: str) -> bytes:
        answer = _object(self.call("GET", f"/cases/{_segment(case)}/object", {"key": key}))
        return base64.b64decode(answer["data"], validate=True)

    def download(self, case: str, obj: Mapping[str, Any]) -> bytes:
        """An object listed by `get_case`: by its presigned URL if it has one, else the API."""
        url = obj.get("url")
        if isinstance(url, str):
            return self._transport.fetch(urljoin(self._base + "/", url))
        return self.read_object(case, str(obj["key"]))

    def change_status(
        self, case: str, etag: str, status: str, reason: bytes, target: str | None = None
    ) -> dict[str, Any]:
        body: dict[str, object] = {"status": status, "reason": _b64(reason)}
        if target is not None:
            body["target"] = target
        path = f"/cases/{_segment(case)}/status"
        return _object(self.call("POST", path, body=body, headers={"If-Match": etag}))

    def set_tag(self, case: str, tag: str, present: bool = True) -> dict[str, Any]:
        """Set (or clear) a tag on the case; `uji` marks a test report (`peluit smoke`)."""
        path = f"/cases/{_segment(case)}/tags"
        return _object(self.call("POST", path, body={"tag": tag, "present": present}))

    def post_message(
        self,
        case: str,
        message: bytes,
        upload: str | None = None,
        segments: Sequence[Mapping[str, Any]] = (),
    ) -> dict[str, Any]:
        """A message to the reporter; with `upload` and `segments` (`{"file", "index", "size",
        "sha256"}`), the files staged under `upload` are attached to it."""
        body: dict[str, object] = {"message": _b64(message)}
        if upload is not None:
            body["upload"] = upload
            body["segments"] = [dict(s) for s in segments]
        path = f"/cases/{_segment(case)}/messages"
        return _object(self.call("POST", path, body=body))

    def plan_reply_uploads(
        self, case: str, upload: str, segments: Sequence[Mapping[str, Any]]
    ) -> list[dict[str, Any]]:
        """Presigned PUTs for the segments of files attached to a message to the reporter."""
        path = f"/cases/{_segment(case)}/uploads"
        body = {"upload": upload, "segments": [dict(s) for s in segments]}
        uploads = _object(self.call("POST", path, body=body)).get("uploads")
        if not isinstance(uploads, list) or not all(isinstance(u, dict) for u in uploads):
            raise ReviewApiError(200, "bad_response", "Jawaban tidak sah.", "Bad answer.")
        return uploads

    def put_upload(self, ticket: Mapping[str, Any], data: bytes) -> None:
        """PUT one segment to its presigned URL (no signature: the URL carries the terms)."""
        headers = {str(k): str(v) for k, v in dict(ticket.get("headers") or {}).items()}
        headers.pop("Content-Length", None)  # the transport sets it from the body
        url = urljoin(self._base + "/", str(ticket["url"]))
        response = self._transport.send(HttpRequest(str(ticket["method"]), url, headers, data))
        if not 200 <= response.status < 300:
            raise ReviewApiError(
                response.status,
                "upload_failed",
                "Unggahan berkas gagal.",
                f"The upload failed (HTTP {response.status}).",
            )

    def mark_read(self, case: str, seq: int) -> dict[str, Any]:
        """Record that this person has seen the thread up to message `seq`; the answer is the
        case's `thread` progress afterwards: `{"unread", "last_read", "last_seq"}`. The case
        list and case view carry the same object; `unread` counts the reporter's messages
        (and evidence they added, whose manifest is a message) after `last_read`."""
        path = f"/cases/{_segment(case)}/read"
        return _object(self.call("POST", path, body={"seq": seq}))

    def request_identity(self, case: str, reason: bytes) -> dict[str, Any]:
        path = f"/cases/{_segment(case)}/identity-requests"
        return _object(self.call("POST", path, body={"reason": _b64(reason)}))

    def list_identity_requests(
        self, channel: str | None = None, status: str | None = None
    ) -> dict[str, Any]:
        query = {"channel": channel, "status": status}
        return _object(self.call("GET", "/identity-requests", query))

    def approve_identity(self, case: str, reviewer: str, grant: bytes) -> dict[str, Any]:
        path = f"/cases/{_segment(case)}/identity-requests/{_segment(reviewer)}/approve"
        return _object(self.call("POST", path, body={"grant": _b64(grant)}))

    def deny_identity(self, case: str, reviewer: str, reason: bytes) -> dict[str, Any]:
        path = f"/cases/{_segment(case)}/identity-requests/{_segment(reviewer)}/deny"
        return _object(self.call("POST", path, body={"reason": _b64(reason)}))


def _segment(value: str) -> str:
    return quote(value, safe="")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _object(response: HttpResponse) -> dict[str, Any]:
    value = response.json()
    if not isinstance(value, dict):
        raise ReviewApiError(response.status, "bad_response", "Jawaban tidak sah.", "Bad answer.")
    return value


def _api_error(response: HttpResponse) -> ReviewApiError:
    try:
        error = response.json()["error"]
        # The detail names what to change (e.g. the statuses a case can move to).
        detail = f" ({error['detail']})" if isinstance(error.get("detail"), str) else ""
        return ReviewApiError(
            response.status,
            str(error["code"]),
            str(error["message"]["id"]) + detail,
            str(error["message"]["en"]) + detail,
        )
    except (ValueError, KeyError, TypeError):
        return ReviewApiError(
            response.status, "http_error", "Permintaan gagal.", f"HTTP {response.status}"
        )
