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
from peluit.core.ids import case_reference

from . import compose, identity_grant
from .errors import ReviewApiError, ReviewInputError
from .reading import read_identity
from .views import RequestRow

if TYPE_CHECKING:
    from .desk import ReviewDesk


def request(desk: ReviewDesk, case: str, view: CaseOut, sealed: bytes) -> IdentityRequestOut:
    """Send the request with its encrypted reason `sealed`, signed for the block the
    reporter's signature names (none for an older unsigned case)."""
    identity = identity_grant.verified_identity(desk.authenticity(case, view), view.reporter)
    reason = hashlib.sha256(sealed).hexdigest()
    today = desk.today().isoformat()
    text = request_signature.statement(case, desk.key.person, today, identity, reason)
    signature = team_signature.sign(desk.key.signing_key, text)
    return desk.client.request_identity(case, sealed, identity, signature, today)


def approve(desk: ReviewDesk, case: str, reviewer: str) -> IdentityRequestOut:
    """Grant `reviewer`'s pending request for `case`, once every check passed."""
    if reviewer not in {p.id for p in desk.config.people}:
        raise ReviewInputError(f"{reviewer!r} is not on this configuration's roster")
    view = desk.client.get_case(case)
    pending = desk.client.list_identity_requests(status="pending").requests
    found = next((r for r in pending if (r.case, r.reviewer) == (case, reviewer)), None)
    if found is None:
        raise ReviewInputError("this reviewer has no pending request for this case")
    _refuse(identity_grant.request_problem(desk.config, case, found, desk.today()))
    _refuse(identity_grant.reason_problem(found, _sealed_reason(desk, found)))  # as shown
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


def row(desk: ReviewDesk, request: IdentityRequestOut) -> RequestRow:
    """`request` as a list shows it: its reason decrypted only if it is the one the requester
    signed; a pending request that cannot be approved, or one bound to no identity block, says
    so (the console then offers no approval)."""
    problem = warning = reason = None
    if request.reason is not None:
        try:
            sealed = _sealed_reason(desk, request)
        except ReviewApiError:
            sealed = b""
        problem = identity_grant.reason_problem(request, sealed)
        reason = desk.open_text(request.case, sealed) if problem is None else None
    if request.status == "pending":
        today = desk.today()
        problem = (
            identity_grant.request_problem(desk.config, request.case, request, today) or problem
        )
        if problem is None and request.identity_sha256 is None:
            warning = identity_grant.NO_BLOCK_HASH
    return RequestRow(
        case=request.case,
        reference=case_reference(request.case),
        channel=request.channel,
        reviewer=request.reviewer,
        status=request.status,
        requested_on=request.requested_on,
        reason=reason,
        decided_by=request.decided_by,
        problem=problem,
        warning=warning,
    )


def _sealed_reason(desk: ReviewDesk, request: IdentityRequestOut) -> bytes:
    """The encrypted reason `request` names, as the server gives it (none: empty), for
    `identity_grant.reason_problem` to check against the signed hash."""
    if request.reason is None:
        return b""
    return desk.client.read_object(request.case, f"notes/{request.reason}.age")


def _refuse(problem: str | None) -> None:
    if problem is not None:
        raise ReviewInputError(problem)
