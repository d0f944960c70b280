"""In Debian's Chromium: a page served on another port of 127.0.0.1 cannot make an unlocked
console read a case (issue 18, finding 4), neither by an image nor by a link the reviewer
follows. The browser itself labels those requests `Sec-Fetch-Site: same-site` and sends the
console's `SameSite=Strict` cookie with them; the console refuses them and nothing is stored
(no read marker, no audit event). The same case opened from the address bar works."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Response, expect

from peluit.config.demo import DEMO_PASSPHRASE
from tests.support.cases import Submitted, submit_case
from tests.support.console import ConsoleUnderTest, DemoServer

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def case(demo: DemoServer) -> Submitted:
    return submit_case(demo.config, demo.server.store, {"what": "Pungutan liar."})


@pytest.fixture
def other_port(console: ConsoleUnderTest, case: Submitted) -> Iterator[str]:
    """`http://127.0.0.1:OTHER/`: a page that loads the case as an image and links to it."""
    target = f"{console.origin}/cases/{case.case}"
    page = (
        f'<!doctype html><title>x</title><img id="probe" src="{target}">'
        f'<a id="go" href="{target}">buka</a>'
    ).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *_: object) -> None:
            return None

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_a_page_on_another_port_cannot_make_the_console_read_a_case(
    browser: Browser,
    demo: DemoServer,
    console: ConsoleUnderTest,
    case: Submitted,
    other_port: str,
) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(console.origin + "/unlock")
    page.fill("#passphrase", DEMO_PASSPHRASE)
    page.get_by_role("button", name="Buka", exact=False).click()
    expect(page).to_have_url(console.origin + "/cases")
    target = f"{console.origin}/cases/{case.case}"
    answers: list[Response] = []
    context.on("response", lambda r: answers.append(r) if r.url == target else None)
    asked: list[str] = []
    context.on("request", lambda r: asked.append(r.resource_type) if r.url == target else None)
    before = demo.objects()

    attacker = context.new_page()
    attacker.goto(other_port)
    attacker.wait_for_load_state("load")
    with attacker.expect_navigation():
        attacker.click("#go")
    expect(attacker.locator("body")).to_contain_text("Forbidden")

    assert asked == ["image", "document"]  # the browser did send both, with the cookie
    [link] = answers  # Chromium reports no response to an image it blocks (ORB)
    assert link.status == 403
    assert link.request.header_value("sec-fetch-site") == "same-site"  # the browser's word
    assert "peluit_review_" in (link.request.header_value("cookie") or "")
    assert demo.objects() == before  # no read marker, no audit event, no nonce

    answers.clear()
    page.goto(target)  # the reviewer's own navigation
    assert [a.status for a in answers] == [200]
    assert demo.objects() != before
    context.close()
