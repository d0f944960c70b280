"""Encrypting and decrypting whole age files, as streams or as bytes."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator, Sequence
from typing import BinaryIO

from .errors import HeaderError, NoMatchError, RecipientPolicyError
from .format import DEFAULT_LIMITS, HeaderLimits, Stanza, encode_header, read_header
from .keyschedule import FILE_KEY_SIZE, PAYLOAD_NONCE_SIZE, header_mac_key, payload_key
from .recipient import Identity, Recipient
from .scrypt import TYPE as SCRYPT
from .stream import Reader, open_chunks, open_view, open_view_into, seal_chunks


def _check_recipients(recipients: Sequence[Recipient]) -> None:
    if not recipients:
        raise RecipientPolicyError("at least one recipient is required")
    types = {r.stanza_type for r in recipients}
    if SCRYPT in types and len(recipients) != 1:
        raise RecipientPolicyError("a passphrase cannot be combined with other recipients")
    if len({r.post_quantum for r in recipients}) > 1:
        raise RecipientPolicyError(
            "refusing to mix post-quantum and classic recipients: the classic one would "
            "undo the quantum resistance of the others"
        )


def iter_encrypt(src: BinaryIO, recipients: Sequence[Recipient]) -> Iterator[bytes]:
    """Yield the age file for `src`: header, nonce, then sealed chunks."""
    _check_recipients(recipients)
    file_key = os.urandom(FILE_KEY_SIZE)
    stanzas = [stanza for r in recipients for stanza in r.wrap(file_key)]
    nonce = os.urandom(PAYLOAD_NONCE_SIZE)
    yield encode_header(stanzas, header_mac_key(file_key)) + nonce
    yield from seal_chunks(payload_key(file_key, nonce), Reader(src))


def encrypt_stream(src: BinaryIO, dst: BinaryIO, recipients: Sequence[Recipient]) -> None:
    for piece in iter_encrypt(src, recipients):
        dst.write(piece)


def encrypt(plaintext: bytes, recipients: Sequence[Recipient]) -> bytes:
    return b"".join(iter_encrypt(io.BytesIO(plaintext), recipients))


def iter_decrypt(
    src: BinaryIO, identities: Sequence[Identity], limits: HeaderLimits = DEFAULT_LIMITS
) -> Iterator[bytes]:
    """Yield authenticated plaintext chunks; ends normally only once the whole file verified.

    Raises `HeaderError`, `NoMatchError` or `HmacError` before yielding anything, and
    `PayloadError` mid-way if the payload is truncated or altered: a consumer must treat
    what it received as incomplete unless the iteration ended without an exception.
    """
    header, rest = read_header(src, limits)
    if any(s.type == SCRYPT for s in header.stanzas) and len(header.stanzas) != 1:
        raise HeaderError("an scrypt stanza must be the only stanza")
    file_key = _unwrap(header.stanzas, identities)
    header.verify_mac(header_mac_key(file_key))
    reader = Reader(src, rest)
    nonce = reader.read(PAYLOAD_NONCE_SIZE)
    if len(nonce) != PAYLOAD_NONCE_SIZE:
        raise HeaderError("file ends before the payload nonce")
    yield from open_chunks(payload_key(file_key, nonce), reader)


def iter_decrypt_view(
    data: bytes | bytearray | memoryview,
    identities: Sequence[Identity],
    limits: HeaderLimits = DEFAULT_LIMITS,
) -> Iterator[bytes]:
    """`iter_decrypt` of a whole age file already in memory: the same checks, errors and
    completion rule, each chunk decrypted straight from its slice of `data` (no copy of the
    ciphertext; `data` must not change until the iteration ends)."""
    key, payload = _opened_view(data, identities, limits)
    yield from open_view(key, payload)


def iter_decrypt_view_into(
    data: bytes | bytearray | memoryview,
    identities: Sequence[Identity],
    out: bytearray,
    limits: HeaderLimits = DEFAULT_LIMITS,
) -> Iterator[memoryview]:
    """`iter_decrypt_view`, the plaintext decrypted into `out` (a multiple of 64 KiB long,
    reused): views of it, each valid only until the next one is asked for (`open_view_into`)."""
    key, payload = _opened_view(data, identities, limits)
    yield from open_view_into(key, payload, out)


def _opened_view(
    data: bytes | bytearray | memoryview, identities: Sequence[Identity], limits: HeaderLimits
) -> tuple[bytes, memoryview]:
    """The payload key of an age file in memory, and a view of its sealed chunks."""
    view = memoryview(data).cast("B")
    header, _ = read_header(io.BytesIO(view[: limits.max_bytes]), limits)
    if any(s.type == SCRYPT for s in header.stanzas) and len(header.stanzas) != 1:
        raise HeaderError("an scrypt stanza must be the only stanza")
    file_key = _unwrap(header.stanzas, identities)
    header.verify_mac(header_mac_key(file_key))
    nonce = bytes(view[header.length : header.length + PAYLOAD_NONCE_SIZE])
    if len(nonce) != PAYLOAD_NONCE_SIZE:
        raise HeaderError("file ends before the payload nonce")
    return payload_key(file_key, nonce), view[header.length + PAYLOAD_NONCE_SIZE :]


def _unwrap(stanzas: Sequence[Stanza], identities: Sequence[Identity]) -> bytes:
    for identity in identities:
        file_key = identity.unwrap(stanzas)
        if file_key is not None:
            if len(file_key) != FILE_KEY_SIZE:
                raise HeaderError("unwrapped file key has the wrong length")
            return file_key
    raise NoMatchError("no identity matches any recipient of this file")


def decrypt_stream(
    src: BinaryIO,
    dst: BinaryIO,
    identities: Sequence[Identity],
    limits: HeaderLimits = DEFAULT_LIMITS,
) -> None:
    """Decrypt into `dst`; on an exception, what `dst` holds is unauthenticated and partial."""
    for chunk in iter_decrypt(src, identities, limits):
        dst.write(chunk)


def decrypt(
    ciphertext: bytes, identities: Sequence[Identity], limits: HeaderLimits = DEFAULT_LIMITS
) -> bytes:
    return b"".join(iter_decrypt(io.BytesIO(ciphertext), identities, limits))
