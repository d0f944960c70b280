"""`peluit serve` applies production's edge (peluit/edge) over real HTTP: the API gets only the
headers CloudFront forwards, its answers pass untouched whatever their status, and the site
goes through the twin of the site's CloudFront Function (directory index, redirect, the 404
page with status 404 for a page the site does not have)."""

from __future__ import annotations

import json
import os
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from peluit.config import Config
from peluit.core.dates import utc_now
from peluit.core.submission import SubmissionService
from peluit.edge import forwarding
from peluit.keys import KeyFile
from peluit.review import compose
from peluit.review.client import ReviewClient
from peluit.review.errors import ReviewApiError
from peluit.review.transport import UrllibTransport
from peluit.serve.app import ServeOptions, build_server
from peluit.serve.server import PeluitServer
from tests.functional.test_serve_review import roster_config
from tests.support.factory import Team, finalization, submission_id
from tests.support.pow import with_pow

pytestmark = pytest.mark.functional

# What the edge sets on the way to the API besides the forwarded viewer headers.
SET_ON_THE_WAY = {"host", "content-length"}


@dataclass
class Running:
    server: PeluitServer
    config: Config
    keys: dict[str, KeyFile]
    base: str
    site: Path


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """One server with a real roster and the real site build (built once for the module)."""
    tmp_path = tmp_path_factory.mktemp("edge")
    config_path = tmp_path / "peluit.toml"
    keys = roster_config(config_path)
    options = ServeOptions("127.0.0.1", 0, tmp_path / "var", config_path, None)
    server, config, _, _ = build_server(options)
    assert server.site_dir is not None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        yield Running(server, config, keys, base, server.site_dir)
    finally:
        server.shutdown()
        server.server_close()


def call(
    method: str, url: str, body: bytes | None = None, headers: Mapping[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    assert url.startswith("http://127.0.0.1:")

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, data=body, method=method, headers=dict(headers or {}))
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def new_case(running: Running) -> str:
    team = Team(running.config, {p: k.identity for p, k in running.keys.items()})
    request = finalization("pengaduan", team.report("pengaduan"))
    service = SubmissionService(running.config, running.server.store, utc_now)
    return service.finalize(submission_id(), request).case


def test_a_signed_status_change_with_if_match_goes_through_the_edge(running: Running) -> None:
    case = new_case(running)
    client = ReviewClient(running.base, running.keys["rina"], UrllibTransport(timeout=30))
    etag = client.get_case(case).etag
    reason = compose.status_reason(running.config, "pengaduan", "diperiksa")
    answer = client.change_status(case, etag, "diverifikasi", reason)
    assert answer.status == "diverifikasi"
    assert answer.etag != etag


def test_the_old_edge_without_if_match_would_refuse_every_status_change(
    running: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The four headers CloudFront forwarded before: the signed If-Match never arrives, so the
    signature does not verify. This is what the test above would meet if serve dropped it."""
    old = forwarding.Forwarding(
        headers=("Content-Type", "Content-Digest", "Signature", "Signature-Input"),
        cookies="none",
        query_strings="all",
    )
    case = new_case(running)
    client = ReviewClient(running.base, running.keys["rina"], UrllibTransport(timeout=30))
    etag = client.get_case(case).etag
    reason = compose.status_reason(running.config, "pengaduan", "diperiksa")
    monkeypatch.setattr(forwarding, "API", old)
    with pytest.raises(ReviewApiError) as caught:
        client.change_status(case, etag, "diverifikasi", reason)
    assert caught.value.status == 401
    assert caught.value.code == "signature_invalid"


def test_api_404_answers_are_json_with_their_stable_code(running: Running) -> None:
    client = ReviewClient(running.base, running.keys["rina"], UrllibTransport(timeout=30))
    with pytest.raises(ReviewApiError) as caught:
        client.get_case("0" * 16)
    assert (caught.value.status, caught.value.code) == (404, "case_not_found")

    path = "/api/v1/followup/status"
    data = json.dumps({"token": os.urandom(32).hex(), "after": 0}).encode()
    url = with_pow(running.base + path, data, running.config.limits.pow_bits, datetime.now(UTC))
    status, headers, body = call("POST", url, data, {"Content-Type": "application/json"})
    assert status == 404
    assert headers["Content-Type"].startswith("application/json")
    assert json.loads(body)["error"]["code"] == "receipt_not_found"

    status, headers, body = call("GET", running.base + "/api/v1/tidak-ada")
    assert status == 404
    assert headers["Content-Type"].startswith("application/json")
    assert b"<html" not in body.lower()


@pytest.mark.parametrize("path", ["/tidak-ada/", "/tidak-ada", "/tidak-ada.html", "/en/hilang/"])
def test_a_missing_page_is_the_sites_404_page_with_status_404(running: Running, path: str) -> None:
    status, headers, body = call("GET", running.base + path)
    assert status == 404
    assert headers["Content-Type"].startswith("text/html")
    assert body == (running.site / "404.html").read_bytes()
    assert headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert call("HEAD", running.base + path)[0] == 404


def test_pages_are_served_by_directory_and_redirected_without_the_slash(
    running: Running,
) -> None:
    status, _, body = call("GET", running.base + "/lapor/pengaduan/")
    assert status == 200
    assert body == (running.site / "lapor" / "pengaduan" / "index.html").read_bytes()
    status, headers, _ = call("GET", running.base + "/lapor/pengaduan")
    assert (status, headers["Location"]) == (301, "/lapor/pengaduan/")
    assert call("GET", running.base + "/en/")[0] == 200
    assert call("GET", running.base + "/404.html")[0] == 404  # the page itself, as CloudFront


def test_a_missing_asset_keeps_the_buckets_own_404(running: Running) -> None:
    status, headers, body = call("GET", running.base + "/assets/tidak-ada.css")
    assert status == 404
    assert headers["Content-Type"] == "application/xml"
    assert b"NoSuchKey" in body


def test_a_header_not_on_the_list_does_not_reach_the_api(
    running: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[dict[str, Any]] = []
    resolve = running.server.app.resolve

    def spy(event: dict[str, Any], context: Any) -> dict[str, Any]:
        seen.append(event)
        return resolve(event, context)

    monkeypatch.setattr(running.server.app, "resolve", spy)
    path = "/api/v1/followup/status"
    data = json.dumps({"token": os.urandom(32).hex(), "after": 0}).encode()
    url = with_pow(running.base + path, data, running.config.limits.pow_bits, datetime.now(UTC))
    sent = {
        "Content-Type": "application/json",
        "X-Peluit-Probe": "should-not-arrive",
        "Cookie": "session=abc",
        "Accept-Language": "id-ID",
        "Accept": "application/json",
        "User-Agent": "probe/1.0",
        "Referer": "https://example.org/",
    }
    status, _, _ = call("POST", url, data, sent)
    assert status == 404  # answered: the request reached the API
    (event,) = seen
    forwarded = {h.lower() for h in forwarding.API.headers}
    assert set(event["headers"]) <= forwarded | SET_ON_THE_WAY
    assert event["headers"]["content-type"] == "application/json"
    for dropped in ("x-peluit-probe", "cookie", "accept-language", "accept", "user-agent"):
        assert dropped not in event["headers"]
    assert "cookies" not in event
    assert event["rawQueryString"].startswith("pow=")  # query strings: all
