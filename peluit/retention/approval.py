"""A reviewer's approval to dispose of a case: signed on their own machine with their roster
key, carried to the operator as a file (`peluit retention approve`). Canonical JSON:

    {"by": "rina", "case": "<16>", "format": "peluit-disposal/1", "signature": "<128 hex>"}

signed over `peluit-disposal/1\\ncase <case>\\nby <id>\\n`. The operator's command checks it
against its own configuration: `by` must be a reviewer of the case's channel."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from peluit.config import Config
from peluit.core.canonical import canonical
from peluit.core.ids import ROSTER_ID_PATTERN, is_case_id
from peluit.keys import parse_public_key

FORMAT = "peluit-disposal/1"
_PERSON = re.compile(ROSTER_ID_PATTERN)
_SIGNATURE = re.compile(r"[0-9a-f]{128}")


class ApprovalError(ValueError):
    """Not an approval, or not one by a reviewer of the case's channel."""


@dataclass(frozen=True)
class Approval:
    case: str
    by: str
    signature: bytes

    def to_bytes(self) -> bytes:
        return canonical(
            {"by": self.by, "case": self.case, "format": FORMAT, "signature": self.signature.hex()}
        )


def statement(case: str, by: str) -> bytes:
    return f"{FORMAT}\ncase {case}\nby {by}\n".encode()


def approve(case: str, by: str, key: Ed25519PrivateKey) -> Approval:
    if not is_case_id(case) or not _PERSON.fullmatch(by):
        raise ApprovalError("an approval names a case id and a roster id")
    return Approval(case, by, key.sign(statement(case, by)))


def parse(data: bytes) -> Approval:
    try:
        raw = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise ApprovalError("an approval is JSON") from None
    if not isinstance(raw, dict) or set(raw) != {"by", "case", "format", "signature"}:
        raise ApprovalError(f"not a {FORMAT} approval")
    values = [raw["by"], raw["case"], raw["format"], raw["signature"]]
    if not all(isinstance(v, str) for v in values) or raw["format"] != FORMAT:
        raise ApprovalError(f"not a {FORMAT} approval")
    if not (is_case_id(raw["case"]) and _PERSON.fullmatch(raw["by"])):
        raise ApprovalError("an approval names a case id and a roster id")
    if not _SIGNATURE.fullmatch(raw["signature"]):
        raise ApprovalError("an approval's signature is 128 hex digits")
    return Approval(raw["case"], raw["by"], bytes.fromhex(raw["signature"]))


def check(config: Config, approval: Approval, case: str, channel: str) -> None:
    """`ApprovalError` unless `approval` is for `case` by a reviewer of `channel` whose roster
    key signed it."""
    found = config.channel(channel)
    if approval.case != case:
        raise ApprovalError("the approval is for another case")
    if found is None or approval.by not in found.reviewers:
        raise ApprovalError(f"{approval.by} does not review the channel {channel!r}")
    signing_key = config.person(approval.by).signing_key
    if signing_key is None:
        raise ApprovalError(f"{approval.by} has no signing key on the roster")
    try:
        parse_public_key(signing_key).verify(approval.signature, statement(case, approval.by))
    except InvalidSignature:
        raise ApprovalError(f"the approval is not signed by {approval.by}'s roster key") from None
