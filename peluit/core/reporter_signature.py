"""The reporter's signatures (docs/format.md, "The reporter's signatures"; ADR 0034).

The server stores everything the reporter sends and could replace it: a new `report.age`, a
reporter message nobody wrote. age does not authenticate the sender, so the review tool could
not tell. The reporter therefore signs what they send with an Ed25519 key derived from the
receipt code (`ReceiptCode.signing_seed`, HKDF info "reporter-signing"): the public key goes to
the server once, at finalization, into the lookup entry and `reply.json` (create-only); the
review tool verifies each signature against the SHA-256 of the ciphertext it fetched.

A statement is UTF-8 text, one line per item, each ending in a line feed:

    peluit-reporter/1
    report <hex SHA-256 of report.age>
    identity <hex SHA-256 of identity.age, or ->

for a finalization, and for each message (a manifest of evidence added later included):

    peluit-reporter/1
    message <hex SHA-256 of the message's age file>

Whoever holds the receipt code can sign too: a signature proves the content came from the
code's holder, not who that is.
"""

from __future__ import annotations

import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

LABEL = "peluit-reporter/1"
KEY_BYTES = 32
SIGNATURE_BYTES = 64


def report_statement(report: bytes, identity: bytes | None) -> bytes:
    """What a finalization signs: the report's and the identity block's SHA-256."""
    return report_statement_of(
        hashlib.sha256(report).hexdigest(),
        hashlib.sha256(identity).hexdigest() if identity is not None else None,
    )


def report_statement_of(report_sha256: str, identity_sha256: str | None) -> bytes:
    return f"{LABEL}\nreport {report_sha256}\nidentity {identity_sha256 or '-'}\n".encode()


def message_statement(message: bytes) -> bytes:
    """What a reporter's message (or evidence manifest) signs: its ciphertext's SHA-256."""
    return message_statement_of(hashlib.sha256(message).hexdigest())


def message_statement_of(message_sha256: str) -> bytes:
    return f"{LABEL}\nmessage {message_sha256}\n".encode()


def public_key(seed: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()


def sign(seed: bytes, statement: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(seed).sign(statement)


def verify(key: bytes, signature: bytes, statement: bytes) -> bool:
    """Whether `signature` is `key`'s over `statement`; never raises for malformed input."""
    if len(key) != KEY_BYTES or len(signature) != SIGNATURE_BYTES:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(key).verify(signature, statement)
    except (InvalidSignature, ValueError):
        return False
    return True
