"""A client for the reviewer API that signs every request with the person's key file.

    key = open_key_file(path.read_bytes(), passphrase)
    client = ReviewClient("https://review.example.go.id", key, UrllibTransport())
    page = client.list_cases(status="diterima")

The transport is injected, so tests hand requests straight to the Lambda resolver. The
client never encrypts or decrypts: `peluit.review.compose` does, on this machine.

Every answer is parsed into the API's own response model (`peluit.api.review_models`, the
wire contract both sides import) and validated on arrival: an answer that does not fit is a
`ReviewApiError` (`bad_response`) naming the field, never a `KeyError` later. Fields a newer
server adds are ignored.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar
from urllib.parse import quote, urlencode, urljoin

from pydantic import BaseModel, ValidationError

from peluit.api.models import UploadOut, UploadPlanOut
from peluit.api.review_models import (
    CaseObjectOut,
    CaseOut,
    CasePageOut,
    IdentityRequestOut,
    IdentityRequestsOut,
    MeOut,
    MessageOut,
    ObjectOut,
    RekeyOut,
    StateOut,
    ThreadOut,
)
from peluit.core.dates import Clock, utc_now
from peluit.httpsig.message import Message
from peluit.httpsig.sign import sign_request
from peluit.keys import KeyFile

from .errors import ReviewApiError
from .transport import (
    FillingTransport,
    HttpRequest,
    HttpResponse,
    Transport,
    require_download_url,
)

PREFIX = "/api/v1/review"
Answer = TypeVar("Answer", bound=BaseModel)
Segment = Mapping[str, object]  # {"file", "index", "size", "sha256"}, as the API takes it


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

    # -- the API: each answer validated into the API's own response model ----------------

    def me(self) -> MeOut:
        return _answer(self.call("GET", "/me"), MeOut)

    def list_cases(
        self,
        channel: str | None = None,
        status: str | None = None,
        cursor: str | None = None,
        limit: int | None = None,
    ) -> CasePageOut:
        query = {"channel": channel, "status": status, "cursor": cursor, "limit": limit}
        return _answer(self.call("GET", "/cases", query), CasePageOut)

    def get_case(self, case: str) -> CaseOut:
        return _answer(self.call("GET", f"/cases/{_segment(case)}"), CaseOut)

    def read_object(self, case: str, key: str) -> bytes:
        response = self.call("GET", f"/cases/{_segment(case)}/object", {"key": key})
        answer = _answer(response, ObjectOut)
        try:
            return base64.b64decode(answer.data, validate=True)
        except binascii.Error:
            raise _bad_answer(response.status, ObjectOut, "data", "not base64") from None

    def download(self, case: str, obj: CaseObjectOut) -> bytes:
        """An object listed by `get_case`: by its presigned URL if it has one, else the API."""
        if obj.url is not None:
            url = urljoin(self._base + "/", obj.url)
            require_download_url(self._base, url)
            return self._transport.fetch(url)
        return self.read_object(case, obj.key)

    def download_into(self, case: str, obj: CaseObjectOut, buffer: bytearray) -> memoryview:
        """`download`, read into `buffer` where the transport can (`FillingTransport`, the
        buffer reused by the caller for a later download); a view of the object's bytes."""
        if obj.url is not None and isinstance(self._transport, FillingTransport):
            url = urljoin(self._base + "/", obj.url)
            require_download_url(self._base, url)
            return self._transport.fetch_into(url, buffer)
        return memoryview(self.download(case, obj))

    def change_status(
        self, case: str, etag: str, status: str, reason: bytes, target: str | None = None
    ) -> StateOut:
        body: dict[str, object] = {"status": status, "reason": _b64(reason)}
        if target is not None:
            body["target"] = target
        path = f"/cases/{_segment(case)}/status"
        return _answer(self.call("POST", path, body=body, headers={"If-Match": etag}), StateOut)

    def set_tag(self, case: str, tag: str, present: bool = True) -> StateOut:
        """Set (or clear) a tag on the case; `uji` marks a test report (`peluit smoke`)."""
        path = f"/cases/{_segment(case)}/tags"
        return _answer(self.call("POST", path, body={"tag": tag, "present": present}), StateOut)

    def post_message(
        self,
        case: str,
        message: bytes,
        upload: str | None = None,
        segments: Sequence[Segment] = (),
        signed: Mapping[str, object] | None = None,
    ) -> MessageOut:
        """A message to the reporter; with `upload` and `segments` (`{"file", "index", "size",
        "sha256"}`), the files staged under `upload` are attached to it; `signed`: the
        writer's signature for its number and day (`{"seq", "on", "signature"}`)."""
        body: dict[str, object] = {"message": _b64(message)}
        if upload is not None:
            body["upload"] = upload
            body["segments"] = [dict(s) for s in segments]
        if signed is not None:
            body["signed"] = dict(signed)
        path = f"/cases/{_segment(case)}/messages"
        return _answer(self.call("POST", path, body=body), MessageOut)

    def plan_reply_uploads(
        self, case: str, upload: str, segments: Sequence[Segment]
    ) -> list[UploadOut]:
        """Presigned PUTs for the segments of files attached to a message to the reporter."""
        path = f"/cases/{_segment(case)}/uploads"
        body = {"upload": upload, "segments": [dict(s) for s in segments]}
        return _answer(self.call("POST", path, body=body), UploadPlanOut).uploads

    def put_upload(self, ticket: UploadOut, data: bytes) -> None:
        """PUT one segment to its presigned URL (no signature: the URL carries the terms)."""
        headers = dict(ticket.headers)
        headers.pop("Content-Length", None)  # the transport sets it from the body
        url = urljoin(self._base + "/", ticket.url)
        response = self._transport.send(HttpRequest(ticket.method, url, headers, data))
        if not 200 <= response.status < 300:
            raise ReviewApiError(
                response.status,
                "upload_failed",
                "Unggahan berkas gagal.",
                f"The upload failed (HTTP {response.status}).",
            )

    def mark_read(self, case: str, seq: int) -> ThreadOut:
        """Record that this person has seen the thread up to message `seq`; the answer is the
        case's `thread` progress afterwards. The case list and case view carry the same
        object; `unread` counts the reporter's messages (and evidence they added, whose
        manifest is a message) after `last_read`."""
        path = f"/cases/{_segment(case)}/read"
        return _answer(self.call("POST", path, body={"seq": seq}), ThreadOut)

    def store_rekey(self, case: str, record: bytes) -> str:
        """Store a rekey record (`peluit.core.rekey`); returns its key in the case."""
        path = f"/cases/{_segment(case)}/rekey"
        answer = _answer(self.call("POST", path, body={"record": _b64(record)}), RekeyOut)
        return answer.key

    def request_identity(
        self,
        case: str,
        reason: bytes,
        identity_sha256: str | None = None,
        signature: bytes | None = None,
        signed_on: str | None = None,
    ) -> IdentityRequestOut:
        """`signature`: the requester's over the request statement (core/request_signature.py)
        for day `signed_on`, naming `identity_sha256`, the block's hash the requester's tool
        verified."""
        path = f"/cases/{_segment(case)}/identity-requests"
        body: dict[str, object] = {"reason": _b64(reason)}
        if signature is not None:
            body |= {
                "signed_on": signed_on,
                "identity_sha256": identity_sha256,
                "signature": signature.hex(),
            }
        return _answer(self.call("POST", path, body=body), IdentityRequestOut)

    def list_identity_requests(
        self, channel: str | None = None, status: str | None = None
    ) -> IdentityRequestsOut:
        query = {"channel": channel, "status": status}
        return _answer(self.call("GET", "/identity-requests", query), IdentityRequestsOut)

    def approve_identity(self, case: str, reviewer: str, grant: bytes) -> IdentityRequestOut:
        path = f"/cases/{_segment(case)}/identity-requests/{_segment(reviewer)}/approve"
        return _answer(self.call("POST", path, body={"grant": _b64(grant)}), IdentityRequestOut)

    def deny_identity(self, case: str, reviewer: str, reason: bytes) -> IdentityRequestOut:
        path = f"/cases/{_segment(case)}/identity-requests/{_segment(reviewer)}/deny"
        return _answer(self.call("POST", path, body={"reason": _b64(reason)}), IdentityRequestOut)


def _segment(value: str) -> str:
    return quote(value, safe="")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _answer(response: HttpResponse, model: type[Answer]) -> Answer:
    """The answer's JSON body as `model`, validated; fields a newer server adds are ignored.
    An answer that does not fit is a `ReviewApiError` naming the first field that does not,
    here, rather than a `KeyError` wherever the field is later used."""
    try:
        value = response.json()
    except ValueError:
        raise _bad_answer(response.status, model, "", "not JSON") from None
    try:
        return model.model_validate(value, extra="ignore")
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"])
        raise _bad_answer(response.status, model, where, first["msg"]) from None


def _bad_answer(status: int, model: type[BaseModel], where: str, problem: str) -> ReviewApiError:
    at = f" {where}:" if where else ""
    return ReviewApiError(
        status,
        "bad_response",
        f"Jawaban server tidak sesuai API penelaah ({model.__name__}){at} {problem}.",
        f"The server's answer does not fit the reviewer API ({model.__name__}){at} {problem}.",
    )


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
