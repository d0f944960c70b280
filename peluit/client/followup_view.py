"""What the reporter's follow-up client shows: the case's status and its thread
(`CaseView`, `ThreadMessage`), the files the team attached (`ReplyFile`) and what a sent message
became (`Sent`). Plain values; reading them from the server's answers is
`peluit.client.followup_messages`, fetching and sending is `peluit.client.followup`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from peluit.core.report import FileEntry

from .errors import ClientError

TEAM: Literal["penelaah"] = "penelaah"
REPORTER: Literal["pelapor"] = "pelapor"
Sender = Literal["pelapor", "penelaah"]


@dataclass(frozen=True)
class ThreadMessage:
    seq: int
    sender: Sender
    text: str | None  # the team's message, decrypted; None for the reporter's own (sealed)
    readable: bool  # False: a team message this code's reply key does not open
    on: str | None = None  # the day the server numbered it, YYYY-MM-DD; None: older
    files: tuple[FileEntry, ...] = ()  # files the team attached (their manifest)
    upload: str | None = None  # where those files are stored
    problem: str | None = None  # a team message that opened but does not decode
    # A team message signed by one of the channel's reviewers for this case, number and day
    # (core/team_signature.py); False: unsigned or not verifiable, never shown as the team's.
    verified: bool = False


NOT_VERIFIED_FILE = (
    "Berkas ini dilampirkan pada pesan yang tidak terverifikasi berasal dari tim penelaah; tidak "
    "diunduh. / This file is attached to a message not verified to come from the review team; "
    "not downloaded."
)


class FileIntegrityError(ClientError):
    """A downloaded segment is not the one the team's message names, or does not decrypt."""


@dataclass(frozen=True)
class ReplyFile:
    """A file the team attached to message `seq`: number `number` of its manifest."""

    seq: int
    number: int
    entry: FileEntry
    upload: str = field(repr=False)
    verified: bool = True  # its message is signed by the team (core/team_signature.py)


@dataclass(frozen=True)
class CaseView:
    reference: str
    channel: str
    status: str
    since: str
    messages: list[ThreadMessage]

    def json(self) -> dict[str, Any]:
        return {
            "case": self.reference,
            "channel": self.channel,
            "status": self.status,
            "since": self.since,
            "messages": [
                {
                    "seq": m.seq,
                    "sender": m.sender,
                    "on": m.on,
                    "text": m.text,
                    "readable": m.readable,
                    "files": [{"name": f.name, "type": f.type, "size": f.size} for f in m.files],
                    "problem": m.problem,
                    "verified": m.verified,
                }
                for m in self.messages
            ],
        }

    def files(self) -> list[ReplyFile]:
        """Every file the team attached, message by message."""
        return [
            ReplyFile(m.seq, n, entry, m.upload, m.verified)
            for m in self.messages
            if m.upload is not None
            for n, entry in enumerate(m.files)
        ]


@dataclass(frozen=True)
class Sent:
    seq: int  # the message's number in the thread
    files: list[int]  # the case's numbers of the new files, in the order given

    def json(self) -> dict[str, Any]:
        return {"seq": self.seq, "files": self.files}
