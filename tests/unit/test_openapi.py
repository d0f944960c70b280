"""The OpenAPI document in docs/ is the one the code generates."""

from __future__ import annotations

from pathlib import Path

import pytest

from peluit.api.openapi import public_document, reviewer_document

pytestmark = pytest.mark.unit

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "api" / "public-openapi.json"
REVIEWER = COMMITTED.with_name("reviewer-openapi.json")


def test_committed_openapi_document_is_the_generated_one() -> None:
    assert COMMITTED.read_text() == public_document(), (
        "regenerate: python -m peluit.api.openapi > docs/api/public-openapi.json"
    )


def test_committed_reviewer_openapi_document_is_the_generated_one() -> None:
    assert REVIEWER.read_text() == reviewer_document(), (
        "regenerate: python -m peluit.api.openapi reviewer > docs/api/reviewer-openapi.json"
    )
