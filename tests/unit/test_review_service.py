"""The review services without HTTP: admission, lost races, numbering of messages."""

from __future__ import annotations

import pytest

from peluit.core import errors, layout
from peluit.core.access import Actor
from peluit.core.nonces import Admission, AdmittingStore, NonceLedger, admitting
from peluit.core.review import ReviewService
from peluit.review import compose
from peluit.store.port import ObjectInfo
from tests.support.fakes import FixedClock, MemoryStore
from tests.support.review import Deployment, ReviewTeam, audit_actions, make_review_team

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def review_team() -> ReviewTeam:
    return make_review_team()


def _spent(store: MemoryStore) -> list[str]:
    return [k for k in store.objects if k.startswith("nonces/")]


def test_an_authorised_action_spends_the_nonce_at_its_first_write_and_a_refused_one_never(
    review_team: ReviewTeam,
) -> None:
    deployment = Deployment(review_team)
    case = deployment.submit()
    store = deployment.store
    service = ReviewService(deployment.config, AdmittingStore(store), deployment.clock)
    ledger = NonceLedger(store)

    with admitting(Admission(ledger, "rina", "n-1")) as admitted:
        service.get_case(Actor("rina"), case)  # no admit call: the audit event's write spends
    assert admitted.spent
    assert len(_spent(store)) == 1

    for person, target in (("dewi", case), ("rina", "0" * 16)):
        with (
            admitting(Admission(ledger, person, "n-2")) as refused,
            pytest.raises((errors.NotPermittedError, errors.CaseNotFoundError)),
        ):
            service.get_case(Actor(person), target)
        assert not refused.spent
    assert len(_spent(store)) == 1

    before = dict(store.objects)
    with (
        admitting(Admission(ledger, "rina", "n-1")),  # the same nonce again
        pytest.raises(errors.ReplayedRequestError),
    ):
        service.mark_read(Actor("rina"), case, 0)
    assert store.objects == before


class RacingStore(MemoryStore):
    """Someone else replaces state.json between our read and our conditional write."""

    def replace(self, key: str, data: bytes, if_match: str | None) -> ObjectInfo:
        if key.endswith("/state.json") and if_match is not None:
            current = self.objects[key]
            super().replace(key, current.replace(b'"tags":[]', b'"tags":["x"]'), if_match)
        return super().replace(key, data, if_match)


def test_losing_the_race_at_the_write_is_a_conflict_and_the_winner_stays(
    review_team: ReviewTeam,
) -> None:
    clock = FixedClock()
    deployment = Deployment(review_team, clock)
    case = deployment.submit()
    store = RacingStore(clock)
    store.objects.update(deployment.store.objects)
    service = ReviewService(deployment.config, store, clock)
    view = service.get_case(Actor("rina"), case)
    note = compose.status_reason(deployment.config, "pengaduan", "lengkap")

    with pytest.raises(errors.StateConflictError):
        service.change_status(Actor("rina"), case, view.etag, "diverifikasi", None, note)

    assert b'"tags":["x"]' in store.objects[layout.case_state(case)]
    assert b'"status":"diterima"' in store.objects[layout.case_state(case)]
    # The audit event is written first: it records an attempt that then lost the race.
    assert ("status.change", case) in list(audit_actions(store))


class CollidingStore(MemoryStore):
    """Another message lands at the number we are about to use, once."""

    collided = False

    def put_new(self, key: str, data: bytes) -> ObjectInfo:
        if "/thread/" in key and not self.collided:
            self.collided = True
            super().put_new(key.replace("-rina.age", "-pelapor.age"), b"reporter's")
            super().put_new(key.replace("-rina.age", "-agus.age"), b"colleague's")
            # both take the same number: ours must move past it
            super().put_new(key, b"taken")
        return super().put_new(key, data)


def test_a_message_takes_the_next_free_number_when_its_number_was_taken(
    review_team: ReviewTeam,
) -> None:
    clock = FixedClock()
    deployment = Deployment(review_team, clock)
    case = deployment.submit()
    store = CollidingStore(clock)
    store.objects.update(deployment.store.objects)
    service = ReviewService(deployment.config, store, clock)
    reply = service.get_case(Actor("rina"), case).reply_recipient
    assert reply is not None
    message = compose.message(deployment.config, "pengaduan", reply, "Halo")

    key = service.post_message(Actor("rina"), case, message)

    assert key == "thread/00002-rina.age"
    assert store.objects[f"cases/{case}/{key}"] == message


def test_a_nonce_is_spent_once() -> None:
    ledger = NonceLedger(MemoryStore())
    ledger.check_unused("rina", "abc")
    ledger.spend("rina", "abc")
    with pytest.raises(errors.ReplayedRequestError):
        ledger.check_unused("rina", "abc")
    with pytest.raises(errors.ReplayedRequestError):
        ledger.spend("rina", "abc")
    ledger.spend("agus", "abc")  # the same nonce from another key is another request
