"""A reviewer's identity request and a custodian's approval, as the desk makes them (ADR 0059;
the rules are `identity_grant`'s).

* Requesting: the reviewer's tool checks the case's reporter side (`ReviewDesk.authenticity`)
  and signs the request with the reviewer's roster key, naming the identity block's SHA-256 the
  reporter's signature covers (`core/request_signature.py`).
* Approving: the custodian's tool checks the request's signature, fetches and decrypts the
  block here, checks it against the signed hash, its channel and its case, and (a custodian
  who reads the channel) the reporter's signature; only then re-encrypts it to the requester.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from peluit.api.review_models import CaseOut, IdentityRequestOut
from peluit.core import request_signature, team_signature

from . import compose, identity_grant
from .errors import ReviewInputError
from .reading import read_identity

if TYPE_CHECKING:
    from .desk import ReviewDesk


def request(desk: ReviewDesk, case: str, view: CaseOut, sealed: bytes) -> IdentityRequestOut:
    """Send the request with its encrypted reason `sealed`, signed for the block the
    reporter's signature names (none for an older unsigned case)."""
    identity = identity_grant.verified_identity(desk.authenticity(case, view), view.reporter)
    reason = hashlib.sha256(sealed).hexdigest()
    text = request_signature.statement(case, desk.key.person, identity, reason)
    signature = team_signature.sign(desk.key.signing_key, text)
    return desk.client.request_identity(case, sealed, identity, signature)


def approve(desk: ReviewDesk, case: str, reviewer: str) -> IdentityRequestOut:
    """Grant `reviewer`'s pending request for `case`, once every check passed."""
    if reviewer not in {p.id for p in desk.config.people}:
        raise ReviewInputError(f"{reviewer!r} is not on this configuration's roster")
    view = desk.client.get_case(case)
    pending = desk.client.list_identity_requests(status="pending").requests
    found = next((r for r in pending if (r.case, r.reviewer) == (case, reviewer)), None)
    if found is None:
        raise ReviewInputError("this reviewer has no pending request for this case")
    _refuse(identity_grant.request_problem(desk.config, case, found))
    block = desk.client.read_object(case, "identity.age")
    plaintext = compose.open_file(desk.key, block)  # here, on the custodian's machine
    document = read_identity(plaintext)
    person = desk.key.person
    _refuse(
        identity_grant.block_problem(
            desk.config, person, case, view.channel, found, block, document
        )
    )
    if desk.reads(view.channel):  # the report is this custodian's to read: check it too
        _refuse(identity_grant.grant_problem(desk.authenticity(case, view), view.reporter, block))
    grant = compose.grant(desk.config, reviewer, plaintext)
    return desk.client.approve_identity(case, reviewer, grant)


def _refuse(problem: str | None) -> None:
    if problem is not None:
        raise ReviewInputError(problem)
