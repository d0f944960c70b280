"""Known answers in tests/vectors/: canonical JSON, case ids, staging claims, the audit chain.

The files hold fixed bytes and hashes computed once (each file's `comment` says how). These tests
compare today's code with them, so a change to any of these formats (indented JSON, another case-id
alphabet, a different claim label) fails here instead of silently orphaning stored data.
js/test/vectors.test.js checks the same files with an independent implementation.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from peluit.core import layout
from peluit.core.audit import GENESIS, AuditLog, verify_chain
from peluit.core.canonical import canonical
from peluit.core.errors import AuditChainError
from peluit.core.ids import case_id, case_reference, is_submission_id
from peluit.core.staging import claim_bytes
from tests.support.fakes import FixedClock, MemoryStore

pytestmark = pytest.mark.unit

VECTORS = Path(__file__).resolve().parents[1] / "vectors"


def load(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((VECTORS / name).read_text(encoding="utf-8"))
    return document


CANONICAL = load("canonical-json-v1.json")["vectors"]
CASE_IDS = load("case-id-v1.json")
CLAIMS = load("staging-claim-v1.json")["vectors"]
AUDIT = load("audit-chain-v1.json")


@pytest.mark.parametrize("vector", CANONICAL, ids=[v["name"] for v in CANONICAL])
def test_canonical_json_writes_the_committed_bytes(vector: dict[str, Any]) -> None:
    data = canonical(vector["value"])

    assert data == vector["canonical"].encode("ascii")
    assert hashlib.sha256(data).hexdigest() == vector["sha256"]


def test_canonical_json_vectors_cover_escapes_and_ordering() -> None:
    written = "".join(v["canonical"] for v in CANONICAL)
    for needle in ("\\ud83d\\ude42", "\\u007f", "\\u0000", '"10":"x","9":"y"', "2,1]"):
        assert needle in written  # the vectors keep testing what they were written for


@pytest.mark.parametrize("vector", CASE_IDS["vectors"], ids=lambda v: v["submission"][:8])
def test_case_id_and_reference_are_the_committed_ones(vector: dict[str, str]) -> None:
    assert is_submission_id(vector["submission"])
    assert case_id(vector["submission"]) == vector["case"]
    assert case_reference(vector["case"]) == vector["reference"]


@pytest.mark.parametrize("text", CASE_IDS["not_submission_ids"])
def test_a_malformed_submission_id_is_refused(text: str) -> None:
    assert not is_submission_id(text)


@pytest.mark.parametrize("vector", CLAIMS, ids=lambda v: f"{v['case']}-{v['use']}")
def test_staging_claim_is_the_committed_bytes(vector: dict[str, str]) -> None:
    assert claim_bytes(vector["case"], vector["use"]) == vector["claim"].encode("ascii")  # type: ignore[arg-type]
    assert json.loads(vector["claim"])["case"] == vector["case_sha256"]


def test_audit_log_appends_the_committed_events() -> None:
    clock = FixedClock(datetime.fromisoformat(AUDIT["events"][0]["at"]))
    store = MemoryStore(clock)
    log = AuditLog(store, clock, AUDIT["timezone"])

    for seq, expected in enumerate(AUDIT["events"]):
        clock.now = datetime.fromisoformat(expected["at"])
        event = log.append(
            expected["actor"], expected["action"], expected["case"], **expected["detail"]
        )
        data = store.objects[layout.audit_event(seq)]
        assert event.seq == seq
        assert data == expected["bytes"].encode("ascii")
        assert hashlib.sha256(data).hexdigest() == expected["sha256"]

    summary = verify_chain(store, anchor=(0, AUDIT["events"][0]["sha256"]))
    assert (summary.events, summary.head_sha256) == (len(AUDIT["events"]), AUDIT["head"])


def test_the_committed_chain_verifies_as_stored() -> None:
    store = MemoryStore()
    for seq, expected in enumerate(AUDIT["events"]):
        store.objects[layout.audit_event(seq)] = expected["bytes"].encode("ascii")
    with pytest.raises(AuditChainError, match="is missing or unreadable"):
        verify_chain(store)  # events without the record of where the log ends
    head = {"next": len(AUDIT["events"]), "last_sha256": AUDIT["head"]}
    store.objects[layout.audit_head()] = canonical(head)  # as every append leaves it

    assert verify_chain(store).head_sha256 == AUDIT["head"]
    assert json.loads(AUDIT["events"][0]["bytes"])["prev"] == GENESIS == AUDIT["genesis"]
