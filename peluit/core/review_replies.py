"""What a message from the review team to the reporter must satisfy before it is stored: its
attached files within the configuration's limits (checked again segment by segment), its
writer's signature (core/team_signature.py), and how its checked files reach the case."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from peluit.config import Config
from peluit.keys import parse_public_key
from peluit.store.port import ObjectStore

from . import layout, team_signature, thread
from .errors import InvalidUploadPlanError, LimitExceededError, TeamSignatureError, ThreadMovedError
from .ids import is_submission_id
from .review_views import TeamSigned
from .submission import Segment, check_segment_plan, copy_segments, segment_plaintext


def check_team_signature(
    store: ObjectStore,
    key: str | None,
    case: str,
    message: bytes,
    signed: TeamSigned,
    today: date,
) -> None:
    """Before anything is written: the writer's roster key signed this message for this
    case, number and a day at most one from the server's (clocks around midnight), and
    the number is still the next one. `key`: the writer's roster signing key, if any."""
    try:
        day = date.fromisoformat(signed.on)
        text = team_signature.statement(case, signed.seq, signed.on, message)
    except ValueError:
        raise TeamSignatureError("the signed number or day is malformed") from None
    if abs((day - today).days) > 1:
        raise TeamSignatureError("the signed day is not today")
    if key is None or not team_signature.verify(parse_public_key(key), signed.signature, text):
        raise TeamSignatureError("not signed with the writer's roster key")
    if thread.next_seq(store, case) != signed.seq:
        raise ThreadMovedError("the thread's next number is not the signed one")


def check_reply_plan(
    config: Config, upload: str, segments: Sequence[Segment], recipients: int, whole: bool = True
) -> None:
    """Attached files within the configuration's limits, as a report's. `whole`: these are all
    the segments (a message's); else some of them (an upload plan, made segment by segment)."""
    if not is_submission_id(upload):
        raise InvalidUploadPlanError("the upload id must be 32 lower-case hex digits")
    if not segments:
        raise InvalidUploadPlanError("no files to attach")
    if len({(s.file, s.index) for s in segments}) != len(segments):
        raise InvalidUploadPlanError("a segment is listed twice")
    if whole:
        check_segment_plan(config.limits, segments, recipients)
        return
    total = sum(segment_plaintext(config.limits, s, recipients) for s in segments)
    if total > config.limits.total_max_bytes:
        raise LimitExceededError("the attachments are larger than allowed in all")


def copy_reply(store: ObjectStore, upload: str, case: str, segments: Sequence[Segment]) -> None:
    """Copy the checked staged segments into the case (the staging claim binds the upload to
    this case, so one a retry copied first is kept)."""
    copy_segments(
        store,
        [
            (
                segment,
                layout.staging_reply_segment(upload, segment.file, segment.index),
                layout.case_reply_segment(case, upload, segment.file, segment.index),
            )
            for segment in segments
        ],
    )
