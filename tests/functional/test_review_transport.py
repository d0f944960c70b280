"""The review client's real transport over HTTP on 127.0.0.1 (issue 18, finding 9): no
redirect is followed, for the API or a download (a 3xx is an error naming where it
pointed, and the place it pointed to gets nothing); answers longer than the cap are refused
without being read whole; URLs that only look local are refused; an https API's plain-HTTP
download URL is not fetched."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest

from peluit.api.review_models import CaseObjectOut
from peluit.keys import KeyFile
from peluit.review.client import ReviewClient
from peluit.review.errors import TransportError
from peluit.review.transport import HttpRequest, UrllibTransport

pytestmark = pytest.mark.functional


@dataclass
class Server:
    """Answers every request with `status`, `headers` and `body`; records the paths asked."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    chunked: bool = False  # no Content-Length: the cap must hold while reading
    asked: list[str] = field(default_factory=list)
    port: int = 0


Serve = Callable[[Server], Server]


@pytest.fixture
def serve() -> Iterator[Serve]:
    started: list[http.server.ThreadingHTTPServer] = []

    def start(spec: Server) -> Server:
        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self) -> None:
                spec.asked.append(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                self.send_response(spec.status)
                for name, value in spec.headers.items():
                    self.send_header(name, value)
                if not spec.chunked:
                    self.send_header("Content-Length", str(len(spec.body)))
                self.end_headers()
                self.wfile.write(spec.body)

            do_GET = do_POST = _answer  # noqa: N815 - http.server's names

            def log_message(self, *_: object) -> None:
                return None

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        spec.port = server.server_address[1]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        started.append(server)
        return spec

    yield start
    for server in started:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_an_error_naming_its_location_and_is_not_followed(
    serve: Serve, status: int
) -> None:
    elsewhere = serve(Server(body=b'{"ok": true}'))
    target = f"http://127.0.0.1:{elsewhere.port}/stolen"
    redirecting = serve(Server(status=status, headers={"Location": target}))
    transport = UrllibTransport(timeout=5)
    url = f"http://127.0.0.1:{redirecting.port}/api/v1/review/me"

    with pytest.raises(TransportError) as sent:
        transport.send(HttpRequest("POST", url, {"Signature": "x"}, b"{}"))
    assert target in str(sent.value)
    assert f"HTTP {status}" in str(sent.value)
    with pytest.raises(TransportError) as fetched:
        transport.fetch(url)
    assert target in str(fetched.value)
    assert elsewhere.asked == []  # neither the signed request nor the download went there
    assert len(redirecting.asked) == 2


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "no-length"])
def test_an_answer_over_the_cap_is_refused_and_one_at_the_cap_is_read(
    serve: Serve, chunked: bool
) -> None:
    cap = 64 * 1024
    transport = UrllibTransport(timeout=5, max_answer_bytes=cap, max_download_bytes=2 * cap)
    at_cap = serve(Server(body=b"a" * cap, chunked=chunked))
    over = serve(Server(body=b"a" * (cap + 1), chunked=chunked))
    big_download = serve(Server(body=b"d" * (2 * cap + 1), chunked=chunked))

    def url(server: Server) -> str:
        return f"http://127.0.0.1:{server.port}/x"

    assert transport.send(HttpRequest("GET", url(at_cap))).body == b"a" * cap
    with pytest.raises(TransportError, match="larger than 65536 bytes"):
        transport.send(HttpRequest("GET", url(over)))
    assert transport.fetch(url(over)) == b"a" * (cap + 1)  # downloads have their own cap
    with pytest.raises(TransportError, match="larger than 131072 bytes"):
        transport.fetch(url(big_download))


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1.attacker.example/api",
        "http://localhost.attacker.example/api",
        "http://attacker.example/?http://127.0.0.1",
        "ftp://127.0.0.1/x",
    ],
)
def test_a_url_that_only_looks_local_is_refused(url: str) -> None:
    transport = UrllibTransport(timeout=5)
    with pytest.raises(TransportError, match="only https"):
        transport.send(HttpRequest("GET", url))
    with pytest.raises(TransportError, match="only https"):
        transport.fetch(url)


def _client(base: str) -> ReviewClient:
    key = KeyFile.generate("rina", "Rina", ("reviewer",))
    return ReviewClient(base, key, UrllibTransport(timeout=5))


def test_an_https_api_handing_back_a_plain_http_download_url_is_not_fetched(
    serve: Serve,
) -> None:
    """Something listens on 127.0.0.1 (the reviewer's own machine); a remote https API, or
    whoever answers in its name, hands back a presigned URL pointing there over plain HTTP."""
    local = serve(Server(body=b"age-encryption.org/v1\n..."))
    listed = CaseObjectOut(key="report.age", size=25, url=f"http://127.0.0.1:{local.port}/x")
    with pytest.raises(TransportError, match="not https"):
        _client("https://review.example.go.id").download("k3v92m7qx0ab4fzt", listed)
    assert local.asked == []  # nothing went there


def test_a_local_api_may_hand_back_a_local_http_download_url(serve: Serve) -> None:
    """`peluit serve` on this machine answers with http://127.0.0.1 URLs: those are fetched."""
    local = serve(Server(body=b"age-encryption.org/v1\n..."))
    listed = CaseObjectOut(key="report.age", size=25, url=f"http://127.0.0.1:{local.port}/x")
    data = _client(f"http://127.0.0.1:{local.port}").download("k3v92m7qx0ab4fzt", listed)
    assert data == b"age-encryption.org/v1\n..."
    assert local.asked == ["/x"]
