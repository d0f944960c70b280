"""A case's thread: `cases/{case}/thread/{seq:05d}-{from}.age`, messages both ways.

`{from}` is the writing reviewer's roster id, or `pelapor` for the reporter. A writer first
claims its sequence number with a create-only, empty `thread/{seq:05d}.seq` (whoever the
sender), then writes the message under it: a writer that loses a race for a number takes the
next one, so two messages never share a number, whatever their senders, and none is
overwritten. A claim without a message (a writer that stopped in between) is a gap.

Reporter messages are stored at most once per ciphertext (`append` finds an identical one
first), which makes a retried or replayed post harmless: age ciphertext is random, so two
real messages never coincide.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from peluit.store.errors import ObjectExistsError
from peluit.store.port import ObjectStore

from . import layout
from .errors import ThreadFullError

REPORTER = "pelapor"
MAX_SEQ = 99_999  # five digits
_KEY = re.compile(r"thread/([0-9]{5})-([a-z][a-z0-9-]{0,31})\.age")
_CLAIM = re.compile(r"thread/([0-9]{5})\.seq")


@dataclass(frozen=True)
class Message:
    seq: int
    sender: str  # a roster id, or "pelapor"
    key: str  # relative to the case: "thread/00003-pelapor.age"
    size: int

    @property
    def from_reporter(self) -> bool:
        return self.sender == REPORTER


def messages(store: ObjectStore, case: str) -> list[Message]:
    """The thread in order (one store listing)."""
    return _listing(store, case)[0]


def _listing(store: ObjectStore, case: str) -> tuple[list[Message], int]:
    """The messages, and the highest sequence number claimed or used."""
    prefix = layout.case_prefix(case)
    found = []
    highest = 0
    for info in store.list(layout.case_thread_prefix(case)):
        relative = info.key.removeprefix(prefix)
        if match := _KEY.fullmatch(relative):
            found.append(Message(int(match.group(1)), match.group(2), relative, info.size))
            highest = max(highest, int(match.group(1)))
        elif claim := _CLAIM.fullmatch(relative):
            highest = max(highest, int(claim.group(1)))
    return sorted(found, key=lambda m: (m.seq, m.sender)), highest


def append(
    store: ObjectStore,
    case: str,
    sender: str,
    data: bytes,
    *,
    once: bool = False,
) -> Message:
    """Store `data` as the next message of `sender`; with `once`, return an identical message
    of the same sender that is already there instead of storing it again."""
    thread, highest = _listing(store, case)
    if once:
        digest = hashlib.sha256(data).digest()
        for message in thread:
            if (
                message.sender == sender
                and message.size == len(data)
                and store.sha256(layout.case_prefix(case) + message.key) == digest
            ):
                return message
    seq = highest + 1
    while seq <= MAX_SEQ:
        try:
            store.put_new(layout.case_message_claim(case, seq), b"")
            key = layout.case_message(case, seq, sender)
            store.put_new(key, data)
        except ObjectExistsError:
            seq += 1
            continue
        return Message(seq, sender, key.removeprefix(layout.case_prefix(case)), len(data))
    raise ThreadFullError("this case's thread is full")
