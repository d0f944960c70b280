"""`peluit serve` as production's edge: what CloudFront does, applied to each local request.

API requests first meet the Python twin of the API's CloudFront Function
(peluit/edge/api_function.py: a public POST without valid proof of work is refused there), then
reach the API with only what the API behaviour forwards (peluit/edge/forwarding.py): the
whitelisted headers, no cookies, the query string as the policy says. Site requests go
through the Python twin of the site's CloudFront Function (peluit/edge/site_function.py) at
both of its events. So every functional and end-to-end test runs through the same edge as
production, and a header the edge would drop is missing here too.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

from peluit.core.pow import QUERY
from peluit.edge import api_function, forwarding, site_function

from . import static

# What an S3 origin answers for a key it does not have (the bucket policy lets CloudFront list
# it, so a 404 rather than a 403); CloudFront passes it on for assets.
NO_SUCH_KEY = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b"<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>"
)


def api_headers(viewer: Mapping[str, str], body_length: int) -> dict[str, str]:
    """The headers the API gets: the forwarded viewer headers, and those set on the way (the
    origin's Host, which API Gateway reports as the domain, and the body's Content-Length).
    CloudFront's own X-Forwarded-For, Via and X-Amz-Cf-Id are not emulated: the API reads none
    of them, and nothing local carries a client's address."""
    headers = forwarding.API.request_headers(viewer)
    host = next((v for k, v in viewer.items() if k.lower() == "host"), None)
    if host is not None:
        headers["host"] = host
    if body_length:
        headers["content-length"] = str(body_length)
    return headers


def api_refusal(
    method: str, path: str, query: str, bits: int, clock: Callable[[], float] = time.time
) -> api_function.Refusal | None:
    """The API function at viewer-request: its refusal, or None (the request goes on)."""
    values = parse_qs(query, keep_blank_values=True).get(QUERY, [])
    return api_function.viewer_request(method, path, values, clock(), bits)


def api_query(query: str) -> str:
    return forwarding.API.query(query)


@dataclass(frozen=True)
class SiteAnswer:
    """What the viewer gets for a site request: a file with a status, a redirect, or S3's
    NoSuchKey (a missing asset)."""

    status: int
    file: Path | None = None
    location: str | None = None


def site_answer(root: Path, pages: Collection[str], uri: str) -> SiteAnswer:
    """The site function at viewer request, the bucket, the site function at viewer response."""
    routed = site_function.route(uri, pages)
    if routed.redirect is not None:
        return SiteAnswer(301, location=routed.redirect)
    file = static.resolve(root, str(routed.uri))
    if file is None:
        return SiteAnswer(404)
    return SiteAnswer(site_function.status(uri, 200, pages), file=file)
