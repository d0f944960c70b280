"""The one place where exceptions become HTTP responses: a stable code and a message in
Indonesian and English for each. Nothing from the request is echoed or logged."""

from __future__ import annotations

import logging
import re

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestValidationError,
)

from peluit.core import errors as core

from .problem import INTERNAL as INTERNAL
from .problem import NOT_FOUND as NOT_FOUND
from .problem import Problem as Problem
from .problem import problem_body as problem_body
from .problem import problem_result as problem_result
from .problem import respond as respond
from .problem_table import PROBLEMS as PROBLEMS
from .problem_table import problem_for as problem_for

log = logging.getLogger("peluit.api")


def extra_for(exc: Exception) -> dict[str, object] | None:
    """What an answer adds for the client to act on: the proof-of-work terms, so a browser
    with a stale difficulty or a wrong clock can redo the work once."""
    if isinstance(exc, core.ProofOfWorkError):
        return {"pow": {"bits": exc.bits, "bucket": exc.bucket}}
    return None


_FIELD_PART = re.compile(r"[a-z_][a-z0-9_]{0,39}|[0-9]{1,6}")


def _invalid_fields(exc: RequestValidationError) -> str | None:
    """Names the invalid fields, but only names that look like ours: never echo input."""
    if any(e.get("type") == "json_invalid" for e in exc.errors()):
        return "the body is not valid JSON"
    fields = set()
    for error in exc.errors():
        if error.get("type") == "extra_forbidden":
            fields.add("(unknown field)")  # its name is the client's, not ours: not echoed
            continue
        parts = [str(p) for p in error.get("loc", ())[1:]]
        if parts and all(_FIELD_PART.fullmatch(p) for p in parts):
            fields.add(".".join(parts))
    return "invalid fields: " + ", ".join(sorted(fields)) if fields else None


def install(app: APIGatewayHttpResolver) -> None:
    """Route every exception of the app through the table (api/problem_table.py)."""

    # Powertools' decorators are untyped; the handlers' own signatures are checked.
    @app.exception_handler(RequestValidationError)  # type: ignore[untyped-decorator]
    def _invalid(exc: RequestValidationError) -> Response[str]:
        return respond(PROBLEMS[RequestValidationError], _invalid_fields(exc))

    @app.exception_handler(Exception)  # type: ignore[untyped-decorator]
    def _any(exc: Exception) -> Response[str]:
        problem = problem_for(exc)
        if problem is not None:
            # Messages of our own errors carry no request data: they name counts and fields.
            return respond(problem, str(exc) or None, extra_for(exc))
        log.error("unhandled %s", type(exc).__name__)  # the type only: messages may hold data
        return respond(INTERNAL)

    @app.not_found
    def _not_found(_: Exception) -> Response[str]:
        return respond(NOT_FOUND)
