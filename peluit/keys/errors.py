"""Errors of reading and writing a person's key file."""


class KeyFileError(Exception):
    """Base of key file errors; the message says what to do."""


class WrongPassphraseError(KeyFileError):
    """The passphrase does not open this key file."""


class KeyFileFormatError(KeyFileError):
    """The file is not a Peluit key file, or its content is damaged."""


class WeakPassphraseError(KeyFileError):
    """The chosen passphrase is too short to protect a key file."""


class SigningKeyFormatError(KeyFileError):
    """A public signing key is not `ed25519:` followed by 32 bytes in canonical base64."""
