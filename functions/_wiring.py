"""Production wiring shared by the Lambda entry points: the packaged configuration, the S3
store, and a handler that builds its app once per warm container.

Environment: PELUIT_CONFIG (path of the packaged peluit.toml, default beside this file),
PELUIT_BUCKET and PELUIT_STAGING_BUCKET (override the configured case and staging buckets).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from peluit.config import Config, load_config
from peluit.store.s3 import S3Store, make_s3_client

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


class Resolver(Protocol):
    def resolve(self, event: dict[str, Any], context: Any) -> dict[str, Any]: ...


def packaged_config() -> Config:
    return load_config(
        Path(os.environ.get("PELUIT_CONFIG", Path(__file__).with_name("peluit.toml")))
    )


def s3_store(config: Config) -> S3Store:
    bucket = os.environ.get("PELUIT_BUCKET") or config.store.bucket
    if not bucket:
        raise RuntimeError("no bucket: set PELUIT_BUCKET or store.bucket in peluit.toml")
    staging = os.environ.get("PELUIT_STAGING_BUCKET") or config.store.staging_bucket_name
    endpoint = str(config.store.endpoint_url) if config.store.endpoint_url else None
    return S3Store(make_s3_client(config.store.region, endpoint), bucket, staging)


def lazy_handler(build: Callable[[], Resolver]) -> Handler:
    """A Lambda handler that wires its app on the first event, then reuses it."""
    apps: list[Resolver] = []

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        if not apps:
            apps.append(build())
        return apps[0].resolve(event, context)

    return handler
