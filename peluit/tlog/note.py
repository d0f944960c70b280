"""Signed notes (c2sp.org/signed-note): a text, a blank line, then signature lines

    — <key name> base64(4-byte key ID || signature)

A note is read only through keys the reader trusts: a signature by a known key (same name
and same key ID) must verify or the whole note is refused; signatures by unknown keys are
ignored; a note no known key signed is refused.

The release manifest (peluit/release/note.py) is a signed note too and is read, written and
verified with the functions here; only what is particular to releases is kept there.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from .errors import NoteFormatError, NoteSignatureError

MAX_NOTE = 1 << 20
MAX_SIGNATURES = 100
DASH = "\u2014 "  # what a signature line starts with
# "MUST NOT contain any ASCII control characters (those below U+0020) other than newline":
# DEL (U+007F) is not among them, as in golang.org/x/mod/sumdb/note.
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")


class Verifier(Protocol):
    name: str
    key_id: int

    def verify(self, text: bytes, signature: bytes) -> bool: ...


class Signer(Protocol):
    name: str
    key_id: int

    def sign(self, text: bytes) -> bytes: ...


@dataclass(frozen=True)
class Signature:
    name: str
    key_id: int
    signature: bytes  # after the key ID

    def line(self) -> str:
        blob = self.key_id.to_bytes(4, "big") + self.signature
        return f"{DASH}{self.name} {base64.b64encode(blob).decode('ascii')}\n"


@dataclass(frozen=True)
class Note:
    text: str  # ends in a newline
    signatures: tuple[Signature, ...]

    def encode(self) -> bytes:
        return (self.text + "\n" + "".join(s.line() for s in self.signatures)).encode("utf-8")


def check_key_name(name: str) -> str:
    if not name or any(c.isspace() or c == "+" for c in name) or _CONTROL.search(name):
        raise NoteFormatError(f"a key name is not empty and has no spaces or '+': {name!r}")
    return name


def check_text(text: str) -> str:
    """`text` if it may be (or end) a note: a final newline, no control characters but newlines."""
    if not text.endswith("\n"):
        raise NoteFormatError("a note ends in a newline")
    if _CONTROL.search(text):
        raise NoteFormatError("a note has no control characters but newlines")
    return text


def _signature(line: str) -> Signature:
    if not line.startswith(DASH):
        raise NoteFormatError(
            f"not a signature line: {line[:60]!r} (one starts with an em dash and a space)"
        )
    name, space, encoded = line.removeprefix(DASH).rpartition(" ")
    if not space:
        raise NoteFormatError("a signature line is '— NAME SIGNATURE'")
    check_key_name(name)
    try:
        blob = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raise NoteFormatError(f"the signature of {name} is not base64") from None
    if len(blob) < 5:
        raise NoteFormatError(
            f"the signature line of {name} is too short for a key ID and a signature"
        )
    if base64.b64encode(blob).decode("ascii") != encoded:
        raise NoteFormatError(f"the signature of {name} is not in canonical base64")
    return Signature(name, int.from_bytes(blob[:4], "big"), blob[4:])


def decode_note(data: bytes) -> str:
    """The text of a note file, whole: at most MAX_NOTE bytes of UTF-8 (see `check_text`)."""
    if len(data) > MAX_NOTE:
        raise NoteFormatError(f"a note is at most {MAX_NOTE} bytes")
    try:
        message = data.decode("utf-8")
    except UnicodeDecodeError:
        raise NoteFormatError("a note is UTF-8") from None
    return check_text(message)


def parse_note(data: bytes) -> Note:
    """Split a signed note into its text and signatures (nothing is verified here)."""
    message = decode_note(data)
    split = message.rfind("\n\n")
    if split < 0:
        raise NoteFormatError("a note has a blank line before its signatures")
    text, block = message[: split + 1], message[split + 2 :]
    lines = block.removesuffix("\n").split("\n")
    if not block or len(lines) > MAX_SIGNATURES:
        raise NoteFormatError(f"a note has 1 to {MAX_SIGNATURES} signatures")
    return Note(text, tuple(_signature(line) for line in lines))


def signature_checks(
    note: Note, verifiers: Sequence[Verifier]
) -> list[tuple[Signature, Verifier, bool]]:
    """Each signature on `note` by a known key (same name and key ID), in the note's order,
    with that key and whether it verifies. Signatures by other keys are left out."""
    known = {(v.name, v.key_id): v for v in verifiers}
    checks: list[tuple[Signature, Verifier, bool]] = []
    for sig in note.signatures:
        verifier = known.get((sig.name, sig.key_id))
        if verifier is not None:
            valid = verifier.verify(note.text.encode("utf-8"), sig.signature)
            checks.append((sig, verifier, valid))
    return checks


def open_note(data: bytes, verifiers: list[Verifier]) -> tuple[Note, list[Verifier]]:
    """The note and the known keys whose signatures on it verify (at least one)."""
    note = parse_note(data)
    verified: list[Verifier] = []
    for sig, verifier, valid in signature_checks(note, verifiers):
        if not valid:
            raise NoteSignatureError(f"the signature of {sig.name} on this note is not valid")
        if verifier not in verified:
            verified.append(verifier)
    if not verified:
        names = ", ".join(sorted({v.name for v in verifiers})) or "none"
        raise NoteSignatureError(f"no signature on this note by a known key ({names})")
    return note, verified


def sign_note(text: str, signers: list[Signer], keep: tuple[Signature, ...] = ()) -> Note:
    """The text signed by each of `signers`; `keep` are other signatures to carry along
    (a signer's earlier signature on the same text is replaced)."""
    check_text(text)
    mine = {(s.name, s.key_id) for s in signers}
    kept = tuple(s for s in keep if (s.name, s.key_id) not in mine)
    made = tuple(Signature(s.name, s.key_id, s.sign(text.encode("utf-8"))) for s in signers)
    return Note(text, made + kept)
