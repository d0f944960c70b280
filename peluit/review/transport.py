"""How the review client's requests travel: an interface, and the real one over HTTPS.

The real transport follows no redirect: a 3xx answer is a `TransportError` naming where it
pointed (a redirect would carry a signed request, or a download, past the check that the URL
is HTTPS). Answers are read up to a cap (`max_answer_bytes` for the API, a larger
`max_download_bytes` for a presigned download of one encrypted segment); a longer answer is a
`TransportError`, never read whole into memory. A download URL from an https API must be
https too (`require_download_url`). Downloads reuse their connections (`ConnectionPool`),
unless a proxy is configured for them (then they go through urllib, which uses it)."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar, runtime_checkable
from urllib.parse import urlsplit

from .connections import ConnectionPool, Origin
from .content import printable_line
from .errors import TransportError

TIMEOUT_SECONDS = 60.0
MiB = 1024 * 1024
MAX_ANSWER_BYTES = 32 * MiB  # an object inline is at most 4 MiB (5.4 MiB as base64)
MAX_DOWNLOAD_BYTES = 80 * MiB  # one segment: at most 64 MiB of plaintext, plus age's overhead
_Body = TypeVar("_Body")


@dataclass(frozen=True)
class HttpRequest:
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class Transport(Protocol):
    def send(self, request: HttpRequest) -> HttpResponse:
        """Send a (signed) API request; any HTTP status is a response, not an error."""

    def fetch(self, url: str) -> bytes:
        """GET a presigned download URL (no signature); `TransportError` unless 200."""


@runtime_checkable
class FillingTransport(Transport, Protocol):
    def fetch_into(self, url: str, buffer: bytearray) -> memoryview:
        """`fetch`, the body read into the start of `buffer` (reused by the caller for the
        next download): a view of it. A body longer than `buffer` is a `TransportError`."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_: Any, **__: Any) -> None:
        return None  # the 3xx reaches the caller as an HTTPError


class UrllibTransport:
    """The standard library's HTTP client; HTTPS certificates are verified."""

    def __init__(
        self,
        timeout: float = TIMEOUT_SECONDS,
        max_answer_bytes: int = MAX_ANSWER_BYTES,
        max_download_bytes: int = MAX_DOWNLOAD_BYTES,
    ) -> None:
        self._timeout = timeout
        self._max_answer = max_answer_bytes
        self._max_download = max_download_bytes
        self._opener = urllib.request.build_opener(_NoRedirects())
        # read once, as the opener's ProxyHandler does (from the environment: ~0.2 ms a read)
        self._proxies = urllib.request.getproxies()
        self._pool = ConnectionPool(timeout)

    def send(self, request: HttpRequest) -> HttpResponse:
        _require_http(request.url)
        prepared = urllib.request.Request(  # noqa: S310 - scheme checked above
            request.url,
            data=request.body if request.method != "GET" else None,
            headers=request.headers,
            method=request.method,
        )
        try:
            with self._opener.open(prepared, timeout=self._timeout) as answer:
                body = _read(answer, self._max_answer, "the reviewer API's answer")
                return HttpResponse(answer.status, dict(answer.headers.items()), body)
        except urllib.error.HTTPError as answer:
            _refuse_redirect(answer.code, answer.headers.get("Location"))
            body = _read(answer, self._max_answer, "the reviewer API's answer")
            return HttpResponse(answer.code, dict(answer.headers.items()), body)
        except (urllib.error.URLError, OSError) as exc:
            raise TransportError(f"the reviewer API cannot be reached: {exc}") from None

    def fetch(self, url: str) -> bytes:
        if self._proxied(url):
            return self._fetch_by_urllib(url)
        return self._download(url, lambda answer: _download_body(answer, self._max_download))

    def fetch_into(self, url: str, buffer: bytearray) -> memoryview:
        """`fetch` into `buffer`: no new memory per download (an 8 MiB segment read into fresh
        memory pays its page faults every time), one copy from the socket."""
        if len(buffer) > self._max_download:
            raise TransportError(f"a download is at most {self._max_download} bytes: not read")
        if self._proxied(url):
            return _copied(self._fetch_by_urllib(url), buffer)
        return self._download(url, lambda answer: _download_into(answer, buffer))

    def _proxied(self, url: str) -> bool:
        """Whether a proxy is configured for `url` (checked first: only http(s) URLs)."""
        _require_http(url)
        parts = urlsplit(url)
        proxy = self._proxies.get(parts.scheme)
        return bool(proxy) and not urllib.request.proxy_bypass(parts.hostname or "")

    def _download(self, url: str, read: Callable[[http.client.HTTPResponse], _Body]) -> _Body:
        """GET `url` on a kept connection and `read` its answer."""
        parts = urlsplit(url)
        host = parts.hostname or ""
        origin: Origin = (parts.scheme, host, parts.port or _DEFAULT_PORTS[parts.scheme])
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection, reused = self._pool.take(origin)
        try:
            try:
                answer = _get(connection, target)
            except (http.client.RemoteDisconnected, ConnectionError):
                if not reused:
                    raise
                # the server closed the connection while it waited in the pool: a new one
                connection.close()
                connection, _ = self._pool.take(origin, fresh=True)
                answer = _get(connection, target)
            body = read(answer)
        except TransportError:
            connection.close()
            raise
        except (http.client.HTTPException, OSError) as exc:
            connection.close()
            raise TransportError(f"the download failed: {exc}") from None
        if answer.will_close or not answer.isclosed():
            connection.close()
        else:
            self._pool.give_back(origin, connection)
        return body

    def _fetch_by_urllib(self, url: str) -> bytes:
        try:
            with self._opener.open(url, timeout=self._timeout) as answer:
                return _read(answer, self._max_download, "the download")
        except urllib.error.HTTPError as answer:
            _refuse_redirect(answer.code, answer.headers.get("Location"))
            raise TransportError(f"the download failed: HTTP {answer.code}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise TransportError(f"the download failed: {exc}") from None

    def close(self) -> None:
        """Close the connections kept for downloads."""
        self._pool.close()


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _get(connection: http.client.HTTPConnection, target: str) -> http.client.HTTPResponse:
    connection.request("GET", target)
    return connection.getresponse()


def _download_body(answer: http.client.HTTPResponse, cap: int) -> bytes:
    """A 200 answer's whole body, up to `cap` bytes; any other status is a `TransportError`
    (a 3xx one naming where it pointed: it is not followed)."""
    if answer.status != 200:
        _refuse_redirect(answer.status, answer.headers.get("Location"))
        raise TransportError(f"the download failed: HTTP {answer.status}")
    body = _read(answer, cap, "the download")
    declared = answer.headers.get("Content-Length")
    if declared is not None and declared.isdigit() and len(body) != int(declared):
        raise TransportError("the download ended before its announced length")
    return body


def _download_into(answer: http.client.HTTPResponse, buffer: bytearray) -> memoryview:
    """`_download_body` read into `buffer`, whose length is the cap."""
    if answer.status != 200:
        _refuse_redirect(answer.status, answer.headers.get("Location"))
        raise TransportError(f"the download failed: HTTP {answer.status}")
    cap = len(buffer)
    declared = answer.headers.get("Content-Length")
    if declared is not None and declared.isdigit() and int(declared) > cap:
        raise TransportError(f"the download is larger than {cap} bytes ({declared}): not read")
    view = memoryview(buffer)
    got = 0
    while got < cap and (n := answer.readinto(view[got:])):
        got += n
    if got == cap and answer.read(1):
        raise TransportError(f"the download is larger than {cap} bytes: not read")
    if declared is not None and declared.isdigit() and got != int(declared):
        raise TransportError("the download ended before its announced length")
    return view[:got]


def _copied(body: bytes, buffer: bytearray) -> memoryview:
    """An answer read whole (through a proxy) into `buffer`."""
    if len(body) > len(buffer):
        raise TransportError(f"the download is larger than {len(buffer)} bytes: not read")
    buffer[: len(body)] = body
    return memoryview(buffer)[: len(body)]


def _read(answer: Any, cap: int, what: str) -> bytes:
    """At most `cap` bytes of the answer's body; `TransportError` if it has more."""
    declared = answer.headers.get("Content-Length")
    if declared is not None and declared.isdigit() and int(declared) > cap:
        raise TransportError(f"{what} is larger than {cap} bytes ({declared}): not read")
    data: bytes = answer.read(cap + 1)
    if len(data) > cap:
        raise TransportError(f"{what} is larger than {cap} bytes: not read")
    return data


def _refuse_redirect(status: int, location_header: str | None) -> None:
    if 300 <= status < 400:
        location = printable_line(location_header or "(no Location)")[:300]
        raise TransportError(
            f"the server answered HTTP {status}, a redirect to {location}; "
            "redirects are not followed: check the server URL"
        )


def require_download_url(api_base: str, url: str) -> None:
    """A download URL the API handed back is no less protected than the API: from an https
    API, only https. Plain HTTP on this machine is for `peluit serve`, whose answers only a
    local API may point to; a remote API (or whoever answers in its name) pointing the tool
    at `http://127.0.0.1:…` would send the download, unencrypted, to whatever listens there.
    (Schemes other than https and http are the transport's to refuse: `_require_http`.)"""
    if urlsplit(api_base).scheme == "https" and urlsplit(url).scheme == "http":
        raise TransportError(
            "the https reviewer API handed back a download URL that is not https; "
            "not fetched: check the server's configuration"
        )


def _require_http(url: str) -> None:
    """HTTPS, or plain HTTP to this machine itself (`http://127.0.0.1.example.com` is not)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        host, parts = None, None
    local = parts is not None and parts.scheme == "http" and host in {"127.0.0.1", "localhost"}
    if not (parts is not None and parts.scheme == "https" and host) and not local:
        raise TransportError("only https URLs (or http on this machine) are used")
