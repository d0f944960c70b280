"""The review team's side of a case: list, read, change status, write to the reporter.

Every method authorises first (reads only), then writes: the audit event first, then the
change it records. The reviewer API builds this service on a store view whose first write of
a request spends the request's nonce (`peluit.core.nonces.AdmittingStore`): admission is not
a call a method can forget. A refused request therefore changes nothing, and a crash or a
lost race after the audit event leaves an event for a change that did not happen (visible
against `state.json`), never a change without its event.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
from collections.abc import Sequence
from datetime import timedelta

from peluit.config import Config
from peluit.store.errors import (
    ObjectNotFoundError,
    PreconditionFailedError,
)
from peluit.store.port import ObjectStore, UploadTicket

from . import (
    case_objects,
    evidence,
    layout,
    listing,
    parallel,
    recipients,
    staging,
    thread,
    workflow,
)
from . import review_replies as replies
from .access import Access, Actor
from .audit import AuditLog
from .cases import CaseFiles, IndexEntry
from .casestate import CaseState
from .dates import Clock, local_date
from .errors import (
    InvalidUploadPlanError,
    LimitExceededError,
    NotPermittedError,
    ObjectUnavailableError,
    PreconditionRequiredError,
    ReplyKeyMissingError,
    StateConflictError,
    TransitionInputError,
    UnknownMessageError,
)
from .identity_requests import IdentityRequests
from .reads import ReadMarkers, unread
from .review_views import CaseObject as CaseObject
from .review_views import CasePage as CasePage
from .review_views import CaseSummary as CaseSummary
from .review_views import CaseView as CaseView
from .review_views import PersonView as PersonView
from .review_views import TeamSigned as TeamSigned
from .review_views import ThreadEntry as ThreadEntry
from .review_views import ThreadProgress as ThreadProgress
from .review_views import public_etag as public_etag
from .submission import (
    UPLOAD_TTL,
    Segment,
    check_staged,
)

INLINE_MAX = 4 * 1024 * 1024  # larger objects, and all attachment segments, go by URL
DOWNLOAD_TTL = timedelta(minutes=15)
PAGE_MAX = 500  # the console fetches every page (ADR 0035): few requests, each audited
SCAN_MAX = 2500  # states read for one page at most; a filtered page may come back short


class ReviewService:
    def __init__(self, config: Config, store: ObjectStore, clock: Clock) -> None:
        self._config = config
        self._store = store
        self._clock = clock
        self._access = Access(config)
        self._cases = CaseFiles(store)
        self._requests = IdentityRequests(store)
        self._audit = AuditLog(store, clock, config.organisation.timezone)
        self._reads = ReadMarkers(store)

    # -- who am I ------------------------------------------------------------------------

    def me(self, actor: Actor) -> PersonView:
        person = self._access.person(actor.id)
        channels = self._config.channels
        view = PersonView(
            person.id,
            person.name,
            tuple(person.roles),
            tuple(c.id for c in channels if person.id in c.reviewers),
            tuple(c.id for c in channels if person.id in c.oversight),
            tuple(c.id for c in channels if person.id in c.custodians),
        )
        self._audit.append(actor.id, "me.read")
        return view

    # -- listing -------------------------------------------------------------------------

    def list_cases(
        self,
        actor: Actor,
        channel: str | None = None,
        status: str | None = None,
        cursor: str | None = None,
        limit: int = 50,
    ) -> CasePage:
        readable = self._access.reader_channels(actor.id)
        if channel is not None and channel not in readable:
            raise NotPermittedError("only reviewers and oversight of a channel list its cases")
        if not readable:
            raise NotPermittedError("only reviewers and oversight list cases")
        if status is not None and status not in workflow.STATUSES:
            raise TransitionInputError("unknown status")
        if not 1 <= limit <= PAGE_MAX:
            raise TransitionInputError(f"limit must be between 1 and {PAGE_MAX}")
        entries = iter(self._cases.index([channel] if channel else readable, listing.after(cursor)))
        # The states are read in batches of as many as the page still needs, each batch's at
        # the same time (core/parallel.py): a page costs a few round trips, not one per case.
        found: list[CaseSummary] = []
        last = listing.after(cursor)
        scanned = 0
        while len(found) < limit and scanned < SCAN_MAX:
            batch = list(itertools.islice(entries, min(limit - len(found), SCAN_MAX - scanned)))
            if not batch:
                break
            scanned += len(batch)
            active = listing.thread_markers(self._store, batch, last)
            last = batch[-1]
            listed = parallel.run_all(
                [
                    functools.partial(self._summaries, actor.id, status, active, share)
                    for share in listing.shares(batch, self._store)
                ]
            )
            found += itertools.chain.from_iterable(listed)
        more = next(entries, None) is not None  # at least one more entry after `last`
        next_cursor = listing.cursor_of(last) if more and last is not None and scanned else None
        self._audit.append(actor.id, "cases.list")
        return CasePage(found, next_cursor)

    def _summaries(
        self, person: str, status: str | None, active: set[str], entries: Sequence[IndexEntry]
    ) -> list[CaseSummary]:
        """`_summary_if_listed` of each entry, one after the other, the unlisted left out."""
        listed = (self._summary_if_listed(person, status, active, e) for e in entries)
        return [summary for summary in listed if summary is not None]

    def _summary_if_listed(
        self, person: str, status: str | None, active: set[str], entry: IndexEntry
    ) -> CaseSummary | None:
        """The case's line in the listing (its state, then its thread's progress), or None if
        it is not complete, not this entry's, or of another status than asked. A case whose
        state says its messages are marked (`thread.INDEXED`) and that has no marker has no
        message: its thread is not listed."""
        state = listing.state_if_complete(self._cases, entry)
        if state is None or (status is not None and state.status != status):
            return None
        marker = layout.thread_index(entry.channel, entry.received, entry.case)
        if state.raw.get(thread.INDEXED) is True and marker not in active:
            return CaseSummary(entry.case, state, ThreadProgress(0, 0, 0))
        return CaseSummary(entry.case, state, self._progress(person, entry.case))

    # -- reading a case ------------------------------------------------------------------

    def get_case(self, actor: Actor, case: str) -> CaseView:
        state, info = self._cases.load(case)
        self._access.require_any(actor.id, state.channel)
        reader = self._access.is_reader(actor.id, state.channel)
        requests = self._requests.of_case(case)
        objects = [
            CaseObject(obj.key, obj.size, None)
            for obj in self._cases.objects(case)
            if case_objects.listed(obj.key)
            and case_objects.may_read(self._access, actor.id, state, obj.key, requests)
        ]
        own = next((r for r in requests if r.reviewer == actor.id), None)
        reply = self._reply_if_any(case) if reader else None
        progress = self._progress(actor.id, case) if reader else ThreadProgress(0, 0, 0)
        additions = evidence.additions(self._store, case) if reader else []
        entries = self._thread_entries(case) if reader else []
        self._audit.append(actor.id, "case.read", case)
        return CaseView(
            case=case,
            state=state,
            etag=public_etag(info.etag),
            reply_recipient=reply,
            objects=[self._with_url(case, obj) for obj in objects],
            identity_request=own.status if own else None,
            thread=progress,
            additions=additions,
            messages=entries,
            reporter=self._cases.reporter(case) if reader else None,
            next_seq=thread.next_seq(self._store, case) if reader else 0,
        )

    def _thread_entries(self, case: str) -> list[ThreadEntry]:
        """Each message's number, sender, day and signature (the reporter's or, for a team
        message, its writer's) from its claim: one read per claim. The tools verify them."""
        listed = thread.messages(self._store, case)
        claims = {m.seq: thread.day_and_signature(self._store, case, m.seq) for m in listed}
        return [ThreadEntry(m.seq, m.sender, *claims[m.seq]) for m in listed]

    def read_object(self, actor: Actor, case: str, key: str) -> bytes:
        """The bytes of one object of a case (ciphertext), if the actor may read it."""
        state, _ = self._cases.load(case)
        self._access.require_any(actor.id, state.channel)
        if not case_objects.listed(key) or not case_objects.may_read(
            self._access, actor.id, state, key, self._requests.of_case(case)
        ):
            raise ObjectUnavailableError("no such object, or not one you may read")
        try:
            info = self._store.head(f"{layout.case_prefix(case)}{key}")
        except ObjectNotFoundError:
            raise ObjectUnavailableError("no such object, or not one you may read") from None
        if info.size > INLINE_MAX:
            raise LimitExceededError("this object is too large for the API: use its URL")
        self._audit.append(actor.id, "object.read", case, object=key)
        return self._store.get(info.key)

    def _with_url(self, case: str, obj: CaseObject) -> CaseObject:
        if not (obj.key.startswith(("files/", "replies/")) or obj.size > INLINE_MAX):
            return obj
        url = self._store.presign_get(f"{layout.case_prefix(case)}{obj.key}", DOWNLOAD_TTL)
        return CaseObject(obj.key, obj.size, url)

    def _reply_if_any(self, case: str) -> str | None:
        try:
            return self._cases.reply_recipient(case)
        except ReplyKeyMissingError:
            return None

    # -- changing a case -----------------------------------------------------------------

    def change_status(
        self,
        actor: Actor,
        case: str,
        if_match: str | None,
        to: str,
        target: str | None,
        reason: bytes,
    ) -> tuple[CaseState, str]:
        """Move the case to `to`; `reason` is age ciphertext to the channel's reviewers and
        oversight. Returns the new state and its etag."""
        state, info = self._cases.load(case)
        self._access.require_reviewer(actor.id, state.channel)
        if if_match is None:
            raise PreconditionRequiredError("a status change needs If-Match with the case etag")
        if if_match.strip() != public_etag(info.etag):
            raise StateConflictError("the case changed since you read it; read it again")
        workflow.check_transition(state.status, to, target)
        channel = self._access.channel(state.channel)
        count = len(recipients.note_recipients(self._config, channel))
        recipients.check_ciphertext(reason, count, self._config.limits.report_max_bytes)
        day = local_date(self._clock, self._config.organisation.timezone)
        note = hashlib.sha256(reason).hexdigest()
        new = workflow.apply_transition(state, workflow.Transition(to, target, actor.id, day, note))
        self._cases.put_note(case, reason)
        detail = {"from": state.status, "to": to, "reason_sha256": note}
        if target is not None:
            detail["target"] = target
        self._audit.append(actor.id, "status.change", case, **detail)
        try:
            written = self._store.replace(layout.case_state(case), new.to_bytes(), info.etag)
        except PreconditionFailedError:
            raise StateConflictError("the case changed meanwhile; read it again") from None
        return new, public_etag(written.etag)

    def set_tag(self, actor: Actor, case: str, tag: str, present: bool) -> tuple[CaseState, str]:
        """Set (or clear) one of `workflow.TAGS` on the case, as a reviewer of its channel.
        Setting a tag the case has, or clearing one it lacks, writes nothing. Returns the
        state and its etag."""
        state, info = self._cases.load(case)
        self._access.require_reviewer(actor.id, state.channel)
        if tag not in workflow.TAGS:
            raise TransitionInputError(f"unknown tag; known: {', '.join(workflow.TAGS)}")
        if (tag in state.tags) == present:
            return state, public_etag(info.etag)
        tags = [*state.tags, tag] if present else [t for t in state.tags if t != tag]
        new = state.replaced(tags=tags)
        self._audit.append(actor.id, "case.tag", case, tag=tag, set="yes" if present else "no")
        try:
            written = self._store.replace(layout.case_state(case), new.to_bytes(), info.etag)
        except PreconditionFailedError:
            raise StateConflictError("the case changed meanwhile; read it again") from None
        return new, public_etag(written.etag)

    def plan_reply_uploads(
        self, actor: Actor, case: str, upload: str, segments: Sequence[Segment]
    ) -> list[UploadTicket]:
        """Presigned, create-only, size- and hash-bound PUTs to `staging/replies/{upload}/…` for the
        segments of files a reviewer attaches to a message to the reporter (encrypted like the
        message: to the reply key, the reviewers and oversight)."""
        state, _ = self._cases.load(case)
        self._access.require_reviewer(actor.id, state.channel)
        count = self._message_recipient_count(case, state)
        replies.check_reply_plan(self._config, upload, segments, count, whole=False)
        self._audit.append(actor.id, "reply.uploads", case, upload=upload)
        return [
            self._store.presign_put(
                layout.staging_reply_segment(upload, s.file, s.index),
                s.size,
                s.sha256,
                UPLOAD_TTL,
            )
            for s in segments
        ]

    def post_message(
        self,
        actor: Actor,
        case: str,
        message: bytes,
        upload: str | None = None,
        segments: Sequence[Segment] = (),
        signed: TeamSigned | None = None,
    ) -> str:
        """Store a message to the reporter (age ciphertext to the reply key, the reviewers and
        oversight) as the next `thread/{seq}-{reviewer}.age`; returns that relative key. With
        `segments`, the files staged under `upload` (each checked here: size, SHA-256, an age
        header for the same recipients) are copied to `replies/{upload}/…` first; what they
        are is in the message (`peluit-reply/1`), which the server cannot read. With `signed`
        (the writer's signature for number `seq` on day `on`, core/team_signature.py), the
        signature is checked against the writer's roster key, kept in the message's claim, and
        the message takes exactly that number and day (`ThreadMovedError` if it is no longer
        the next one). The reporter's tools check it themselves; this check only keeps a
        broken signature from being stored."""
        state, _ = self._cases.load(case)
        self._access.require_reviewer(actor.id, state.channel)
        count = self._message_recipient_count(case, state)
        recipients.check_ciphertext(message, count, self._config.limits.report_max_bytes)
        today = local_date(self._clock, self._config.organisation.timezone)
        if signed is not None:
            key = self._access.person(actor.id).signing_key
            replies.check_team_signature(self._store, key, case, message, signed, today)
        if segments or upload is not None:
            if upload is None:
                raise InvalidUploadPlanError("files need the id they were uploaded under")
            replies.check_reply_plan(self._config, upload, segments, count)
            for segment in segments:
                staged = layout.staging_reply_segment(upload, segment.file, segment.index)
                check_staged(self._store, upload, segment, count, staged)
        digest = hashlib.sha256(message).hexdigest()
        detail = {"object_sha256": digest}
        if upload is not None:
            detail["upload"] = upload
        self._audit.append(actor.id, "message.post", case, **detail)
        if upload is not None:
            staging.claim(self._store, upload, case, staging.REPLY)
            replies.copy_reply(self._store, upload, case, segments)
        indexed_as = (state.channel, state.received)  # its thread index marker (ADR 0056)
        if signed is None:
            return thread.append(
                self._store, case, actor.id, message, day=today.isoformat(), indexed_as=indexed_as
            ).key
        return thread.append(
            self._store,
            case,
            actor.id,
            message,
            day=signed.on,
            signature=signed.signature,
            seq=signed.seq,
            indexed_as=indexed_as,
        ).key

    def _message_recipient_count(self, case: str, state: CaseState) -> int:
        reply = self._cases.reply_recipient(case)
        channel = self._access.channel(state.channel)
        return len(recipients.message_recipients(self._config, channel, reply))

    # -- what each person has seen -------------------------------------------------------

    def mark_read(self, actor: Actor, case: str, seq: int) -> ThreadProgress:
        """Record that the person has seen the thread up to message `seq` (never backwards;
        at most the newest message)."""
        state, _ = self._cases.load(case)
        self._access.require_reader(actor.id, state.channel)
        messages = thread.messages(self._store, case)
        newest = max((m.seq for m in messages), default=0)
        if not 0 <= seq <= newest:
            raise UnknownMessageError("that message is not in the thread")
        self._audit.append(actor.id, "thread.read", case, object=f"thread/{seq:05d}")
        last = self._reads.advance(case, actor.id, seq)
        return ThreadProgress(unread(messages, last), last, newest)

    def _progress(self, person: str, case: str) -> ThreadProgress:
        messages = thread.messages(self._store, case)
        if not messages:  # a marker never passes the newest message (`mark_read`): none here
            return ThreadProgress(0, 0, 0)
        last = self._reads.last_read(case, person)
        newest = max((m.seq for m in messages), default=0)
        return ThreadProgress(unread(messages, last), last, newest)
