"""The one decoding path for case content (peluit/review/content.py): the reporter's
`peluit-message/1` documents as text with their files, reviewers' text, evidence added later
joined to its message, and hostile input turned into problem rows, never raw JSON or a crash."""

from __future__ import annotations

import json

import pytest

from peluit.core.report import FileEntry
from peluit.review.content import (
    REPORTER,
    Message,
    assemble,
    decode_message,
    message_json,
    parse_additions,
    printable,
    printable_line,
)

pytestmark = pytest.mark.unit

KEY = "thread/00002-pelapor.age"


def _entry(name: str, size: int = 10) -> dict[str, object]:
    return {
        "name": name,
        "type": "image/jpeg",
        "size": size,
        "segments": [{"size": 300, "sha256": "a" * 64}],
    }


def _document(
    text: str = "Ada buktinya.", files: list[dict[str, object]] | None = None, **more: object
) -> bytes:
    body = {"format": "peluit-message/1", "lang": "id", "text": text, "files": files or [], **more}
    return json.dumps(body).encode()


def test_a_reporter_message_is_its_text_language_and_manifest_never_the_json() -> None:
    message = decode_message(
        2, REPORTER, KEY, _document("Saya lampirkan kontrak.", [_entry("kontrak.pdf")])
    )
    assert message.text == "Saya lampirkan kontrak."
    assert message.lang == "id"
    assert [e.name for e in message.manifest] == ["kontrak.pdf"]
    assert message.problem is None
    assert "peluit-message" not in (message.text or "")


def test_a_reviewers_message_is_plain_text() -> None:
    message = decode_message(3, "rina", "thread/00003-rina.age", b'{"format": "peluit-message/1"}')
    assert (
        message.text == '{"format": "peluit-message/1"}'
    )  # a reviewer writes text, shown as written
    assert message.problem is None


@pytest.mark.parametrize(
    ("plaintext", "problem"),
    [
        (b"Teks biasa tanpa JSON", "not JSON"),
        (b"\xff\xfe\x00", "not JSON"),
        (b"[1, 2]", "Unknown format"),
        (b'{"text": "tanpa format"}', "Unknown format"),
        (
            json.dumps({"format": "peluit-message/2", "lang": "id", "text": "x"}).encode(),
            "'peluit-message/2'",
        ),
        (json.dumps({"format": "\x1b[2J", "text": "x"}).encode(), "'\\x1b[2J'"),
        (_document(extra="refused"), "not valid (1 problems)"),
        (_document(lang="fr"), "not valid"),
        (_document("x" * 20_001), "not valid"),
        (_document(files=[_entry("")]), "not valid"),
    ],
)
def test_what_is_not_a_peluit_message_becomes_a_problem_row(plaintext: bytes, problem: str) -> None:
    message = decode_message(2, REPORTER, KEY, plaintext)
    assert message.text is None
    assert message.problem is not None
    assert problem in message.problem
    assert "\x1b" not in message.problem


def test_a_message_that_does_not_decrypt_or_is_not_utf8_says_so() -> None:
    assert decode_message(4, "rina", "thread/00004-rina.age", None).problem is not None
    bad = decode_message(4, "rina", "thread/00004-rina.age", b"\xff\xfe")
    assert bad.text is None
    assert bad.problem is not None
    assert "UTF-8" in bad.problem


def _message(seq: int, files: list[str]) -> Message:
    return decode_message(
        seq, REPORTER, f"thread/{seq:05d}-pelapor.age", _document("x", [_entry(n) for n in files])
    )


REPORT_FILES = [FileEntry.model_validate(_entry("foto.jpg"))]


def test_added_evidence_is_numbered_after_the_report_and_says_which_message_it_came_with() -> None:
    messages = [_message(2, ["a.pdf", "b.pdf"]), _message(5, ["c.png"])]
    additions = [
        {"message": "thread/00002-pelapor.age", "files": [1, 2]},
        {"message": "thread/00005-pelapor.age", "files": [3]},
    ]
    joined = assemble(REPORT_FILES, messages, additions)
    assert [(a.number, a.entry.name, a.message) for a in joined.attachments] == [
        (0, "foto.jpg", None),
        (1, "a.pdf", 2),
        (2, "b.pdf", 2),
        (3, "c.png", 5),
    ]
    assert [m.files for m in joined.messages] == [(1, 2), (3,)]
    assert joined.problems == []
    assert message_json(joined.messages[0])["files"] == [1, 2]


@pytest.mark.parametrize(
    ("additions", "messages", "problem"),
    [
        (
            [{"message": "thread/00002-pelapor.age", "files": [1, 2]}],
            [_message(2, ["a"])],
            "lists 1 files, not 2",
        ),
        (
            [{"message": "thread/00009-pelapor.age", "files": [1]}],
            [_message(2, ["a"])],
            "message #9 is unreadable",
        ),
        (
            [{"message": "thread/00002-pelapor.age", "files": [0]}],
            [_message(2, ["a"])],
            "used twice",
        ),
        ([{"message": "thread/00002-rina.age", "files": [1]}], [], "record is invalid"),
        ([{"message": "../report.age", "files": [1]}], [], "record is invalid"),
        (
            [{"message": "thread/00002-pelapor.age", "files": [100]}],
            [_message(2, ["a"])],
            "record is invalid",
        ),
        (
            [{"message": "thread/00002-pelapor.age", "files": [True]}],
            [_message(2, ["a"])],
            "record is invalid",
        ),
        ("not a list", [], "invalid"),
    ],
)
def test_added_evidence_that_does_not_fit_is_a_problem_not_a_file(
    additions: object, messages: list[Message], problem: str
) -> None:
    joined = assemble(REPORT_FILES, messages, additions)
    assert [a.number for a in joined.attachments] == [0]
    assert len(joined.problems) == 1
    assert problem in joined.problems[0]


def test_evidence_whose_message_is_not_a_peluit_message_is_not_listed() -> None:
    broken = decode_message(2, REPORTER, KEY, b'{"format": "other"}')
    joined = assemble(REPORT_FILES, [broken], [{"message": KEY, "files": [1]}])
    assert [a.number for a in joined.attachments] == [0]
    assert "unreadable" in joined.problems[0]


def test_a_path_traversal_name_stays_data_it_is_made_safe_where_it_becomes_a_path() -> None:
    joined = assemble(
        [],
        [_message(2, ["../../etc/passwd"])],
        [{"message": "thread/00002-pelapor.age", "files": [0]}],
    )
    [attachment] = joined.attachments
    assert attachment.entry.name == "../../etc/passwd"  # shown as sent; export uses names.safe_name


def test_parse_additions_accepts_only_reporter_messages_and_two_digit_numbers() -> None:
    batches, problems = parse_additions([{"message": "thread/00007-pelapor.age", "files": [3, 4]}])
    assert [(b.message, b.files) for b in batches] == [("thread/00007-pelapor.age", (3, 4))]
    assert problems == []
    assert parse_additions(None) == ([], [])


def test_control_characters_never_reach_a_terminal() -> None:
    hostile = "baik\x1b[31mMERAH\x1b[0m\rtimpa\x08\x07\u202egnp.exe\u2028akhir\nbaris dua\ttab"
    shown = printable(hostile)
    assert all(ch == "\n" or ch.isprintable() for ch in shown)
    assert "\\x1b[31m" in shown
    assert "\\u202e" in shown
    assert "\\x09" in shown
    assert shown.split("\n")[1] == "baris dua\\x09tab"
    assert "\n" not in printable_line("a\nb")
    assert printable("Saya lampirkan kontrak — halaman 3.") == "Saya lampirkan kontrak — halaman 3."
