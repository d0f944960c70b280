"""The local store's copy: a hard link of the verified source file (ADR 0060), create-only, a
copy of its bytes where linking is not possible, and refused for a source changed in place."""

from __future__ import annotations

import errno
import hashlib
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from peluit.core.errors import SegmentMismatchError
from peluit.core.segments import Segment, copy_staged
from peluit.store.errors import (
    InvalidKeyError,
    ObjectChangedError,
    ObjectExistsError,
    ObjectNotFoundError,
)
from peluit.store.local import LocalStore

pytestmark = pytest.mark.functional

SOURCE = "staging/" + "a" * 32 + "/00/00000.age"
DEST = "cases/0123456789abcdef/files/00/00000.age"
BODY = b"age-encryption.org/v1\n" + os.urandom(70_000)


def clock() -> datetime:
    return datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> LocalStore:
    return LocalStore(tmp_path / "store", clock)


def file_of(tmp_path: Path, key: str) -> Path:
    return tmp_path / "store" / "objects" / key


def temps(tmp_path: Path) -> list[Path]:
    return [p for p in (tmp_path / "store" / "objects").rglob(".tmp-*")]


def tamper(path: Path) -> None:
    """Change a file in place, as something outside the store could (same inode)."""
    with open(path, "r+b") as f:
        f.seek(100)
        f.write(b"\xff" * 16)


def test_copy_is_a_hard_link_of_the_source_and_hashes_as_it(
    store: LocalStore, tmp_path: Path
) -> None:
    store.put_new(SOURCE, BODY)

    copied = store.copy_new(SOURCE, DEST)

    source, dest = os.stat(file_of(tmp_path, SOURCE)), os.stat(file_of(tmp_path, DEST))
    assert (dest.st_dev, dest.st_ino) == (source.st_dev, source.st_ino)  # no bytes written
    assert copied.size == len(BODY)
    assert copied.etag == hashlib.sha256(BODY).hexdigest()
    assert store.sha256(DEST) == hashlib.sha256(BODY).digest()
    assert store.get(DEST) == BODY
    assert temps(tmp_path) == []


def test_a_linked_copy_outlives_its_source_expired_or_replaced(
    store: LocalStore, tmp_path: Path
) -> None:
    etag = store.put_new(SOURCE, BODY).etag
    store.copy_new(SOURCE, DEST)

    store.replace(SOURCE, b"uploaded again", if_match=etag)
    assert store.get(DEST) == BODY
    os.unlink(file_of(tmp_path, SOURCE))  # what `expire` does to a staged file

    assert store.get(DEST) == BODY
    assert store.sha256(DEST) == hashlib.sha256(BODY).digest()


def test_a_linked_copy_is_create_only(store: LocalStore, tmp_path: Path) -> None:
    store.put_new(SOURCE, BODY)
    store.put_new(DEST, b"first")

    with pytest.raises(ObjectExistsError):
        store.copy_new(SOURCE, DEST)

    assert store.get(DEST) == b"first"
    assert os.stat(file_of(tmp_path, DEST)).st_nlink == 1


def test_the_link_itself_is_create_only_when_a_racing_copy_won(
    store: LocalStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The early existence check passes; another writer creates the key before the link."""
    store.put_new(SOURCE, BODY)
    real_link = os.link

    def racing_link(src: os.PathLike[str], dst: os.PathLike[str], **kwargs: bool) -> None:
        if not Path(dst).name.startswith(".tmp-"):  # the link to the key itself, not its temp
            Path(dst).parent.mkdir(parents=True, exist_ok=True)
            Path(dst).write_bytes(b"the other writer's")
        real_link(src, dst, **kwargs)

    monkeypatch.setattr(os, "link", racing_link)

    with pytest.raises(ObjectExistsError):
        store.copy_new(SOURCE, DEST)

    assert file_of(tmp_path, DEST).read_bytes() == b"the other writer's"
    assert [p.name for p in file_of(tmp_path, DEST).parent.iterdir()] == ["00000.age"]  # no temp


def test_a_copy_onto_a_key_other_keys_extend_is_refused(store: LocalStore) -> None:
    store.put_new(SOURCE, BODY)
    store.put_new("cases/0123456789abcdef/files/00/00000.age/x", b"below")

    with pytest.raises(InvalidKeyError):
        store.copy_new(SOURCE, DEST)


def test_a_copy_below_an_object_is_refused(store: LocalStore) -> None:
    store.put_new(SOURCE, BODY)
    store.put_new("cases/0123456789abcdef/files", b"an object")

    with pytest.raises(InvalidKeyError):
        store.copy_new(SOURCE, DEST)


def test_a_missing_source_copies_nothing(store: LocalStore, tmp_path: Path) -> None:
    with pytest.raises(ObjectNotFoundError):
        store.copy_new(SOURCE, DEST)

    assert not file_of(tmp_path, DEST).exists()


def test_a_source_changed_in_place_after_it_was_checked_is_refused(
    store: LocalStore, tmp_path: Path
) -> None:
    store.put_new(SOURCE, BODY)
    assert store.sha256(SOURCE) == hashlib.sha256(BODY).digest()  # the caller's check
    tamper(file_of(tmp_path, SOURCE))

    with pytest.raises(ObjectChangedError):
        store.copy_new(SOURCE, DEST)

    assert not file_of(tmp_path, DEST).exists()
    assert temps(tmp_path) == []


def test_where_the_filesystem_cannot_link_the_bytes_are_copied(
    store: LocalStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.put_new(SOURCE, BODY)
    real_link = os.link

    def no_cross_link(src: os.PathLike[str], dst: os.PathLike[str], **kwargs: bool) -> None:
        if ".tmp-" not in os.fspath(src):  # the copy's own temp file still links into place
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        real_link(src, dst, **kwargs)

    monkeypatch.setattr(os, "link", no_cross_link)

    copied = store.copy_new(SOURCE, DEST)

    source, dest = os.stat(file_of(tmp_path, SOURCE)), os.stat(file_of(tmp_path, DEST))
    assert dest.st_ino != source.st_ino
    assert store.get(DEST) == BODY
    assert copied.etag == hashlib.sha256(BODY).hexdigest()
    assert temps(tmp_path) == []


def test_a_source_replaced_between_open_and_link_is_not_linked(
    store: LocalStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The opened (verified) file is what is copied, never whatever the key names by then."""
    store.put_new(SOURCE, BODY)
    real_link = os.link

    linked_at_key: list[bytes] = []

    def replaced_first(src: os.PathLike[str], dst: os.PathLike[str], **kwargs: bool) -> None:
        if ".tmp-" not in os.fspath(src):
            other = Path(os.fspath(src) + ".other")
            other.write_bytes(b"uploaded again after expiry")
            os.replace(other, src)
        if Path(dst) == file_of(tmp_path, DEST):
            linked_at_key.append(Path(src).read_bytes())
        real_link(src, dst, **kwargs)

    monkeypatch.setattr(os, "link", replaced_first)

    store.copy_new(SOURCE, DEST)

    assert file_of(tmp_path, DEST).read_bytes() == BODY
    # the replacement never appeared at the key, not even for a moment (a racing retry would
    # have taken it for the copy, a crash would have kept it)
    assert all(data == BODY for data in linked_at_key)


def test_finalize_copy_refuses_a_staged_segment_changed_after_its_check(
    store: LocalStore, tmp_path: Path
) -> None:
    store.put_new(SOURCE, BODY)
    segment = Segment(file=0, index=0, size=len(BODY), sha256=hashlib.sha256(BODY).digest())
    assert store.sha256(SOURCE) == segment.sha256  # what check_staged compares
    tamper(file_of(tmp_path, SOURCE))

    with pytest.raises(SegmentMismatchError):
        copy_staged(store, "a" * 32, "0123456789abcdef", 0, [segment])

    assert not file_of(tmp_path, DEST).exists()
