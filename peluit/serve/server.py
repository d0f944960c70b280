"""The local HTTP server: site, API and upload endpoint. It logs no request, ever."""

from __future__ import annotations

import contextlib
import os
import socket
import sys
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, BinaryIO, cast
from urllib.parse import parse_qsl, urlsplit

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.utilities.typing import LambdaContext

from peluit.api import errors, openapi
from peluit.edge import behaviours, pages
from peluit.store.errors import ObjectNotFoundError
from peluit.store.local import LocalStore
from peluit.web.headers import SECURITY_HEADERS
from peluit.web.length import content_length

from . import edge, framing, static
from .connections import LimitedThreadingHTTPServer
from .connections import Limits as Limits
from .events import http_api_event, response_parts
from .expiry import expire_staging_periodically as expire_staging_periodically
from .framing import framing_problem
from .lanes import API_LANES as API_LANES
from .lanes import Lane as Lane
from .lanes import LanePool
from .pacing import Pacing as Pacing

UPLOAD_PREFIX = "/_upload/"
DOWNLOAD_PREFIX = "/_download/"
REVIEW_PREFIX = "/api/v1/review/"


class PeluitServer(LimitedThreadingHTTPServer):
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
        more_lanes: Callable[[], Lane] | None = None,
    ) -> None:
        """`more_lanes` builds another set of resolvers (over the same store) when every lane
        is busy, up to `API_LANES`; without it, API requests are resolved one at a time."""
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
        # The public app's follow-up service sleeps with `pacing.defer` (peluit/serve/app.py).
        self.pacing = pacing if pacing is not None else Pacing()
        # This server is threaded; each API request takes a lane (serve/lanes.py) for itself,
        # as concurrent requests reach separate Lambda instances. The first lane is `app`,
        # `reviewer` and `pacing`; more are built on demand, up to `API_LANES`.
        self._lanes = LanePool(Lane(app, reviewer, self.pacing), more_lanes)
        self.lanes = self._lanes.lanes
        super().__init__(address, _Handler, limits if limits is not None else Limits())

    def lane(self) -> contextlib.AbstractContextManager[Lane]:
        """A lane for one API request, given back when it is done."""
        return self._lanes.take()

    def handle_error(self, request: object, client_address: object) -> None:
        """A browser that goes away mid-request is normal; anything else is named, not dumped.

        The default prints a traceback and the client's address; neither belongs in a log.
        """
        exc = sys.exc_info()[1]
        if not isinstance(exc, ConnectionError | TimeoutError):
            errors.log.error("connection failed: %s", type(exc).__name__)


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
            unframed = framing_problem(self.headers)
            if unframed is not None:
                self._problem(unframed)
                self.close_connection = True  # the unread body must not be parsed as a request
                return
            if path == "/api/v1/openapi.json" and self.command in {"GET", "HEAD"}:
                self._send(200, {"Content-Type": "application/json"}, self.server.openapi.encode())
            elif path.startswith(UPLOAD_PREFIX) and self.command == "PUT":
                self._upload(path.removeprefix(UPLOAD_PREFIX))  # stands in for S3, not the CDN
            elif path.startswith(DOWNLOAD_PREFIX) and self.command == "GET":
                self._download(path.removeprefix(DOWNLOAD_PREFIX))
            elif behaviours.behaviour_for(path) is behaviours.API:
                self._api(review=path.startswith(REVIEW_PREFIX))
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

    def _api(self, review: bool) -> None:
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
            with self.server.lane() as lane:
                pacing = lane.pacing
                app = lane.reviewer if review and lane.reviewer is not None else lane.app
                try:
                    result = app.resolve(event, context)
                finally:
                    deadline = pacing.take()
        finally:
            # The follow-up's minimum answer time, whatever happened, with the lane given
            # back: a paced request holding it would keep other requests from using it.
            pacing.wait_until(deadline)
        status, headers, data = response_parts(result)
        self._send(status, headers, data)

    def _download(self, key: str) -> None:
        """A GET of a presigned download URL (the review tool fetching an attachment)."""
        query = dict(parse_qsl(urlsplit(self.path).query))
        try:
            stream = self.server.store.open_download(key, query)
        except ObjectNotFoundError:
            self._problem(errors.NOT_FOUND)
            return
        except Exception as exc:
            problem = errors.problem_for(exc)
            if problem is None:
                raise
            self._problem(problem)
            return
        with stream:
            self._send_file(stream)

    def _upload(self, key: str) -> None:
        announced = self.headers.get("Content-Length")
        if announced is None:
            self._problem(framing.LENGTH_REQUIRED)
            self.close_connection = True
            return
        length = content_length(announced)
        if length is None:
            self._problem(framing.BAD_LENGTH)
            self.close_connection = True
            return
        query = dict(parse_qsl(urlsplit(self.path).query))
        headers = {k.lower(): v for k, v in self.headers.items()}
        self._body_read = True  # read, or the connection is closed below
        try:
            info = self.server.store.accept_upload(key, query, headers, self.rfile, length)
        except ValueError:  # the body ended before its announced length
            self.close_connection = True
            self._problem(framing.SHORT_BODY)
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
            self._problem(framing.LENGTH_REQUIRED)
            self.close_connection = True
            return None
        length = content_length(self.headers.get("Content-Length", "0"))
        if length is None:
            self._problem(framing.BAD_LENGTH)
            self.close_connection = True
            return None
        if length > framing.MAX_API_BODY:
            self._problem(framing.PAYLOAD_TOO_LARGE)
            self.close_connection = True
            return None
        body = self.rfile.read(length)
        if len(body) < length:  # the client closed before sending it all
            self.close_connection = True
            self._problem(framing.SHORT_BODY)
            return None
        self._body_read = True
        return body

    def _discard_body(self) -> None:
        """Read a refused request's body and drop it, as CloudFront takes it before answering:
        closing with unread data would reset the connection and could lose the answer. A body
        larger than the API takes is not read; the connection closes after the answer."""
        length = content_length(self.headers.get("Content-Length", "0"))
        if length is None or length > framing.MAX_API_BODY:
            self.close_connection = True
            return
        if len(self.rfile.read(length)) < length:
            self.close_connection = True
        self._body_read = True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """What http.server answers itself (a method with no handler, a malformed request line,
        headers too long) as the same JSON problem every other answer is, never its HTML page."""
        problem = framing.server_error(code)
        self.close_connection = True  # what follows on this connection cannot be trusted
        headers = {"Content-Type": "application/json; charset=utf-8", "Connection": "close"}
        with contextlib.suppress(OSError):  # the client has gone
            self._send(problem.status, headers, errors.problem_body(problem, None))

    def _problem(self, problem: errors.Problem, detail: str | None = None) -> None:
        body = errors.problem_body(problem, detail)
        self._send(problem.status, {"Content-Type": "application/json; charset=utf-8"}, body)

    def _send_file(self, stream: BinaryIO) -> None:
        """An object's bytes as they are on disk, handed to the kernel (`sendfile`): an 8 MiB
        segment is neither read into memory here nor copied through Python."""
        size = os.fstat(stream.fileno()).st_size
        self.send_response(200)
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        sent = self.connection.sendfile(stream, 0, size)
        if sent != size:  # the file changed under us (never for a stored object): cut it
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)

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
