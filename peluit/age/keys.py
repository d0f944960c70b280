"""Parsing recipient and identity strings and files, in the formats the age CLI uses."""

from __future__ import annotations

from .errors import KeyFormatError
from .hybrid import HybridIdentity, HybridRecipient
from .x25519 import X25519Identity, X25519Recipient

AnyRecipient = X25519Recipient | HybridRecipient
AnyIdentity = X25519Identity | HybridIdentity


def parse_recipient(text: str) -> AnyRecipient:
    """Parse `age1pq1…` or `age1…`; anything else raises `KeyFormatError`."""
    text = text.strip()
    if text.startswith("age1pq1"):
        return HybridRecipient.parse(text)
    if text.startswith("age1"):
        return X25519Recipient.parse(text)
    raise KeyFormatError("unknown recipient type (expected age1… or age1pq1…)")


def parse_identity(text: str) -> AnyIdentity:
    """Parse `AGE-SECRET-KEY-PQ-1…` or `AGE-SECRET-KEY-1…`."""
    text = text.strip()
    if text.startswith("AGE-SECRET-KEY-PQ-1"):
        return HybridIdentity.parse(text)
    if text.startswith("AGE-SECRET-KEY-1"):
        return X25519Identity.parse(text)
    raise KeyFormatError("unknown identity type (expected AGE-SECRET-KEY-…)")


def _key_lines(text: str) -> list[tuple[int, str]]:
    return [
        (number, line.strip())
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]


def parse_identity_file(text: str) -> list[AnyIdentity]:
    """One identity per line; blank lines and `#` comments ignored; at least one required."""
    identities = []
    for number, line in _key_lines(text):
        try:
            identities.append(parse_identity(line))
        except KeyFormatError as exc:
            raise KeyFormatError(f"line {number}: {exc}") from None
    if not identities:
        raise KeyFormatError("no identities in the identity file")
    return identities


def parse_recipients_file(text: str) -> list[AnyRecipient]:
    """One recipient per line; blank lines and `#` comments ignored; at least one required."""
    recipients = []
    for number, line in _key_lines(text):
        try:
            recipients.append(parse_recipient(line))
        except KeyFormatError as exc:
            raise KeyFormatError(f"line {number}: {exc}") from None
    if not recipients:
        raise KeyFormatError("no recipients in the recipients file")
    return recipients
