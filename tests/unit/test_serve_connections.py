"""The 503 that `peluit serve` and the review console send over their connection limit is in
the API's error shape (ADR 0024), though it is written without importing the API."""

from __future__ import annotations

import json

import pytest

from peluit.api import errors
from peluit.serve.connections import BUSY_BODY

pytestmark = pytest.mark.unit


def test_the_busy_answer_is_the_apis_problem_body() -> None:
    shown = json.loads(BUSY_BODY)
    problem = errors.Problem(
        503, "server_busy", shown["error"]["message"]["id"], shown["error"]["message"]["en"]
    )
    assert errors.problem_body(problem) == BUSY_BODY
    assert shown["error"]["code"] == "server_busy"
    assert shown["error"]["message"]["id"].startswith("Server sedang")
