"""What a desk reads of its cases, fetched through the reviewer API and decrypted on this machine:
the report, the thread's messages, notes and the files (checked segment by segment, see
`peluit.review.attachments`). Files written for an earlier roster open through their rekey
records (`peluit.review.rekey`). A report or message is fetched and decrypted once and kept in
memory (a stored object never changes: every case object is written create-only), with the
SHA-256 of its ciphertext for the signature checks; nothing decrypted is written to disk.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor

from peluit import age
from peluit.api.review_models import CaseOut
from peluit.config import Config
from peluit.core.report import FileEntry
from peluit.keys import KeyFile

from . import answers, content, rekey
from .attachments import FillSegment, decrypt_segments, decrypt_segments_into
from .client import ReviewClient
from .content import Message
from .errors import ReviewApiError, ReviewInputError
from .reading import ReportReading, read_report


class CaseReader:
    def __init__(self, config: Config, key: KeyFile, client: ReviewClient) -> None:
        self.key = key
        self.client = client
        self._reports: dict[str, ReportReading] = {}
        self._messages: dict[tuple[str, str], Message] = {}
        self._sha256: dict[tuple[str, str], str] = {}  # of each fetched ciphertext
        self._listed: dict[str, list[str]] = {}  # each opened case's object keys (rekey records)
        self._rekeyed = rekey.Rekeyed(config, client)
        self._lock = threading.Lock()

    def listed(self, case: str, keys: Sequence[str]) -> None:
        """The object keys of `case` as just listed (where its rekey records are found)."""
        with self._lock:
            self._listed[case] = list(keys)

    def known_report(self, case: str) -> ReportReading | None:
        """The report of `case` if it was already decrypted, without a request."""
        with self._lock:
            return self._reports.get(case)

    def hashes(self) -> dict[tuple[str, str], str]:
        """The SHA-256 of each ciphertext fetched so far, by (case, object key)."""
        with self._lock:
            return dict(self._sha256)

    def report(self, case: str) -> ReportReading:
        known = self.known_report(case)
        if known is not None:
            return known
        sealed = self.client.read_object(case, "report.age")
        reading = read_report(self.open_in(case, sealed))
        with self._lock:
            self._reports[case] = reading
            self._sha256[(case, "report.age")] = hashlib.sha256(sealed).hexdigest()
        return reading

    def report_if_readable(self, case: str) -> ReportReading | None:
        try:
            return self.report(case)
        except (ReviewApiError, age.AgeError):
            return None  # the listing still shows the case, without its area

    def decrypted(self, case: str) -> tuple[ReportReading | None, list[Message]]:
        """What has already been decrypted of `case`, without a request (local search)."""
        with self._lock:
            report = self._reports.get(case)
            messages = [m for (c, _), m in self._messages.items() if c == case]
        return report, messages

    def message(self, case: str, seq: int, sender: str, key: str) -> Message:
        """A thread message, decrypted and decoded once."""
        with self._lock:
            known = self._messages.get((case, key))
        if known is not None:
            return known
        try:
            ciphertext = self.client.read_object(case, key)
        except ReviewApiError:
            return Message(seq, sender, None, key, problem=content.NOT_FETCHED)
        try:
            plaintext: bytes | None = self.open_in(case, ciphertext)
        except age.AgeError:
            plaintext = None
        decoded = content.decode_message(seq, sender, key, plaintext)
        with self._lock:
            self._sha256[(case, key)] = hashlib.sha256(ciphertext).hexdigest()
            if plaintext is not None:
                self._messages[(case, key)] = decoded
        return decoded

    def attachment(self, case: str, number: int) -> tuple[FileEntry, Iterator[bytes]]:
        """File `number` of the case — the report's or evidence added later — and its
        authenticated plaintext chunks, checked segment by segment against the manifest that
        lists it (see `peluit.review.attachments`: incomplete unless the iteration ends
        normally)."""
        entry, fill, rekeyed = self._segments(case, number)
        return entry, decrypt_segments(entry, fill, self.key.identity, rekeyed)

    def attachment_into(
        self, case: str, number: int, out: bytearray
    ) -> tuple[FileEntry, Iterator[memoryview]]:
        """`attachment`, the plaintext decrypted into `out` (a multiple of 64 KiB long): views
        of it, each valid only until the next one is asked for
        (`peluit.review.attachments.decrypt_segments_into`)."""
        entry, fill, rekeyed = self._segments(case, number)
        return entry, decrypt_segments_into(entry, fill, self.key.identity, out, rekeyed)

    def _segments(
        self, case: str, number: int
    ) -> tuple[FileEntry, FillSegment, Callable[[bytes], list[bytes]]]:
        """File `number`'s manifest entry, how its segments are read, and its rekeyed copies.
        The case (fresh presigned URLs, valid 15 minutes) and the report, unless it was read
        already, are asked for at once: a download opened directly waits for one round trip."""
        if self.known_report(case) is None:
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="peluit-report") as pool:
                reading = pool.submit(self.report, case)
                view = self.client.get_case(case)
                reading.result()
        else:
            view = self.client.get_case(case)
        objects = {o.key: o for o in view.objects}
        entry = self._file_entry(case, number, view)

        def fill(segment: int, buffer: bytearray) -> memoryview:
            key = f"files/{number:02d}/{segment:05d}.age"
            if key not in objects:
                raise ReviewInputError(f"segment {segment} of attachment {number} is missing")
            return self.client.download_into(case, objects[key], buffer)

        def rekeyed(segment: bytes) -> list[bytes]:
            return self._rekeyed.candidates(case, objects, segment)

        return entry, fill, rekeyed

    def _file_entry(self, case: str, number: int, view: CaseOut) -> FileEntry:
        """The manifest entry of file `number`: the report's, or the one in the message the
        file was added with (the same decoding as the case view)."""
        document = self.report(case).document
        report_files = document.files if document else []
        batches, _ = content.parse_additions(answers.additions(view))
        batch = next((b for b in batches if number in b.files), None)
        messages = []
        if batch is not None and number >= len(report_files):
            found = content.thread_key(batch.message)
            if found is not None:
                messages.append(self.message(case, found[0], found[1], batch.message))
        joined = content.assemble(report_files, messages, answers.additions(view))
        attachment = next((a for a in joined.attachments if a.number == number), None)
        if attachment is None:
            raise ReviewInputError("this case has no such attachment")
        return attachment.entry

    def open_in(self, case: str, ciphertext: bytes) -> bytes:
        """Decrypt a file of `case`; one written for an earlier roster through its rekey
        records (`peluit.review.rekey`), after the caller's checks of the original."""

        def candidates() -> list[bytes]:
            with self._lock:
                listed = self._listed.get(case)
            if listed is None:
                listed = [o.key for o in self.client.get_case(case).objects]
            return self._rekeyed.candidates(case, listed, ciphertext)

        return rekey.open_file(self.key.identity, ciphertext, candidates)

    def decrypt_bytes(self, case: str, key: str) -> bytes | None:
        try:
            return self.open_in(case, self.client.read_object(case, key))
        except (age.AgeError, ReviewApiError):
            return None

    def decrypt_text(self, case: str, key: str) -> str | None:
        """A note (a reason): UTF-8 text the review tool wrote."""
        data = self.decrypt_bytes(case, key)
        return data.decode("utf-8", errors="replace") if data is not None else None

    def forget(self) -> None:
        """Drop every decrypted report and message kept."""
        with self._lock:
            self._reports.clear()
            self._messages.clear()
