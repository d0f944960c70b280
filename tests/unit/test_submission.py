"""The submission service: planning uploads, finalizing into a case, and refusing anything
that is not exactly ciphertext for the channel, without changing a single stored byte."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest

from peluit import age
from peluit.api.errors import problem_for
from peluit.core import errors, layout, padding
from peluit.core.ids import case_id
from peluit.core.submission import Finalization, Segment, SubmissionService
from peluit.store.errors import UploadRejectedError
from tests.support.factory import (
    EncryptedSegment,
    Team,
    finalization,
    make_team,
    reply_recipient,
    submission_id,
)
from tests.support.fakes import (
    CrashingStore,
    ExpiresBeforeCopy,
    FixedClock,
    MemoryStore,
    SimulatedCrashError,
    ticket_terms,
)

pytestmark = pytest.mark.unit

KiB = 1024
# 20:00 UTC on 2 March is 03:00 on 3 March in Jakarta: the case is received on the 3rd.
EVENING_UTC = datetime(2025, 3, 2, 20, 0, tzinfo=UTC)
RECEIVED = date(2025, 3, 3)
REFERENCE = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}")


@pytest.fixture(scope="module")
def team() -> Team:
    return make_team()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(EVENING_UTC)


@pytest.fixture
def store(clock: FixedClock) -> MemoryStore:
    return MemoryStore(clock)


@pytest.fixture
def service(team: Team, store: MemoryStore, clock: FixedClock) -> SubmissionService:
    return SubmissionService(team.config, store, clock)


@dataclasses.dataclass(frozen=True)
class Upload:
    """A finished browser upload: the submission id and what it staged."""

    submission: str
    segments: list[EncryptedSegment]


def stage(
    service: SubmissionService, store: MemoryStore, submission: str, parts: list[EncryptedSegment]
) -> None:
    """Plan, then PUT every segment through its ticket, as the browser does."""
    if not parts:
        return
    tickets = service.plan_uploads(submission, "pengaduan", [p.segment for p in parts])
    for part, ticket in zip(parts, tickets, strict=True):
        store.upload(ticket.url, part.data)


@pytest.fixture(scope="module")
def two_files(team: Team) -> list[EncryptedSegment]:
    """Two attachments of two segments each (64 KiB segments), encrypted once per module."""
    first = os.urandom(64 * KiB + 100)
    second = os.urandom(2 * 64 * KiB)
    return team.attachment("pengaduan", 0, first) + team.attachment("pengaduan", 1, second)


@pytest.fixture
def uploaded(
    service: SubmissionService, store: MemoryStore, two_files: list[EncryptedSegment]
) -> Upload:
    upload = Upload(submission_id(), two_files)
    stage(service, store, upload.submission, two_files)
    return upload


class Unchanged:
    """`with Unchanged(store, Error):` - the block must raise `Error` and write nothing."""

    def __init__(self, store: MemoryStore, error: type[Exception]) -> None:
        self.store = store
        self.error = error
        self.before: dict[str, bytes] = {}
        self.tickets_before = 0

    def __enter__(self) -> Unchanged:
        self.before = self.store.snapshot()
        self.tickets_before = len(self.store.tickets)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: object
    ) -> bool:
        assert kind is not None, f"expected {self.error.__name__}, nothing was raised"
        assert issubclass(kind, self.error), (
            f"expected {self.error.__name__}, got {kind.__name__}: {exc}"
        )
        assert self.store.objects == self.before, "a refused submission changed the store"
        assert len(self.store.tickets) == self.tickets_before, "a refused plan issued tickets"
        return True


def segment(file: int = 0, index: int = 0, plaintext: int = 1000, recipients: int = 3) -> Segment:
    size = age.hybrid_file_size(recipients, plaintext)
    return Segment(file, index, size, hashlib.sha256(str((file, index)).encode()).digest())


# -- planning ----------------------------------------------------------------------------


def test_plan_gives_one_staging_ticket_per_segment_bound_to_size_and_hash(
    service: SubmissionService, two_files: list[EncryptedSegment]
) -> None:
    submission = submission_id()
    tickets = service.plan_uploads(submission, "pengaduan", [p.segment for p in two_files])
    assert len(tickets) == len(two_files) == 4
    for part, ticket in zip(two_files, tickets, strict=True):
        key, size, sha256 = ticket_terms(ticket.url)
        assert key == layout.staging_segment(submission, part.segment.file, part.segment.index)
        assert key.startswith(f"staging/{submission}/")
        assert (size, sha256) == (part.segment.size, part.segment.sha256)
        assert ticket.method == "PUT"


def test_planned_tickets_accept_only_the_declared_bytes(
    service: SubmissionService, store: MemoryStore, two_files: list[EncryptedSegment]
) -> None:
    part = two_files[0]
    (ticket,) = service.plan_uploads(submission_id(), "pengaduan", [part.segment])
    tampered = bytes([part.data[0] ^ 1]) + part.data[1:]
    with pytest.raises(UploadRejectedError):
        store.upload(ticket.url, tampered)
    with pytest.raises(UploadRejectedError):
        store.upload(ticket.url, part.data + b"x")
    store.upload(ticket.url, part.data)


def test_plan_accepts_a_full_size_last_segment(service: SubmissionService) -> None:
    tickets = service.plan_uploads(
        submission_id(), "pengaduan", [segment(0, 3, plaintext=64 * KiB)]
    )
    assert len(tickets) == 1


def test_plan_checks_sizes_against_the_channels_own_recipient_count(
    service: SubmissionService,
) -> None:
    one_recipient = segment(plaintext=10, recipients=1)
    assert len(service.plan_uploads(submission_id(), "pelayanan", [one_recipient])) == 1
    with pytest.raises(errors.InvalidUploadPlanError):
        service.plan_uploads(submission_id(), "pengaduan", [one_recipient])


@pytest.mark.parametrize(
    ("submission", "channel", "segments", "error"),
    [
        pytest.param("0" * 32, "zakat", [segment()], errors.UnknownChannelError, id="channel"),
        pytest.param("0" * 31, "pengaduan", [segment()], errors.InvalidUploadPlanError, id="id-31"),
        pytest.param("A" * 32, "pengaduan", [segment()], errors.InvalidUploadPlanError, id="id-uc"),
        pytest.param("0" * 32, "pengaduan", [], errors.InvalidUploadPlanError, id="no-segments"),
        pytest.param(
            "0" * 32, "pengaduan", [segment(file=3)], errors.LimitExceededError, id="4th-file"
        ),
        pytest.param(
            "0" * 32, "pengaduan", [segment(file=-1)], errors.LimitExceededError, id="file-neg"
        ),
        pytest.param(
            "0" * 32,
            "pengaduan",
            [segment(index=4)],  # 256 KiB per file = 4 segments of 64 KiB: 0..3
            errors.LimitExceededError,
            id="segment-beyond-file-limit",
        ),
        pytest.param(
            "0" * 32,
            "pengaduan",
            [segment(plaintext=100, recipients=1)],  # shorter than a 3-recipient header
            errors.InvalidUploadPlanError,
            id="size-below-header",
        ),
        pytest.param(
            "0" * 32,
            "pengaduan",
            [dataclasses.replace(segment(plaintext=0), size=age.hybrid_file_size(3, 0) - 1)],
            errors.InvalidUploadPlanError,
            id="size-below-one-tag",
        ),
        pytest.param(
            "0" * 32,
            "pengaduan",
            # a full chunk and its tag, then a lone 16-byte tag: age never writes that
            [
                dataclasses.replace(
                    segment(plaintext=64 * KiB), size=age.hybrid_file_size(3, 64 * KiB) + 16
                )
            ],
            errors.InvalidUploadPlanError,
            id="size-empty-last-chunk",
        ),
        pytest.param(
            "0" * 32,
            "pengaduan",
            [segment(plaintext=64 * KiB + 1)],
            errors.LimitExceededError,
            id="oversized-segment",
        ),
        pytest.param(
            "0" * 32,
            "pengaduan",
            [dataclasses.replace(segment(), sha256=b"\x00" * 31)],
            errors.InvalidUploadPlanError,
            id="short-hash",
        ),
        pytest.param(
            "0" * 32,
            "pengaduan",
            [segment(f, i, plaintext=64 * KiB) for f in range(3) for i in range(3)],  # 576 KiB
            errors.LimitExceededError,
            id="total-over-limit",
        ),
    ],
)
def test_plan_refuses_and_issues_nothing(
    service: SubmissionService,
    store: MemoryStore,
    submission: str,
    channel: str,
    segments: list[Segment],
    error: type[errors.SubmissionError],
) -> None:
    with Unchanged(store, error):
        service.plan_uploads(submission, channel, segments)


# -- finalizing: the happy path ----------------------------------------------------------


@pytest.fixture
def complete(
    team: Team, service: SubmissionService, uploaded: Upload
) -> tuple[Upload, Finalization, bytes]:
    """A finalization with a report, an identity block and the two staged files."""
    answers = {"what": "Mark-up harga pengadaan laptop.", "area": "pengadaan"}
    request = finalization(
        "pengaduan",
        team.report("pengaduan", answers),
        identity=team.identity_block("pengaduan", {"reporter_name": "Siti Aminah"}),
        segments=uploaded.segments,
    )
    return uploaded, request, json.dumps(answers).encode()


def test_finalize_stores_every_object_at_its_layout_key(
    service: SubmissionService, store: MemoryStore, complete: tuple[Upload, Finalization, bytes]
) -> None:
    upload, request, _ = complete
    receipt = service.finalize(upload.submission, request)

    case = case_id(upload.submission)
    assert receipt.case == case
    expected = {
        layout.case_marker(case),
        layout.case_report(case),
        layout.case_identity(case),
        layout.case_reply(case),
        layout.case_state(case),
        *(layout.case_segment(case, p.segment.file, p.segment.index) for p in upload.segments),
    }
    assert set(store.keys(layout.case_prefix(case))) == expected
    assert store.objects[layout.case_report(case)] == request.report
    assert store.objects[layout.case_identity(case)] == request.identity
    for part in upload.segments:
        key = layout.case_segment(case, part.segment.file, part.segment.index)
        assert store.objects[key] == part.data
    assert f"cases/{case}/files/01/00001.age" in store.objects  # docs/format.md's layout


def test_finalize_leaves_the_reply_key_and_an_index_entry_for_the_review_team(
    service: SubmissionService, store: MemoryStore, complete: tuple[Upload, Finalization, bytes]
) -> None:
    upload, request, _ = complete
    receipt = service.finalize(upload.submission, request)

    reply = json.loads(store.objects[layout.case_reply(receipt.case)])
    assert reply == {"version": 1, "reply_recipient": request.reply_recipient}
    assert request.lookup_hash.hex() not in store.objects[layout.case_reply(receipt.case)].decode()
    index = layout.case_index("pengaduan", receipt.acknowledged_on.isoformat(), receipt.case)
    assert store.keys("index/") == [index]
    assert store.objects[index] == b""


def test_a_retry_on_a_later_day_keeps_one_index_entry_on_the_first_day(
    service: SubmissionService,
    store: MemoryStore,
    clock: FixedClock,
    complete: tuple[Upload, Finalization, bytes],
) -> None:
    upload, request, _ = complete
    first = service.finalize(upload.submission, request)
    clock.advance(timedelta(days=2))
    again = service.finalize(upload.submission, request)

    assert again == first
    assert len(store.keys("index/")) == 1


def test_finalize_writes_a_dated_state_without_times(
    service: SubmissionService, store: MemoryStore, complete: tuple[Upload, Finalization, bytes]
) -> None:
    upload, request, _ = complete
    receipt = service.finalize(upload.submission, request)
    raw = store.objects[layout.case_state(receipt.case)].decode()
    state = json.loads(raw)
    assert state == {
        "version": 1,
        "channel": "pengaduan",
        "status": "diterima",
        "received": "2025-03-03",
        "files": 2,
        "identity": True,
        "tags": [],
        "history": [{"status": "diterima", "on": "2025-03-03"}],
        "thread_index": True,  # each message will have its thread index marker (ADR 0056)
    }
    assert not re.search(r"\d:\d|T\d", raw), "state.json must hold dates, never times"
    assert receipt.acknowledged_on == RECEIVED  # the Jakarta date, not the UTC one


def test_finalize_writes_the_lookup_entry_with_the_reply_recipient(
    service: SubmissionService, store: MemoryStore, complete: tuple[Upload, Finalization, bytes]
) -> None:
    upload, request, _ = complete
    receipt = service.finalize(upload.submission, request)
    entry = json.loads(store.objects[layout.lookup(request.lookup_hash)])
    assert entry == {"version": 1, "case": receipt.case, "reply_recipient": request.reply_recipient}
    assert layout.lookup(request.lookup_hash) == f"lookup/{request.lookup_hash.hex()}.json"


def test_receipt_reference_is_the_case_in_four_groups_of_four(
    service: SubmissionService, complete: tuple[Upload, Finalization, bytes]
) -> None:
    upload, request, _ = complete
    receipt = service.finalize(upload.submission, request)
    assert REFERENCE.fullmatch(receipt.reference)
    assert receipt.reference.replace("-", "").lower() == receipt.case


def test_report_opens_for_every_reviewer_and_oversight(
    team: Team,
    service: SubmissionService,
    store: MemoryStore,
    complete: tuple[Upload, Finalization, bytes],
) -> None:
    upload, request, answers = complete
    case = service.finalize(upload.submission, request).case
    stored = store.objects[layout.case_report(case)]
    for reader in ("rina", "agus", "kpk-liaison"):
        assert age.decrypt(stored, [team.identity(reader)]) == answers
    with pytest.raises(age.NoMatchError):
        age.decrypt(stored, [team.identity("dewi")])  # gratifikasi only


def test_identity_block_opens_only_for_the_custodian(
    team: Team,
    service: SubmissionService,
    store: MemoryStore,
    complete: tuple[Upload, Finalization, bytes],
) -> None:
    upload, request, _ = complete
    case = service.finalize(upload.submission, request).case
    stored = store.objects[layout.case_identity(case)]
    opened = json.loads(padding.unpad(age.decrypt(stored, [team.identity("agus")])))
    assert opened["fields"] == {"reporter_name": "Siti Aminah"}
    for outsider in ("rina", "kpk-liaison"):  # a reviewer and the oversight
        with pytest.raises(age.NoMatchError):
            age.decrypt(stored, [team.identity(outsider)])


def test_attachments_reassemble_from_their_segments(
    team: Team,
    service: SubmissionService,
    store: MemoryStore,
    complete: tuple[Upload, Finalization, bytes],
) -> None:
    upload, request, _ = complete
    case = service.finalize(upload.submission, request).case
    reviewer = [team.identity("rina")]
    for file, size in ((0, 64 * KiB + 100), (1, 2 * 64 * KiB)):
        keys = store.keys(f"{layout.case_prefix(case)}files/{file:02d}/")
        assert len(keys) == 2
        plain = b"".join(age.decrypt(store.objects[k], reviewer) for k in keys)
        assert len(plain) == size


def test_finalize_without_attachments_or_identity(
    team: Team, service: SubmissionService, store: MemoryStore
) -> None:
    submission = submission_id()
    receipt = service.finalize(submission, finalization("pengaduan", team.report("pengaduan")))
    state = json.loads(store.objects[layout.case_state(receipt.case)])
    assert (state["files"], state["identity"]) == (0, False)
    assert layout.case_identity(receipt.case) not in store.objects


def test_gratifikasi_finalizes_with_its_required_identity(
    team: Team, service: SubmissionService, store: MemoryStore
) -> None:
    request = finalization(
        "gratifikasi",
        team.report("gratifikasi", {"giver": "PT Contoh"}),
        identity=team.identity_block("gratifikasi"),
    )
    receipt = service.finalize(submission_id(), request)
    stored = store.objects[layout.case_identity(receipt.case)]
    age.decrypt(stored, [team.identity("dewi")])
    with pytest.raises(age.NoMatchError):
        age.decrypt(stored, [team.identity("kpk-liaison")])


# -- finalizing again -----------------------------------------------------------------------


def test_finalizing_twice_gives_the_same_case_and_writes_nothing_new(
    service: SubmissionService,
    store: MemoryStore,
    clock: FixedClock,
    complete: tuple[Upload, Finalization, bytes],
) -> None:
    upload, request, _ = complete
    first = service.finalize(upload.submission, request)
    after_first = store.snapshot()
    clock.advance(timedelta(days=2))
    second = service.finalize(upload.submission, request)
    assert second == first  # same case, and still the day it was first received
    assert store.objects == after_first


def test_same_submission_with_another_report_conflicts_and_changes_nothing(
    team: Team,
    service: SubmissionService,
    store: MemoryStore,
    complete: tuple[Upload, Finalization, bytes],
) -> None:
    upload, request, _ = complete
    service.finalize(upload.submission, request)
    other = dataclasses.replace(request, report=team.report("pengaduan", {"what": "lain"}))
    with Unchanged(store, errors.SubmissionConflictError):
        service.finalize(upload.submission, other)


def test_same_submission_with_another_reply_key_conflicts(
    service: SubmissionService,
    store: MemoryStore,
    complete: tuple[Upload, Finalization, bytes],
) -> None:
    upload, request, _ = complete
    service.finalize(upload.submission, request)
    other = dataclasses.replace(request, reply_recipient=reply_recipient())
    with Unchanged(store, errors.SubmissionConflictError):
        service.finalize(upload.submission, other)


def test_two_submissions_never_share_a_case(team: Team, service: SubmissionService) -> None:
    report = team.report("pengaduan")
    a = service.finalize(submission_id(), finalization("pengaduan", report))
    b = service.finalize(submission_id(), finalization("pengaduan", report))
    assert a.case != b.case


def test_reused_lookup_hash_is_refused_without_writing(
    team: Team, service: SubmissionService, store: MemoryStore
) -> None:
    first = finalization("pengaduan", team.report("pengaduan"))
    service.finalize(submission_id(), first)
    second = finalization("pengaduan", team.report("pengaduan"), lookup_hash=first.lookup_hash)
    with Unchanged(store, errors.SubmissionError):
        service.finalize(submission_id(), second)


# -- finalizing: refusals, each leaving the store as it was ------------------------------------


def test_missing_segment_is_refused(
    team: Team, service: SubmissionService, store: MemoryStore, two_files: list[EncryptedSegment]
) -> None:
    submission = submission_id()
    stage(service, store, submission, two_files[:3])  # the last segment never arrived
    request = finalization("pengaduan", team.report("pengaduan"), segments=two_files)
    with Unchanged(store, errors.SegmentMissingError):
        service.finalize(submission, request)


def test_segment_with_another_hash_is_refused(
    team: Team, service: SubmissionService, store: MemoryStore, two_files: list[EncryptedSegment]
) -> None:
    submission = submission_id()
    stage(service, store, submission, two_files[1:])
    # the same size, other bytes: what a store without checksum enforcement might hold
    first = two_files[0]
    store.put_new(layout.staging_segment(submission, 0, 0), first.data[:-1] + b"\x00")
    request = finalization("pengaduan", team.report("pengaduan"), segments=two_files)
    with Unchanged(store, errors.SegmentMismatchError):
        service.finalize(submission, request)


def test_segment_with_another_size_is_refused(
    team: Team, service: SubmissionService, store: MemoryStore, two_files: list[EncryptedSegment]
) -> None:
    submission = submission_id()
    stage(service, store, submission, two_files)
    short = dataclasses.replace(two_files[1].segment, size=two_files[1].segment.size - 1)
    declared = [two_files[0], EncryptedSegment(short, two_files[1].data), *two_files[2:]]
    request = finalization("pengaduan", team.report("pengaduan"), segments=declared)
    with Unchanged(store, errors.SegmentMismatchError):
        service.finalize(submission, request)


def put_staged(store: MemoryStore, submission: str, data: bytes) -> EncryptedSegment:
    store.put_new(layout.staging_segment(submission, 0, 0), data)
    return EncryptedSegment(Segment(0, 0, len(data), hashlib.sha256(data).digest()), data)


def test_staged_segment_that_is_not_age_is_refused(
    team: Team, service: SubmissionService, store: MemoryStore
) -> None:
    submission = submission_id()
    noise = os.urandom(age.hybrid_file_size(3, 5000))  # a plausible size, no age header
    part = put_staged(store, submission, noise)
    request = finalization("pengaduan", team.report("pengaduan"), segments=[part])
    with Unchanged(store, errors.NotCiphertextError):
        service.finalize(submission, request)


def test_staged_segment_for_other_recipients_is_refused(
    team: Team, service: SubmissionService, store: MemoryStore
) -> None:
    submission = submission_id()
    data = age.encrypt(os.urandom(20_000), team.report_recipients("gratifikasi"))
    part = put_staged(store, submission, data)
    request = finalization("pengaduan", team.report("pengaduan"), segments=[part])
    with Unchanged(store, errors.WrongRecipientsError):
        service.finalize(submission, request)


def x25519_file(count: int, plaintext: bytes = b"{}") -> bytes:
    recipients = [age.X25519Identity.generate().recipient() for _ in range(count)]
    return age.encrypt(plaintext, recipients)


@pytest.mark.parametrize(
    ("make_report", "error"),
    [
        pytest.param(
            lambda t: t.report("gratifikasi"), errors.WrongRecipientsError, id="2-of-3-recipients"
        ),
        pytest.param(
            lambda t: age.encrypt(
                b"{}", [*t.report_recipients("pengaduan"), *t.report_recipients("pelayanan")]
            ),
            errors.WrongRecipientsError,
            id="4-recipients",
        ),
        pytest.param(lambda t: x25519_file(1), errors.WrongRecipientsError, id="x25519"),
        pytest.param(lambda t: x25519_file(3), errors.WrongRecipientsError, id="3-x25519"),
        pytest.param(
            lambda t: age.armor(t.report("pengaduan")), errors.NotCiphertextError, id="armored"
        ),
        pytest.param(lambda t: b'{"what": "plain text"}', errors.NotCiphertextError, id="json"),
        pytest.param(lambda t: b"", errors.NotCiphertextError, id="empty"),
        pytest.param(lambda t: os.urandom(6000), errors.NotCiphertextError, id="random"),
        pytest.param(
            lambda t: t.report("pengaduan")[:2000], errors.NotCiphertextError, id="cut-in-header"
        ),
        pytest.param(
            lambda t: t.report("pengaduan")[: age.hybrid_header_size(3) + 16 + 15],
            errors.NotCiphertextError,
            id="cut-before-first-tag",
        ),
        pytest.param(
            lambda t: t.report("pengaduan", {"x": "y" * 70_000}),
            errors.LimitExceededError,
            id="over-report-limit",
        ),
    ],
)
def test_report_that_is_not_ciphertext_for_the_channel_is_refused(
    team: Team,
    service: SubmissionService,
    store: MemoryStore,
    make_report: Callable[[Team], bytes],
    error: type[errors.SubmissionError],
) -> None:
    request = finalization("pengaduan", make_report(team))
    with Unchanged(store, error):
        service.finalize(submission_id(), request)


def test_identity_block_on_a_channel_that_takes_none_is_refused(
    team: Team, service: SubmissionService, store: MemoryStore
) -> None:
    identity = age.encrypt(b"{}", team.report_recipients("pelayanan"))
    request = finalization("pelayanan", team.report("pelayanan"), identity=identity)
    with Unchanged(store, errors.IdentityBlockError):
        service.finalize(submission_id(), request)


def test_missing_identity_block_where_required_is_refused(
    team: Team, service: SubmissionService, store: MemoryStore
) -> None:
    request = finalization("gratifikasi", team.report("gratifikasi"))
    with Unchanged(store, errors.IdentityBlockError):
        service.finalize(submission_id(), request)


def test_identity_block_for_the_report_readers_is_refused(
    team: Team, service: SubmissionService, store: MemoryStore
) -> None:
    """Encrypted to reviewers and oversight (3), not to the one custodian: it would leak."""
    request = finalization("pengaduan", team.report("pengaduan"), identity=team.report("pengaduan"))
    with Unchanged(store, errors.WrongRecipientsError):
        service.finalize(submission_id(), request)


def test_identity_block_that_is_not_age_is_refused(
    team: Team, service: SubmissionService, store: MemoryStore
) -> None:
    request = finalization("pengaduan", team.report("pengaduan"), identity=b'{"nik": "1"}')
    with Unchanged(store, errors.NotCiphertextError):
        service.finalize(submission_id(), request)


@pytest.mark.parametrize(
    "reply",
    [
        pytest.param(age.X25519Identity.generate().recipient().encode(), id="classic-x25519"),
        pytest.param("age1pq1qqqq", id="truncated"),
        pytest.param("", id="empty"),
        pytest.param(age.HybridIdentity.generate().encode(), id="secret-key"),
    ],
)
def test_reply_key_that_is_not_a_pq_recipient_is_refused(
    team: Team, service: SubmissionService, store: MemoryStore, reply: str
) -> None:
    request = finalization("pengaduan", team.report("pengaduan"), reply=reply)
    with Unchanged(store, errors.InvalidReplyKeyError):
        service.finalize(submission_id(), request)


def test_lookup_hash_of_the_wrong_length_is_refused(
    team: Team, service: SubmissionService, store: MemoryStore
) -> None:
    request = finalization("pengaduan", team.report("pengaduan"), lookup_hash=b"\x01" * 31)
    with Unchanged(store, errors.InvalidUploadPlanError):
        service.finalize(submission_id(), request)


def renumbered(parts: list[EncryptedSegment], file: int, index: int) -> EncryptedSegment:
    part = parts[0]
    return EncryptedSegment(dataclasses.replace(part.segment, file=file, index=index), part.data)


@pytest.mark.parametrize(
    "numbers",
    [
        pytest.param([(0, 0), (2, 0)], id="file-gap"),
        pytest.param([(1, 0)], id="no-file-0"),
        pytest.param([(0, 0), (0, 2)], id="segment-gap"),
        pytest.param([(0, 1)], id="no-segment-0"),
        pytest.param([(0, 0), (0, 0)], id="duplicate"),
    ],
)
def test_files_or_segments_numbered_with_gaps_are_refused(
    team: Team,
    service: SubmissionService,
    store: MemoryStore,
    two_files: list[EncryptedSegment],
    numbers: list[tuple[int, int]],
) -> None:
    submission = submission_id()
    parts = [renumbered(two_files, f, i) for f, i in numbers]
    for part in parts:  # staged, so only the numbering is wrong
        key = layout.staging_segment(submission, part.segment.file, part.segment.index)
        if key not in store.objects:
            store.put_new(key, part.data)
    request = finalization("pengaduan", team.report("pengaduan"), segments=parts)
    with Unchanged(store, errors.InvalidUploadPlanError):
        service.finalize(submission, request)


def encrypted_segment(team: Team, file: int, index: int, plaintext: bytes) -> EncryptedSegment:
    data = age.encrypt(plaintext, team.report_recipients("pengaduan"))
    return EncryptedSegment(Segment(file, index, len(data), hashlib.sha256(data).digest()), data)


@pytest.mark.parametrize(
    "sizes",
    [
        pytest.param([1, 1], id="short-first-of-two"),
        pytest.param([64 * KiB, 10, 64 * KiB], id="short-middle"),
        pytest.param([0, 0], id="empty-first-of-two"),
        pytest.param([64 * KiB, 0], id="empty-last-after-a-full-one"),
    ],
)
def test_files_cut_into_other_than_full_segments_are_refused(
    team: Team, service: SubmissionService, store: MemoryStore, sizes: list[int]
) -> None:
    """Only a file's last segment may hold less than `segment_bytes` (many tiny segments
    would cost the server store calls for nothing)."""
    submission = submission_id()
    parts = [encrypted_segment(team, 0, i, os.urandom(n)) for i, n in enumerate(sizes)]
    for part in parts:  # staged, so only the sizes are wrong
        store.put_new(layout.staging_segment(submission, 0, part.segment.index), part.data)
    request = finalization("pengaduan", team.report("pengaduan"), segments=parts)
    with Unchanged(store, errors.PartialSegmentError):
        service.finalize(submission, request)


def test_a_partial_segment_is_a_stable_400() -> None:
    problem = problem_for(errors.PartialSegmentError("x"))
    assert problem is not None
    assert (problem.status, problem.code) == (400, "partial_segment")


def test_files_cut_as_every_client_cuts_them_are_accepted(
    team: Team, service: SubmissionService, store: MemoryStore
) -> None:
    submission = submission_id()
    parts = [
        encrypted_segment(team, 0, 0, b""),  # an empty file is one empty segment
        encrypted_segment(team, 1, 0, os.urandom(64 * KiB)),
        encrypted_segment(team, 1, 1, os.urandom(64 * KiB)),  # a full last segment
        encrypted_segment(team, 2, 0, os.urandom(64 * KiB)),
        encrypted_segment(team, 2, 1, b"x"),
    ]
    stage(service, store, submission, parts)
    request = finalization("pengaduan", team.report("pengaduan"), segments=parts)
    assert service.finalize(submission, request).case == case_id(submission)


def test_unknown_channel_and_bad_submission_id_are_refused(
    team: Team, service: SubmissionService, store: MemoryStore
) -> None:
    with Unchanged(store, errors.UnknownChannelError):
        service.finalize(submission_id(), finalization("zakat", team.report("pengaduan")))
    with Unchanged(store, errors.InvalidUploadPlanError):
        service.finalize("../" + "0" * 29, finalization("pengaduan", team.report("pengaduan")))


# -- crash and resume ------------------------------------------------------------------------

# staging claim, marker, 4 segment copies, report, identity, lookup, reply, index, state
WRITES = 12


@pytest.mark.parametrize("crash_at", range(1, WRITES + 1))
def test_finalize_resumes_after_a_crash_at_any_write(
    team: Team,
    store: MemoryStore,
    clock: FixedClock,
    complete: tuple[Upload, Finalization, bytes],
    crash_at: int,
) -> None:
    upload, request, _ = complete
    staged = store.snapshot()

    crashing = CrashingStore(store, crash_at)
    with pytest.raises(SimulatedCrashError):
        SubmissionService(team.config, crashing, clock).finalize(upload.submission, request)
    # writes of the same step (core/parallel.py) may have run beside the crashing one
    assert crashing.writes >= crash_at

    clock.advance(timedelta(hours=1))
    receipt = SubmissionService(team.config, store, clock).finalize(upload.submission, request)

    reference = MemoryStore(clock)
    reference.objects.update(staged)
    expected = SubmissionService(team.config, reference, clock).finalize(upload.submission, request)
    assert receipt == expected
    assert store.objects == reference.objects


def test_every_write_of_a_finalization_is_counted(
    team: Team, store: MemoryStore, clock: FixedClock, complete: tuple[Upload, Finalization, bytes]
) -> None:
    upload, request, _ = complete
    counting = CrashingStore(store, crash_at=0)
    SubmissionService(team.config, counting, clock).finalize(upload.submission, request)
    assert counting.writes == WRITES


def test_staging_that_expires_during_the_copy_is_segment_missing_not_a_server_fault(
    team: Team, store: MemoryStore, clock: FixedClock, complete: tuple[Upload, Finalization, bytes]
) -> None:
    upload, request, _ = complete
    service = SubmissionService(team.config, ExpiresBeforeCopy(store), clock)
    with pytest.raises(errors.SegmentMissingError):
        service.finalize(upload.submission, request)


def test_a_resumed_finalization_checks_again_what_is_staged(
    team: Team, store: MemoryStore, clock: FixedClock, complete: tuple[Upload, Finalization, bytes]
) -> None:
    """The first attempt stopped before copying; staging then expired, and other bytes of
    the same size were staged under the same id."""
    upload, request, _ = complete
    copies = CrashingStore(store, 0, crash_on=lambda key: "/files/" in key)
    with pytest.raises(SimulatedCrashError):
        SubmissionService(team.config, copies, clock).finalize(upload.submission, request)
    assert layout.case_marker(case_id(upload.submission)) in store.objects
    for key in store.keys(f"staging/{upload.submission}/"):
        if key.endswith(".age"):
            data = store.objects.pop(key)
            store.put_new(key, data[:-1] + bytes([data[-1] ^ 1]))
    with pytest.raises(errors.SegmentMismatchError):
        SubmissionService(team.config, store, clock).finalize(upload.submission, request)
    assert store.keys(f"cases/{case_id(upload.submission)}/files/") == []


def test_resume_after_staging_was_cleaned_up_uses_the_copied_segments(
    team: Team, store: MemoryStore, clock: FixedClock, complete: tuple[Upload, Finalization, bytes]
) -> None:
    """The marker and all segments were copied, then the staging area expired."""
    upload, request, _ = complete
    report = CrashingStore(store, 0, crash_on=lambda key: key.endswith("/report.age"))
    with pytest.raises(SimulatedCrashError):
        SubmissionService(team.config, report, clock).finalize(upload.submission, request)
    assert len(store.keys(f"cases/{case_id(upload.submission)}/files/")) == len(request.segments)
    for key in store.keys("staging/"):
        del store.objects[key]
    receipt = SubmissionService(team.config, store, clock).finalize(upload.submission, request)
    assert layout.case_state(receipt.case) in store.objects


# -- steps -----------------------------------------------------------------------------------


class _TimedStore(CrashingStore):
    """Records when each write starts and ends; each takes 20 ms, as a store round trip."""

    def __init__(self, inner: MemoryStore) -> None:
        super().__init__(inner, crash_at=0)
        self.spans: dict[str, tuple[float, float]] = {}

    def _write(self, key: str) -> None:
        start = time.monotonic()
        time.sleep(0.02)
        self.spans[key] = (start, time.monotonic())


def test_finalize_writes_in_steps_claims_first_and_state_last(
    team: Team, store: MemoryStore, clock: FixedClock, complete: tuple[Upload, Finalization, bytes]
) -> None:
    upload, request, _ = complete
    timed = _TimedStore(store)
    receipt = SubmissionService(team.config, timed, clock).finalize(upload.submission, request)
    claims = [layout.case_marker(receipt.case), layout.staging_claim(upload.submission)]
    state = layout.case_state(receipt.case)
    content = [k for k in timed.spans if k not in (*claims, state)]
    assert len(content) == WRITES - 3
    assert max(timed.spans[k][1] for k in claims) <= min(timed.spans[k][0] for k in content)
    assert max(timed.spans[k][1] for k in content) <= timed.spans[state][0]
    # the case's objects are written at the same time, not one after the other
    starts = sorted(timed.spans[k][0] for k in content)
    assert starts[-1] - starts[0] < 0.02 * (len(content) - 1) / 2
