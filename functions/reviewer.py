"""Lambda entry point of the reviewer API (`/api/v1/review/…`).

Environment: as in `_wiring`, plus PELUIT_REVIEW_ORIGIN (the API's public origin, e.g.
https://review.example.go.id, when it is served under a custom domain or CloudFront;
default: the host name API Gateway reports).
"""

from __future__ import annotations

import os

from ._wiring import Resolver, lazy_handler, packaged_config, s3_store


def _build() -> Resolver:
    # deferred to the first event (see _wiring's docstring)
    from peluit.api.reviewer import Services, build_reviewer_app
    from peluit.core.dates import utc_now

    config = packaged_config()
    origin = os.environ.get("PELUIT_REVIEW_ORIGIN") or None
    return build_reviewer_app(Services.build(config, s3_store(config), utc_now), origin)


handler = lazy_handler(_build)
