"""What the review service answers with: a person, a case page, a case and its objects, a
thread's messages and what the person has seen of them (peluit/core/review.py)."""

from __future__ import annotations

from dataclasses import dataclass

from . import evidence
from .cases import Reporter
from .casestate import CaseState


@dataclass(frozen=True)
class PersonView:
    id: str
    name: str
    roles: tuple[str, ...]
    reviews: tuple[str, ...]
    oversees: tuple[str, ...]
    guards: tuple[str, ...]


@dataclass(frozen=True)
class ThreadProgress:
    """What the person has seen of the thread: unread = the reporter's messages after
    `last_read`; `last_seq` is the newest message of anyone."""

    unread: int
    last_read: int
    last_seq: int


@dataclass(frozen=True)
class CaseSummary:
    case: str
    state: CaseState
    thread: ThreadProgress


@dataclass(frozen=True)
class CasePage:
    cases: list[CaseSummary]
    next_cursor: str | None


@dataclass(frozen=True)
class CaseObject:
    key: str  # relative to the case: "report.age", "files/00/00000.age", …
    size: int
    url: str | None  # a presigned GET for attachments and large objects; else via the API


@dataclass(frozen=True)
class ThreadEntry:
    """A message of the thread: its number, sender and the day it was numbered (None for
    messages older than dates)."""

    seq: int
    sender: str
    on: str | None
    signature: str | None = None  # the reporter's or the writing reviewer's, from the claim (hex)


@dataclass(frozen=True)
class TeamSigned:
    """A team message's signature (64 bytes) for thread number `seq` on day `on`."""

    seq: int
    on: str
    signature: bytes


@dataclass(frozen=True)
class CaseView:
    case: str
    state: CaseState
    etag: str
    reply_recipient: str | None
    objects: list[CaseObject]
    identity_request: str | None  # the caller's own request: pending, approved, denied
    thread: ThreadProgress
    additions: list[evidence.Addition]  # evidence the reporter added: files and manifest
    messages: list[ThreadEntry]  # the thread's messages with their days (readers only)
    reporter: Reporter | None = None  # the reporter's key and report signature (readers only)
    next_seq: int = 0  # the number a new message takes (readers only): a team message signs it


def public_etag(store_etag: str) -> str:
    """The version of a state.json as the API shows it: a quoted strong entity tag."""
    return '"' + store_etag.strip('"') + '"'
