"""A team's message to the reporter as a document (`peluit-reply/1`), the files attached to
it read out in chunks, the day each message was numbered, and the names downloads get
(ADR 0021)."""

from __future__ import annotations

import json
import os

import pytest

from peluit.cli.followup_cmd import file_name
from peluit.client.followup import ReplyFile
from peluit.core import followup as followup_core
from peluit.core import layout, thread
from peluit.core.errors import ReplyFileNotFoundError
from peluit.core.followup import FollowupService
from peluit.core.receipt import ReceiptCode
from peluit.core.report import FileEntry, SegmentEntry
from peluit.core.submission import SubmissionService
from peluit.review.compose import reply_document
from peluit.review.content import ReplyFormatError, decode_message, decode_reply
from tests.support.factory import Team, finalization, make_team, submission_id
from tests.support.fakes import FixedClock, MemoryStore

pytestmark = pytest.mark.unit

ENTRY = FileEntry(
    name="formulir.pdf",
    type="application/pdf",
    size=10,
    segments=[SegmentEntry(size=300, sha256="ab" * 32)],
)
UPLOAD = "0123456789abcdef0123456789abcdef"


# -- the document ----------------------------------------------------------------------------


def test_a_reply_document_round_trips_with_its_files() -> None:
    decoded = decode_reply(reply_document("Silakan isi.", [ENTRY], UPLOAD))
    assert (decoded.text, decoded.files, decoded.upload) == ("Silakan isi.", [ENTRY], UPLOAD)


def test_an_older_plain_text_reply_is_read_as_text_without_files() -> None:
    decoded = decode_reply(b"Terima kasih.\n{tidak JSON}")
    assert (decoded.text, decoded.files, decoded.upload) == (
        "Terima kasih.\n{tidak JSON}",
        [],
        None,
    )
    # JSON that names no reply format is a reviewer's text, shown as written
    shown = decode_reply(b'{"format": "peluit-message/1"}')
    assert shown.text == '{"format": "peluit-message/1"}'


@pytest.mark.parametrize(
    ("plaintext", "why"),
    [
        (b'{"format": "peluit-reply/2", "text": "x"}', "Unknown format"),
        (b'{"format": "peluit-reply/1", "text": "x", "extra": 1}', "not valid"),
        (
            b'{"format": "peluit-reply/1", "text": "x", "files": [], "upload": "'
            + UPLOAD.encode()
            + b'"}',
            "not valid",
        ),
        (b'{"format": "peluit-reply/1", "text": "x", "upload": "../../x"}', "not valid"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_a_reply_that_is_not_what_the_team_writes_is_a_problem_never_raw(
    plaintext: bytes, why: str
) -> None:
    with pytest.raises(ReplyFormatError, match=why):
        decode_reply(plaintext)
    message = decode_message(4, "rina", "thread/00004-rina.age", plaintext)
    assert message.text is None
    assert message.problem is not None
    assert why in message.problem


def test_files_without_an_upload_are_refused() -> None:
    document = json.loads(reply_document("x"))
    document["files"] = [ENTRY.model_dump()]
    with pytest.raises(ReplyFormatError):
        decode_reply(json.dumps(document).encode())


# -- where a download goes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "saved"),
    [
        ("../../.bashrc", "pesan-3-01-bashrc"),
        ("C:\\Windows\\win.ini", "pesan-3-01-win.ini"),
        ("CON.txt", "pesan-3-01-CON_.txt"),
        ("a\x1b[2Jb\u202e.pdf", "pesan-3-01-a[2Jb.pdf"),
        ("...", "pesan-3-01-lampiran"),
    ],
)
def test_a_hostile_file_name_becomes_a_plain_name_in_the_folder(name: str, saved: str) -> None:
    entry = ENTRY.model_copy(update={"name": name})
    assert file_name(ReplyFile(3, 1, entry, UPLOAD)) == saved


# -- the server: chunks and days ---------------------------------------------------------------


@pytest.fixture(scope="module")
def team() -> Team:
    return make_team()


def filed(team: Team, store: MemoryStore, clock: FixedClock) -> tuple[ReceiptCode, str]:
    code = ReceiptCode.generate()
    submission = submission_id()
    request = finalization(
        "pengaduan",
        team.report("pengaduan"),
        lookup_hash=code.lookup_hash(),
        reply=code.reply_identity().recipient().encode(),
    )
    receipt = SubmissionService(team.config, store, clock).finalize(submission, request)
    return code, receipt.case


def test_a_segment_is_read_out_in_chunks_and_only_of_the_tokens_own_case(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FixedClock()
    store = MemoryStore(clock)
    code, case = filed(team, store, clock)
    other, _ = filed(team, store, clock)
    segment = os.urandom(2500)
    store.put_new(layout.case_reply_segment(case, UPLOAD, 0, 0), segment)
    monkeypatch.setattr(followup_core, "CHUNK_BYTES", 1000)
    service = FollowupService(team.config, store, clock, floor=0)
    token = code.lookup_token()

    chunks = [service.reply_file(token, UPLOAD, 0, 0, offset) for offset in (0, 1000, 2000)]
    assert [(c.size, c.offset, len(c.data)) for c in chunks] == [
        (2500, 0, 1000),
        (2500, 1000, 1000),
        (2500, 2000, 500),
    ]
    assert b"".join(c.data for c in chunks) == segment
    with pytest.raises(ReplyFileNotFoundError):
        service.reply_file(token, UPLOAD, 0, 0, 2500)  # past the end
    with pytest.raises(ReplyFileNotFoundError):
        service.reply_file(token, UPLOAD, 0, 1, 0)  # no such segment
    with pytest.raises(ReplyFileNotFoundError):
        service.reply_file(other.lookup_token(), UPLOAD, 0, 0, 0)  # another case's token


def test_a_claim_holds_the_day_and_an_identical_retry_next_day_is_the_same_message() -> None:
    store = MemoryStore()
    case = "0123456789abcdef"
    first = thread.append(store, case, "pelapor", b"sama", day="2026-12-06", once=True)
    again = thread.append(store, case, "pelapor", b"sama", day="2026-12-07", once=True)
    assert first == again
    claim = json.loads(store.get(layout.case_message_claim(case, first.seq)))
    assert claim["on"] == "2026-12-06"
    assert set(claim) == {"from", "on", "sha256"}  # a day, never a time
    # older claims (empty, or without a day) have no day
    store.put_new(layout.case_message_claim(case, 2), b"")
    store.put_new(layout.case_message_claim(case, 3), thread.claim_bytes("rina", b"x"))
    store.put_new(layout.case_message_claim(case, 4), b'{"on": "2026-13-45"}')
    assert thread.days(store, case, [1, 2, 3, 4, 5]) == {
        1: "2026-12-06",
        2: None,
        3: None,
        4: None,
        5: None,
    }
