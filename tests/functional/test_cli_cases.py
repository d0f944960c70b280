"""`peluit cases` and `peluit review` as a person runs them: in a terminal, against a demo
`peluit serve`, with the demo's sealed key files and printed passphrase."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import pytest

from peluit import age
from peluit.config.demo import DEMO_PASSPHRASE, demo_key_path
from peluit.core import layout
from peluit.core.ids import case_reference
from peluit.review.content import decode_reply
from tests.support.cases import Attachment, Submitted, submit_case
from tests.support.console import DemoServer
from tests.support.submitting import run_peluit_bytes as peluit

pytestmark = pytest.mark.functional

EVIDENCE = os.urandom(200_000)


@pytest.fixture(scope="module")
def submitted(served: DemoServer) -> Submitted:
    answers = {"what": "Dana desa dipotong.", "who": "Kades", "where": "Desa X", "when": "2025"}
    return submit_case(
        served.config,
        served.server.store,
        {**answers, "area": "dana-desa"},
        attachments=[Attachment("C:\\bukti\\kuitansi.pdf", EVIDENCE, "application/pdf")],
    )


@pytest.fixture(scope="module")
def workdir(served: DemoServer) -> Path:
    """Where the person runs the commands: beside `var/`, like after `make run`."""
    (served.data.parent / "passphrase.txt").write_text(DEMO_PASSPHRASE + "\n")
    return served.data.parent


def cases(served: DemoServer, workdir: Path, *args: str | Path, stdin: bytes = b"") -> str:
    key = demo_key_path(served.data, "rina").relative_to(workdir)
    common: list[str | Path] = [
        "--key", key, "--server", served.base, "--passphrase-file", "passphrase.txt",
    ]  # fmt: skip
    result = peluit("cases", *args, *common, cwd=workdir, stdin=stdin)
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout.decode()


def test_cases_list_shows_the_case_with_its_kpk_area_and_due_dates(
    served: DemoServer, workdir: Path, submitted: Submitted
) -> None:
    out = cases(served, workdir, "list")
    [line] = [row for row in out.splitlines() if case_reference(submitted.case) in row]
    assert "pengaduan" in line
    assert "diterima" in line
    assert "dana-desa" in line
    assert out.splitlines()[0].startswith("REFERENSI/REFERENCE")


def test_cases_show_prints_the_decrypted_report_under_its_questions(
    served: DemoServer, workdir: Path, submitted: Submitted
) -> None:
    out = cases(served, workdir, "show", case_reference(submitted.case))
    assert "Apa yang terjadi? / What happened?:\n    Dana desa dipotong." in out
    assert "Tata kelola dana desa / Village fund governance" in out
    assert "[0] C:\\bukti\\kuitansi.pdf" in out


def test_cases_reply_and_status_act_on_the_case(
    served: DemoServer, workdir: Path, submitted: Submitted
) -> None:
    out = cases(served, workdir, "reply", submitted.case, stdin=b"Terima kasih.\n")
    key = out.strip().removeprefix("sent: ")
    stored = served.objects(layout.case_prefix(submitted.case) + key)
    opened = age.decrypt(next(iter(stored.values())), [submitted.reply])
    assert decode_reply(opened).text == "Terima kasih."

    out = cases(served, workdir, "status", submitted.case, "diverifikasi", "--reason", "Cukup.")
    assert out.strip() == "status: diverifikasi"
    state_key = layout.case_state(submitted.case)
    assert json.loads(served.objects(state_key)[state_key])["status"] == "diverifikasi"
    assert "diverifikasi rina: Cukup." in cases(served, workdir, "show", submitted.case)


def test_a_refusal_without_a_message_to_the_reporter_is_refused_and_changes_nothing(
    served: DemoServer, workdir: Path
) -> None:
    answers = {"what": "Pungli.", "who": "Loket", "where": "Desa Y", "when": "2026"}
    filed = submit_case(served.config, served.server.store, {**answers, "area": "lainnya"})
    key = demo_key_path(served.data, "rina").relative_to(workdir)
    common: list[str | Path] = [
        "--key", key, "--server", served.base, "--passphrase-file", "passphrase.txt",
    ]  # fmt: skip
    state_key = layout.case_state(filed.case)
    before = served.objects(layout.case_prefix(filed.case))

    refused = peluit(
        "cases", "status", filed.case, "ditolak", "--reason", "Di luar kewenangan.", *common,
        cwd=workdir,
    )  # fmt: skip
    assert refused.returncode == 1
    assert "pesan untuk pelapor" in refused.stderr.decode()
    assert served.objects(layout.case_prefix(filed.case)) == before  # nothing written

    out = cases(
        served, workdir, "status", filed.case, "ditolak", "--reason", "Di luar kewenangan.",
        "--tell-reporter", "Silakan laporkan ke Ombudsman RI.",
    )  # fmt: skip
    assert out.strip() == "status: ditolak"
    assert json.loads(served.objects(state_key)[state_key])["status"] == "ditolak"
    thread = served.objects(layout.case_thread_prefix(filed.case))
    [letter] = [data for name, data in thread.items() if name.endswith(".age")]
    # The reporter reads the message with the reply key; the team's reason is not in it.
    assert decode_reply(age.decrypt(letter, [filed.reply])).text == (
        "Silakan laporkan ke Ombudsman RI."
    )


def test_cases_export_writes_a_bundle_whose_manifest_matches_every_file(
    served: DemoServer, workdir: Path, submitted: Submitted
) -> None:
    cases(served, workdir, "export", submitted.case, "-o", "bundle.zip")
    bundle = workdir / "bundle.zip"
    assert oct(bundle.stat().st_mode)[-3:] == "600"
    folder = case_reference(submitted.case)
    with zipfile.ZipFile(bundle) as zf:
        names = zf.namelist()
        manifest = zf.read(f"{folder}/MANIFEST.sha256").decode().splitlines()
        listed = {path: digest for digest, path in (line.split("  ", 1) for line in manifest)}
        for path, digest in listed.items():
            assert hashlib.sha256(zf.read(f"{folder}/{path}")).hexdigest() == digest
        assert zf.read(f"{folder}/attachments/00-kuitansi.pdf") == EVIDENCE
    assert set(names) == {f"{folder}/{p}" for p in listed} | {f"{folder}/MANIFEST.sha256"}
    assert all(not n.startswith(("/", "..")) and "/../" not in n for n in names)


def test_a_wrong_passphrase_is_one_clear_line_and_exit_status_1(
    served: DemoServer, workdir: Path
) -> None:
    (workdir / "wrong.txt").write_text("bukan frasa sandinya\n")
    key = demo_key_path(served.data, "rina")
    result = peluit(
        "cases", "list", "--key", key, "--server", served.base,
        "--passphrase-file", "wrong.txt", cwd=workdir,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.decode().strip() == (
        "peluit cases: error: wrong passphrase for this key file"
    )


def test_peluit_review_prints_its_address_and_serves_only_on_127_0_0_1(
    served: DemoServer, workdir: Path
) -> None:
    key = demo_key_path(served.data, "rina")
    refused = peluit("review", "--key", key, "--host", "0.0.0.0", cwd=workdir)  # noqa: S104
    assert refused.returncode == 2
    assert b"127.0.0.1 only" in refused.stderr

    process = subprocess.Popen(
        [sys.executable, "-m", "peluit.cli.main", "review", "--key", str(key),
         "--server", served.base, "--no-browser"],
        cwd=workdir,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline().decode() for _ in range(4)]
        url = next(line.split()[-1] for line in lines if "console:" in line)
        assert url.startswith("http://127.0.0.1:")
        assert "(DEMO)" in "".join(lines)
        # As the browser `peluit review` opens sends it: typed, from no other page.
        opened = urllib.request.Request(url + "unlock", headers={"Sec-Fetch-Site": "none"})
        with urllib.request.urlopen(opened, timeout=10) as page:
            assert "Frasa sandi" in page.read().decode()
    finally:
        process.terminate()
        process.wait(timeout=10)
