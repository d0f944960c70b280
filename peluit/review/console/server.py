"""The console's HTTP server: the standard library's, on 127.0.0.1 only, logging nothing.

It has `peluit serve`'s limits (ADR 0024, `peluit.serve.connections.Limits`): every read and
write of a connection waits at most `timeout` seconds, and at most `connections` are served at
once, one thread each; one more waits `queue_wait` seconds for a slot, then gets 503
`server_busy` and is closed without a thread. A program on this machine that opens thousands
of connections and stalls them holds a bounded number of threads, each for a bounded time,
and the person's browser gets its pages again once they time out."""

from __future__ import annotations

import contextlib
import socket
import sys
from collections.abc import Iterator
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit

from peluit.serve.connections import LimitedThreadingHTTPServer, Limits
from peluit.web.length import content_length

from .guard import parse_cookies
from .web import Request, Response, UploadedFile, text

LOOPBACK = "127.0.0.1"
MAX_FORM_BYTES = 256 * 1024
# A form with files (the reply form's attachments), held in memory on this machine only;
# larger files go with `peluit cases reply --file`, which streams them segment by segment.
MAX_UPLOAD_BYTES = 64 * 1024 * 1024
MULTIPART = "multipart/form-data"
# One person's browser opens about six connections; the rest is headroom, not a crowd.
CONSOLE_LIMITS = Limits(timeout=30.0, connections=32, queue_wait=2.0)
STREAM_PIECE = 1024 * 1024  # bytes per write: fewer system calls than 64 KiB age chunks


class ConsoleApp(Protocol):
    def handle(self, request: Request) -> Response: ...

    def expire_sessions(self) -> None: ...


class ConsoleServer(LimitedThreadingHTTPServer):
    def __init__(
        self,
        app: ConsoleApp,
        port: int = 0,
        host: str = LOOPBACK,
        limits: Limits = CONSOLE_LIMITS,
    ) -> None:
        if host != LOOPBACK:
            raise ValueError(
                "the review console listens on 127.0.0.1 only: it shows decrypted reports"
            )
        self.app = app
        super().__init__((host, port), _Handler, limits)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def origin(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def service_actions(self) -> None:
        """Between requests (about every half second): lock sessions that went idle, so an
        unlocked key does not stay in memory until someone next uses the console."""
        self.app.expire_sessions()

    def handle_error(self, request: object, client_address: object) -> None:
        """Name the failure only: the default prints a traceback that may hold case data."""
        exc = sys.exc_info()[1]
        if not isinstance(exc, ConnectionError | TimeoutError):
            print(f"peluit review: a request failed ({type(exc).__name__})", file=sys.stderr)


class _Handler(BaseHTTPRequestHandler):
    server: ConsoleServer
    protocol_version = "HTTP/1.1"
    server_version = "Peluit-review"
    sys_version = ""

    def setup(self) -> None:
        super().setup()
        # A stalled client (a request head or body that stops coming, an idle keep-alive)
        # loses its connection after this long; its thread and slot are free again.
        self.connection.settimeout(self.server.limits.timeout)

    def log_message(self, format: str, *args: Any) -> None:
        """Log nothing: paths name cases."""

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_HEAD(self) -> None:
        self._send(text(405, "Method not allowed"))

    def _handle(self) -> None:
        request = self._request()
        if request is None:
            return
        self._send(self.server.app.handle(request))

    def _request(self) -> Request | None:
        split = urlsplit(self.path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        form: dict[str, str] = {}
        files: dict[str, tuple[UploadedFile, ...]] = {}
        if self.command == "POST":
            announced = headers.get("content-length")
            if "transfer-encoding" in headers or announced is None:
                self.close_connection = True
                self._send(text(411, "Content-Length required"))
                return None
            length = content_length(announced)
            if length is None:
                self.close_connection = True
                self._send(text(400, "Content-Length is not a number / tidak sah"))
                return None
            kind = headers.get("content-type", "")
            limit = MAX_UPLOAD_BYTES if kind.startswith(MULTIPART) else MAX_FORM_BYTES
            if length > limit:
                self.close_connection = True
                self._send(text(413, "Request too large / permintaan terlalu besar"))
                return None
            body = self.rfile.read(length)
            if kind.startswith("application/x-www-form-urlencoded"):
                form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
            elif kind.startswith(MULTIPART):
                form, files = parse_multipart(kind, body)
        return Request(
            method=self.command,
            path=split.path,
            query=dict(parse_qsl(split.query, keep_blank_values=True)),
            headers=headers,
            form=form,
            cookies=parse_cookies(headers.get("cookie", "")),
            files=files,
        )

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        for name, value in response.all_headers().items():
            self.send_header(name, value)
        if response.stream is not None and response.length is not None:
            self.send_header("Content-Length", str(response.length))
            self.end_headers()
            self._send_sized(response.stream, response.length)
            return
        if response.stream is not None:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self._send_stream(response)
            return
        if response.file is not None:
            source, size = response.file
            self.send_header("Content-Length", str(size))
            self.end_headers()
            with source:
                while piece := source.read(STREAM_PIECE):
                    self.wfile.write(piece)
            return
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        self.wfile.write(response.body)

    def _send_stream(self, response: Response) -> None:
        assert response.stream is not None  # noqa: S101 - checked by the caller
        try:
            for piece in coalesced(response.stream):
                self._write_chunk(piece)
        except Exception as exc:  # noqa: BLE001 - any failure: cut the connection, name it
            self._abort()
            print(
                f"peluit review: a download was stopped and left incomplete ({type(exc).__name__})",
                file=sys.stderr,
            )
            return
        self.wfile.write(b"0\r\n\r\n")

    def _send_sized(self, stream: Iterator[bytes | memoryview], length: int) -> None:
        """Exactly `length` bytes, or a cut connection: the browser counts the progress
        against `Content-Length` and marks a short body as a failed download."""
        try:
            for piece in coalesced(exactly(stream, length)):
                self.wfile.write(piece)
        except Exception as exc:  # noqa: BLE001 - any failure: cut the connection, name it
            self._abort()
            print(
                f"peluit review: a download was stopped and left incomplete ({type(exc).__name__})",
                file=sys.stderr,
            )

    def _write_chunk(self, data: bytes | memoryview) -> None:
        self.wfile.write(b"%x\r\n" % len(data))
        self.wfile.write(data)
        self.wfile.write(b"\r\n")

    def _abort(self) -> None:
        """End the connection without the last chunk: the browser sees a failed download."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


class LengthMismatchError(ValueError):
    """A sized download gave other than the bytes it announced."""


def coalesced(stream: Iterator[bytes | memoryview]) -> Iterator[bytes | memoryview]:
    """The stream in writes of about `STREAM_PIECE` (fewer system calls than 64 KiB age
    chunks): a piece that large is passed on as it is, and must be written before the next
    is asked for (it may be a view of a buffer the stream writes again); smaller ones are
    copied and gathered."""
    pending: list[bytes] = []
    size = 0
    for piece in stream:
        if len(piece) >= STREAM_PIECE:
            if pending:
                yield b"".join(pending)
                pending, size = [], 0
            yield piece
            continue
        pending.append(bytes(piece))  # a copy of a view; the same object for bytes
        size += len(piece)
        if size >= STREAM_PIECE:
            yield b"".join(pending)
            pending, size = [], 0
    if pending:
        yield b"".join(pending)


def exactly(stream: Iterator[bytes | memoryview], length: int) -> Iterator[bytes | memoryview]:
    """`stream`, raising once it gives more than `length` bytes or ends short of it."""
    sent = 0
    for chunk in stream:
        sent += len(chunk)
        if sent > length:
            raise LengthMismatchError("the download is longer than announced")
        yield chunk
    if sent != length:
        raise LengthMismatchError("the download is shorter than announced")


def parse_multipart(
    content_type: str, body: bytes
) -> tuple[dict[str, str], dict[str, tuple[UploadedFile, ...]]]:
    """The fields and files of a `multipart/form-data` body (the standard library's MIME
    parser); a part without a name, or a body that does not parse, contributes nothing."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    form: dict[str, str] = {}
    files: dict[str, list[UploadedFile]] = {}
    if not message.is_multipart():
        return form, {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename is None:
            form[name] = data.decode("utf-8", "replace")
        elif filename or data:  # an empty file input sends a nameless, empty part
            files.setdefault(name, []).append(UploadedFile(filename, data))
    return form, {k: tuple(v) for k, v in files.items()}
