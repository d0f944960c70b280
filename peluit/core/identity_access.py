"""Seeing a reporter's identity: a reviewer asks in writing, a custodian decides.

1. A reviewer of the case's channel posts a reason, encrypted on their machine to the
   channel's reviewers, oversight and custodians (so the decision can be reviewed). The
   server stores the ciphertext under `cases/{case}/notes/`, an audit event with its hash,
   and a pending request (`identity_requests`).
2. A custodian of the channel reads the reason and `identity.age` (which the API hands to
   a custodian only while another person's request waits), and either
   * approves: their tool decrypts `identity.age` locally and re-encrypts it to the
     requesting reviewer alone; the server stores it as
     `cases/{case}/identity-grants/{reviewer}.age`, create-only; or
   * denies, with a reason encrypted like the request's.
3. Only the requesting reviewer may download their grant, and only once approved.

Nobody decides their own request (`SelfApprovalError`), whatever roles they hold.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date

from peluit.config import Config
from peluit.keys import parse_public_key
from peluit.store.errors import ObjectNotFoundError
from peluit.store.port import ObjectStore

from . import layout, recipients, request_signature, team_signature
from .access import Access, Actor
from .audit import AuditLog
from .cases import CaseFiles, put_same
from .dates import Clock, local_date
from .errors import (
    IdentityRequestStateError,
    NoIdentityBlockError,
    NotPermittedError,
    RequestSignatureError,
    SelfApprovalError,
)
from .identity_requests import (
    APPROVED,
    DENIED,
    PENDING,
    IdentityRequests,
    IdentityRequestView,
    SignedRequest,
    new_request,
)


class IdentityAccessService:
    def __init__(self, config: Config, store: ObjectStore, clock: Clock) -> None:
        self._config = config
        self._store = store
        self._clock = clock
        self._access = Access(config)
        self._cases = CaseFiles(store)
        self._requests = IdentityRequests(store)
        self._audit = AuditLog(store, clock, config.organisation.timezone)

    def _day(self) -> str:
        return local_date(self._clock, self._config.organisation.timezone).isoformat()

    def _access_count(self, channel_id: str) -> int:
        channel = self._access.channel(channel_id)
        return len(recipients.access_recipients(self._config, channel))

    def request(
        self, actor: Actor, case: str, reason: bytes, signed: SignedRequest | None = None
    ) -> IdentityRequestView:
        """`signed`: the requester's signature (core/request_signature.py), checked here
        against their roster key before anything is stored."""
        state, _ = self._cases.load(case)
        self._access.require_reviewer(actor.id, state.channel)
        if not state.identity:
            raise NoIdentityBlockError("the reporter gave no identity in this case")
        existing = self._requests.get(case, actor.id)
        if existing is not None and existing[0].status == PENDING:
            raise IdentityRequestStateError("your request for this case is still waiting")
        if existing is not None and existing[0].status == APPROVED:
            raise IdentityRequestStateError("your request for this case was already granted")
        limit = self._config.limits.report_max_bytes
        recipients.check_ciphertext(reason, self._access_count(state.channel), limit)
        note = hashlib.sha256(reason).hexdigest()
        if signed is not None:
            self._check_signed(actor.id, case, note, signed)
        raw = new_request(case, state.channel, actor.id, self._day(), note, signed)
        if existing is not None:
            earlier = {k: v for k, v in existing[0].raw.items() if k != "rounds"}
            raw["rounds"] = [*existing[0].raw.get("rounds", []), earlier]
        request = IdentityRequestView(raw)
        actor.admit()
        self._cases.put_note(case, reason)
        self._audit.append(actor.id, "identity.request", case, reason_sha256=note)
        self._requests.write(request, existing[1] if existing else None)
        return request

    def _check_signed(self, reviewer: str, case: str, note: str, signed: SignedRequest) -> None:
        """The requester's roster key signed this request, for a day at most one from the
        server's (clocks around midnight)."""
        key = self._access.person(reviewer).signing_key
        try:
            text = request_signature.statement(
                case, reviewer, signed.on, signed.identity_sha256, note
            )
            day = date.fromisoformat(signed.on)
        except ValueError:
            raise RequestSignatureError("the signed day is malformed") from None
        if abs((day - date.fromisoformat(self._day())).days) > 1:
            raise RequestSignatureError("the signed day is not today")
        if key is None or not team_signature.verify(parse_public_key(key), signed.signature, text):
            raise RequestSignatureError("not signed with the requester's roster key")

    def approve(self, actor: Actor, case: str, reviewer: str, grant: bytes) -> IdentityRequestView:
        request, etag = self._pending(actor, case, reviewer)
        if not self._access.is_reviewer(reviewer, request.channel):
            raise IdentityRequestStateError("the requester is no longer a reviewer of this channel")
        limit = self._config.limits.report_max_bytes
        recipients.check_ciphertext(grant, 1, limit)
        digest = hashlib.sha256(grant).hexdigest()
        decided = self._decided(request, APPROVED, actor.id, None)
        actor.admit()
        self._audit.append(
            actor.id, "identity.approve", case, grantee=reviewer, object_sha256=digest
        )
        put_same(self._store, layout.case_grant(case, reviewer), grant)
        self._requests.write(decided, etag)
        return decided

    def deny(self, actor: Actor, case: str, reviewer: str, reason: bytes) -> IdentityRequestView:
        request, etag = self._pending(actor, case, reviewer)
        if self._exists(layout.case_grant(case, reviewer)):
            raise IdentityRequestStateError("a grant was already stored; approve to finish it")
        limit = self._config.limits.report_max_bytes
        recipients.check_ciphertext(reason, self._access_count(request.channel), limit)
        note = hashlib.sha256(reason).hexdigest()
        decided = self._decided(request, DENIED, actor.id, note)
        actor.admit()
        self._cases.put_note(case, reason)
        self._audit.append(actor.id, "identity.deny", case, grantee=reviewer, reason_sha256=note)
        self._requests.write(decided, etag)
        return decided

    def list_requests(
        self, actor: Actor, channel: str | None = None, status: str | None = None
    ) -> list[IdentityRequestView]:
        """Custodians and oversight see their channels' requests; reviewers their own."""
        wide = set(self._access.custodian_channels(actor.id)) | set(
            self._access.oversight_channels(actor.id)
        )
        reviews = {c.id for c in self._config.channels if actor.id in c.reviewers}
        if not wide and not reviews:
            raise NotPermittedError("this person has no role on any channel")
        if channel is not None and channel not in wide | reviews:
            raise NotPermittedError("this person has no role on this channel")
        found = [
            r
            for r in self._requests.all()
            if (r.channel in wide or (r.channel in reviews and r.reviewer == actor.id))
            and (channel is None or r.channel == channel)
            and (status is None or r.status == status)
        ]
        actor.admit()
        self._audit.append(actor.id, "identity-requests.list")
        return sorted(found, key=lambda r: (str(r.raw.get("requested_on")), r.case, r.reviewer))

    # -- internals -----------------------------------------------------------------------

    def _pending(self, actor: Actor, case: str, reviewer: str) -> tuple[IdentityRequestView, str]:
        state, _ = self._cases.load(case)
        self._access.require_custodian(actor.id, state.channel)
        if reviewer == actor.id:
            raise SelfApprovalError("nobody decides their own identity request")
        found = self._requests.get(case, reviewer)
        if found is None:
            raise IdentityRequestStateError("there is no identity request from this reviewer")
        request, etag = found
        if request.status != PENDING:
            raise IdentityRequestStateError(f"this request was already {request.status}")
        return request, etag

    def _decided(
        self, request: IdentityRequestView, status: str, by: str, note: str | None
    ) -> IdentityRequestView:
        raw = {
            **request.raw,
            "status": status,
            "decided_by": by,
            "decided_on": self._day(),
            "decision_note": note,
        }
        return replace(request, raw=raw)

    def _exists(self, key: str) -> bool:
        try:
            self._store.head(key)
        except ObjectNotFoundError:
            return False
        return True
