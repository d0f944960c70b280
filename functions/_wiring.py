"""Production wiring shared by the Lambda entry points: the packaged configuration, the S3
store, and a handler that builds its app once per warm container.

Environment: PELUIT_CONFIG (path of the packaged peluit.toml, default beside this file),
PELUIT_BUCKET and PELUIT_STAGING_BUCKET (override the configured case and staging buckets).

Importing a function module loads boto3 and little else: the configuration (pydantic) and the
API (Powertools' event handler, the routes and their models) are imported by the first event,
in `build` (issue 17: a cold import of `functions.public` within 1.3 x `import boto3`). A
container that is never invoked never pays for them; the first event does, once.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from peluit.store.s3 import S3Store, make_s3_client

if TYPE_CHECKING:
    from peluit.config import Config

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


class Resolver(Protocol):
    def resolve(self, event: dict[str, Any], context: Any) -> dict[str, Any]: ...


def packaged_config() -> Config:
    from peluit.config import load_config  # deferred: see the module docstring

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
