"""Every reviewer route refuses its own signed request sent a second time (issue 18,
finding 7): `replayed_request`, and the store unchanged.

The routes are enumerated from the served OpenAPI document, and a workflow through the real
review client (and desk) must have sent a successful request to each: a new route that this
workflow does not reach fails the test until it does. Admission is structural
(`peluit.core.nonces.AdmittingStore` and the resolver's last check), so no service method
can leave a route replayable by forgetting a call."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from peluit.core.nonces import NonceLedger
from peluit.review.desk import ReviewDesk
from peluit.review.rekey import rekey_case
from peluit.review.transport import HttpRequest
from peluit.stats import run as stats
from peluit.stats.compute import Period
from tests.support.review import ORIGIN, Deployment, make_review_team

pytestmark = pytest.mark.functional

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


def _routes(deployment: Deployment) -> dict[tuple[str, str], re.Pattern[str]]:
    """(METHOD, path template) of every operation the served OpenAPI document lists."""
    paths = deployment.app.get_openapi_schema().paths or {}
    found = {}
    for template, item in paths.items():
        pattern = re.compile(re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)))
        for method in METHODS:
            if getattr(item, method) is not None:
                found[(method.upper(), template)] = pattern
    return found


def _route_of(
    routes: dict[tuple[str, str], re.Pattern[str]], request: HttpRequest
) -> tuple[str, str] | None:
    path = urlsplit(request.url).path
    for (method, template), pattern in routes.items():
        if method == request.method and pattern.fullmatch(path):
            return method, template
    return None


def _desk(deployment: Deployment, person: str) -> ReviewDesk:
    return ReviewDesk(
        deployment.config,
        deployment.review_team.key(person),
        deployment.client(person),
        clock=deployment.clock,
    )


def _workflow(deployment: Deployment, tmp_path: Path) -> None:
    """A successful request to every route, through the review tools as people use them."""
    rina, sari = _desk(deployment, "rina"), _desk(deployment, "sari")
    case, other = deployment.submit(), deployment.submit()
    rina.client.me()
    rina.list_cases(areas=False)
    rina.open_case(case)  # the case, its report object, mark-as-read
    evidence = tmp_path / "surat.txt"
    evidence.write_bytes(b"Surat panggilan.")
    rina.reply(case, "Mohon kirim salinan kontraknya.", [evidence])  # uploads, PUTs, message
    seq = max(m.seq for m in rina.client.get_case(case).messages)
    rina.client.mark_read(case, seq)
    rina.client.set_tag(case, "uji")
    rina.change_status(case, "diverifikasi", "Bukti cukup untuk ditelaah.", None)
    rina.request_identity(case, "Perlu konfirmasi saksi.")
    rina.request_identity(other, "Perlu konfirmasi saksi.")
    sari.identity_requests(status="pending")
    sari.approve_identity(case, "rina")
    sari.deny_identity(other, "rina", "Belum perlu.")
    rekey_case(deployment.config, rina.key, rina.client, case)  # a roster change (ADR 0044)
    # the public statistics of the last whole month, as `peluit stats publish` sends them
    last_month_end = deployment.clock.now.date().replace(day=1) - timedelta(days=1)
    month = Period(last_month_end.replace(day=1), last_month_end)
    stats.send(rina, stats.public_document(rina, stats.make(rina, month)))


@pytest.fixture
def deployment() -> Deployment:
    return Deployment(make_review_team())


@pytest.mark.parametrize("race", [False, True], ids=["after", "racing"])
def test_replaying_any_routes_successful_signed_request_is_refused_and_changes_nothing(
    deployment: Deployment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, race: bool
) -> None:
    """`racing`: the replay arrives while the first is still running, so both pass the early,
    read-only check (`NonceLedger.check_unused`); the nonce's create-only write before the
    first store write must still refuse it before it changes anything."""
    routes = _routes(deployment)
    assert len(routes) >= 13
    _workflow(deployment, tmp_path)
    if race:
        monkeypatch.setattr(NonceLedger, "check_unused", lambda *_: None)
    sent = [r for r in deployment.transport.sent if r.url.startswith(ORIGIN)]  # not the PUTs

    replayed: set[tuple[str, str]] = set()
    for request in sent:
        route = _route_of(routes, request)
        assert route is not None, request.url
        before = deployment.store.snapshot()
        answer = deployment.transport.send(request)
        if race:  # refused by whatever check comes first (an If-Match conflict, say)
            assert answer.status >= 400, (route, answer.status, answer.body[:200])
        else:
            assert answer.status == 401, (route, answer.status, answer.body[:200])
            assert answer.json()["error"]["code"] == "replayed_request", route
        assert deployment.store.snapshot() == before, route
        replayed.add(route)
    assert replayed == set(routes)  # every route was reached, and refused its replay


def test_a_request_that_only_reads_spends_its_nonce_too(deployment: Deployment) -> None:
    client = deployment.client("sari")
    request = client.prepare("GET", "/identity-requests")
    assert deployment.transport.send(request).status == 200
    nonces = [k for k in deployment.store.snapshot() if k.startswith("nonces/")]
    assert len(nonces) == 1
    assert deployment.transport.send(request).json()["error"]["code"] == "replayed_request"
