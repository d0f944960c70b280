"""Evidence added later, against a hostile or unlucky reporter: one staging area goes into one
case only, what is staged is checked before every copy (also when a request is retried), one
manifest message describes one batch, and a lost race is an answer the client retries."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from typing import Any

import pytest

from peluit.api.errors import problem_for
from peluit.core import errors, evidence, layout, staging
from peluit.core.followup import FollowupService
from peluit.core.ids import case_id
from peluit.core.receipt import ReceiptCode
from peluit.core.submission import Segment, SubmissionService
from peluit.store.errors import ObjectNotFoundError
from peluit.store.port import ObjectInfo
from tests.support.factory import (
    EncryptedSegment,
    Team,
    finalization,
    make_team,
    submission_id,
)
from tests.support.fakes import (
    ExpiresBeforeCopy,
    FixedClock,
    MemoryStore,
    before_first_write,
    ticket_terms,
)

pytestmark = pytest.mark.unit

KiB = 1024
SEGMENT_KEY = re.compile(r"staging/[0-9a-f]{32}/[0-9]{2}/[0-9]{5}\.age")


@pytest.fixture(scope="module")
def team() -> Team:
    return make_team()


@dataclass
class World:
    team: Team
    store: MemoryStore
    submissions: SubmissionService
    followup: FollowupService

    def file(self, attachment: list[EncryptedSegment] | None = None) -> tuple[bytes, str]:
        """A case filed with a receipt code: its lookup token and case id."""
        code = ReceiptCode.generate()
        submission = submission_id()
        parts = attachment or []
        self.stage(submission, parts)
        request = finalization(
            "pengaduan",
            self.team.report("pengaduan"),
            segments=parts,
            lookup_hash=code.lookup_hash(),
            reply=code.reply_identity().recipient().encode(),
        )
        self.submissions.finalize(submission, request)
        return code.lookup_token(), case_id(submission)

    def stage(self, upload: str, parts: list[EncryptedSegment]) -> list[Segment]:
        if parts:
            tickets = self.submissions.plan_uploads(upload, "pengaduan", [p.segment for p in parts])
            for part, ticket in zip(parts, tickets, strict=True):
                self.store.upload(ticket.url, part.data)
        return [p.segment for p in parts]

    def files_of(self, case: str) -> list[str]:
        return self.store.keys(f"cases/{case}/files/")


@pytest.fixture
def world(team: Team) -> World:
    clock = FixedClock()
    store = MemoryStore(clock)
    return World(
        team,
        store,
        SubmissionService(team.config, store, clock),
        FollowupService(team.config, store, clock, floor=0),
    )


@pytest.fixture(scope="module")
def photo(team: Team) -> list[EncryptedSegment]:
    return team.attachment("pengaduan", 0, os.urandom(70 * KiB))  # two segments


# -- one staging area, one case ------------------------------------------------------------------


def test_an_upload_goes_into_one_case_only(world: World, photo: list[EncryptedSegment]) -> None:
    token_a, case_a = world.file()
    token_b, case_b = world.file()
    upload = submission_id()
    segments = world.stage(upload, photo)
    manifest = world.team.report("pengaduan")
    added = world.followup.add_evidence(token_a, upload, manifest, segments)

    with pytest.raises(errors.StagingClaimedError):
        world.followup.add_evidence(token_b, upload, world.team.report("pengaduan"), segments)
    assert world.files_of(case_b) == []
    assert len(world.files_of(case_a)) == 2
    # the case that holds it may still retry
    assert world.followup.add_evidence(token_a, upload, manifest, segments) == added


def test_the_claim_names_the_case_by_a_hash_only(
    world: World, photo: list[EncryptedSegment]
) -> None:
    token, case = world.file()
    upload = submission_id()
    world.followup.add_evidence(
        token, upload, world.team.report("pengaduan"), world.stage(upload, photo)
    )
    stored = world.store.objects[layout.staging_claim(upload)]
    claim = json.loads(stored)
    assert claim.keys() == {"version", "use", "case"}
    assert claim["use"] == "evidence"
    assert re.fullmatch(r"[0-9a-f]{64}", claim["case"])
    assert case.encode() not in stored
    assert token.hex().encode() not in stored
    assert stored == staging.claim_bytes(case, "evidence")


def test_a_reports_staging_area_cannot_be_added_as_evidence(
    world: World, photo: list[EncryptedSegment]
) -> None:
    code = ReceiptCode.generate()
    submission = submission_id()
    world.stage(submission, photo)
    request = finalization(
        "pengaduan",
        world.team.report("pengaduan"),
        segments=photo,
        lookup_hash=code.lookup_hash(),
        reply=code.reply_identity().recipient().encode(),
    )
    world.submissions.finalize(submission, request)
    other_token, _ = world.file()
    segments = [p.segment for p in photo]

    before = world.store.snapshot()
    for token in (other_token, code.lookup_token()):  # another case, and its own case again
        with pytest.raises(errors.StagingClaimedError):
            world.followup.add_evidence(token, submission, world.team.report("pengaduan"), segments)
    assert world.store.objects == before
    # the report's own retries still succeed
    assert world.submissions.finalize(submission, request).case == case_id(submission)


def test_a_staging_area_added_as_evidence_cannot_be_finalized_as_a_report(
    world: World, photo: list[EncryptedSegment]
) -> None:
    token, _ = world.file()
    upload = submission_id()
    world.followup.add_evidence(
        token, upload, world.team.report("pengaduan"), world.stage(upload, photo)
    )
    before = world.store.snapshot()
    with pytest.raises(errors.StagingClaimedError):
        world.submissions.finalize(
            upload, finalization("pengaduan", world.team.report("pengaduan"), segments=photo)
        )
    assert world.store.objects == before


def test_a_browser_is_never_given_a_url_for_the_claim(
    world: World, photo: list[EncryptedSegment]
) -> None:
    upload = submission_id()
    tickets = world.submissions.plan_uploads(upload, "pengaduan", [p.segment for p in photo])
    keys = [ticket_terms(t.url)[0] for t in tickets]
    assert all(SEGMENT_KEY.fullmatch(k) for k in keys)
    assert not SEGMENT_KEY.fullmatch(layout.staging_claim(upload))


def test_staging_claimed_is_a_stable_409() -> None:
    problem = problem_for(errors.StagingClaimedError("x"))
    assert problem is not None
    assert (problem.status, problem.code) == (409, "staging_claimed")


# -- checked before every copy -------------------------------------------------------------------


class FailFirstCopy:
    """Passes everything to the store, but the first copy fails (the function timed out)."""

    def __init__(self, inner: MemoryStore) -> None:
        self.inner = inner
        self.failed = False

    def copy_new(self, source: str, dest: str) -> ObjectInfo:
        if not self.failed:
            self.failed = True
            raise TimeoutError("the function ran out of time")
        return self.inner.copy_new(source, dest)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_a_retry_checks_again_what_is_staged(
    world: World, team: Team, photo: list[EncryptedSegment]
) -> None:
    token, case = world.file()
    upload = submission_id()
    segments = world.stage(upload, photo)
    manifest = team.report("pengaduan")
    failing = FailFirstCopy(world.store)
    with pytest.raises(TimeoutError):
        FollowupService(team.config, failing, FixedClock(), floor=0).add_evidence(
            token, upload, manifest, segments
        )
    # staging expired, and other bytes of the same size were staged under the same id
    for key in world.store.keys(f"staging/{upload}/"):
        if key.endswith(".age"):
            data = world.store.objects.pop(key)
            world.store.put_new(key, data[:-1] + bytes([data[-1] ^ 1]))
    with pytest.raises(errors.SegmentMismatchError):
        world.followup.add_evidence(token, upload, manifest, segments)
    assert world.files_of(case) == []


def test_staging_that_expires_during_the_copy_is_segment_missing(
    world: World, team: Team, photo: list[EncryptedSegment]
) -> None:
    token, _ = world.file()
    upload = submission_id()
    segments = world.stage(upload, photo)
    service = FollowupService(team.config, ExpiresBeforeCopy(world.store), FixedClock(), floor=0)
    with pytest.raises(errors.SegmentMissingError):
        service.add_evidence(token, upload, team.report("pengaduan"), segments)


class ExpiresWhileChecked:
    """Staging expires between the HEAD and the checksum of a check."""

    def __init__(self, inner: MemoryStore) -> None:
        self.inner = inner

    def sha256(self, key: str) -> bytes:
        if key.startswith("staging/"):
            raise ObjectNotFoundError(key)
        return self.inner.sha256(key)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_staging_that_expires_during_the_check_is_segment_missing(
    world: World, team: Team, photo: list[EncryptedSegment]
) -> None:
    token, _ = world.file()
    upload = submission_id()
    segments = world.stage(upload, photo)
    service = FollowupService(team.config, ExpiresWhileChecked(world.store), FixedClock(), floor=0)
    with pytest.raises(errors.SegmentMissingError):
        service.add_evidence(token, upload, team.report("pengaduan"), segments)


# -- one manifest, one batch ---------------------------------------------------------------------


def test_a_manifest_that_describes_a_batch_cannot_describe_another(
    world: World, team: Team, photo: list[EncryptedSegment]
) -> None:
    token, case = world.file()
    first, second = submission_id(), submission_id()
    manifest = team.report("pengaduan")
    world.followup.add_evidence(token, first, manifest, world.stage(first, photo))
    junk = world.stage(second, team.attachment("pengaduan", 0, b"sampah"))
    with pytest.raises(errors.ManifestInUseError):
        world.followup.add_evidence(token, second, manifest, junk)
    assert [a.upload for a in evidence.additions(world.store, case)] == [first]
    assert len(world.files_of(case)) == 2


def test_of_two_batches_racing_with_one_manifest_only_one_gets_files(
    world: World, team: Team, photo: list[EncryptedSegment]
) -> None:
    token, case = world.file()
    first, second = submission_id(), submission_id()
    manifest = team.report("pengaduan")
    a = world.stage(first, photo)
    b = world.stage(second, team.attachment("pengaduan", 0, b"sampah"))
    # the other batch claims file 0 just before this one
    raced = before_first_write(
        world.store,
        f"cases/{case}/additions/00.json",
        lambda: world.followup.add_evidence(token, second, manifest, b),
    )
    with pytest.raises(errors.ManifestInUseError):
        world.followup.add_evidence(token, first, manifest, a)
    assert raced
    assert [a.upload for a in evidence.additions(world.store, case)] == [second]


def test_manifest_in_use_is_a_stable_409() -> None:
    problem = problem_for(errors.ManifestInUseError("x"))
    assert problem is not None
    assert (problem.status, problem.code) == (409, "manifest_in_use")


# -- a lost race is retryable --------------------------------------------------------------------


class AlwaysBeaten:
    """Every claim of file numbers finds that another batch took them a moment earlier."""

    def __init__(self, inner: MemoryStore) -> None:
        self.inner = inner

    def put_new(self, key: str, data: bytes) -> ObjectInfo:
        if "/additions/" in key:
            other = evidence.Addition.parse(data)
            self.inner.put_new(
                key,
                evidence.Addition(
                    other.first, 1, submission_id(), "0" * 64, "thread/99999-pelapor.age"
                ).to_bytes(),
            )
        return self.inner.put_new(key, data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_losing_the_race_for_file_numbers_too_often_is_busy_not_full(
    world: World, team: Team
) -> None:
    token, case = world.file()
    upload = submission_id()
    segments = world.stage(upload, team.attachment("pengaduan", 0, b"foto"))
    service = FollowupService(team.config, AlwaysBeaten(world.store), FixedClock(), floor=0)
    with pytest.raises(errors.AdditionsBusyError):
        service.add_evidence(token, upload, team.report("pengaduan"), segments)
    assert len(evidence.additions(world.store, case)) == evidence.CLAIM_ATTEMPTS
    problem = problem_for(errors.AdditionsBusyError("x"))
    assert problem is not None
    assert (problem.status, problem.code) == (503, "additions_busy")  # js/src/api.js retries 5xx
