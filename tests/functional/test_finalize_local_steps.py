"""A finalization on the local store: its writes are prepared alongside the claims (temp files
no read sees) and linked into place after them (ADR 0060). A crash at any point leaves only
whole objects, none of them before the marker, and a retry completes the case; a request
refused in the claims step leaves nothing of what it prepared."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from peluit.core import layout, staging
from peluit.core.errors import StagingClaimedError
from peluit.core.ids import case_id
from peluit.core.submission import Finalization, SubmissionService
from peluit.store.local import LocalStore
from peluit.store.port import PreparedWrite
from tests.support.factory import (
    EncryptedSegment,
    Team,
    finalization,
    make_team,
    submission_id,
)

pytestmark = pytest.mark.functional


class SimulatedCrashError(Exception):
    """The process died here: nothing after it runs, nothing is cleaned up."""


@pytest.fixture(scope="module")
def team() -> Team:
    return make_team()


@pytest.fixture(scope="module")
def segments(team: Team) -> list[EncryptedSegment]:
    return team.attachment("pengaduan", 0, os.urandom(3000))


def clock() -> datetime:
    return datetime(2025, 3, 3, 2, 30, tzinfo=UTC)


def staged(store: LocalStore, submission: str, parts: list[EncryptedSegment]) -> None:
    for part in parts:
        key = layout.staging_segment(submission, part.segment.file, part.segment.index)
        store.put_new(key, part.data)


def request(team: Team, parts: list[EncryptedSegment]) -> Finalization:
    return finalization(
        "pengaduan",
        team.report("pengaduan", {"what": "a", "area": "pengadaan"}),
        identity=team.identity_block("pengaduan", {"reporter_name": "Siti"}),
        segments=parts,
    )


def temps(root: Path) -> list[Path]:
    return list((root / "objects").rglob(".tmp-*"))


def case_keys(store: LocalStore, case: str) -> set[str]:
    return set(store.list_keys(f"cases/{case}/"))


def test_finalize_links_every_object_and_leaves_no_temp_file(
    team: Team, segments: list[EncryptedSegment], tmp_path: Path
) -> None:
    store = LocalStore(tmp_path, clock)
    submission = submission_id()
    staged(store, submission, segments)

    case = (
        SubmissionService(team.config, store, clock)
        .finalize(submission, request(team, segments))
        .case
    )

    assert case_keys(store, case) == {
        layout.case_marker(case),
        layout.case_report(case),
        layout.case_identity(case),
        layout.case_reply(case),
        layout.case_state(case),
        layout.case_segment(case, 0, 0),
    }
    staged_file = os.stat(tmp_path / "objects" / layout.staging_segment(submission, 0, 0))
    copied = os.stat(tmp_path / "objects" / layout.case_segment(case, 0, 0))
    assert copied.st_ino == staged_file.st_ino  # linked, not rewritten
    assert store.get(layout.case_segment(case, 0, 0)) == segments[0].data
    assert temps(tmp_path) == []


def crash_at(store: LocalStore, monkeypatch: pytest.MonkeyPatch, at: int) -> list[str]:
    """Make the `at`-th write to start (a claim, or a prepared write's commit) die instead,
    cleaning nothing up: prepared temp files stay, as after a real crash."""
    started: list[str] = []
    lock = threading.Lock()

    def dying(write: Callable[..., Any], name: str) -> Callable[..., Any]:
        def written(*args: Any) -> Any:
            with lock:  # the writes of one step run side by side
                started.append(name)
                if len(started) == at:
                    raise SimulatedCrashError(name)
            return write(*args)

        return written

    monkeypatch.setattr(store, "put_new", dying(store.put_new, "put_new"))
    for name in ("prepare_new", "prepare_copy"):
        prepare = getattr(store, name)

        def preparing(first: str, *rest: Any, prepare: Any = prepare) -> Any:
            prepared: PreparedWrite = prepare(first, *rest)
            return SimpleNamespace(commit=dying(prepared.commit, first), discard=lambda: None)

        monkeypatch.setattr(store, name, preparing)
    return started


# The writes of this finalization: staging claim and marker, then the segment copy, report,
# identity, lookup, reply key and index entry, then state.json.
@pytest.mark.parametrize("at", range(1, 10))
def test_a_crash_at_any_write_leaves_whole_objects_and_a_retry_completes_the_case(
    team: Team,
    segments: list[EncryptedSegment],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    at: int,
) -> None:
    store = LocalStore(tmp_path, clock)
    submission = submission_id()
    staged(store, submission, segments)
    case = case_id(submission)
    finalizing = request(team, segments)
    with monkeypatch.context() as patch:
        crash_at(store, patch, at)
        with pytest.raises(SimulatedCrashError):
            SubmissionService(team.config, store, clock).finalize(submission, finalizing)

    left = case_keys(store, case)
    assert all(".tmp-" not in key for key in store.list_keys(""))  # temp files are no keys
    if left:  # nothing of the case before its marker, and nothing marks it complete
        assert layout.case_marker(case) in left
    assert layout.case_state(case) not in left
    reference = LocalStore(tmp_path / "reference", clock)
    staged(reference, submission, segments)
    SubmissionService(team.config, reference, clock).finalize(submission, finalizing)
    for key in left:  # every object there is whole: what a complete finalization writes
        assert store.get(key) == reference.get(key), key

    receipt = SubmissionService(team.config, store, clock).finalize(submission, finalizing)

    assert receipt.case == case
    assert case_keys(store, case) == case_keys(reference, case)
    for key in case_keys(store, case) | {layout.lookup(finalizing.lookup_hash)}:
        assert store.get(key) == reference.get(key), key


def test_a_request_refused_in_the_claims_step_leaves_nothing_it_prepared(
    team: Team,
    segments: list[EncryptedSegment],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another case claims the staged uploads between this request's check and its claim."""
    store = LocalStore(tmp_path, clock)
    submission = submission_id()
    staged(store, submission, segments)
    finalizing = request(team, segments)
    monkeypatch.setattr(staging, "check_free", lambda *args: None)  # the race: checked before
    staging.claim(store, submission, "another" + "0" * 25, staging.REPORT)

    with pytest.raises(StagingClaimedError):
        SubmissionService(team.config, store, clock).finalize(submission, finalizing)

    case = case_id(submission)
    assert case_keys(store, case) <= {layout.case_marker(case)}  # a claim, as before
    assert list(store.list_keys("lookup/")) == []
    assert list(store.list_keys("index/")) == []
    assert temps(tmp_path) == []
    # nor the directories made for it: on disk they would say which channel and day a refused
    # attempt was for
    objects = tmp_path / "objects"
    assert not (objects / "lookup").exists()
    assert not (objects / "index").exists()
    assert not (objects / "cases" / case / "files").exists()
