"""A Hypothesis state machine over the case workflow, through the reviewer API.

Signed requests from the review clients of the whole roster go to the reviewer API's
resolver over a memory store (tests/support/review.py), in any order: status changes (fresh
or stale etag, any status, any target), tags, messages to the reporter, identity requests,
approvals and denials, reads. After every step:

* a case's status is what the model says; a final status (selesai, ditolak) never changes;
* the history grows by exactly one per accepted status change, and not otherwise;
* the etag changes on every write of state.json and on nothing else;
* no object is ever deleted, and no written object changes but state.json, the audit head,
  the read markers and the identity requests' records (which are replaced by design);
* the audit chain verifies.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
)
from pydantic import BaseModel

from peluit.api.review_models import IdentityRequestOut
from peluit.core import workflow
from peluit.core.audit import verify_chain
from peluit.review import compose
from peluit.review.errors import ReviewApiError
from tests.support.review import Deployment, ReviewTeam, make_review_team

pytestmark = pytest.mark.fuzz

REVIEWERS = ("rina", "agus")  # of pengaduan; agus and sari are its custodians
EVERYONE = ("rina", "agus", "sari", "kpk-liaison", "dewi")
# The workflow as docs/reviewer-guide.md states it, written out here (not read from the code
# under test): final statuses lead nowhere, ditolak is reachable from every other one.
NEXT = {
    "diterima": {"diverifikasi", "ditolak"},
    "diverifikasi": {"ditelaah", "ditolak"},
    "ditelaah": {"diteruskan", "ditolak"},
    "diteruskan": {"selesai", "ditolak"},
    "selesai": set(),
    "ditolak": set(),
}
FINAL = {"selesai", "ditolak"}


def attempt(
    call: Callable[[], BaseModel],
) -> tuple[dict[str, Any], ReviewApiError | None]:
    """The answer (as its JSON fields), or the refusal (with an empty answer)."""
    try:
        return call().model_dump(), None
    except ReviewApiError as refused:
        return {}, refused


@functools.cache
def team() -> ReviewTeam:
    return make_review_team()  # key generation is the slow part: once per run


def _replaced(key: str) -> bool:
    return (
        key.endswith("/state.json")
        or key == "audit/head.json"
        or "/reads/" in key
        or "identity-request" in key
    )


class CaseWorkflow(RuleBasedStateMachine):
    cases = Bundle("cases")

    def __init__(self) -> None:
        super().__init__()
        self.deployment = Deployment(team())
        self.clients = {p: self.deployment.client(p) for p in EVERYONE}
        self.status: dict[str, str] = {}
        self.history: dict[str, int] = {}
        self.etag: dict[str, str] = {}
        self.tagged: dict[str, bool] = {}
        self.requests: dict[str, str] = {}  # case -> rina's identity request status
        self.seen: dict[str, bytes] = {}
        self.accepted: dict[str, int] = {}

    # -- helpers -------------------------------------------------------------------------

    def _view(self, case: str) -> dict[str, object]:
        return self.clients["rina"].get_case(case).model_dump()

    def _reason(self) -> bytes:
        return compose.status_reason(self.deployment.config, "pengaduan", "alasan")

    # -- rules ---------------------------------------------------------------------------

    @rule(target=cases)
    def file_a_case(self) -> str:
        case = self.deployment.submit("pengaduan")
        view = self._view(case)
        self.status[case] = workflow.DITERIMA
        self.history[case] = len(view["history"])  # type: ignore[arg-type]
        self.etag[case] = str(view["etag"])
        self.tagged[case] = False
        return case

    @rule(
        case=cases,
        person=st.sampled_from(EVERYONE),
        to=st.sampled_from(workflow.STATUSES),
        forward=st.sampled_from((None, *workflow.TARGETS)),
        stale=st.booleans(),
    )
    def change_status(
        self, case: str, person: str, to: str, forward: str | None, stale: bool
    ) -> None:
        etag = '"stale"' if stale else self.etag[case]
        current = self.status[case]
        allowed = (
            person in REVIEWERS
            and not stale
            and to in NEXT[current]
            and (forward in workflow.TARGETS if to == workflow.DITERUSKAN else forward is None)
        )
        reason = self._reason()
        answer, refused = attempt(
            lambda: self.clients[person].change_status(case, etag, to, reason, forward)
        )
        if refused is not None:
            assert not allowed, (current, to, forward, refused.code)
            assert 400 <= refused.status < 500
            if current in FINAL and person in REVIEWERS and not stale:
                assert refused.code == "invalid_transition"
            return
        assert allowed, (person, current, to, forward, stale)
        assert answer["status"] == to
        assert answer["etag"] != self.etag[case]
        assert len(answer["history"]) == self.history[case] + 1
        self.status[case] = to
        self.history[case] += 1
        self.etag[case] = answer["etag"]
        self.accepted[case] = self.accepted.get(case, 0) + 1

    @rule(case=cases, person=st.sampled_from(EVERYONE), present=st.booleans())
    def set_test_tag(self, case: str, person: str, present: bool) -> None:
        answer, refused = attempt(
            lambda: self.clients[person].set_tag(case, workflow.TEST_TAG, present)
        )
        if refused is not None:
            assert person not in REVIEWERS, refused.code
            assert refused.status == 403
            return
        assert person in REVIEWERS
        changed = self.tagged[case] != present
        assert (answer["etag"] != self.etag[case]) == changed
        assert len(answer["history"]) == self.history[case]
        self.tagged[case] = present
        self.etag[case] = answer["etag"]

    @rule(case=cases, person=st.sampled_from(EVERYONE))
    def write_to_the_reporter(self, case: str, person: str) -> None:
        view = self._view(case)
        sealed = compose.message(
            self.deployment.config, "pengaduan", str(view["reply_recipient"]), "halo"
        )
        _, refused = attempt(lambda: self.clients[person].post_message(case, sealed))
        if refused is not None:
            assert person not in REVIEWERS, refused.code
            return
        assert person in REVIEWERS

    @rule(case=cases)
    def rina_asks_for_the_identity(self, case: str) -> None:
        reason = compose.access_reason(self.deployment.config, "pengaduan", "perlu")
        answer, refused = attempt(lambda: self.clients["rina"].request_identity(case, reason))
        if refused is not None:
            assert self.requests.get(case) in ("pending", "approved"), refused.code
            assert refused.status == 409
            return
        assert self.requests.get(case) in (None, "denied")
        assert answer["status"] == "pending"
        self.requests[case] = "pending"

    @precondition(lambda self: "pending" in self.requests.values())
    @rule(
        data=st.data(), custodian=st.sampled_from(("sari", "agus", "rina")), approve=st.booleans()
    )
    def a_custodian_decides(self, data: st.DataObject, custodian: str, approve: bool) -> None:
        pending = sorted(c for c, s in self.requests.items() if s == "pending")
        case = data.draw(st.sampled_from(pending))
        client = self.clients[custodian]
        key = team().key(custodian)

        def decide() -> IdentityRequestOut:
            if approve:
                block = client.read_object(case, "identity.age")
                grant = compose.grant(self.deployment.config, "rina", compose.open_file(key, block))
                return client.approve_identity(case, "rina", grant)
            why = compose.access_reason(self.deployment.config, "pengaduan", "tidak")
            return client.deny_identity(case, "rina", why)

        answer, refused = attempt(decide)
        if refused is not None:
            assert custodian == "rina", refused.code  # not a custodian of pengaduan
            assert refused.status in (403, 404)
            return
        assert custodian != "rina"
        self.requests[case] = "approved" if approve else "denied"
        assert answer["status"] == self.requests[case]

    # -- invariants ----------------------------------------------------------------------

    @invariant()
    def cases_are_as_the_model_says(self) -> None:
        for case, status in self.status.items():
            view = self._view(case)
            assert view["status"] == status
            assert len(view["history"]) == self.history[case]  # type: ignore[arg-type]
            assert view["etag"] == self.etag[case]

    @invariant()
    def nothing_is_deleted_and_written_objects_stay(self) -> None:
        now = self.deployment.store.snapshot()
        for key, data in self.seen.items():
            assert key in now, f"{key} was deleted"
            if not _replaced(key):
                assert now[key] == data, f"{key} was rewritten"
        self.seen = now

    @invariant()
    def the_audit_chain_verifies(self) -> None:
        verify_chain(self.deployment.store)

    @invariant()
    def every_accepted_change_has_its_audit_event(self) -> None:
        snapshot = self.deployment.store.snapshot()
        events = [
            json.loads(v)
            for k, v in snapshot.items()
            if k.startswith("audit/") and k != "audit/head.json"
        ]
        for case in self.status:
            logged = [e for e in events if e["action"] == "status.change" and e["case"] == case]
            assert len(logged) == self.accepted.get(case, 0)


CaseWorkflow.TestCase.settings = settings(
    max_examples=40,
    stateful_step_count=20,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
test_case_workflow_keeps_its_invariants = CaseWorkflow.TestCase
