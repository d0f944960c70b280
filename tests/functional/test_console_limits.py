"""The review console's server has `peluit serve`'s connection limits (ADR 0024; issue 18
hardening): a program on this machine that opens connections and stalls them holds a bounded
number of threads, each for a bounded time; one over the limit gets 503 at once, and the
person's browser is served again as soon as the stalled ones time out. Real sockets against
the real `ConsoleServer`."""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from peluit.review.console.server import CONSOLE_LIMITS, ConsoleServer
from peluit.review.console.web import Request, Response, text
from peluit.serve.connections import Limits

pytestmark = pytest.mark.functional

LIMITS = Limits(timeout=0.6, connections=2, queue_wait=0.2)


class _Hello:
    def handle(self, request: Request) -> Response:
        return text(200, "halo")

    def expire_sessions(self) -> None:
        return None


@pytest.fixture
def console() -> Iterator[ConsoleServer]:
    server = ConsoleServer(_Hello(), 0, limits=LIMITS)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _stall(port: int) -> socket.socket:
    """A connection that sends half a request head and then nothing."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall(b"GET /cases HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    return sock


def _get(port: int) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", "/", headers={"Host": f"127.0.0.1:{port}"})
    status = connection.getresponse().status
    connection.close()
    return status


def test_the_console_takes_the_same_limits_as_peluit_serve() -> None:
    assert CONSOLE_LIMITS.timeout == 30.0
    assert CONSOLE_LIMITS.connections >= 6  # a browser's parallel connections, and more


def test_stalled_connections_hold_at_most_the_limit_and_time_out(console: ConsoleServer) -> None:
    before = threading.active_count()
    stalled = [_stall(console.port) for _ in range(LIMITS.connections)]
    time.sleep(0.1)  # both are being served (each waiting for the rest of its head)
    started = time.monotonic()
    assert _get(console.port) == 503  # over the limit: answered at once, no thread
    assert time.monotonic() - started < LIMITS.timeout
    assert threading.active_count() <= before + LIMITS.connections  # one thread per slot

    # The stalled ones are closed once they have waited `timeout`; the console serves again.
    for sock in stalled:
        sock.settimeout(5)
        assert sock.recv(1024) == b""  # closed by the server, nothing answered
        sock.close()
    assert _get(console.port) == 200
