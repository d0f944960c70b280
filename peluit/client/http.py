"""One HTTP exchange, and retrying exchanges the way the browser does (js/src/api.js).

Network errors, timeouts, 5xx, 408 and 429 are retried with exponential backoff and jitter;
any other answer is returned to the caller, which decides what it means.

A request sends the headers it is given and no Content-Type of its own: urllib would label
every body `application/x-www-form-urlencoded`, but the browser PUTs a segment as an untyped
Blob (no Content-Type; measured in Chromium) with only the upload ticket's headers, and S3
keeps whatever type a PUT names as the object's metadata."""

from __future__ import annotations

import email.message
import http.client
import random
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from .errors import NETWORK_ERROR, ApiError

RETRY_STATUS = frozenset({408, 429})


class _NoDefaultContentType(urllib.request.BaseHandler):
    """Undo urllib's default `Content-Type: application/x-www-form-urlencoded` on a body the
    caller gave no type (runs after urllib's own request processing)."""

    handler_order = 1000

    def http_request(self, request: urllib.request.Request) -> urllib.request.Request:
        if "Content-type" not in request.headers:
            request.unredirected_hdrs.pop("Content-type", None)
        return request

    https_request = http_request


_OPENER = urllib.request.build_opener(_NoDefaultContentType())


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)  # names lower-cased

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def _lowered(headers: email.message.Message | None) -> dict[str, str]:
    return {name.lower(): value for name, value in (headers.items() if headers else [])}


class NetworkError(Exception):
    """No answer: refused, reset, timed out."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6
    base_delay: float = 1.0
    max_delay: float = 30.0

    def delay(self, attempt: int) -> float:
        """The wait after the `attempt`-th failed try (from 1): half the ceiling plus jitter."""
        ceiling: float = min(self.max_delay, self.base_delay * float(2 ** (attempt - 1)))
        return ceiling / 2 + random.random() * ceiling / 2  # noqa: S311 - jitter, not secrets


@dataclass
class Transport:
    """Sends requests with urllib; `headers` go on every request (the CLI's `--header`)."""

    headers: Mapping[str, str] = field(default_factory=dict)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    sleep: Callable[[float], None] = time.sleep

    def send(
        self,
        method: str,
        url: str,
        body: bytes | None,
        headers: Mapping[str, str],
        timeout: float,
    ) -> Response:
        if not url.startswith(("http://", "https://")):
            raise ApiError(0, "bad_url", {"id": f"URL tidak sah: {url}", "en": f"not a URL: {url}"})
        merged = {"User-Agent": "peluit-submit", **self.headers, **headers}
        request = urllib.request.Request(url, data=body, method=method, headers=merged)  # noqa: S310
        try:
            with _OPENER.open(request, timeout=timeout) as answer:
                return Response(answer.status, answer.read(), _lowered(answer.headers))
        except urllib.error.HTTPError as error:
            with error:
                return Response(error.code, error.read(), _lowered(error.headers))
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            raise NetworkError(type(exc).__name__) from exc

    def retrying(
        self,
        method: str,
        url: str,
        body: bytes | None,
        headers: Mapping[str, str],
        timeout: float,
    ) -> Response:
        """`send` until an answer not worth retrying; the last answer, or an ApiError."""
        for attempt in range(1, self.retry.attempts + 1):
            response: Response | None
            try:
                response = self.send(method, url, body, headers, timeout)
            except NetworkError:
                response = None
            if response is not None and not (
                response.status >= 500 or response.status in RETRY_STATUS
            ):
                return response
            if attempt >= self.retry.attempts:
                if response is not None:
                    return response
                raise ApiError(0, "network_error", NETWORK_ERROR)
            self.sleep(self.retry.delay(attempt))
        raise AssertionError("unreachable")  # pragma: no cover
