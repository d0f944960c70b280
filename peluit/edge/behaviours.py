"""The distribution's two cache behaviours and its error responses: which requests go where,
what they carry there, and which functions and headers apply.

There are no custom error responses. CloudFront applies them to every behaviour of a
distribution, `/api/*` included, and they cannot be scoped: a 404 page for the site would turn
the API's JSON 404 answers (`receipt_not_found`, `case_not_found`, …) into HTML. The site's
missing pages are answered by its CloudFront Function instead (docs/adr/0021-the-edge-as-code.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import forwarding
from .forwarding import Forwarding

# Managed cache policies (ids are the same in every account).
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"

VIEWER_REQUEST = "viewer-request"
VIEWER_RESPONSE = "viewer-response"


@dataclass(frozen=True)
class Behaviour:
    path_pattern: str | None  # None: the default behaviour
    origin: str  # "site" (the private bucket) or "api" (the HTTP API)
    forwarding: Forwarding
    cache_policy: str
    site_function_events: tuple[str, ...]  # where the site's CloudFront Function runs
    methods: tuple[str, ...]
    api_function_events: tuple[str, ...] = ()  # where the API's function (proof of work) runs

    def matches(self, path: str) -> bool:
        """Whether a request path falls under this behaviour (a trailing `*` pattern)."""
        if self.path_pattern is None:
            return True
        return path.startswith(self.path_pattern.removesuffix("*"))


SITE = Behaviour(
    path_pattern=None,
    origin="site",
    forwarding=forwarding.SITE,
    cache_policy=CACHING_OPTIMIZED,
    site_function_events=(VIEWER_REQUEST, VIEWER_RESPONSE),
    methods=("GET", "HEAD"),
)
API = Behaviour(
    path_pattern="/api/*",
    origin="api",
    forwarding=forwarding.API,
    cache_policy=CACHING_DISABLED,
    site_function_events=(),  # API answers, whatever their status, pass untouched
    methods=("GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"),
    # public POSTs without valid work are refused before API Gateway (api_function.js)
    api_function_events=(VIEWER_REQUEST,),
)
# In CloudFront's order: the first behaviour with a matching pattern wins, the default last.
BEHAVIOURS = (API, SITE)

# Status → page for every behaviour of the distribution: none (see the module docstring).
ERROR_RESPONSES: tuple[tuple[int, str], ...] = ()


def behaviour_for(path: str) -> Behaviour:
    return next(b for b in BEHAVIOURS if b.matches(path))
