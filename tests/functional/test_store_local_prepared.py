"""The local store's prepared writes (ADR 0060): made ready in a temp file no read, listing or
key shows, then linked into place create-only and whole, or dropped leaving nothing."""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from peluit.core.write_steps import StepWrites
from peluit.store.errors import (
    InvalidKeyError,
    ObjectChangedError,
    ObjectExistsError,
    ObjectNotFoundError,
    StoreError,
)
from peluit.store.local import LocalStore
from peluit.store.port import PreparesWrites
from tests.support.fakes import MemoryStore

pytestmark = pytest.mark.functional

KEY = "cases/0123456789abcdef/report.age"
DATA = b"age-encryption.org/v1\n" + os.urandom(3000)


def clock() -> datetime:
    return datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> LocalStore:
    return LocalStore(tmp_path, clock)


def temps(root: Path) -> list[Path]:
    return list((root / "objects").rglob(".tmp-*"))


def test_a_prepared_write_is_invisible_until_committed(store: LocalStore, tmp_path: Path) -> None:
    prepared = store.prepare_new(KEY, DATA)

    assert len(temps(tmp_path)) == 1  # written and fsynced ahead
    with pytest.raises(ObjectNotFoundError):
        store.get(KEY)
    assert list(store.list_keys("")) == []
    assert list(store.list("cases/")) == []

    info = prepared.commit()

    assert store.get(KEY) == DATA
    assert info.etag == hashlib.sha256(DATA).hexdigest()
    assert store.head(KEY) == info
    assert temps(tmp_path) == []


def test_a_prepared_write_is_create_only_at_its_commit(store: LocalStore, tmp_path: Path) -> None:
    prepared = store.prepare_new(KEY, DATA)
    store.put_new(KEY, b"written first by a racing request")

    with pytest.raises(ObjectExistsError):
        prepared.commit()

    assert store.get(KEY) == b"written first by a racing request"
    assert temps(tmp_path) == []


def test_a_discarded_write_leaves_nothing(store: LocalStore, tmp_path: Path) -> None:
    prepared = store.prepare_new(KEY, DATA)

    prepared.discard()
    prepared.discard()

    assert temps(tmp_path) == []
    assert list(store.list_keys("")) == []
    with pytest.raises(StoreError, match="already committed or dropped"):
        prepared.commit()


def test_a_write_commits_once(store: LocalStore) -> None:
    prepared = store.prepare_new(KEY, DATA)
    prepared.commit()

    with pytest.raises(StoreError, match="already committed or dropped"):
        prepared.commit()
    prepared.discard()  # nothing left to drop

    assert store.get(KEY) == DATA


def test_a_prepared_write_checks_its_key_at_once(store: LocalStore) -> None:
    with pytest.raises(InvalidKeyError):
        store.prepare_new("../outside", DATA)


def test_a_crash_amid_a_step_leaves_whole_objects_or_none(
    store: LocalStore, tmp_path: Path
) -> None:
    """Of a step's prepared writes, those committed before the crash are whole; the others are
    temp files no read sees (nothing is cleaned up: the process is gone)."""
    objects = {f"cases/0123456789abcdef/o{n}.age": os.urandom(5000 + n) for n in range(4)}
    prepared = {key: store.prepare_new(key, data) for key, data in objects.items()}
    committed = list(objects)[:2]
    for key in committed:
        prepared[key].commit()

    assert sorted(store.list_keys("cases/")) == committed
    for key in committed:
        assert store.get(key) == objects[key]
    for key in list(objects)[2:]:
        with pytest.raises(ObjectNotFoundError):
            store.get(key)
    assert len(temps(tmp_path)) == 2


def test_a_prepared_copy_raises_at_its_commit_what_copy_new_would(store: LocalStore) -> None:
    missing = store.prepare_copy("staging/" + "a" * 32 + "/00/00000.age", KEY)

    with pytest.raises(ObjectNotFoundError):
        missing.commit()
    assert list(store.list_keys("")) == []


def test_a_prepared_copy_of_a_source_that_is_not_what_was_checked_is_refused(
    store: LocalStore,
) -> None:
    """The staged key was expired and uploaded again (another file, which this store hashed
    when it was written) between the check and the copy: the checked SHA-256 tells."""
    source = "staging/" + "a" * 32 + "/00/00000.age"
    store.put_new(source, DATA)
    checked = hashlib.sha256(DATA).digest()
    os.unlink(store._files.path(source))
    store.put_new(source, b"age-encryption.org/v1\n" + os.urandom(3000))

    with pytest.raises(ObjectChangedError):
        store.prepare_copy(source, KEY, checked).commit()
    assert list(store.list_keys("cases/")) == []
    # what the key holds now, checked as such, is copied
    now = hashlib.sha256(store.get(source)).digest()
    store.prepare_copy(source, KEY, now).commit()
    assert store.get(KEY) == store.get(source)


def test_step_writes_prepare_on_a_local_store_and_put_on_one_without(
    store: LocalStore, tmp_path: Path
) -> None:
    memory = MemoryStore()
    assert isinstance(store, PreparesWrites)
    assert not isinstance(memory, PreparesWrites)
    for target in (store, memory):
        target.put_new("staging/u/00/00000.age", b"segment")
        with StepWrites(
            target,
            [(KEY, DATA), ("lookup/k", b"{}")],
            [("staging/u/00/00000.age", "cases/c/s", hashlib.sha256(b"segment").digest())],
        ) as writes:
            for prepare in writes.preparations():
                prepare()
            writes.put(KEY)
            writes.put("cases/c/s")
        # left un-put: dropped on exit
        assert target.get(KEY) == DATA
        assert target.get("cases/c/s") == b"segment"
        with pytest.raises(ObjectNotFoundError):
            target.get("lookup/k")
    assert temps(tmp_path) == []
    assert StepWrites(memory, [(KEY, DATA)]).preparations() == []
