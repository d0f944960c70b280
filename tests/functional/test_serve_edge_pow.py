"""`peluit serve` runs the API's CloudFront Function (its Python twin) on every /api/* request,
as CloudFront does: a public POST without valid proof of work is refused before the API sees
it, and work done for a made-up body gets past the edge but not past the API, which checks
the digest the stamp carries against the body (issue 18, finding 6)."""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from peluit.core.pow import Proof, bucket_of, solve
from peluit.serve.server import API_LANES, PeluitServer
from tests.support.submitting import low_pow_config, serve_in_thread

pytestmark = pytest.mark.functional

STATUS = "/api/v1/followup/status"
BODY = json.dumps({"token": "ab" * 32}).encode()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[PeluitServer]:
    data = tmp_path / "var"
    with serve_in_thread(data, low_pow_config(data), site=tmp_path / "no-site") as running:
        yield running.server


def _post(server: PeluitServer, path: str, body: bytes) -> tuple[int, dict[str, Any]]:
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=5)
    try:
        connection.request("POST", path, body, {"Content-Type": "application/json"})
        answer = connection.getresponse()
        return answer.status, json.loads(answer.read())
    finally:
        connection.close()


def test_junk_is_refused_at_the_edge_without_reaching_the_api(server: PeluitServer) -> None:
    """While the API is busy (every lane held), a flood without work is still answered at
    once: it never waits for, or reaches, the API."""
    assert server.pow_bits is not None
    stale = solve("POST", STATUS, BODY, server.pow_bits, bucket_of(datetime.now(UTC)) - 3)
    with contextlib.ExitStack() as busy:
        for _ in range(API_LANES):
            busy.enter_context(server.lane())
        for query, code in (
            ("", "pow_required"),
            ("?pow=12-zz", "pow_invalid"),
            (f"?pow={stale}", "pow_expired"),
        ):
            status, answer = _post(server, STATUS + query, BODY)
            assert status == 400
            assert answer["error"]["code"] == code
            assert answer["error"]["pow"] == {
                "bits": server.pow_bits,
                "bucket": bucket_of(datetime.now(UTC)),
            }
            assert answer["error"]["message"]["id"]


def test_work_for_a_made_up_body_passes_the_edge_and_is_refused_by_the_api(
    server: PeluitServer,
) -> None:
    assert server.pow_bits is not None
    other = b'{"token":"' + b"cd" * 32 + b'"}'
    made_up = solve("POST", STATUS, other, server.pow_bits, bucket_of(datetime.now(UTC)))
    assert made_up.body_sha256 == hashlib.sha256(other).digest()
    status, answer = _post(server, f"{STATUS}?pow={made_up}", BODY)
    assert (status, answer["error"]["code"]) == (400, "pow_invalid")
    assert answer["error"]["detail"] == "the proof of work names another body's digest"
    # the same work for the real body goes through both
    good = solve("POST", STATUS, BODY, server.pow_bits, bucket_of(datetime.now(UTC)))
    status, answer = _post(server, f"{STATUS}?pow={good}", BODY)
    assert status == 404, answer  # no such receipt: the API answered
    assert answer["error"]["code"] == "receipt_not_found"
    # an older client's stamp without the digest is refused at the edge
    old = Proof(good.bucket, good.nonce)
    assert _post(server, f"{STATUS}?pow={old}", BODY)[1]["error"]["code"] == "pow_invalid"


def test_a_refused_request_leaves_its_connection_usable(server: PeluitServer) -> None:
    """The refused body is read and dropped, as CloudFront does: the next request on the same
    keep-alive connection is answered, not parsed out of the old body or reset."""
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=5)
    try:
        for _ in range(3):
            connection.request("POST", STATUS, BODY, {"Content-Type": "application/json"})
            answer = connection.getresponse()
            assert answer.status == 400
            assert json.loads(answer.read())["error"]["code"] == "pow_required"
        connection.request("GET", "/api/v1/openapi.json")
        follow = connection.getresponse()
        assert follow.status == 200
        assert json.loads(follow.read())["openapi"]
    finally:
        connection.close()
