"""The APIs' OpenAPI documents.

Write them out with `python -m peluit.api.openapi > docs/api/public-openapi.json` and
`python -m peluit.api.openapi reviewer > docs/api/reviewer-openapi.json`.
"""

from __future__ import annotations

import sys
from typing import cast

from peluit.config import parse_config
from peluit.config.demo import example_config_text
from peluit.core.dates import utc_now
from peluit.store.port import ObjectStore

from .public import PublicServices, build_public_app
from .reviewer import Services, build_reviewer_app

TITLE = "Peluit public API"
REVIEWER_TITLE = "Peluit reviewer API (every request signed: RFC 9421, Ed25519)"
VERSION = "1"


def public_document() -> str:
    """The document Powertools generates from the routes and pydantic models."""
    # Generating the schema never calls a route, so no store is needed.
    services = PublicServices.build(
        parse_config(example_config_text()), cast(ObjectStore, None), utc_now
    )
    schema: str = build_public_app(services).get_openapi_json_schema(title=TITLE, version=VERSION)
    return schema + "\n"


def reviewer_document() -> str:
    """The reviewer API's document (its routes and bodies; the signature rules are in
    docs/review-api.md)."""
    config = parse_config(example_config_text())
    services = Services.build(config, cast(ObjectStore, None), utc_now)
    schema: str = build_reviewer_app(services).get_openapi_json_schema(
        title=REVIEWER_TITLE, version=VERSION
    )
    return schema + "\n"


if __name__ == "__main__":
    sys.stdout.write(reviewer_document() if sys.argv[1:] == ["reviewer"] else public_document())
