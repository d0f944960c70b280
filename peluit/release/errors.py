"""Errors of making, signing and checking a release."""


class ReleaseError(Exception):
    """Base of release errors; the message says what is wrong and what to do."""


class NoteFormatError(ReleaseError):
    """The file is not a C2SP signed note (c2sp.org/signed-note), or is damaged."""


class SignatureError(ReleaseError):
    """A signature from a known key does not verify: the note was changed after signing."""


class ThresholdError(ReleaseError):
    """Fewer of the configured release signers signed the release than the threshold."""


class ManifestError(ReleaseError):
    """The manifest is not a `peluit-release/1` document, or differs from the site."""
