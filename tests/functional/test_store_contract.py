"""One contract for every object store adapter: the local directory and S3 (under moto)."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import requests  # moto intercepts it
from moto import mock_aws

from peluit.store.errors import (
    InvalidKeyError,
    ObjectExistsError,
    ObjectNotFoundError,
    PreconditionFailedError,
    StoreError,
)
from peluit.store.local import LocalStore, LocalUrlSigner
from peluit.store.port import ObjectStore
from peluit.store.s3 import S3Client, S3Store, make_s3_client

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

pytestmark = pytest.mark.functional

REGION = "ap-southeast-3"
UPLOAD_SECRET = b"s" * 32
NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


@pytest.fixture(scope="module")
def s3_client() -> Iterator[S3Client]:
    """An S3 client made as production makes it, talking to moto, with fake credentials
    and none of this machine's AWS settings. One per module: making a client is slow."""
    with pytest.MonkeyPatch.context() as env:
        for name in list(os.environ):
            if name.startswith("AWS_"):
                env.delenv(name)
        env.setenv("AWS_ACCESS_KEY_ID", "testing")
        env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        env.setenv("AWS_CONFIG_FILE", os.devnull)
        env.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
        with mock_aws():
            yield make_s3_client(REGION, None)


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ObjectStore:
    if request.param == "local":
        urls = LocalUrlSigner(UPLOAD_SECRET, "http://127.0.0.1:8080/upload")
        return LocalStore(tmp_path / "store", lambda: NOW, urls)
    client = request.getfixturevalue("s3_client")
    # Fresh buckets per test, in production's shape: the case bucket and the staging bucket.
    bucket = f"peluit-test-{uuid.uuid4().hex[:16]}"
    for name in (bucket, f"{bucket}-staging"):
        client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    return S3Store(client, bucket, f"{bucket}-staging")


def keys_of(store: ObjectStore, prefix: str = "") -> list[str]:
    return [info.key for info in store.list(prefix)]


class ShortStream(io.RawIOBase):
    """Gives `available` bytes, then an early end of stream."""

    def __init__(self, available: bytes) -> None:
        self._data = io.BytesIO(available)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        data = self._data.read(len(view))
        view[: len(data)] = data
        return len(data)


# -- create ---------------------------------------------------------------------------------


def test_put_new_then_get_returns_the_bytes_and_matching_info(store: ObjectStore) -> None:
    info = store.put_new("reports/r1/report.age", b"ciphertext")

    assert store.get("reports/r1/report.age") == b"ciphertext"
    assert info.key == "reports/r1/report.age"
    assert info.size == len(b"ciphertext")
    assert store.head("reports/r1/report.age") == info


def test_put_new_of_empty_object_round_trips(store: ObjectStore) -> None:
    info = store.put_new("empty", b"")

    assert store.get("empty") == b""
    assert store.head("empty").size == info.size == 0
    assert store.sha256("empty") == hashlib.sha256(b"").digest()
    assert store.read_range("empty", 0, 10) == b""


def test_put_new_on_existing_key_raises_and_keeps_first_content(store: ObjectStore) -> None:
    first = store.put_new("k", b"first")

    with pytest.raises(ObjectExistsError):
        store.put_new("k", b"second")

    assert store.get("k") == b"first"
    assert store.head("k") == first


def test_put_new_stream_stores_exactly_size_bytes_and_reads_no_further(
    store: ObjectStore,
) -> None:
    src = io.BytesIO(b"0123456789-trailing bytes that belong to someone else")

    info = store.put_new_stream("s", src, 10)

    assert store.get("s") == b"0123456789"
    assert info.size == 10
    assert src.tell() == 10
    assert store.head("s") == info


def test_put_new_stream_of_a_large_object_round_trips(store: ObjectStore) -> None:
    data = os.urandom(300_000)

    store.put_new_stream("big", io.BytesIO(data), len(data))

    assert store.get("big") == data
    assert store.sha256("big") == hashlib.sha256(data).digest()


def test_put_new_stream_from_short_source_raises_and_stores_nothing(
    store: ObjectStore,
) -> None:
    with pytest.raises(ValueError, match="ended"):
        store.put_new_stream("s", io.BufferedReader(ShortStream(b"12345")), 10)

    with pytest.raises(ObjectNotFoundError):
        store.head("s")
    assert keys_of(store) == []


def test_put_new_stream_on_existing_key_raises_and_keeps_first_content(
    store: ObjectStore,
) -> None:
    store.put_new("s", b"first")

    with pytest.raises(ObjectExistsError):
        store.put_new_stream("s", io.BytesIO(b"second"), 6)

    assert store.get("s") == b"first"


def test_put_new_stream_with_negative_size_raises_value_error(store: ObjectStore) -> None:
    with pytest.raises(ValueError, match="negative"):
        store.put_new_stream("s", io.BytesIO(b""), -1)


# -- conditional replace --------------------------------------------------------------------


def test_replace_with_current_etag_writes_and_returns_the_new_etag(store: ObjectStore) -> None:
    old = store.put_new("index.json", b'{"v": 1}')

    new = store.replace("index.json", b'{"v": 2, "more": true}', if_match=old.etag)

    assert store.get("index.json") == b'{"v": 2, "more": true}'
    assert new.etag != old.etag
    assert new.size == len(b'{"v": 2, "more": true}')
    assert store.head("index.json") == new


def test_replace_with_stale_etag_raises_and_keeps_current_content(store: ObjectStore) -> None:
    stale = store.put_new("index.json", b"v1")
    store.replace("index.json", b"v2", if_match=stale.etag)

    with pytest.raises(PreconditionFailedError):
        store.replace("index.json", b"v3 from a stale reader", if_match=stale.etag)

    assert store.get("index.json") == b"v2"


def test_replace_with_none_on_existing_key_raises_precondition_failed(
    store: ObjectStore,
) -> None:
    store.put_new("index.json", b"v1")

    with pytest.raises(PreconditionFailedError):
        store.replace("index.json", b"v2", if_match=None)

    assert store.get("index.json") == b"v1"


def test_replace_with_none_on_absent_key_creates_it(store: ObjectStore) -> None:
    info = store.replace("index.json", b"v1", if_match=None)

    assert store.get("index.json") == b"v1"
    assert store.head("index.json") == info


def test_replace_with_etag_on_absent_key_raises_precondition_failed(store: ObjectStore) -> None:
    etag = store.put_new("elsewhere", b"v1").etag

    with pytest.raises(PreconditionFailedError):
        store.replace("index.json", b"v1", if_match=etag)

    with pytest.raises(ObjectNotFoundError):
        store.head("index.json")


def test_get_with_info_gives_the_etag_a_replace_needs(store: ObjectStore) -> None:
    store.put_new("index.json", b"v1")

    data, info = store.get_with_info("index.json")
    assert info == store.head("index.json")
    store.replace("index.json", data + b"+v2", if_match=info.etag)

    assert store.get("index.json") == b"v1+v2"


# -- head, list -----------------------------------------------------------------------------


def test_head_reports_size_and_an_etag_that_changes_with_content(store: ObjectStore) -> None:
    a = store.put_new("a", b"12345")
    b = store.put_new("b", b"54321")

    assert store.head("a") == a
    assert (a.size, b.size) == (5, 5)
    assert a.etag != b.etag


# Keys whose directory-walk order differs from key order: "-" and "." sort before "/".
ORDERED_KEYS = ["r/a-x", "r/a.x", "r/a/x", "r/a/y/z", "r/a0", "r/b", "s"]


def test_list_yields_every_object_in_key_order_with_its_info(store: ObjectStore) -> None:
    written = {key: store.put_new(key, key.encode()) for key in reversed(ORDERED_KEYS)}

    listed = list(store.list(""))

    assert [info.key for info in listed] == ORDERED_KEYS
    assert listed == [written[key] for key in ORDERED_KEYS]


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("r/a", ["r/a-x", "r/a.x", "r/a/x", "r/a/y/z", "r/a0"]),
        ("r/a/", ["r/a/x", "r/a/y/z"]),
        ("r/a/y", ["r/a/y/z"]),
        ("r/", ["r/a-x", "r/a.x", "r/a/x", "r/a/y/z", "r/a0", "r/b"]),
        ("r/b", ["r/b"]),
        ("s", ["s"]),
        ("s/", []),
        ("q", []),
        ("r/a/x/", []),
    ],
)
def test_list_by_prefix_yields_keys_starting_with_it(
    store: ObjectStore, prefix: str, expected: list[str]
) -> None:
    for key in ORDERED_KEYS:
        store.put_new(key, b"x")

    assert keys_of(store, prefix) == expected


def test_list_of_empty_store_yields_nothing(store: ObjectStore) -> None:
    assert keys_of(store) == []


def test_list_during_a_write_shows_no_temp_file_or_partial_object(store: ObjectStore) -> None:
    store.put_new("staging/done", b"x")
    seen: list[list[str]] = []

    class ListingSource(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, buffer: WriteableBuffer) -> int:
            seen.append(keys_of(store))  # a write is in progress now
            memoryview(buffer).cast("B")[:1] = b"y"
            return 1

    store.put_new_stream("staging/writing", io.BufferedReader(ListingSource(), 1), 3)

    assert seen
    assert all(keys == ["staging/done"] for keys in seen)
    assert keys_of(store) == ["staging/done", "staging/writing"]


def test_failed_writes_leave_nothing_listed(store: ObjectStore) -> None:
    kept = store.put_new("kept", b"x")
    with pytest.raises(ValueError, match="ended"):
        store.put_new_stream("short", io.BufferedReader(ShortStream(b"abc")), 4)
    with pytest.raises(ObjectExistsError):
        store.put_new("kept", b"y")
    with pytest.raises(PreconditionFailedError):
        store.replace("kept", b"z", if_match="0" * 64)
    with pytest.raises(ObjectExistsError):
        store.copy_new("kept", "kept")

    assert list(store.list("")) == [kept]


# -- streams and ranges ---------------------------------------------------------------------


def test_open_streams_the_content_in_pieces(store: ObjectStore) -> None:
    data = os.urandom(200_000)
    store.put_new("attachments/1.age", data)

    with store.open("attachments/1.age") as stream:
        pieces = []
        while piece := stream.read(7_000):
            pieces.append(piece)

    assert b"".join(pieces) == data
    assert len(pieces) > 1


def test_open_reads_a_part_then_the_rest(store: ObjectStore) -> None:
    store.put_new("k", b"0123456789")

    with store.open("k") as stream:
        first = stream.read(4)
        rest = stream.read()
        end = stream.read()

    assert (first, rest, end) == (b"0123", b"456789", b"")


@pytest.mark.parametrize(
    ("start", "length", "expected"),
    [
        (0, 4, b"0123"),
        (3, 4, b"3456"),
        (8, 10, b"89"),
        (0, 10, b"0123456789"),
        (10, 5, b""),
        (50, 5, b""),
        (4, 0, b""),
    ],
)
def test_read_range_returns_up_to_length_bytes_from_start(
    store: ObjectStore, start: int, length: int, expected: bytes
) -> None:
    store.put_new("k", b"0123456789")

    assert store.read_range("k", start, length) == expected


def test_read_range_with_negative_arguments_raises_value_error(store: ObjectStore) -> None:
    store.put_new("k", b"0123456789")

    with pytest.raises(ValueError, match="negative"):
        store.read_range("k", -1, 4)
    with pytest.raises(ValueError, match="negative"):
        store.read_range("k", 0, -4)


# -- copy, checksums ------------------------------------------------------------------------


def test_copy_new_creates_an_identical_independent_object(store: ObjectStore) -> None:
    source = store.put_new("staging/u1", b"uploaded ciphertext")

    copied = store.copy_new("staging/u1", "reports/r1/report.age")
    store.replace("staging/u1", b"changed later", if_match=source.etag)

    assert store.get("reports/r1/report.age") == b"uploaded ciphertext"
    assert copied.key == "reports/r1/report.age"
    assert copied.size == source.size
    assert store.head("reports/r1/report.age") == copied
    assert store.sha256("reports/r1/report.age") == hashlib.sha256(b"uploaded ciphertext").digest()


def test_copy_new_onto_existing_key_raises_and_keeps_destination(store: ObjectStore) -> None:
    store.put_new("staging/u1", b"new")
    store.put_new("reports/r1/report.age", b"original")

    with pytest.raises(ObjectExistsError):
        store.copy_new("staging/u1", "reports/r1/report.age")

    assert store.get("reports/r1/report.age") == b"original"


def test_copy_new_from_missing_source_raises_not_found(store: ObjectStore) -> None:
    with pytest.raises(ObjectNotFoundError):
        store.copy_new("staging/missing", "reports/r1/report.age")

    assert keys_of(store) == []


def test_sha256_matches_hashlib_however_the_object_was_written(store: ObjectStore) -> None:
    data = b"age-encryption.org/v1\n" + os.urandom(5_000)
    store.put_new("a", data)
    store.put_new_stream("b", io.BytesIO(data), len(data))
    store.copy_new("a", "c")
    etag = store.put_new("d", b"old").etag
    store.replace("d", data, if_match=etag)

    expected = hashlib.sha256(data).digest()
    assert [store.sha256(key) for key in "abcd"] == [expected] * 4


# -- presigned uploads (what is common; each adapter's enforcement is tested apart) ---------


def test_presign_put_gives_a_put_ticket_carrying_the_checksum(store: ObjectStore) -> None:
    digest = hashlib.sha256(b"report").digest()

    ticket = store.presign_put("staging/u1", 6, digest, timedelta(minutes=15))

    assert ticket.method == "PUT"
    assert "staging/u1" in ticket.url
    assert ticket.headers["x-amz-checksum-sha256"] == base64.b64encode(digest).decode()


@pytest.mark.parametrize(
    ("size", "digest", "expires_in"),
    [
        (-1, bytes(32), timedelta(minutes=5)),
        (1, bytes(31), timedelta(minutes=5)),
        (1, bytes(32), timedelta(0)),
        (1, bytes(32), timedelta(days=8)),
    ],
    ids=["negative size", "short digest", "no lifetime", "over 7 days"],
)
def test_presign_put_refuses_impossible_terms(
    store: ObjectStore, size: int, digest: bytes, expires_in: timedelta
) -> None:
    with pytest.raises(ValueError, match="must"):
        store.presign_put("staging/u1", size, digest, expires_in)


# -- missing and hostile keys ---------------------------------------------------------------


def test_every_read_of_a_missing_key_raises_not_found(store: ObjectStore) -> None:
    store.put_new("present", b"x")
    reads: dict[str, Callable[[], object]] = {
        "get": lambda: store.get("absent"),
        "get_with_info": lambda: store.get_with_info("absent"),
        "open": lambda: store.open("absent"),
        "read_range": lambda: store.read_range("absent", 0, 1),
        "read_range of nothing": lambda: store.read_range("absent", 0, 0),
        "head": lambda: store.head("absent"),
        "sha256": lambda: store.sha256("absent"),
        "copy_new": lambda: store.copy_new("absent", "copy"),
        "a key under an object": lambda: store.get("present/below"),
    }

    assert _outcomes(reads) == dict.fromkeys(reads, ObjectNotFoundError.__name__)


HOSTILE_PREFIXES = [
    "../x",
    "../../escape",
    "/abs",
    "a//b",
    "A",
    "a/./b",
    "a/../b",
    "..",
    ".",
    ".hidden",
    "a/.tmp-x",
    "-lead",
    "ab/" * 200 + "c",  # 601 characters of valid segments
    "a" * 129,  # one segment too long
    "a" * 600,
    "\x00",
    "a\x00b",
    "a\nb",
    "ok\n",
    "a b",
    "é",
    "\uff52\uff45\uff50\uff4f\uff52\uff54",  # "report" in fullwidth letters
    "a\\b",
    "\\abs",
    "C:\\x",
    "%2e%2e/x",
]
HOSTILE_KEYS = [*HOSTILE_PREFIXES, "", "ok/", "ok/source/"]


@pytest.mark.parametrize("key", HOSTILE_KEYS, ids=lambda key: ascii(key)[:24])
def test_every_method_rejects_a_hostile_key_and_touches_nothing(
    store: ObjectStore, key: str, tmp_path: Path
) -> None:
    source = store.put_new("ok/source", b"x")
    digest = hashlib.sha256(b"x").digest()
    calls: dict[str, Callable[[], object]] = {
        "put_new": lambda: store.put_new(key, b"x"),
        "put_new_stream": lambda: store.put_new_stream(key, io.BytesIO(b"x"), 1),
        "replace if absent": lambda: store.replace(key, b"x", None),
        "replace if match": lambda: store.replace(key, b"x", source.etag),
        "get": lambda: store.get(key),
        "get_with_info": lambda: store.get_with_info(key),
        "open": lambda: store.open(key),
        "read_range": lambda: store.read_range(key, 0, 1),
        "head": lambda: store.head(key),
        "sha256": lambda: store.sha256(key),
        "copy_new from": lambda: store.copy_new(key, "ok/dest"),
        "copy_new to": lambda: store.copy_new("ok/source", key),
        "presign_put": lambda: store.presign_put(key, 1, digest, timedelta(minutes=5)),
        "presign_get": lambda: store.presign_get(key, timedelta(minutes=5)),
    }
    if key in HOSTILE_PREFIXES:
        calls["list"] = lambda: store.list(key)  # raises before any iteration

    assert _outcomes(calls) == dict.fromkeys(calls, InvalidKeyError.__name__)
    assert list(store.list("")) == [source]
    if isinstance(store, LocalStore):
        assert _files_outside_locks(tmp_path) == ["store/objects/ok/source"]


def _outcomes(calls: dict[str, Callable[[], object]]) -> dict[str, str]:
    outcomes = {}
    for name, call in calls.items():
        try:
            result = call()
        except (StoreError, ValueError, OSError) as e:
            outcomes[name] = type(e).__name__
        else:
            if isinstance(result, io.IOBase):
                result.close()
            outcomes[name] = "no error"
    return outcomes


def _files_outside_locks(root: Path) -> list[str]:
    return sorted(
        path.relative_to(root).as_posix()
        for path in root.rglob("*")
        if path.is_file() and path.parent.name != "locks"
    )


# -- S3 specifics under moto ----------------------------------------------------------------


@pytest.fixture
def s3(s3_client: S3Client) -> tuple[S3Store, S3Client, str]:
    bucket = f"peluit-test-{uuid.uuid4().hex[:16]}"
    s3_client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    return S3Store(s3_client, bucket), s3_client, bucket


def test_s3_keeps_short_lived_keys_out_of_the_case_bucket(s3_client: S3Client) -> None:
    """Staged uploads and nonces go to the staging bucket; finalization's copy brings a
    segment into the (Object Lock) case bucket; nothing short-lived lands there."""
    bucket = f"peluit-test-{uuid.uuid4().hex[:16]}"
    staging = f"{bucket}-staging"
    for name in (bucket, staging):
        s3_client.create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
    store = S3Store(s3_client, bucket, staging)
    segment = "staging/" + "a" * 32 + "/00/00000.age"
    store.put_new(segment, b"ciphertext")
    store.put_new("nonces/" + "b" * 64, b"")
    store.copy_new(segment, "cases/0123456789abcdef/files/00/00000.age")

    def keys(name: str) -> list[str]:
        listed = s3_client.list_objects_v2(Bucket=name).get("Contents", [])
        return sorted(str(item["Key"]) for item in listed)

    assert keys(staging) == ["nonces/" + "b" * 64, segment]
    assert keys(bucket) == ["cases/0123456789abcdef/files/00/00000.age"]
    assert store.get("cases/0123456789abcdef/files/00/00000.age") == b"ciphertext"
    assert keys_of(store, "staging/") == [segment]
    assert store.head("nonces/" + "b" * 64).size == 0


def test_s3_sha256_is_read_from_the_stored_checksum(s3: tuple[S3Store, S3Client, str]) -> None:
    store, client, bucket = s3
    recorded = base64.b64encode(bytes(range(32))).decode()
    # moto keeps a checksum without verifying it, which shows which path sha256() takes.
    client.put_object(
        Bucket=bucket, Key="k", Body=b"data", ChecksumAlgorithm="SHA256", ChecksumSHA256=recorded
    )

    assert store.sha256("k") == bytes(range(32))


def test_s3_sha256_without_stored_checksum_hashes_the_content(
    s3: tuple[S3Store, S3Client, str],
) -> None:
    store, client, bucket = s3
    client.put_object(Bucket=bucket, Key="k", Body=b"uploaded by another tool")

    assert store.sha256("k") == hashlib.sha256(b"uploaded by another tool").digest()


def test_s3_writes_store_a_sha256_checksum(s3: tuple[S3Store, S3Client, str]) -> None:
    store, client, bucket = s3
    store.put_new("a", b"x")
    store.put_new_stream("b", io.BytesIO(b"x"), 1)
    store.copy_new("a", "c")

    stored = [
        client.head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED").get("ChecksumSHA256")
        for key in "abc"
    ]

    assert stored == [base64.b64encode(hashlib.sha256(b"x").digest()).decode()] * 3


def test_s3_presigned_put_with_the_ticket_headers_creates_the_object(
    s3: tuple[S3Store, S3Client, str],
) -> None:
    store, _, _ = s3
    body = b"age-encryption.org/v1\n..."
    ticket = store.presign_put("staging/u1", len(body), hashlib.sha256(body).digest(), HOUR)

    response = requests.put(ticket.url, data=body, headers=ticket.headers, timeout=5)

    assert response.status_code == 200
    assert store.get("staging/u1") == body
    # moto drops a checksum sent without x-amz-sdk-checksum-algorithm (S3 keeps it), so
    # this sha256() hashes the content.
    assert store.sha256("staging/u1") == hashlib.sha256(body).digest()


def test_s3_list_skips_keys_outside_the_grammar(s3: tuple[S3Store, S3Client, str]) -> None:
    store, client, bucket = s3
    for key in ["Folder/", "reports/", "reports/Upper", "reports/r1"]:
        client.put_object(Bucket=bucket, Key=key, Body=b"")

    assert keys_of(store, "reports/") == ["reports/r1"]


def test_list_keys_starts_after_a_key_in_key_order(store: ObjectStore) -> None:
    keys = [
        "index/a/2026-11-01/x",
        "index/a/2026-11-01/y",
        "index/a/2026-11-02/a",
        "index/a/2026-11-02x",
        "index/a/2026-11-03/b",
        "index/ab/c",
    ]
    for key in keys:
        store.put_new(key, b"")
    for start in [*keys, "index/a/", "index/a/2026-11-01/", "index/a/2026-11-015", "index/a/z"]:
        expected = [k for k in keys if k.startswith("index/a/") and k > start]
        assert list(store.list_keys("index/a/", start_after=start)) == expected, start
    assert list(store.list_keys("index/a/", start_after=None)) == keys[:5]


def test_list_keys_names_exactly_what_list_lists(store: ObjectStore) -> None:
    for key in ("index/a/2026-11-01/x", "index/a/2026-11-02/y", "index/b/z", "other"):
        store.put_new(key, b"")
    assert list(store.list_keys("index/a/")) == [i.key for i in store.list("index/a/")]
    assert list(store.list_keys("index/")) == [
        "index/a/2026-11-01/x",
        "index/a/2026-11-02/y",
        "index/b/z",
    ]
