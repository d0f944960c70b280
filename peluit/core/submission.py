"""Accepting a report: plan its direct-to-store uploads, then finalize it into a case.

The service proves to itself that everything is age ciphertext for exactly the
channel's post-quantum recipients, never reads plaintext (it has no key), and makes
finalization idempotent: the same submission finalized twice gives the same case;
different content under the same submission id is a conflict.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from peluit import age
from peluit.config import Channel, Config
from peluit.store.errors import ObjectExistsError, ObjectNotFoundError
from peluit.store.port import ObjectStore, UploadTicket

from . import layout, parallel, recipient_set, reporter_signature, staging, thread, write_steps
from .ciphertext import require_age
from .dates import Clock, local_date
from .errors import (
    IdentityBlockError,
    InvalidReplyKeyError,
    InvalidUploadPlanError,
    LimitExceededError,
    ReporterSignatureError,
    StaleRecipientsError,
    SubmissionConflictError,
    UnknownChannelError,
)
from .ids import case_id, case_reference, is_submission_id
from .segments import Segment as Segment
from .segments import check_segment_plan as check_segment_plan
from .segments import check_staged as check_staged
from .segments import copy_segment, staged_moves
from .segments import copy_segments as copy_segments
from .segments import copy_staged as copy_staged
from .segments import segment_plaintext as segment_plaintext

UPLOAD_TTL = timedelta(hours=1)
INITIAL_STATUS = "diterima"


@dataclass(frozen=True)
class Finalization:
    channel: str
    report: bytes
    identity: bytes | None
    segments: tuple[Segment, ...]
    lookup_hash: bytes
    reply_recipient: str
    # The fingerprint of the recipients the client encrypted to (core/recipient_set.py).
    # Clients from before it was defined send none; with it, the report and identity block
    # must also be padded to a size bucket (core/padding.py).
    recipients_sha256: str | None = None
    # The reporter's Ed25519 public key (from the receipt code) and its signature over the
    # report and identity block (core/reporter_signature.py); both or neither (older clients).
    reporter_key: bytes | None = None
    signature: bytes | None = None
    # Which statement the signature is over: 2 binds the case id and the reply key (every
    # current client), 1 the report and identity block only (clients from before).
    statement: reporter_signature.Version = 1


@dataclass(frozen=True)
class Receipt:
    case: str
    acknowledged_on: date

    @property
    def reference(self) -> str:
        return case_reference(self.case)


class SubmissionService:
    def __init__(self, config: Config, store: ObjectStore, clock: Clock) -> None:
        self._config = config
        self._store = store
        self._clock = clock

    # -- planning -------------------------------------------------------------------------

    def plan_uploads(
        self, submission: str, channel_id: str, segments: Sequence[Segment]
    ) -> list[UploadTicket]:
        """One presigned, create-only, size- and hash-bound PUT per segment."""
        channel = self._channel(channel_id)
        self._check_submission_id(submission)
        if not segments:
            raise InvalidUploadPlanError("no segments to upload")
        if len({(s.file, s.index) for s in segments}) != len(segments):
            raise InvalidUploadPlanError("a segment is listed twice")
        recipients = len(self._config.report_recipients(channel))
        total = sum(self._segment_plaintext(s, recipients) for s in segments)
        if total > self._config.limits.total_max_bytes:
            raise LimitExceededError("the attachments are larger than allowed in all")
        return [
            self._store.presign_put(
                layout.staging_segment(submission, s.file, s.index), s.size, s.sha256, UPLOAD_TTL
            )
            for s in segments
        ]

    def _segment_plaintext(self, segment: Segment, recipients: int) -> int:
        return segment_plaintext(self._config.limits, segment, recipients)

    # -- finalizing -----------------------------------------------------------------------

    def finalize(self, submission: str, request: Finalization) -> Receipt:
        channel = self._channel(request.channel)
        self._check_submission_id(submission)
        self._check_recipient_set(channel, request.recipients_sha256)
        padded = request.recipients_sha256 is not None
        self._check_report(channel, request, padded)
        self._check_identity(channel, request.identity, padded)
        self._check_reply_key(request.reply_recipient)
        _check_signature(request, case_id(submission))
        if len(request.lookup_hash) != 32:
            raise InvalidUploadPlanError("the receipt lookup hash must be 32 bytes")
        recipients = len(self._config.report_recipients(channel))
        self._check_segment_plan(request.segments, recipients)

        case = case_id(submission)
        digest = _digest(request)
        today = local_date(self._clock, self._config.organisation.timezone)
        # Independent store calls run together (core/parallel.py), in steps that each wait for
        # the one before: reads, then the claims, then the case's objects, then state.json.
        resuming, received = parallel.run_both(
            lambda: self._claimed_with(case, digest),
            lambda: self._received_day(case, today),
            reads_of=self._store,
        )
        # Every segment still to copy is checked now, also when resuming: what is staged
        # under the id may have expired and been uploaded again since the first attempt.
        pending = request.segments
        if resuming:
            copied = parallel.run_reads(
                self._store,
                [
                    functools.partial(self._exists, layout.case_segment(case, s.file, s.index))
                    for s in request.segments
                ],
            )
            pending = tuple(s for s, done in zip(request.segments, copied, strict=True) if not done)
        lookup_entry = _canonical(
            {"version": 1, "case": case, "reply_recipient": request.reply_recipient}
            | _reporter_key(request)
        )
        checks: list[Callable[[], None]] = [
            functools.partial(check_staged, self._store, submission, s, recipients) for s in pending
        ]
        checks.append(lambda: self._check_lookup_free(request.lookup_hash, lookup_entry))
        if pending:
            checks.append(lambda: staging.check_free(self._store, submission, case, staging.REPORT))
        parallel.run_reads(self._store, checks)
        claims: list[Callable[[], None]] = []
        if pending:  # the staging area is this case's, and no other's
            claims.append(lambda: staging.claim(self._store, submission, case, staging.REPORT))
        if not resuming:
            claims.append(lambda: self._claim_case(case, digest))
        objects = _case_objects(case, channel, request, lookup_entry, received)
        moves = staged_moves(submission, case, 0, pending)  # each was checked above
        # The case's writes are made ready alongside the claims where the store can (temp files
        # and opened sources, which no read sees: write_steps.py), and appear only after them.
        copies = [(source, dest, segment.sha256) for segment, source, dest in moves]
        with write_steps.StepWrites(self._store, objects, copies) as writes:
            parallel.run_all([*claims, *writes.preparations()])
            received = self._write_case(moves, writes, objects)
        return Receipt(case=case, acknowledged_on=received)

    def _claim_case(self, case: str, digest: str) -> None:
        marker = json.dumps({"version": 1, "digest": digest}).encode()
        try:
            self._store.put_new(layout.case_marker(case), marker)
        except ObjectExistsError:
            if not self._claimed_with(case, digest):
                raise SubmissionConflictError("submission already finalized") from None

    def _check_lookup_free(self, lookup_hash: bytes, entry: bytes) -> None:
        """A receipt code belongs to one case: refuse before writing anything if it is taken."""
        try:
            existing = self._store.sha256(layout.lookup(lookup_hash))
        except ObjectNotFoundError:
            return
        if existing != hashlib.sha256(entry).digest():
            raise SubmissionConflictError("this receipt code is already in use")

    def _write_case(
        self,
        moves: Sequence[tuple[Segment, str, str]],
        writes: write_steps.StepWrites,
        objects: Sequence[tuple[str, bytes]],
    ) -> date:
        """The segment copies and the case's objects, then state.json (the last of `objects`),
        which marks the case complete; the day the case was received."""
        *before, (state_key, state) = objects
        parallel.run_all(
            [
                *(
                    functools.partial(copy_segment, segment, functools.partial(writes.put, dest))
                    for segment, _, dest in moves
                ),
                *(functools.partial(self._put_same, writes, key, data) for key, data in before),
            ]
        )
        try:
            writes.put(state_key)
        except ObjectExistsError:  # a retry after the case was complete: its first day stands
            state = self._store.get(state_key)
        return date.fromisoformat(json.loads(state)["received"])

    def _received_day(self, case: str, today: date) -> date:
        """A retry after the case was complete keeps the day it was first received."""
        try:
            existing = json.loads(self._store.get(layout.case_state(case)))
        except ObjectNotFoundError:
            return today
        return date.fromisoformat(existing["received"])

    def _channel(self, channel_id: str) -> Channel:
        channel = self._config.channel(channel_id)
        if channel is None:
            raise UnknownChannelError(f"unknown channel {channel_id!r}")
        return channel

    @staticmethod
    def _check_submission_id(submission: str) -> None:
        if not is_submission_id(submission):
            raise InvalidUploadPlanError("submission id must be 32 lower-case hex digits")

    def _check_recipient_set(self, channel: Channel, given: str | None) -> None:
        if given is None:
            return
        current = recipient_set.fingerprint(
            self._config.report_recipients(channel), self._config.identity_recipients(channel)
        )
        if given != current:
            raise StaleRecipientsError("encrypted to recipients the channel no longer has")

    def _check_report(self, channel: Channel, request: Finalization, padded: bool) -> None:
        if len(request.report) > self._config.limits.report_max_bytes:
            raise LimitExceededError("the encrypted report is larger than allowed")
        require_age(request.report, len(self._config.report_recipients(channel)), padded=padded)

    def _check_identity(self, channel: Channel, identity: bytes | None, padded: bool) -> None:
        if identity is None:
            if channel.identity == "required":
                raise IdentityBlockError("this channel requires the reporter's identity")
            return
        if channel.identity == "none":
            raise IdentityBlockError("this channel does not take an identity block")
        if len(identity) > self._config.limits.report_max_bytes:
            raise LimitExceededError("the encrypted identity block is larger than allowed")
        require_age(identity, len(self._config.identity_recipients(channel)), padded=padded)

    @staticmethod
    def _check_reply_key(recipient: str) -> None:
        try:
            age.HybridRecipient.parse(recipient)
        except age.KeyFormatError:
            raise InvalidReplyKeyError("the reply key must be an age1pq1… recipient") from None

    def _check_segment_plan(self, segments: Sequence[Segment], recipients: int) -> None:
        check_segment_plan(self._config.limits, segments, recipients)

    def _claimed_with(self, case: str, digest: str) -> bool:
        """Whether this exact submission already claimed the case; a different one conflicts."""
        try:
            marker = json.loads(self._store.get(layout.case_marker(case)))
        except ObjectNotFoundError:
            return False
        if marker.get("digest") != digest:
            raise SubmissionConflictError("submission already finalized with other content")
        return True

    def _exists(self, key: str) -> bool:
        try:
            self._store.head(key)
        except ObjectNotFoundError:
            return False
        return True

    def _put_same(self, writes: write_steps.StepWrites, key: str, data: bytes) -> None:
        """Create-only write that also accepts an identical object already there (a retry)."""
        try:
            writes.put(key)
        except ObjectExistsError:
            if self._store.sha256(key) != hashlib.sha256(data).digest():
                raise SubmissionConflictError(
                    "stored object differs from this submission"
                ) from None


def _case_objects(
    case: str, channel: Channel, request: Finalization, lookup_entry: bytes, today: date
) -> list[tuple[str, bytes]]:
    """What a finalization writes besides the segment copies, state.json last. For the review
    team: the reply key without the lookup hash (which would link the case to the receipt
    code's token), and the channel's case index."""
    reply_entry = _canonical(
        {"version": 1, "reply_recipient": request.reply_recipient} | _reporter(request)
    )
    objects = [
        (layout.case_report(case), request.report),
        (layout.lookup(request.lookup_hash), lookup_entry),
        (layout.case_reply(case), reply_entry),
        (layout.case_index(channel.id, today.isoformat(), case), b""),
    ]
    if request.identity is not None:
        objects.insert(1, (layout.case_identity(case), request.identity))
    state = {
        "version": 1,
        "channel": channel.id,
        "status": INITIAL_STATUS,
        "received": today.isoformat(),
        "files": len({s.file for s in request.segments}),
        "identity": request.identity is not None,
        "tags": [],
        "history": [{"status": INITIAL_STATUS, "on": today.isoformat()}],
        thread.INDEXED: True,  # each message will have its thread index marker
    }
    return [*objects, (layout.case_state(case), _canonical(state))]


def _check_signature(request: Finalization, case: str) -> None:
    if request.reporter_key is None and request.signature is None:
        return  # a client from before signatures
    if request.reporter_key is None or request.signature is None:
        raise ReporterSignatureError("the reporter key and the signature go together")
    if request.statement == 2:
        statement = reporter_signature.finalize_statement(
            case, request.report, request.identity, request.reply_recipient
        )
    else:
        statement = reporter_signature.report_statement(request.report, request.identity)
    if not reporter_signature.verify(request.reporter_key, request.signature, statement):
        raise ReporterSignatureError("the signature does not verify with the reporter key")


def _reporter_key(request: Finalization) -> dict[str, str | int]:
    """The lookup entry's part: the key the reporter's later messages are checked with, and
    (version 2) that they must sign their case and number too."""
    if request.reporter_key is None:
        return {}
    return {"reporter_key": request.reporter_key.hex()} | _statement(request)


def _statement(request: Finalization) -> dict[str, int]:
    """Version 1 is written as no field: entries from before versions stay byte-identical."""
    return {"statement": 2} if request.statement == 2 else {}


def _reporter(request: Finalization) -> dict[str, str | int | None]:
    """`reply.json`'s part, for the review tool: the key, the signature, and the identity
    block's SHA-256 (which the signature covers, and which a reviewer cannot fetch)."""
    if request.reporter_key is None or request.signature is None:
        return {}
    identity = hashlib.sha256(request.identity).hexdigest() if request.identity else None
    return {
        "reporter_key": request.reporter_key.hex(),
        "report_signature": request.signature.hex(),
        "identity_sha256": identity,
    } | _statement(request)


def _canonical(value: object) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()


def _digest(request: Finalization) -> str:
    summary = {
        "channel": request.channel,
        "report": hashlib.sha256(request.report).hexdigest(),
        "identity": hashlib.sha256(request.identity).hexdigest() if request.identity else None,
        "segments": sorted([s.file, s.index, s.size, s.sha256.hex()] for s in request.segments),
        "lookup": request.lookup_hash.hex(),
        "reply": request.reply_recipient,
    }
    return hashlib.sha256(_canonical(summary)).hexdigest()
