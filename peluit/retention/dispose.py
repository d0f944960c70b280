"""Disposing of a case whose retention period has ended (ADR 0046).

Who may: a reviewer of the case's channel approves (`approval.py`, signed with their roster
key on their own machine); the operator executes (`peluit retention dispose`) with their own
credentials: two people, and the functions can do neither. Only a case past its channel's
`retention_days` and closed (selesai, ditolak) is disposed of.

How it is recorded: first the audit event `case.dispose` (actor `operator`, detail `person`:
the approving reviewer), then the deletions. What remains: the audit chain's events for the
case (ids, statuses and hashes, no content), and, until their Object Lock ends, any version
S3 still holds (reported; run again after that day: the case stays listed and in the index
until nothing else of it is left, so a second run finds it).

What goes: every version of `cases/{case}/…` (report, identity block, files, thread, notes,
grants, rekey records, state), the case's lookup entry (the receipt code then finds nothing),
its read markers and identity requests, and last its index entries and `state.json`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

from peluit.config import Config
from peluit.core import layout
from peluit.core.audit import AuditLog
from peluit.core.cases import CaseFiles
from peluit.core.revocation import OPERATOR
from peluit.store.errors import ObjectNotFoundError
from peluit.store.port import ObjectStore

from . import approval as approvals
from .policy import row
from .purge import Purged, Purger


class DisposalError(Exception):
    """The case may not be disposed of (not due, not closed, no valid approval)."""


def dispose(
    config: Config,
    store: ObjectStore,
    purgers: Sequence[Purger],
    audit: AuditLog,
    case: str,
    approval: approvals.Approval,
    today: date,
) -> Purged:
    state, _ = CaseFiles(store).load(case)
    found = row(config, case, state, today)
    if not found.due:
        raise DisposalError(f"the case is kept until {found.keep_until.isoformat()}")
    if not found.disposable:
        raise DisposalError(f"the case is still open ({found.status}): close it first")
    try:
        approvals.check(config, approval, case, state.channel)
    except approvals.ApprovalError as exc:
        raise DisposalError(str(exc)) from None
    audit.append(OPERATOR, "case.dispose", case, person=approval.by)
    result = Purged()
    lookups = _lookup_keys(store, case)
    state_key = layout.case_state(case)
    prefixes = (layout.case_prefix(case), f"reads/{case}/", f"identity-requests/{case}/")
    for purger in purgers:  # the case bucket, then its replica if named
        for key in lookups:
            result.add(purger.purge(key))
        for prefix in prefixes:
            for key in purger.keys(prefix):
                if key != state_key:
                    result.add(purger.purge(key))
    if result.kept:
        return result  # the case stays listed, so a later run finds it
    indexes = (layout.case_index_prefix(state.channel), layout.thread_index_prefix(state.channel))
    for purger in purgers:
        for key in (key for index in indexes for key in purger.keys(index)):
            if key.endswith(f"/{case}"):  # its index entries and thread marker (ADR 0056)
                result.add(purger.purge(key))
        result.add(purger.purge(state_key))
    return result


def _lookup_keys(store: ObjectStore, case: str) -> list[str]:
    """The lookup entries naming `case` (they are keyed by a hash of the receipt's token, so
    the case's one is found by reading them)."""
    keys = []
    for key in store.list_keys("lookup/"):
        try:
            entry = json.loads(store.get(key))
        except (ObjectNotFoundError, ValueError):
            continue
        if isinstance(entry, dict) and entry.get("case") == case:
            keys.append(key)
    return keys
