"""`peluit submit` against `peluit serve`, both as subprocesses: a 20 MiB attachment decrypts
back byte for byte with a reviewer's key file, and nothing the reporter's machine revealed
(a canary text, a forwarded IP address, a user agent) is stored or logged anywhere."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from peluit import age
from peluit.config.demo import DEMO_PASSPHRASE
from peluit.core.receipt import ReceiptCode
from peluit.keys import open_key_file
from tests.support.submitting import case_dir, case_dirs, peluit_command, serve_subprocess

pytestmark = pytest.mark.functional

FIELDS = ["what=suap izin", "who=kepala dinas", "where=kantor", "when=Maret", "area=perizinan"]
CANARY = "KANARI-7f3e9d1c-canary"
FAKE_IP = "203.0.113.99"
FAKE_AGENT = "canary-agent/1.0"


def run_submit(base: str, *args: str) -> dict[str, str]:
    command = peluit_command("submit", "--server", base, "--channel", "pengaduan")
    for field in FIELDS:
        command += ["--field", field]
    done = subprocess.run([*command, *args], capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode()
    result: dict[str, str] = json.loads(done.stdout)
    return result


def test_a_20_mib_file_submitted_by_the_cli_decrypts_to_the_same_bytes(tmp_path: Path) -> None:
    data = tmp_path / "var"
    original = os.urandom(20 * 1024 * 1024 + 123)
    attachment = tmp_path / "bukti.bin"
    attachment.write_bytes(original)
    with (
        (tmp_path / "out.log").open("wb") as out,
        (tmp_path / "err.log").open("wb") as err,
        serve_subprocess(data, out, err) as base,
    ):
        result = run_submit(base, "--file", str(attachment))
    assert set(result) == {"case", "receipt", "acknowledged_on"}
    ReceiptCode.parse(result["receipt"])

    key = open_key_file((data / "demo-keys" / "rina.key").read_bytes(), DEMO_PASSPHRASE)
    folder = case_dir(data, result["case"])
    assert case_dirs(data) == [folder]
    report = json.loads(age.decrypt((folder / "report.age").read_bytes(), [key.identity]))
    assert report["answers"]["what"] == "suap izin"
    [entry] = report["files"]
    assert (entry["name"], entry["size"], len(entry["segments"])) == ("bukti.bin", len(original), 3)
    segments = sorted((folder / "files" / "00").iterdir())
    plaintext = b"".join(age.decrypt(p.read_bytes(), [key.identity]) for p in segments)
    assert plaintext == original


def test_no_canary_ip_or_user_agent_is_stored_or_logged(tmp_path: Path) -> None:
    data = tmp_path / "var"
    attachment = tmp_path / f"{CANARY}.txt"
    attachment.write_bytes(b"isi lampiran\n")
    logs = [tmp_path / "serve.out", tmp_path / "serve.err"]
    with (
        logs[0].open("wb") as out,
        logs[1].open("wb") as err,
        serve_subprocess(data, out, err) as base,
    ):
        result = run_submit(
            base,
            "--field",
            f"how={CANARY}",
            "--identity-choice",
            "confidential",
            "--identity-field",
            f"reporter_name={CANARY}",
            "--identity-field",
            "reporter_contact=0812-0000-0000",
            "--file",
            str(attachment),
            "--header",
            f"X-Forwarded-For: {FAKE_IP}",
            "--header",
            f"User-Agent: {FAKE_AGENT}",
        )
    # The report really was filed with the canary in it (the search below is meaningful).
    key = open_key_file((data / "demo-keys" / "rina.key").read_bytes(), DEMO_PASSPHRASE)
    folder = case_dir(data, result["case"])
    report = age.decrypt((folder / "report.age").read_bytes(), [key.identity])
    assert CANARY.encode() in report
    assert (folder / "identity.age").is_file()

    needles = [CANARY.encode(), FAKE_IP.encode(), FAKE_AGENT.encode()]
    stored = [p for p in data.rglob("*") if p.is_file()]
    assert len(stored) > 10
    hits = [(str(p), n) for p in stored for n in needles if n in p.read_bytes()]
    assert hits == []
    lines = [line for log in logs for line in log.read_bytes().splitlines()]
    assert lines  # the banner, at least
    assert [line for line in lines for n in needles if n in line] == []


def _plaintext_size(path: Path) -> int:
    data = path.read_bytes()
    return age.inspect(data).payload_plaintext_size(len(data))


def test_the_cli_pads_report_and_identity_so_their_sizes_are_buckets(tmp_path: Path) -> None:
    """Issue 18, finding 3: a short and a long name give identity blocks of one size, and the
    server (which checks the recipient set's fingerprint from the site's channels.json) takes
    both."""
    data = tmp_path / "var"
    sizes = []
    with (
        (tmp_path / "out.log").open("wb") as out,
        (tmp_path / "err.log").open("wb") as err,
        serve_subprocess(data, out, err) as base,
    ):
        for name, how in [("Ani", "x"), ("Ani Wulandari Kusuma Dewi Pratiwi", "y" * 3000)]:
            result = run_submit(
                base,
                *("--field", f"how={how}", "--identity-choice", "confidential"),
                *("--identity-field", f"reporter_name={name}"),
                *("--identity-field", "reporter_contact=0812-0000-0000"),
            )
            folder = case_dir(data, result["case"])
            sizes.append(
                (_plaintext_size(folder / "report.age"), _plaintext_size(folder / "identity.age"))
            )
    # a report carries the reporter's keys (ADR 0054: the reply key alone is about 2 KB), so the
    # shortest is 4 KiB; 3,000 more characters move it to the next bucket
    assert sizes == [(4096, 1024), (8192, 1024)]
