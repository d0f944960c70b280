"""How the review client's requests travel: an interface, and the real one over HTTPS."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Protocol

from .errors import TransportError

TIMEOUT_SECONDS = 60.0


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


class UrllibTransport:
    """The standard library's HTTP client; HTTPS certificates are verified."""

    def __init__(self, timeout: float = TIMEOUT_SECONDS) -> None:
        self._timeout = timeout

    def send(self, request: HttpRequest) -> HttpResponse:
        _require_http(request.url)
        prepared = urllib.request.Request(  # noqa: S310 - scheme checked above
            request.url,
            data=request.body if request.method != "GET" else None,
            headers=request.headers,
            method=request.method,
        )
        try:
            with urllib.request.urlopen(prepared, timeout=self._timeout) as answer:  # noqa: S310
                return HttpResponse(answer.status, dict(answer.headers.items()), answer.read())
        except urllib.error.HTTPError as answer:
            return HttpResponse(answer.code, dict(answer.headers.items()), answer.read())
        except (urllib.error.URLError, OSError) as exc:
            raise TransportError(f"the reviewer API cannot be reached: {exc}") from None

    def fetch(self, url: str) -> bytes:
        _require_http(url)
        try:
            with urllib.request.urlopen(url, timeout=self._timeout) as answer:  # noqa: S310
                data: bytes = answer.read()
                return data
        except (urllib.error.URLError, OSError) as exc:
            raise TransportError(f"the download failed: {exc}") from None


def _require_http(url: str) -> None:
    if not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise TransportError("only https URLs (or http on this machine) are used")
