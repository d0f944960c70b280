"""What the review desk hands to the console and the command line: cases as people see them,
decrypted, with their deadlines. Plain data, no behaviour beyond derived properties."""

from __future__ import annotations

from dataclasses import dataclass, field

from peluit.api.review_models import CaseObjectOut
from peluit.config.models import KpkArea
from peluit.core.report import IdentityDocument
from peluit.core.workflow import TEST_TAG

from .content import Attachment, Message
from .reading import ReportReading
from .sla import Deadlines


@dataclass(frozen=True)
class CaseRow:
    case: str
    reference: str
    channel: str
    status: str
    target: str | None
    received: str
    files: int
    identity: bool
    deadlines: Deadlines | None
    area: KpkArea | None
    unread: int = 0  # the reporter's messages this person has not marked as seen
    tags: tuple[str, ...] = ()  # state.json tags; "uji": a test report (peluit smoke)

    @property
    def test(self) -> bool:
        """A test report (tagged `uji` by a reviewer): lists label it, counts leave it out."""
        return TEST_TAG in self.tags


@dataclass(frozen=True)
class CaseListing:
    rows: list[CaseRow]
    next_cursor: str | None


@dataclass(frozen=True)
class HistoryEntry:
    status: str
    on: str
    by: str | None
    target: str | None
    reason: str | None  # decrypted; None when there is none or it is not readable


@dataclass(frozen=True)
class CaseFile:
    """A case as its reader sees it, decrypted."""

    row: CaseRow
    etag: str
    report: ReportReading | None  # None: this person may not read the report
    messages: list[Message]
    history: list[HistoryEntry]
    reply_recipient: str | None
    identity_request: str | None
    identity: IdentityDocument | None  # the caller's approved grant, decrypted
    objects: dict[str, CaseObjectOut]  # by key, with presigned URLs valid 15 minutes
    attachments: list[Attachment] = field(default_factory=list)  # report's, then added later
    problems: list[str] = field(default_factory=list)  # added evidence that does not fit
    # the reporter's signature over the report (review/authenticity.py `Verdict`); None: not
    # checked (the report was not read)
    signature: str | None = None

    @property
    def files(self) -> list[Attachment]:
        """Every file of the case by number: the report's, then evidence added later."""
        return self.attachments


@dataclass(frozen=True)
class RequestRow:
    """An identity request as a custodian (or the requester) sees it."""

    case: str
    reference: str
    channel: str
    reviewer: str
    status: str
    requested_on: str | None
    reason: str | None
    decided_by: str | None
    problem: str | None = None  # why it cannot be approved (review/identity_grant.py)
    warning: str | None = None  # what to make sure of before approving
