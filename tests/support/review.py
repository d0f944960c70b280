"""A review team with real key files, and a transport that hands the review client's
signed requests to the reviewer API's resolver as API Gateway HTTP API (v2) events.

The roster is the example's, plus `sari`, a custodian who is nothing else:

| channel       | reviewers   | oversight   | custodians  |
|---------------|-------------|-------------|-------------|
| `pengaduan`   | rina, agus  | kpk-liaison | agus, sari  |
| `gratifikasi` | dewi        | kpk-liaison | dewi        |
| `pelayanan`   | rina        | —           | —           |
"""

from __future__ import annotations

import base64
import copy
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from aws_lambda_powertools.utilities.typing import LambdaContext
from cryptography.hazmat.primitives.asymmetric import ed25519

from peluit import age
from peluit.api.reviewer import ReviewerResolver, Services, build_reviewer_app
from peluit.config import Config
from peluit.core.ids import case_id
from peluit.core.submission import SubmissionService
from peluit.keys import KeyFile
from peluit.review.client import ReviewClient
from peluit.review.transport import HttpRequest, HttpResponse
from tests.support.factory import (
    PELAYANAN,
    SMALL_LIMITS,
    EncryptedSegment,
    Team,
    example_raw,
    finalization,
    submission_id,
)
from tests.support.fakes import FixedClock, MemoryStore

ORIGIN = "https://k7q2m9x4ab.execute-api.ap-southeast-3.amazonaws.com"
SARI: dict[str, Any] = {"id": "sari", "name": "Sari (kustodian)", "roles": ["custodian"]}


@dataclass(frozen=True)
class ReviewTeam:
    config: Config
    keys: dict[str, KeyFile]

    @property
    def team(self) -> Team:
        """The submission-side helpers (reports, identity blocks, attachments)."""
        return Team(self.config, {p: k.identity for p, k in self.keys.items()})

    def key(self, person: str) -> KeyFile:
        return self.keys[person]


def make_review_team() -> ReviewTeam:
    raw = example_raw()
    raw["people"].append(copy.deepcopy(SARI))
    keys: dict[str, KeyFile] = {}
    for person in raw["people"]:
        key = KeyFile.generate(person["id"], person["name"], tuple(person["roles"]))
        keys[person["id"]] = key
        person["age_recipient"] = key.age_recipient
        person["signing_key"] = key.signing_public_key
    for channel in raw["channels"]:
        if channel["id"] == "pengaduan":
            channel["custodians"] = ["agus", "sari"]
    raw["channels"].append(copy.deepcopy(PELAYANAN))
    raw["limits"] = dict(SMALL_LIMITS)
    return ReviewTeam(Config.model_validate(raw), keys)


def lambda_context() -> LambdaContext:
    context = LambdaContext()
    context._function_name = "peluit-reviewer"
    context._aws_request_id = "0b7e8c1a-5d2f-4c3e-9a71-2f6d8e4b1c90"
    return context


def http_event(request: HttpRequest, source_ip: str = "203.0.113.7") -> dict[str, Any]:
    """The event API Gateway would give the function for `request` (a real-looking client
    address and user agent included: nothing may log or store them)."""
    url = urlsplit(request.url)
    body = request.body
    try:
        text: str | None = body.decode("utf-8") if body else None
        encoded = False
    except UnicodeDecodeError:
        text, encoded = base64.b64encode(body).decode(), True
    headers = {k.lower(): v for k, v in request.headers.items()}
    headers.update(
        {
            "host": url.netloc,
            "user-agent": "Mozilla/5.0 (X11; Linux x86_64) peluit-review-test",
            "x-forwarded-for": source_ip,
            "content-length": str(len(body)),
        }
    )
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": url.path,
        "rawQueryString": url.query,
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "k7q2m9x4ab",
            "domainName": url.netloc,
            "domainPrefix": url.netloc.split(".")[0],
            "http": {
                "method": request.method,
                "path": url.path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": headers["user-agent"],
            },
            "requestId": "Hx3bKjT2IAMEVfQ=",
            "routeKey": "$default",
            "stage": "$default",
            "time": "03/Mar/2025:02:30:00 +0000",
            "timeEpoch": 1740969000123,
        },
        "body": text,
        "isBase64Encoded": encoded,
    }
    if url.query:
        event["queryStringParameters"] = dict(parse_qsl(url.query, keep_blank_values=True))
    return event


def response_of(result: dict[str, Any]) -> HttpResponse:
    raw = result.get("body") or ""
    data = base64.b64decode(raw) if result.get("isBase64Encoded") else str(raw).encode()
    headers = {str(k): str(v) for k, v in (result.get("headers") or {}).items()}
    return HttpResponse(int(result["statusCode"]), headers, data)


class LambdaTransport:
    """Sends requests to the resolver as Lambda would, and downloads from the memory store."""

    def __init__(self, app: ReviewerResolver, store: MemoryStore) -> None:
        self.app = app
        self.store = store
        self.sent: list[HttpRequest] = []

    def send(self, request: HttpRequest) -> HttpResponse:
        self.sent.append(request)
        if request.method == "PUT" and not request.url.startswith(ORIGIN):
            # a PUT to a presigned upload URL (a reviewer's attached file): the store's terms
            info = self.store.upload(request.url, request.body)
            return HttpResponse(200, {"ETag": info.etag}, b"")
        return response_of(self.app.resolve(http_event(request), lambda_context()))

    def fetch(self, url: str) -> bytes:
        return self.store.download(url)


class Deployment:
    """The reviewer API over a memory store, with a client for anybody on the roster."""

    def __init__(self, review_team: ReviewTeam, clock: FixedClock | None = None) -> None:
        self.review_team = review_team
        self.config = review_team.config
        self.clock = clock or FixedClock()
        self.store = MemoryStore(self.clock)
        self.app = build_reviewer_app(Services.build(self.config, self.store, self.clock))
        self.transport = LambdaTransport(self.app, self.store)
        self.submissions = SubmissionService(self.config, self.store, self.clock)

    def client(self, person: str, key: KeyFile | None = None) -> ReviewClient:
        return ReviewClient(
            ORIGIN, key or self.review_team.key(person), self.transport, clock=self.clock
        )

    def submit(
        self,
        channel: str = "pengaduan",
        *,
        identity: bool = True,
        attachment: bytes | None = None,
        reply: age.HybridIdentity | None = None,
    ) -> str:
        """A finalized case, as a browser would have sent it; returns its case id."""
        team = self.review_team.team
        submission = submission_id()
        parts: list[EncryptedSegment] = []
        if attachment is not None:
            parts = team.attachment(channel, 0, attachment)
            for part in parts:
                self.store.put_new(
                    f"staging/{submission}/00/{part.segment.index:05d}.age", part.data
                )
        case = case_id(submission)
        block = (
            team.identity_block(channel, case=case) if identity and channel != "pelayanan" else None
        )
        request = finalization(
            channel,
            team.report(channel, {"what": "Pungutan liar di kantor kecamatan."}),
            identity=block,
            segments=parts,
            reply=(reply or age.HybridIdentity.generate()).recipient().encode(),
        )
        self.submissions.finalize(submission, request)
        return case


def other_signing_key() -> ed25519.Ed25519PrivateKey:
    return ed25519.Ed25519PrivateKey.generate()


def audit_actions(store: MemoryStore) -> Iterator[tuple[str, str | None]]:
    for key in store.keys("audit/"):
        if key != "audit/head.json":
            event = json.loads(store.objects[key])
            yield event["action"], event["case"]


def random_nonce() -> str:
    return base64.urlsafe_b64encode(os.urandom(24)).decode().rstrip("=")


ONE_MINUTE = timedelta(minutes=1)
