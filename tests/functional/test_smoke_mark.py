"""How a test report is marked (ADR 0015): the `uji` tag in state.json, set only by a signed
reviewer of the case's channel through the reviewer API, audited; never by the reporter."""

from __future__ import annotations

import base64
import json

import pytest
from pydantic import ValidationError

from peluit.api.models import FinalizeIn
from peluit.core import layout
from peluit.core.audit import verify_chain
from peluit.review.errors import ReviewApiError
from tests.support.review import Deployment, ReviewTeam, audit_actions, make_review_team

pytestmark = pytest.mark.functional


@pytest.fixture(scope="module")
def review_team() -> ReviewTeam:
    return make_review_team()


@pytest.fixture
def deployment(review_team: ReviewTeam) -> Deployment:
    return Deployment(review_team)


def stored_tags(deployment: Deployment, case: str) -> list[str]:
    tags: list[str] = json.loads(deployment.store.objects[layout.case_state(case)])["tags"]
    return tags


def test_a_reviewer_marks_a_case_as_a_test_and_lists_show_it(deployment: Deployment) -> None:
    case = deployment.submit()
    answer = deployment.client("rina").set_tag(case, "uji")
    assert answer.tags == ["uji"]
    assert stored_tags(deployment, case) == ["uji"]
    [listed] = deployment.client("agus").list_cases().cases
    assert listed.tags == ["uji"]
    assert ("case.tag", case) in list(audit_actions(deployment.store))
    verify_chain(deployment.store)


def test_marking_twice_writes_nothing_and_clearing_removes_the_mark(
    deployment: Deployment,
) -> None:
    case = deployment.submit()
    client = deployment.client("rina")
    first = client.set_tag(case, "uji")
    again = client.set_tag(case, "uji")
    assert again.etag == first.etag
    assert [a for a, _ in audit_actions(deployment.store)].count("case.tag") == 1
    cleared = client.set_tag(case, "uji", present=False)
    assert cleared.tags == []
    assert stored_tags(deployment, case) == []


@pytest.mark.parametrize(
    ("person", "why"),
    [
        ("kpk-liaison", "oversight reads but does not change a case"),
        ("dewi", "a reviewer of another channel"),
        ("sari", "a custodian"),
    ],
)
def test_only_a_reviewer_of_the_channel_may_mark(
    deployment: Deployment, person: str, why: str
) -> None:
    case = deployment.submit()
    before = deployment.store.objects[layout.case_state(case)]
    with pytest.raises(ReviewApiError) as caught:
        deployment.client(person).set_tag(case, "uji")
    assert caught.value.status in {403, 404}, why
    assert deployment.store.objects[layout.case_state(case)] == before


def test_an_unknown_tag_is_refused_and_changes_nothing(deployment: Deployment) -> None:
    case = deployment.submit()
    before = deployment.store.objects[layout.case_state(case)]
    with pytest.raises(ReviewApiError) as caught:
        deployment.client("rina").set_tag(case, "penting")
    assert (caught.value.status, caught.value.code) == (400, "invalid_request")
    assert deployment.store.objects[layout.case_state(case)] == before


def test_a_new_case_is_never_marked(deployment: Deployment) -> None:
    case = deployment.submit()
    assert stored_tags(deployment, case) == []


@pytest.mark.parametrize("field", ["tags", "test", "uji"])
def test_a_reporter_cannot_mark_a_report_at_finalize(field: str) -> None:
    """The public API takes no mark: an outsider cannot hide a report by calling it a test."""
    body = {
        "channel": "pengaduan",
        "report": base64.b64encode(b"x").decode(),
        "segments": [],
        "lookup_hash": "0" * 64,
        "reply_recipient": "age1pq1x",
    }
    FinalizeIn.model_validate(body)  # the body is otherwise well formed
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        FinalizeIn.model_validate({**body, field: ["uji"]})
