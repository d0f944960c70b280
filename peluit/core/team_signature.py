"""The review team's signatures on its messages to the reporter (docs/format.md, "The team's
signatures"; ADR 0040).

Anyone who holds the reply key's *public* half (the server does) can encrypt a message to the
reporter, and age does not say who wrote it. So the reviewer who writes a message signs it with
their roster Ed25519 key (the key file's `signing_key`, whose public half is the roster's
`signing_key`), and the follow-up page and `peluit followup` check the signature against the
channel's reviewers' keys as the signed release publishes them (`channels.json`
`reply_signers`). The signature is over this statement, UTF-8, one line per item, each ending
in a line feed:

    peluit-team/1
    case <the case id, 16 lowercase characters>
    seq <the message's number in the thread, decimal>
    on <the day it was numbered, YYYY-MM-DD>
    message <hex SHA-256 of the message's age file>

The case, number and day bind the message to its place: a server cannot show it on another
case, move it in the thread, replay it later or re-date it. The SHA-256 covers the whole
ciphertext, hence the `peluit-reply/1` document inside it and the manifest of the files
attached to the reply (each segment's size and SHA-256).
"""

from __future__ import annotations

import hashlib
import re

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .ids import is_case_id

LABEL = "peluit-team/1"
SIGNATURE_BYTES = 64
MAX_SEQ = 99_999
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def statement(case: str, seq: int, on: str, message: bytes) -> bytes:
    """What a team message signs: its case, number, day and ciphertext's SHA-256."""
    return statement_of(case, seq, on, hashlib.sha256(message).hexdigest())


def statement_of(case: str, seq: int, on: str, message_sha256: str) -> bytes:
    if not is_case_id(case):
        raise ValueError("a statement names a case id (16 characters)")
    if not 1 <= seq <= MAX_SEQ:
        raise ValueError("a message's number is 1…99999")
    if not _DAY.fullmatch(on):
        raise ValueError("a day is YYYY-MM-DD")
    return f"{LABEL}\ncase {case}\nseq {seq}\non {on}\nmessage {message_sha256}\n".encode()


def sign(key: Ed25519PrivateKey, text: bytes) -> bytes:
    return key.sign(text)


def verify(key: Ed25519PublicKey, signature: bytes, text: bytes) -> bool:
    """Whether `signature` is `key`'s over `text`; never raises for a malformed signature."""
    if len(signature) != SIGNATURE_BYTES:
        return False
    try:
        key.verify(signature, text)
    except InvalidSignature:
        return False
    return True


def signed_by_any(keys: list[Ed25519PublicKey], signature: bytes, text: bytes) -> bool:
    """Whether one of `keys` (a channel's reviewers) made `signature` over `text`."""
    return any(verify(key, signature, text) for key in keys)
