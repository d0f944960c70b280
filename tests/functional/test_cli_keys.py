"""`peluit keygen`, `peluit roster` and `peluit audit verify` as a person uses them."""

from __future__ import annotations

import json
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from peluit.cli import keys_cmd
from peluit.config import load_config
from peluit.core import layout
from peluit.core.audit import AuditLog
from peluit.core.canonical import canonical
from peluit.keys import open_key_file
from peluit.store.local import LocalStore
from tests.support.factory import example_path
from tests.support.fakes import FixedClock
from tests.support.submitting import run_peluit_bytes as peluit

pytestmark = pytest.mark.functional

PASSPHRASE = "sambal lado mudo tiap pagi"  # noqa: S105 - a test passphrase


@pytest.fixture
def passphrase_file(tmp_path: Path) -> Path:
    path = tmp_path / "passphrase.txt"
    path.write_text(PASSPHRASE + "\n")
    return path


def keygen(tmp_path: Path, passphrase_file: Path, *flags: str) -> tuple[Path, str]:
    key = tmp_path / "rina.key"
    result = peluit(
        "keygen", "--name", "Rina Wati (Inspektorat)", "-o", key,
        "--passphrase-file", passphrase_file, "--work-factor", "4", *flags,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return key, result.stdout.decode()


def test_keygen_writes_a_private_sealed_key_file_and_prints_the_roster_entry(
    tmp_path: Path, passphrase_file: Path
) -> None:
    key_path, entry = keygen(tmp_path, passphrase_file, "--roles", "reviewer,custodian")

    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    key = open_key_file(key_path.read_bytes(), PASSPHRASE)
    assert (key.person, key.roles) == ("rina-wati-inspektorat", ("reviewer", "custodian"))
    assert b"AGE-SECRET-KEY" not in key_path.read_bytes()
    assert f"# Fingerprint: {key.fingerprint}" in entry
    assert f'age_recipient = "{key.age_recipient}"' in entry
    assert f'signing_key = "{key.signing_public_key}"' in entry
    assert "AGE-SECRET-KEY" not in entry


def test_keygen_refuses_to_overwrite_and_leaves_the_file(
    tmp_path: Path, passphrase_file: Path
) -> None:
    key_path, _ = keygen(tmp_path, passphrase_file)
    before = key_path.read_bytes()
    result = peluit(
        "keygen", "--name", "Rina", "-o", key_path, "--passphrase-file", passphrase_file,
    )  # fmt: skip
    assert result.returncode == 1
    assert b"already exists" in result.stderr
    assert key_path.read_bytes() == before


def test_keygen_asks_twice_on_the_terminal_and_refuses_a_mismatch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers: Iterator[str] = iter([PASSPHRASE, PASSPHRASE + "!"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    key_path = tmp_path / "k.key"

    assert keys_cmd.main(["--name", "Rina", "-o", str(key_path), "--work-factor", "4"]) == 1
    assert "differ" in capsys.readouterr().err
    assert not key_path.exists()
    assert list(tmp_path.iterdir()) == []

    answers = iter([PASSPHRASE, PASSPHRASE])
    assert keys_cmd.main(["--name", "Rina", "-o", str(key_path), "--work-factor", "4"]) == 0
    assert open_key_file(key_path.read_bytes(), PASSPHRASE).person == "rina"


def test_keygen_refuses_a_short_passphrase(tmp_path: Path) -> None:
    short = tmp_path / "short.txt"
    short.write_text("pendek\n")
    result = peluit("keygen", "--name", "Rina", "-o", tmp_path / "k", "--passphrase-file", short)
    assert result.returncode == 1
    assert b"at least 12" in result.stderr
    assert not (tmp_path / "k").exists()


def test_keygen_output_goes_into_the_roster_and_lists_with_the_same_fingerprint(
    tmp_path: Path, passphrase_file: Path
) -> None:
    config = tmp_path / "peluit.toml"
    shutil.copy(example_path(), config)
    config.chmod(0o640)
    key_path, entry = keygen(tmp_path, passphrase_file, "--id", "rina2")
    key = open_key_file(key_path.read_bytes(), PASSPHRASE)

    added = peluit("roster", "--config", config, "add", "-", stdin=entry.encode())
    assert added.returncode == 0, added.stderr
    assert key.fingerprint in added.stdout.decode()
    assert stat.S_IMODE(config.stat().st_mode) == 0o640
    assert load_config(config).person("rina2").signing_key == key.signing_public_key

    listed = peluit("roster", "--config", config, "list").stdout.decode().splitlines()
    assert f"rina2\tRina Wati (Inspektorat)\treviewer\t{key.fingerprint}" in listed
    assert "rina\tRina (Inspektorat, penelaah)\treviewer\t(no signing key)" in listed

    again = peluit("roster", "--config", config, "add", "-", stdin=entry.encode())
    assert again.returncode == 1
    assert b"already has" in again.stderr

    removed = peluit("roster", "--config", config, "remove", "rina2")
    assert removed.returncode == 0, removed.stderr
    assert config.read_text() == example_path().read_text()


def test_roster_refuses_to_remove_someone_a_channel_names_and_keeps_the_file(
    tmp_path: Path,
) -> None:
    config = tmp_path / "peluit.toml"
    shutil.copy(example_path(), config)
    result = peluit("roster", "--config", config, "remove", "agus")
    assert result.returncode == 1
    assert b"unknown person 'agus'" in result.stderr
    assert config.read_text() == example_path().read_text()


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    root = tmp_path / "store"
    store = LocalStore(root, FixedClock())
    log = AuditLog(store, FixedClock(), "Asia/Jakarta")
    for _ in range(4):
        log.append("rina", "case.read", "k3v92m7qx0ab4fzt")
    return root


def test_audit_verify_reports_the_chain_and_its_head(store_dir: Path) -> None:
    result = peluit("audit", "verify", "--store", store_dir)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode().splitlines()
    assert lines[0] == "audit chain OK: 4 events"
    head = lines[1].removeprefix("head: ")
    assert peluit("audit", "verify", "--store", store_dir, "--anchor", head).returncode == 0


def test_audit_verify_names_the_first_broken_link(store_dir: Path) -> None:
    path = store_dir / "objects" / layout.audit_event(1)
    event = json.loads(path.read_bytes())
    event["actor"] = "agus"
    path.write_bytes(canonical(event))

    result = peluit("audit", "verify", "--store", store_dir)
    assert result.returncode == 1
    assert b"BROKEN" in result.stderr
    assert b"event 2" in result.stderr


def test_audit_verify_does_not_create_a_store_where_there_is_none(tmp_path: Path) -> None:
    result = peluit("audit", "verify", "--store", tmp_path / "nothing")
    assert result.returncode == 2
    assert not (tmp_path / "nothing").exists()
