"""What the OpenAPI documents say about answers: the refusals errors.py really sends, and the
success answers of routes that build their own `Response`.

Powertools documents every route with a `422` and its own validation error body. Neither is
ever sent: errors.py answers every refusal with a problem (`{"error": {"code", "message":
{"id", "en"}, "detail"?}}`), invalid input with `400 invalid_request`. `documented` replaces
that `422` with the statuses each API does send, each with the problem's schema, so a client
generated from the document (or a fuzzer checking answers against it) is told the truth.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from pydantic import BaseModel

PROBLEM = "Problem"
_PROBLEM_REF = {"$ref": f"#/components/schemas/{PROBLEM}"}
# Powertools' validation error schemas, referenced only by the 422 it documents.
_POWERTOOLS_ONLY = ("HTTPValidationError", "ValidationError")

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": PROBLEM,
    "description": "Every refusal: a stable code and a message in Indonesian and English.",
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
                "message": {
                    "type": "object",
                    "required": ["id", "en"],
                    "properties": {"id": {"type": "string"}, "en": {"type": "string"}},
                },
                "detail": {"type": "string", "description": "names fields, never echoes input"},
                "pow": {
                    "type": "object",
                    "description": "a refused proof of work: the terms to redo it with",
                    "required": ["bits", "bucket"],
                    "properties": {"bits": {"type": "integer"}, "bucket": {"type": "integer"}},
                },
            },
        }
    },
}

_SHARED = {
    400: "Invalid request: malformed, not JSON, or a field is invalid (invalid_request, …)",
    404: "Not found: no such route, case or object",
    409: "Conflict with what is stored",
    411: "Content-Length missing (`peluit serve`)",
    413: "Too large",
    415: "The body is not sent as JSON (unsupported_media_type)",
    500: "Server error (internal_error)",
    503: "Busy: try again",
}
PUBLIC: Mapping[int, str] = {
    **_SHARED,
    400: "Invalid request, or a missing, malformed or expired proof of work (pow_required, …)",
}
REVIEWER: Mapping[int, str] = {
    **_SHARED,
    401: "Missing, invalid, expired or replayed signature (signature_missing, …)",
    403: "The signer's roles do not allow this",
    428: "If-Match required (precondition_required)",
}


def answer(
    status: int, model: type[BaseModel], description: str, etag: bool = False
) -> dict[int, OpenAPIResponse]:
    """A route's success answer, for routes that build their `Response` themselves (a status
    other than 200, an ETag header): Powertools would document their return type, `str`."""
    response: OpenAPIResponse = {
        "description": description,
        "content": {"application/json": {"model": model}},
    }
    if etag:
        response["headers"] = {
            "ETag": {
                "description": "the case's state version, for If-Match",
                "schema": {"type": "string", "pattern": '^"[^"]+"$'},  # a quoted strong tag
            }
        }
    return {status: response}


def documented(document: str, refusals: Mapping[int, str]) -> str:
    """`document` (Powertools' JSON) with every operation's 422 replaced by `refusals`."""
    data = json.loads(document)
    for operations in data.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            for status in sorted(refusals):
                responses[str(status)] = {
                    "description": refusals[status],
                    "content": {"application/json": {"schema": _PROBLEM_REF}},
                }
    schemas = data.setdefault("components", {}).setdefault("schemas", {})
    for name in _POWERTOOLS_ONLY:
        schemas.pop(name, None)
    schemas[PROBLEM] = PROBLEM_SCHEMA
    data["components"]["schemas"] = dict(sorted(schemas.items()))
    return json.dumps(data, indent=2, ensure_ascii=False)
