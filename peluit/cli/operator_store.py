"""The store an operator's command works on: the local store of `peluit serve --data DIR`
(`DIR/store`), or, for `store.kind = "s3"`, the deployed buckets with the operator's own AWS
credentials (`--profile`). Reviewers never need this: they go through the reviewer API."""

from __future__ import annotations

import argparse
from pathlib import Path

from peluit.config import Config
from peluit.core.dates import utc_now
from peluit.store.local import LocalStore
from peluit.store.port import ObjectStore


class OperatorStoreError(Exception):
    """The store named cannot be opened."""


def add_store_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, default=Path("peluit.toml"), help="configuration")
    parser.add_argument(
        "--data", type=Path, default=Path("var"), help="local store: peluit serve's --data"
    )
    parser.add_argument("--profile", help="AWS profile (store.kind = s3)")


def open_store(config: Config, data: Path, profile: str | None) -> ObjectStore:
    if config.store.kind == "local":
        root = data / "store"
        if not (root / "objects").is_dir():
            raise OperatorStoreError(f"{root} is not a local store (give --data)")
        return LocalStore(root, utc_now)
    from peluit.store.s3 import S3Store, make_s3_client  # boto3 only when needed

    assert config.store.bucket is not None  # noqa: S101 - the configuration requires it
    endpoint = str(config.store.endpoint_url) if config.store.endpoint_url else None
    client = make_s3_client(config.store.region, endpoint, profile)
    return S3Store(client, config.store.bucket, config.store.staging_bucket_name)
