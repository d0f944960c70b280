"""Signing a request as Peluit's reviewer API requires (client side)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric import ed25519
from http_message_signatures import HTTPMessageSigner, MappingKeyResolver, algorithms

from .message import Message

REQUIRED_COMPONENTS = ("@method", "@target-uri", "content-digest")


def sign_request(
    message: Message,
    body: bytes,
    *,
    key_id: str,
    key: ed25519.Ed25519PrivateKey,
    created: datetime,
    nonce: str,
    extra_components: Sequence[str] = (),
) -> None:
    """Add Content-Digest (SHA-256 of `body`), Signature-Input and Signature to `message`.

    Covers the method, the target URI and the digest (plus `extra_components`, header
    names already in `message`), with `created`, `nonce`, `keyid` and `alg="ed25519"`."""
    signer = HTTPMessageSigner(
        signature_algorithm=algorithms.ED25519,
        key_resolver=MappingKeyResolver(public_keys={}, private_keys={key_id: key}),
    )
    signer.sign(
        message,
        key_id=key_id,
        created=created,
        nonce=nonce,
        covered_component_ids=(*REQUIRED_COMPONENTS, *extra_components),
        body=body,
    )
