"""A person's key file: their hybrid age identity and Ed25519 signing key, sealed with a
passphrase.

The file is an armored age file to one scrypt recipient (work factor 2^18 by default,
about a quarter of a second and 256 MiB here). Its plaintext is versioned JSON:

    {"format": "peluit-key-file", "version": 1, "id": "rina", "name": "Rina",
     "roles": ["reviewer"], "age_identity": "AGE-SECRET-KEY-PQ-1…",
     "signing_key": "<base64 of the 32-byte Ed25519 private key>"}

`id`, `name` and `roles` say whose keys these are; what a person may do is decided by
the roster on the server, never by this file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519

from peluit import age

from .errors import (
    KeyFileFormatError,
    SigningKeyFormatError,
    WeakPassphraseError,
    WrongPassphraseError,
)
from .fingerprint import fingerprint
from .signing import encode_private_key, encode_public_key, parse_private_key

FORMAT = "peluit-key-file"
VERSION = 1
DEFAULT_WORK_FACTOR = 18
MAX_WORK_FACTOR = 20  # what `open_key_file` accepts: bounds what a hostile file can cost
MIN_PASSPHRASE_LENGTH = 12
ROLES = ("reviewer", "custodian", "oversight")
_PERSON_ID = re.compile(r"[a-z][a-z0-9-]{0,31}")
_FIELDS = {"format", "version", "id", "name", "roles", "age_identity", "signing_key"}


@dataclass(frozen=True, eq=False)
class KeyFile:
    """The private keys of one person, and who they are in the roster."""

    person: str
    name: str
    roles: tuple[str, ...]
    identity: age.HybridIdentity = field(repr=False)
    signing_key: ed25519.Ed25519PrivateKey = field(repr=False)

    def __post_init__(self) -> None:
        check_person(self.person, self.name, self.roles)

    @classmethod
    def generate(cls, person: str, name: str, roles: tuple[str, ...]) -> KeyFile:
        return cls(
            person, name, roles, age.HybridIdentity.generate(), ed25519.Ed25519PrivateKey.generate()
        )

    @property
    def age_recipient(self) -> str:
        return self.identity.recipient().encode()

    @property
    def signing_public_key(self) -> str:
        """`ed25519:<base64>`, as the roster's `signing_key` holds it."""
        return encode_public_key(self.signing_key.public_key())

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.age_recipient, self.signing_public_key)


def check_person(person: str, name: str, roles: tuple[str, ...]) -> None:
    """The same rules as the roster's: an id, a name, one or more known roles."""
    if not _PERSON_ID.fullmatch(person):
        raise KeyFileFormatError(
            "the id must be 1-32 characters: a lower-case letter, then letters, digits or '-'"
        )
    if not 1 <= len(name) <= 200 or not name.strip():
        raise KeyFileFormatError("the name must be 1-200 characters")
    if not roles or len(set(roles)) != len(roles) or not set(roles) <= set(ROLES):
        raise KeyFileFormatError(f"roles must be one or more of {', '.join(ROLES)}")


def seal(key: KeyFile, passphrase: str, work_factor: int = DEFAULT_WORK_FACTOR) -> bytes:
    """The armored key file, encrypted to `passphrase`."""
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise WeakPassphraseError(
            f"the passphrase must be at least {MIN_PASSPHRASE_LENGTH} characters; "
            "several unrelated words are easiest to remember"
        )
    if not 1 <= work_factor <= MAX_WORK_FACTOR:
        raise ValueError(f"the scrypt work factor must be between 1 and {MAX_WORK_FACTOR}")
    body = {
        "format": FORMAT,
        "version": VERSION,
        "id": key.person,
        "name": key.name,
        "roles": list(key.roles),
        "age_identity": key.identity.encode(),
        "signing_key": encode_private_key(key.signing_key),
    }
    plaintext = json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")
    return age.armor(age.encrypt(plaintext, [age.ScryptRecipient(passphrase, work_factor)]))


def open_key_file(data: bytes, passphrase: str) -> KeyFile:
    """Decrypt and check a key file; `WrongPassphraseError` or `KeyFileFormatError`."""
    try:
        ciphertext = age.dearmor(data) if age.is_armored(data) else data
        if age.inspect(ciphertext).stanza_types != ("scrypt",):
            raise KeyFileFormatError("not a Peluit key file: it is not sealed with a passphrase")
        identity = age.ScryptIdentity(passphrase, max_work_factor=MAX_WORK_FACTOR)
        plaintext = age.decrypt(ciphertext, [identity])
    except age.NoMatchError:
        raise WrongPassphraseError("wrong passphrase for this key file") from None
    except age.AgeError as exc:
        raise KeyFileFormatError(f"not a readable Peluit key file ({exc})") from None
    return _parse(plaintext)


def _parse(plaintext: bytes) -> KeyFile:
    try:
        body: Any = json.loads(plaintext.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise KeyFileFormatError("the key file's content is not JSON") from None
    if not isinstance(body, dict) or set(body) != _FIELDS or body["format"] != FORMAT:
        raise KeyFileFormatError("not a Peluit key file")
    if body["version"] != VERSION:
        raise KeyFileFormatError(f"key file version {body['version']!r} is not supported")
    person, name, roles = body["id"], body["name"], body["roles"]
    if not (
        isinstance(person, str)
        and isinstance(name, str)
        and isinstance(roles, list)
        and all(isinstance(r, str) for r in roles)
        and isinstance(body["age_identity"], str)
        and isinstance(body["signing_key"], str)
    ):
        raise KeyFileFormatError("the key file has a field of the wrong type")
    try:
        identity = age.HybridIdentity.parse(body["age_identity"])
    except age.KeyFormatError:
        raise KeyFileFormatError("the key file's age identity is damaged") from None
    try:
        signing_key = parse_private_key(body["signing_key"])
    except SigningKeyFormatError:
        raise KeyFileFormatError("the key file's signing key is damaged") from None
    return KeyFile(person, name, tuple(roles), identity, signing_key)
