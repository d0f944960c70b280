"""The public statistics page in Chromium, under the site's CSP: before anything is published
it says so; after a reviewer publishes (a signed request to the reviewer API, over HTTP) it
shows the document's numbers, "<5" included, in Indonesian and English, and axe finds no
serious accessibility problem."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from peluit.config.demo import DEMO_PASSPHRASE, open_demo_key
from peluit.review.client import ReviewClient
from peluit.review.transport import UrllibTransport
from peluit.stats.compute import Period, Rules, compute
from peluit.stats.publish import document
from peluit.stats.records import record
from peluit.stats.signature import sign
from tests.e2e.conftest import Served, watch
from tests.e2e.test_accessibility import axe_source, serious
from tests.support.cases import submit_case
from tests.support.console import ConsoleUnderTest, DemoServer

pytestmark = pytest.mark.e2e


# 9 + 3 + 2: the two small areas hide 5 between them, so 9 stays shown (docs/adr/0055)
AREAS = ["pengadaan"] * 9 + ["perizinan"] * 3 + ["perencanaan-penganggaran"] * 2


def _publish(served: Served) -> None:
    config = served.config
    pengaduan = config.channel("pengaduan")
    assert pengaduan is not None
    records = [
        record(
            case=f"{n:016d}",
            reference=f"R{n}",
            channel="pengaduan",
            status="diterima",
            target=None,
            received=f"2026-0{1 + n % 3}-05",
            history=[],
            tags=[],
            area=AREAS[n],
        )
        for n in range(14)
    ]
    rules = Rules(
        sla={"pengaduan": pengaduan.sla},
        channels=["pengaduan"],
        areas=[a.id for a in config.kpk_areas],
    )
    stats = compute(records, rules, Period(date(2026, 1, 1), date(2026, 3, 31)), date(2026, 4, 1))
    key = open_demo_key(served.data, "rina")
    signed = sign(document(config, stats, "rina", ["pengaduan"]), key)
    client = ReviewClient(served.base, key, UrllibTransport())
    client.call("POST", "/stats", body=signed.model_dump(mode="json"))


def test_the_statistics_page_shows_the_published_numbers_accessibly(
    browser: Browser, served: Served
) -> None:
    watched = watch(browser, served.base, viewport={"width": 360, "height": 800})
    page = watched.new_page()
    page.goto(served.base + "/statistik/", wait_until="load")
    expect(page.locator("#peluit-stats")).to_contain_text("Belum ada statistik")
    assert watched.violations(page) == []
    watched.console_errors.clear()  # the 404 the page asked for is logged by the browser

    _publish(served)
    page.goto(served.base + "/statistik/", wait_until="load")
    stats = page.locator("#peluit-stats")
    expect(stats.locator("table").first).to_be_visible()
    area = stats.locator("table", has_text="bidang rawan korupsi")
    expect(area.locator("tr", has_text="Pengadaan barang")).to_contain_text("9")
    expect(area.locator("tr", has_text="Perizinan")).to_contain_text("<5")
    expect(stats.locator("table").first).to_contain_text("14")  # the summary
    page.evaluate(axe_source())
    assert serious(page.evaluate("axe.run(document, {resultTypes: ['violations']})")) == []

    page.goto(served.base + "/en/statistik/", wait_until="load")
    expect(page.locator("#peluit-stats table").nth(1)).to_contain_text("By channel")
    page.evaluate(axe_source())
    assert serious(page.evaluate("axe.run(document, {resultTypes: ['violations']})")) == []
    watched.assert_clean(page)
    watched.context.close()


def test_the_console_statistics_page_is_accessible_to_oversight(
    browser: Browser, tmp_path: Path
) -> None:
    with DemoServer(tmp_path / "var") as demo:
        for n in range(6):
            answers = {"what": "Pungutan liar.", "area": "pengadaan" if n < 5 else "perizinan"}
            submit_case(demo.config, demo.server.store, answers)
        console = ConsoleUnderTest(demo, "kpk-liaison")
        try:
            watched = watch(browser, console.origin, viewport={"width": 360, "height": 800})
            page = watched.new_page()
            page.goto(console.origin + "/unlock")
            page.fill("#passphrase", DEMO_PASSPHRASE)
            page.get_by_role("button", name="Buka", exact=False).click()
            page.get_by_role("link", name="Statistik", exact=False).click()
            expect(page.locator("h1")).to_contain_text("Statistik")
            expect(page.locator("#headline")).to_contain_text("6")
            area = page.locator("table", has_text="bidang rawan korupsi")
            expect(area.locator("tr", has_text="Pengadaan barang")).to_contain_text("5")
            page.fill("#from", "2000-01-01")
            page.get_by_role("button", name="Tampilkan", exact=False).click()
            expect(page).to_have_url(re.compile(r"/stats\?from=2000-01-01"))
            page.evaluate(axe_source())
            assert serious(page.evaluate("axe.run(document, {resultTypes: ['violations']})")) == []
            watched.assert_clean(page)
            watched.context.close()
        finally:
            console.close()
