"""A release in the release log: a short record (the manifest's SHA-256 and commit), the
release archived beside it, appended once, and found again from the newest entry back."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from peluit import tlog
from peluit.release import make_release, parse_note, sign_as
from peluit.release.log import (
    RECORD_FORMAT,
    Record,
    RecordError,
    find_record,
    log_release,
    parse_record,
    record_of,
)
from peluit.release.manifest import LOG_DIR, RELEASE_PATH
from tests.support.releases import signed_team

pytestmark = pytest.mark.unit
COMMIT = "a" * 40


def _release(tmp_path: Path, page: str = "<p>beranda</p>") -> bytes:
    config, keys = signed_team()
    site = tmp_path / "site"
    (site / "assets").mkdir(parents=True, exist_ok=True)
    (site / "index.html").write_text(page, encoding="utf-8")
    note = make_release(config, site, COMMIT)
    for person in ("agus", "kpk-liaison"):
        note = sign_as(config, note, keys[person])
    return note.encode()


def _log() -> tuple[tlog.MemoryFiles, tlog.Ed25519Signer]:
    files, signer = (
        tlog.MemoryFiles(),
        tlog.Ed25519Signer("x.example/log", Ed25519PrivateKey.generate()),
    )
    tlog.create_log(files, signer)
    return files, signer


def test_the_record_is_three_short_lines_naming_the_manifest(tmp_path: Path) -> None:
    release = _release(tmp_path)
    record = record_of(parse_note(release))
    text = parse_note(release).text.encode("utf-8")
    assert record.encode() == (
        f"{RECORD_FORMAT}\nsha256 {hashlib.sha256(text).hexdigest()}\ncommit {COMMIT}\n".encode()
    )
    assert len(record.encode()) == 144  # with a 40-digit commit
    assert parse_record(record.encode()) == record
    assert record.archive_path == f"releases/{record.sha256}.json"


@pytest.mark.parametrize(
    "entry",
    [
        b"",
        b'{"format": "peluit-release/1"}\n',
        f"{RECORD_FORMAT}\nsha256 {'A' * 64}\ncommit unknown\n".encode(),  # upper-case hex
        f"{RECORD_FORMAT}\nsha256 {'a' * 64}\ncommit unknown".encode(),  # no final newline
        f"{RECORD_FORMAT}\nsha256 {'a' * 64}\ncommit unknown\nmore\n".encode(),
    ],
)
def test_an_entry_that_is_not_a_record_is_refused(entry: bytes) -> None:
    with pytest.raises(RecordError):
        parse_record(entry)


def test_a_release_is_appended_once_and_archived_beside_the_log(tmp_path: Path) -> None:
    files, signer = _log()
    release = _release(tmp_path)
    first = log_release(files, signer, release)
    assert (first.index, first.checkpoint.size, first.appended) == (0, 1, True)
    record = record_of(parse_note(release))
    assert files.read(record.archive_path) == release
    again = log_release(files, signer, release)
    assert (again.index, again.checkpoint.size, again.appended) == (0, 1, False)
    other = log_release(files, signer, _release(tmp_path / "b", "<p>baru</p>"))
    assert (other.index, other.checkpoint.size) == (1, 2)


def test_a_record_is_found_across_entry_bundles(tmp_path: Path) -> None:
    files, signer = _log()
    wanted = Record("b" * 64, COMMIT)
    filler = [Record(f"{i:064x}", "unknown").encode() for i in range(300)]
    tlog.append(files, signer, [*filler[:10], wanted.encode(), *filler[10:]])
    assert find_record(files, 301, wanted) == 10  # in the first (full) bundle
    assert find_record(files, 301, Record("c" * 64, COMMIT)) is None


def test_the_log_and_the_release_file_are_not_in_the_manifest(tmp_path: Path) -> None:
    config, _ = signed_team()
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>x</p>", encoding="utf-8")
    before = make_release(config, site, COMMIT).text
    (site / LOG_DIR / "tile").mkdir(parents=True)
    (site / LOG_DIR / "checkpoint").write_text("x\n", encoding="utf-8")
    (site / RELEASE_PATH).parent.mkdir(parents=True)
    (site / RELEASE_PATH).write_text("x\n", encoding="utf-8")
    assert make_release(config, site, COMMIT).text == before
