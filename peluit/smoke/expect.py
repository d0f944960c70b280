"""What a deployed Peluit must answer, as pure checks over status, headers and body.

Each check returns None when the answer is right, else one line that says what is wrong.
The security headers expected are `peluit.web.headers.security_headers()`, the one
definition `peluit serve`, the review console and the CDN share. The only part allowed to
differ is the Content-Security-Policy's `connect-src`, which in production also names the
staging bucket's upload origin: it must still start with `'self'` and name nothing but
`https://` origins besides.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from peluit.web.headers import security_headers

CONNECT_SRC = "connect-src"


def _directives(policy: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in policy.split(";"):
        words = part.strip().split(None, 1)
        if words:
            out[words[0].lower()] = words[1].strip() if len(words) > 1 else ""
    return out


def _connect_src_problem(value: str) -> str | None:
    sources = value.split()
    if not sources or sources[0] != "'self'":
        return f"{CONNECT_SRC} must start with 'self' (is {value!r})"
    strays = [s for s in sources[1:] if not s.startswith("https://")]
    if strays:
        return f"{CONNECT_SRC} names a source that is not an https origin: {strays[0]}"
    return None


def csp_problem(got: str) -> str | None:
    expected = _directives(security_headers()["Content-Security-Policy"])
    actual = _directives(got)
    for name, value in expected.items():
        if name not in actual:
            return f"Content-Security-Policy has no {name}"
        if name == CONNECT_SRC:
            problem = _connect_src_problem(actual[name])
            if problem:
                return f"Content-Security-Policy: {problem}"
        elif actual[name] != value:
            return f"Content-Security-Policy {name} is {actual[name]!r}, expected {value!r}"
    extra = sorted(set(actual) - set(expected))
    if extra:
        return f"Content-Security-Policy has an unexpected directive {extra[0]}"
    return None


def header_problems(headers: Mapping[str, str]) -> list[str]:
    """Every expected security header missing or different (names any case)."""
    lowered = {name.lower(): value for name, value in headers.items()}
    problems = []
    for name, value in security_headers().items():
        got = lowered.get(name.lower())
        if got is None:
            problems.append(f"{name} missing")
        elif name == "Content-Security-Policy":
            problem = csp_problem(got)
            if problem:
                problems.append(problem)
        elif got != value:
            problems.append(f"{name} is {got!r}, expected {value!r}")
    return problems


def media_type(headers: Mapping[str, str]) -> str:
    lowered = {name.lower(): value for name, value in headers.items()}
    return lowered.get("content-type", "").split(";")[0].strip().lower()


def site_404_problem(status: int, headers: Mapping[str, str], body: bytes) -> str | None:
    """A missing page: 404 with the site's HTML page."""
    if status != 404:
        return f"a missing page answered {status}, expected 404"
    kind = media_type(headers)
    if kind != "text/html":
        return f"a missing page answered {kind or 'no Content-Type'}, expected the HTML 404 page"
    if b"<html" not in body[:4096].lower():
        return "a missing page answered text/html that is not an HTML page"
    return None


def api_error_problem(
    status: int, headers: Mapping[str, str], body: bytes, want_status: int, want_code: str
) -> str | None:
    """An API refusal: `want_status` with the JSON error body and its stable code."""
    kind = media_type(headers)
    if kind != "application/json":
        return (
            f"the API answered {status} {kind or 'without a Content-Type'}, expected "
            f"{want_status} application/json {want_code} (an edge that maps API errors to "
            "the site's page?)"
        )
    try:
        error = json.loads(body)["error"]
        code, message = error["code"], error["message"]
        bilingual = isinstance(message["id"], str) and isinstance(message["en"], str)
    except (ValueError, KeyError, TypeError):
        return "the API's error body is not {'error': {'code', 'message': {'id', 'en'}}}"
    if (status, code) != (want_status, want_code):
        return f"the API answered {status} {code}, expected {want_status} {want_code}"
    if not bilingual:
        return "the API's error message is not in Indonesian and English"
    return None
