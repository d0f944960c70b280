"""The requesting reviewer's signature on an identity request (docs/format.md, "Identity
requests"; ADR 0059).

A custodian approves "this reviewer may see this case's reporter's identity", but the identity
block comes from the server, and a custodian outside the team cannot read the report to check
it. The reviewer who asks has opened the case: their tool verified the reporter's signature,
which names the SHA-256 of `identity.age`. So the request carries that hash, signed with the
reviewer's roster Ed25519 key over this statement (UTF-8, one line per item, each ending in a
line feed):

    peluit-identity-request/1
    case <the case id, 16 lowercase characters>
    reviewer <the requesting reviewer's roster id>
    on <the day it was asked, YYYY-MM-DD>
    identity <hex SHA-256 of identity.age the requester's tool verified, or ->
    reason <hex SHA-256 of the encrypted reason>

The custodian's tool checks it with the roster key from its own configuration and grants only
the block with that hash, for the reason with that hash, and only within `FRESH_DAYS` of the day
signed: a server can neither move another case's block under the request, swap the reason, nor
bring back a request from long ago (one denied, say). `-`: the requester's tool could verify no
hash (an older, unsigned case).
"""

from __future__ import annotations

import re

from .ids import ROSTER_ID_PATTERN, is_case_id

LABEL = "peluit-identity-request/1"
FRESH_DAYS = 30  # a custodian's tool grants a request signed at most this long ago
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_PERSON = re.compile(ROSTER_ID_PATTERN)


def statement(
    case: str, reviewer: str, on: str, identity_sha256: str | None, reason_sha256: str
) -> bytes:
    if not is_case_id(case):
        raise ValueError("a statement names a case id (16 characters)")
    if not _PERSON.fullmatch(reviewer):
        raise ValueError("a statement names a roster id")
    if not _DAY.fullmatch(on):
        raise ValueError("a day is YYYY-MM-DD")
    if identity_sha256 is not None and not _SHA256.fullmatch(identity_sha256):
        raise ValueError("an identity hash is 64 lowercase hex digits")
    if not _SHA256.fullmatch(reason_sha256):
        raise ValueError("a reason hash is 64 lowercase hex digits")
    return (
        f"{LABEL}\ncase {case}\nreviewer {reviewer}\non {on}\n"
        f"identity {identity_sha256 or '-'}\nreason {reason_sha256}\n"
    ).encode()
