"""The reporter's signatures (docs/format.md, "The reporter's signatures"; ADR 0034).

The server stores everything the reporter sends and could replace it: a new `report.age`, a
reporter message nobody wrote. age does not authenticate the sender, so the review tool could
not tell. The reporter therefore signs what they send with an Ed25519 key derived from the
receipt code (`ReceiptCode.signing_seed`, HKDF info "reporter-signing"): the public key goes to
the server once, at finalization, into the lookup entry and `reply.json` (create-only); the
review tool verifies each signature against the SHA-256 of the ciphertext it fetched.

A statement is UTF-8 text, one line per item, each ending in a line feed. Version 2 (every
current client; ADR 0042) binds each signature to its place:

    peluit-reporter/2
    case <the case id, 16 lowercase characters>
    report <hex SHA-256 of report.age>
    identity <hex SHA-256 of identity.age, or ->
    reply <the reply recipient, age1pq1…>

for a finalization — the reply key the team encrypts its answers to is the reporter's word, not
the server's — and for each message (a manifest of evidence added later included):

    peluit-reporter/2
    case <the case id>
    seq <the message's number in the thread, decimal>
    message <hex SHA-256 of the message's age file>

Version 1 (cases filed before version 2) had only the `report`/`identity` lines, or only the
`message` line: it binds neither the reply key nor the case or the message's place. Such cases
are still checked, as older ones.

Whoever holds the receipt code can sign too: a signature proves the content came from the
code's holder, not who that is.
"""

from __future__ import annotations

import hashlib
import re
from typing import Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .ids import is_case_id

LABEL = "peluit-reporter/1"
LABEL_V2 = "peluit-reporter/2"
KEY_BYTES = 32
SIGNATURE_BYTES = 64
MAX_SEQ = 99_999
Version = Literal[1, 2]
CURRENT: Version = 2
_SPACE = re.compile(r"\s")  # as str.isspace, in one pass of C (a reply key is ~2 KB)


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


def finalize_statement(
    case: str, report: bytes, identity: bytes | None, reply_recipient: str
) -> bytes:
    """What a version-2 finalization signs: the case, the report's and the identity block's
    SHA-256, and the reply key."""
    return finalize_statement_of(
        case,
        hashlib.sha256(report).hexdigest(),
        hashlib.sha256(identity).hexdigest() if identity is not None else None,
        reply_recipient,
    )


def finalize_statement_of(
    case: str, report_sha256: str, identity_sha256: str | None, reply_recipient: str
) -> bytes:
    _check_case(case)
    if not reply_recipient.isascii() or _SPACE.search(reply_recipient):
        raise ValueError("a reply recipient is one word of ASCII")
    return (
        f"{LABEL_V2}\ncase {case}\nreport {report_sha256}\n"
        f"identity {identity_sha256 or '-'}\nreply {reply_recipient}\n"
    ).encode()


def placed_message_statement(case: str, seq: int, message: bytes) -> bytes:
    """What a version-2 reporter's message signs: its case, its number in the thread and its
    ciphertext's SHA-256."""
    return placed_message_statement_of(case, seq, hashlib.sha256(message).hexdigest())


def placed_message_statement_of(case: str, seq: int, message_sha256: str) -> bytes:
    _check_case(case)
    if not 1 <= seq <= MAX_SEQ:
        raise ValueError("a message's number is 1…99999")
    return f"{LABEL_V2}\ncase {case}\nseq {seq}\nmessage {message_sha256}\n".encode()


def _check_case(case: str) -> None:
    if not is_case_id(case):
        raise ValueError("a statement names a case id (16 characters)")


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
