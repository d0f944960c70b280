"""A case's content as typed values: the one decoding path for thread messages and evidence
the reporter added later, shared by the console, `peluit cases` and the export.

What each message is (docs/format.md, "The thread and the reporter's follow-up"):

* a reviewer's message (`thread/{seq}-{roster id}.age`) is a `peluit-reply/1` document
  (`peluit.core.report.ReplyDocument`: `text`, and `files` with the `upload` they are stored
  under) or, written before that format, UTF-8 text (`decode_reply`, shared with the
  reporter's tools);
* a reporter's message (`thread/{seq}-pelapor.age`) is a `peluit-message/1` document
  (`peluit.core.report.MessageDocument`, written by js/src/followup-client.js): `text`, `lang`
  and `files`, the manifest of the evidence sent with it.

Decoding is strict. Plaintext that is not what its sender writes — not UTF-8, not JSON, another
`format`, a document the model refuses — becomes a `Message` with `problem` set and no `text`:
readers show the problem, never the raw bytes as if they were the message, and never crash.

Evidence added later: the reviewer API lists each batch as `{"message", "files"}` (from the
claim `additions/{first}.json`). Files `files[i]` is described by entry `i` of that message's
manifest; `attachments()` joins the two, and refuses (as a case-level problem) a batch whose
message is missing, unreadable, or lists a different number of files, or whose numbers clash.

`printable()` makes text safe to write to a terminal: reporter-controlled text must not carry
escape sequences, carriage returns or bidirectional overrides to the person's screen.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from pydantic import ValidationError

from peluit.core import padding
from peluit.core.ids import REPORTER_SENDER, ROSTER_ID_PATTERN
from peluit.core.report import FileEntry, MessageDocument, ReplyDocument

REPORTER = REPORTER_SENDER  # the thread's sender id for the reporter
MESSAGE_FORMAT = "peluit-message/1"
REPLY_FORMAT = "peluit-reply/1"
MAX_FILES = 100  # `files/{NN}/`
_THREAD_KEY = re.compile(rf"thread/([0-9]{{5}})-({ROSTER_ID_PATTERN})\.age")


@dataclass(frozen=True)
class Message:
    """One thread message as its reader sees it."""

    seq: int
    sender: str  # a roster id, or "pelapor"
    text: str | None  # None: not readable (see `problem`)
    key: str  # "thread/00007-pelapor.age"
    lang: str | None = None  # the reporter's message: "id" or "en"
    manifest: tuple[FileEntry, ...] = ()  # the files the message lists (either sender)
    files: tuple[int, ...] = ()  # the case's numbers of the reporter's files, once matched
    problem: str | None = None  # why `text` is None: Indonesian / English
    on: str | None = None  # the day the server numbered it (YYYY-MM-DD); None: older
    upload: str | None = None  # a team message's files: `replies/{upload}/…`

    @property
    def from_reporter(self) -> bool:
        return self.sender == REPORTER


@dataclass(frozen=True)
class Attachment:
    """A file of the case: the report's own (`message` None), or evidence added later."""

    number: int  # the case's file number: `files/{number:02d}/…`
    entry: FileEntry  # name, type, size and each segment's SHA-256 from the manifest
    message: int | None = None  # the number of the message it was sent with


UNREADABLE = (
    "Pesan ini tidak dapat didekripsi dengan kunci Anda / "
    "This message cannot be decrypted with your key"
)

NOT_FETCHED = (
    "Pesan ini tidak dapat diambil dari server; coba lagi / "
    "This message could not be fetched from the server; try again"
)


def _problem(indonesian: str, english: str) -> str:
    return f"{indonesian} / {english}"


def decode_message(seq: int, sender: str, key: str, plaintext: bytes | None) -> Message:
    """The message `plaintext` decrypted to (None: it did not decrypt)."""
    if plaintext is None:
        return Message(seq, sender, None, key, problem=UNREADABLE)
    if sender == REPORTER:
        return _reporter_message(seq, key, plaintext)
    try:
        reply = decode_reply(plaintext)
    except ReplyFormatError as exc:
        return Message(seq, sender, None, key, problem=exc.problem)
    return Message(seq, sender, reply.text, key, manifest=tuple(reply.files), upload=reply.upload)


class ReplyFormatError(ValueError):
    """A team message that is neither a `peluit-reply/1` document nor plain text."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def decode_reply(plaintext: bytes) -> ReplyDocument:
    """A review team message to the reporter, strictly: a `peluit-reply/1` document, or plain
    UTF-8 text as written before that format (returned as a document without files). JSON
    naming another `peluit-reply/…` version, or a document the model refuses, is
    `ReplyFormatError`: never shown raw."""
    try:
        text = plaintext.decode("utf-8")
    except UnicodeDecodeError:
        raise ReplyFormatError(
            _problem("Pesan ini bukan teks UTF-8", "This message is not UTF-8 text")
        ) from None
    raw: object = None
    if text.startswith("{"):
        try:
            raw = json.loads(text)
        except ValueError:
            raw = None
    found = raw.get("format") if isinstance(raw, dict) else None
    if not (isinstance(found, str) and found.startswith("peluit-reply/")):
        return ReplyDocument.model_construct(format=REPLY_FORMAT, text=text, files=[], upload=None)
    if found != REPLY_FORMAT:
        named = ascii(found)[:80]
        raise ReplyFormatError(
            _problem(
                f"Format pesan tim tidak dikenal: {named}",
                f"Unknown format of the team's message: {named}",
            )
        )
    try:
        padding.unpad(plaintext)  # nothing after the document but spaces up to a bucket
    except padding.PaddingError:
        raise ReplyFormatError(
            _problem(
                "Pesan tim tidak dilapisi ke ukuran baku",
                "The team's message is not padded to a size bucket",
            )
        ) from None
    try:
        return ReplyDocument.model_validate(raw)
    except ValidationError as exc:
        raise ReplyFormatError(
            _problem(
                f"Pesan tim tidak sah ({exc.error_count()} masalah)",
                f"The team's message is not valid ({exc.error_count()} problems)",
            )
        ) from None


def _reporter_message(seq: int, key: str, plaintext: bytes) -> Message:
    def refused(indonesian: str, english: str) -> Message:
        return Message(seq, REPORTER, None, key, problem=_problem(indonesian, english))

    try:
        raw = json.loads(padding.unpad(plaintext).decode("utf-8"))
    except (UnicodeDecodeError, ValueError):  # PaddingError is a ValueError
        return refused(
            f"Pesan pelapor bukan dokumen {MESSAGE_FORMAT} (bukan JSON)",
            f"The reporter's message is not a {MESSAGE_FORMAT} document (not JSON)",
        )
    found = raw.get("format") if isinstance(raw, dict) else None
    if found != MESSAGE_FORMAT:
        named = ascii(found)[:80] if isinstance(found, str) else "—"
        return refused(
            f"Format pesan pelapor tidak dikenal: {named}",
            f"Unknown format of the reporter's message: {named}",
        )
    try:
        document = MessageDocument.model_validate(raw)
    except ValidationError as exc:
        return refused(
            f"Pesan pelapor tidak sah ({exc.error_count()} masalah)",
            f"The reporter's message is not valid ({exc.error_count()} problems)",
        )
    return Message(
        seq, REPORTER, document.text, key, lang=document.lang, manifest=tuple(document.files)
    )


@dataclass(frozen=True)
class Addition:
    """One batch of evidence added later, as the reviewer API lists it."""

    message: str  # "thread/00007-pelapor.age"
    files: tuple[int, ...]


def parse_additions(raw: object) -> tuple[list[Addition], list[str]]:
    """The API's `additions` list, checked: (batches, problems with entries that are not)."""
    if raw is None:
        return [], []
    if not isinstance(raw, list):
        return [], [
            _problem("Daftar bukti tambahan tidak sah", "The list of added evidence is invalid")
        ]
    batches, problems = [], []
    for item in raw:
        message = item.get("message") if isinstance(item, dict) else None
        files = item.get("files") if isinstance(item, dict) else None
        if (
            isinstance(message, str)
            and (match := _THREAD_KEY.fullmatch(message))
            and match.group(2) == REPORTER
            and isinstance(files, list)
            and files
            and all(isinstance(n, int) and not isinstance(n, bool) for n in files)
            and all(0 <= n < MAX_FILES for n in files)
        ):
            batches.append(Addition(message, tuple(files)))
        else:
            problems.append(
                _problem(
                    "Satu catatan bukti tambahan tidak sah", "An added-evidence record is invalid"
                )
            )
    return batches, problems


@dataclass(frozen=True)
class CaseContent:
    """The thread with each message's files, every file of the case, and what did not fit."""

    messages: list[Message]
    attachments: list[Attachment]
    problems: list[str]


def assemble(
    report_files: Sequence[FileEntry], messages: Sequence[Message], additions: object
) -> CaseContent:
    """Join the report's manifest, the decoded thread and the API's `additions`."""
    batches, problems = parse_additions(additions)
    attachments = [Attachment(n, entry) for n, entry in enumerate(report_files)]
    taken = set(range(len(report_files)))
    by_key = {m.key: m for m in messages}
    files_of: dict[str, tuple[int, ...]] = {}
    for batch in batches:
        message = by_key.get(batch.message)
        seq = int(batch.message[len("thread/") :][:5])
        if message is None or message.problem is not None:
            problems.append(
                _problem(
                    f"Bukti tambahan berkas {_numbers(batch.files)}: pesan #{seq} tidak terbaca",
                    f"Added evidence, files {_numbers(batch.files)}: message #{seq} is unreadable",
                )
            )
            continue
        if len(message.manifest) != len(batch.files):
            problems.append(
                _problem(
                    f"Pesan #{seq} mendaftar {len(message.manifest)} berkas, bukan "
                    f"{len(batch.files)}",
                    f"Message #{seq} lists {len(message.manifest)} files, not {len(batch.files)}",
                )
            )
            continue
        if taken & set(batch.files) or len(set(batch.files)) != len(batch.files):
            problems.append(
                _problem(
                    f"Nomor berkas {_numbers(batch.files)} dipakai dua kali",
                    f"File numbers {_numbers(batch.files)} are used twice",
                )
            )
            continue
        taken |= set(batch.files)
        files_of[batch.message] = batch.files
        attachments.extend(
            Attachment(n, entry, seq)
            for n, entry in zip(batch.files, message.manifest, strict=True)
        )
    thread = [replace(m, files=files_of[m.key]) if m.key in files_of else m for m in messages]
    return CaseContent(thread, sorted(attachments, key=lambda a: a.number), problems)


def _numbers(files: Sequence[int]) -> str:
    return ", ".join(str(n) for n in files)


def thread_key(key: str) -> tuple[int, str] | None:
    """(seq, sender) of a thread message's key, or None for anything else."""
    match = _THREAD_KEY.fullmatch(key)
    return (int(match.group(1)), match.group(2)) if match else None


def message_json(message: Message) -> dict[str, Any]:
    """A message as the export's `thread.json` holds it."""
    return {
        "seq": message.seq,
        "from": message.sender,
        "on": message.on,
        "text": message.text,
        "lang": message.lang,
        "files": list(message.files),
        "attached": [
            {"name": f.name, "type": f.type, "size": f.size}
            for f in (message.manifest if not message.from_reporter else ())
        ],
        "problem": message.problem,
    }


def attachment_json(attachment: Attachment, path: str) -> Mapping[str, Any]:
    entry = attachment.entry
    return {
        "number": attachment.number,
        "name": entry.name,
        "type": entry.type,
        "size": entry.size,
        "with_message": attachment.message,
        "path": path,
    }


# controls (C0, DEL, C1), format (bidi overrides), line/paragraph separators, lone surrogates
_UNSAFE = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


def _unsafe(ch: str) -> bool:
    return ch != "\n" and unicodedata.category(ch) in _UNSAFE


def printable(text: str) -> str:
    """`text` for a terminal or a text file: line breaks kept, every other control or format
    character (ESC, CSI 0x9b and the other C1 controls, carriage return, backspace,
    bidirectional overrides…) written as a visible escape (`\\x1b`, `\\u202e`). Idempotent:
    its output holds no such character, so applying it twice changes nothing."""
    out = []
    for ch in text:
        if not _unsafe(ch):
            out.append(ch)
        elif ord(ch) < 0x100:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(f"\\u{ord(ch):04x}")
    return "".join(out)


def printable_line(text: str) -> str:
    """`text` on one line: line breaks escaped too (names, labels)."""
    return printable(text).replace("\n", "\\n")


def _json_escape(ch: str) -> str:
    code = ord(ch)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def printable_json(value: object) -> str:
    """`value` as indented JSON that is safe to `cat` to a terminal: the same characters
    `printable` escapes are written as JSON `\\uXXXX` escapes (json.dumps escapes C0 controls
    only, and writes C1 controls and bidirectional overrides raw). The document is unchanged:
    `json.loads` gives `value` back."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    # the only raw line breaks json.dumps writes are its indentation's: those inside strings
    # are already `\n`, so every character left to escape here is inside a string
    return "".join(_json_escape(ch) if _unsafe(ch) else ch for ch in text)
