"""Files the review team attaches to a reply, end to end over `peluit serve` with the people's
own tools: a reviewer attaches them with `peluit cases reply --file`, the reporter saves them
with `peluit followup download`, checked against the team's manifest before decrypting (ADR
0021). A swapped segment is refused and nothing is saved."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from peluit.client import SubmitRequest, submit
from peluit.config.demo import demo_key_path
from tests.support.submitting import FIELDS, InProcess, low_pow_demo
from tests.support.submitting import run_peluit as peluit

pytestmark = pytest.mark.functional

FORM = os.urandom(200_000)  # more than one 64 KiB age chunk
NOTE = b"Catatan: datang hari Senin.\n"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcess]:
    with low_pow_demo(tmp_path_factory.mktemp("reply-files") / "var") as server:
        yield server


def file_report(served: InProcess) -> tuple[str, str]:
    result = submit(served.base, SubmitRequest(channel="pengaduan", fields=FIELDS))
    return result.case.replace("-", "").lower(), result.receipt


def cases(served: InProcess, *args: str | Path) -> subprocess.CompletedProcess[str]:
    key = demo_key_path(served.data, "rina")
    return peluit(
        "cases", *args, "--key", key, "--server", served.base,
        "--passphrase-file", "passphrase.txt", cwd=served.data.parent,
    )  # fmt: skip


def followup(served: InProcess, code: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return peluit("followup", "--server", served.base, "--receipt", code, *args, cwd=served.data)


def attach(
    served: InProcess, case: str, tmp_path: Path, form_bytes: bytes = FORM, note_bytes: bytes = NOTE
) -> None:
    form = tmp_path / "formulir.pdf"
    form.write_bytes(form_bytes)
    note = tmp_path / "catatan.txt"
    note.write_bytes(note_bytes)
    done = cases(served, "reply", case, "--text", "Silakan isi formulir ini.", "--file", form,
                 "--file", note)  # fmt: skip
    assert done.returncode == 0, done.stderr


def reply_objects(served: InProcess, case: str) -> list[Path]:
    root = served.data / "store" / "objects" / "cases" / case / "replies"
    return sorted(p for p in root.rglob("*.age"))


def test_the_reporter_saves_the_files_a_reviewer_attached_byte_for_byte(
    served: InProcess, tmp_path: Path
) -> None:
    case, code = file_report(served)
    attach(served, case, tmp_path)

    # What the server holds: two files' segments, ciphertext only.
    stored = reply_objects(served, case)
    assert len(stored) == 2
    assert all(FORM[:64] not in p.read_bytes() and NOTE not in p.read_bytes() for p in stored)

    # The reviewer sees what was attached, with the message's day.
    shown = cases(served, "show", case).stdout
    assert re.search(r"#1 [0-9]{4}-[0-9]{2}-[0-9]{2} ", shown)
    assert f"attached for the reporter: formulir.pdf ({len(FORM)} B)" in shown

    # The reporter sees the files listed, then saves them.
    status = followup(served, code, "status")
    assert status.returncode == 0, status.stderr
    assert "Silakan isi formulir ini." in status.stdout
    assert "formulir.pdf" in status.stdout
    assert re.search(r"#1 [0-9]{4}-[0-9]{2}-[0-9]{2} Tim penelaah", status.stdout)
    into = tmp_path / "unduhan"
    into.mkdir()
    saved = followup(served, code, "--json", "download", "-d", into)
    assert saved.returncode == 0, saved.stderr
    done = json.loads(saved.stdout)["files"]
    assert [(d["seq"], d["file"], d["saved"]) for d in done] == [(1, 0, True), (1, 1, True)]
    assert (into / "pesan-1-00-formulir.pdf").read_bytes() == FORM
    assert (into / "pesan-1-01-catatan.txt").read_bytes() == NOTE

    # Again: what is there is left alone.
    again = followup(served, code, "download", "-d", into)
    assert again.returncode == 0, again.stderr
    assert again.stdout.count("Already there, skipped") == 2


def test_a_swapped_segment_is_refused_and_nothing_is_saved(
    served: InProcess, tmp_path: Path
) -> None:
    case, code = file_report(served)
    attach(served, case, tmp_path, os.urandom(5000), os.urandom(5000))
    form, note = reply_objects(served, case)
    # Someone with write access to the bucket swaps the two files' segments: both are valid
    # age files of the same size for the same recipients; only the manifest's SHA-256 tells
    # them apart (without it, each would decrypt to the other file's bytes).
    assert form.stat().st_size == note.stat().st_size
    form_bytes, note_bytes = form.read_bytes(), note.read_bytes()
    form.chmod(0o600)
    note.chmod(0o600)
    form.write_bytes(note_bytes)
    note.write_bytes(form_bytes)

    into = tmp_path / "unduhan"
    into.mkdir()
    refused = followup(served, code, "download", "-d", into)
    assert refused.returncode == 1
    assert "incomplete or was altered; not saved" in refused.stderr
    assert list(into.iterdir()) == []
