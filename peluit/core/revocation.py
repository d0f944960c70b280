"""The emergency revocation list: people the reviewer API refuses at once (ADR 0045).

Removing someone from the roster takes a release, signatures and a deploy. Until then, the
operator can put their roster id on `access/revoked.json` in the case bucket, and the reviewer
API refuses every request signed by their key from the next request on (it reads the list for
each request: no cache to wait out). The list is canonical JSON:

    {"revoked": ["agus"], "version": 1}

Only the operator writes it (with their own AWS credentials, or on the local store); the
functions' roles may read it, never write it. Each change is an audit event (`access.revoke`,
`access.restore`; actor `operator`, detail `person`), written before the list. A list that
cannot be read as this format refuses everyone (fail closed): the API answers 500 until the
operator writes a valid one.
"""

from __future__ import annotations

import json

from peluit.store.errors import ObjectNotFoundError, PreconditionFailedError
from peluit.store.port import ObjectStore

from .audit import AuditLog
from .canonical import canonical
from .ids import OPERATOR_ACTOR, is_roster_id

KEY = "access/revoked.json"
OPERATOR = OPERATOR_ACTOR  # the audit log's actor for the operator's own actions
VERSION = 1


class RevocationListError(Exception):
    """The stored list is not a revocation list (or changed while it was being written)."""


def parse(data: bytes) -> frozenset[str]:
    try:
        raw = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise RevocationListError(f"{KEY} is not JSON") from None
    if (
        not isinstance(raw, dict)
        or set(raw) != {"revoked", "version"}
        or raw["version"] != VERSION
        or not isinstance(raw["revoked"], list)
        or not all(is_roster_id(p) for p in raw["revoked"])
    ):
        raise RevocationListError(f"{KEY} is not a version {VERSION} revocation list")
    return frozenset(raw["revoked"])


def revoked(store: ObjectStore) -> frozenset[str]:
    """Who is revoked now; nobody when there is no list."""
    try:
        return parse(store.get(KEY))
    except ObjectNotFoundError:
        return frozenset()


def change(store: ObjectStore, audit: AuditLog, person: str, *, revoke: bool) -> frozenset[str]:
    """Put `person` on the list (or take them off); returns the new list. The audit event
    comes first; the list is replaced only if nobody changed it meanwhile."""
    if not is_roster_id(person):
        raise ValueError(f"{person!r} is not a roster id")
    try:
        data, info = store.get_with_info(KEY)
        current, etag = parse(data), info.etag
    except ObjectNotFoundError:
        current, etag = frozenset(), None
    new = current | {person} if revoke else current - {person}
    if new == current:
        return current
    audit.append(OPERATOR, "access.revoke" if revoke else "access.restore", person=person)
    body = canonical({"revoked": sorted(new), "version": VERSION})
    try:
        store.replace(KEY, body, etag)
    except PreconditionFailedError:
        raise RevocationListError(f"{KEY} changed meanwhile; run the command again") from None
    return new
