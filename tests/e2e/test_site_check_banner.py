"""The console's check of the public site, in Debian's Chromium (issue 15): after unlock the
untampered site shows no banner; once channels.json encrypts to one more key, the next
unlock shows a red banner, Indonesian first, naming the added recipient, on every page."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from peluit.config.demo import DEMO_PASSPHRASE, demo_key_path
from peluit.keys import KeyFile
from peluit.review.client import ReviewClient
from peluit.review.console.app import ConsoleSetup, ReviewConsole
from peluit.review.console.server import ConsoleServer
from peluit.review.console.site_check import SiteCheck
from peluit.review.transport import UrllibTransport
from peluit.verify.served import short_recipient
from tests.support.site_tamper import ServedSite, added_recipient

from .conftest import watch

pytestmark = pytest.mark.e2e


class Console:
    """`peluit review`'s console for rina, checking the served site on unlock."""

    def __init__(self, site: ServedSite, state: Path) -> None:
        key_path = demo_key_path(site.data, "rina")
        self.check = SiteCheck(site.base + "/", site.trust, state)

        def client(key: KeyFile) -> ReviewClient:
            return ReviewClient(site.base, key, UrllibTransport(timeout=30))

        setup = ConsoleSetup(
            site.config, key_path, key_path.read_bytes(), site.base, client, self.check
        )
        app = ReviewConsole(setup)
        self.server = ConsoleServer(app, 0)
        app.port = self.server.port
        self.origin = self.server.origin
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    served = ServedSite(tmp_path_factory.mktemp("banner") / "var")
    try:
        yield served
    finally:
        served.close()


@pytest.fixture
def console(site: ServedSite, tmp_path: Path) -> Iterator[Console]:
    running = Console(site, tmp_path / "state")
    try:
        yield running
    finally:
        running.close()


def unlock_and_wait_for_the_check(page: Page, console: Console) -> None:
    """Unlock; the check runs on its own thread: wait for it, then show the page again."""
    page.goto(console.origin + "/unlock")
    page.fill("#passphrase", DEMO_PASSPHRASE)
    page.get_by_role("button", name="Buka", exact=False).click()
    expect(page).to_have_url(console.origin + "/cases")
    for _ in range(200):
        if console.check.outcome is not None:
            break
        page.wait_for_timeout(50)
    assert console.check.outcome is not None, "the site check did not finish"
    page.reload()


def test_the_untampered_site_shows_no_banner(
    browser: Browser, site: ServedSite, console: Console
) -> None:
    watched = watch(browser, console.origin)
    page = watched.new_page()
    unlock_and_wait_for_the_check(page, console)
    assert console.check.outcome is not None
    assert console.check.outcome.findings == []
    expect(page.locator("#site-check")).to_have_count(0)
    expect(page.locator("h1")).to_be_visible()
    watched.assert_clean(page)


def test_a_recipient_added_to_channels_json_shows_a_red_banner_indonesian_first(
    browser: Browser, site: ServedSite, console: Console
) -> None:
    watched = watch(browser, console.origin)
    page = watched.new_page()
    with added_recipient(site) as recipient:
        unlock_and_wait_for_the_check(page, console)
    banner = page.locator("#site-check")
    expect(banner).to_be_visible()
    expect(banner).to_have_attribute("role", "alert")
    text = banner.inner_text()
    assert text.index("PERINGATAN: situs publik tidak sama") < text.index("WARNING: the public")
    assert f"FAIL recipient-added {short_recipient(recipient)}: channel pengaduan" in text
    colour = banner.evaluate("e => getComputedStyle(e).backgroundColor")
    red, green, blue = (int(x) for x in colour.removeprefix("rgb(").rstrip(")").split(",")[:3])
    assert red > green  # red, whatever the shade
    assert red > blue
    page.goto(console.origin + "/identity-requests")  # every page carries it
    expect(page.locator("#site-check")).to_contain_text("recipient-added")
    watched.assert_clean(page)
