"""A case's thread: `cases/{case}/thread/{seq:05d}-{from}.age`, messages both ways.

`{from}` is the writing reviewer's roster id, or `pelapor` for the reporter. A writer first
claims its sequence number with a create-only `thread/{seq:05d}.seq` (whoever the sender),
then writes the message under it: a writer that loses a race for a number takes the next
one, so two messages never share a number, whatever their senders, and none is
overwritten. A claim without a message (a writer that stopped in between) is a gap.

A claim holds its message's sender, SHA-256 and the day it was numbered in the organisation's
time zone (`{"from": …, "on": "YYYY-MM-DD", "sha256": …}`; never a time of day; claims written
before Peluit stored these lack the day, or are empty). `days()` reads them back. The sender
and hash are what make reporter messages stored at most once per ciphertext
(`append(once=True)`), also when identical requests run at the same time: a writer first
looks for an identical message, or a claim for one whose message is not written yet, and
when it loses a race for a number, it reads the winner's claim; either way an identical
message's number is found and its message written (again, create-only, the same bytes)
instead of a second copy. Numbers are claimed without holes, so of two identical writers the
later one either sees the earlier one's claim or collides with it. A retried or replayed
post is therefore harmless: age ciphertext is random, so two real messages never coincide.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from peluit.store.errors import ObjectExistsError, ObjectNotFoundError
from peluit.store.port import ObjectStore

from . import layout
from .canonical import canonical
from .errors import ThreadFullError, ThreadMovedError
from .ids import REPORTER_SENDER, ROSTER_ID_PATTERN

# The field of `state.json` by which finalization says that every message of the case's
# thread has its marker in the thread index (cases finalized before it have none: a listing
# lists their thread).
INDEXED = "thread_index"

REPORTER = REPORTER_SENDER
MAX_SEQ = 99_999  # five digits
_KEY = re.compile(rf"thread/([0-9]{{5}})-({ROSTER_ID_PATTERN})\.age")
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


def mark_active(store: ObjectStore, case: str, indexed_as: tuple[str, str] | None = None) -> None:
    """The case's marker in the thread index (`layout.thread_index`), written by `append`
    before every message's claim (create-only; one already there is fine), so that a listing
    may take a case of `INDEXED` state without one for a case with no message (ADR 0056).
    `indexed_as`: the case's channel and received day, if the caller has its state; else read
    from `state.json` (a case without one is not complete, and lists nothing)."""
    if indexed_as is None:
        try:
            state = json.loads(store.get(layout.case_state(case)))
            indexed_as = (str(state["channel"]), str(state["received"]))
        except (ObjectNotFoundError, ValueError, KeyError, TypeError):
            return
    with contextlib.suppress(ObjectExistsError):
        store.put_new(layout.thread_index(*indexed_as, case), b"")


def messages(store: ObjectStore, case: str) -> list[Message]:
    """The thread in order (one store listing)."""
    return _listing(store, case).messages


@dataclass(frozen=True)
class _Listing:
    messages: list[Message]
    highest: int  # the highest sequence number claimed or used
    unwritten: list[int]  # claims that hold a hash but have no message (yet)


def _listing(store: ObjectStore, case: str) -> _Listing:
    prefix = layout.case_prefix(case)
    found = []
    claimed: dict[int, int] = {}  # seq -> size of its claim
    highest = 0
    for info in store.list(layout.case_thread_prefix(case)):
        relative = info.key.removeprefix(prefix)
        if match := _KEY.fullmatch(relative):
            found.append(Message(int(match.group(1)), match.group(2), relative, info.size))
            highest = max(highest, int(match.group(1)))
        elif claim := _CLAIM.fullmatch(relative):
            claimed[int(claim.group(1))] = info.size
            highest = max(highest, int(claim.group(1)))
    written = {m.seq for m in found}
    unwritten = sorted(seq for seq, size in claimed.items() if size and seq not in written)
    return _Listing(sorted(found, key=lambda m: (m.seq, m.sender)), highest, unwritten)


def claim_bytes(
    sender: str, data: bytes, day: str | None = None, signature: bytes | None = None
) -> bytes:
    """What the claim of a message holds: its sender, SHA-256, (since claims carry one) the
    day it was numbered, `YYYY-MM-DD`, and for a reporter's message of a case with a reporter
    key, the reporter's signature, for a signed team message its writer's (`sig`, hex;
    core/reporter_signature.py, core/team_signature.py)."""
    claim = {"from": sender, "sha256": hashlib.sha256(data).hexdigest()}
    if day is not None:
        claim["on"] = day
    if signature is not None:
        claim["sig"] = signature.hex()
    return canonical(claim)


def _claim_fields(raw: bytes | None) -> dict[str, object]:
    """A stored claim's fields; empty for none, an empty (older) claim or one that does not
    parse as a JSON object."""
    if not raw:
        return {}
    try:
        claim = json.loads(raw)
    except ValueError:
        return {}
    return claim if isinstance(claim, dict) else {}


def claim_signature(raw: bytes | None) -> str | None:
    """The signature a claim holds (128 hex digits), or None."""
    sig = _claim_fields(raw).get("sig")
    return sig if isinstance(sig, str) and len(sig) == 128 else None


def day_and_signature(store: ObjectStore, case: str, seq: int) -> tuple[str | None, str | None]:
    """The day and signature (hex) message `seq`'s claim holds, from one read."""
    raw = _claim_of(store, case, seq)
    return claim_day(raw), claim_signature(raw)


def _claims_same(raw: bytes | None, sender: str, digest: str) -> bool:
    """Whether a stored claim is for this sender's message with this SHA-256, whatever its
    day (an identical retry after midnight claims the same message)."""
    claim = _claim_fields(raw)
    return claim.get("from") == sender and claim.get("sha256") == digest


def claim_day(raw: bytes | None) -> str | None:
    """The day a claim holds, or None (an older claim, or one that does not parse)."""
    day = _claim_fields(raw).get("on")
    if not isinstance(day, str) or len(day) != 10:
        return None
    try:
        date.fromisoformat(day)
    except ValueError:
        return None
    return day


def days(store: ObjectStore, case: str, seqs: Iterable[int]) -> dict[int, str | None]:
    """The day each message of `seqs` was numbered (one read per claim); None where the claim
    is older than dates, damaged or missing."""
    return {seq: claim_day(_claim_of(store, case, seq)) for seq in seqs}


def append(
    store: ObjectStore,
    case: str,
    sender: str,
    data: bytes,
    *,
    day: str | None = None,
    once: bool = False,
    signature: bytes | None = None,
    seq: int | None = None,
    indexed_as: tuple[str, str] | None = None,
) -> Message:
    """Store `data` as the next message of `sender`, numbered on `day` (`YYYY-MM-DD`); with
    `once`, return an identical message of the same sender that is already there (or being
    written) instead of storing it again. With `seq` (a team message signed for that number,
    core/team_signature.py), exactly that number or `ThreadMovedError`: it must be the next
    one and still free. The case's thread index marker first (`mark_active`; `indexed_as`: the
    case's channel and received day, which spares reading its state)."""
    mark_active(store, case, indexed_as)
    listing = _listing(store, case)
    tag = claim_bytes(sender, data, day, signature)
    digest = hashlib.sha256(data).hexdigest()
    if once:  # before `seq`: a retried signed post finds its message, not a moved thread
        existing = _identical(store, case, listing, sender, data, digest)
        if existing is not None:
            return existing
    if seq is not None:
        return _append_at(store, case, sender, data, tag, seq, listing.highest)
    seq = listing.highest + 1
    while seq <= MAX_SEQ:
        try:
            store.put_new(layout.case_message_claim(case, seq), tag)
        except ObjectExistsError:
            if once and _claims_same(_claim_of(store, case, seq), sender, digest):
                return _finish(store, case, seq, sender, data)  # an identical writer's number
            seq += 1
            continue
        # Ours; an identical writer that found our claim may have written the message first.
        return _finish(store, case, seq, sender, data)
    raise ThreadFullError("this case's thread is full")


def messages_and_next(store: ObjectStore, case: str) -> tuple[list[Message], int]:
    """The thread in order and the number the next message would get, from one listing."""
    listing = _listing(store, case)
    return listing.messages, listing.highest + 1


def next_seq(store: ObjectStore, case: str) -> int:
    """The number the next message would get (after every claim, written or not)."""
    return _listing(store, case).highest + 1


def _append_at(
    store: ObjectStore, case: str, sender: str, data: bytes, tag: bytes, seq: int, highest: int
) -> Message:
    if seq != highest + 1:
        raise ThreadMovedError("the thread's next number is not the one the message was signed for")
    if seq > MAX_SEQ:
        raise ThreadFullError("this case's thread is full")
    try:
        store.put_new(layout.case_message_claim(case, seq), tag)
    except ObjectExistsError:
        raise ThreadMovedError("another message took that number meanwhile") from None
    return _finish(store, case, seq, sender, data)


def _identical(
    store: ObjectStore, case: str, listing: _Listing, sender: str, data: bytes, digest: str
) -> Message | None:
    """An identical message of `sender`, or the number an identical writer claimed."""
    for message in listing.messages:
        if (
            message.sender == sender
            and message.size == len(data)
            and store.sha256(layout.case_prefix(case) + message.key).hex() == digest
        ):
            return message
    for seq in listing.unwritten:
        if _claims_same(_claim_of(store, case, seq), sender, digest):
            return _finish(store, case, seq, sender, data)
    return None


def _claim_of(store: ObjectStore, case: str, seq: int) -> bytes | None:
    try:
        return store.get(layout.case_message_claim(case, seq))
    except ObjectNotFoundError:
        return None


def _finish(store: ObjectStore, case: str, seq: int, sender: str, data: bytes) -> Message:
    """Write the message of claim `seq`, which holds exactly this sender and hash. Only a
    writer of these very bytes writes under such a claim, so one already there is the same."""
    key = layout.case_message(case, seq, sender)
    with contextlib.suppress(ObjectExistsError):
        store.put_new(key, data)
    return Message(seq, sender, key.removeprefix(layout.case_prefix(case)), len(data))
