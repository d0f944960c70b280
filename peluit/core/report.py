"""The documents inside `report.age`, `identity.age` and the reporter's thread messages
(their plaintext), version 1.

The browser writes them (js/src/report.js); reviewers' tools read them. The server never
sees them. Unknown top-level keys are refused so a newer writer is noticed, not misread.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .ids import CASE_ID_PATTERN, SUBMISSION_ID_PATTERN

Sha256Hex = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
Ed25519KeyHex = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
# an age recipient: one word of printable ASCII (the reporter's is an age1pq1… hybrid key)
Recipient = Annotated[str, Field(pattern=r"^[\x21-\x7e]+$", max_length=4096)]


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SegmentEntry(_Doc):
    size: Annotated[int, Field(ge=1, description="ciphertext size")]
    sha256: Sha256Hex


MAX_FILE_NAME = 255  # code points, of a file's name and of its type
DEFAULT_FILE_TYPE = "application/octet-stream"


def fit_file_name(name: str) -> str:
    """A file's name as the manifest holds it (the browser's report.js does the same): at
    most 255 code points, keeping a short extension; never empty."""
    if not name:
        return "lampiran"
    if len(name) <= MAX_FILE_NAME:
        return name
    dot = name.rfind(".")
    ext = name[dot:] if dot > 0 and len(name) - dot <= 16 else ""
    return name[: MAX_FILE_NAME - len(ext) - 1] + "…" + ext


def fit_file_type(kind: str | None) -> str:
    """A media type as the manifest holds it: the default when unknown or too long."""
    return kind if kind and len(kind) <= MAX_FILE_NAME else DEFAULT_FILE_TYPE


class FileEntry(_Doc):
    name: Annotated[str, Field(min_length=1, max_length=MAX_FILE_NAME)]
    type: Annotated[str, Field(max_length=MAX_FILE_NAME)] = DEFAULT_FILE_TYPE
    size: Annotated[int, Field(ge=0, description="plaintext size")]
    segments: list[SegmentEntry]


AnswerValue = str | bool | None
IdentityChoice = Literal["anonymous", "confidential", "open"]


class ReportDocument(_Doc):
    """Plaintext of report.age: the answers, the choice about identity, the file manifest,
    and (every current client; ADR 0054) the reporter's signing key and reply key, so that
    the review tool can refuse a `reply.json` whose keys are not the reporter's. Reports from
    before carry neither."""

    format: Literal["peluit-report/1"]
    channel: str
    lang: Literal["id", "en"]
    answers: dict[str, AnswerValue]
    identity_choice: IdentityChoice
    identity: dict[str, AnswerValue] | None = None  # only when the reporter chose "open"
    files: list[FileEntry] = []
    reporter_key: Ed25519KeyHex | None = None  # the receipt code's Ed25519 public key, hex
    reply_recipient: Recipient | None = None  # the receipt code's reply key, as finalized

    @model_validator(mode="after")
    def _keys_together(self) -> ReportDocument:
        if (self.reporter_key is None) != (self.reply_recipient is None):
            raise ValueError("reporter_key and reply_recipient are given together")
        return self


class IdentityDocument(_Doc):
    """Plaintext of identity.age, readable by the channel's custodians only. `case`: the case
    the block was sent with (ADR 0059), so that a custodian never grants another case's block;
    blocks written before carry none."""

    format: Literal["peluit-identity/1"]
    channel: str
    fields: dict[str, AnswerValue]
    case: Annotated[str | None, Field(pattern=f"^{CASE_ID_PATTERN}$")] = None


class MessageDocument(_Doc):
    """Plaintext of a reporter's message (`thread/{seq}-pelapor.age`, to the channel's
    reviewers and oversight). With evidence added later, `files` is the manifest of the new
    files, in the order of the case's file numbers its `additions/{first}.json` claims."""

    format: Literal["peluit-message/1"]
    lang: Literal["id", "en"]
    text: Annotated[str, Field(max_length=20000)]
    files: list[FileEntry] = []


class ReplyDocument(_Doc):
    """Plaintext of a review team's message to the reporter (`thread/{seq}-{reviewer}.age`,
    to the reporter's reply key, the channel's reviewers and oversight). `files` is the
    manifest of the files attached to it, stored at `replies/{upload}/{file:02d}/…` in file
    order; `upload` is set exactly when there are files. Messages written before this format
    are plain UTF-8 text."""

    format: Literal["peluit-reply/1"]
    text: Annotated[str, Field(max_length=20000)]
    files: Annotated[list[FileEntry], Field(max_length=100)] = []
    upload: Annotated[str | None, Field(pattern=f"^{SUBMISSION_ID_PATTERN}$")] = None

    @model_validator(mode="after")
    def _upload_with_files(self) -> ReplyDocument:
        if bool(self.files) != (self.upload is not None):
            raise ValueError("upload is given exactly when files are")
        return self
