"""The review client reads each answer of the reviewer API into the API's own response model
(`peluit.api.review_models`) and validates it on arrival: the real API's answers, changed on
the way by a transport that stands in for a lying or newer server. An answer that does not fit
is a `ReviewApiError` naming the field, never a `KeyError` later in the desk."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest

from peluit.review.client import ReviewClient
from peluit.review.desk import ReviewDesk
from peluit.review.errors import ReviewApiError
from peluit.review.transport import HttpRequest, HttpResponse
from tests.support.review import ORIGIN, Deployment, LambdaTransport, make_review_team

pytestmark = pytest.mark.functional

Change = Callable[[str, Any], Any]  # (the request's path, the answer's JSON) → what arrives


class Tampering:
    """The real API behind it; each JSON answer passes through `change` on its way back."""

    def __init__(self, inner: LambdaTransport, change: Change) -> None:
        self.inner = inner
        self.change = change

    def send(self, request: HttpRequest) -> HttpResponse:
        response = self.inner.send(request)
        if not response.body:
            return response
        changed = self.change(urlsplit(request.url).path, json.loads(response.body))
        body = changed if isinstance(changed, bytes) else json.dumps(changed).encode()
        return HttpResponse(response.status, response.headers, body)

    def fetch(self, url: str) -> bytes:
        return self.inner.fetch(url)


@pytest.fixture(scope="module")
def deployment() -> Deployment:
    return Deployment(make_review_team())


@pytest.fixture(scope="module")
def case(deployment: Deployment) -> str:
    return deployment.submit(attachment=b"bukti " * 1024)


def client(deployment: Deployment, change: Change) -> ReviewClient:
    key = deployment.review_team.key("rina")
    return ReviewClient(ORIGIN, key, Tampering(deployment.transport, change), deployment.clock)


def on_case_view(case: str, edit: Callable[[dict[str, Any]], None]) -> Change:
    def change(path: str, answer: Any) -> Any:
        if path.endswith(f"/cases/{case}"):
            edit(answer)
        return answer

    return change


def refusal(call: Callable[[], object]) -> ReviewApiError:
    with pytest.raises(ReviewApiError) as caught:
        call()
    assert caught.value.code == "bad_response"
    return caught.value


def test_the_real_answers_pass_untouched(deployment: Deployment, case: str) -> None:
    view = client(deployment, lambda path, answer: answer).get_case(case)
    assert view.case == case
    assert view.etag.startswith('"')
    assert "report.age" in {o.key for o in view.objects}


def test_a_case_view_without_its_etag_is_refused_naming_the_field(
    deployment: Deployment, case: str
) -> None:
    lying = client(deployment, on_case_view(case, lambda view: view.pop("etag")))

    error = refusal(lambda: lying.get_case(case))

    assert error.status == 200
    assert "(CaseOut) etag: Field required" in error.message_en
    assert "etag" in error.message_id


def test_the_desk_reports_a_missing_field_as_a_refusal_not_a_key_error(
    deployment: Deployment, case: str
) -> None:
    lying = client(deployment, on_case_view(case, lambda view: view["thread"].pop("last_seq")))
    desk = ReviewDesk(deployment.config, deployment.review_team.key("rina"), lying)

    error = refusal(lambda: desk.open_case(case))

    assert "thread.last_seq" in error.message_en


def test_a_field_of_the_wrong_type_is_refused(deployment: Deployment, case: str) -> None:
    def many(view: dict[str, Any]) -> None:
        view["objects"][0]["size"] = "banyak"

    error = refusal(lambda: client(deployment, on_case_view(case, many)).get_case(case))

    assert "objects.0.size" in error.message_en


def test_fields_a_newer_server_adds_are_ignored(deployment: Deployment, case: str) -> None:
    def newer(view: dict[str, Any]) -> None:
        view["priority"] = "tinggi"
        view["objects"][0]["storage_class"] = "GLACIER"

    view = client(deployment, on_case_view(case, newer)).get_case(case)

    assert view.case == case
    assert "priority" not in view.model_dump()


def test_an_answer_that_is_not_json_is_refused(deployment: Deployment) -> None:
    garbled = client(deployment, lambda path, answer: b"<html>proxy error</html>")

    error = refusal(garbled.me)

    assert "(MeOut) not JSON" in error.message_en


def test_a_list_answer_where_an_object_belongs_is_refused(deployment: Deployment) -> None:
    error = refusal(client(deployment, lambda path, answer: [answer]).list_cases)

    assert "CasePageOut" in error.message_en


def test_object_data_that_is_not_base64_is_refused(deployment: Deployment, case: str) -> None:
    def garble(path: str, answer: Any) -> Any:
        return {**answer, "data": "bukan base64!"} if path.endswith("/object") else answer

    error = refusal(lambda: client(deployment, garble).read_object(case, "report.age"))

    assert "(ObjectOut) data: not base64" in error.message_en
