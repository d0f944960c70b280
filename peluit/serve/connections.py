"""How many connections `peluit serve` serves at once and how long one may stall
(docs/adr/0024-*.md), and the 503 for one over the limit."""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from typing import Any

# The API's error shape (`peluit.api.errors.problem_body`), written out here so that the review
# console, which never imports the server's API (the layer contracts in pyproject.toml), can
# share these limits; a unit test keeps the two the same.
BUSY_BODY = json.dumps(
    {
        "error": {
            "code": "server_busy",
            "message": {
                "id": "Server sedang melayani terlalu banyak sambungan. Coba lagi sebentar lagi.",
                "en": "The server is serving too many connections. Try again in a moment.",
            },
        }
    },
    ensure_ascii=False,
).encode()


@dataclass(frozen=True)
class Limits:
    """How long a connection may stall and how many may be open (docs/adr/0024-*.md).

    `timeout`: seconds any one read or write of a connection may wait (a request line, a
    header, a piece of a body, an idle keep-alive connection); past it the connection is
    closed. `connections`: connections served at once, one thread each; one more waits up to
    `queue_wait` seconds for a free slot and is then answered 503 `server_busy` and closed.
    """

    timeout: float = 30.0
    connections: int = 64
    queue_wait: float = 2.0


def refuse_busy(request: socket.socket) -> None:
    """The 503 for a connection over the limit, sent without waiting on the client."""
    body = BUSY_BODY
    head = (
        f"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n"
    )
    try:
        request.setblocking(False)
        request.send(head.encode() + body)
    except OSError:
        pass  # the client gets the closed connection instead


class LimitedThreadingHTTPServer(ThreadingHTTPServer):
    """A threaded HTTP server that serves at most `limits.connections` connections at once:
    one more waits up to `limits.queue_wait` seconds for a slot and is then answered 503 at
    once and closed, without starting a thread (`peluit serve` and the review console)."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: Any, limits: Limits) -> None:
        self.limits = limits
        # One slot per connection being served: a crowd of stalled connections holds at most
        # `connections` threads, each released when its connection ends or times out.
        self._slots = threading.BoundedSemaphore(limits.connections)
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(timeout=self.limits.queue_wait):
            refuse_busy(request)
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()
