"""The S3 presigned PUT policy, checked on the URL itself: moto does not enforce its terms.

The client has fake credentials; presigning is local computation, nothing goes on the network.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import unquote, urlsplit

import pytest

from peluit.store.port import UploadTicket
from peluit.store.s3 import S3Client, S3Store, make_s3_client

pytestmark = pytest.mark.unit

ACCESS_KEY = "AKIAPELUITFAKE000000"
SECRET_KEY = "fake/secret/key/for/presigning/tests/0000"  # noqa: S105 (fake)
BUCKET = "peluit-reports"
BODY = b"age-encryption.org/v1\n-> mlkem768x25519 ...\n"
DIGEST = hashlib.sha256(BODY).digest()
LIFETIME = timedelta(minutes=15)


@pytest.fixture(scope="module")
def fake_credentials() -> Iterator[None]:
    """Fake keys in the environment and none of this machine's AWS settings."""
    with pytest.MonkeyPatch.context() as env:
        for name in list(os.environ):
            if name.startswith("AWS_"):
                env.delenv(name)
        env.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        env.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        env.setenv("AWS_CONFIG_FILE", os.devnull)
        env.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
        env.setenv("AWS_EC2_METADATA_DISABLED", "true")
        yield


@pytest.fixture(scope="module")
def client(fake_credentials: None) -> S3Client:
    return make_s3_client("ap-southeast-3", None)


@pytest.fixture
def ticket(client: S3Client) -> UploadTicket:
    return S3Store(client, BUCKET).presign_put("staging/u1", len(BODY), DIGEST, LIFETIME)


def query_of(url: str) -> dict[str, str]:
    return {
        unquote(name): unquote(value)
        for name, value in (pair.split("=", 1) for pair in urlsplit(url).query.split("&"))
    }


def signed_headers(url: str) -> set[str]:
    return set(query_of(url)["X-Amz-SignedHeaders"].split(";"))


def test_presigned_put_signs_content_length_checksum_and_if_none_match(
    ticket: UploadTicket,
) -> None:
    assert signed_headers(ticket.url) == {
        "content-length",
        "host",
        "if-none-match",
        "x-amz-checksum-sha256",
    }


def test_ticket_headers_are_the_signed_ones_a_browser_may_set(ticket: UploadTicket) -> None:
    # Content-Length and Host are set by the browser itself (fetch forbids setting them).
    assert ticket.method == "PUT"
    assert ticket.headers == {
        "x-amz-checksum-sha256": base64.b64encode(DIGEST).decode(),
        "If-None-Match": "*",
    }
    assert {name.lower() for name in ticket.headers} | {"content-length", "host"} == (
        signed_headers(ticket.url)
    )


def test_terms_travel_as_signed_headers_not_as_query_parameters(ticket: UploadTicket) -> None:
    assert set(query_of(ticket.url)) == {
        "X-Amz-Algorithm",
        "X-Amz-Credential",
        "X-Amz-Date",
        "X-Amz-Expires",
        "X-Amz-SignedHeaders",
        "X-Amz-Signature",
    }


def test_presigned_put_uses_the_virtual_hosted_regional_endpoint(ticket: UploadTicket) -> None:
    url = urlsplit(ticket.url)

    assert f"{url.scheme}://{url.netloc}{url.path}" == (
        f"https://{BUCKET}.s3.ap-southeast-3.amazonaws.com/staging/u1"
    )
    assert query_of(ticket.url)["X-Amz-Credential"].endswith("/ap-southeast-3/s3/aws4_request")
    assert query_of(ticket.url)["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256"


@pytest.mark.parametrize(
    ("expires_in", "seconds"),
    [(timedelta(seconds=1), "1"), (LIFETIME, "900"), (timedelta(days=7), "604800")],
)
def test_presigned_put_expires_after_the_time_asked_for(
    client: S3Client, expires_in: timedelta, seconds: str
) -> None:
    ticket = S3Store(client, BUCKET).presign_put("staging/u1", 1, DIGEST, expires_in)

    assert query_of(ticket.url)["X-Amz-Expires"] == seconds


def test_endpoint_url_gives_path_style_urls_for_on_premise_stores(
    fake_credentials: None,
) -> None:
    minio = make_s3_client("ap-southeast-3", "https://minio.pemkab.example:9000")

    ticket = S3Store(minio, BUCKET).presign_put("staging/u1", len(BODY), DIGEST, LIFETIME)

    assert ticket.url.startswith(f"https://minio.pemkab.example:9000/{BUCKET}/staging/u1?")
    assert "if-none-match" in signed_headers(ticket.url)


def test_default_region_is_jakarta(fake_credentials: None) -> None:
    assert make_s3_client().meta.region_name == "ap-southeast-3"


def test_presign_put_refuses_objects_over_five_gib(client: S3Client) -> None:
    with pytest.raises(ValueError, match="5 GiB"):
        S3Store(client, BUCKET).presign_put("staging/u1", (5 << 30) + 1, DIGEST, LIFETIME)


# -- the signature itself, recomputed independently of botocore (AWS SigV4, query auth) ---


def browser_headers(ticket: UploadTicket, size: int) -> dict[str, str]:
    return {**ticket.headers, "Content-Length": str(size)}


def signature_matches(url: str, method: str, headers: dict[str, str]) -> bool:
    """Would S3 accept this request's presigned signature (given the right secret)?"""
    parts = urlsplit(url)
    raw = dict(pair.split("=", 1) for pair in parts.query.split("&"))
    claimed = raw.pop("X-Amz-Signature")
    names = unquote(raw["X-Amz-SignedHeaders"]).split(";")
    sent = {name.lower(): value.strip() for name, value in headers.items()}
    sent["host"] = parts.netloc
    if not set(names) <= set(sent):
        return False  # a signed header the request does not carry
    canonical_request = "\n".join(
        [
            method,
            parts.path,
            "&".join(f"{name}={value}" for name, value in sorted(raw.items())),
            "".join(f"{name}:{sent[name]}\n" for name in names),
            ";".join(names),
            "UNSIGNED-PAYLOAD",
        ]
    )
    scope = unquote(raw["X-Amz-Credential"]).split("/", 1)[1]
    string_to_sign = "\n".join(
        [
            "AWS4-HMAC-SHA256",
            raw["X-Amz-Date"],
            scope,
            hashlib.sha256(canonical_request.encode()).hexdigest(),
        ]
    )
    key = f"AWS4{SECRET_KEY}".encode()
    for part in scope.split("/"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    expected = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, claimed)


def test_a_put_with_the_ticket_headers_and_the_signed_size_matches_the_signature(
    ticket: UploadTicket,
) -> None:
    assert signature_matches(ticket.url, "PUT", browser_headers(ticket, len(BODY)))


def test_a_put_of_another_size_does_not_match_the_signature(ticket: UploadTicket) -> None:
    assert not signature_matches(ticket.url, "PUT", browser_headers(ticket, len(BODY) + 1))


def test_a_put_claiming_another_checksum_does_not_match_the_signature(
    ticket: UploadTicket,
) -> None:
    headers = browser_headers(ticket, len(BODY))
    headers["x-amz-checksum-sha256"] = base64.b64encode(bytes(32)).decode()

    assert not signature_matches(ticket.url, "PUT", headers)


def test_a_put_without_if_none_match_does_not_match_the_signature(ticket: UploadTicket) -> None:
    headers = browser_headers(ticket, len(BODY))
    del headers["If-None-Match"]

    assert not signature_matches(ticket.url, "PUT", headers)


def test_the_url_is_for_put_only(ticket: UploadTicket) -> None:
    assert not signature_matches(ticket.url, "POST", browser_headers(ticket, len(BODY)))
