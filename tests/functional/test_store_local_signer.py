"""The local store and its URL signer are two objects: a store given no signer holds no secret,
reads and writes as any store, and refuses every presigned URL; `peluit audit verify` opens its
store so. A signer's URLs are its own: another secret, or the same terms signed for the other
direction, do not pass."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from peluit.cli import audit_cmd
from peluit.core.audit import AuditLog, verify_chain
from peluit.store.errors import DownloadRejectedError, StoreError, UploadRejectedError
from peluit.store.local import LocalStore, LocalUrlSigner
from tests.support.fakes import FixedClock

pytestmark = pytest.mark.functional

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
DIGEST = bytes(32)
MINUTE = timedelta(minutes=1)


def query_of(url: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(url)
    return parts.path.split("/", 2)[2], dict(parse_qsl(parts.query))


def test_a_store_without_a_signer_reads_writes_and_expires(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "store", lambda: NOW)
    store.put_new("staging/u1/00", b"one")
    info = store.replace("reports/r1", b"two", None)
    store.replace("reports/r1", b"three", info.etag)

    assert store.get("reports/r1") == b"three"
    assert [i.key for i in store.list("")] == ["reports/r1", "staging/u1/00"]
    assert store.expire("staging/", timedelta(seconds=1)) == 0


def test_a_store_without_a_signer_refuses_every_presigned_url(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "store", lambda: NOW)
    store.put_new("a/one", b"x")
    calls: list[Callable[[], object]] = [
        lambda: store.presign_put("a/two", 1, DIGEST, MINUTE),
        lambda: store.presign_get("a/one", MINUTE),
        lambda: store.accept_upload("a/two", {}, {}, io.BytesIO(b"y"), 1),
        lambda: store.open_download("a/one", {}),
    ]
    for call in calls:
        with pytest.raises(StoreError, match="no URL signer"):
            call()
    assert [i.key for i in store.list("")] == ["a/one"]


def test_audit_verify_opens_its_store_without_a_signer_and_reads_the_chain(
    tmp_path: Path,
) -> None:
    root = tmp_path / "store"
    log = AuditLog(LocalStore(root, FixedClock()), FixedClock(), "Asia/Jakarta")
    log.append("rina", "case.read", "k3v92m7qx0ab4fzt")

    store = audit_cmd._open(root)

    assert verify_chain(store, None).events == 1
    with pytest.raises(StoreError, match="no URL signer"):
        store.presign_get("audit/00000000.json", MINUTE)


def test_the_signer_refuses_a_secret_shorter_than_32_bytes() -> None:
    with pytest.raises(ValueError, match="at least 32 bytes"):
        LocalUrlSigner(b"s" * 31, "/_upload")


def test_a_url_is_good_only_for_the_signer_that_made_it(tmp_path: Path) -> None:
    ours = LocalUrlSigner(b"s" * 32, "/_upload", "/_download")
    theirs = LocalUrlSigner(b"t" * 32, "/_upload", "/_download")
    key, query = query_of(theirs.download_url("a/one", MINUTE, NOW))

    ours.check_download(*query_of(ours.download_url("a/one", MINUTE, NOW)), NOW)
    with pytest.raises(DownloadRejectedError, match="signature"):
        ours.check_download(key, query, NOW)

    ticket = theirs.upload_ticket("a/two", 1, DIGEST, MINUTE, NOW)
    key, query = query_of(ticket.url)
    with pytest.raises(UploadRejectedError, match="signature"):
        ours.upload_terms(key, query, ticket.headers, 1, NOW)
    assert theirs.upload_terms(key, query, ticket.headers, 1, NOW) == (1, DIGEST)


def test_the_signer_keeps_no_clock_the_store_gives_it_the_time(tmp_path: Path) -> None:
    signer = LocalUrlSigner(b"s" * 32, "/_upload", "/_download")
    key, query = query_of(signer.download_url("a/one", MINUTE, NOW))

    signer.check_download(key, query, NOW + MINUTE - timedelta(microseconds=1))
    with pytest.raises(DownloadRejectedError, match="expired"):
        signer.check_download(key, query, NOW + MINUTE)
