"""What the server can know of a document it cannot read: that it is an age file for exactly
the expected post-quantum recipients and, for current clients, padded to a size bucket."""

from __future__ import annotations

from peluit import age

from . import padding
from .errors import NotCiphertextError, NotPaddedError, WrongRecipientsError


def require_age(data: bytes, recipients: int, complete: bool = True, padded: bool = False) -> None:
    """`data` is an age file for exactly `recipients` hybrid recipients (its header only,
    unless `complete`); `padded`: its plaintext is a size bucket (core/padding.py)."""
    try:
        info = age.inspect(data)
        if complete:
            plain = info.payload_plaintext_size(len(data))
    except (age.HeaderError, age.PayloadError) as exc:
        raise NotCiphertextError(f"not a well-formed age file: {exc}") from None
    if complete and padded and not padding.is_bucket(plain):
        raise NotPaddedError("the encrypted document is not padded to a size bucket")
    try:
        age.require_hybrid_recipients(info, recipients)
    except age.RecipientPolicyError:
        # Our own words: the library's message names stanza types the client chose.
        raise WrongRecipientsError(
            f"expected exactly {recipients} post-quantum (mlkem768x25519) recipients"
        ) from None
