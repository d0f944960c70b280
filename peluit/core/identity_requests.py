"""Requests to see a reporter's identity: `identity-requests/{case}/{reviewer}.json`.

Plaintext metadata only (ids, days, statuses, hashes of encrypted reasons), kept outside
`cases/` so that custodians list the waiting requests without walking every case:

    {"version": 1, "case": "…", "channel": "pengaduan", "reviewer": "rina",
     "status": "pending" | "approved" | "denied", "requested_on": "2025-03-04",
     "reason": "<sha256 of the encrypted reason, cases/{case}/notes/{reason}.age>",
     "decided_by": null | "agus", "decided_on": null | "2025-03-05",
     "decision_note": null | "<sha256 of the encrypted refusal reason>",
     "rounds": [earlier requests of this reviewer for this case, each as above]}

A reviewer may ask again after a refusal (the old round moves to `rounds`), not while a
request waits, and not once granted. Every write is conditional on the version read.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from peluit.store.errors import ObjectNotFoundError, PreconditionFailedError
from peluit.store.port import ObjectStore

from . import layout
from .canonical import canonical
from .errors import StateConflictError
from .ids import CASE_ID_PATTERN, ROSTER_ID_PATTERN

PENDING = "pending"
APPROVED = "approved"
DENIED = "denied"
_KEY = re.compile(rf"identity-requests/({CASE_ID_PATTERN})/({ROSTER_ID_PATTERN})\.json")


@dataclass(frozen=True)
class IdentityRequestView:
    raw: dict[str, Any]

    @property
    def case(self) -> str:
        return str(self.raw["case"])

    @property
    def channel(self) -> str:
        return str(self.raw["channel"])

    @property
    def reviewer(self) -> str:
        return str(self.raw["reviewer"])

    @property
    def status(self) -> str:
        return str(self.raw["status"])

    @property
    def notes(self) -> tuple[str, ...]:
        """Hashes of every encrypted reason of this request and its earlier rounds."""
        rounds = [self.raw, *self.raw.get("rounds", [])]
        return tuple(
            str(r[name])
            for r in rounds
            if isinstance(r, dict)
            for name in ("reason", "decision_note")
            if isinstance(r.get(name), str)
        )

    def to_bytes(self) -> bytes:
        return canonical(self.raw)


@dataclass(frozen=True)
class SignedRequest:
    on: str  # the day signed
    identity_sha256: str | None
    signature: bytes


def new_request(
    case: str,
    channel: str,
    reviewer: str,
    day: str,
    reason: str,
    signed: SignedRequest | None = None,
) -> dict[str, Any]:
    """A pending request; `signed`: the requester's signature and the identity hash it covers
    (core/request_signature.py), kept for the custodian's tool to check."""
    extra = (
        {
            "signed_on": signed.on,
            "identity_sha256": signed.identity_sha256,
            "signature": signed.signature.hex(),
        }
        if signed is not None
        else {}
    )
    return extra | {
        "version": 1,
        "case": case,
        "channel": channel,
        "reviewer": reviewer,
        "status": PENDING,
        "requested_on": day,
        "reason": reason,
        "decided_by": None,
        "decided_on": None,
        "decision_note": None,
        "rounds": [],
    }


class IdentityRequests:
    def __init__(self, store: ObjectStore) -> None:
        self._store = store

    def get(self, case: str, reviewer: str) -> tuple[IdentityRequestView, str] | None:
        try:
            data, info = self._store.get_with_info(layout.identity_request(case, reviewer))
        except ObjectNotFoundError:
            return None
        return _parse(data), info.etag

    def of_case(self, case: str) -> list[IdentityRequestView]:
        return self._list(f"{layout.identity_request_prefix()}{case}/")

    def all(self) -> list[IdentityRequestView]:
        return self._list(layout.identity_request_prefix())

    def write(self, request: IdentityRequestView, etag: str | None) -> None:
        """Create (etag None) or replace the version read; `StateConflictError` if it moved."""
        key = layout.identity_request(request.case, request.reviewer)
        try:
            self._store.replace(key, request.to_bytes(), etag)
        except PreconditionFailedError:
            raise StateConflictError("the identity request changed meanwhile") from None

    def _list(self, prefix: str) -> list[IdentityRequestView]:
        found = []
        for info in self._store.list(prefix):
            match = _KEY.fullmatch(info.key)
            if not match:
                continue
            try:
                request = _parse(self._store.get(info.key))
            except (ObjectNotFoundError, ValueError):
                continue
            if (request.case, request.reviewer) == (match.group(1), match.group(2)):
                found.append(request)
        return found


def _parse(data: bytes) -> IdentityRequestView:
    raw = json.loads(data)
    if not isinstance(raw, dict) or not all(
        isinstance(raw.get(name), str) for name in ("case", "channel", "reviewer", "status")
    ):
        raise ValueError("not an identity request")
    return IdentityRequestView(raw)
