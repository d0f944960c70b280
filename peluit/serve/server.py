"""The local HTTP server: site, API and upload endpoint. It logs no request, ever."""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qsl, urlsplit

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.utilities.typing import LambdaContext

from peluit.api import errors, openapi
from peluit.edge import behaviours, pages
from peluit.store.errors import ObjectNotFoundError
from peluit.store.local import LocalStore
from peluit.web.headers import SECURITY_HEADERS
from peluit.web.length import content_length

from . import edge, static
from .events import http_api_event, response_parts

MAX_API_BODY = 8 * 1024 * 1024
UPLOAD_PREFIX = "/_upload/"
DOWNLOAD_PREFIX = "/_download/"
REVIEW_PREFIX = "/api/v1/review/"
STAGING_EXPIRY = timedelta(days=2)
NONCE_EXPIRY = timedelta(days=1)
_PAYLOAD_TOO_LARGE = errors.Problem(
    413, "payload_too_large", "Permintaan terlalu besar.", "The request is too large."
)
_SHORT_BODY = errors.Problem(
    400,
    "short_body",
    "Unggahan terputus sebelum selesai.",
    "The upload ended before it was complete.",
)
_METHOD_NOT_ALLOWED = errors.Problem(
    405,
    "method_not_allowed",
    "Metode permintaan ini tidak dilayani.",
    "This request method is not served.",
)
_SERVER_ERRORS = {
    501: _METHOD_NOT_ALLOWED,
    405: _METHOD_NOT_ALLOWED,
    414: errors.Problem(414, "uri_too_long", "Alamat terlalu panjang.", "The address is too long."),
    431: errors.Problem(
        431, "headers_too_large", "Header permintaan terlalu besar.", "The headers are too large."
    ),
}
_LENGTH_REQUIRED = errors.Problem(
    411, "length_required", "Panjang isi permintaan wajib ada.", "Content-Length is required."
)
_BAD_LENGTH = errors.Problem(
    400,
    "invalid_content_length",
    "Panjang isi permintaan (Content-Length) tidak sah.",
    "The Content-Length header is not a decimal number.",
)
_CONFLICTING_LENGTH = errors.Problem(
    400,
    "conflicting_content_length",
    "Permintaan membawa lebih dari satu panjang isi (Content-Length) yang berbeda.",
    "The request carries Content-Length more than once, with different values.",
)
_BUSY = errors.Problem(
    503,
    "server_busy",
    "Server sedang melayani terlalu banyak sambungan. Coba lagi sebentar lagi.",
    "The server is serving too many connections. Try again in a moment.",
)


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


class Pacing:
    """The follow-up's minimum answer time, waited out after the API lock is released.

    `FollowupService` (peluit/core/followup.py) makes every answer wait until `floor` after
    the request began, found or not. Its sleep would run inside `resolve`, under the API lock,
    and stop every other API request (public and reviewer) for as long. So `peluit serve` gives
    the service `defer` as its sleep: it only notes the moment the answer may leave, and the
    handler waits for that moment after releasing the lock and before sending anything. The
    service's store calls are unchanged; only where the wait happens moves.

    The noted moment is one value, read and written only under the API lock (the service runs
    inside `resolve`, which runs under it), and taken by the request that set it.
    """

    def __init__(
        self,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._monotonic = monotonic  # the clock FollowupService measures with (its default)
        self._sleep = sleep
        self._deadline: float | None = None

    def defer(self, seconds: float) -> None:
        """FollowupService's `sleep`: the answer may leave `seconds` from now, not sooner."""
        deadline = self._monotonic() + seconds
        if self._deadline is None or deadline > self._deadline:
            self._deadline = deadline

    def take(self) -> float | None:
        """The moment noted while the lock was held (None: no wait), and forget it."""
        deadline, self._deadline = self._deadline, None
        return deadline

    def wait_until(self, deadline: float | None) -> None:
        if deadline is None:
            return
        rest = deadline - self._monotonic()
        if rest > 0:
            self._sleep(rest)


class PeluitServer(ThreadingHTTPServer):
    daemon_threads = True
    # A browser opens up to six connections and a crowd of reporters more: a deeper accept
    # queue than the default 5 keeps a burst from waiting on SYN retransmits.
    request_queue_size = 128

    def __init__(
        self,
        address: tuple[str, int],
        app: APIGatewayHttpResolver,
        store: LocalStore,
        site_dir: Path | None,
        reviewer: APIGatewayHttpResolver | None = None,
        pacing: Pacing | None = None,
        limits: Limits | None = None,
        pow_bits: int | None = None,
    ) -> None:
        self.limits = limits if limits is not None else Limits()
        # One slot per connection being served: a crowd of stalled connections holds at most
        # `connections` threads, each released when its connection ends or times out.
        self._slots = threading.BoundedSemaphore(self.limits.connections)
        self.app = app
        # The difficulty the API's CloudFront Function checks (its twin runs on every /api/*
        # request, as CloudFront's does); None only where no configuration is at hand.
        self.pow_bits = pow_bits
        self.reviewer = reviewer
        self.store = store
        self.site_dir = site_dir
        # The pages the site's CloudFront Function knows, listed from the site as deploy does.
        self.site_pages = pages.site_pages(site_dir) if site_dir is not None else ()
        self.openapi = app.get_openapi_json_schema(title=openapi.TITLE, version=openapi.VERSION)
        # A Powertools resolver keeps the request it is handling on itself (current_event,
        # context: the reviewer API's actor), as one Lambda instance handles one event at a
        # time. This server is threaded, so the resolvers run one request at a time.
        self.api_lock = threading.Lock()
        # The public app's follow-up service sleeps with `pacing.defer` (peluit/serve/app.py).
        self.pacing = pacing if pacing is not None else Pacing()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        """Serve the connection on a thread of its own if a slot is free (waiting briefly for
        one); otherwise answer 503 at once and close it, without starting a thread."""
        if not self._slots.acquire(timeout=self.limits.queue_wait):
            _refuse_busy(request)
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

    def handle_error(self, request: object, client_address: object) -> None:
        """A browser that goes away mid-request is normal; anything else is named, not dumped.

        The default prints a traceback and the client's address; neither belongs in a log.
        """
        exc = sys.exc_info()[1]
        if not isinstance(exc, ConnectionError | TimeoutError):
            errors.log.error("connection failed: %s", type(exc).__name__)


def _refuse_busy(request: socket.socket) -> None:
    """The 503 for a connection over the limit, sent without waiting on the client."""
    body = errors.problem_body(_BUSY)
    head = (
        f"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n"
    )
    try:
        request.setblocking(False)
        request.send(head.encode() + body)
    except OSError:
        pass  # the client gets the closed connection instead


def framing_problem(headers: Message) -> errors.Problem | None:
    """A request whose body length is ambiguous is refused before anything reads it: a
    chunked body (nothing here takes one; `Transfer-Encoding` with `Content-Length` is how
    requests are smuggled past a proxy), a `Content-Length` that is not a decimal number, or
    one given twice with different values. Repeated identical values are one length (RFC 9110,
    8.6). Checked first, as a proxy would: before the edge's function or any handler."""
    if headers.get("Transfer-Encoding") is not None:
        return _LENGTH_REQUIRED
    lengths = {v.strip() for v in headers.get_all("Content-Length") or ()}
    if any(content_length(v) is None for v in lengths):
        return _BAD_LENGTH
    if len(lengths) > 1:
        return _CONFLICTING_LENGTH
    return None


class _Handler(BaseHTTPRequestHandler):
    server: PeluitServer
    protocol_version = "HTTP/1.1"
    server_version = "Peluit"
    sys_version = ""

    def setup(self) -> None:
        super().setup()
        # Every read and write of the connection waits at most this long: a stalled client
        # (a request line, a header or a body that stops coming, an idle keep-alive) loses
        # its connection, and its thread and slot are free again.
        self.connection.settimeout(self.server.limits.timeout)

    def log_message(self, format: str, *args: Any) -> None:
        """Never log requests: the default writes the client's address."""

    # -- dispatch -------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._dispatch(head=False)

    def do_HEAD(self) -> None:
        self._dispatch(head=True)

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_OPTIONS(self) -> None:
        self._dispatch()

    def _dispatch(self, head: bool = False) -> None:
        self._body_read = False
        try:
            path = urlsplit(self.path).path
            framing = framing_problem(self.headers)
            if framing is not None:
                self._problem(framing)
                self.close_connection = True  # the unread body must not be parsed as a request
                return
            if path == "/api/v1/openapi.json" and self.command in {"GET", "HEAD"}:
                self._send(200, {"Content-Type": "application/json"}, self.server.openapi.encode())
            elif path.startswith(UPLOAD_PREFIX) and self.command == "PUT":
                self._upload(path.removeprefix(UPLOAD_PREFIX))  # stands in for S3, not the CDN
            elif path.startswith(DOWNLOAD_PREFIX) and self.command == "GET":
                self._download(path.removeprefix(DOWNLOAD_PREFIX))
            elif behaviours.behaviour_for(path) is behaviours.API:
                reviewer = self.server.reviewer
                review = path.startswith(REVIEW_PREFIX)
                self._api(reviewer if reviewer is not None and review else self.server.app)
            elif self.command in {"GET", "HEAD"}:
                self._static(path, head)
            else:
                self._problem(errors.NOT_FOUND)
            if self.headers.get("Content-Length", "0").strip() != "0" and not self._body_read:
                self.close_connection = True  # a body nobody read must not become a request
        except TimeoutError:
            self.close_connection = True  # the client stalled mid-body: nothing to answer
        except Exception as exc:  # noqa: BLE001 - the last line of defence answers 500, no details
            self._problem(errors.INTERNAL)
            self.close_connection = True
            errors.log.error("unhandled %s in peluit serve", type(exc).__name__)

    # -- handlers -------------------------------------------------------------------------

    def _api(self, app: APIGatewayHttpResolver) -> None:
        split = urlsplit(self.path)
        if self.server.pow_bits is not None:
            refused = edge.api_refusal(self.command, split.path, split.query, self.server.pow_bits)
            if refused is not None:  # as at the edge: the API never sees the request
                self._discard_body()
                self._send(refused.status, dict(refused.headers), refused.body)
                return
        body = self._read_body()
        if body is None:
            return
        event = http_api_event(self.command, split.path, split.query, dict(self.headers), body)
        context = cast(LambdaContext, _LambdaContext())  # Powertools reads only these fields
        pacing, deadline = self.server.pacing, None
        try:
            with self.server.api_lock:
                try:
                    result = app.resolve(event, context)
                finally:
                    deadline = pacing.take()
        finally:
            # The follow-up's minimum answer time, whatever happened, without the lock: other
            # API requests go on meanwhile (a paced request holding it would stall them all).
            pacing.wait_until(deadline)
        status, headers, data = response_parts(result)
        self._send(status, headers, data)

    def _download(self, key: str) -> None:
        """A GET of a presigned download URL (the review tool fetching an attachment)."""
        query = dict(parse_qsl(urlsplit(self.path).query))
        try:
            with self.server.store.open_download(key, query) as stream:
                data = stream.read()
        except ObjectNotFoundError:
            self._problem(errors.NOT_FOUND)
            return
        except Exception as exc:
            problem = errors.problem_for(exc)
            if problem is None:
                raise
            self._problem(problem)
            return
        self._send(200, {"Content-Type": "application/octet-stream"}, data)

    def _upload(self, key: str) -> None:
        announced = self.headers.get("Content-Length")
        if announced is None:
            self._problem(_LENGTH_REQUIRED)
            self.close_connection = True
            return
        length = content_length(announced)
        if length is None:
            self._problem(_BAD_LENGTH)
            self.close_connection = True
            return
        query = dict(parse_qsl(urlsplit(self.path).query))
        headers = {k.lower(): v for k, v in self.headers.items()}
        self._body_read = True  # read, or the connection is closed below
        try:
            info = self.server.store.accept_upload(key, query, headers, self.rfile, length)
        except ValueError:  # the body ended before its announced length
            self.close_connection = True
            self._problem(_SHORT_BODY)
            return
        except Exception as exc:
            problem = errors.problem_for(exc)
            if problem is None:
                raise
            self.close_connection = True  # the unread rest of the body must not be parsed
            self._problem(problem, str(exc))
            return
        self._send(200, {"ETag": f'"{info.etag}"'}, b"")

    def _static(self, path: str, head: bool) -> None:
        site = self.server.site_dir
        if site is None:
            if path in {"/", "/index.html"}:
                page = static.PLACEHOLDER.encode()
                self._send(200, {"Content-Type": static.TYPES[".html"]}, page, head)
            else:
                self._problem(errors.NOT_FOUND)
            return
        # The site's CloudFront Function (its Python twin) around the bucket, as in production.
        answer = edge.site_answer(site, self.server.site_pages, path)
        if answer.location is not None:
            self._send(answer.status, {"Location": answer.location}, b"", head)
            return
        if answer.file is None:  # a missing asset: the bucket's own answer
            self._send(answer.status, {"Content-Type": "application/xml"}, edge.NO_SUCH_KEY, head)
            return
        file = answer.file
        body, encoding = static.body_for(file, self.headers.get("Accept-Encoding", ""))
        headers = {
            "Content-Type": static.content_type(file),
            "Cache-Control": static.cache_control(file),
            **encoding,
        }
        self._send(answer.status, headers, body, head)

    # -- plumbing -------------------------------------------------------------------------

    def _read_body(self) -> bytes | None:
        if self.headers.get("Transfer-Encoding"):
            self._problem(_LENGTH_REQUIRED)
            self.close_connection = True
            return None
        length = content_length(self.headers.get("Content-Length", "0"))
        if length is None:
            self._problem(_BAD_LENGTH)
            self.close_connection = True
            return None
        if length > MAX_API_BODY:
            self._problem(_PAYLOAD_TOO_LARGE)
            self.close_connection = True
            return None
        body = self.rfile.read(length)
        if len(body) < length:  # the client closed before sending it all
            self.close_connection = True
            self._problem(_SHORT_BODY)
            return None
        self._body_read = True
        return body

    def _discard_body(self) -> None:
        """Read a refused request's body and drop it, as CloudFront takes it before answering:
        closing with unread data would reset the connection and could lose the answer. A body
        larger than the API takes is not read; the connection closes after the answer."""
        length = content_length(self.headers.get("Content-Length", "0"))
        if length is None or length > MAX_API_BODY:
            self.close_connection = True
            return
        if len(self.rfile.read(length)) < length:
            self.close_connection = True
        self._body_read = True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """What http.server answers itself (a method with no handler, a malformed request line,
        headers too long) as the same JSON problem every other answer is, never its HTML page."""
        problem = _SERVER_ERRORS.get(code) or errors.Problem(
            code, "bad_request", "Permintaan tidak dapat dibaca.", "The request could not be read."
        )
        self.close_connection = True  # what follows on this connection cannot be trusted
        headers = {"Content-Type": "application/json; charset=utf-8", "Connection": "close"}
        with contextlib.suppress(OSError):  # the client has gone
            self._send(problem.status, headers, errors.problem_body(problem, None))

    def _problem(self, problem: errors.Problem, detail: str | None = None) -> None:
        body = errors.problem_body(problem, detail)
        self._send(problem.status, {"Content-Type": "application/json; charset=utf-8"}, body)

    def _send(self, status: int, headers: dict[str, str], body: bytes, head: bool = False) -> None:
        self.send_response(status)
        for name, value in {**SECURITY_HEADERS, **headers}.items():
            self.send_header(name, value)
        if not any(k.lower() == "cache-control" for k in headers):
            self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head and self.command != "HEAD":  # a HEAD answer has headers only, on every path
            self.wfile.write(body)


class _LambdaContext:
    """The few attributes Powertools reads from a Lambda context."""

    function_name = "peluit-local"
    aws_request_id = "local"
    memory_limit_in_mb = 0
    invoked_function_arn = "arn:aws:lambda:local:0:function:peluit-local"


def expire_staging_periodically(store: LocalStore, stop: threading.Event) -> threading.Thread:
    """Start a thread that drops unfinalized uploads older than two days, and spent
    reviewer API nonces older than a day (signatures live five minutes), hourly."""

    def run() -> None:
        while not stop.is_set():
            store.expire("staging/", STAGING_EXPIRY)
            store.expire("nonces/", NONCE_EXPIRY)
            stop.wait(3600)

    thread = threading.Thread(target=run, name="peluit-expiry", daemon=True)
    thread.start()
    return thread
