"""Verifying a reviewer API request's signature (RFC 9421, Ed25519) and body digest.

Policy, checked in this order so each refusal has one clear reason:

1. exactly one signature, in well-formed Signature-Input and Signature fields;
2. it covers `@method`, `@target-uri` and `content-digest`, and states `created`,
   `nonce` (16 to 64 URL-safe characters), `keyid` and `alg="ed25519"`, nothing else;
3. `keyid` names a person on the roster who has a signing key;
4. `created` is within `window` of our clock, either way;
5. Content-Digest has a `sha-256` member, and every member matches the body;
6. the signature verifies over the message as the server received it, with the
   target URI rebuilt by the caller from what API Gateway says, not from a header.

Replays within the window are refused elsewhere: the nonce is spent in the store once
the request is authorised (`peluit.core.nonces`).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import http_sf
from cryptography.hazmat.primitives.asymmetric import ed25519
from http_message_signatures import (
    ContentDigest,
    HTTPMessageSignaturesException,
    HTTPMessageVerifier,
    HTTPSignatureKeyResolver,
    algorithms,
)

from .errors import (
    DigestMismatchError,
    SignatureExpiredError,
    SignatureInvalidError,
    SignatureMalformedError,
    SignatureMissingError,
    UnknownKeyError,
)
from .message import Message
from .sign import REQUIRED_COMPONENTS

WINDOW = timedelta(minutes=5)  # how old a signature may be
SKEW = timedelta(seconds=30)  # how far ahead of the server's clock a signer's clock may be
_NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")
_KEY_ID = re.compile(r"[a-z][a-z0-9-]{0,31}")
_PARAMS = {"created", "nonce", "keyid", "alg"}

KeyLookup = Callable[[str], ed25519.Ed25519PublicKey | None]


@dataclass(frozen=True)
class Verified:
    """Who signed, and the single-use nonce and creation time they signed."""

    key_id: str
    nonce: str
    created: datetime


class _KeyResolver(HTTPSignatureKeyResolver):
    def __init__(self, key: ed25519.Ed25519PublicKey) -> None:
        self._key = key

    def resolve_public_key(self, key_id: str) -> ed25519.Ed25519PublicKey:
        return self._key

    def resolve_private_key(self, key_id: str) -> Any:
        raise NotImplementedError("verification only")


class _Verifier(HTTPMessageVerifier):
    def validate_created_and_expires(self, sig_input: Any, max_age: Any = None) -> None:
        """Done before, against our clock and our window (the library uses the system
        clock and a 5-second allowance for the future)."""


class RequestVerifier:
    def __init__(
        self,
        keys: KeyLookup,
        clock: Callable[[], datetime],
        window: timedelta = WINDOW,
        skew: timedelta = SKEW,
    ) -> None:
        self._keys = keys
        self._clock = clock
        self._window = window
        self._skew = skew

    def verify(self, message: Message, body: bytes) -> Verified:
        headers = {name.lower(): value for name, value in message.headers.items()}
        if "signature-input" not in headers or "signature" not in headers:
            raise SignatureMissingError("the request is not signed")
        components, params = _parse_input(headers["signature-input"])
        if not set(REQUIRED_COMPONENTS) <= set(components):
            raise SignatureMalformedError(
                "the signature must cover " + ", ".join(REQUIRED_COMPONENTS)
            )
        key_id, nonce, created = _check_params(params)
        key = self._keys(key_id)
        if key is None:
            raise UnknownKeyError("the signing key is not on the roster")
        now = self._clock()
        if now - created > self._window:
            raise SignatureExpiredError("the signature was made more than 5 minutes ago")
        if created - now > self._skew:
            # a signature dated ahead would stay valid longer than the window, and outlive
            # the nonce records that refuse its replay: only a small clock skew is forgiven
            raise SignatureExpiredError(
                "the signature is dated more than 30 seconds ahead of the server's time"
            )
        _check_digest(headers.get("content-digest"), body)
        verifier = _Verifier(signature_algorithm=algorithms.ED25519, key_resolver=_KeyResolver(key))
        lowered = Message(message.method, message.url, headers)
        try:
            verifier.verify(
                lowered, max_age=None, require_components=REQUIRED_COMPONENTS, body=body
            )
        except (HTTPMessageSignaturesException, ValueError, TypeError):
            raise SignatureInvalidError("the signature does not verify") from None
        return Verified(key_id, nonce, created)


def _parse_input(value: str) -> tuple[list[str], Mapping[str, object]]:
    try:
        parsed: Any = http_sf.parse(value.encode("ascii"), tltype="dictionary")
    except (ValueError, TypeError, UnicodeEncodeError):
        raise SignatureMalformedError("the Signature-Input field is malformed") from None
    if not isinstance(parsed, dict) or len(parsed) != 1:
        raise SignatureMalformedError("exactly one signature is required")
    members, params = next(iter(parsed.values()))
    if not isinstance(members, list) or not isinstance(params, dict):
        raise SignatureMalformedError("the Signature-Input member must be an inner list")
    components = []
    for item, item_params in members:
        if not isinstance(item, str) or item_params:
            raise SignatureMalformedError("covered components must be plain names")
        components.append(item)
    return components, params


def _check_params(params: Mapping[str, object]) -> tuple[str, str, datetime]:
    if set(params) != _PARAMS:
        raise SignatureMalformedError(
            "the signature must state created, nonce, keyid and alg, and nothing else"
        )
    key_id, nonce, created, alg = (params[k] for k in ("keyid", "nonce", "created", "alg"))
    if alg != "ed25519":
        raise SignatureMalformedError('the signature algorithm must be "ed25519"')
    if not isinstance(key_id, str) or not _KEY_ID.fullmatch(key_id):
        raise SignatureMalformedError("the key id is not a roster id")
    if not isinstance(nonce, str) or not _NONCE.fullmatch(nonce):
        raise SignatureMalformedError("the nonce must be 16 to 64 URL-safe characters")
    if type(created) is not int or not 0 < created < 2**40:
        raise SignatureMalformedError("created must be a Unix time")
    return key_id, nonce, datetime.fromtimestamp(created, UTC)


def _check_digest(value: str | None, body: bytes) -> None:
    if value is None:
        raise DigestMismatchError("the request has no Content-Digest")
    try:
        members: Any = http_sf.parse(value.encode("ascii"), tltype="dictionary")
    except (ValueError, TypeError, UnicodeEncodeError):
        raise DigestMismatchError("the Content-Digest field is malformed") from None
    member = members.get("sha-256") if isinstance(members, dict) else None
    digest = member[0] if isinstance(member, tuple) else None
    if not isinstance(digest, bytes):
        raise DigestMismatchError("Content-Digest must have a sha-256 member")
    if not hmac.compare_digest(digest, hashlib.sha256(body).digest()):
        raise DigestMismatchError("Content-Digest does not match the body")
    try:
        ContentDigest.verify(value, body)  # any other member must match too
    except HTTPMessageSignaturesException:
        raise DigestMismatchError("Content-Digest does not match the body") from None
