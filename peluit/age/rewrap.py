"""Re-wrapping a file's key for other recipients: a new header, the same payload.

The payload (nonce and STREAM chunks) depends only on the file key, so a holder of the key
can give the file to other recipients by writing a new header alone. The new header's MAC is
keyed by the same file key; the payload's tags still authenticate every chunk under it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from .crypt import _check_recipients, _unwrap
from .format import DEFAULT_LIMITS, HeaderLimits, encode_header, read_header
from .keyschedule import header_mac_key
from .recipient import Identity, Recipient


def rewrap(
    ciphertext: bytes,
    identities: Sequence[Identity],
    recipients: Sequence[Recipient],
    limits: HeaderLimits = DEFAULT_LIMITS,
) -> tuple[bytes, int]:
    """The header of `ciphertext` (or of its first bytes: only the header is read) written
    for `recipients`, and the length of the original header (where the payload starts).

    Raises `HeaderError`, `NoMatchError` or `HmacError` as decryption would, and
    `RecipientPolicyError` for a recipient mix `encrypt` refuses."""
    _check_recipients(recipients)
    header, _ = read_header(io.BytesIO(ciphertext), limits)
    file_key = _unwrap(header.stanzas, identities)
    header.verify_mac(header_mac_key(file_key))
    stanzas = [stanza for r in recipients for stanza in r.wrap(file_key)]
    return encode_header(stanzas, header_mac_key(file_key)), header.length


def splice(header: bytes, original: bytes, payload_offset: int) -> bytes:
    """The file a re-wrapped header makes: `header`, then `original` from `payload_offset`."""
    if not 0 < payload_offset <= len(original):
        raise ValueError("the payload offset is outside the original file")
    return header + original[payload_offset:]
