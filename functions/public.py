"""Lambda entry point of the public (reporter-facing) API; environment in `_wiring`."""

from __future__ import annotations

from ._wiring import Resolver, lazy_handler, packaged_config, s3_store


def _build() -> Resolver:
    # deferred to the first event (see _wiring's docstring)
    from peluit.api.public import PublicServices, build_public_app
    from peluit.core.dates import utc_now

    config = packaged_config()
    return build_public_app(PublicServices.build(config, s3_store(config), utc_now))


handler = lazy_handler(_build)
