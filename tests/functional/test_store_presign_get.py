"""Presigned downloads: the S3 adapter (under moto) and the local store's emulation."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests  # moto intercepts it
from moto import mock_aws

from peluit.store.errors import DownloadRejectedError, ObjectNotFoundError, StoreError
from peluit.store.local import LocalStore, LocalUrlSigner
from peluit.store.s3 import S3Store, make_s3_client

pytestmark = pytest.mark.functional

REGION = "ap-southeast-3"
NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def local(tmp_path: Path, clock: Clock) -> LocalStore:
    return LocalStore(
        tmp_path / "store", clock, LocalUrlSigner(b"s" * 32, "/_upload", "/_download")
    )


def query_of(url: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(url)
    return parts.path.removeprefix("/_download/"), dict(parse_qsl(parts.query))


def test_a_local_presigned_url_opens_the_object_until_it_expires(
    local: LocalStore, clock: Clock
) -> None:
    local.put_new("cases/c/files/00/00000.age", b"ciphertext")
    url = local.presign_get("cases/c/files/00/00000.age", timedelta(minutes=15))
    assert url.startswith("/_download/cases/c/files/00/00000.age?")

    key, query = query_of(url)
    with local.open_download(key, query) as stream:
        assert stream.read() == b"ciphertext"

    clock.now += timedelta(minutes=15)
    with pytest.raises(DownloadRejectedError, match="expired"):
        local.open_download(key, query)


def test_a_local_presigned_url_is_bound_to_its_key(local: LocalStore) -> None:
    local.put_new("a/one", b"1")
    local.put_new("a/two", b"2")
    _, query = query_of(local.presign_get("a/one", timedelta(minutes=1)))

    with pytest.raises(DownloadRejectedError, match="signature"):
        local.open_download("a/two", query)
    with pytest.raises(DownloadRejectedError):
        local.open_download("a/one", {**query, "expires": str(int(query["expires"]) + 60)})
    with pytest.raises(DownloadRejectedError):
        local.open_download("a/one", {**query, "extra": "1"})
    with pytest.raises(DownloadRejectedError):
        local.open_download("a/one", {"expires": query["expires"]})


def test_a_local_upload_url_signature_is_not_a_download_signature(local: LocalStore) -> None:
    local.put_new("a/one", b"1")
    ticket = local.presign_put("a/two", 1, os.urandom(32), timedelta(minutes=1))
    _, upload = query_of(ticket.url.replace("/_upload/", "/_download/"))
    with pytest.raises(DownloadRejectedError):
        local.open_download("a/one", {"expires": upload["expires"], "sig": upload["sig"]})


def test_a_local_presigned_url_for_a_missing_object_is_not_found(local: LocalStore) -> None:
    key, query = query_of(local.presign_get("a/none", timedelta(minutes=1)))
    with pytest.raises(ObjectNotFoundError):
        local.open_download(key, query)


def test_a_local_store_without_a_download_base_cannot_presign(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "s", lambda: NOW, LocalUrlSigner(b"s" * 32, "/_upload"))
    with pytest.raises(StoreError, match="download"):
        store.presign_get("a/one", timedelta(minutes=1))


@pytest.mark.parametrize("expires_in", [timedelta(0), timedelta(days=7, seconds=1)])
def test_impossible_expiries_are_refused(local: LocalStore, expires_in: timedelta) -> None:
    with pytest.raises(ValueError, match="expires_in"):
        local.presign_get("a/one", expires_in)


@pytest.fixture
def s3() -> Iterator[S3Store]:
    with pytest.MonkeyPatch.context() as env:
        for name in list(os.environ):
            if name.startswith("AWS_"):
                env.delenv(name)
        env.setenv("AWS_ACCESS_KEY_ID", "testing")
        env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        env.setenv("AWS_CONFIG_FILE", os.devnull)
        env.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
        with mock_aws():
            client = make_s3_client(REGION, None)
            bucket = f"peluit-test-{uuid.uuid4().hex[:16]}"
            client.create_bucket(
                Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
            )
            yield S3Store(client, bucket)


def test_an_s3_presigned_get_fetches_the_object(s3: S3Store) -> None:
    s3.put_new("cases/c/files/00/00000.age", b"ciphertext")
    url = s3.presign_get("cases/c/files/00/00000.age", timedelta(minutes=15))

    assert url.startswith("https://")
    assert "X-Amz-Expires=900" in url
    assert requests.get(url, timeout=5).content == b"ciphertext"
    with pytest.raises(ValueError, match="expires_in"):
        s3.presign_get("cases/c/x", timedelta(days=8))
