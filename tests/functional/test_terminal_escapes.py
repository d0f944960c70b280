"""Reporter-controlled text never drives a terminal (issue 18, finding 1).

A report's answers and field names, the names and types of its files, the reporter's
messages and the names and types of evidence added later are written by whoever holds the
form (or a compromised server). Every place the review tools show them in a terminal —
`peluit cases list`, `peluit cases show`, `peluit followup status` — and every text or JSON
file of an export bundle must carry none of the characters a terminal obeys: ESC (erase
line `ESC[2K`, OSC 8 links, OSC 52 clipboard writes), the C1 CSI 0x9b, carriage returns,
bidirectional overrides. The text itself stays: shown as visible escapes."""

from __future__ import annotations

import io
import json
import os
import unicodedata
import zipfile

import pytest

from peluit.cli import cases_text
from peluit.cli.followup_cmd import status_text
from peluit.client.followup import CaseView, ThreadMessage
from peluit.core.ids import case_reference
from peluit.core.report import FileEntry
from peluit.review.content import printable, printable_json, printable_line
from peluit.review.desk import ReviewDesk
from peluit.review.export import write_bundle
from tests.support.cases import Attachment, submit_case
from tests.support.followup import Filed, FollowupWorld, manifest_entries
from tests.support.review import make_review_team

pytestmark = pytest.mark.functional

ERASE_LINE = "\x1b[2K\r"
OSC8_LINK = "\x1b]8;;https://evil.example/\x1b\\kpk.go.id\x1b]8;;\x1b\\"
OSC52_CLIPBOARD = "\x1b]52;c;cm0gLXJmIH4=\x07"
C1_CSI = "\x9b31m"
BIDI = "\u202egpj.exe\u202c \u2066isolate\u2069"
HOSTILE = f"awal {ERASE_LINE}{OSC8_LINK} {OSC52_CLIPBOARD} {C1_CSI} {BIDI} \U000e0041 akhir"


def _obeyed(text: str) -> list[str]:
    """The characters of `text` a terminal would act on rather than show."""
    return [
        f"U+{ord(ch):04X}"
        for ch in text
        if ch != "\n" and unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp", "Cs"}
    ]


@pytest.fixture(scope="module")
def world() -> FollowupWorld:
    return FollowupWorld(make_review_team())


def _desk(world: FollowupWorld) -> ReviewDesk:
    return ReviewDesk(
        world.config, world.review_team.key("rina"), world.client("rina"), clock=world.clock
    )


def _hostile_report(world: FollowupWorld) -> str:
    return submit_case(
        world.config,
        world.store,
        {"what": HOSTILE, f"field{OSC52_CLIPBOARD}{ERASE_LINE}": HOSTILE},
        attachments=[Attachment(f"bukti{ERASE_LINE}{C1_CSI}.pdf", b"%PDF", type=HOSTILE)],
        clock=world.clock,
    ).case


def _hostile_message(world: FollowupWorld) -> Filed:
    filed = world.file()
    upload = os.urandom(16).hex()
    segments = world.stage(filed, upload, [b"evidence"])
    entries = manifest_entries(segments, [f"{OSC8_LINK}{BIDI}.jpg"])
    for entry in entries:
        entry["type"] = f"image/jpeg{C1_CSI}{OSC52_CLIPBOARD}"
        entry["size"] = len(b"evidence")
    manifest = world.say(filed, HOSTILE, entries)
    assert world.evidence(filed, upload, manifest, segments).status == 200
    return filed


def test_cases_list_and_show_print_no_control_character_of_a_hostile_case(
    world: FollowupWorld,
) -> None:
    report = _hostile_report(world)
    message = _hostile_message(world)
    desk = _desk(world)

    listed = cases_text.table(world.config, desk.list_cases(areas=False).rows)
    assert _obeyed(listed) == []
    for case in (report, message.case):
        shown = cases_text.case(world.config, desk.open_case(case))
        assert _obeyed(shown) == [], case
        assert printable_line(HOSTILE) in shown  # the text is there, visibly escaped
    shown = cases_text.case(world.config, desk.open_case(report))
    assert printable_line(f"field{OSC52_CLIPBOARD}{ERASE_LINE}") in shown
    assert printable_line(HOSTILE) in shown  # the file's type


def test_every_text_and_json_file_of_an_export_holds_no_control_character(
    world: FollowupWorld,
) -> None:
    desk = _desk(world)
    report, message = _hostile_report(world), _hostile_message(world).case
    for case in (report, message):
        out = io.BytesIO()
        write_bundle(desk, case, out, world.clock())
        folder = case_reference(case)
        with zipfile.ZipFile(io.BytesIO(out.getvalue())) as zf:
            texts = [n for n in zf.namelist() if not n.startswith(f"{folder}/attachments/")]
            assert f"{folder}/thread.json" in texts
            for name in texts:
                assert _obeyed(name) == []
                assert _obeyed(zf.read(name).decode("utf-8")) == [], name
            bundle = {n.removeprefix(f"{folder}/"): zf.read(n) for n in texts}
        thread = json.loads(bundle["thread.json"])
        listing = json.loads(bundle["attachments.json"])
        if case == report:
            assert printable(HOSTILE) in bundle["report.txt"].decode()  # shown, escaped
            assert (
                printable_line(f"field{OSC52_CLIPBOARD}{ERASE_LINE}")
                in bundle["report.txt"].decode()
            )
            assert json.loads(bundle["report.json"])["answers"]["what"] == HOSTILE  # unchanged
            assert listing["files"][0]["type"] == HOSTILE
        else:
            assert thread[0]["text"] == HOSTILE
            assert listing["files"][0]["name"] == f"{OSC8_LINK}{BIDI}.jpg"


def test_followup_status_prints_no_control_character_from_the_server() -> None:
    view = CaseView(
        reference=f"ABCD{ERASE_LINE}",
        channel=f"pengaduan{OSC8_LINK}",
        status=f"baru{C1_CSI}",
        since=f"2026-01-01{OSC52_CLIPBOARD}",
        messages=[
            ThreadMessage(
                1,
                "penelaah",
                HOSTILE,
                True,
                on=f"2026-01-02{BIDI}",
                files=(FileEntry(name=f"a{ERASE_LINE}.pdf", type=HOSTILE, size=1, segments=[]),),
            ),
            ThreadMessage(2, "penelaah", None, True, problem=HOSTILE),
        ],
    )
    shown = status_text(view)
    assert _obeyed(shown) == []
    assert printable(HOSTILE) in shown


def test_printable_json_is_the_same_document_with_every_control_escaped() -> None:
    value = {"text": HOSTILE, HOSTILE: [HOSTILE, 1, None], "line": "a\nb\u2028c"}
    text = printable_json(value)
    assert _obeyed(text) == []
    assert json.loads(text) == value
    assert printable(printable(HOSTILE)) == printable(HOSTILE)  # idempotent
