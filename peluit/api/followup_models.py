"""Request and response bodies of the reporter's follow-up (`/api/v1/followup/…`).

The token is the receipt code's 32-byte lookup token in hex, never the code itself; it goes
in the body of a POST, never in a URL (URLs end up in logs)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from peluit.core.ids import SUBMISSION_ID_PATTERN

from .models import Ciphertext, Ed25519Signature, SegmentIn, Sha256Hex, _Body

Token = Annotated[
    Sha256Hex, Field(description="the receipt code's lookup token (HKDF), 64 hex digits")
]


class StatusIn(_Body):
    token: Token
    after: Annotated[
        int, Field(ge=0, le=99_999, description="only messages after this one (paging)")
    ] = 0


class ThreadMessageOut(_Body):
    seq: int
    sender: Literal["pelapor", "penelaah"]
    data: str = Field(description="the message: an age file, base64")
    on: str | None = Field(
        default=None,
        description="the day the message was numbered, YYYY-MM-DD (no time); null: older",
    )
    signature: str | None = Field(
        default=None,
        description="a team message: its writer's Ed25519 signature, hex (docs/format.md, "
        "The team's signatures); null: unsigned, shown as not verified",
    )


class StatusOut(_Body):
    case: str = Field(description="case reference, e.g. K3V9-2M7Q-X0AB-4FZT")
    channel: str
    status: str = Field(description="a workflow status: diterima, ditelaah, selesai, …")
    since: str = Field(description="the day the current status was set, YYYY-MM-DD")
    messages: list[ThreadMessageOut]
    more: bool = Field(description="more messages follow: ask again with `after`")
    next_seq: int = Field(
        default=1,
        description="the number the next message will take: what a reporter's signature names",
    )


class MessageIn(_Body):
    token: Token
    message: Annotated[
        Ciphertext, Field(description="age file to the channel's reviewers and oversight")
    ]
    signature: Annotated[
        Ed25519Signature | None,
        Field(
            default=None,
            description="the reporter key's signature over the message (docs/format.md); "
            "required for a case that has a reporter key",
        ),
    ] = None
    seq: Annotated[
        int | None,
        Field(
            default=None,
            ge=1,
            le=99_999,
            description="the number the signature names (statement version 2): the message "
            "takes it, or 409 thread_moved",
        ),
    ] = None


class PostedOut(_Body):
    seq: int


class EvidenceIn(_Body):
    token: Token
    upload: Annotated[
        str,
        Field(
            pattern=f"^{SUBMISSION_ID_PATTERN}$",
            description="the id the segments were staged under",
        ),
    ]
    manifest: Annotated[
        Ciphertext,
        Field(description="the reporter's message describing the files (age, base64)"),
    ]
    segments: Annotated[list[SegmentIn], Field(min_length=1, max_length=10_000)]
    signature: Annotated[
        Ed25519Signature | None,
        Field(
            default=None,
            description="the reporter key's signature over the manifest message (docs/format.md); "
            "required for a case that has a reporter key",
        ),
    ] = None
    seq: Annotated[
        int | None,
        Field(
            default=None,
            ge=1,
            le=99_999,
            description="the number the signature names (statement version 2): the manifest "
            "message takes it, or 409 thread_moved",
        ),
    ] = None


class EvidenceOut(_Body):
    seq: int = Field(description="the manifest message's number in the thread")
    files: list[int] = Field(description="the case's file numbers, in the manifest's order")


class ReplyFileIn(_Body):
    token: Token
    upload: Annotated[
        str,
        Field(
            pattern=f"^{SUBMISSION_ID_PATTERN}$",
            description="the upload id the team's message names",
        ),
    ]
    file: Annotated[int, Field(ge=0, le=99, description="file number within that upload")]
    segment: Annotated[int, Field(ge=0, le=9999, description="segment number within the file")]
    offset: Annotated[int, Field(ge=0, le=1 << 31, description="first byte wanted")] = 0


class ReplyFileOut(_Body):
    size: int = Field(description="the whole segment's size (ciphertext)")
    offset: int
    data: str = Field(description="bytes offset… of the segment, at most 3 MiB, base64")
