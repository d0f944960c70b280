"""Rekey records: a case file's key re-wrapped for the current roster, beside the original
(docs/format.md, "Rekey records"; ADR 0044).

The bucket never lets anyone overwrite what the reporter sent, and the reporter's signature
covers the SHA-256 of the original ciphertext. So a roster change does not rewrite a file: a
reviewer who can open it writes a new age header for the current recipients (same file key,
payload untouched) into `cases/{case}/rekey/{original sha256}/{header sha256}.json`, signed
with their roster key. A reader fetches the original, checks its hash as always (manifests,
the reporter's signature), and opens `header ‖ original[payload_offset:]`.

The record, canonical JSON (`peluit/core/canonical.py`):

    {"by": "rina", "case": "<16>", "format": "peluit-rekey/1", "header": "<base64>",
     "object": "report.age", "original_sha256": "<64 hex>", "payload_offset": 4759,
     "recipients_sha256": "<64 hex>", "signature": "<128 hex>"}

`recipients_sha256` is the fingerprint of the recipients the header is for (the channel's
reviewers and oversight, `peluit/core/recipient_set.py` with no identity recipients): the
server refuses a record for another set than the channel's, and a rekey run skips a file that
already has a record for the current set.

signed (Ed25519, the `by` person's roster `signing_key`) over, one line each, LF-terminated:

    peluit-rekey/1
    case <case>
    object <object key in the case>
    original <hex SHA-256 of the original file>
    offset <payload_offset>
    header <hex SHA-256 of the new header>
    recipients <recipients_sha256>
    by <roster id>
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from . import layout, recipient_set
from .canonical import canonical
from .ids import ROSTER_ID_PATTERN, SUBMISSION_ID_PATTERN, is_case_id

FORMAT = "peluit-rekey/1"
MAX_HEADER = 128 * 1024  # age.HeaderLimits' default: no reader takes a larger header
MAX_RECORD = 200 * 1024
# What may be rekeyed: what the report's recipients (reviewers and oversight) read. Not the
# identity block or grants: those belong to custodians and a named reviewer.
OBJECT = re.compile(
    r"report\.age|files/[0-9]{2}/[0-9]{5}\.age"
    rf"|thread/[0-9]{{5}}-{ROSTER_ID_PATTERN}\.age|notes/[0-9a-f]{{64}}\.age"
    rf"|replies/{SUBMISSION_ID_PATTERN}/[0-9]{{2}}/[0-9]{{5}}\.age"
)
# A record's key inside its case: `rekey/<original sha256>/<header sha256>.json`.
RECORD_KEY = re.compile(r"rekey/([0-9a-f]{64})/([0-9a-f]{64})\.json")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_FIELDS = {
    "by",
    "case",
    "format",
    "header",
    "object",
    "original_sha256",
    "payload_offset",
    "recipients_sha256",
    "signature",
}
_PERSON = re.compile(ROSTER_ID_PATTERN)


class RekeyRecordError(ValueError):
    """Not a well-formed rekey record, or one whose signature does not verify."""


@dataclass(frozen=True)
class RekeyRecord:
    case: str
    object: str
    original_sha256: str
    payload_offset: int
    header: bytes
    recipients_sha256: str
    by: str
    signature: bytes = b""

    @property
    def header_sha256(self) -> str:
        return hashlib.sha256(self.header).hexdigest()

    def statement(self) -> bytes:
        return (
            f"{FORMAT}\ncase {self.case}\nobject {self.object}\n"
            f"original {self.original_sha256}\noffset {self.payload_offset}\n"
            f"header {self.header_sha256}\nrecipients {self.recipients_sha256}\nby {self.by}\n"
        ).encode()

    def key(self) -> str:
        """The record's object key in the store."""
        return layout.case_prefix(self.case) + self.relative_key()

    def relative_key(self) -> str:
        return f"rekey/{self.original_sha256}/{self.header_sha256}.json"

    def to_bytes(self) -> bytes:
        return canonical(
            {
                "by": self.by,
                "case": self.case,
                "format": FORMAT,
                "header": base64.b64encode(self.header).decode("ascii"),
                "object": self.object,
                "original_sha256": self.original_sha256,
                "payload_offset": self.payload_offset,
                "recipients_sha256": self.recipients_sha256,
                "signature": self.signature.hex(),
            }
        )

    def verifies(self, key: Ed25519PublicKey) -> bool:
        try:
            key.verify(self.signature, self.statement())
        except InvalidSignature:
            return False
        return True


def make(
    case: str,
    object_key: str,
    original: bytes,
    header: bytes,
    payload_offset: int,
    recipients_sha256: str,
    by: str,
    signing_key: Ed25519PrivateKey,
) -> RekeyRecord:
    """A signed record for `original` (the whole file as stored) and its new `header` for the
    recipient set with that fingerprint."""
    original_sha256 = hashlib.sha256(original).hexdigest()
    unsigned = RekeyRecord(
        case, object_key, original_sha256, payload_offset, header, recipients_sha256, by
    )
    _check(unsigned)
    return RekeyRecord(**{**unsigned.__dict__, "signature": signing_key.sign(unsigned.statement())})


def parse(data: bytes) -> RekeyRecord:
    """A record from its stored bytes; `RekeyRecordError` for anything else (signature not
    checked: the caller knows whose key to check it with)."""
    if len(data) > MAX_RECORD:
        raise RekeyRecordError("a rekey record is at most 200 KiB")
    try:
        raw = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise RekeyRecordError("a rekey record is JSON") from None
    if not isinstance(raw, dict) or set(raw) != _FIELDS or raw.get("format") != FORMAT:
        raise RekeyRecordError(f"not a {FORMAT} record")
    texts = ("by", "case", "header", "object", "original_sha256", "recipients_sha256", "signature")
    if not all(isinstance(raw[k], str) for k in texts) or type(raw["payload_offset"]) is not int:
        raise RekeyRecordError("a rekey record's fields have the wrong types")
    try:
        header = base64.b64decode(raw["header"], validate=True)
        signature = bytes.fromhex(raw["signature"])
    except (binascii.Error, ValueError):
        raise RekeyRecordError("a rekey record's header or signature is not encoded") from None
    record = RekeyRecord(
        raw["case"],
        raw["object"],
        raw["original_sha256"],
        raw["payload_offset"],
        header,
        raw["recipients_sha256"],
        raw["by"],
        signature,
    )
    _check(record)
    if len(signature) != 64 or record.to_bytes() != data:
        raise RekeyRecordError("a rekey record is canonical JSON with a 64-byte signature")
    return record


def _check(record: RekeyRecord) -> None:
    if not is_case_id(record.case) or not _PERSON.fullmatch(record.by):
        raise RekeyRecordError("a rekey record names a case id and a roster id")
    if not OBJECT.fullmatch(record.object):
        raise RekeyRecordError("this file of a case cannot be rekeyed")
    if not _HEX64.fullmatch(record.original_sha256) or not _HEX64.fullmatch(
        record.recipients_sha256
    ):
        raise RekeyRecordError("original_sha256 and recipients_sha256 are 64 hex digits")
    if not 0 < record.payload_offset <= MAX_HEADER or not 0 < len(record.header) <= MAX_HEADER:
        raise RekeyRecordError("a header is at most 128 KiB")


def records_for(keys: list[str], original_sha256: str) -> list[str]:
    """The record keys (relative to the case) among `keys` for the original with that hash."""
    return [k for k in keys if (m := RECORD_KEY.fullmatch(k)) and m[1] == original_sha256]


def recipients_fingerprint(recipients: list[str]) -> str:
    """The fingerprint a record names for a header wrapped for `recipients`."""
    return recipient_set.fingerprint(recipients, [])
