"""The verifier's HTTP client against a small server on 127.0.0.1: a redirect is an answer,
never followed (to another origin or this one); an answer over the size cap is refused; no
compression is asked for, unless as a browser (ADR 0053); a URL with credentials or another
scheme is refused before any request; a closed port is a FetchError, not a traceback."""

from __future__ import annotations

import http.server
import re
import threading
from collections.abc import Iterator

import pytest

from peluit.verify import FetchError, SiteClient
from peluit.verify.http import BROWSER_ACCEPT_ENCODING, BROWSER_USER_AGENT

pytestmark = pytest.mark.functional
SEEN: list[tuple[str, str | None]] = []
AGENTS: list[str | None] = []


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        SEEN.append((self.path, self.headers.get("Accept-Encoding")))
        AGENTS.append(self.headers.get("User-Agent"))
        if self.path == "/away":
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.2:9/elsewhere")
            self.end_headers()
        elif self.path == "/here":
            self.send_response(301)
            self.send_header("Location", "/big")
            self.end_headers()
        else:
            body = b"x" * (4096 if self.path == "/big" else 10)
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Test", "a")
            self.end_headers()
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_redirects_are_answers_and_never_followed(base: str) -> None:
    SEEN.clear()
    client = SiteClient(base + "/")
    away = client.get("/away")
    assert (away.status, away.header("location")) == (302, "http://127.0.0.2:9/elsewhere")
    here = client.get("/here")
    assert here.status == 301
    assert [path for path, _ in SEEN] == ["/away", "/here"]  # /big was never asked for


def test_an_answer_over_the_cap_is_refused(base: str) -> None:
    client = SiteClient(base, max_answer=1024)
    with pytest.raises(FetchError, match="larger than 1024 bytes"):
        client.get("/big")
    small = client.get("/small")
    assert (small.status, small.body, small.header("X-Test")) == (200, b"x" * 10, "a")


def test_no_compression_is_asked_for(base: str) -> None:
    SEEN.clear()
    SiteClient(base).get("/small")
    assert SEEN == [("/small", "identity")]


def test_as_a_browser_it_asks_what_a_browser_asks(base: str) -> None:
    SEEN.clear()
    AGENTS.clear()
    SiteClient(base).get("/small", browser=True)
    SiteClient(base).get("/small")
    assert SEEN == [("/small", "gzip, deflate, br, zstd"), ("/small", "identity")]
    assert BROWSER_ACCEPT_ENCODING == "gzip, deflate, br, zstd"
    assert AGENTS == [BROWSER_USER_AGENT, "peluit-verify-site"]
    assert BROWSER_USER_AGENT.startswith("Mozilla/5.0 ")


@pytest.mark.parametrize(
    "url", ["ftp://127.0.0.1/", "http://user:pw@127.0.0.1/", "127.0.0.1", "http:///x"]
)
def test_a_url_that_is_not_a_plain_http_site_is_refused(url: str) -> None:
    with pytest.raises(FetchError):
        SiteClient(url)


def test_a_closed_port_is_a_fetch_error() -> None:
    with pytest.raises(FetchError, match=re.escape("127.0.0.1:9")):
        SiteClient("http://127.0.0.1:9/", timeout=5).get("/")
