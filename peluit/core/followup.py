"""The reporter's side of a case, reached with the receipt code's lookup token only.

The browser derives the 32-byte lookup token from the receipt code (peluit/core/receipt.py)
and sends it, never the code. The server hashes it and reads `lookup/{sha256(token)}.json`:
there is no other way from a token to a case, and nothing compares the token itself (the
store finds the entry by its hash; an attacker controls that hash only through SHA-256).

What the reporter gets: the case reference, its channel (to encrypt to the channel's keys),
the status name and the day it was set, and the thread as ciphertext with the day each message
was numbered; and, in chunks, the encrypted segments of files the review team attached to its
messages (`replies/{upload}/…`; what they are is inside the team's message). Nothing else of
`state.json` (no tags, no reviewer ids, no history) and no sender names: a reviewer's
message is "penelaah", the reporter's own is "pelapor".

A token that finds no case, for whatever reason, is `ReceiptNotFoundError`, and costs what a
found one costs: every request does the same store calls in the same order up to the
thread listing — the lookup entry, a `state.json`, the thread listing — for a decoy case id
derived from the token's hash when the entry is missing. And every request, found or not,
answers no sooner than `floor` after it started (`DEFAULT_FLOOR`), which hides the store's
own latency differences (a miss is faster than a hit). Reading the messages of a found
case comes after that point and is covered by the floor for ordinary threads.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

from peluit import age
from peluit.config import Channel, Config
from peluit.store.errors import ObjectNotFoundError
from peluit.store.port import ObjectStore

from . import (
    evidence,
    layout,
    padding,
    recipients,
    reporter_signature,
    staging,
    thread,
    workflow,
)
from .casestate import CaseState, StateFormatError
from .dates import Clock, local_date
from .errors import (
    CaseClosedError,
    InvalidUploadPlanError,
    NotPaddedError,
    ReceiptNotFoundError,
    ReplyFileNotFoundError,
    ReporterSignatureError,
    ThreadFullError,
)
from .ids import CASE_ID, case_id, case_reference, is_submission_id
from .submission import Segment, check_segment_plan, check_staged, copy_staged

DEFAULT_FLOOR = 0.4  # seconds: well above a few S3 reads, small next to the proof of work
INLINE_BUDGET = 3 * 1024 * 1024  # ciphertext per answer (base64 makes it 4 MiB < Lambda's 6)
CHUNK_BYTES = INLINE_BUDGET  # of a reply file's segment per answer, for the same reason
MAX_REPORTER_MESSAGES = 1000
TOKEN_BYTES = 32
REVIEWER: Literal["penelaah"] = "penelaah"
Sender = Literal["pelapor", "penelaah"]


@dataclass(frozen=True)
class ThreadItem:
    seq: int
    sender: Sender  # never a reviewer's id
    data: bytes
    on: str | None = None  # the day the message was numbered; None for older messages
    signature: str | None = None  # a team message's writer's signature (hex); None: unsigned


@dataclass(frozen=True)
class FileChunk:
    """Bytes `offset`… of one stored segment (ciphertext) of a file the team attached."""

    size: int  # the whole segment's size
    offset: int
    data: bytes


@dataclass(frozen=True)
class CaseStatus:
    reference: str
    channel: str
    status: str
    since: str  # the day the current status was set
    messages: list[ThreadItem]
    more: bool  # messages after the last one returned did not fit: ask again with `after`
    next_seq: int = 1  # the number the next message will take: what a reporter signs


@dataclass(frozen=True)
class Posted:
    seq: int


@dataclass(frozen=True)
class EvidenceAdded:
    seq: int  # the manifest message
    files: list[int]  # the case's file numbers, in the manifest's order


@dataclass(frozen=True)
class _Case:
    case: str
    state: CaseState
    channel: Channel
    thread: list[thread.Message]
    next_seq: int  # the number the next message will take
    reporter_key: bytes | None = None  # cases finalized before signatures have none
    statement: int = 1  # 2: the reporter's messages sign their case and number too


class FollowupService:
    def __init__(
        self,
        config: Config,
        store: ObjectStore,
        clock: Clock,
        floor: float = DEFAULT_FLOOR,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._config = config
        self._store = store
        self._clock = clock
        self._floor = floor
        self._sleep = sleep
        self._monotonic = monotonic

    # -- the three things a reporter does ------------------------------------------------

    def status(self, token: bytes, after: int = 0) -> CaseStatus:
        """The case's public status and its thread after message `after`, as ciphertext."""
        with self._paced():
            found = self._open(token)
            items: list[ThreadItem] = []
            budget = INLINE_BUDGET
            later = [m for m in found.thread if m.seq > after]
            for message in later:
                if items and message.size > budget:
                    break
                data = self._store.get(layout.case_prefix(found.case) + message.key)
                sender: Sender = "pelapor" if message.from_reporter else REVIEWER
                day, sig = thread.day_and_signature(self._store, found.case, message.seq)
                team_sig = sig if sender == REVIEWER else None  # the reporter's: not needed
                items.append(ThreadItem(message.seq, sender, data, day, team_sig))
                budget -= len(data)
            return CaseStatus(
                reference=case_reference(found.case),
                channel=found.channel.id,
                status=found.state.status,
                since=_since(found.state),
                messages=items,
                more=len(items) < len(later),
                next_seq=found.next_seq,
            )

    def post_message(
        self,
        token: bytes,
        message: bytes,
        signature: bytes | None = None,
        seq: int | None = None,
    ) -> Posted:
        """Store the reporter's message: one age file to the channel's reviewers and
        oversight, signed with the case's reporter key if it has one (its claim keeps the
        signature). `seq`: the number the signature names (statement version 2): the message
        takes exactly that number, or `ThreadMovedError` if it is no longer the next one.
        Stored once per ciphertext: a retry returns the same message."""
        with self._paced():
            found = self._writable(token)
            placed = self._check_message(found, message, signature, seq)
            posted = thread.append(
                self._store,
                found.case,
                thread.REPORTER,
                message,
                day=self._today(),
                once=True,
                signature=signature if found.reporter_key else None,
                seq=placed,
                indexed_as=(found.state.channel, found.state.received),
            )
            return Posted(posted.seq)

    def add_evidence(
        self,
        token: bytes,
        upload: str,
        manifest: bytes,
        segments: Sequence[Segment],
        signature: bytes | None = None,
        seq: int | None = None,
    ) -> EvidenceAdded:
        """Move the segments staged under `upload` into the case as new files, with the
        reporter's manifest message (encrypted like any message of theirs). Idempotent."""
        with self._paced():
            found = self._writable(token)
            if not is_submission_id(upload):
                raise InvalidUploadPlanError("the upload id must be 32 lower-case hex digits")
            if not segments:
                raise InvalidUploadPlanError("no files to add")
            placed = self._check_message(found, manifest, signature, seq)
            count = len(self._config.report_recipients(found.channel))
            check_segment_plan(self._config.limits, segments, count)
            request = evidence.digest(upload, manifest, segments)
            claims = evidence.additions(self._store, found.case)
            mine = evidence.own_claim(claims, upload, request)
            files = len({s.file for s in segments})
            if mine is None:
                evidence.check_room(found.state.files, claims, files)
                pending = list(segments)
            else:  # a retry: what is staged now may not be what was checked the first time
                pending = evidence.uncopied(self._store, found.case, mine, segments)
            for segment in pending:
                check_staged(self._store, upload, segment, count)
            if pending:  # the staging area is this case's, and no other's
                staging.claim(self._store, upload, found.case, staging.EVIDENCE)
            if mine is None:
                message = thread.append(
                    self._store,
                    found.case,
                    thread.REPORTER,
                    manifest,
                    day=self._today(),
                    once=True,
                    signature=signature if found.reporter_key else None,
                    seq=placed,
                    indexed_as=(found.state.channel, found.state.received),
                )
                wanted = evidence.Addition(0, files, upload, request, message.key)
                mine = evidence.claim(self._store, found.case, found.state.files, wanted, claims)
            copy_staged(self._store, upload, found.case, mine.first, pending)
            seq = int(mine.message.removeprefix("thread/")[:5])
            return EvidenceAdded(seq, mine.files)

    def reply_file(
        self, token: bytes, upload: str, file: int, segment: int, offset: int
    ) -> FileChunk:
        """Bytes `offset`… (at most `CHUNK_BYTES`) of segment `segment` of file `file` that the
        review team attached under `upload` to a message in this case. Also for a closed
        case: what the team sent stays readable. The reporter checks each segment's SHA-256
        against the team's (encrypted) manifest before decrypting it."""
        with self._paced():
            found = self._open(token)
            if not is_submission_id(upload) or not (0 <= file < 100 and 0 <= segment < 100_000):
                raise ReplyFileNotFoundError("no such file from the review team")
            key = layout.case_reply_segment(found.case, upload, file, segment)
            try:
                size = self._store.head(key).size
                if not 0 <= offset < max(size, 1):
                    raise ReplyFileNotFoundError("the offset lies beyond the segment's end")
                length = min(CHUNK_BYTES, size - offset)
                data = self._store.read_range(key, offset, length) if length else b""
            except ObjectNotFoundError:
                raise ReplyFileNotFoundError("no such file from the review team") from None
            return FileChunk(size, offset, data)

    def _today(self) -> str:
        return local_date(self._clock, self._config.organisation.timezone).isoformat()

    # -- finding the case ----------------------------------------------------------------

    def _open(self, token: bytes) -> _Case:
        """The case the token leads to, with the same store calls whether there is one or
        not (see the module's docstring)."""
        lookup_hash = hashlib.sha256(token).digest()
        entry = self._get_or_none(layout.lookup(lookup_hash))
        case = _case_of(entry) if len(token) == TOKEN_BYTES else None
        probe = case if case is not None else _decoy(lookup_hash)
        state_data = self._get_or_none(layout.case_state(probe))
        messages, next_seq = thread.messages_and_next(self._store, probe)
        if case is None or state_data is None:
            raise ReceiptNotFoundError("no case answers to this receipt code")
        try:
            state = CaseState.parse(state_data)
        except StateFormatError:
            raise ReceiptNotFoundError("no case answers to this receipt code") from None
        channel = self._config.channel(state.channel)
        if channel is None:
            raise ReceiptNotFoundError("no case answers to this receipt code")
        key, statement = _reporter_key_of(entry)
        return _Case(case, state, channel, messages, next_seq, key, statement)

    def _writable(self, token: bytes) -> _Case:
        found = self._open(token)
        if found.state.status in workflow.FINAL:
            raise CaseClosedError("the case is closed: it takes no new messages")
        return found

    def _check_message(
        self, found: _Case, message: bytes, signature: bytes | None, seq: int | None
    ) -> int | None:
        """Refuse what the case may not take; the number the message must take (a version-2
        signature names it), or None: the next free one."""
        count = len(self._config.report_recipients(found.channel))
        recipients.check_ciphertext(message, count, self._config.limits.report_max_bytes)
        if signature is not None:  # a current client: it pads (core/padding.py)
            plain = age.inspect(message).payload_plaintext_size(len(message))
            if not padding.is_bucket(plain):
                raise NotPaddedError("the encrypted message is not padded to a size bucket")
        # Every case, signed or older, takes a bounded number of the reporter's messages.
        if sum(1 for m in found.thread if m.from_reporter) >= MAX_REPORTER_MESSAGES:
            raise ThreadFullError("this case takes no more messages from the reporter")
        if found.reporter_key is None:
            return None  # a case from before signatures: nothing to check with (nor to keep)
        if seq is not None:
            if not 1 <= seq <= reporter_signature.MAX_SEQ:
                raise ReporterSignatureError("a message's number is 1…99999")
            statement = reporter_signature.placed_message_statement(found.case, seq, message)
        elif found.statement == 2:  # its case and number are signed, or nothing is taken
            raise ReporterSignatureError("the message's signature must name its case and number")
        else:  # a case filed by a client from before version 2, and a page from then too
            statement = reporter_signature.message_statement(message)
        if signature is None or not reporter_signature.verify(
            found.reporter_key, signature, statement
        ):
            raise ReporterSignatureError("the message is not signed with the case's key")
        return seq

    def _get_or_none(self, key: str) -> bytes | None:
        try:
            return self._store.get(key)
        except ObjectNotFoundError:
            return None

    @contextmanager
    def _paced(self) -> Iterator[None]:
        """Answer no sooner than `floor` seconds after the start, whatever happened."""
        start = self._monotonic()
        try:
            yield
        finally:
            rest = self._floor - (self._monotonic() - start)
            if rest > 0:
                self._sleep(rest)


def _case_of(entry: bytes | None) -> str | None:
    if entry is None:
        return None
    try:
        case = json.loads(entry).get("case")
    except (ValueError, AttributeError):
        return None
    return case if isinstance(case, str) and CASE_ID.fullmatch(case) else None


def _reporter_key_of(entry: bytes | None) -> tuple[bytes | None, int]:
    """The lookup entry's reporter key (32 bytes), or None (a case from before signatures),
    and the statement version its finalization signed (1 unless it says 2)."""
    try:
        fields = json.loads(entry or b"{}")
        key, statement = fields.get("reporter_key"), fields.get("statement")
        found = bytes.fromhex(key) if isinstance(key, str) and len(key) == 64 else None
    except (ValueError, AttributeError):
        return None, 1
    return found, 2 if statement == 2 and found is not None else 1


def _decoy(lookup_hash: bytes) -> str:
    """A well-formed case id that stands in for a missing one (80 bits: never a real case)."""
    return case_id(hashlib.sha256(b"peluit/decoy/v1\x00" + lookup_hash).hexdigest()[:32])


def _since(state: CaseState) -> str:
    for entry in reversed(state.history):
        if entry.get("status") == state.status and isinstance(entry.get("on"), str):
            return str(entry["on"])
    return state.received
