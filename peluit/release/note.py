"""The release as a C2SP signed note (c2sp.org/signed-note) with Ed25519 signatures (type 0x01).

Parsing, encoding, verifying and key IDs are `peluit.tlog`'s (ADR 0031), the one signed-note
implementation of Peluit. What is particular to releases is kept here:

* a note that nobody has signed yet is kept as its text alone (the spec needs one signature or
  more for a *signed* note): `parse_note` reads it as a note with no signatures, so that the
  first signer can add theirs, and `Note.encode` writes it back as the text alone;
* signatures are added one at a time, after those already there, and a second signature by the
  same key is refused (`add_signature`);
* every error is a `ReleaseError` and speaks of the release.

The key names, `<site host>/peluit-release/<person id>`, are made in `signers.py`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import ed25519

from peluit import tlog
from peluit.tlog import note as signed_note

from .errors import NoteFormatError, SignatureError

Signature = tlog.Signature


@contextmanager
def _about_the_release() -> Iterator[None]:
    """tlog's format errors as the release's (the CLI and deploy catch ReleaseError)."""
    try:
        yield
    except tlog.NoteFormatError as exc:
        raise NoteFormatError(f"the release is not a signed note: {exc}") from None


@dataclass(frozen=True)
class Note(tlog.Note):
    signatures: tuple[Signature, ...] = ()

    def encode(self) -> bytes:
        return super().encode() if self.signatures else self.text.encode("utf-8")


def check_text(text: str) -> str:
    """`text` if it can be a note's text: a final newline, no control characters but newline."""
    with _about_the_release():
        return signed_note.check_text(text)


def parse_note(data: bytes) -> Note:
    """The note in `data`: text and signatures (none for a note not signed yet)."""
    with _about_the_release():
        whole = signed_note.decode_note(data)
        _, blank, tail = whole.rpartition("\n\n")
        if not blank or not tail.startswith(signed_note.DASH):
            return Note(whole)  # not signed yet: the whole file is the text
        parsed = signed_note.parse_note(data)
    return Note(parsed.text, parsed.signatures)


def sign(text: str, name: str, private_key: ed25519.Ed25519PrivateKey) -> Signature:
    """The Ed25519 signature of `text` by the key `name`."""
    with _about_the_release():
        signed = signed_note.sign_note(text, [tlog.Ed25519Signer(name, private_key)])
    return signed.signatures[0]


def verified_by(note: tlog.Note, verifiers: Sequence[tlog.Verifier]) -> list[str]:
    """The names of the known keys whose signatures verify, in the note's order.

    Signatures from unknown keys (name and key ID not both known) are ignored; a known key's
    signature that fails is a SignatureError: the text is not what that signer signed."""
    names: list[str] = []
    for sig, _, valid in signed_note.signature_checks(note, verifiers):
        if not valid:
            raise SignatureError(
                f"the signature of {sig.name} does not verify: the release was changed "
                "after they signed it"
            )
        if sig.name not in names:
            names.append(sig.name)
    return names


def add_signature(note: Note, signature: Signature) -> Note:
    """The note with `signature` added; a second signature by the same key is refused."""
    if any((s.name, s.key_id) == (signature.name, signature.key_id) for s in note.signatures):
        raise NoteFormatError(f"{signature.name} has already signed this release")
    return Note(note.text, (*note.signatures, signature))
