"""`peluit serve` cannot be tied up (issue 18, finding 5): stalled connections are bounded and
closed after a timeout, HEAD answers carry no body, an ambiguous body length is refused, and a
replayed failing finalize does not hash every staged segment again under the API lock.

Each runs on 127.0.0.1 against a real server with short limits
(docs/adr/0024-serve-stays-on-http-server.md)."""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import pytest

from peluit import age
from peluit.config import Config
from peluit.serve.app import ServeOptions, build_server
from peluit.serve.server import Limits, PeluitServer
from peluit.store import local_digests
from tests.support.pow import with_pow
from tests.support.submitting import low_pow_config

pytestmark = pytest.mark.functional

LIMITS = Limits(timeout=0.5, connections=8, queue_wait=0.2)
SUBMISSION = "0123456789abcdef0123456789abcdef"


@dataclass
class Served:
    server: PeluitServer
    config: Config
    data: Path
    port: int

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def connect(self) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=10)

    def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body or None, headers=headers or {})
            answer = connection.getresponse()
            return answer.status, answer.read()
        finally:
            connection.close()

    def post_json(self, path: str, payload: object) -> tuple[int, dict[str, Any]]:
        data = json.dumps(payload).encode()
        url = with_pow(path, data, self.config.limits.pow_bits, datetime.now(UTC))
        status, body = self.request("POST", url, data, {"Content-Type": "application/json"})
        return status, json.loads(body)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    data = tmp_path / "var"
    config = low_pow_config(data)
    options = ServeOptions("127.0.0.1", 0, data, config, tmp_path / "no-site", LIMITS)
    server, loaded, _, _ = build_server(options)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(server, loaded, data, server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def _read_to_close(sock: socket.socket, within: float) -> bytes:
    """Everything the server sends until it closes the connection; fails if it does not
    close within `within` seconds."""
    sock.settimeout(within)
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


def test_stalled_connections_hold_a_bounded_number_of_threads_and_are_closed(
    served: Served,
) -> None:
    before = threading.active_count()
    stalled: list[socket.socket] = []
    for i in range(40):
        sock = served.connect()
        if i % 2:  # a request head that never ends
            sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        else:  # a body that never comes (the reviewer API reads it before anything else)
            sock.sendall(
                b"POST /api/v1/review/cases HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"
            )
        stalled.append(sock)
    time.sleep(0.3)
    assert threading.active_count() - before <= LIMITS.connections
    started = time.monotonic()
    answers = [_read_to_close(sock, within=10) for sock in stalled]
    for sock in stalled:
        sock.close()
    # a stalled connection gets nothing but its end; one over the limit a JSON 503
    for answer in answers:
        assert answer == b"" or answer.startswith(b"HTTP/1.1 503"), answer[:80]
        if answer:
            assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["error"]["code"] == "server_busy"
    assert time.monotonic() - started < 8  # 40 connections, 8 at a time, 0.5 s each at most
    status, body = served.request("GET", "/api/v1/openapi.json")
    assert status == 200
    assert json.loads(body)["openapi"]
    time.sleep(0.2)
    assert threading.active_count() - before <= 1  # every connection's thread has ended


def test_a_head_request_gets_headers_and_no_body_on_every_path(served: Served) -> None:
    """On one keep-alive connection: a body after a HEAD answer would be read as the next
    answer's status line."""
    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=10)
    try:
        for path in ("/api/v1/followup/status", "/api/v1/openapi.json", "/api/v1/nothing", "/"):
            connection.request("HEAD", path)
            answer = connection.getresponse()
            assert answer.read() == b"", path
            assert int(answer.headers["Content-Length"]) > 0, path  # the GET's length
            connection.request("GET", "/api/v1/openapi.json")
            follow = connection.getresponse()
            assert follow.status == 200, path
            assert json.loads(follow.read())["openapi"], path
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/v1/review/cases"),
        ("POST", "/api/v1/followup/status?pow=1-0000000000000000-" + "0" * 64),
        ("PUT", "/_upload/staging/x/0/00000.age?expires=1&size=2&sha256=x&sig=x"),
        ("GET", "/"),
    ],
)
def test_two_different_content_lengths_are_refused_with_a_stable_code(
    served: Served, method: str, path: str
) -> None:
    sock = served.connect()
    with sock:
        sock.sendall(
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            "Content-Length: 2\r\nContent-Length: 30\r\n\r\n{}".encode()
        )
        answer = _read_to_close(sock, within=5)  # and the connection is closed
    head, body = answer.split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 400 "), head
    error = json.loads(body)["error"]
    assert error["code"] == "conflicting_content_length"
    assert error["message"]["id"].startswith("Permintaan membawa lebih dari satu")
    assert error["message"]["en"].startswith("The request carries Content-Length more than once")


def test_a_chunked_upload_is_refused_before_its_body_is_read(served: Served) -> None:
    sock = served.connect()
    with sock:
        sock.sendall(
            b"PUT /_upload/staging/x/0/00000.age HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
        )
        answer = _read_to_close(sock, within=5)
    assert answer.startswith(b"HTTP/1.1 411 "), answer[:80]
    assert b'"length_required"' in answer


# Where the local store hashes an object's content it does not know the SHA-256 of: its
# remembered digests (`local_digests.Digests.of`).


class _CountingHash:
    """Counts the bytes the local store hashes."""

    def __init__(self) -> None:
        self.bytes = 0

    def __call__(self, f: BinaryIO) -> bytes:
        data = f.read()
        self.bytes += len(data)
        return hashlib.sha256(data).digest()


def test_a_replayed_failing_finalize_does_not_hash_the_staged_segments_again(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    channel = served.config.channel("pengaduan")
    assert channel is not None
    readers = [age.parse_recipient(r) for r in served.config.report_recipients(channel)]
    custodians = [age.parse_recipient(r) for r in served.config.identity_recipients(channel)]
    segments = [age.encrypt(os.urandom(200_000), readers) for _ in range(3)]
    declared = [
        {"file": i, "index": 0, "size": len(s), "sha256": hashlib.sha256(s).hexdigest()}
        for i, s in enumerate(segments)
    ]
    status, plan = served.post_json(
        f"/api/v1/submissions/{SUBMISSION}/uploads", {"channel": "pengaduan", "segments": declared}
    )
    assert status == 200, plan
    for upload, segment in zip(plan["uploads"], segments, strict=True):
        assert served.request(upload["method"], upload["url"], segment, upload["headers"])[0] == 200

    counting = _CountingHash()
    monkeypatch.setattr(local_digests, "hash_stream", counting)
    # the last segment declared with another digest: every staged segment is checked first
    wrong = [*declared[:-1], {**declared[-1], "sha256": hashlib.sha256(b"x").hexdigest()}]
    finalization = {
        "channel": "pengaduan",
        "report": base64.b64encode(age.encrypt(b'{"what":"x"}', readers)).decode(),
        "identity": base64.b64encode(age.encrypt(b'{"name":"A"}', custodians)).decode(),
        "segments": wrong,
        "lookup_hash": hashlib.sha256(b"lookup").hexdigest(),
        "reply_recipient": age.HybridIdentity.generate().recipient().encode(),
    }
    path = f"/api/v1/submissions/{SUBMISSION}/finalize"
    answers = [served.post_json(path, finalization) for _ in range(3)]
    for status, answer in answers:  # still refused, every time: the check itself is kept
        assert (status, answer["error"]["code"]) == (409, "segment_mismatch"), answer
    assert counting.bytes == 0  # hashed once, when uploaded, as S3 keeps an upload's checksum
    assert not (served.data / "store" / "objects" / "cases").exists()


def test_a_stored_objects_digest_follows_a_change_to_its_file(served: Served) -> None:
    """The recorded digest is the file's as written: a file changed on disk is hashed again,
    so a replaced staged segment is never taken for the one that was checked."""
    store = served.server.store
    store.put_new("staging/x/a.age", b"first content")
    assert store.sha256("staging/x/a.age") == hashlib.sha256(b"first content").digest()
    time.sleep(0.05)  # past the file system's timestamp granularity
    path = served.data / "store" / "objects" / "staging" / "x" / "a.age"
    path.write_bytes(b"other content")
    assert store.sha256("staging/x/a.age") == hashlib.sha256(b"other content").digest()
