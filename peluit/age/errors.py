"""The age module's exceptions: one hierarchy, so callers can catch `AgeError` or one cause."""


class AgeError(Exception):
    """Base of every error raised while reading, writing or checking age data."""


class HeaderError(AgeError):
    """The header is malformed, unsupported, or over a configured limit."""


class NoMatchError(AgeError):
    """None of the given identities can unwrap any stanza of the header."""


class HmacError(AgeError):
    """The header MAC does not verify: the header was altered after it was written."""


class PayloadError(AgeError):
    """The payload is truncated, altered, or has trailing data; output so far must be discarded."""


class ArmorError(AgeError):
    """The ASCII armor is not the strict PEM encoding the age spec requires."""


class KeyFormatError(AgeError):
    """A recipient or identity string or key file is not a valid encoding."""


class RecipientPolicyError(AgeError):
    """The recipients break a rule: a hybrid/classic mix, a wrong count, or a forbidden type."""
