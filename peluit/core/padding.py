"""Size buckets for the documents the reporter encrypts (docs/format.md, "Padding"; ADR 0029).

`report.age`, `identity.age` and the reporter's messages hold one JSON document each. Its exact
length would tell whoever sees the ciphertext (the server, anyone who copies the bucket) the
exact length of what the reporter wrote: a name and a phone number have few plausible lengths.
So the writer pads the document with spaces (0x20) to the next bucket before encrypting:

* powers of two from 1 KiB to 64 KiB (1, 2, 4, 8, 16, 32, 64 KiB), then
* every multiple of 64 KiB (128, 192, 256 KiB, …): one age STREAM chunk each.

Readers accept a document followed by nothing (written before padding) or by spaces up to
exactly a bucket; anything else after the document is refused (`PaddingError`). A JSON parser
would also accept tabs and line breaks after the document; this reader does not.
"""

from __future__ import annotations

import json

KIB = 1024
FIRST_BUCKET = 1 * KIB
STEP = 64 * KIB  # from here on, buckets are multiples of this
PAD = b" "
_DECODER = json.JSONDecoder()


class PaddingError(ValueError):
    """A decrypted document with something other than bucket padding after it."""


def bucket(size: int) -> int:
    """The smallest bucket holding `size` bytes."""
    if size < 0:
        raise ValueError("a size is never negative")
    if size <= FIRST_BUCKET:
        return FIRST_BUCKET
    if size <= STEP:
        return 1 << (size - 1).bit_length()
    return -(-size // STEP) * STEP


def is_bucket(size: int) -> bool:
    return size > 0 and bucket(size) == size


def pad(document: bytes) -> bytes:
    """`document` (a JSON object, UTF-8) followed by spaces up to its bucket."""
    if not document.endswith(b"}"):
        raise ValueError("only a JSON object is padded")
    return document + PAD * (bucket(len(document)) - len(document))


def unpad(plaintext: bytes) -> bytes:
    """The JSON document at the start of `plaintext`, strictly: a document with nothing after
    it (older writers) is returned as it is; after a document, only spaces up to exactly a
    bucket. `PaddingError` for anything else, also for plaintext that is not UTF-8 JSON."""
    try:
        text = plaintext.decode("utf-8")
        _, end = _DECODER.raw_decode(text)
    except ValueError:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise PaddingError("not a JSON document") from None
    tail = text[end:]
    if tail.strip(" "):
        raise PaddingError("something other than padding follows the document")
    if tail and not is_bucket(len(plaintext)):
        raise PaddingError("the padding does not end at a size bucket")
    return plaintext[: len(plaintext) - len(tail)]
