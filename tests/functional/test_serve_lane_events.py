"""Each lane of `peluit serve` (serve/lanes.py, ADR 0051) resolves its own request: while one
request is in flight on a lane, a request resolved on another lane does not become the first
one's event (Powertools keeps the event in one slot of its router class unless the resolver
keeps it, peluit/api/resolver.py). Under load with several lanes, a finalization routed under
one reporter's submission id had its body read from another reporter's request
(`bad_signature`, or someone else's receipt)."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response

from peluit import age
from peluit.core.dates import utc_now
from peluit.serve.app import ServeOptions, build_server
from peluit.serve.events import http_api_event
from peluit.serve.server import Lane, PeluitServer
from tests.support.pow import pow_query
from tests.support.review import lambda_context
from tests.support.submitting import low_pow_config

pytestmark = pytest.mark.functional

WAIT = 10  # seconds: a step that takes longer has hung


@pytest.fixture
def server(tmp_path: Path) -> Iterator[PeluitServer]:
    data = tmp_path / "var"
    options = ServeOptions("127.0.0.1", 0, data, low_pow_config(data), tmp_path / "no-site")
    built, _, _, _ = build_server(options)
    try:
        yield built
    finally:
        built.server_close()


def _plan_event(server: PeluitServer, submission: str) -> dict[str, Any]:
    """A reporter's upload plan for one segment, with its proof of work."""
    assert server.pow_bits is not None
    path = f"/api/v1/submissions/{submission}/uploads"
    size = age.hybrid_file_size(3, 200)  # 200 bytes for the demo channel's three reviewers
    segment = {"file": 0, "index": 0, "size": size, "sha256": hashlib.sha256(b"x").hexdigest()}
    body = json.dumps({"channel": "pengaduan", "segments": [segment]}).encode()
    query = pow_query(path, body, server.pow_bits, utc_now())
    return http_api_event("POST", path, query, {"Content-Type": "application/json"}, body)


def _pausing(
    in_flight: threading.Event, go_on: threading.Event, seen: list[str]
) -> Callable[[APIGatewayHttpResolver, Callable[[APIGatewayHttpResolver], Response[Any]]], Any]:
    """A middleware that holds its request once routed and validated until `go_on`, then
    notes the path of the request its resolver says it is handling."""

    def middleware(
        app: APIGatewayHttpResolver, next_middleware: Callable[[APIGatewayHttpResolver], Any]
    ) -> Any:
        in_flight.set()
        assert go_on.wait(WAIT)
        seen.append(app.current_event.raw_path)
        return next_middleware(app)

    return middleware


def _two_lanes(server: PeluitServer) -> tuple[Lane, Lane]:
    with server.lane() as first, server.lane() as second:  # both busy: a second is built
        assert first is not second
        return first, second


def _upload_urls(result: dict[str, Any]) -> list[str]:
    assert result["statusCode"] == 200, result
    return [u["url"] for u in json.loads(result["body"])["uploads"]]


def test_a_request_on_another_lane_does_not_become_this_lanes_event(
    server: PeluitServer,
) -> None:
    lane_a, lane_b = _two_lanes(server)
    a, b = "a" * 32, "b" * 32
    in_flight, go_on = threading.Event(), threading.Event()
    seen: list[str] = []
    lane_a.app.use(middlewares=[_pausing(in_flight, go_on, seen)])
    answer_a: list[dict[str, Any]] = []
    thread = threading.Thread(
        target=lambda: answer_a.append(lane_a.app.resolve(_plan_event(server, a), lambda_context()))
    )
    thread.start()
    try:
        assert in_flight.wait(WAIT)
        # Another reporter's request, resolved on the other lane while the first is in flight
        answer_b = lane_b.app.resolve(_plan_event(server, b), lambda_context())
    finally:
        go_on.set()
        thread.join(WAIT)
    assert seen == [f"/api/v1/submissions/{a}/uploads"]
    assert all(f"/{b}/" in url for url in _upload_urls(answer_b))
    assert all(f"/{a}/" in url for url in _upload_urls(answer_a[0]))
