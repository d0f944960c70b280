"""Opening a person's key file and checking it against the local roster."""

from __future__ import annotations

from peluit.config import Config
from peluit.keys import KeyFile, open_key_file

from .errors import ReviewClientError


class RosterMismatchError(ReviewClientError):
    """The key file's person is not on this configuration's roster with these public keys."""


def check_roster(config: Config, key: KeyFile) -> None:
    """Refuse a key the configuration does not list: its recipients would be wrong too."""
    person = next((p for p in config.people if p.id == key.person), None)
    if person is None:
        raise RosterMismatchError(
            f"{key.person!r} is not on the roster of this configuration: is it the right "
            "peluit.toml (--config)?"
        )
    if (person.age_recipient, person.signing_key) != (key.age_recipient, key.signing_public_key):
        raise RosterMismatchError(
            f"the roster lists other public keys for {key.person!r} than this key file's: "
            "ask the operator to compare fingerprints (`peluit roster list`)"
        )


def unlock(config: Config, data: bytes, passphrase: str) -> KeyFile:
    """The key file, opened and checked; `WrongPassphraseError`, `KeyFileFormatError` or
    `RosterMismatchError` otherwise."""
    key = open_key_file(data, passphrase)
    check_roster(config, key)
    return key
