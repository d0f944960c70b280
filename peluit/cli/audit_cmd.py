"""`peluit audit verify`: check the hash chain of a local store's audit log.

    peluit audit verify --store PATH [--anchor SEQ:SHA256] [--anchor-file FILE]

PATH is a local store's directory (`var/store` under `peluit serve --data var`). Prints
the number of events and the head hash, or names the first broken link and exits 1.

The chain and the store's record of where it ends (`audit/head.json`) catch an edited,
removed or reordered event. They cannot catch whoever can write the store removing the last
events *and* rewriting the record to match: only a head hash kept outside the store can.
So the head is printed to be written down, `--anchor` checks against one written down
earlier, and `--anchor-file FILE` (kept outside the store: another machine, a
USB stick, KPK's copy) is read as the anchor when it exists and, once the log verifies,
rewritten with the new head.
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

from .atomic import atomic_output


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="peluit audit", description="Check the audit log.")
    sub = p.add_subparsers(dest="action", required=True)
    verify = sub.add_parser("verify", help="check every link of the chain")
    verify.add_argument("--store", type=Path, required=True, help="local store directory")
    verify.add_argument("--anchor", help="SEQ:SHA256 of an event recorded earlier")
    verify.add_argument(
        "--anchor-file",
        type=Path,
        help="a file outside the store holding SEQ:SHA256: checked, then updated to the head",
    )
    return p


UNANCHORED = (
    "tanpa jangkar / without an anchor: whoever can write the store could remove the last "
    "events and rewrite audit/head.json to match, undetected. Write the head line down "
    "outside the store and check against it later with --anchor or --anchor-file."
)


def _anchor(text: str | None) -> tuple[int, str] | None:
    if text is None:
        return None
    seq, _, digest = text.partition(":")
    if not seq.isdigit() or len(digest) != 64:
        raise ValueError("--anchor is SEQ:SHA256, e.g. 41:3fa9… (64 hex digits)")
    return int(seq), digest.lower()


def _stored_anchor(path: Path | None, store: Path) -> str | None:
    if path is None:
        return None
    if path.resolve().is_relative_to(store.resolve()):
        raise ValueError("--anchor-file must be outside the store it anchors")
    if not path.exists():
        return None
    lines = path.read_text(encoding="utf-8").split()
    if not lines:
        raise ValueError(f"{path} is empty: it should hold SEQ:SHA256")
    return lines[-1]


def _record(path: Path, head: str) -> None:
    with atomic_output(path, mode=0o600) as out:
        out.write(f"{head}\n".encode("ascii"))


def _open(path: Path) -> LocalStore:
    """The existing store at `path` (never creates one), opened only to read: without a URL
    signer, so without a secret."""
    if not (path / "objects").is_dir():
        raise ValueError(f"{path} is not a local store (it has no objects/ folder)")
    return LocalStore(path, utc_now)


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        stored = _stored_anchor(args.anchor_file, args.store)
        anchors = [a for a in (_anchor(args.anchor), _anchor(stored)) if a is not None]
        store = _open(args.store)
        summary = verify_chain(store)
        for anchor in anchors:
            verify_chain(store, anchor)
        head = f"{summary.events - 1}:{summary.head_sha256}" if summary.events else None
        if args.anchor_file is not None and head is not None:
            _record(args.anchor_file, head)
    except AuditChainError as exc:
        print(f"audit chain BROKEN: {exc}", file=sys.stderr)
        return 1
    except (ValueError, StoreError, OSError) as exc:
        print(f"peluit audit: error: {exc}", file=sys.stderr)
        return 2
    print(f"audit chain OK: {summary.events} events")
    if head is not None:
        print(f"head: {head}")
    for seq, digest in anchors:
        print(f"anchor {seq}:{digest} found unchanged; events after it: {summary.events - 1 - seq}")
    if args.anchor_file is not None and head is not None:
        print(f"head written to {args.anchor_file}")
    if not anchors:
        print(UNANCHORED)
    return 0
