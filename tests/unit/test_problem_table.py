"""The API's problems: each error in the table answers with a stable code, a 4xx or 5xx status
and a message a person understands, Indonesian first and English second; a subclass answers as
its nearest listed class; the body and the two answer forms carry exactly that."""

from __future__ import annotations

import json
import re

import pytest

from peluit.api import errors
from peluit.api.problem import INTERNAL, NOT_FOUND, Problem, problem_body, problem_result, respond
from peluit.api.problem_table import PROBLEMS, problem_for
from peluit.core import errors as core

pytestmark = pytest.mark.unit

_CODE = re.compile(r"[a-z][a-z0-9_]*")


@pytest.mark.parametrize("problem", [*PROBLEMS.values(), NOT_FOUND, INTERNAL], ids=lambda p: p.code)
def test_every_problem_has_a_stable_code_an_error_status_and_both_languages(
    problem: Problem,
) -> None:
    assert _CODE.fullmatch(problem.code)
    assert 400 <= problem.status < 600
    assert problem.id.strip()
    assert problem.en.strip()
    assert problem.id != problem.en  # the Indonesian message is not the English one


def test_the_table_is_not_empty_and_the_old_import_path_leads_to_it() -> None:
    assert len(PROBLEMS) > 40
    assert sum(cls.__module__ == core.__name__ for cls in PROBLEMS) > 30
    assert errors.PROBLEMS is PROBLEMS
    assert errors.problem_for is problem_for


def test_a_subclass_answers_as_its_nearest_listed_class() -> None:
    listed = next(cls for cls in PROBLEMS if cls.__module__ == core.__name__)

    class Narrower(listed):  # type: ignore[valid-type,misc]
        pass

    assert problem_for(Narrower("x")) == PROBLEMS[listed]
    assert problem_for(ValueError("x")) is None


def test_the_body_carries_the_code_and_the_message_indonesian_first() -> None:
    problem = Problem(409, "case_conflict", "Kasus berubah.", "The case changed.")
    body = json.loads(problem_body(problem, "a detail", {"pow": {"bits": 20}}))
    assert body == {
        "error": {
            "code": "case_conflict",
            "message": {"id": "Kasus berubah.", "en": "The case changed."},
            "detail": "a detail",
            "pow": {"bits": 20},
        }
    }
    assert list(body["error"]["message"]) == ["id", "en"]
    assert "detail" not in json.loads(problem_body(problem))["error"]


def test_both_answer_forms_say_the_same_and_are_never_cached() -> None:
    answer = respond(NOT_FOUND)
    result = problem_result(NOT_FOUND)
    assert answer.status_code == result["statusCode"] == 404
    assert answer.body == result["body"] == problem_body(NOT_FOUND).decode()
    assert answer.headers["Cache-Control"] == "no-store"
    assert result["headers"] == {
        "Content-Type": "application/json; charset=utf-8",
        "Cache-Control": "no-store",
    }
