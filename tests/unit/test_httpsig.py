"""Request signatures: what the verifier insists on, one refusal reason per test."""

from __future__ import annotations

import base64
import copy
import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from http_message_signatures import HTTPMessageSigner, MappingKeyResolver, algorithms

from peluit.httpsig import errors
from peluit.httpsig.message import Message
from peluit.httpsig.sign import sign_request
from peluit.httpsig.verify import RequestVerifier

pytestmark = pytest.mark.unit

NOW = datetime(2025, 3, 3, 2, 30, tzinfo=UTC)
URL = "https://api.example.go.id/api/v1/review/cases?status=diterima"
BODY = b'{"status":"diverifikasi"}'
NONCE = "n0nce-abcdefghijklmnop"
KEY = ed25519.Ed25519PrivateKey.generate()


def verifier(now: datetime = NOW) -> RequestVerifier:
    keys = {"rina": KEY.public_key()}
    return RequestVerifier(keys.get, lambda: now)


def signed(
    body: bytes = BODY, created: datetime = NOW, nonce: str = NONCE, key_id: str = "rina"
) -> Message:
    message = Message("POST", URL, {"Content-Type": "application/json"})
    sign_request(message, body, key_id=key_id, key=KEY, created=created, nonce=nonce)
    return message


def library_signed(key_id: str = "rina", **options: object) -> Message:
    """Signed by the library directly, to make signatures our client never would."""
    message = Message("POST", URL, {})
    signer = HTTPMessageSigner(
        signature_algorithm=algorithms.ED25519,
        key_resolver=MappingKeyResolver(public_keys={}, private_keys={key_id: KEY}),
    )
    arguments: dict[str, Any] = {
        "key_id": key_id,
        "created": NOW,
        "nonce": NONCE,
        "covered_component_ids": ("@method", "@target-uri", "content-digest"),
        "body": BODY,
        **options,
    }
    signer.sign(message, **arguments)
    return message


def test_a_request_signed_by_our_client_verifies_and_names_its_signer() -> None:
    verified = verifier().verify(signed(), BODY)
    assert (verified.key_id, verified.nonce, verified.created) == ("rina", NONCE, NOW)


def test_header_names_are_matched_in_any_case() -> None:
    message = signed()
    message.headers = {k.upper(): v for k, v in message.headers.items()}
    assert verifier().verify(message, BODY).key_id == "rina"


def test_no_signature_fields_is_a_missing_signature() -> None:
    with pytest.raises(errors.SignatureMissingError):
        verifier().verify(Message("GET", URL, {}), b"")


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"covered_component_ids": ("@method", "content-digest")}, "cover"),
        ({"body": None, "covered_component_ids": ("@method", "@target-uri")}, "cover"),
        ({"nonce": None}, "state created, nonce"),
        ({"include_alg": False}, "state created, nonce"),
        ({"tag": "peluit"}, "state created, nonce"),
        ({"expires": NOW + timedelta(minutes=1)}, "state created, nonce"),
        ({"nonce": "short"}, "nonce"),
        ({"key_id": "Rina"}, "key id"),
    ],
)
def test_a_signature_that_does_not_state_or_cover_what_is_required_is_malformed(
    options: dict[str, Any], reason: str
) -> None:
    message = library_signed(**options)
    with pytest.raises(errors.SignatureMalformedError, match=reason):
        verifier().verify(message, BODY)


def test_two_signatures_are_refused() -> None:
    message = signed()
    label_input = message.headers["Signature-Input"]
    message.headers["Signature-Input"] = label_input + ", " + label_input.replace("pyhms", "b")
    with pytest.raises(errors.SignatureMalformedError, match="exactly one"):
        verifier().verify(message, BODY)


def test_a_key_id_nobody_on_the_roster_has_is_an_unknown_key() -> None:
    message = Message("POST", URL, {})
    sign_request(message, BODY, key_id="mallory", key=KEY, created=NOW, nonce=NONCE)
    with pytest.raises(errors.UnknownKeyError):
        verifier().verify(message, BODY)


# `offset`: the server's clock minus the signature's `created`
@pytest.mark.parametrize("offset", [timedelta(minutes=5), timedelta(0), -timedelta(seconds=30)])
def test_up_to_five_minutes_old_or_thirty_seconds_ahead_is_accepted(offset: timedelta) -> None:
    assert verifier(NOW + offset).verify(signed(), BODY).key_id == "rina"


@pytest.mark.parametrize(
    "offset",
    [
        timedelta(minutes=5, seconds=1),  # too old
        -timedelta(seconds=31),  # dated ahead more than the clock skew allowed
        -timedelta(minutes=5),  # issue 18 finding 9: was accepted, living 10 minutes
    ],
)
def test_older_than_five_minutes_or_dated_ahead_more_than_thirty_seconds_has_expired(
    offset: timedelta,
) -> None:
    with pytest.raises(errors.SignatureExpiredError):
        verifier(NOW + offset).verify(signed(), BODY)


def test_a_body_other_than_the_signed_one_is_a_digest_mismatch() -> None:
    with pytest.raises(errors.DigestMismatchError):
        verifier().verify(signed(), BODY + b" ")


def test_a_replaced_digest_field_breaks_the_signature() -> None:
    message = signed()
    other = base64.b64encode(hashlib.sha256(b"other").digest()).decode()
    message.headers["Content-Digest"] = f"sha-256=:{other}:"
    with pytest.raises(errors.DigestMismatchError):
        verifier().verify(message, BODY)
    with pytest.raises(errors.SignatureInvalidError):
        verifier().verify(message, b"other")


@pytest.mark.parametrize("value", [None, "sha-512=:AAAA:", "not a dictionary ((", "sha-256=abc"])
def test_a_missing_or_unusable_digest_field_is_refused(value: str | None) -> None:
    message = signed()
    if value is None:
        del message.headers["Content-Digest"]
    else:
        message.headers["Content-Digest"] = value
    with pytest.raises(errors.DigestMismatchError):
        verifier().verify(message, BODY)


@pytest.mark.parametrize(
    "change",
    [
        lambda m: setattr(m, "method", "PUT"),
        lambda m: setattr(m, "url", URL.replace("diterima", "ditolak")),
        lambda m: setattr(m, "url", URL.replace("api.example", "evil.example")),
    ],
    ids=["method", "query", "authority"],
)
def test_any_change_to_a_covered_component_invalidates_the_signature(
    change: Callable[[Message], None],
) -> None:
    message = copy.deepcopy(signed())
    change(message)
    with pytest.raises(errors.SignatureInvalidError):
        verifier().verify(message, BODY)


def test_a_signature_by_another_key_under_the_same_id_is_invalid() -> None:
    message = Message("POST", URL, {})
    other = ed25519.Ed25519PrivateKey.generate()
    sign_request(message, BODY, key_id="rina", key=other, created=NOW, nonce=NONCE)
    with pytest.raises(errors.SignatureInvalidError):
        verifier().verify(message, BODY)


def test_extra_covered_headers_are_allowed_and_bound() -> None:
    message = Message("POST", URL, {"If-Match": '"abc"'})
    sign_request(
        message,
        BODY,
        key_id="rina",
        key=KEY,
        created=NOW,
        nonce=NONCE,
        extra_components=("if-match",),
    )
    assert verifier().verify(message, BODY).key_id == "rina"
    message.headers["If-Match"] = '"def"'
    with pytest.raises(errors.SignatureInvalidError):
        verifier().verify(message, BODY)
