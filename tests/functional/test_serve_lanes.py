"""`peluit serve` resolves API requests side by side, each on resolvers of its own (a lane,
peluit/serve/server.py), as concurrent requests reach separate Lambda instances: a request
that holds one (a slow finalize, say) does not hold up the next."""

from __future__ import annotations

import contextlib
import http.client
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from peluit.core.pow import bucket_of, solve
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


def _status(server: PeluitServer, timeout: float) -> int:
    """A follow-up status request with its proof of work: it reaches the API."""
    assert server.pow_bits is not None
    proof = solve("POST", STATUS, BODY, server.pow_bits, bucket_of_now())
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=timeout)
    try:
        connection.request(
            "POST", f"{STATUS}?pow={proof}", BODY, {"Content-Type": "application/json"}
        )
        return connection.getresponse().status
    finally:
        connection.close()


def bucket_of_now() -> int:
    return bucket_of(datetime.now(UTC))


def test_a_request_is_answered_while_another_holds_a_lane(server: PeluitServer) -> None:
    with server.lane() as held:
        assert held is server.lanes[0]
        assert _status(server, timeout=10) == 404  # no such case, from the API itself
    assert len(server.lanes) == 2


def test_requests_one_after_another_use_the_first_lane(server: PeluitServer) -> None:
    for _ in range(3):
        assert _status(server, timeout=10) == 404
    assert len(server.lanes) == 1


def test_with_every_lane_held_a_request_waits_for_one(server: PeluitServer) -> None:
    with contextlib.ExitStack() as busy:
        for _ in range(API_LANES):
            busy.enter_context(server.lane())
        with pytest.raises(TimeoutError):
            _status(server, timeout=1)
    assert len(server.lanes) == API_LANES
