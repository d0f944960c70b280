"""Lambda entry point of the reviewer API (`/api/v1/review/…`).

Environment: PELUIT_CONFIG (path of the packaged peluit.toml, default beside this file),
PELUIT_BUCKET (overrides the configured bucket), PELUIT_REVIEW_ORIGIN (the API's public
origin, e.g. https://review.example.go.id, when it is served under a custom domain or
CloudFront; default: the host name API Gateway reports). Wiring happens once per cold start.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from peluit.api.reviewer import Services, build_reviewer_app
from peluit.config import load_config
from peluit.core.dates import utc_now
from peluit.store.s3 import S3Store, make_s3_client


def _build() -> Any:
    config = load_config(
        Path(os.environ.get("PELUIT_CONFIG", Path(__file__).with_name("peluit.toml")))
    )
    store_config = config.store
    bucket = os.environ.get("PELUIT_BUCKET") or store_config.bucket
    if not bucket:
        raise RuntimeError("no bucket: set PELUIT_BUCKET or store.bucket in peluit.toml")
    endpoint = str(store_config.endpoint_url) if store_config.endpoint_url else None
    store = S3Store(make_s3_client(store_config.region, endpoint), bucket)
    origin = os.environ.get("PELUIT_REVIEW_ORIGIN") or None
    return build_reviewer_app(Services.build(config, store, utc_now), origin)


_APP = None


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    global _APP  # one app per warm Lambda container
    if _APP is None:
        _APP = _build()
    result: dict[str, Any] = _APP.resolve(event, context)
    return result
