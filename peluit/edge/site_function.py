"""The site's CloudFront Function in Python: the twin `peluit serve` runs.

`site_function.js` (beside this file) is what CloudFront runs on the default behaviour, at the
viewer-request and viewer-response events; these functions decide exactly what it decides,
line for line, and tests/unit/test_edge_function.py runs both over one table of cases.

Pages are URIs as the viewer asks for them: `/` and `/lapor/pengaduan/` for directory indexes,
`/404.html` for other HTML files (`peluit.edge.pages` lists them from the built site).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from .errors import EdgeError

SOURCE = Path(__file__).with_name("site_function.js")
PAGES_PLACEHOLDER = "@SITE_PAGES@"  # in the JavaScript: where the page list goes
NOT_FOUND_PAGE = "/404.html"
LOG_PREFIX = "/log/"  # the release log (ADR 0031): C2SP tile names have no extension


@dataclass(frozen=True)
class Routed:
    """Where a site request goes: `uri` to the origin, or a 301 to `redirect`."""

    uri: str | None = None
    redirect: str | None = None


def not_found_page(uri: str, pages: Collection[str]) -> str:
    """The 404 page of `uri`'s language: `/en/404.html` if the site has one, else `/404.html`."""
    second = uri.find("/", 1)
    if second > 1:
        own = uri[:second] + NOT_FOUND_PAGE
        if own in pages:
            return own
    return NOT_FOUND_PAGE


def route(uri: str, pages: Collection[str]) -> Routed:
    """The viewer-request event: directory index, redirect, or the 404 page for a missing page."""
    if uri.startswith(LOG_PREFIX):
        return Routed(uri)  # the release log's files (checkpoint, tiles), as they are named
    slash = uri.rfind("/")
    last = uri[slash + 1 :]
    missing = Routed(not_found_page(uri, pages))
    if last == "":
        return Routed(uri + "index.html") if uri in pages else missing
    if "." not in last:
        return Routed(redirect=uri + "/") if uri + "/" in pages else missing
    if len(last) > 5 and last.endswith(".html"):
        if uri in pages or (last == "index.html" and uri[: slash + 1] in pages):
            return Routed(uri)
        return missing
    return Routed(uri)


def status(uri: str, given: int, pages: Collection[str]) -> int:
    """The viewer-response event: the status the viewer gets for the origin's `given` answer
    to `uri` (the URI as asked or as routed: both lead to the same answer)."""
    if given != 200:
        return given
    missing = not_found_page(uri, pages)
    if uri == missing or route(uri, pages).uri == missing:
        return 404
    return given


def function_code(pages_value: str) -> str:
    """The JavaScript with `pages_value` (a `peluit.edge.pages.parameter_value`, or the
    template's `${SitePages}`) where the page list goes."""
    source = SOURCE.read_text(encoding="utf-8")
    if source.count(PAGES_PLACEHOLDER) != 1 or "${" in source:
        raise EdgeError("site_function.js must name its page list once and hold no '${'")
    return source.replace(PAGES_PLACEHOLDER, pages_value)
