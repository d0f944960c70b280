"""Identifiers: one grammar for every id Peluit reads or writes, and how ids are derived.

Every module that checks a case id, a roster id (a person, a channel, a key area) or a
submission id uses the patterns here: the compiled patterns for `fullmatch`, the `*_PATTERN`
strings to compose into a larger pattern (a store key, a URL route, an OpenAPI `pattern`).
This module imports nothing of Peluit, so any layer may import it. Two leaves keep their own
copy, which `tests/unit/test_ids.py` holds equal to the one here: `peluit.httpsig` (a key id)
and `peluit.keys` (a key file's person), which import nothing of Peluit.
"""

from __future__ import annotations

import hashlib
import re

# A case id: 16 characters of Crockford's base32 alphabet in lower case (80 bits).
CASE_ID_PATTERN = r"[0-9a-hjkmnp-tv-z]{16}"
# A roster id (a person, a channel, a KPK area): a lower-case letter, then up to 31 lower-case
# letters, digits and hyphens. Also a thread message's sender (`thread/00007-{id}.age`).
ROSTER_ID_PATTERN = r"[a-z][a-z0-9-]{0,31}"
# A submission id (chosen by the reporter's browser) or an upload id (chosen by a reviewer's
# tool for the files of a reply): 128 random bits as 32 lower-case hex digits.
SUBMISSION_ID_PATTERN = r"[0-9a-f]{32}"

CASE_ID = re.compile(CASE_ID_PATTERN)
ROSTER_ID = re.compile(ROSTER_ID_PATTERN)
_SUBMISSION = re.compile(SUBMISSION_ID_PATTERN)

# The thread's sender id for the reporter (`thread/00007-pelapor.age`): no person may have it,
# or their messages would read as the reporter's (issue 18, finding 2).
REPORTER_SENDER = "pelapor"
# The audit log's actor for the operator's own actions (revocations, disposals): a person with
# that id would read in the audit log as the operator.
OPERATOR_ACTOR = "operator"
RESERVED_PERSON_IDS = frozenset({REPORTER_SENDER, OPERATOR_ACTOR})

_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


def is_case_id(value: object) -> bool:
    """Is `value` a string in the case-id grammar?"""
    return isinstance(value, str) and CASE_ID.fullmatch(value) is not None


def is_roster_id(value: object) -> bool:
    """Is `value` a string in the roster-id grammar (reserved ids included)?"""
    return isinstance(value, str) and ROSTER_ID.fullmatch(value) is not None


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
