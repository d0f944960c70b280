"""The Python client PUTs a segment with the headers the browser sends (js/src/upload.js):
the upload ticket's headers and no Content-Type of its own, as captured on the wire by a
local HTTP server that plays the API (plan) and the upload target (PUT)."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from peluit.client.api import ApiClient, SegmentOut
from peluit.client.http import Transport

pytestmark = pytest.mark.functional

BODY = b"age-encryption.org/v1 stand-in ciphertext \x00\x01\x02" * 10
SHA = hashlib.sha256(BODY)
TICKET_HEADERS = {
    "x-amz-checksum-sha256": base64.b64encode(SHA.digest()).decode(),
    "If-None-Match": "*",
}
# What any HTTP client adds on its own (Chromium adds its own set of these too: User-Agent,
# Accept, Origin, Sec-Fetch-*…); none of them is a Content-Type.
TRANSPORT_HEADERS = {"host", "content-length", "user-agent", "accept-encoding", "connection"}


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Capture:
    base: str
    seen: list[Seen] = field(default_factory=list)

    def puts(self) -> list[Seen]:
        return [s for s in self.seen if s.method == "PUT"]


@pytest.fixture
def capture() -> Iterator[Capture]:
    found: list[Seen] = []

    class Handler(BaseHTTPRequestHandler):
        def _record(self) -> bytes:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            found.append(Seen(self.command, self.path, dict(self.headers.items()), body))
            return body

        def _answer(self, status: int, data: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            request = json.loads(self._record())
            [segment] = request["segments"]
            ticket = {
                "file": segment["file"],
                "index": segment["index"],
                "url": "/upload/staging/segment.age?sig=x",
                "method": "PUT",
                "headers": TICKET_HEADERS,
            }
            self._answer(200, json.dumps({"uploads": [ticket]}).encode())

        def do_PUT(self) -> None:
            self._record()
            self._answer(200, b"{}")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Capture(f"http://127.0.0.1:{server.server_address[1]}", found)
    finally:
        server.shutdown()
        server.server_close()


def upload(capture: Capture) -> Seen:
    client = ApiClient(capture.base, "/api/v1", 0, Transport())
    segment = SegmentOut(0, 0, len(BODY), SHA.hexdigest())
    assert client.upload_segment("0" * 32, "pengaduan", segment, BODY) == "uploaded"
    [put] = capture.puts()
    return put


def test_segment_put_sends_no_content_type_like_the_browser(capture: Capture) -> None:
    put = upload(capture)
    names = {name.lower() for name in put.headers}
    assert "content-type" not in names, put.headers


def test_segment_put_sends_the_ticket_headers_and_nothing_else_of_its_own(
    capture: Capture,
) -> None:
    put = upload(capture)
    lowered = {name.lower(): value for name, value in put.headers.items()}
    for name, value in TICKET_HEADERS.items():
        assert lowered[name.lower()] == value
    assert lowered["content-length"] == str(len(BODY))
    extra = set(lowered) - {n.lower() for n in TICKET_HEADERS} - TRANSPORT_HEADERS
    assert extra == set(), f"headers the browser does not send: {sorted(extra)}"
    assert put.body == BODY
    assert put.path == "/upload/staging/segment.age?sig=x"


def test_api_posts_still_say_they_are_json(capture: Capture) -> None:
    upload(capture)
    [plan] = [s for s in capture.seen if s.method == "POST"]
    assert plan.headers["Content-Type"] == "application/json"
