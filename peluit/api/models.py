"""Request and response bodies of the public API (they generate the OpenAPI document)."""

from __future__ import annotations

import base64
import binascii
import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, GetJsonSchemaHandler
from pydantic_core import CoreSchema

from peluit.core.ids import ROSTER_ID_PATTERN
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


_HEX128 = re.compile(r"[0-9a-fA-F]{128}")
HEX128_PATTERN = r"^[0-9a-fA-F]{128}$"


def _hex64(value: object) -> bytes:
    if not isinstance(value, str) or not _HEX128.fullmatch(value):
        raise ValueError("must be 128 hexadecimal digits")
    return bytes.fromhex(value)


BASE64_PATTERN = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"
HEX64_PATTERN = r"^[0-9a-fA-F]{64}$"


class _JsonText:
    """How a field that pydantic holds as bytes travels in JSON, for the OpenAPI document.

    Left alone, pydantic documents bytes as `format: binary` with no pattern (raw bytes, any
    text) and a `maxLength` that counts decoded bytes. The wire carries text: this says which
    (the validators above accept exactly the pattern) and turns a decoded-bytes limit into
    the length of its base64 text."""

    def __init__(self, pattern: str, base64: bool) -> None:
        self.pattern = pattern
        self.base64 = base64

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        out: dict[str, Any] = handler(schema)
        out.pop("format", None)
        out["pattern"] = self.pattern
        if self.base64:
            out["contentEncoding"] = "base64"
            if "maxLength" in out:
                out["maxLength"] = 4 * -(-out["maxLength"] // 3)
        return out


Base64Bytes = Annotated[bytes, BeforeValidator(_b64), _JsonText(BASE64_PATTERN, base64=True)]
Sha256Hex = Annotated[bytes, BeforeValidator(_hex32), _JsonText(HEX64_PATTERN, base64=False)]
# An Ed25519 public key (32 bytes) and signature (64 bytes), hex.
Ed25519Key = Annotated[bytes, BeforeValidator(_hex32), _JsonText(HEX64_PATTERN, base64=False)]
Ed25519Signature = Annotated[
    bytes, BeforeValidator(_hex64), _JsonText(HEX128_PATTERN, base64=False)
]
# An age file in base64, at most MAX_BLOB_BASE64 bytes once decoded.
Ciphertext = Annotated[
    bytes,
    BeforeValidator(_b64),
    Field(max_length=MAX_BLOB_BASE64),
    _JsonText(BASE64_PATTERN, base64=True),
]
ChannelId = Annotated[str, Field(pattern=f"^{ROSTER_ID_PATTERN}$")]


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
    report: Annotated[Ciphertext, Field(description="report.age, base64")]
    identity: Annotated[Ciphertext | None, Field(default=None, description="identity.age, base64")]
    segments: Annotated[list[SegmentIn], Field(max_length=10_000)] = []
    lookup_hash: Annotated[
        Sha256Hex, Field(description="SHA-256 of the receipt code's lookup token, hex")
    ]
    reply_recipient: Annotated[str, Field(max_length=4096, description="age1pq1… reply key")]
    recipients_sha256: Annotated[
        Sha256Hex | None,
        Field(
            default=None,
            description="fingerprint of the recipient set encrypted to (docs/format.md); "
            "with it, report and identity must be padded to a size bucket",
        ),
    ] = None
    reporter_key: Annotated[
        Ed25519Key | None,
        Field(
            default=None,
            description="the reporter's Ed25519 public key (from the receipt code), hex",
        ),
    ] = None
    signature: Annotated[
        Ed25519Signature | None,
        Field(
            default=None,
            description="the reporter key's signature over the report and identity "
            'block (docs/format.md, "The reporter\'s signatures"), hex',
        ),
    ] = None
    statement: Annotated[
        Literal[1, 2],
        Field(
            description="the version of the statement signed: 2 binds the case id and the "
            "reply key too (every current client); 1: clients from before",
        ),
    ] = 1


class ReceiptOut(_Body):
    case: Annotated[str, Field(description="case reference, e.g. K3V9-2M7Q-X0AB-4FZT")]
    acknowledged_on: date
