"""`peluit backup restore`: a fresh case bucket from the backup (operator guide, "Backup and
restore"; ADR 0047).

    peluit backup restore --from BUCKET [--from-profile P] [--from-region R]
                          --to BUCKET   [--to-profile P]   [--to-region R]
    peluit backup restore --from-dir DIR --to-dir DIR        (local stores: DIR/store)

Copies every object's current version, create-only, and says how many were copied, skipped
(already there, same bytes) and in conflict (already there, other bytes: left alone). Exit 0
when nothing is in conflict, 3 otherwise, 1 with one line when a store cannot be read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from peluit.backup.restore import restore
from peluit.core.dates import utc_now
from peluit.store.errors import StoreError
from peluit.store.local import LocalStore
from peluit.store.port import ObjectStore

CONFLICTS = 3


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="peluit backup", description="Restore from the backup.")
    sub = p.add_subparsers(dest="action", required=True)
    restoring = sub.add_parser("restore", help="copy the backup into a fresh case bucket")
    source = restoring.add_mutually_exclusive_group(required=True)
    source.add_argument("--from", dest="source", metavar="BUCKET", help="the backup bucket")
    source.add_argument("--from-dir", type=Path, help="a local store's data directory")
    restoring.add_argument("--from-profile")
    restoring.add_argument("--from-region", default="ap-southeast-3")
    target = restoring.add_mutually_exclusive_group(required=True)
    target.add_argument("--to", dest="target", metavar="BUCKET", help="the fresh case bucket")
    target.add_argument("--to-dir", type=Path, help="a local store's data directory")
    restoring.add_argument("--to-profile")
    restoring.add_argument("--to-region", default="ap-southeast-3")
    return p


def _store(
    bucket: str | None, directory: Path | None, profile: str | None, region: str
) -> ObjectStore:
    if directory is not None:
        return LocalStore(directory / "store", utc_now)
    from peluit.store.s3 import S3Store, make_s3_client  # boto3 only when needed

    assert bucket is not None  # noqa: S101 - argparse requires one of the two
    return S3Store(make_s3_client(region, None, profile), bucket)


def _local_problem(source: Path | None, target: Path | None) -> str | None:
    """A local source that holds no store (a typo would otherwise "restore" nothing and
    succeed), or a target that is the source."""
    if source is not None and not (source / "store").is_dir():
        return (
            f"{source} tidak memuat data Peluit (tidak ada folder store) / "
            f"{source} holds no Peluit data (no store folder)"
        )
    if source is not None and target is not None and source.resolve() == target.resolve():
        return "sumber dan tujuan sama / the source and the target are the same folder"
    return None


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    problem = _local_problem(args.from_dir, args.to_dir)
    if problem:
        print(f"peluit backup: error: {problem}", file=sys.stderr)
        return 1
    try:
        source = _store(args.source, args.from_dir, args.from_profile, args.from_region)
        target = _store(args.target, args.to_dir, args.to_profile, args.to_region)
        result = restore(source, target)
    except (StoreError, OSError) as exc:
        print(f"peluit backup: error: {exc}", file=sys.stderr)
        return 1
    print(
        f"disalin/copied {result.copied} ({result.bytes} B), sudah ada/already there "
        f"{result.skipped}, konflik/conflicts {len(result.conflicts)}"
    )
    for key in result.conflicts:
        print(f"  konflik/conflict: {key}")
    return CONFLICTS if result.conflicts else 0
