"""`peluit age` as a black box: transcripts of what a person types and what they get back."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from tests.support.submitting import run_peluit_bytes as peluit

pytestmark = pytest.mark.functional


def keygen(path: Path, *flags: str) -> str:
    result = peluit("age", "keygen", *flags, "-o", path)
    assert result.returncode == 0, result.stderr
    return result.stderr.decode().removeprefix("Public key: ").strip()


def one_line_error(result: subprocess.CompletedProcess[bytes], fragment: str) -> None:
    assert result.returncode == 1
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("peluit age: error: ")
    assert fragment in lines[0]


@pytest.fixture
def plain(tmp_path: Path) -> Path:
    path = tmp_path / "laporan.txt"
    path.write_bytes(os.urandom(200_000))
    return path


def test_keygen_pq_writes_a_private_file_and_prints_the_recipient(tmp_path: Path) -> None:
    key = tmp_path / "key.txt"
    recipient = keygen(key, "--pq")
    text = key.read_text()
    assert recipient.startswith("age1pq1")
    assert f"# public key: {recipient}\n" in text
    assert text.splitlines()[-1].startswith("AGE-SECRET-KEY-PQ-1")
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_keygen_refuses_to_overwrite_an_existing_key(tmp_path: Path) -> None:
    key = tmp_path / "key.txt"
    keygen(key)
    before = key.read_bytes()
    one_line_error(peluit("age", "keygen", "-o", key), "already exists")
    assert key.read_bytes() == before


def test_file_for_two_hybrid_recipients_decrypts_with_either_key(
    tmp_path: Path, plain: Path
) -> None:
    keys = [tmp_path / "a.txt", tmp_path / "b.txt"]
    recipients = [keygen(k, "--pq") for k in keys]
    sealed = tmp_path / "laporan.age"
    result = peluit("age", "-r", recipients[0], "-r", recipients[1], "-o", sealed, plain)
    assert result.returncode == 0, result.stderr
    for key in keys:
        out = tmp_path / f"out-{key.name}"
        assert peluit("age", "-d", "-i", key, "-o", out, sealed).returncode == 0
        assert out.read_bytes() == plain.read_bytes()


def test_recipients_file_and_stdin_stdout_work_like_age(tmp_path: Path, plain: Path) -> None:
    key = tmp_path / "key.txt"
    recipients = tmp_path / "recipients.txt"
    recipients.write_text(f"# tim penelaah\n\n{keygen(key, '--pq')}\n")
    sealed = peluit("age", "-R", recipients, stdin=plain.read_bytes())
    assert sealed.returncode == 0
    opened = peluit("age", "-d", "-i", key, stdin=sealed.stdout)
    assert opened.stdout == plain.read_bytes()


def test_mixing_hybrid_and_classic_recipients_is_refused(tmp_path: Path, plain: Path) -> None:
    pq, classic = keygen(tmp_path / "pq.txt", "--pq"), keygen(tmp_path / "x.txt")
    out = tmp_path / "mixed.age"
    one_line_error(peluit("age", "-r", pq, "-r", classic, "-o", out, plain), "mix")
    assert not out.exists()


def test_wrong_key_fails_and_leaves_no_output(tmp_path: Path, plain: Path) -> None:
    sealed = tmp_path / "laporan.age"
    peluit("age", "-r", keygen(tmp_path / "a.txt", "--pq"), "-o", sealed, plain)
    keygen(tmp_path / "other.txt", "--pq")
    out = tmp_path / "out.txt"
    one_line_error(peluit("age", "-d", "-i", tmp_path / "other.txt", "-o", out, sealed), "match")
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_truncated_file_fails_and_keeps_the_previous_output(tmp_path: Path, plain: Path) -> None:
    key = tmp_path / "a.txt"
    sealed = tmp_path / "laporan.age"
    peluit("age", "-r", keygen(key, "--pq"), "-o", sealed, plain)
    sealed.write_bytes(sealed.read_bytes()[:-1000])
    out = tmp_path / "out.txt"
    out.write_bytes(b"earlier result")
    one_line_error(peluit("age", "-d", "-i", key, "-o", out, sealed), "truncated")
    assert out.read_bytes() == b"earlier result"


def test_non_age_input_is_refused(tmp_path: Path) -> None:
    key = tmp_path / "a.txt"
    keygen(key, "--pq")
    one_line_error(peluit("age", "-d", "-i", key, stdin=b"\xff\xd8\xff\xe0JFIF"), "not an age")


def test_passphrase_file_round_trip_and_wrong_passphrase(tmp_path: Path, plain: Path) -> None:
    good, bad = tmp_path / "good", tmp_path / "bad"
    good.write_text("kuda laut berenang pelan\n")
    bad.write_text("kuda laut\n")
    sealed = tmp_path / "secret.age"
    assert peluit("age", "--passphrase-file", good, "-o", sealed, plain).returncode == 0
    opened = peluit("age", "-d", "--passphrase-file", good, sealed)
    assert opened.stdout == plain.read_bytes()
    one_line_error(peluit("age", "-d", "--passphrase-file", bad, sealed), "match")


def test_armored_output_round_trips(tmp_path: Path, plain: Path) -> None:
    key = tmp_path / "a.txt"
    sealed = peluit("age", "-a", "-r", keygen(key, "--pq"), plain)
    assert sealed.stdout.startswith(b"-----BEGIN AGE ENCRYPTED FILE-----\n")
    assert peluit("age", "-d", "-i", key, stdin=sealed.stdout).stdout == plain.read_bytes()


def test_missing_recipients_and_unknown_command_are_usage_errors(plain: Path) -> None:
    one_line_error(peluit("age", plain), "missing recipients")
    assert peluit("no-such-command").returncode == 2
