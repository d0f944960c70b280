"""The local store's own behaviour: emulated presigned uploads, races, expiry, its files."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import io
import multiprocessing
import os
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peluit.store.errors import (
    InvalidKeyError,
    ObjectExistsError,
    ObjectNotFoundError,
    PreconditionFailedError,
    UploadRejectedError,
)
from peluit.store.local import LocalStore, LocalUrlSigner
from peluit.store.port import ObjectInfo, UploadTicket

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

pytestmark = pytest.mark.functional

SECRET = b"k" * 32
BASE_URL = "http://127.0.0.1:8080/upload"
URLS = LocalUrlSigner(SECRET, BASE_URL)
BODY = b"age-encryption.org/v1\n" + bytes(range(256)) * 40
DIGEST = hashlib.sha256(BODY).digest()
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
LIFETIME = timedelta(minutes=15)


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def store(root: Path, clock: FakeClock) -> LocalStore:
    return LocalStore(root, clock, URLS)


@dataclasses.dataclass(frozen=True)
class Put:
    """One PUT as the local HTTP server would hand it to `accept_upload`."""

    key: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    content_length: int | None


def put_for(ticket: UploadTicket, body: bytes = BODY) -> Put:
    url = urlsplit(ticket.url)
    assert f"{url.scheme}://{url.netloc}{url.path}".startswith(f"{BASE_URL}/")
    key = url.path.removeprefix(urlsplit(BASE_URL).path + "/")
    query = dict(parse_qsl(url.query, strict_parsing=True))
    return Put(key, query, dict(ticket.headers), body, len(body))


def send(store: LocalStore, put: Put) -> ObjectInfo:
    return store.accept_upload(
        put.key, put.query, put.headers, io.BytesIO(put.body), put.content_length
    )


def leftovers(root: Path) -> list[str]:
    """Every file under the objects directory: objects and temp files alike."""
    return sorted(
        p.relative_to(root).as_posix() for p in (root / "objects").rglob("*") if p.is_file()
    )


# -- accepted uploads -----------------------------------------------------------------------


def test_upload_keeping_the_signed_terms_is_stored(store: LocalStore, root: Path) -> None:
    ticket = store.presign_put("staging/u1", len(BODY), DIGEST, LIFETIME)

    info = send(store, put_for(ticket))

    assert info == ObjectInfo("staging/u1", len(BODY), DIGEST.hex())
    assert store.get("staging/u1") == BODY
    assert store.head("staging/u1") == info
    assert leftovers(root) == ["objects/staging/u1"]


def test_ticket_is_a_put_to_the_upload_base_with_the_checksum_header(store: LocalStore) -> None:
    ticket = store.presign_put("staging/u1", len(BODY), DIGEST, LIFETIME)

    assert ticket.method == "PUT"
    assert ticket.url.startswith(f"{BASE_URL}/staging/u1?")
    assert ticket.headers == {"x-amz-checksum-sha256": base64.b64encode(DIGEST).decode()}
    assert put_for(ticket).query["expires"] == str(int((T0 + LIFETIME).timestamp()))


def test_upload_without_the_checksum_header_is_accepted(store: LocalStore) -> None:
    put = put_for(store.presign_put("staging/u1", len(BODY), DIGEST, LIFETIME))

    send(store, dataclasses.replace(put, headers={}))

    assert store.get("staging/u1") == BODY


def test_upload_header_names_are_case_insensitive(store: LocalStore) -> None:
    put = put_for(store.presign_put("staging/u1", len(BODY), DIGEST, LIFETIME))
    header = {"X-Amz-Checksum-SHA256": base64.b64encode(hashlib.sha256(b"x").digest()).decode()}

    with pytest.raises(UploadRejectedError, match="x-amz-checksum-sha256"):
        send(store, dataclasses.replace(put, headers=header))


def test_upload_just_before_expiry_is_accepted(store: LocalStore, clock: FakeClock) -> None:
    put = put_for(store.presign_put("staging/u1", len(BODY), DIGEST, LIFETIME))
    clock.now = T0 + LIFETIME - timedelta(microseconds=1)

    send(store, put)

    assert store.get("staging/u1") == BODY


def test_empty_upload_with_matching_terms_is_stored(store: LocalStore) -> None:
    empty = hashlib.sha256(b"").digest()
    put = put_for(store.presign_put("staging/empty", 0, empty, LIFETIME), b"")

    info = send(store, put)

    assert info.size == 0
    assert store.get("staging/empty") == b""


def test_upload_reads_no_further_than_the_signed_size(store: LocalStore) -> None:
    put = put_for(store.presign_put("staging/u1", len(BODY), DIGEST, LIFETIME))
    stream = io.BytesIO(BODY + b"the next request on this connection")

    store.accept_upload(put.key, put.query, put.headers, stream, put.content_length)

    assert stream.tell() == len(BODY)
    assert store.get("staging/u1") == BODY


# -- refused uploads ------------------------------------------------------------------------


def _query(put: Put, **changes: str) -> Put:
    return dataclasses.replace(put, query={**put.query, **changes})


def _without(put: Put, name: str) -> Put:
    return dataclasses.replace(put, query={k: v for k, v in put.query.items() if k != name})


def _flip_last(text: str) -> str:
    return text[:-1] + ("A" if text[-1] != "A" else "B")


def _expire(put: Put, clock: FakeClock) -> Put:
    clock.now = T0 + LIFETIME + timedelta(seconds=1)
    return put


def _at_expiry(put: Put, clock: FakeClock) -> Put:
    clock.now = T0 + LIFETIME
    return put


OTHER_BODY = bytes(reversed(BODY))  # same size, other content
REFUSALS: dict[str, tuple[Callable[[Put, FakeClock], Put], str]] = {
    "bad signature": (lambda p, _: _query(p, sig=_flip_last(p.query["sig"])), "signature"),
    "signature of other terms": (
        lambda p, _: _query(p, sig=p.query["sha256"]),
        "signature",
    ),
    "another key": (lambda p, _: dataclasses.replace(p, key="staging/u2"), "signature"),
    "size raised in the URL": (
        lambda p, _: dataclasses.replace(
            _query(p, size=str(len(BODY) + 1)), body=BODY + b"!", content_length=len(BODY) + 1
        ),
        "signature",
    ),
    "sha256 changed in the URL": (
        lambda p, _: _query(p, sha256=_flip_last(p.query["sha256"])),
        "signature|malformed",
    ),
    "expiry extended in the URL": (
        lambda p, _: _query(p, expires=str(int(p.query["expires"]) + 3600)),
        "signature",
    ),
    "expired": (_expire, "expired"),
    "at the expiry second": (_at_expiry, "expired"),
    "no signature": (lambda p, _: _without(p, "sig"), "no 'sig' parameter"),
    "no expiry": (lambda p, _: _without(p, "expires"), "no 'expires' parameter"),
    "no size": (lambda p, _: _without(p, "size"), "no 'size' parameter"),
    "no sha256": (lambda p, _: _without(p, "sha256"), "no 'sha256' parameter"),
    "size with leading zero": (lambda p, _: _query(p, size="0" + p.query["size"]), "malformed"),
    "negative expiry": (lambda p, _: _query(p, expires="-1"), "malformed"),
    "padded signature": (lambda p, _: _query(p, sig=p.query["sig"] + "="), "malformed"),
    "wrong Content-Length": (
        lambda p, _: dataclasses.replace(p, content_length=len(BODY) - 1),
        "Content-Length",
    ),
    "no Content-Length": (
        lambda p, _: dataclasses.replace(p, content_length=None),
        "Content-Length",
    ),
    "body shorter than signed": (
        lambda p, _: dataclasses.replace(p, body=BODY[:-10]),
        f"ended after {len(BODY) - 10} of the {len(BODY)} signed bytes",
    ),
    "body longer than signed": (
        lambda p, _: dataclasses.replace(p, body=BODY + b"more", content_length=len(BODY) + 4),
        "Content-Length",
    ),
    "body with another hash": (
        lambda p, _: dataclasses.replace(p, body=OTHER_BODY),
        "SHA-256 is not the one the URL was signed for",
    ),
    "checksum header of another hash": (
        lambda p, _: dataclasses.replace(
            p, headers={"x-amz-checksum-sha256": base64.b64encode(bytes(32)).decode()}
        ),
        "x-amz-checksum-sha256",
    ),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_upload_breaking_its_terms_is_refused_and_leaves_nothing(
    store: LocalStore, clock: FakeClock, root: Path, case: str
) -> None:
    tamper, message = REFUSALS[case]
    put = tamper(put_for(store.presign_put("staging/u1", len(BODY), DIGEST, LIFETIME)), clock)

    with pytest.raises(UploadRejectedError, match=message):
        send(store, put)

    for key in ("staging/u1", "staging/u2"):
        with pytest.raises(ObjectNotFoundError):
            store.head(key)
    assert leftovers(root) == []


def test_upload_url_signed_with_another_secret_is_refused(
    store: LocalStore, clock: FakeClock, tmp_path: Path, root: Path
) -> None:
    other = LocalStore(tmp_path / "other", clock, LocalUrlSigner(b"o" * 32, BASE_URL))
    put = put_for(other.presign_put("staging/u1", len(BODY), DIGEST, LIFETIME))

    with pytest.raises(UploadRejectedError, match="signature"):
        send(store, put)

    assert leftovers(root) == []


def test_upload_whose_body_fails_midway_leaves_nothing(store: LocalStore, root: Path) -> None:
    put = put_for(store.presign_put("staging/u1", len(BODY), DIGEST, LIFETIME))

    class DroppedConnection(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, buffer: WriteableBuffer) -> int:
            raise ConnectionResetError("client went away")

    with pytest.raises(ConnectionResetError):
        store.accept_upload(
            put.key, put.query, put.headers, io.BufferedReader(DroppedConnection()), len(BODY)
        )

    assert leftovers(root) == []


def test_second_upload_to_the_same_key_raises_exists_and_keeps_the_first(
    store: LocalStore, root: Path
) -> None:
    first = put_for(store.presign_put("staging/u1", len(BODY), DIGEST, LIFETIME))
    second_digest = hashlib.sha256(OTHER_BODY).digest()
    second = put_for(
        store.presign_put("staging/u1", len(OTHER_BODY), second_digest, LIFETIME), OTHER_BODY
    )
    send(store, first)

    with pytest.raises(ObjectExistsError):
        send(store, second)
    with pytest.raises(ObjectExistsError):
        send(store, first)  # a replayed URL

    assert store.get("staging/u1") == BODY
    assert leftovers(root) == ["objects/staging/u1"]


@pytest.mark.parametrize("key", ["../escape", "staging/../../x", "Staging/u1", ".tmp-x", ""])
def test_upload_to_a_hostile_key_raises_invalid_key(
    store: LocalStore, key: str, tmp_path: Path
) -> None:
    put = put_for(store.presign_put("staging/u1", len(BODY), DIGEST, LIFETIME))

    with pytest.raises(InvalidKeyError):
        send(store, dataclasses.replace(put, key=key))

    assert [p.name for p in tmp_path.iterdir()] == ["store"]
    assert leftovers(tmp_path / "store") == []


def test_store_refuses_a_short_upload_secret(tmp_path: Path, clock: FakeClock) -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        LocalUrlSigner(b"short", BASE_URL)


def test_presign_with_a_naive_clock_raises(tmp_path: Path) -> None:
    store = LocalStore(tmp_path, lambda: datetime(2026, 3, 1), URLS)

    with pytest.raises(ValueError, match="aware"):
        store.presign_put("staging/u1", 1, DIGEST, LIFETIME)


# -- races ----------------------------------------------------------------------------------

CONTENDERS = 8
PROCESSES = 4


def test_threads_racing_replace_on_the_same_etag_exactly_one_wins(store: LocalStore) -> None:
    # Small new contents reach the etag check together; hashing a large current object
    # there keeps them inside the check long enough to collide if it were not locked.
    base = os.urandom(2 << 20)
    for round_ in range(4):
        key = f"index/{round_}"
        etag = store.put_new(key, base).etag
        barrier = threading.Barrier(CONTENDERS)

        def contend(
            i: int, key: str = key, etag: str = etag, barrier: threading.Barrier = barrier
        ) -> bool:
            barrier.wait()
            try:
                store.replace(key, b"writer %d" % i, if_match=etag)
            except PreconditionFailedError:
                return False
            return True

        with ThreadPoolExecutor(CONTENDERS) as pool:
            won = list(pool.map(contend, range(CONTENDERS)))

        assert won.count(True) == 1
        assert store.get(key) == b"writer %d" % won.index(True)


def _contend_in_process(
    root: Path, key: str, etag: str, i: int, barrier: Barrier, results: Queue[tuple[int, bool]]
) -> None:
    store = LocalStore(root, lambda: T0, URLS)
    barrier.wait()
    try:
        store.replace(key, b"process %d" % i, if_match=etag)
    except PreconditionFailedError:
        results.put((i, False))
    else:
        results.put((i, True))


def test_processes_racing_replace_on_the_same_etag_exactly_one_wins(
    store: LocalStore, root: Path
) -> None:
    context = multiprocessing.get_context("fork")
    base = os.urandom(2 << 20)
    for round_ in range(3):
        key = f"index/p{round_}"
        etag = store.put_new(key, base).etag
        barrier = context.Barrier(PROCESSES)
        results: Queue[tuple[int, bool]] = context.Queue()
        processes = [
            context.Process(target=_contend_in_process, args=(root, key, etag, i, barrier, results))
            for i in range(PROCESSES)
        ]
        for process in processes:
            process.start()
        outcomes = dict(results.get(timeout=10) for _ in processes)
        for process in processes:
            process.join(timeout=10)

        winners = [i for i, won in outcomes.items() if won]
        assert len(winners) == 1
        assert store.get(key) == b"process %d" % winners[0]


def test_threads_racing_put_new_exactly_one_creates(store: LocalStore) -> None:
    barrier = threading.Barrier(CONTENDERS)

    def contend(i: int) -> bool:
        barrier.wait()
        try:
            store.put_new("claim", b"writer %d" % i)
        except ObjectExistsError:
            return False
        return True

    with ThreadPoolExecutor(CONTENDERS) as pool:
        won = list(pool.map(contend, range(CONTENDERS)))

    assert won.count(True) == 1
    assert store.get("claim") == b"writer %d" % won.index(True)


# -- expiry ---------------------------------------------------------------------------------


def _age(root: Path, key: str, age: timedelta) -> None:
    when = (datetime.now(UTC) - age).timestamp()
    os.utime(root / "objects" / key, (when, when))


@pytest.fixture
def live_store(root: Path) -> LocalStore:
    """File times are real, so expiry runs on the real clock."""
    return LocalStore(root, lambda: datetime.now(UTC), URLS)


def test_expire_deletes_only_old_objects_under_the_prefix(
    live_store: LocalStore, root: Path
) -> None:
    for key in ["staging/old1", "staging/d/old2", "staging/new", "reports/old", "stagingx/old"]:
        live_store.put_new(key, b"x")
    for key in ["staging/old1", "staging/d/old2", "reports/old", "stagingx/old"]:
        _age(root, key, timedelta(days=3))

    deleted = live_store.expire("staging/", timedelta(days=2))

    assert deleted == 2
    assert [i.key for i in live_store.list("")] == ["reports/old", "staging/new", "stagingx/old"]


def test_expire_removes_directories_it_empties_and_writes_there_still_work(
    live_store: LocalStore, root: Path
) -> None:
    live_store.put_new("staging/a/b/old", b"x")
    _age(root, "staging/a/b/old", timedelta(days=3))

    assert live_store.expire("staging/", timedelta(days=2)) == 1

    assert not (root / "objects" / "staging").exists()
    live_store.put_new("staging/a/b/next", b"y")
    assert live_store.get("staging/a/b/next") == b"y"


def test_expire_removes_stale_temp_files_but_not_a_write_in_progress(
    live_store: LocalStore, root: Path
) -> None:
    live_store.put_new("staging/keep", b"x")
    stale = root / "objects" / "staging" / ".tmp-crashed"
    fresh = root / "objects" / "staging" / ".tmp-writing"
    stale.write_bytes(b"partial")
    fresh.write_bytes(b"partial")
    when = (datetime.now(UTC) - timedelta(days=3)).timestamp()
    os.utime(stale, (when, when))

    assert live_store.expire("staging/", timedelta(days=2)) == 0

    assert not stale.exists()
    assert fresh.exists()


def test_sweep_temps_removes_a_crashed_writes_temp_files_anywhere_and_never_an_object(
    live_store: LocalStore, root: Path
) -> None:
    """A finalize that crashed between preparing its objects and linking them (ADR 0060)
    leaves case ciphertext in temp files under cases/, where no expiry prefix reaches."""
    live_store.put_new("cases/abc/report.age", b"x")
    _age(root, "cases/abc/report.age", timedelta(days=3))
    stale = root / "objects" / "cases" / "abc" / ".tmp-crashed"
    deep = root / "objects" / "lookup" / ".tmp-crashed"
    fresh = root / "objects" / "cases" / "abc" / ".tmp-writing"
    deep.parent.mkdir(parents=True)
    for path in (stale, deep, fresh):
        path.write_bytes(b"ciphertext")
    when = (datetime.now(UTC) - timedelta(days=2)).timestamp()
    for path in (stale, deep):
        os.utime(path, (when, when))

    assert live_store.sweep_temps(timedelta(days=1)) == 2

    assert not stale.exists()
    assert not deep.exists()
    assert fresh.exists()  # a write in progress
    assert live_store.get("cases/abc/report.age") == b"x"  # objects are never swept
    with pytest.raises(ValueError, match="positive"):
        live_store.sweep_temps(timedelta(0))


def test_expire_removes_the_lock_files_of_what_it_deletes(
    live_store: LocalStore, root: Path
) -> None:
    etag = live_store.put_new("staging/u1", b"x").etag
    live_store.replace("staging/u1", b"y", if_match=etag)
    assert len(list((root / "locks").iterdir())) == 1
    _age(root, "staging/u1", timedelta(days=3))

    live_store.expire("staging/", timedelta(days=2))

    assert list((root / "locks").iterdir()) == []
    etag = live_store.put_new("staging/u1", b"again").etag
    live_store.replace("staging/u1", b"and again", if_match=etag)  # a fresh lock works


def test_expire_leaves_no_lock_files_behind_for_what_it_keeps(
    live_store: LocalStore, root: Path
) -> None:
    for i in range(3):
        live_store.put_new(f"staging/fresh{i}", b"x")

    assert live_store.expire("staging/", timedelta(days=2)) == 0

    assert list((root / "locks").iterdir()) == []


@pytest.mark.parametrize(
    ("prefix", "older_than", "error"),
    [
        ("", timedelta(days=2), ValueError),
        ("staging/", timedelta(0), ValueError),
        ("staging/", timedelta(days=-1), ValueError),
        ("../", timedelta(days=2), InvalidKeyError),
        ("/", timedelta(days=2), InvalidKeyError),
    ],
)
def test_expire_refuses_an_empty_or_hostile_prefix_and_a_non_positive_age(
    live_store: LocalStore, prefix: str, older_than: timedelta, error: type[Exception]
) -> None:
    live_store.put_new("reports/r1", b"x")

    with pytest.raises(error):
        live_store.expire(prefix, older_than)

    assert live_store.get("reports/r1") == b"x"


# -- the files themselves -------------------------------------------------------------------


def test_open_returns_a_real_file(store: LocalStore) -> None:
    store.put_new("k", b"0123456789")

    with store.open("k") as f:
        assert os.fstat(f.fileno()).st_size == 10
        f.seek(5)
        assert f.read() == b"56789"


def test_objects_are_files_readable_by_the_owner_only(store: LocalStore, root: Path) -> None:
    store.put_new("reports/r1", b"x")

    assert (root / "objects" / "reports" / "r1").read_bytes() == b"x"
    assert (root / "objects" / "reports" / "r1").stat().st_mode & 0o777 == 0o600


def test_a_key_cannot_be_both_an_object_and_a_directory_of_keys(
    store: LocalStore, root: Path
) -> None:
    store.put_new("reports/r1", b"object")
    store.put_new("staging/d/x", b"below")

    with pytest.raises(InvalidKeyError, match="extend"):
        store.put_new("reports/r1/meta", b"below an object")
    with pytest.raises(InvalidKeyError, match="extend"):
        store.put_new("staging/d", b"over a directory")
    with pytest.raises(InvalidKeyError, match="extend"):
        store.replace("staging/d", b"over a directory", None)
    with pytest.raises(ObjectNotFoundError):
        store.get("staging/d")

    assert leftovers(root) == ["objects/reports/r1", "objects/staging/d/x"]


def test_list_skips_temp_lock_and_foreign_files(store: LocalStore, root: Path) -> None:
    etag = store.put_new("reports/r1", b"x").etag
    store.replace("reports/r1", b"y", if_match=etag)  # leaves a lock file
    (root / "objects" / "reports" / ".tmp-abc").write_bytes(b"partial")
    (root / "objects" / "reports" / "README").write_bytes(b"not ours")
    (root / "objects" / ".cache").mkdir()
    (root / "objects" / ".cache" / "x").write_bytes(b"not ours")
    os.symlink(root / "objects" / "reports" / "r1", root / "objects" / "reports" / "r2")

    assert [info.key for info in store.list("")] == ["reports/r1"]
    with pytest.raises(ObjectNotFoundError):
        store.get("reports/r2")  # a symlink is never an object


def test_failing_source_leaves_no_temp_file(store: LocalStore, root: Path) -> None:
    class Failing(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, buffer: WriteableBuffer) -> int:
            raise OSError("disk went away")

    with pytest.raises(OSError, match="disk went away"):
        store.put_new_stream("reports/r1", io.BufferedReader(Failing()), 10)

    assert leftovers(root) == []


SEGMENTS = st.sampled_from(["a", "b", "a-", "a.", "a0", "ab", "_", "a-b", "z9"])
KEYS = st.lists(SEGMENTS, min_size=1, max_size=3).map("/".join)


@settings(max_examples=40, deadline=None)
@given(st.sets(KEYS, min_size=1, max_size=12), st.data())
def test_list_order_is_key_order_for_any_keys(keys: set[str], data: st.DataObject) -> None:
    # On a filesystem no key can extend another by "/": keep the shorter one.
    keys = {k for k in keys if not any(k.startswith(other + "/") for other in keys)}
    prefix = data.draw(st.sampled_from(sorted({k[:n] for k in keys for n in range(len(k) + 1)})))
    with tempfile.TemporaryDirectory() as directory:
        store = LocalStore(Path(directory), lambda: T0, URLS)
        for key in data.draw(st.permutations(sorted(keys))):
            store.put_new(key, key.encode())

        assert [i.key for i in store.list("")] == sorted(keys)
        assert [i.key for i in store.list(prefix)] == sorted(
            k for k in keys if k.startswith(prefix)
        )
