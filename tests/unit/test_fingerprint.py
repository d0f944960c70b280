"""Fingerprints: short, stable, and different whenever either public key differs."""

from __future__ import annotations

import hashlib
import re

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from peluit import age
from peluit.keys import KeyFile, encode_public_key, fingerprint, numeric_fingerprint

pytestmark = pytest.mark.unit

CROCKFORD_GROUPS = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}")
DIGIT_GROUPS = re.compile(r"[0-9]{5}(-[0-9]{5}){5}")


@pytest.fixture(scope="module")
def people() -> tuple[KeyFile, KeyFile]:
    return (
        KeyFile.generate("rina", "Rina", ("reviewer",)),
        KeyFile.generate("agus", "Agus", ("reviewer",)),
    )


def test_a_fingerprint_is_five_groups_of_four_crockford_characters(
    people: tuple[KeyFile, KeyFile],
) -> None:
    rina, _ = people
    assert CROCKFORD_GROUPS.fullmatch(rina.fingerprint)
    assert DIGIT_GROUPS.fullmatch(numeric_fingerprint(rina.age_recipient, rina.signing_public_key))


def test_a_fingerprint_is_the_same_every_time(people: tuple[KeyFile, KeyFile]) -> None:
    rina, _ = people
    first = fingerprint(rina.age_recipient, rina.signing_public_key)
    assert fingerprint(rina.age_recipient, rina.signing_public_key) == first
    assert first == rina.fingerprint


def test_changing_either_key_changes_both_fingerprints(people: tuple[KeyFile, KeyFile]) -> None:
    rina, agus = people
    pairs = [
        (rina.age_recipient, rina.signing_public_key),
        (agus.age_recipient, rina.signing_public_key),
        (rina.age_recipient, agus.signing_public_key),
        (agus.age_recipient, agus.signing_public_key),
    ]
    assert len({fingerprint(*pair) for pair in pairs}) == 4
    assert len({numeric_fingerprint(*pair) for pair in pairs}) == 4


def test_a_known_answer_pins_the_construction() -> None:
    """SHA-256("peluit/fingerprint/v1\\0" || 1216-byte recipient || 32-byte key), first
    100 bits in Crockford base32: a change here breaks every printed fingerprint."""
    identity = age.HybridIdentity(bytes(range(32)))
    signing = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(32, 64)))
    recipient = identity.recipient().encode()
    public = encode_public_key(signing.public_key())
    digest = hashlib.sha256(
        b"peluit/fingerprint/v1\x00"
        + identity.recipient().public
        + signing.public_key().public_bytes_raw()
    ).digest()
    number = int.from_bytes(digest, "big") >> 156
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    expected = "".join(alphabet[(number >> (5 * i)) & 31] for i in reversed(range(20)))
    assert fingerprint(recipient, public).replace("-", "") == expected
    assert numeric_fingerprint(recipient, public).replace("-", "") == (
        f"{int.from_bytes(digest[:16], 'big') % 10**30:030d}"
    )
