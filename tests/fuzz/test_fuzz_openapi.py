"""Schemathesis against both OpenAPI documents, over a real `peluit serve`.

Every generated request, valid or deliberately invalid, is sent the way a client that does
its part sends it (a proof of work on public POSTs, a roster signature on reviewer requests:
tests/support/fuzz.py), and its answer must be what the document says: no 5xx, every
refusal a JSON problem, every status, content type and body as documented, and invalid
input refused with a 4xx. The run is bounded and derandomized: the same requests every run.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from peluit.api.openapi import public_document, reviewer_document
from tests.support.fuzz import CHECKS, FuzzServer, json_errors, past_the_door

pytestmark = pytest.mark.fuzz

EXAMPLES = 25  # per operation and test (positive and negative modes share them)
CONFIG = schemathesis.Config.from_dict({"generation": {"mode": "all", "deterministic": True}})
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
SENT: Counter[str] = Counter()
ANSWERS: Counter[str] = Counter()


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzServer]:
    server = FuzzServer(Path(tmp_path_factory.mktemp("fuzz")))
    yield server
    server.close()
    print(f"\nfuzz: {sum(SENT.values())} requests over {len(SENT)} method-path pairs")
    for answer, count in sorted(ANSWERS.items()):
        print(f"  {answer}: {count}")


# Loaded at collection (schemathesis' lazy `from_fixture` does not run under pytest 9): the
# documents the code generates. `test_served_document_is_the_generated_one` ties the public one
# to what `peluit serve` serves; tests/unit/test_openapi.py ties both to docs/api/.
public = schemathesis.openapi.from_dict(json.loads(public_document()), config=CONFIG)
reviewer = schemathesis.openapi.from_dict(json.loads(reviewer_document()), config=CONFIG)


def test_the_harness_gets_past_the_doors(fuzz_server: FuzzServer) -> None:
    """A proof of work and a signature the API accepts: the fuzzing reaches the routes."""
    body = json.dumps({"token": fuzz_server.token.hex(), "after": 0}).encode()
    status = fuzz_server.send_public("/api/v1/followup/status", body, "application/json")
    assert status.status_code == 200, status.text
    assert status.json()["channel"] == "pengaduan"
    me = fuzz_server.send_signed("GET", "/api/v1/review/me", b"")
    assert me.status_code == 200, me.text
    assert me.json()["id"] == "rina"


def test_served_document_is_the_generated_one(fuzz_server: FuzzServer) -> None:
    assert fuzz_server.public_document() == json.loads(public_document())


@public.parametrize()
@SETTINGS
def test_public_api_answers_as_its_document_says(
    case: schemathesis.Case[Any], fuzz_server: FuzzServer
) -> None:
    operation = f"{case.method} {case.path}"
    fuzz_server.aim(case, SENT[operation])
    response = fuzz_server.send(case)
    SENT[operation] += 1
    ANSWERS[f"{operation} {response.status_code}"] += 1
    case.validate_response(response, checks=[*CHECKS, json_errors, past_the_door])


@reviewer.parametrize()
@SETTINGS
def test_reviewer_api_answers_as_its_document_says(
    case: schemathesis.Case[Any], fuzz_server: FuzzServer
) -> None:
    operation = f"{case.method} {case.path}"
    fuzz_server.aim(case, SENT[operation])
    response = fuzz_server.send(case)
    SENT[operation] += 1
    ANSWERS[f"{operation} {response.status_code}"] += 1
    case.validate_response(response, checks=[*CHECKS, json_errors, past_the_door])


@pytest.mark.parametrize("method", ["TRACE", "PATCH", "QUERY"])
def test_serve_answers_unserved_methods_with_a_json_problem(
    fuzz_server: FuzzServer, method: str
) -> None:
    answer = fuzz_server.session.request(method, f"{fuzz_server.base}/api/v1/followup/status")
    assert answer.status_code == 405
    assert answer.headers["Content-Type"].startswith("application/json")
    assert answer.json()["error"]["code"] == "method_not_allowed"


def test_reviewer_api_refuses_a_body_that_is_not_utf8_json(fuzz_server: FuzzServer) -> None:
    """Found by the fuzzing: a signed POST whose body is not UTF-8 was a 500."""
    before = fuzz_server.objects()
    answer = fuzz_server.send_signed(
        "POST", f"/api/v1/review/cases/{fuzz_server.case}/tags", b"\xff\xfe{"
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "invalid_request"
    assert fuzz_server.objects() == before


@pytest.mark.parametrize(
    "content_type", ["multipart/form-data", "text/plain", "application/x-www-form-urlencoded"]
)
def test_both_apis_refuse_a_body_not_sent_as_json(
    fuzz_server: FuzzServer, content_type: str
) -> None:
    """Found by the fuzzing: a body declared as multipart without a boundary, or as text, was
    a 500 (Powertools failed parsing it); now a 415 before any route, nothing stored."""
    body = json.dumps({"token": fuzz_server.token.hex(), "after": 0}).encode()
    before = fuzz_server.objects()
    public = fuzz_server.send_public("/api/v1/followup/status", body, content_type)
    reviewer = fuzz_server.send_signed(
        "POST", f"/api/v1/review/cases/{fuzz_server.case}/read", b'{"seq": 0}', content_type
    )
    for answer in (public, reviewer):
        assert answer.status_code == 415, answer.text
        assert answer.json()["error"]["code"] == "unsupported_media_type"
    assert fuzz_server.objects() == before
