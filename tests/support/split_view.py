"""A CDN in front of a `peluit serve` that shows some requests other bytes (ADR 0053): the
split views a site's verifier must see through. `SplitView` forwards each GET to the real
site as it was asked (Accept-Encoding and User-Agent included, redirects not followed) and
passes the answer through `tamper`, which may change its status, headers or body."""

from __future__ import annotations

import gzip
import http.client
import http.server
import threading
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass
class Exchange:
    """One request as the CDN got it, and the answer it is about to send."""

    path: str
    accept_encoding: str
    user_agent: str
    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes

    @property
    def as_browser(self) -> bool:
        return self.user_agent.startswith("Mozilla/")

    def gzipped(self) -> None:
        """The body gzipped (decoded first if the site gzipped it), as a CDN compresses."""
        if self.headers.get("content-encoding") == "gzip":
            self.body = gzip.decompress(self.body)
        self.body = gzip.compress(self.body, mtime=0)
        self.headers["content-encoding"] = "gzip"

    def plain(self) -> None:
        if self.headers.pop("content-encoding", None) == "gzip":
            self.body = gzip.decompress(self.body)


Tamper = Callable[[Exchange], None]
_HOP = {"content-length", "transfer-encoding", "connection", "date", "server", "keep-alive"}


class SplitView:
    def __init__(self, backend: str) -> None:
        self.backend = urlsplit(backend).netloc
        self.tamper: Tamper = lambda exchange: None
        self.asked: list[tuple[str, str, str]] = []  # path, Accept-Encoding, User-Agent
        view = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                view.forward(self)

            def log_message(self, format: str, *args: object) -> None:
                """Quiet."""

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def forward(self, handler: http.server.BaseHTTPRequestHandler) -> None:
        encoding = handler.headers.get("Accept-Encoding", "")
        agent = handler.headers.get("User-Agent", "")
        self.asked.append((handler.path, encoding, agent))
        connection = http.client.HTTPConnection(self.backend, timeout=10)
        try:
            connection.request(
                "GET", handler.path, headers={"Accept-Encoding": encoding, "User-Agent": agent}
            )
            answer = connection.getresponse()
            headers = {k.lower(): v for k, v in answer.getheaders() if k.lower() not in _HOP}
            exchange = Exchange(
                handler.path, encoding, agent, answer.status, headers, answer.read()
            )
        finally:
            connection.close()
        self.tamper(exchange)
        handler.send_response(exchange.status)
        for name, value in exchange.headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(exchange.body)))
        handler.end_headers()
        handler.wfile.write(exchange.body)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
