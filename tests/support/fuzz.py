"""The fuzz tier's harness: a real `peluit serve` and requests that get past its front doors.

`FuzzServer` is `peluit serve`'s own server (`PeluitServer`, the demo configuration and its
sealed demo key files, a `LocalStore`) wired as `peluit.serve.app.build_server` wires it, with
two test settings: an 8-bit proof of work (256 tries) and no follow-up answer floor, so that
a few hundred requests take seconds. It also files two real cases: one in `pengaduan` (which
`rina` reviews) and one whose receipt token the harness knows, so generated requests can
reach a case and not only its 404.

`send` turns a schemathesis case into the bytes that go on the wire and then adds what the
API checks before any route runs: a proof of work for every public POST (bound to the path
and the exact body, peluit/core/pow.py) and an RFC 9421 signature by a roster key for every
reviewer request (peluit/httpsig). Without them every request would stop at the door (400
`pow_required`, 401 `signature_missing`) and the fuzzing would test nothing else.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
import schemathesis
from schemathesis import CheckContext, GenerationMode, Response
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from peluit.api.public import PublicServices, build_public_app
from peluit.api.reviewer import Services, build_reviewer_app
from peluit.client.pow import solve
from peluit.config import Config, load_config
from peluit.config.demo import ensure_demo, open_demo_key
from peluit.core.dates import utc_now
from peluit.core.ids import case_id
from peluit.core.pow import QUERY
from peluit.core.submission import SubmissionService
from peluit.httpsig.message import Message
from peluit.httpsig.sign import sign_request
from peluit.keys import KeyFile
from peluit.serve.server import (
    DOWNLOAD_PREFIX,
    REVIEW_PREFIX,
    UPLOAD_PREFIX,
    Pacing,
    PeluitServer,
)
from peluit.store.local import LocalStore, LocalUrlSigner
from tests.support.cases import submit_case
from tests.support.factory import Team, finalization, submission_id

POW_BITS = 8
DEMO_POW_LINE = "pow_bits = 19"
SIGNER = "rina"  # reviewer of pengaduan and pelayanan (docs: the demo roster)
CHANNEL = "pengaduan"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
]


class FuzzServer:
    """`peluit serve` on 127.0.0.1 with the demo configuration, fuzz-friendly limits and two
    filed cases (`case`: reviewed by `rina`; `token`: a receipt token whose case exists)."""

    def __init__(self, data: Path) -> None:
        demo = ensure_demo(data, "http://127.0.0.1")
        text = demo.read_text(encoding="utf-8")
        assert DEMO_POW_LINE in text, "the demo configuration's proof of work line moved"
        path = data / "peluit.fuzz.toml"
        path.write_text(text.replace(DEMO_POW_LINE, f"pow_bits = {POW_BITS}"), encoding="utf-8")
        self.config: Config = load_config(path)
        self.data = data
        urls = LocalUrlSigner(
            os.urandom(32), UPLOAD_PREFIX.rstrip("/"), DOWNLOAD_PREFIX.rstrip("/")
        )
        self.store = LocalStore(data / "store", utc_now, urls)
        public = PublicServices.build(self.config, self.store, utc_now, floor=0.0)
        reviewer = build_reviewer_app(Services.build(self.config, self.store, utc_now))
        self.server = PeluitServer(
            ("127.0.0.1", 0), build_public_app(public), self.store, None, reviewer, Pacing()
        )
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        reviewer.origin = self.base
        self.keys: dict[str, KeyFile] = {
            p.id: open_demo_key(data, p.id) for p in self.config.people
        }
        self.case = submit_case(self.config, self.store, {"what": "fuzz"}).case
        self.token = os.urandom(32)
        self.token_case = self._file_with_token(self.token)
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()
        self.session = requests.Session()

    def _file_with_token(self, token: bytes) -> str:
        team = Team(self.config, {p: k.identity for p, k in self.keys.items()})
        submission = submission_id()
        request = finalization(
            "pengaduan", team.report("pengaduan"), lookup_hash=hashlib.sha256(token).digest()
        )
        SubmissionService(self.config, self.store, utc_now).finalize(submission, request)
        return case_id(submission)

    def public_document(self) -> dict[str, Any]:
        """The OpenAPI document `peluit serve` serves at /api/v1/openapi.json."""
        answer = self.session.get(f"{self.base}/api/v1/openapi.json", timeout=30)
        answer.raise_for_status()
        document: dict[str, Any] = answer.json()
        return document

    def aim(self, case: schemathesis.Case[Any], turn: int) -> None:
        """Point every other valid request at a filed case (generated ids hit none): its case
        id, its receipt token, its channel and reviewer, so that routes answer from real data
        and not only 404."""
        meta = case.meta
        if meta is None or meta.generation.mode != GenerationMode.POSITIVE or turn % 2:
            return
        params = case.path_parameters
        if params and "case" in params:
            case.path_parameters = {**params, "case": self.case}
        if params and "reviewer" in params:
            case.path_parameters = {**case.path_parameters, "reviewer": SIGNER}
        if isinstance(case.body, dict):
            real = {"token": self.token.hex(), "channel": CHANNEL}
            case.body = {**case.body, **{k: v for k, v in real.items() if k in case.body}}

    def send(self, case: schemathesis.Case[Any]) -> requests.Response:
        """Send `case` as a client that does its part would: public POSTs with a proof of
        work, reviewer requests signed by `SIGNER`."""
        prepared = requests.Request(**_request_kwargs(case, self.base)).prepare()
        body = _body_bytes(prepared.body)
        url = prepared.url or ""
        path = urlsplit(url).path
        if path.startswith(REVIEW_PREFIX):
            self._sign(prepared, body)
        elif prepared.method == "POST":
            proof = solve("POST", path, body, POW_BITS)
            prepared.url = f"{url}{'&' if '?' in url else '?'}{QUERY}={proof}"
        return self.session.send(prepared, timeout=30, allow_redirects=False)

    def send_signed(
        self, method: str, path: str, body: bytes, content_type: str = "application/json"
    ) -> requests.Response:
        """Raw bytes to the reviewer API, signed by `SIGNER`."""
        headers = {"Content-Type": content_type}
        prepared = requests.Request(method, self.base + path, headers, data=body).prepare()
        self._sign(prepared, body)
        return self.session.send(prepared, timeout=30, allow_redirects=False)

    def send_public(self, path: str, body: bytes, content_type: str) -> requests.Response:
        """Raw bytes POSTed to the public API with a proof of work."""
        proof = solve("POST", path, body, POW_BITS)
        url = f"{self.base}{path}?{QUERY}={proof}"
        headers = {"Content-Type": content_type}
        return self.session.post(url, data=body, headers=headers, timeout=30)

    def objects(self) -> dict[str, bytes]:
        """Everything in the store but spent nonces (each signed request adds one)."""
        root = self.data / "store" / "objects"
        return {
            str(p.relative_to(root)): p.read_bytes()
            for p in sorted(root.rglob("*"))
            if p.is_file() and not str(p.relative_to(root)).startswith("nonces/")
        }

    def _sign(self, prepared: requests.PreparedRequest, body: bytes) -> None:
        headers = {k: v if isinstance(v, str) else v.decode() for k, v in prepared.headers.items()}
        message = Message(prepared.method or "GET", prepared.url or "", headers)
        sign_request(
            message,
            body,
            key_id=SIGNER,
            key=self.keys[SIGNER].signing_key,
            created=utc_now(),
            nonce=secrets.token_urlsafe(24),
        )
        prepared.headers.update(message.headers)

    def close(self) -> None:
        self.session.close()
        self.server.shutdown()
        self.server.server_close()


_REQUEST_ARGS = frozenset({"method", "url", "headers", "params", "json", "data"})


def _request_kwargs(case: schemathesis.Case[Any], base: str) -> dict[str, Any]:
    kwargs = case.as_transport_kwargs(base_url=base)
    kwargs.pop("cookies", None)  # the API reads none
    return {
        k: v
        for k, v in kwargs.items()
        if k in {"method", "url", "headers", "params", "json", "data"}
    }


def _body_bytes(body: object) -> bytes:
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    assert isinstance(body, bytes), type(body)
    return body


def json_errors(ctx: CheckContext, response: Response, case: schemathesis.Case[Any]) -> bool | None:
    """Every refusal is a JSON problem (`{"error": {"code", "message": {"id", "en"}}}`): never
    an HTML page, an empty body or a stack trace (peluit/api/errors.py)."""
    if response.status_code < 400:
        return None
    content_type = (response.headers.get("content-type") or [""])[0]
    if not content_type.startswith("application/json"):
        raise AssertionError(f"{response.status_code} answered as {content_type!r}, not JSON")
    try:
        document = json.loads(response.content)
    except ValueError:
        raise AssertionError(
            f"{response.status_code} answered with a body that is not JSON"
        ) from None
    error = document.get("error") if isinstance(document, Mapping) else None
    message = error.get("message") if isinstance(error, Mapping) else None
    if not (
        isinstance(error, Mapping)
        and isinstance(error.get("code"), str)
        and isinstance(message, Mapping)
        and all(isinstance(message.get(lang), str) and message[lang] for lang in ("id", "en"))
    ):
        raise AssertionError(f"{response.status_code} answered without a code and a message")
    return True


DOOR_CODES = frozenset(
    {
        "pow_required",
        "pow_invalid",
        "pow_expired",
        "signature_missing",
        "signature_malformed",
        "unknown_key",
        "signature_expired",
        "digest_mismatch",
        "signature_invalid",
        "replayed_request",
    }
)


def past_the_door(
    ctx: CheckContext, response: Response, case: schemathesis.Case[Any]
) -> bool | None:
    """The harness's own check: no request was stopped by the proof of work or the signature
    (else the fuzzing would only ever test the door, and pass whatever the routes do)."""
    if response.status_code < 400:
        return None
    try:
        code = json.loads(response.content)["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None  # json_errors reports it
    if code in DOOR_CODES:
        raise AssertionError(f"stopped at the door: {code}")
    return True
