"""Request and response bodies of the reviewer API. Uploads are age ciphertext in base64,
encrypted on the reviewer's machine; the server never sees a reason or message in clear."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from peluit.core.cases import Reporter
from peluit.core.casestate import CaseState
from peluit.core.evidence import Addition
from peluit.core.identity_requests import IdentityRequestView, SignedRequest
from peluit.core.ids import SUBMISSION_ID_PATTERN, case_reference
from peluit.core.review import TeamSigned, ThreadEntry, ThreadProgress

from .models import Ciphertext, SegmentIn

Status = Literal["diterima", "diverifikasi", "ditelaah", "diteruskan", "selesai", "ditolak"]
Target = Literal["apip", "kpk", "aph"]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StatusChangeIn(_Body):
    status: Status
    target: Target | None = None
    reason: Annotated[
        Ciphertext, Field(description="age file to the channel's reviewers and oversight, base64")
    ]


class TagIn(_Body):
    tag: Annotated[
        Literal["uji"], Field(description="uji: a test report, left out of lists and statistics")
    ]
    present: bool = Field(default=True, description="false clears the tag")


UploadId = Annotated[
    str, Field(pattern=f"^{SUBMISSION_ID_PATTERN}$", description="128 random bits, 32 hex digits")
]


class TeamSignedIn(_Body):
    seq: Annotated[int, Field(ge=1, le=99_999, description="the number signed for")]
    on: Annotated[
        str, Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", description="the day signed for")
    ]
    signature: Annotated[
        str,
        Field(
            pattern=r"^[0-9a-f]{128}$",
            description="Ed25519 signature by the writer's roster key over the statement, hex",
        ),
    ]

    def to_core(self) -> TeamSigned:
        return TeamSigned(seq=self.seq, on=self.on, signature=bytes.fromhex(self.signature))


class MessageIn(_Body):
    message: Annotated[
        Ciphertext,
        Field(
            description="age file to the reporter's reply key, reviewers and oversight: a "
            "peluit-reply/1 document (older tools: UTF-8 text)"
        ),
    ]
    upload: UploadId | None = Field(
        default=None, description="the id the attached files' segments were staged under"
    )
    segments: Annotated[
        list[SegmentIn],
        Field(max_length=10_000, description="the staged segments of the attached files"),
    ] = []
    signed: TeamSignedIn | None = Field(
        default=None,
        description="the writer's signature for the message's number and day "
        "(docs/format.md, The team's signatures); null: unsigned (older tools), which "
        "the reporter's tools show as not verified",
    )


class ReplyUploadsIn(_Body):
    upload: UploadId
    segments: Annotated[list[SegmentIn], Field(min_length=1, max_length=10_000)]


class IdentityRequestIn(_Body):
    reason: Annotated[
        Ciphertext,
        Field(description="age file to the channel's reviewers, oversight and custodians"),
    ]
    signed_on: Annotated[
        str | None,
        Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", description="the day signed for (today)"),
    ] = None
    identity_sha256: Annotated[
        str | None,
        Field(
            pattern=r"^[0-9a-f]{64}$",
            description="SHA-256 of identity.age as the requester's tool verified it against the "
            "reporter's signature; null: it could verify none (an older case)",
        ),
    ] = None
    signature: Annotated[
        str | None,
        Field(
            pattern=r"^[0-9a-f]{128}$",
            description="Ed25519 signature by the requester's roster key over the request "
            "statement (docs/format.md, Identity requests), hex; null: unsigned (older tools), "
            "which a custodian's tool does not approve",
        ),
    ] = None

    def signed(self) -> SignedRequest | None:
        if self.signature is None:
            return None
        return SignedRequest(
            self.signed_on or "", self.identity_sha256, bytes.fromhex(self.signature)
        )


class ApproveIn(_Body):
    grant: Annotated[
        Ciphertext, Field(description="the identity block re-encrypted to the requester alone")
    ]


class DenyIn(_Body):
    reason: Annotated[
        Ciphertext,
        Field(description="age file to the channel's reviewers, oversight and custodians"),
    ]


class MeOut(_Body):
    id: str
    name: str
    roles: list[str]
    reviews: list[str]
    oversees: list[str]
    guards: list[str]


class ThreadOut(_Body):
    """What the caller has seen of the case's thread (`reads/{case}/{person}.json`)."""

    unread: int = Field(description="the reporter's messages (and added evidence) not yet seen")
    last_read: int = Field(description="the last message the caller marked as seen, 0: none")
    last_seq: int = Field(description="the newest message in the thread, 0: none")

    @classmethod
    def of(cls, progress: ThreadProgress) -> ThreadOut:
        return cls(unread=progress.unread, last_read=progress.last_read, last_seq=progress.last_seq)


class CaseSummaryOut(_Body):
    case: str
    reference: str
    channel: str
    status: str
    received: str
    files: int
    identity: bool
    tags: list[str]
    target: str | None

    @classmethod
    def of(cls, case: str, state: CaseState) -> CaseSummaryOut:
        return cls(**_summary_fields(case, state))


def _summary_fields(case: str, state: CaseState) -> dict[str, Any]:
    """A case summary's fields, from its id and `CaseState`'s accessors."""
    return {
        "case": case,
        "reference": case_reference(case),
        "channel": state.channel,
        "status": state.status,
        "received": state.received,
        "files": state.files,
        "identity": state.identity,
        "tags": state.tags,
        "target": state.target,
    }


class CaseListItemOut(CaseSummaryOut):
    thread: ThreadOut
    history: list[dict[str, Any]] = Field(
        default=[],
        description="status changes (status, on, by, note, target): plaintext workflow metadata "
        "the review tool counts statistics from without opening each case",
    )

    @classmethod
    def listed(cls, case: str, state: CaseState, progress: ThreadProgress) -> CaseListItemOut:
        """A listing's line, built without validating it: every field comes from `CaseState`'s
        accessors, which convert to the field's type (`str()`, `int()`, `bool()`; the state's
        fields were type-checked when it was parsed), and `ThreadProgress`'s ints. Validating
        each of thousands of lines (three models each) was most of a listing's Python time;
        `tests/unit/test_review_models.py` checks that validation gives the same line."""
        return cls.model_construct(
            **_summary_fields(case, state),
            thread=ThreadOut.model_construct(
                unread=progress.unread, last_read=progress.last_read, last_seq=progress.last_seq
            ),
            history=state.history,
        )


class AdditionOut(_Body):
    """Evidence the reporter added after the report: these file numbers, in the order the
    manifest message lists them."""

    message: str = Field(description="the manifest message, e.g. thread/00007-pelapor.age")
    files: list[int]

    @classmethod
    def of(cls, addition: Addition) -> AdditionOut:
        return cls(message=addition.message, files=addition.files)


class ThreadEntryOut(_Body):
    """A message of the thread: its number, sender and the day the server numbered it."""

    seq: int
    sender: str = Field(description="a roster id, or pelapor")
    on: str | None = Field(description="YYYY-MM-DD in the organisation's time zone; null: older")
    signature: str | None = Field(
        default=None,
        description="the Ed25519 signature over the message from its claim (hex): the "
        "reporter's, or for a team message its writer's (docs/format.md, The team's "
        "signatures); null: not signed",
    )

    @classmethod
    def of(cls, entry: ThreadEntry) -> ThreadEntryOut:
        return cls(seq=entry.seq, sender=entry.sender, on=entry.on, signature=entry.signature)


class ReporterOut(_Body):
    """The reporter's signing key and signature over the report, as stored at finalization
    (reply.json); the review tool verifies them (docs/format.md, "The reporter's signatures")."""

    key: str = Field(description="Ed25519 public key, hex")
    report_signature: str = Field(description="signature over report and identity, hex")
    identity_sha256: str | None = Field(description="SHA-256 of identity.age; null: none")
    statement: int = Field(
        default=1,
        description="the statement version signed: 2 covers the case id and the reply key too",
    )

    @classmethod
    def of(cls, reporter: Reporter | None) -> ReporterOut | None:
        if reporter is None:
            return None
        return cls(
            key=reporter.key,
            report_signature=reporter.report_signature,
            identity_sha256=reporter.identity_sha256,
            statement=reporter.statement,
        )


class CasePageOut(_Body):
    cases: list[CaseListItemOut]
    next_cursor: str | None


class CaseObjectOut(_Body):
    key: str
    size: int
    url: str | None = Field(description="presigned GET (15 minutes); null: fetch via /object")


class CaseOut(CaseSummaryOut):
    etag: str
    history: list[dict[str, Any]]
    reply_recipient: str | None
    objects: list[CaseObjectOut]
    identity_request: str | None
    thread: ThreadOut
    additions: list[AdditionOut]
    messages: list[ThreadEntryOut]
    reporter: ReporterOut | None = Field(
        default=None, description="null: a case from before reporter signatures"
    )
    next_seq: int = Field(
        default=0,
        description="the number the next message takes (readers; 0 otherwise): a team "
        "message is signed for it (docs/format.md, The team's signatures)",
    )


class ReadIn(_Body):
    seq: Annotated[int, Field(ge=0, le=99_999, description="seen up to this message")]


class StateOut(CaseSummaryOut):
    etag: str
    history: list[dict[str, Any]]


class ObjectOut(_Body):
    key: str
    data: str = Field(description="the object's bytes, base64")


class MessageOut(_Body):
    key: str


class IdentityRequestOut(_Body):
    case: str
    channel: str
    reviewer: str
    status: str
    requested_on: str | None
    reason: str | None
    decided_by: str | None
    decided_on: str | None
    decision_note: str | None
    signed_on: str | None = Field(default=None, description="the day the requester signed for")
    identity_sha256: str | None = Field(
        default=None, description="the identity block's SHA-256 the requester signed for"
    )
    signature: str | None = Field(
        default=None, description="the requester's signature over the request statement, hex"
    )

    @classmethod
    def of(cls, request: IdentityRequestView) -> IdentityRequestOut:
        raw = request.raw

        def text(name: str) -> str | None:
            value = raw.get(name)
            return value if isinstance(value, str) else None

        return cls(
            case=request.case,
            channel=request.channel,
            reviewer=request.reviewer,
            status=request.status,
            requested_on=text("requested_on"),
            reason=text("reason"),
            decided_by=text("decided_by"),
            decided_on=text("decided_on"),
            decision_note=text("decision_note"),
            signed_on=text("signed_on"),
            identity_sha256=text("identity_sha256"),
            signature=text("signature"),
        )


class IdentityRequestsOut(_Body):
    requests: list[IdentityRequestOut]


class RekeyIn(_Body):
    record: Annotated[
        Ciphertext,
        Field(
            description="a peluit-rekey/1 record, base64 (docs/format.md, 'Rekey records'): a "
            "case file's new age header for the current roster, signed by the writer"
        ),
    ]


class RekeyOut(_Body):
    key: str = Field(description="the record's key in the case: rekey/<original>/<header>.json")
