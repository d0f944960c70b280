"""The audit log: one hash-chained event per action of the review team.

Each event is `audit/{seq:08d}.json`, written create-only, in canonical JSON:

    {"action": "status.change", "actor": "rina", "case": "k3v92m7qx0ab4fzt",
     "day": "2025-03-03", "detail": {"from": "diterima", "to": "diverifikasi",
     "reason_sha256": "…"}, "prev": "<sha256 of event seq-1's bytes>", "seq": 7,
     "version": 1}

`prev` of event 0 is 64 zeros. Writers that race for a sequence number lose with
`ObjectExistsError` and retry at the next one, so the events stay contiguous and each
links to the one before. No personal data and no free text: an actor is a roster id, a
case an opaque id, and `detail` holds only whitelisted fields whose values are ids,
statuses or hashes. A reason's text never appears; `reason_sha256` is the SHA-256 of the
reason's *ciphertext* as stored under `cases/{case}/notes/` (a hash of a short plaintext
reason could be found by guessing).

`audit/head.json` is a hint (`next`, `last_sha256`) that spares scanning for the end of
the log. It is never trusted for appending; `verify_chain` checks the log against it: a log
with events but no readable hint, fewer events than the hint counts, or a last event other
than the hint's, is broken (every append rewrites the hint, so only a crash between the very
first event and its hint could leave it missing).

What the store alone cannot prove: whoever can write the store can remove the last events
*and* rewrite the hint to match, or rewrite the whole history. Only an anchor kept outside the
store detects that (`verify_chain(anchor=…)`, e.g. the head hash KPK oversight writes down at
each visit): an anchored event that is gone or differs is reported. Events removed after the
newest anchor, down to it, still cannot be told from events never written.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from peluit.store.errors import (
    ObjectExistsError,
    ObjectNotFoundError,
    PreconditionFailedError,
)
from peluit.store.port import ObjectStore

from . import layout
from .canonical import canonical
from .dates import Clock, local_date
from .errors import AuditBusyError, AuditChainError
from .ids import is_case_id, is_roster_id

GENESIS = "0" * 64
VERSION = 1
ACTIONS = frozenset(
    {
        "me.read",
        "cases.list",
        "case.read",
        "object.read",
        "status.change",
        "case.tag",
        "stats.publish",
        "case.rekey",
        "case.dispose",
        "access.revoke",
        "access.restore",
        "message.post",
        "reply.uploads",
        "thread.read",
        "identity.request",
        "identity.approve",
        "identity.deny",
        "identity-requests.list",
    }
)
DETAIL_FIELDS = frozenset(
    {
        "from",
        "to",
        "target",
        "reason_sha256",
        "grantee",
        "object",
        "object_sha256",
        "tag",
        "set",
        "upload",
        "person",
        "until",
    }
)
_DETAIL_VALUE = re.compile(r"[a-z0-9_.:/-]{1,160}")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_EVENT_KEY = re.compile(r"audit/([0-9]{8})\.json")
_FIELDS = {"version", "seq", "day", "actor", "action", "case", "prev", "detail"}
_ATTEMPTS = 64


@dataclass(frozen=True)
class AuditEvent:
    seq: int
    day: str
    actor: str
    action: str
    case: str | None
    prev: str
    detail: dict[str, str]

    def to_bytes(self) -> bytes:
        return canonical(
            {
                "version": VERSION,
                "seq": self.seq,
                "day": self.day,
                "actor": self.actor,
                "action": self.action,
                "case": self.case,
                "prev": self.prev,
                "detail": self.detail,
            }
        )


@dataclass(frozen=True)
class ChainSummary:
    """A verified chain: how many events, and the SHA-256 of the last one (its head)."""

    events: int
    head_sha256: str


def _sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_event_fields(actor: str, action: str, case: str | None, detail: dict[str, str]) -> None:
    """Refuse anything that could carry free text or personal data into the log."""
    if not is_roster_id(actor):
        raise ValueError("audit actor must be a roster id")
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if case is not None and not is_case_id(case):
        raise ValueError("audit case must be a case id")
    for name, value in detail.items():
        if name not in DETAIL_FIELDS or not _DETAIL_VALUE.fullmatch(value):
            raise ValueError(f"audit detail {name!r} is not an allowed field or value")


class AuditLog:
    def __init__(self, store: ObjectStore, clock: Clock, timezone: str) -> None:
        self._store = store
        self._clock = clock
        self._timezone = timezone

    def append(self, actor: str, action: str, case: str | None = None, **detail: str) -> AuditEvent:
        """Append one event; `AuditBusyError` if too many writers won the race first."""
        check_event_fields(actor, action, case, detail)
        day = local_date(self._clock, self._timezone).isoformat()
        seq = self._next_seq()
        for _ in range(_ATTEMPTS):
            prev = self._hash_of(seq - 1)
            event = AuditEvent(seq, day, actor, action, case, prev, dict(detail))
            data = event.to_bytes()
            try:
                self._store.put_new(layout.audit_event(seq), data)
            except ObjectExistsError:
                seq += 1
                continue
            self._advance_head(seq + 1, _sha256_hex(data))
            return event
        raise AuditBusyError("the audit log is busy; try again")

    def _hash_of(self, seq: int) -> str:
        return GENESIS if seq < 0 else _sha256_hex(self._store.get(layout.audit_event(seq)))

    # -- finding the end ------------------------------------------------------------------

    def _exists(self, seq: int) -> bool:
        try:
            self._store.head(layout.audit_event(seq))
        except ObjectNotFoundError:
            return False
        return True

    def _next_seq(self) -> int:
        """The first free sequence number: from the hint if it holds, else by search."""
        hint = _read_head(self._store)[0]
        if hint is None or (hint > 0 and not self._exists(hint - 1)):
            hint = self._search_end()
        while self._exists(hint):
            hint += 1
        return hint

    def _search_end(self) -> int:
        """Events are contiguous from 0: gallop, then bisect, for the first missing one."""
        if not self._exists(0):
            return 0
        present, absent = 0, 1
        while self._exists(absent):
            present, absent = absent, absent * 2
        while absent - present > 1:
            middle = (present + absent) // 2
            if self._exists(middle):
                present = middle
            else:
                absent = middle
        return absent

    def _advance_head(self, next_seq: int, last_sha256: str) -> None:
        """Best effort: move the hint forward, never back; losing a race is fine."""
        key = layout.audit_head()
        data = canonical({"next": next_seq, "last_sha256": last_sha256})
        try:
            current, info = self._store.get_with_info(key)
        except ObjectNotFoundError:
            with contextlib.suppress(PreconditionFailedError):
                self._store.replace(key, data, None)
            return
        known = _parse_head(current)[0]
        if known is not None and known >= next_seq:
            return
        with contextlib.suppress(PreconditionFailedError):
            self._store.replace(key, data, info.etag)


def _parse_head(data: bytes) -> tuple[int | None, str | None]:
    try:
        value: Any = json.loads(data)
    except ValueError:
        return None, None
    if not isinstance(value, dict):
        return None, None
    next_seq, last = value.get("next"), value.get("last_sha256")
    if type(next_seq) is not int or next_seq < 0:
        return None, None
    return next_seq, last if isinstance(last, str) else None


def _read_head(store: ObjectStore) -> tuple[int | None, str | None]:
    try:
        return _parse_head(store.get(layout.audit_head()))
    except ObjectNotFoundError:
        return None, None


# -- verifying ------------------------------------------------------------------------------


def verify_chain(store: ObjectStore, anchor: tuple[int, str] | None = None) -> ChainSummary:
    """Check every link; `AuditChainError` names the first event where the chain breaks.

    `anchor` is (seq, sha256 hex) of an event recorded earlier outside the store."""
    seqs = []
    for info in store.list("audit/"):
        match = _EVENT_KEY.fullmatch(info.key)
        if match:
            seqs.append(int(match.group(1)))
        elif info.key != layout.audit_head():
            raise AuditChainError(-1, f"{info.key}: not an audit event; nothing else belongs here")
    seqs.sort()
    prev = GENESIS
    for expected, seq in enumerate(seqs):
        if seq != expected:
            raise AuditChainError(
                expected,
                f"event {expected} ({layout.audit_event(expected)}) is missing: the chain "
                f"breaks between event {expected - 1} and event {seq}",
            )
        data = store.get(layout.audit_event(seq))
        _check_event(seq, data, prev)
        prev = _sha256_hex(data)
    count = len(seqs)
    _check_head(store, count, prev)
    if anchor is not None:
        _check_anchor(store, count, anchor)
    return ChainSummary(count, prev)


def _check_event(seq: int, data: bytes, prev: str) -> None:
    key = layout.audit_event(seq)
    try:
        value: Any = json.loads(data)
    except ValueError:
        raise AuditChainError(seq, f"event {seq} ({key}) is not JSON: it was altered") from None
    if not isinstance(value, dict) or set(value) != _FIELDS or canonical(value) != data:
        raise AuditChainError(seq, f"event {seq} ({key}) is not as Peluit writes it: altered")
    if value["seq"] != seq:
        raise AuditChainError(
            seq,
            f"event {seq} ({key}) says it is event {value['seq']}: events were moved or reordered",
        )
    if value["prev"] != prev:
        raise AuditChainError(
            seq,
            f"event {seq} ({key}) does not link to event {seq - 1}: one of the two was "
            "altered, or an event between them was replaced",
        )
    detail = value["detail"]
    try:
        valid = isinstance(detail, dict) and bool(_DAY.fullmatch(str(value["day"])))
        if valid:
            check_event_fields(value["actor"], value["action"], value["case"], detail)
    except (ValueError, TypeError):
        valid = False
    if not valid:
        raise AuditChainError(seq, f"event {seq} ({key}) has an invalid field: altered")


def _check_head(store: ObjectStore, count: int, last: str) -> None:
    next_seq, last_sha256 = _read_head(store)
    if next_seq is None:
        if count:
            raise AuditChainError(
                count,
                f"{layout.audit_head()}, the record of where the log ends, is missing or "
                f"unreadable although {count} events exist: events may have been removed "
                "from its end",
            )
        return
    if next_seq > count:
        raise AuditChainError(
            count,
            f"the log ends after {count} events, but {next_seq} were written: "
            "events were removed from its end",
        )
    if next_seq == count and count and last_sha256 != last:
        raise AuditChainError(
            count - 1,
            f"event {count - 1} ({layout.audit_event(count - 1)}), the last one, was altered",
        )


def _check_anchor(store: ObjectStore, count: int, anchor: tuple[int, str]) -> None:
    seq, expected = anchor
    if not _HEX64.fullmatch(expected):
        raise ValueError("an anchor is an event number and a SHA-256 in hex")
    if seq >= count:
        raise AuditChainError(seq, f"event {seq}, the anchor, is no longer in the log")
    if _sha256_hex(store.get(layout.audit_event(seq))) != expected:
        raise AuditChainError(seq, f"event {seq} differs from the anchor: history was rewritten")
