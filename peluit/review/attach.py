"""Files a reviewer attaches to a message to the reporter (ADR 0021).

Each file is cut into segments of `limits.segment_bytes` exactly as the reporter's browser cuts
a report's attachments, each segment encrypted on this machine to the message's recipients
(the reporter's reply key, the channel's reviewers and oversight), planned and PUT to a
presigned staging URL one at a time (at most one segment in memory), and described in the
message's manifest by its ciphertext size and SHA-256. Posting the message then moves the
staged segments into the case (`replies/{upload}/…`), after the server checked each.
"""

from __future__ import annotations

import hashlib
import io
import math
import mimetypes
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from peluit.config.models import Limits
from peluit.core.report import FileEntry, SegmentEntry, fit_file_name, fit_file_type

from .client import ReviewClient
from .errors import ReviewInputError

Seal = Callable[[bytes], bytes]


@dataclass(frozen=True)
class Attached:
    upload: str  # the staging id the segments went up under
    files: list[FileEntry]  # the manifest, in file order
    segments: list[dict[str, object]]  # what the message post declares


@dataclass(frozen=True)
class Blob:
    """A file already in memory (chosen in the console's reply form)."""

    name: str
    data: bytes


@dataclass(frozen=True)
class _Plan:
    open: Callable[[], BinaryIO]
    name: str
    size: int
    segments: int


def _source(item: Path | Blob) -> tuple[Callable[[], BinaryIO], str, int]:
    if isinstance(item, Blob):
        data = item.data
        return (lambda: io.BytesIO(data)), item.name, len(data)
    try:
        size = item.stat().st_size
    except OSError as exc:
        raise ReviewInputError(f"cannot read {item}: {exc.strerror}") from None
    if not item.is_file():
        raise ReviewInputError(f"not a file: {item}")
    return (lambda: item.open("rb")), item.name, size


def plan(items: Sequence[Path | Blob], limits: Limits) -> list[_Plan]:
    """Check the files against the configuration's limits before anything is sent."""
    if len(items) > limits.files_per_report:
        raise ReviewInputError(f"at most {limits.files_per_report} files per message")
    plans = []
    for item in items:
        opener, name, size = _source(item)
        if size > limits.file_max_bytes:
            raise ReviewInputError(f"{name} is larger than {limits.file_max_bytes} bytes")
        segments = max(1, math.ceil(size / limits.segment_bytes))
        plans.append(_Plan(opener, fit_file_name(name), size, segments))
    if sum(p.size for p in plans) > limits.total_max_bytes:
        raise ReviewInputError(f"the files together are larger than {limits.total_max_bytes} B")
    return plans


def upload(
    client: ReviewClient, case: str, plans: Sequence[_Plan], seal: Seal, segment_bytes: int
) -> Attached:
    """Encrypt, plan and PUT every segment; the manifest and the segments to declare."""
    upload_id = secrets.token_hex(16)
    files: list[FileEntry] = []
    declared: list[dict[str, object]] = []
    for number, item in enumerate(plans):
        entries = []
        with item.open() as src:
            for index in range(item.segments):
                want = min(segment_bytes, item.size - index * segment_bytes)
                plaintext = src.read(want)
                if len(plaintext) != want:
                    raise ReviewInputError(f"{item.name} changed while it was being read")
                body = seal(plaintext)
                digest = hashlib.sha256(body).hexdigest()
                segment = {"file": number, "index": index, "size": len(body), "sha256": digest}
                [ticket] = client.plan_reply_uploads(case, upload_id, [segment])
                client.put_upload(ticket, body)
                entries.append(SegmentEntry(size=len(body), sha256=digest))
                declared.append(segment)
        files.append(
            FileEntry(
                name=item.name,
                type=fit_file_type(mimetypes.guess_type(item.name)[0]),
                size=item.size,
                segments=entries,
            )
        )
    return Attached(upload_id, files, declared)
