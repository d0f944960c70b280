"""The whole loop through the people's own tools, over one `peluit serve` with its built site:
the reporter files a report, the reviewer answers with `peluit cases reply`, the reporter reads
it with `peluit followup status` and answers with `peluit followup send --text --file`; the
reviewer sees that message as text (`peluit cases show`, the console), counted as unread, the
new file listed with the message it came with, downloadable byte for byte (`peluit cases
download`, the console), and in `peluit cases export` under a MANIFEST that verifies.

Nothing here reads the store or the reviewer API directly: every check goes through what a
person runs."""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pytest

from peluit.client import SubmitRequest, submit
from peluit.config.demo import DEMO_PASSPHRASE, demo_key_path
from peluit.core.ids import case_reference
from peluit.core.receipt import ReceiptCode
from tests.support.console import ConsoleUnderTest, DemoServer
from tests.support.submitting import FIELDS, InProcess, low_pow_demo
from tests.support.submitting import run_peluit as peluit

pytestmark = pytest.mark.functional

QUESTION = "Terima kasih. Apakah ada salinan kontraknya?\x1b[2J"
ANSWER = "Ada, saya lampirkan.\nHalaman 3 memuat volumenya."
EVIDENCE = os.urandom(70_000)  # more than one 64 KiB chunk
NEW_FILE = os.urandom(150_000)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcess]:
    with low_pow_demo(tmp_path_factory.mktemp("followup-cli") / "var") as server:
        yield server


@pytest.fixture(scope="module")
def filed(served: InProcess) -> tuple[str, str]:
    """(case, receipt code) of a report with one file, filed as the browser does."""
    evidence = served.data.parent / "foto.jpg"
    evidence.write_bytes(EVIDENCE)
    result = submit(
        served.base, SubmitRequest(channel="pengaduan", fields=FIELDS, files=[evidence])
    )
    return result.case.replace("-", "").lower(), result.receipt


def cases(served: InProcess, *args: str | Path) -> str:
    key = demo_key_path(served.data, "rina")
    done = peluit(
        "cases", *args, "--key", key, "--server", served.base,
        "--passphrase-file", "passphrase.txt", cwd=served.data.parent,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def followup(served: InProcess, code: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return peluit("followup", "--server", served.base, "--receipt", code, *args, cwd=served.data)


def unread(served: InProcess, case: str) -> str:
    [line] = [r for r in cases(served, "list").splitlines() if case_reference(case) in r]
    return line.split()[-1]


def test_the_conversation_goes_both_ways_through_the_peoples_own_tools(
    served: InProcess, filed: tuple[str, str], tmp_path: Path
) -> None:
    case, code = filed
    cases(served, "reply", case, "--text", QUESTION)

    # The reporter reads the reply, decrypted here with the reply key.
    status = followup(served, code, "status")
    assert status.returncode == 0, status.stderr
    assert f"Laporan / Report {case_reference(case)}" in status.stdout
    assert "Status: diterima — Diterima:" in status.stdout
    assert re.search(r"#1 [0-9]{4}-[0-9]{2}-[0-9]{2} Tim penelaah / Review team:", status.stdout)
    assert "Terima kasih. Apakah ada salinan kontraknya?\\x1b[2J" in status.stdout
    assert "\x1b" not in status.stdout  # the escape sequence is shown, not obeyed
    machine = json.loads(followup(served, code, "--json", "status").stdout)
    [first] = machine["messages"]
    assert re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", first.pop("on"))
    assert first == {
        "seq": 1,
        "sender": "penelaah",
        "text": QUESTION,
        "readable": True,
        "files": [],
        "problem": None,
        "verified": True,  # signed by the reviewer who wrote it (docs/format.md)
    }

    # The reporter answers with a new file.
    new_file = tmp_path / "kontrak (salinan).pdf"
    new_file.write_bytes(NEW_FILE)
    sent = followup(served, code, "--json", "send", "--text", ANSWER, "--file", new_file)
    assert sent.returncode == 0, sent.stderr
    assert json.loads(sent.stdout) == {"seq": 2, "files": [1]}
    mine = followup(served, code, "status").stdout
    assert re.search(r"#2 [0-9]{4}-[0-9]{2}-[0-9]{2} Anda / You:", mine)
    assert "terenkripsi untuk tim penelaah saja" in mine

    # The reviewer: one unread message, shown as text with the file it brought.
    assert unread(served, case) == "1"
    shown = cases(served, "show", case)
    assert re.search(
        r"#2 [0-9-]{10} Pelapor / Reporter \[id\]:\n    Ada, saya lampirkan.\n"
        r"    Halaman 3 memuat volumenya.",
        shown,
    )
    assert f"+ berkas / file [1] {new_file.name} ({len(NEW_FILE)} B)" in shown
    assert "[0] foto.jpg" in shown
    assert f"[1] {new_file.name}  (application/pdf, {len(NEW_FILE)} B)" in shown
    assert "sent with pesan / message #2" in shown
    assert "peluit-message" not in shown
    assert "\x1b" not in shown
    assert unread(served, case) == "-"  # showing the case marked it seen

    # The new file downloads byte for byte, checked against the message's manifest.
    out = tmp_path / "downloaded"
    out.mkdir()
    cases(served, "download", case, "1", "-d", out)
    assert (out / "01-kontrak (salinan).pdf").read_bytes() == NEW_FILE

    # The export holds both files and a MANIFEST that verifies.
    bundle = tmp_path / "bundle.zip"
    cases(served, "export", case, "-o", bundle)
    folder = case_reference(case)
    with zipfile.ZipFile(bundle) as zf:
        assert zf.read(f"{folder}/attachments/00-foto.jpg") == EVIDENCE
        assert zf.read(f"{folder}/attachments/01-kontrak (salinan).pdf") == NEW_FILE
        lines = zf.read(f"{folder}/MANIFEST.sha256").decode().splitlines()
        listed = {path: digest for digest, path in (line.split("  ", 1) for line in lines)}
        assert "attachments/01-kontrak (salinan).pdf" in listed
        for path, digest in listed.items():
            assert hashlib.sha256(zf.read(f"{folder}/{path}")).hexdigest() == digest
        thread = json.loads(zf.read(f"{folder}/thread.json"))
        assert re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", thread[1].pop("on"))
        assert thread[1] == {
            "seq": 2, "from": "pelapor", "text": ANSWER, "lang": "id", "files": [1],
            "attached": [], "problem": None,
        }  # fmt: skip
        listing = json.loads(zf.read(f"{folder}/attachments.json"))
        assert [(f["number"], f["with_message"]) for f in listing["files"]] == [(0, None), (1, 2)]


def test_the_console_shows_the_reporters_message_and_serves_the_added_file(
    served: InProcess, filed: tuple[str, str], tmp_path: Path
) -> None:
    case, code = filed
    extra = tmp_path / "catatan.txt"
    extra.write_bytes(b"catatan tambahan\n")
    sent = followup(served, code, "--json", "send", "--text", "Satu <b>lagi</b>", "--file", extra)
    assert sent.returncode == 0, sent.stderr
    seq, [number] = json.loads(sent.stdout)["seq"], json.loads(sent.stdout)["files"]
    console = ConsoleUnderTest(cast(DemoServer, served), "rina")
    try:
        browser = console.client()
        assert browser.unlock(DEMO_PASSPHRASE).status == 303
        page = browser.get(f"/cases/{case}").text
        assert f'id="pesan-{seq}"' in page
        assert "Satu &lt;b&gt;lagi&lt;/b&gt;" in page
        assert (
            f'<li data-file="{number}"><a href="/cases/{case}/files/{number}">catatan.txt' in page
        )
        assert f'<tr data-file="{number}">' in page
        assert "peluit-message" not in page
        download = browser.get(f"/cases/{case}/files/{number}")
        assert download.status == 200
        assert download.body == b"catatan tambahan\n"
    finally:
        console.close()


def test_a_wrong_code_a_typo_and_an_unreachable_server_get_clear_errors(
    served: InProcess,
) -> None:
    unknown = followup(served, str(ReceiptCode.generate()), "status")
    assert unknown.returncode == 1
    assert "receipt_not_found" in unknown.stderr
    assert unknown.stdout == ""

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        nowhere = f"http://127.0.0.1:{s.getsockname()[1]}"
    code = str(ReceiptCode.generate())
    typo = code[:-1] + ("0" if code[-1] != "0" else "1")
    wrong = peluit("followup", "--server", nowhere, "--receipt", typo, "status", cwd=served.data)
    assert wrong.returncode == 1
    assert "Ada salah ketik di kode ini" in wrong.stderr  # caught before any request
    assert "Nothing has been sent" in wrong.stderr
    down = peluit(
        "followup", "--server", nowhere, "--retries", "0", "--receipt", code, "status",
        cwd=served.data,
    )  # fmt: skip
    assert down.returncode == 1
    assert "Koneksi ke server terputus" in down.stderr
    assert "The connection to the server failed" in down.stderr


def test_an_empty_message_is_refused_before_anything_is_sent(
    served: InProcess, filed: tuple[str, str]
) -> None:
    case, code = filed
    before = cases(served, "show", case).count("Pelapor / Reporter")
    empty = followup(served, code, "send", "--text", "   ")
    assert empty.returncode == 1
    assert "Write a message or choose a file first." in empty.stderr
    assert cases(served, "show", case).count("Pelapor / Reporter") == before
