"""`Fetcher` over HTTP(S) with urllib: one origin only, no redirects followed (a 3xx is an
answer, reported as what it is), no compression asked for (the bytes hashed are the file's)
unless asked for as a browser (ADR 0053: then as browsers ask, and the body is returned as
sent), a size cap per answer and in all, and a timeout per request."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from .fetch import Answer, FetchError

MAX_ANSWER = 32 << 20  # the largest site file (a font, the search index) is far smaller
MAX_TOTAL = 512 << 20  # one verification reads the whole site once
TIMEOUT = 20.0
# What a current Chrome sends (every encoding a browser may be given is asked for, so a
# variant served only to browsers is served to the verifier too; `decode` opens each).
BROWSER_ACCEPT_ENCODING = "gzip, deflate, br, zstd"
BROWSER_USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/142.0.0.0 Safari/537.36"
)
VERIFIER = {"Accept-Encoding": "identity", "User-Agent": "peluit-verify-site"}
BROWSER = {
    "Accept-Encoding": BROWSER_ACCEPT_ENCODING,
    "User-Agent": BROWSER_USER_AGENT,
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "id-ID,id;q=0.9,en;q=0.8",
}


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 3xx comes back as an HTTPError: an answer, not followed


_OPENER = urllib.request.build_opener(_NoRedirects)


class SiteClient:
    def __init__(
        self, base_url: str, timeout: float = TIMEOUT, max_answer: int = MAX_ANSWER
    ) -> None:
        parts = urllib.parse.urlsplit(base_url)
        if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query:
            raise FetchError(f"not an http(s) site URL: {base_url!r}")
        if parts.username or parts.password:
            raise FetchError("a site URL carries no user name or password")
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.base_path = parts.path.rstrip("/")
        self.timeout = timeout
        self.max_answer = max_answer
        self.read_total = 0

    def url(self, path: str) -> str:
        if not path.startswith("/") or path.startswith("//"):
            raise FetchError(f"not a path on the site: {path!r}")
        return self.origin + self.base_path + urllib.parse.quote(path, safe="/.-_~")

    def get(self, path: str, browser: bool = False) -> Answer:
        url = self.url(path)
        request = urllib.request.Request(  # noqa: S310 - http(s) only, checked above
            url, headers=dict(BROWSER if browser else VERIFIER)
        )
        try:
            with _OPENER.open(request, timeout=self.timeout) as response:
                return self._answer(url, response.status, response.headers, response)
        except urllib.error.HTTPError as exc:
            with exc:
                return self._answer(url, exc.code, exc.headers, exc)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise FetchError(f"{url}: {reason}") from None

    def _answer(self, url: str, status: int, headers: Any, body: Any) -> Answer:
        data: bytes = body.read(self.max_answer + 1)
        if len(data) > self.max_answer:
            raise FetchError(f"{url}: larger than {self.max_answer} bytes")
        self.read_total += len(data)
        if self.read_total > MAX_TOTAL:
            raise FetchError(f"the site is larger than {MAX_TOTAL} bytes in all")
        joined: dict[str, str] = {}
        for name, value in headers.items():
            key = name.lower()
            joined[key] = f"{joined[key]}, {value}" if key in joined else value
        return Answer(status, joined, data)
