"""A person's keys: the passphrase-sealed key file, roster signing keys, fingerprints."""

from .errors import (
    KeyFileError,
    KeyFileFormatError,
    SigningKeyFormatError,
    WeakPassphraseError,
    WrongPassphraseError,
)
from .fingerprint import fingerprint, numeric_fingerprint
from .keyfile import (
    DEFAULT_WORK_FACTOR,
    MAX_WORK_FACTOR,
    MIN_PASSPHRASE_LENGTH,
    KeyFile,
    open_key_file,
    seal,
)
from .signing import encode_public_key, parse_public_key

__all__ = [
    "DEFAULT_WORK_FACTOR",
    "MAX_WORK_FACTOR",
    "MIN_PASSPHRASE_LENGTH",
    "KeyFile",
    "KeyFileError",
    "KeyFileFormatError",
    "SigningKeyFormatError",
    "WeakPassphraseError",
    "WrongPassphraseError",
    "encode_public_key",
    "fingerprint",
    "numeric_fingerprint",
    "open_key_file",
    "parse_public_key",
    "seal",
]
