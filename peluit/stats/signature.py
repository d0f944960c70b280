"""The signature of a public statistics document: Ed25519, by the publishing reviewer's roster
signing key, over `peluit-stats/1\\n` followed by the document's canonical JSON
(`peluit.core.canonical`). Used by the reviewer tool (sign), the reviewer API (check before
storing) and anyone verifying what the site shows (`peluit stats verify`).
"""

from __future__ import annotations

import base64
import binascii

from cryptography.exceptions import InvalidSignature

from peluit.config import Config
from peluit.core.canonical import canonical
from peluit.keys import KeyFile
from peluit.keys.signing import parse_public_key

from .document import FORMAT, SignedStats, StatsDocument


class StatsSignatureError(ValueError):
    """A statistics document whose signature or signer is not acceptable."""


def signed_bytes(doc: StatsDocument) -> bytes:
    return FORMAT.encode() + b"\n" + canonical(doc.model_dump(mode="json"))


def sign(doc: StatsDocument, key: KeyFile) -> SignedStats:
    if doc.signer != key.person:
        raise StatsSignatureError(f"the document names {doc.signer}, the key is {key.person}'s")
    signature = key.signing_key.sign(signed_bytes(doc))
    return SignedStats(
        document=doc,
        signature=base64.b64encode(signature).decode("ascii"),
        key=key.signing_public_key,
    )


def verify(signed: SignedStats) -> None:
    """Raise `StatsSignatureError` unless the signature verifies with the key it names (who
    that key belongs to is the roster's business: `check_signer`)."""
    try:
        public = parse_public_key(signed.key)
        signature = base64.b64decode(signed.signature, validate=True)
        public.verify(signature, signed_bytes(signed.document))
    except (InvalidSignature, binascii.Error, ValueError):
        raise StatsSignatureError("the statistics signature does not verify") from None


def check_signer(config: Config, signed: SignedStats) -> None:
    """The signature verifies, with the roster key of the reviewer the document names, who
    reviews every channel it covers."""
    verify(signed)
    doc = signed.document
    person = next((p for p in config.people if p.id == doc.signer), None)
    if person is None or person.signing_key != signed.key:
        raise StatsSignatureError(f"the key is not {doc.signer}'s roster signing key")
    if "reviewer" not in person.roles:
        raise StatsSignatureError(f"{doc.signer} is not a reviewer")
    for channel in doc.channels:
        found = config.channel(channel)
        if found is None or doc.signer not in found.reviewers:
            raise StatsSignatureError(f"{doc.signer} does not review channel {channel!r}")
