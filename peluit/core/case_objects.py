"""Which objects of a case the review API shows, and who may read each (core/review.py)."""

from __future__ import annotations

import re

from .access import Access
from .casestate import CaseState
from .identity_requests import IdentityRequestView
from .ids import ROSTER_ID_PATTERN, SUBMISSION_ID_PATTERN

_OBJECT = re.compile(
    r"report\.age|identity\.age|files/[0-9]{2}/[0-9]{5}\.age"
    rf"|thread/[0-9]{{5}}-{ROSTER_ID_PATTERN}\.age|notes/[0-9a-f]{{64}}\.age"
    rf"|identity-grants/{ROSTER_ID_PATTERN}\.age"
    rf"|replies/{SUBMISSION_ID_PATTERN}/[0-9]{{2}}/[0-9]{{5}}\.age"
    r"|rekey/[0-9a-f]{64}/[0-9a-f]{64}\.json"  # a file's key for the current roster (ADR 0044)
)


def listed(key: str) -> bool:
    """Whether `key` (relative to the case) is an object the API shows at all."""
    return _OBJECT.fullmatch(key) is not None


def may_read(
    access: Access, person: str, state: CaseState, key: str, requests: list[IdentityRequestView]
) -> bool:
    """Whether `person` may read the case object `key` (relative to the case): readers the
    report, files, thread, replies and rekeyed file keys; a custodian a note of an identity
    request, and the identity while someone else's request is pending; a reviewer their own
    identity grant once approved."""
    channel = state.channel
    reader = access.is_reader(person, channel)
    custodian = access.is_custodian(person, channel)
    if key == "report.age" or key.startswith(("files/", "thread/", "replies/", "rekey/")):
        return reader
    if key.startswith("notes/"):
        noted = {n for r in requests for n in r.notes}
        return reader or (custodian and key.removeprefix("notes/")[:64] in noted)
    if key == "identity.age":
        return custodian and any(r.status == "pending" and r.reviewer != person for r in requests)
    if key.startswith("identity-grants/"):
        return (
            key == f"identity-grants/{person}.age"
            and access.is_reviewer(person, channel)
            and any(r.reviewer == person and r.status == "approved" for r in requests)
        )
    return False
