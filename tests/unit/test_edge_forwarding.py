"""The API behaviour forwards every header a client signs or sends for the API to read, and
every header the API's code reads: derived from the review client, the browser code and the
API's source, not from a list kept by hand."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import http_sf
import pytest

from peluit.edge import forwarding
from peluit.keys import KeyFile
from peluit.review.client import ReviewClient
from peluit.review.errors import ReviewApiError
from peluit.review.transport import HttpRequest, HttpResponse

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
FORWARDED = {h.lower() for h in forwarding.API.headers}
# Read by Powertools' request validation (not our source): it parses the body by its type.
READ_BY_POWERTOOLS = {"content-type"}
# Set on the way by CloudFront and API Gateway themselves, whatever the policy says.
SET_ON_THE_WAY = {"host", "content-length"}


class Recording:
    """A transport that keeps each request and answers 200 with an empty JSON object."""

    def __init__(self) -> None:
        self.sent: list[HttpRequest] = []

    def send(self, request: HttpRequest) -> HttpResponse:
        self.sent.append(request)
        return HttpResponse(200, {"Content-Type": "application/json"}, b"{}")

    def fetch(self, url: str) -> bytes:
        raise AssertionError("no downloads here")


def _signed_components(request: HttpRequest) -> set[str]:
    headers = {k.lower(): v for k, v in request.headers.items()}
    parsed: Any = http_sf.parse(headers["signature-input"].encode(), tltype="dictionary")
    ((members, _params),) = parsed.values()
    return {str(item) for item, _ in members if not str(item).startswith("@")}


def test_every_header_the_review_client_signs_is_forwarded() -> None:
    key = KeyFile.generate("rina", "Rina", ("reviewer",))
    transport = Recording()
    client = ReviewClient("https://wbs.example.go.id", key, transport)
    calls: list[Callable[[], object]] = [
        client.me,
        lambda: client.change_status("0123456789abcdef", '"etag"', "diverifikasi", b"alasan"),
        lambda: client.post_message("0123456789abcdef", b"pesan"),
    ]
    for call in calls:
        with pytest.raises(ReviewApiError, match="bad_response"):  # `{}` fits no answer
            call()
    assert len(transport.sent) == 3
    signed: set[str] = set()
    for request in transport.sent:
        signed |= _signed_components(request) | {"signature", "signature-input"}
    assert "if-match" in signed  # the status change's precondition is signed
    assert signed <= FORWARDED, signed - FORWARDED
    sent_with_body = {k.lower() for k in transport.sent[1].headers}
    assert "content-type" in sent_with_body & FORWARDED


def _header_reads(tree: ast.AST) -> set[str]:
    """Literal header names read as `….headers.get("x")`, `….headers["x"]`, `headers.get("x")`
    or `headers["x"]`."""

    def is_headers(node: ast.expr) -> bool:
        return (isinstance(node, ast.Attribute) and node.attr == "headers") or (
            isinstance(node, ast.Name) and node.id == "headers"
        )

    found: set[str] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and is_headers(node.func.value)
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value.lower())
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.ctx, ast.Load)
            and is_headers(node.value)
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, str)
        ):
            found.add(node.slice.value.lower())
    return found


def test_every_header_the_apis_code_reads_is_forwarded() -> None:
    sources = [
        *sorted((ROOT / "peluit" / "api").glob("*.py")),
        *sorted((ROOT / "peluit" / "httpsig").glob("*.py")),
        *sorted((ROOT / "functions").glob("*.py")),
    ]
    read: set[str] = set()
    for source in sources:
        read |= _header_reads(ast.parse(source.read_text(encoding="utf-8")))
    assert {"if-match", "signature-input", "content-digest"} <= read  # the scan sees reads
    reachable = FORWARDED | SET_ON_THE_WAY
    assert read | READ_BY_POWERTOOLS <= reachable, (read | READ_BY_POWERTOOLS) - reachable


def test_the_browsers_api_calls_send_only_forwarded_headers() -> None:
    source = (ROOT / "js" / "src" / "api.js").read_text(encoding="utf-8")
    literal = re.findall(r"headers:\s*\{([^}]*)\}", source)
    names = {n.lower() for block in literal for n in re.findall(r'"([A-Za-z-]+)"\s*:', block)}
    assert "content-type" in names
    assert names <= FORWARDED, names - FORWARDED


def test_the_api_gets_no_cookies_and_every_query_string() -> None:
    assert forwarding.API.cookies == "none"
    assert forwarding.API.query_strings == "all"  # proof of work, list filters, object keys
    viewer = {"Cookie": "a=b", "If-Match": '"x"', "User-Agent": "u", "X-Forwarded-For": "1.2.3.4"}
    assert forwarding.API.request_headers(viewer) == {"if-match": '"x"'}
