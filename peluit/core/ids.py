"""Identifiers: client-chosen submission ids and the case references derived from them."""

from __future__ import annotations

import hashlib
import re

_SUBMISSION = re.compile(r"[0-9a-f]{32}")
_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


def is_submission_id(value: str) -> bool:
    """128 random bits as 32 lower-case hex digits."""
    return bool(_SUBMISSION.fullmatch(value))


def case_id(submission: str) -> str:
    """A stable 80-bit case id (16 Crockford base32 characters) for a submission id.

    Deterministic, so finalizing the same submission twice finds the same case.
    """
    digest = hashlib.sha256(b"peluit/case/v1\x00" + bytes.fromhex(submission)).digest()[:10]
    number = int.from_bytes(digest, "big")
    return "".join(_CROCKFORD[(number >> shift) & 31] for shift in range(75, -1, -5))


def case_reference(case: str) -> str:
    """How a case id is shown to people: upper case, in groups of four."""
    upper = case.upper()
    return "-".join(upper[i : i + 4] for i in range(0, len(upper), 4))
