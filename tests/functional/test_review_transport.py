"""The review client's real transport over HTTP on 127.0.0.1 (issue 18, finding 9): no
redirect is followed, for the API or a download (a 3xx is an error naming where it
pointed, and the place it pointed to gets nothing); answers longer than the cap are refused
without being read whole; URLs that only look local are refused; an https API's plain-HTTP
download URL is not fetched."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest

from peluit.api.review_models import CaseObjectOut
from peluit.keys import KeyFile
from peluit.review.client import ReviewClient
from peluit.review.connections import MAX_IDLE
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
    keep_alive: bool = False  # HTTP/1.1: the connection stays open after an answer
    drop_after_answer: bool = False  # close it anyway, without a `Connection: close`
    asked: list[str] = field(default_factory=list)
    connections: int = 0  # connections accepted
    port: int = 0


Serve = Callable[[Server], Server]


@pytest.fixture
def serve() -> Iterator[Serve]:
    started: list[http.server.ThreadingHTTPServer] = []

    def start(spec: Server) -> Server:
        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1" if spec.keep_alive else "HTTP/1.0"

            def setup(self) -> None:
                super().setup()
                spec.connections += 1

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
                if spec.drop_after_answer:
                    self.close_connection = True

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


def test_downloads_from_one_server_reuse_their_connections(serve: Serve) -> None:
    """An attachment's segments are fetched several at once, one GET each: they share a few
    kept-alive connections (no TCP or TLS handshake per segment), and each gets its own body."""
    server = serve(Server(body=b"segment", keep_alive=True))
    transport = UrllibTransport(timeout=5)
    urls = [f"http://127.0.0.1:{server.port}/_download/{n:05d}.age?sig=x" for n in range(40)]

    for url in urls[:10]:
        assert transport.fetch(url) == b"segment"
    assert server.connections == 1
    with ThreadPoolExecutor(max_workers=3) as pool:
        assert list(pool.map(transport.fetch, urls[10:])) == [b"segment"] * 30
    assert 1 <= server.connections <= 3
    origin = f"http://127.0.0.1:{server.port}"
    assert sorted(server.asked) == [url.removeprefix(origin) for url in urls]
    transport.close()


def test_a_kept_connection_the_server_closed_is_replaced_and_the_download_succeeds(
    serve: Serve,
) -> None:
    """The server closes each connection after its answer without saying so (as one does
    with a connection left idle too long): the next download notices, opens a new one."""
    server = serve(Server(body=b"segment", keep_alive=True, drop_after_answer=True))
    transport = UrllibTransport(timeout=5)
    url = f"http://127.0.0.1:{server.port}/x"
    assert transport.fetch(url) == b"segment"
    assert transport.fetch(url) == b"segment"
    assert server.connections == 2
    assert server.asked == ["/x", "/x"]


def test_an_answer_that_ends_short_of_its_length_is_an_error_not_kept(serve: Serve) -> None:
    """A body cut before its Content-Length is refused (and its connection not reused)."""
    server = serve(Server(body=b"short", headers={"Content-Length": "9"}, chunked=True))
    transport = UrllibTransport(timeout=5)
    with pytest.raises(TransportError, match="before its announced length"):
        transport.fetch(f"http://127.0.0.1:{server.port}/x")


def test_at_most_a_few_connections_wait_per_server(serve: Serve) -> None:
    server = serve(Server(body=b"segment", keep_alive=True))
    transport = UrllibTransport(timeout=5)
    url = f"http://127.0.0.1:{server.port}/x"
    with ThreadPoolExecutor(max_workers=MAX_IDLE + 4) as pool:
        list(pool.map(transport.fetch, [url] * 200))
    first = server.connections
    for _ in range(20):
        transport.fetch(url)
    assert server.connections == first  # the kept ones served these
    transport.close()


def _through_proxy(serve: Serve, monkeypatch: pytest.MonkeyPatch) -> tuple[Server, UrllibTransport]:
    """A proxy server, set as http_proxy (nothing exempt), and a transport that will use it."""
    proxy = serve(Server(body=b"via proxy"))
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{proxy.port}")
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    return proxy, UrllibTransport(timeout=5)


def test_a_configured_proxy_still_carries_the_downloads(
    serve: Serve, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With http_proxy set, a download goes through the proxy (urllib's path), as before."""
    proxy, transport = _through_proxy(serve, monkeypatch)
    assert transport.fetch("http://127.0.0.1:9/_download/x?sig=y") == b"via proxy"
    assert proxy.asked == ["http://127.0.0.1:9/_download/x?sig=y"]  # the proxy's request form


# -- fetch_into: a download read into the caller's (reused) buffer ----------------------------


def test_downloads_into_one_buffer_each_come_out_whole_on_a_kept_connection(
    serve: Serve,
) -> None:
    """The same buffer serves download after download: each view is that download's bytes
    only (a shorter one after a longer one has none of the longer one's tail)."""
    long = serve(Server(body=b"L" * 70_000, keep_alive=True))
    short = serve(Server(body=b"short segment", keep_alive=True))
    transport = UrllibTransport(timeout=5)
    buffer = bytearray(80_000)
    for _ in range(3):
        got = transport.fetch_into(f"http://127.0.0.1:{long.port}/x", buffer)
        assert got.obj is buffer
        assert bytes(got) == b"L" * 70_000
        assert bytes(transport.fetch_into(f"http://127.0.0.1:{short.port}/x", buffer)) == (
            b"short segment"
        )
    assert (long.connections, short.connections) == (1, 1)  # kept and reused
    transport.close()


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "no-length"])
def test_a_download_longer_than_the_buffer_is_refused_and_one_as_long_is_read(
    serve: Serve, chunked: bool
) -> None:
    size = 64 * 1024
    fits = serve(Server(body=b"f" * size, chunked=chunked))
    over = serve(Server(body=b"o" * (size + 1), chunked=chunked))
    transport = UrllibTransport(timeout=5)
    buffer = bytearray(size)
    assert bytes(transport.fetch_into(f"http://127.0.0.1:{fits.port}/x", buffer)) == b"f" * size
    with pytest.raises(TransportError, match="larger than 65536 bytes"):
        transport.fetch_into(f"http://127.0.0.1:{over.port}/x", buffer)


def test_a_buffer_over_the_download_cap_is_refused_before_anything_is_asked(
    serve: Serve,
) -> None:
    server = serve(Server(body=b"x"))
    transport = UrllibTransport(timeout=5, max_download_bytes=1024)
    with pytest.raises(TransportError, match="at most 1024 bytes"):
        transport.fetch_into(f"http://127.0.0.1:{server.port}/x", bytearray(1025))
    assert server.asked == []


def test_into_a_buffer_a_short_body_a_redirect_and_an_error_status_are_errors(
    serve: Serve,
) -> None:
    short = serve(Server(body=b"short", headers={"Content-Length": "9"}, chunked=True))
    elsewhere = serve(Server(body=b"stolen"))
    redirecting = serve(
        Server(status=302, headers={"Location": f"http://127.0.0.1:{elsewhere.port}/s"})
    )
    missing = serve(Server(status=404, body=b"{}"))
    transport = UrllibTransport(timeout=5)
    buffer = bytearray(1024)
    with pytest.raises(TransportError, match="before its announced length"):
        transport.fetch_into(f"http://127.0.0.1:{short.port}/x", buffer)
    with pytest.raises(TransportError, match="redirect"):
        transport.fetch_into(f"http://127.0.0.1:{redirecting.port}/x", buffer)
    with pytest.raises(TransportError, match="HTTP 404"):
        transport.fetch_into(f"http://127.0.0.1:{missing.port}/x", buffer)
    assert elsewhere.asked == []


def test_a_configured_proxy_still_carries_the_downloads_into_a_buffer(
    serve: Serve, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy, transport = _through_proxy(serve, monkeypatch)
    got = transport.fetch_into("http://127.0.0.1:9/_download/x?sig=y", bytearray(64))
    assert bytes(got) == b"via proxy"
    assert proxy.asked == ["http://127.0.0.1:9/_download/x?sig=y"]
    with pytest.raises(TransportError, match="larger than 4 bytes"):
        transport.fetch_into("http://127.0.0.1:9/_download/x?sig=y", bytearray(4))


def test_the_client_downloads_into_the_buffer_and_keeps_the_https_rule(serve: Serve) -> None:
    local = serve(Server(body=b"age-encryption.org/v1\n..."))
    listed = CaseObjectOut(key="report.age", size=25, url=f"http://127.0.0.1:{local.port}/x")
    buffer = bytearray(64)
    got = _client(f"http://127.0.0.1:{local.port}").download_into(
        "k3v92m7qx0ab4fzt", listed, buffer
    )
    assert (bytes(got), got.obj) == (b"age-encryption.org/v1\n...", buffer)
    with pytest.raises(TransportError, match="not https"):
        _client("https://review.example.go.id").download_into("k3v92m7qx0ab4fzt", listed, buffer)
    assert local.asked == ["/x"]
