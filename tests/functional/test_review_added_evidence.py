"""Evidence the reporter added later, and their messages, as the reviewers' tool reads them:
through the signed reviewer API over a memory store, with the public follow-up API filing
what the reporter sends. Hostile names, messages that are not `peluit-message/1`, a manifest
that does not match what was added, and a swapped segment — each shown for what it is, never
crashing the case view or the export, never as raw JSON, never as a file it is not."""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from typing import Any

import pytest

from peluit import age
from peluit.cli import cases_text
from peluit.core import layout, padding
from peluit.core.ids import case_reference
from peluit.core.submission import Segment
from peluit.review.authenticity import NOT_INSIDE
from peluit.review.desk import ReviewDesk
from peluit.review.errors import IntegrityError, ReviewInputError
from peluit.review.export import write_bundle
from tests.support.followup import Filed, FollowupWorld
from tests.support.review import make_review_team

pytestmark = pytest.mark.functional

KiB = 1024
HOSTILE_NAME = "../../etc/\x1b]0;owned\x07cron\u202egpj.exe"


@pytest.fixture
def world() -> FollowupWorld:
    return FollowupWorld(make_review_team())


def _desk(world: FollowupWorld, person: str = "rina") -> ReviewDesk:
    return ReviewDesk(
        world.config, world.review_team.key(person), world.client(person), clock=world.clock
    )


def _entries(segments: list[Segment], plaintexts: list[bytes], names: list[str]) -> list[Any]:
    entries = []
    for file, (data, name) in enumerate(zip(plaintexts, names, strict=True)):
        parts = [s for s in segments if s.file == file]
        entries.append(
            {
                "name": name,
                "type": "application/octet-stream",
                "size": len(data),
                "segments": [{"size": s.size, "sha256": s.sha256.hex()} for s in parts],
            }
        )
    return entries


def _add(
    world: FollowupWorld, filed: Filed, text: str, files: list[bytes], names: list[str]
) -> int:
    upload = os.urandom(16).hex()
    segments = world.stage(filed, upload, files)
    manifest = world.say(filed, text, _entries(segments, files, names))
    answer = world.evidence(filed, upload, manifest, segments)
    assert answer.status == 200, answer.body
    seq: int = answer.body["seq"]
    return seq


def _raw_message(world: FollowupWorld, filed: Filed, plaintext: bytes) -> None:
    """`plaintext` as a message, padded to its size bucket as current clients send it."""
    padded = plaintext + b" " * (padding.bucket(len(plaintext)) - len(plaintext))
    sealed = age.encrypt(padded, world.team_recipients(filed))
    assert world.message(filed, sealed).status == 200


def test_added_evidence_with_a_hostile_name_is_listed_counted_downloaded_and_exported(
    world: FollowupWorld,
) -> None:
    filed = world.file()  # a report without files: the added one is number 0
    new = os.urandom(70 * KiB)  # two segments of the test configuration's 64 KiB
    seq = _add(world, filed, "Bukti baru\x1b[2J terlampir.", [new], [HOSTILE_NAME])
    desk = _desk(world)

    [row] = [r for r in desk.list_cases(areas=False).rows if r.case == filed.case]
    assert row.unread == 1
    case = desk.open_case(filed.case)
    assert [(a.number, a.message) for a in case.files] == [(0, seq)]
    assert case.files[0].entry.name == HOSTILE_NAME  # data, as sent
    [message] = case.messages
    assert (message.text, message.files) == ("Bukti baru\x1b[2J terlampir.", (0,))
    shown = cases_text.case(world.config, case)
    assert "\x1b" not in shown
    assert "\u202e" not in shown
    assert "Bukti baru\\x1b[2J terlampir." in shown
    assert next(r for r in desk.list_cases(areas=False).rows if r.case == filed.case).unread == 0

    entry, chunks = desk.attachment(filed.case, 0)
    assert entry.size == len(new)
    assert b"".join(chunks) == new

    out = io.BytesIO()
    write_bundle(desk, filed.case, out, world.clock())
    folder = case_reference(filed.case)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as zf:
        added = [n for n in zf.namelist() if n.startswith(f"{folder}/attachments/00-")]
        [path] = added
        assert "/" not in path.removeprefix(f"{folder}/attachments/")
        assert all(ch.isprintable() for ch in path)
        assert zf.read(path) == new
        lines = zf.read(f"{folder}/MANIFEST.sha256").decode().splitlines()
        listed = {p: d for d, p in (line.split("  ", 1) for line in lines)}
        assert path.removeprefix(f"{folder}/") in listed
        for name, digest in listed.items():
            assert hashlib.sha256(zf.read(f"{folder}/{name}")).hexdigest() == digest


@pytest.mark.parametrize(
    ("plaintext", "problem"),
    [
        (b'{"format": "peluit-message/9", "lang": "id", "text": "baru"}', "peluit-message/9"),
        (b"teks biasa, bukan dokumen", "not JSON"),
        (b'{"format": "peluit-message/1", "lang": "id", "text": "x", "extra": 1}', "not valid"),
    ],
)
def test_a_reporter_message_that_is_not_a_peluit_message_is_a_problem_row_everywhere(
    world: FollowupWorld, plaintext: bytes, problem: str
) -> None:
    filed = world.file()
    _raw_message(world, filed, plaintext)
    desk = _desk(world)
    case = desk.open_case(filed.case)
    [message] = case.messages
    assert message.text is None
    assert message.problem is not None
    assert problem in message.problem
    shown = cases_text.case(world.config, case)
    assert f"(!) {message.problem}" in shown
    assert plaintext.decode() not in shown
    out = io.BytesIO()
    write_bundle(desk, filed.case, out, world.clock())
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as zf:
        thread = json.loads(zf.read(f"{case_reference(filed.case)}/thread.json"))
    assert thread[0]["text"] is None
    assert problem in thread[0]["problem"]


def test_a_manifest_that_lists_other_files_than_were_added_lists_none_of_them(
    world: FollowupWorld,
) -> None:
    filed = world.file()
    upload = os.urandom(16).hex()
    data = b"satu berkas"
    segments = world.stage(filed, upload, [data])
    entries = _entries(segments, [data], ["a.txt"]) * 2  # names two files; one was added
    manifest = world.say(filed, "dua?", entries)
    assert world.evidence(filed, upload, manifest, segments).status == 200
    desk = _desk(world)
    case = desk.open_case(filed.case)
    assert case.files == []
    # the world's reports carry no reporter keys inside: that note comes first (ADR 0054)
    [problem] = [p for p in case.problems if p != NOT_INSIDE]
    assert "lists 2 files, not 1" in problem
    with pytest.raises(ReviewInputError):
        desk.attachment(filed.case, 0)
    assert "(!) " in cases_text.case(world.config, case)


def test_an_added_file_whose_segment_was_swapped_never_downloads(world: FollowupWorld) -> None:
    filed = world.file()
    _add(world, filed, "dua bukti", [b"pertama" * 100, b"kedua" * 100], ["1.txt", "2.txt"])
    first, second = layout.case_segment(filed.case, 0, 0), layout.case_segment(filed.case, 1, 0)
    objects = world.store.objects
    objects[first], objects[second] = objects[second], objects[first]  # both sealed to the team
    desk = _desk(world)
    _, chunks = desk.attachment(filed.case, 0)
    with pytest.raises(IntegrityError):
        b"".join(chunks)
    with pytest.raises(IntegrityError):
        write_bundle(desk, filed.case, io.BytesIO(), world.clock())
