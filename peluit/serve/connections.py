"""How many connections `peluit serve` serves at once and how long one may stall
(docs/adr/0024-*.md), and the 503 for one over the limit."""

from __future__ import annotations

import json
import socket
from dataclasses import dataclass

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
