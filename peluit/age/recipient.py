"""The two roles every recipient type plays: wrap a file key, and unwrap it."""

from collections.abc import Sequence
from typing import Protocol

from .format import Stanza


class Recipient(Protocol):
    """Something a file can be encrypted to."""

    @property
    def stanza_type(self) -> str:
        """The first stanza argument this recipient writes."""

    @property
    def post_quantum(self) -> bool:
        """Whether this recipient resists a quantum adversary."""

    def wrap(self, file_key: bytes) -> list[Stanza]:
        """Wrap the file key into stanzas."""


class Identity(Protocol):
    """Something that can unwrap a file key."""

    def unwrap(self, stanzas: Sequence[Stanza]) -> bytes | None:
        """Return the file key; None if no stanza is ours; `HeaderError` if one is malformed."""
