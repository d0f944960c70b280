"""The emergency revocation list (ADR 0045): `peluit access revoke` takes a person off the
reviewer API from the next request on, without a deploy; audited; fail closed.

The API runs over a real local store (the adapter `peluit serve` uses), and the operator's
command writes to the same directory, as it would on the operator's machine.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from peluit.api.reviewer import Services, build_reviewer_app
from peluit.cli import access_cmd
from peluit.core import revocation
from peluit.review.client import ReviewClient
from peluit.review.errors import ReviewApiError
from peluit.store.local import LocalStore
from tests.support.factory import example_path
from tests.support.fakes import FixedClock
from tests.support.review import ORIGIN, LambdaTransport, ReviewTeam, make_review_team

pytestmark = pytest.mark.functional


class World:
    def __init__(self, tmp_path: Path) -> None:
        self.team: ReviewTeam = make_review_team()
        self.clock = FixedClock()
        self.data = tmp_path / "var"
        self.store = LocalStore(self.data / "store", self.clock)
        app = build_reviewer_app(Services.build(self.team.config, self.store, self.clock))
        self.transport = LambdaTransport(app, self.store)  # type: ignore[arg-type]

    def client(self, person: str) -> ReviewClient:
        return ReviewClient(ORIGIN, self.team.key(person), self.transport, clock=self.clock)

    def operator(self, *args: str) -> int:
        return access_cmd.main([*args, "--config", str(example_path()), "--data", str(self.data)])

    def audit(self) -> list[dict[str, object]]:
        keys = [k for k in self.store.list_keys("audit/") if k != "audit/head.json"]
        return [json.loads(self.store.get(k)) for k in keys]


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path)


def test_a_revoked_person_is_refused_at_once_and_restored_on_request(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    assert world.client("agus").me().id == "agus"

    assert world.operator("revoke", "agus") == 0

    with pytest.raises(ReviewApiError) as refused:
        world.client("agus").me()
    assert (refused.value.status, refused.value.code) == (401, "unknown_key")
    assert world.client("rina").me().id == "rina"  # nobody else is touched
    assert world.operator("list") == 0
    assert "agus" in capsys.readouterr().out.splitlines()

    assert world.operator("restore", "agus") == 0
    assert world.client("agus").me().id == "agus"
    events = [(e["actor"], e["action"], e["detail"]) for e in world.audit()]
    assert ("operator", "access.revoke", {"person": "agus"}) in events
    assert ("operator", "access.restore", {"person": "agus"}) in events
    assert events.index(("operator", "access.revoke", {"person": "agus"})) < events.index(
        ("operator", "access.restore", {"person": "agus"})
    )


def test_revoking_twice_writes_one_event(world: World) -> None:
    assert world.operator("revoke", "agus") == 0
    assert world.operator("revoke", "agus") == 0
    revokes = [e for e in world.audit() if e["action"] == "access.revoke"]
    assert len(revokes) == 1
    assert revocation.revoked(world.store) == {"agus"}


def test_an_unreadable_list_refuses_everyone(world: World) -> None:
    world.store.put_new(revocation.KEY, b'{"revoked": "agus"}')
    for person in ("agus", "rina"):
        with pytest.raises(ReviewApiError) as refused:
            world.client(person).me()
        assert refused.value.status == 500
    assert world.operator("revoke", "dewi") == 1  # the operator must write a valid list


def test_the_operator_command_refuses_what_is_not_a_roster_id(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    assert world.operator("revoke", "Agus Salim") == 1
    assert "not a roster id" in capsys.readouterr().err
    assert revocation.revoked(world.store) == frozenset()
