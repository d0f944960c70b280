"""Request and response bodies of the public API (they generate the OpenAPI document)."""

from __future__ import annotations

import base64
import binascii
import re
from datetime import date
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from peluit.core.submission import Segment

MAX_BLOB_BASE64 = 6 * 1024 * 1024  # Lambda's synchronous payload limit; the core checks the rest


def _b64(value: object) -> bytes:
    if not isinstance(value, str):
        raise ValueError("must be a base64 string")  # noqa: TRY004 - pydantic wants ValueError
    try:
        return base64.b64decode(value, validate=True)
    except binascii.Error:
        raise ValueError("must be valid base64") from None


_HEX64 = re.compile(r"[0-9a-fA-F]{64}")


def _hex32(value: object) -> bytes:
    if not isinstance(value, str) or not _HEX64.fullmatch(value):
        raise ValueError("must be 64 hexadecimal digits")
    return bytes.fromhex(value)


Base64Bytes = Annotated[bytes, BeforeValidator(_b64)]
Sha256Hex = Annotated[bytes, BeforeValidator(_hex32)]
ChannelId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,31}$")]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SegmentIn(_Body):
    file: Annotated[int, Field(ge=0, le=99, description="file number within the report, from 0")]
    index: Annotated[int, Field(ge=0, le=9999, description="segment number within the file")]
    size: Annotated[int, Field(ge=1, le=1 << 31, description="ciphertext size in bytes")]
    sha256: Annotated[Sha256Hex, Field(description="SHA-256 of the ciphertext, hex")]

    def to_core(self) -> Segment:
        return Segment(self.file, self.index, self.size, self.sha256)


class UploadPlanIn(_Body):
    channel: ChannelId
    segments: Annotated[list[SegmentIn], Field(min_length=1, max_length=1000)]


class UploadOut(_Body):
    file: int
    index: int
    url: str
    method: str
    headers: dict[str, str]


class UploadPlanOut(_Body):
    uploads: list[UploadOut]


class FinalizeIn(_Body):
    channel: ChannelId
    report: Annotated[
        Base64Bytes, Field(max_length=MAX_BLOB_BASE64, description="report.age, base64")
    ]
    identity: Annotated[
        Base64Bytes | None,
        Field(default=None, max_length=MAX_BLOB_BASE64, description="identity.age, base64"),
    ]
    segments: Annotated[list[SegmentIn], Field(max_length=10_000)] = []
    lookup_hash: Annotated[
        Sha256Hex, Field(description="SHA-256 of the receipt code's lookup token, hex")
    ]
    reply_recipient: Annotated[str, Field(max_length=4096, description="age1pq1… reply key")]


class ReceiptOut(_Body):
    case: Annotated[str, Field(description="case reference, e.g. K3V9-2M7Q-X0AB-4FZT")]
    acknowledged_on: date
