"""What can go wrong with the release log, each named for the person reading it."""

from __future__ import annotations


class TlogError(Exception):
    """Base of the release log's errors."""


class NoteFormatError(TlogError):
    """Text that is not a signed note, a key that is not a verifier or signer key."""


class NoteSignatureError(TlogError):
    """A signed note no known key verifies, or one whose known key's signature is bad."""


class CheckpointFormatError(TlogError):
    """A note text that is not a checkpoint (origin, size, root hash)."""


class ProofError(TlogError):
    """An inclusion or consistency proof that does not hold."""


class TileError(TlogError):
    """A tile or entry bundle that is missing, of the wrong size, or out of range."""


class EntryTooLargeError(TlogError):
    """An entry longer than an entry bundle's uint16 length prefix can say (65,535 bytes)."""


class LogStateError(TlogError):
    """A log directory that is missing, not yet made, or already made."""


class ForkError(TlogError):
    """Two checkpoints of one log that no consistency proof joins: a split view."""


class RollbackError(TlogError):
    """A checkpoint smaller than one already seen: the log went back in time."""
