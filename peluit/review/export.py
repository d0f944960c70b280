"""A case as a ZIP bundle for forwarding (to KPK, APH or APIP), made on the reviewer's machine.

    ABCD-EFGH-JKMN-PQRS/README.txt        what this is, and how to check it
    ABCD-EFGH-JKMN-PQRS/report.json       the decrypted report, exactly as the browser wrote it
    ABCD-EFGH-JKMN-PQRS/report.txt        the same, laid out with the questions' labels
    ABCD-EFGH-JKMN-PQRS/state.json        status, dates, history with the decrypted reasons
    ABCD-EFGH-JKMN-PQRS/thread.json       the messages with the reporter, decrypted and decoded
    ABCD-EFGH-JKMN-PQRS/attachments.json  every file: number, name, size, the message it came with
    ABCD-EFGH-JKMN-PQRS/attachments/00-…  the decrypted files, the report's and those the
                                          reporter added later, by number, names made safe
    ABCD-EFGH-JKMN-PQRS/MANIFEST.sha256   SHA-256 of every other file (`sha256sum -c`)

Every text and JSON file is safe to `cat` to a terminal: the reporter's text keeps its
characters, but control and format characters (escape sequences, C1 controls, bidirectional
overrides) are written as visible escapes (`content.printable`) or JSON `\\u` escapes.

Messages and added evidence are decoded by `peluit.review.content`, as the console shows them.
The reporter's identity is never exported, even by a reviewer who was granted it.
Attachments are decrypted straight into the ZIP, chunk by chunk; one that fails to match
its manifest or to authenticate fails the whole export (`IntegrityError`), so a bundle
that was written at all is complete. Write it to a temporary or atomic file: on failure,
what is in `out` is not a bundle.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from peluit.config import Config
from peluit.core.dates import Clock, utc_now

from . import content
from .desk import ReviewDesk
from .names import numbered_name
from .reading import answer_rows
from .views import CaseFile

FORMAT = "peluit-export/1"
MANIFEST = "MANIFEST.sha256"


@dataclass(frozen=True)
class BundleFile:
    path: str  # relative to the bundle's folder
    size: int
    sha256: str


def _json(value: object) -> bytes:
    """Reporter-controlled strings stay intact, but their control and format characters are
    JSON escapes: `cat thread.json` cannot drive the reader's terminal."""
    return (content.printable_json(value) + "\n").encode("utf-8")


class _Bundle:
    def __init__(self, zf: zipfile.ZipFile, folder: str, moment: datetime) -> None:
        self._zf = zf
        self._folder = folder
        self._stamp = moment.timetuple()[:6]
        self.files: list[BundleFile] = []

    def _info(self, path: str, compress: int) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(f"{self._folder}/{path}", date_time=self._stamp)
        info.compress_type = compress
        info.external_attr = 0o600 << 16
        return info

    def add(self, path: str, data: bytes) -> None:
        self._zf.writestr(self._info(path, zipfile.ZIP_DEFLATED), data)
        self.files.append(BundleFile(path, len(data), hashlib.sha256(data).hexdigest()))

    def add_stream(self, path: str, chunks: Any) -> None:
        digest, size = hashlib.sha256(), 0
        info = self._info(path, zipfile.ZIP_STORED)  # evidence is mostly compressed already
        with self._zf.open(info, "w", force_zip64=True) as out:
            for chunk in chunks:
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
        self.files.append(BundleFile(path, size, digest.hexdigest()))

    def close(self) -> None:
        lines = "".join(f"{f.sha256}  {f.path}\n" for f in self.files)
        self._zf.writestr(self._info(MANIFEST, zipfile.ZIP_DEFLATED), lines.encode("utf-8"))


def _when(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _readme(desk: ReviewDesk, case: CaseFile, moment: datetime) -> bytes:
    return f"""Peluit — berkas perkara / case bundle {case.row.reference}
Format: {FORMAT}
Diekspor oleh / exported by: {desk.key.name} ({desk.key.person}), {_when(moment)}

RAHASIA. Berkas ini berisi laporan yang sudah didekripsi. Identitas pelapor tidak disertakan.
CONFIDENTIAL. This bundle holds the decrypted report. The reporter's identity is not included.

Periksa keutuhan / check integrity (inside this folder):  sha256sum -c {MANIFEST}
""".encode()


def _report_text(desk: ReviewDesk, case: CaseFile) -> bytes:
    document = case.report.document if case.report else None
    if document is None:
        return b"(laporan tidak dapat dibaca / the report could not be read)\n"
    lines = []
    for row in answer_rows(desk.config, document.channel, document.answers, identity=False):
        value = row.value if row.value_en is None else f"{row.value} / {row.value_en}"
        label = f"{content.printable_line(row.label_id)} / {content.printable_line(row.label_en)}"
        lines.append(f"{label}:\n{content.printable(value)}\n")
    return "\n".join(lines).encode("utf-8")


def _state(desk: ReviewDesk, case: CaseFile, moment: datetime) -> dict[str, Any]:
    row = case.row
    return {
        "format": FORMAT,
        "case": row.case,
        "reference": row.reference,
        "channel": row.channel,
        "status": row.status,
        "target": row.target,
        "received": row.received,
        "files": row.files,
        "identity_given": row.identity,
        # signed / unsigned_older / bad_signature (review/authenticity.py); null: not checked
        "reporter_signature": case.signature,
        "history": [
            {"status": h.status, "on": h.on, "by": h.by, "target": h.target, "reason": h.reason}
            for h in case.history
        ],
        "exported_by": desk.key.person,
        "exported_at": moment.isoformat(timespec="seconds"),
    }


def export_time(config: Config, clock: Clock = utc_now) -> datetime:
    """Now, in the organisation's time zone: what the bundle records as its making."""
    return clock().astimezone(ZoneInfo(config.organisation.timezone))


def _without_identity(plaintext: bytes) -> bytes:
    """The report document with the identity a reporter gave "open" removed: a bundle for
    KPK or APH never carries who reported (its README says so)."""
    document = json.loads(plaintext)
    if isinstance(document, dict) and document.get("identity") is not None:
        document["identity"] = None
        document["identity_withheld"] = True
    return _json(document)


def write_bundle(
    desk: ReviewDesk, case_id: str, out: BinaryIO, moment: datetime
) -> list[BundleFile]:
    """Write the case's bundle to `out` (seekable); returns the files the manifest lists."""
    case = desk.open_case(case_id)
    with zipfile.ZipFile(out, "w", allowZip64=True) as zf:
        bundle = _Bundle(zf, case.row.reference, moment)
        bundle.add("README.txt", _readme(desk, case, moment))
        if case.report is not None:
            bundle.add("report.json", _without_identity(case.report.plaintext))
            bundle.add("report.txt", _report_text(desk, case))
        bundle.add("state.json", _json(_state(desk, case, moment)))
        bundle.add("thread.json", _json([content.message_json(m) for m in case.messages]))
        paths = {
            a.number: f"attachments/{numbered_name(a.number, a.entry.name)}" for a in case.files
        }
        listing = {
            "files": [content.attachment_json(a, paths[a.number]) for a in case.files],
            "problems": case.problems,
        }
        bundle.add("attachments.json", _json(listing))
        for attachment in case.files:
            _, chunks = desk.attachment(case_id, attachment.number)
            bundle.add_stream(paths[attachment.number], chunks)
        bundle.close()
    return bundle.files
