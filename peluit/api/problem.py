"""A problem as the API answers it: a status, a stable code and a message in Indonesian and
English, as a JSON body `{"error": {"code", "message": {"id", "en"}, "detail"?, ...}}`, a
Powertools response or an API Gateway proxy result. Nothing from the request is echoed."""

from __future__ import annotations

import json
from dataclasses import dataclass

from aws_lambda_powertools.event_handler import Response


@dataclass(frozen=True)
class Problem:
    status: int
    code: str
    id: str
    en: str


NOT_FOUND = Problem(404, "not_found", "Alamat tidak ditemukan.", "Not found.")
INTERNAL = Problem(
    500,
    "internal_error",
    "Terjadi kesalahan di server. Laporan Anda belum terkirim; silakan coba lagi.",
    "Something went wrong on the server. Your report was not sent; please try again.",
)


def problem_body(
    problem: Problem, detail: str | None = None, extra: dict[str, object] | None = None
) -> bytes:
    error: dict[str, object] = {
        "code": problem.code,
        "message": {"id": problem.id, "en": problem.en},
    }
    if detail:
        error["detail"] = detail
    error.update(extra or {})
    return json.dumps({"error": error}, ensure_ascii=False).encode()


def respond(
    problem: Problem, detail: str | None = None, extra: dict[str, object] | None = None
) -> Response[str]:
    return Response(
        status_code=problem.status,
        content_type="application/json; charset=utf-8",
        body=problem_body(problem, detail, extra).decode(),
        headers={"Cache-Control": "no-store"},
    )


def problem_result(
    problem: Problem, detail: str | None = None, extra: dict[str, object] | None = None
) -> dict[str, object]:
    """The same answer as `respond`, as the Lambda proxy result an API Gateway HTTP API
    takes, for refusals made before a request reaches the resolver's routes."""
    return {
        "statusCode": problem.status,
        "headers": {
            "Content-Type": "application/json; charset=utf-8",
            "Cache-Control": "no-store",
        },
        "body": problem_body(problem, detail, extra).decode(),
        "isBase64Encoded": False,
    }
