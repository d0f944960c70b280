"""`peluit audit verify` and a truncated tail (issue 18, finding 9).

Without an anchor, the store's own record of where the log ends (`audit/head.json`) is what
notices removed last events: a log whose record is gone too is broken, not "OK". What the
store alone cannot show (the tail removed and the record rewritten to match) is said on
every unanchored run, and caught by a head kept outside the store: `--anchor`, or
`--anchor-file`, which is checked and then moved on to the new head."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from peluit.core import layout
from peluit.core.audit import AuditLog
from peluit.core.canonical import canonical
from peluit.store.local import LocalStore
from tests.support.fakes import FixedClock
from tests.support.submitting import run_peluit as peluit

pytestmark = pytest.mark.functional

CASE = "k3v92m7qx0ab4fzt"


def _log(root: Path, events: int) -> AuditLog:
    log = AuditLog(LocalStore(root, FixedClock()), FixedClock(), "Asia/Jakarta")
    for _ in range(events):
        log.append("rina", "case.read", CASE)
    return log


def _objects(root: Path) -> Path:
    return root / "objects"


def _cut_tail(root: Path, keep: int, rewrite_head: bool) -> None:
    """Remove every event from `keep` on; remove the head record, or rewrite it to match."""
    for path in sorted((_objects(root) / "audit").glob("0*.json")):
        if int(path.stem) >= keep:
            path.unlink()
    head = _objects(root) / layout.audit_head()
    if rewrite_head:
        last = (_objects(root) / layout.audit_event(keep - 1)).read_bytes()
        record = {"next": keep, "last_sha256": hashlib.sha256(last).hexdigest()}
        head.write_bytes(canonical(record))
    else:
        head.unlink()


def test_a_tail_removed_with_its_end_record_is_broken_without_any_anchor(tmp_path: Path) -> None:
    root = tmp_path / "store"
    _log(root, 6)
    _cut_tail(root, keep=4, rewrite_head=False)

    result = peluit("audit", "verify", "--store", root)
    assert result.returncode == 1, result.stdout
    assert "BROKEN" in result.stderr
    assert "removed from its end" in result.stderr


def test_an_unanchored_run_prints_the_head_and_says_what_it_cannot_see(tmp_path: Path) -> None:
    root = tmp_path / "store"
    _log(root, 3)
    result = peluit("audit", "verify", "--store", root)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "audit chain OK: 3 events"
    assert lines[1].startswith("head: 2:")
    assert "without an anchor" in result.stdout
    assert "--anchor" in lines[-1]


def test_a_tail_cut_to_match_a_rewritten_record_is_caught_by_the_anchor_file(
    tmp_path: Path,
) -> None:
    root, anchor = tmp_path / "store", tmp_path / "outside" / "audit-anchor.txt"
    anchor.parent.mkdir()
    log = _log(root, 4)
    first = peluit("audit", "verify", "--store", root, "--anchor-file", anchor)
    assert first.returncode == 0, first.stderr
    recorded = anchor.read_text().strip()
    assert first.stdout.splitlines()[1] == f"head: {recorded}"
    assert recorded.startswith("3:")

    for _ in range(2):
        log.append("agus", "me.read")
    grown = peluit("audit", "verify", "--store", root, "--anchor-file", anchor)
    assert grown.returncode == 0, grown.stderr
    assert f"anchor {recorded} found unchanged; events after it: 2" in grown.stdout
    assert "without an anchor" not in grown.stdout
    assert anchor.read_text().startswith("5:")  # moved on to the new head

    _cut_tail(root, keep=3, rewrite_head=True)  # consistent without the anchor
    assert peluit("audit", "verify", "--store", root).returncode == 0
    cut = peluit("audit", "verify", "--store", root, "--anchor-file", anchor)
    assert cut.returncode == 1
    assert "event 5, the anchor, is no longer in the log" in cut.stderr
    assert anchor.read_text().startswith("5:")  # a broken log never moves the anchor
    by_hand = peluit("audit", "verify", "--store", root, "--anchor", recorded)
    assert by_hand.returncode == 1


def test_the_anchor_file_may_not_live_in_the_store_it_anchors(tmp_path: Path) -> None:
    root = tmp_path / "store"
    _log(root, 1)
    result = peluit("audit", "verify", "--store", root, "--anchor-file", root / "anchor.txt")
    assert result.returncode == 2
    assert "outside the store" in result.stderr
    assert not (root / "anchor.txt").exists()
