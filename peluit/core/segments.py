"""Attachment segments: the rules a plan of segments follows (numbering, sizes, every limit),
and staged uploads checked and copied into a case. Reports, evidence added later and the
review team's attached files share them."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from peluit import age
from peluit.config.models import Limits
from peluit.store.errors import ObjectChangedError, ObjectExistsError, ObjectNotFoundError
from peluit.store.port import ObjectStore

from . import layout
from .ciphertext import require_age
from .errors import (
    InvalidUploadPlanError,
    LimitExceededError,
    PartialSegmentError,
    SegmentMismatchError,
    SegmentMissingError,
)


@dataclass(frozen=True)
class Segment:
    """One encrypted segment of an attachment: file number, segment number, size, SHA-256."""

    file: int
    index: int
    size: int
    sha256: bytes


def segment_plaintext(limits: Limits, segment: Segment, recipients: int) -> int:
    """Check a segment's numbering and size; return its exact plaintext size."""
    if not 0 <= segment.file < limits.files_per_report:
        raise LimitExceededError(f"at most {limits.files_per_report} files per report")
    max_segments = -(-limits.file_max_bytes // limits.segment_bytes)
    if not 0 <= segment.index < max_segments:
        raise LimitExceededError("the file is larger than allowed")
    if len(segment.sha256) != 32:
        raise InvalidUploadPlanError("a segment's SHA-256 must be 32 bytes")
    header = age.hybrid_header_size(recipients)
    try:
        plain = age.HeaderInfo((), header).payload_plaintext_size(segment.size)
    except age.PayloadError:
        raise InvalidUploadPlanError(
            "a segment's size is not the size of an age file for this channel"
        ) from None
    if plain > limits.segment_bytes:
        raise LimitExceededError("a segment is larger than the segment size")
    return plain


def check_segment_plan(limits: Limits, segments: Sequence[Segment], recipients: int) -> None:
    """Files numbered 0, 1, … and each file's segments likewise, within every limit: what a
    finalization (of a report, or of evidence added later) may declare."""
    by_file: dict[int, list[tuple[int, int]]] = {}
    for segment in segments:
        plain = segment_plaintext(limits, segment, recipients)
        by_file.setdefault(segment.file, []).append((segment.index, plain))
    if sorted(by_file) != list(range(len(by_file))):
        raise InvalidUploadPlanError("files must be numbered 0, 1, 2, … without gaps")
    for parts in by_file.values():
        if sorted(index for index, _ in parts) != list(range(len(parts))):
            raise InvalidUploadPlanError("a file's segments must be numbered without gaps")
        _check_full_segments(limits, sorted(parts))
        if sum(plain for _, plain in parts) > limits.file_max_bytes:
            raise LimitExceededError("a file is larger than allowed")
    if sum(plain for parts in by_file.values() for _, plain in parts) > limits.total_max_bytes:
        raise LimitExceededError("the attachments are larger than allowed in all")


def _check_full_segments(limits: Limits, parts: Sequence[tuple[int, int]]) -> None:
    """A file is cut as every client cuts it: each segment but the last holds exactly
    `segment_bytes` of plaintext, and the last is empty only when it is the only one. This
    bounds the segments of a finalization (each costs store calls) by its size."""
    *full, (last_index, last_plain) = parts
    if any(plain != limits.segment_bytes for _, plain in full):
        raise PartialSegmentError(
            f"every segment but a file's last must hold exactly {limits.segment_bytes} bytes"
        )
    if last_index > 0 and last_plain == 0:
        raise PartialSegmentError("a file's last segment is empty")


def check_staged(
    store: ObjectStore, submission: str, segment: Segment, recipients: int, key: str | None = None
) -> None:
    """The staged upload of `segment` is there, has the declared size and SHA-256, and its
    header is an age header for exactly `recipients` hybrid recipients. `key`: where it is
    staged, if not under the submission's own prefix (a reviewer's attached file)."""
    key = key or layout.staging_segment(submission, segment.file, segment.index)
    try:
        info = store.head(key)
        if info.size != segment.size or store.sha256(key) != segment.sha256:
            raise SegmentMismatchError(
                f"segment {segment.index} of file {segment.file} differs from the declaration"
            )
        header = store.read_range(key, 0, age.hybrid_header_size(recipients))
    except ObjectNotFoundError:  # never uploaded, or expired while we looked
        raise SegmentMissingError(
            f"segment {segment.index} of file {segment.file} was not uploaded"
        ) from None
    require_age(header, recipients, complete=False)


def copy_staged(
    store: ObjectStore, submission: str, case: str, first: int, segments: Sequence[Segment]
) -> None:
    """Copy staged segments (checked by the caller, in the same request) to the case's file
    numbers `first + segment.file`. A segment a concurrent retry copied first is kept; one
    that expired since it was checked is `SegmentMissingError`, as if never uploaded."""
    copy_segments(store, staged_moves(submission, case, first, segments))


def staged_moves(
    submission: str, case: str, first: int, segments: Sequence[Segment]
) -> list[tuple[Segment, str, str]]:
    """(segment, staged key, case key) of each segment `copy_staged` copies."""
    return [
        (
            segment,
            layout.staging_segment(submission, segment.file, segment.index),
            layout.case_segment(case, first + segment.file, segment.index),
        )
        for segment in segments
    ]


def copy_segments(store: ObjectStore, moves: Iterable[tuple[Segment, str, str]]) -> None:
    """Copy each checked staged segment from its source key to its case key, create-only
    (`copy_segment`)."""
    for segment, source, dest in moves:
        copy_segment(segment, functools.partial(store.copy_new, source, dest))


def copy_segment(segment: Segment, copy: Callable[[], object]) -> None:
    """Run `copy`, one checked staged segment's create-only copy. One a concurrent retry copied
    first is kept; one that expired since it was checked is `SegmentMissingError`, as if never
    uploaded; one changed in place since it was checked is `SegmentMismatchError` (a local
    store's copy is a hard link of what it verified, ADR 0060)."""
    try:
        copy()
    except ObjectExistsError:
        return
    except ObjectNotFoundError:
        raise SegmentMissingError(
            f"segment {segment.index} of file {segment.file} is no longer staged"
        ) from None
    except ObjectChangedError:  # changed in place since it was checked (a local store)
        raise SegmentMismatchError(
            f"segment {segment.index} of file {segment.file} changed after it was checked"
        ) from None
