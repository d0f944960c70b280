"""The API's CloudFront Function in its Python twin: a public POST is refused at the edge
unless its stamp carries enough work for this path, this window and the digest it names, and
the refusal is the API's own answer (tests/support/edge_api_cases.py; the JavaScript runs over
the same table in tests/functional/test_edge_function_node.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from peluit.api import errors
from peluit.core import errors as core
from peluit.edge import api_function
from peluit.edge.api_function import SOURCE, function_code, viewer_request
from tests.support.edge_api_cases import BITS, NOW, ROWS, SECONDS

pytestmark = pytest.mark.unit

CORE_ERRORS = {
    "pow_required": core.PowRequiredError,
    "pow_invalid": core.PowInvalidError,
    "pow_expired": core.PowExpiredError,
}


def _code(name: str) -> str | None:
    row = ROWS[name]
    answer = viewer_request(row.method, row.uri, list(row.values), SECONDS, BITS)
    if answer is None:
        return None
    assert answer.status == 400
    error: dict[str, Any] = json.loads(answer.body)["error"]
    return str(error["code"])


@pytest.mark.parametrize("name", sorted(ROWS))
def test_each_request_is_passed_or_refused_as_the_table_says(name: str) -> None:
    assert _code(name) == ROWS[name].expected


@pytest.mark.parametrize("code", sorted(api_function.PROBLEMS))
def test_a_refusal_is_the_apis_own_answer_with_the_terms_to_redo_it(code: str) -> None:
    """Same status, code, Indonesian and English messages and `pow` terms as the API sends
    (peluit/api/errors.py), so the browser redoes the work the same way whoever refused."""
    answer = api_function.refusal(code, SECONDS, BITS)
    problem = errors.PROBLEMS[CORE_ERRORS[code]]
    exc = CORE_ERRORS[code]("x", BITS, NOW)
    api = json.loads(errors.problem_body(problem, "x", errors.extra_for(exc)))["error"]
    edge = json.loads(answer.body)["error"]
    assert answer.status == problem.status
    assert {k: v for k, v in edge.items() if k != "detail"} == {
        k: v for k, v in api.items() if k != "detail"
    }
    assert answer.headers["Content-Type"] == "application/json; charset=utf-8"
    assert answer.headers["Cache-Control"] == "no-store"


def test_the_javascript_holds_the_same_messages_as_the_twin() -> None:
    source = SOURCE.read_text(encoding="utf-8")
    for id_text, en_text, detail in api_function.PROBLEMS.values():
        for text in (id_text, en_text, detail):
            assert text.replace("'", "\\'") in source, text


def test_the_javascript_can_be_substituted_by_sub_and_keeps_to_es_5_1() -> None:
    code = function_code("${PowBits}")
    assert code.count("${PowBits}") == 1
    stripped = "\n".join(
        line.split("//", 1)[0] for line in SOURCE.read_text(encoding="utf-8").splitlines()
    )
    for forbidden in ("let ", "const ", "=>", "`", "class ", "async ", "await "):
        assert forbidden not in stripped, forbidden
    assert len(function_code("19").encode()) < 10 * 1024  # CloudFront's function size limit
