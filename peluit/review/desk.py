"""A person's work on cases, on their own machine: what the console and `peluit cases` do.

`ReviewDesk` holds the unlocked key file, the local configuration and a signing client.
It reads through the reviewer API and decrypts here; it encrypts here (`compose`) and
writes through the API. Recipients come from the local configuration, never the server.
Decrypted reports are kept in memory for the desk's lifetime (they never change), nothing
decrypted is written to disk by the desk: that reading side is `peluit.review.case_reader`.
`PARALLEL` (re-exported) is `peluit.review.parallel`'s.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from peluit import age
from peluit.api.review_models import (
    CaseObjectOut,
    CaseOut,
    CaseSummaryOut,
    IdentityRequestOut,
    StateOut,
    ThreadOut,
)
from peluit.config import Config
from peluit.core import workflow
from peluit.core.dates import Clock, local_date, utc_now
from peluit.core.ids import is_case_id
from peluit.core.report import FileEntry
from peluit.keys import KeyFile

from . import answers, attach, authenticity, compose, content, custody, team_check
from .case_reader import CaseReader
from .client import ReviewClient
from .content import Message
from .errors import ReviewApiError, ReviewInputError
from .parallel import PARALLEL, parallel
from .pins import MemoryPins, Pins
from .reading import ReportReading, read_identity
from .views import CaseFile, CaseListing, CaseRow, HistoryEntry, RequestRow

MAX_TEXT = 20_000  # characters of a reply or reason; the API's ciphertext limit is larger
PAGE = 500  # cases per listing request when the console fetches them all (the API's most)
SIGN_ATTEMPTS = 3  # a signed message races other writers for its number this often


def case_id(text: str) -> str:
    """A case id from what a person typed: the id, or its reference (`ABCD-EFGH-…`)."""
    candidate = text.strip().replace("-", "").lower()
    if not is_case_id(candidate):
        raise ReviewInputError(f"{text!r} is not a case id or reference (16 characters)")
    return candidate


def _text(text: str, what: str) -> str:
    cleaned = text.replace("\r\n", "\n").strip()
    if not cleaned:
        raise ReviewInputError(f"the {what} is empty")
    if len(cleaned) > MAX_TEXT:
        raise ReviewInputError(f"the {what} is longer than {MAX_TEXT} characters")
    return cleaned


class ReviewDesk:
    def __init__(
        self,
        config: Config,
        key: KeyFile,
        client: ReviewClient,
        clock: Clock = utc_now,
        pins: Pins | None = None,
    ) -> None:
        self.config = config
        self.key = key
        self.client = client
        self._clock = clock
        self._pins: Pins = pins if pins is not None else MemoryPins()  # review/pins.py
        self._reader = CaseReader(config, key, client)  # what is fetched and decrypted, kept

    # -- who I am on which channel (from the local roster; the server decides again) -------

    def today(self) -> date:
        return local_date(self._clock, self.config.organisation.timezone)

    def reviews(self, channel: str) -> bool:
        found = self.config.channel(channel)
        return found is not None and self.key.person in found.reviewers

    def reads(self, channel: str) -> bool:
        found = self.config.channel(channel)
        return found is not None and self.key.person in (*found.reviewers, *found.oversight)

    def reader_channels(self) -> list[str]:
        return [c.id for c in self.config.channels if self.reads(c.id)]

    def custodian_channels(self) -> list[str]:
        return [c.id for c in self.config.channels if self.key.person in c.custodians]

    # -- listing ---------------------------------------------------------------------------

    def list_cases(
        self,
        channel: str | None = None,
        status: str | None = None,
        cursor: str | None = None,
        limit: int = 50,
        areas: bool = True,
    ) -> CaseListing:
        """One page, newest first. With `areas`, each listed report is fetched (once per
        desk) and decrypted to show its KPK area: an `object.read` in the audit log."""
        page = self.client.list_cases(channel, status, cursor, limit)
        if areas:
            parallel(self._reader.report_if_readable, [s.case for s in page.cases])
        rows = [self._row(s, s.thread) for s in page.cases]
        return CaseListing(rows, page.next_cursor)

    def all_cases(self, channel: str | None = None, status: str | None = None) -> list[CaseRow]:
        rows: list[CaseRow] = []
        cursor: str | None = None
        while True:
            listing = self.list_cases(channel, status, cursor, limit=PAGE)
            rows.extend(listing.rows)
            if listing.next_cursor is None:
                return rows
            cursor = listing.next_cursor

    def _row(self, summary: CaseSummaryOut, thread: ThreadOut) -> CaseRow:
        reading = self._reader.known_report(summary.case)
        document = reading.document if reading else None
        return answers.case_row(self.config, self.today(), summary, thread, document)

    # -- reading a case --------------------------------------------------------------------

    def report(self, case: str) -> ReportReading:
        return self._reader.report(case)

    def decrypted(self, case: str) -> tuple[ReportReading | None, list[Message]]:
        """What this desk has already decrypted of `case`, without a request (local search)."""
        return self._reader.decrypted(case)

    def attachment(self, case: str, number: int) -> tuple[FileEntry, Iterator[bytes]]:
        """File `number` of the case and its plaintext chunks (`CaseReader.attachment`)."""
        return self._reader.attachment(case, number)

    def attachment_into(
        self, case: str, number: int, out: bytearray
    ) -> tuple[FileEntry, Iterator[memoryview]]:
        """File `number` of the case and views of its plaintext in `out`, each valid only until
        the next one is asked for (`CaseReader.attachment_into`)."""
        return self._reader.attachment_into(case, number, out)

    def open_case(self, case: str) -> CaseFile:
        view = self.client.get_case(case)
        objects = {o.key: o for o in view.objects}
        self._reader.listed(case, list(objects))
        report = self.report(case) if "report.age" in objects else None
        check = self.authenticity(case, view) if report is not None else None
        required = check is not None and check.messages_need_a_key
        reporter = None if check is not None and check.key_untrusted else view.reporter
        row = self._row(view, view.thread)
        thread = sorted(
            (found[0], found[1], key) for key in objects if (found := content.thread_key(key))
        )
        days = answers.message_days(view.messages)
        fetched = parallel(lambda t: self._reader.message(case, *t), thread)
        signatures = {m.seq: m.signature for m in view.messages}
        hashes = self._reader.hashes()
        messages = [
            authenticity.checked(
                replace(m, on=days.get(m.seq)),
                case,
                reporter,
                signatures.get(m.seq),
                hashes.get((case, m.key)),
                required=required,
            )
            for m in fetched
        ]
        placed = {
            m.key: team_check.Placed(
                m.seq, m.sender, m.on, signatures.get(m.seq), hashes.get((case, m.key))
            )
            for m in messages
        }
        version_2 = view.reporter is not None and view.reporter.statement >= 2
        messages = team_check.check_thread(
            self.config, case, messages, placed, received=view.received, version_2=version_2
        )
        report_files = report.document.files if report and report.document else []
        joined = content.assemble(report_files, messages, answers.additions(view))
        joined.problems[:0] = check.problems if check is not None else []
        self._mark_seen(case, view.thread)
        history = self._history(case, view.history, objects)
        grant_key = f"identity-grants/{self.key.person}.age"
        grant = self._reader.decrypt_bytes(case, grant_key) if grant_key in objects else None
        return CaseFile(
            row=row,
            etag=view.etag,
            report=report,
            messages=joined.messages,
            history=history,
            reply_recipient=check.reply_recipient if check is not None else None,
            identity_request=view.identity_request,
            identity=read_identity(grant) if grant is not None else None,
            objects=objects,
            attachments=joined.attachments,
            problems=joined.problems,
            signature=check.verdict if check is not None else None,
        )

    def authenticity(self, case: str, view: CaseOut) -> authenticity.CaseCheck:
        """The reporter side of `case` as this tool sees it (review/authenticity.py): the
        report's verdict and the reply key the team may encrypt to, checked against what this
        tool saw before (review/pins.py), which it then remembers."""
        inside = authenticity.InsideKeys.of(self.report(case).document)  # its keys (ADR 0054)
        report_sha256 = self._reader.hashes()[(case, "report.age")]
        pin = self._pins.get(case)
        check = authenticity.check_case(
            case,
            view.reporter,
            report_sha256,
            view.reply_recipient,
            view.received,
            self.config.organisation.reporter_signatures_since,
            pin,
            inside,
        )
        if check.pin != pin:
            self._pins.remember(case, check.pin)
        return check

    def _reply_key(self, case: str, view: CaseOut) -> str:
        """The reply key a reply may be encrypted to: only one the reporter's signature covers
        or (a case whose signature covers none) the one this tool saw first."""
        check = self.authenticity(case, view)
        if check.reply_problem is not None:
            raise ReviewInputError(check.reply_problem)
        if check.reply_recipient is None:
            raise ReviewInputError("this case has no reply key: the reporter cannot be answered")
        return check.reply_recipient

    def _mark_seen(self, case: str, progress: ThreadOut) -> None:
        """Opening a case shows its whole thread: record that, so its unread count clears."""
        if not progress.unread:
            return
        # if it fails the view stays readable; the count clears next time
        with contextlib.suppress(ReviewApiError):
            self.client.mark_read(case, progress.last_seq)

    def _history(
        self, case: str, entries: Sequence[dict[str, Any]], objects: Mapping[str, CaseObjectOut]
    ) -> list[HistoryEntry]:
        notes = answers.note_keys(entries, objects)
        reasons = parallel(lambda key: self._reader.decrypt_text(case, key) if key else None, notes)
        return answers.history(entries, reasons)

    # -- changing a case -------------------------------------------------------------------

    def reply(self, case: str, text: str, files: Sequence[Path | attach.Blob] = ()) -> str:
        """Write to the reporter, with `files` attached (encrypted here to the reporter's reply
        key and the team, uploaded segment by segment); returns the stored message's key."""
        view = self.client.get_case(case)
        reply = self._reply_key(case, view)
        channel = view.channel
        limits = self.config.limits
        plans = attach.plan(files, limits)
        words = _text(text, "message") if text.strip() or not plans else ""
        if not plans:
            sealed = compose.message(self.config, channel, reply, words)
            return self._post_signed(case, view.next_seq, sealed)

        def seal(data: bytes) -> bytes:
            return compose.reply_segment(self.config, channel, reply, data)

        sent = attach.upload(self.client, case, plans, seal, limits.segment_bytes)
        sealed = compose.message(self.config, channel, reply, words, sent.files, sent.upload)
        if len(sealed) > limits.report_max_bytes:
            raise ReviewInputError("the message and its file list are too large")
        return self._post_signed(case, view.next_seq, sealed, sent.upload, sent.segments)

    def _post_signed(
        self,
        case: str,
        next_seq: int,
        sealed: bytes,
        upload: str | None = None,
        segments: Sequence[Mapping[str, object]] = (),
    ) -> str:
        """Post a message signed with this person's roster key for the thread's next number
        and today (docs/format.md, "The team's signatures"). If someone wrote meanwhile
        (`thread_moved`), sign again for the new next number; the ciphertext stays the same."""
        seq = max(next_seq, 1)
        for attempt in range(SIGN_ATTEMPTS):
            signed = compose.sign_message(self.key, case, seq, self.today().isoformat(), sealed)
            try:
                return self.client.post_message(case, sealed, upload, segments, signed).key
            except ReviewApiError as exc:
                if exc.code != "thread_moved" or attempt == SIGN_ATTEMPTS - 1:
                    raise
            seq = max(self.client.get_case(case).next_seq, 1)
        raise AssertionError("unreachable")  # pragma: no cover

    def change_status(
        self,
        case: str,
        status: str,
        reason: str,
        target: str | None,
        etag: str | None = None,
        tell_reporter: str | None = None,
    ) -> StateOut:
        """Move the case on. `reason` is for the team only (an encrypted note); with
        `tell_reporter`, a message to the reporter follows the change. A refusal (`ditolak`)
        of a case the reporter can be answered on needs one: the reporter must learn why.
        `etag`: the version the person saw (a page's hidden field), so a change made
        meanwhile by someone else is refused (409) rather than overwritten."""
        if status not in workflow.STATUSES:
            raise ReviewInputError(f"unknown status {status!r}")
        note = (tell_reporter or "").strip()
        view = self.client.get_case(case)
        # a reply key the reporter's signature (or this tool's pin) does not vouch for is none
        usable = view.reply_recipient and self.authenticity(case, view).reply_recipient
        if status == workflow.DITOLAK and usable and not note:
            raise ReviewInputError(
                "menolak laporan memerlukan pesan untuk pelapor yang menjelaskan alasannya / "
                "a refusal needs a message telling the reporter why"
            )
        reply = self._reply_key(case, view) if note else None
        sealed = compose.status_reason(self.config, view.channel, _text(reason, "reason"))
        letter = (
            compose.message(self.config, view.channel, reply, _text(note, "message"))
            if note and reply
            else None
        )
        state = self.client.change_status(case, etag or view.etag, status, sealed, target or None)
        if letter is not None:  # after the change: a refused change must not tell anything
            self._post_signed(case, view.next_seq, letter)
        return state

    def request_identity(self, case: str, reason: str) -> IdentityRequestOut:
        """Ask for the reporter's identity, signed for the block the reporter's signature names
        (review/custody.py, ADR 0059)."""
        view = self.client.get_case(case)
        sealed = compose.access_reason(self.config, view.channel, _text(reason, "reason"))
        return custody.request(self, case, view, sealed)

    # -- identity requests (custodians) ----------------------------------------------------

    def identity_requests(self, status: str | None = None) -> list[RequestRow]:
        """The requests this person may see, each reason decrypted here once it is the one its
        requester signed; a pending one that cannot be approved says why (`custody.row`)."""
        found = self.client.list_identity_requests(status=status).requests
        return parallel(lambda r: custody.row(self, r), found)

    def open_text(self, case: str, sealed: bytes) -> str | None:
        """A note (a reason) already fetched, decrypted here; None if this key cannot open it."""
        try:
            return self._reader.open_in(case, sealed).decode("utf-8", errors="replace")
        except age.AgeError:
            return None

    def approve_identity(self, case: str, reviewer: str) -> IdentityRequestOut:
        """Decrypt the identity block here and re-encrypt it to the requester alone, once the
        request is theirs and the block the reporter's (review/custody.py, ADR 0059)."""
        return custody.approve(self, case, reviewer)

    def deny_identity(self, case: str, reviewer: str, reason: str) -> IdentityRequestOut:
        view = self.client.get_case(case)
        sealed = compose.access_reason(self.config, view.channel, _text(reason, "reason"))
        return self.client.deny_identity(case, reviewer, sealed)

    # -- plumbing --------------------------------------------------------------------------

    def forget(self) -> None:
        """Drop every decrypted report this desk keeps."""
        self._reader.forget()


__all__ = ["MAX_TEXT", "PAGE", "PARALLEL", "ReviewDesk", "case_id"]
