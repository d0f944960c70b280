"""What CloudFront passes from the browser's request to an origin, per cache behaviour.

The API's behaviour forwards exactly the headers a client sends and the API reads, nothing
more: no cookies, no User-Agent, no Accept-Language that could help tell reporters apart. Each
header is here with the reason it must reach the API; a header a client signs must be
forwarded, or the signature cannot verify (tests/unit/test_edge_forwarding.py derives both
from the clients and the API's code).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

QueryStrings = Literal["all", "none"]
Cookies = Literal["all", "none"]


@dataclass(frozen=True)
class Forwarding:
    """Viewer headers (whitelist), cookies and query strings that reach the origin."""

    headers: tuple[str, ...]
    cookies: Cookies
    query_strings: QueryStrings

    def request_headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        """The viewer's headers the origin gets (names lower-cased, as API Gateway gives them).

        `Cookie` is a header too: it passes only when cookies are forwarded."""
        allowed = {h.lower() for h in self.headers}
        if self.cookies == "all":
            allowed.add("cookie")
        return {k.lower(): v for k, v in headers.items() if k.lower() in allowed}

    def query(self, query: str) -> str:
        """The query string the origin gets."""
        return query if self.query_strings == "all" else ""


# Why each header reaches the API.
API_HEADERS: Mapping[str, str] = {
    # Powertools' request validation parses a body by it (JSON; anything else is refused with
    # 415): the form, the Python client and the review client send application/json.
    "Content-Type": "the body's type, read by the API's request validation",
    # RFC 9421 signatures of the reviewer API (peluit/httpsig): the review client signs and
    # sends all three; the API verifies the digest against the body and the signature.
    "Content-Digest": "the body's SHA-256, covered by every reviewer signature",
    "Signature": "the reviewer's Ed25519 signature",
    "Signature-Input": "what the reviewer's signature covers, with its nonce and time",
    # A status change names the case state it was decided on (428 without, 409 if stale);
    # the review client signs it, so dropping it breaks the signature too.
    "If-Match": "the case's ETag a status change was decided on, signed",
}

API = Forwarding(headers=tuple(API_HEADERS), cookies="none", query_strings="all")
# The site's default behaviour has no origin request policy: its managed cache policy
# (CachingOptimized) puts no header, cookie or query string in the key, so the bucket gets
# none of them; the site's CloudFront Function still sees the whole viewer request.
SITE = Forwarding(headers=(), cookies="none", query_strings="none")
