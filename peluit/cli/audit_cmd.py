"""`peluit audit verify`: check the hash chain of a local store's audit log.

    peluit audit verify --store PATH [--anchor SEQ:SHA256]

PATH is a local store's directory (`var/store` under `peluit serve --data var`). Prints
the number of events and the head hash (write it down: give it back later as --anchor
to detect a rewritten history), or names the first broken link and exits 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from peluit.core.audit import verify_chain
from peluit.core.dates import utc_now
from peluit.core.errors import AuditChainError
from peluit.store.errors import StoreError
from peluit.store.local import LocalStore


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="peluit audit", description="Check the audit log.")
    sub = p.add_subparsers(dest="action", required=True)
    verify = sub.add_parser("verify", help="check every link of the chain")
    verify.add_argument("--store", type=Path, required=True, help="local store directory")
    verify.add_argument("--anchor", help="SEQ:SHA256 of an event recorded earlier")
    return p


def _anchor(text: str | None) -> tuple[int, str] | None:
    if text is None:
        return None
    seq, _, digest = text.partition(":")
    if not seq.isdigit() or len(digest) != 64:
        raise ValueError("--anchor is SEQ:SHA256, e.g. 41:3fa9… (64 hex digits)")
    return int(seq), digest.lower()


def _open(path: Path) -> LocalStore:
    """The existing store at `path` (never creates one), opened only to read: without a URL
    signer, so without a secret."""
    if not (path / "objects").is_dir():
        raise ValueError(f"{path} is not a local store (it has no objects/ folder)")
    return LocalStore(path, utc_now)


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        anchor = _anchor(args.anchor)
        summary = verify_chain(_open(args.store), anchor)
    except AuditChainError as exc:
        print(f"audit chain BROKEN: {exc}", file=sys.stderr)
        return 1
    except (ValueError, StoreError, OSError) as exc:
        print(f"peluit audit: error: {exc}", file=sys.stderr)
        return 2
    print(f"audit chain OK: {summary.events} events")
    if summary.events:
        print(f"head: {summary.events - 1}:{summary.head_sha256}")
    return 0
