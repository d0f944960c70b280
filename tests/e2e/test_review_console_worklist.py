"""The review console's work list in Debian's Chromium at 360 and 1280 px: what a reviewer sees
of the order (overdue first, then by due date), the summary line, the filters, the local search
(never sent to the server), the language switch, the attachments' sizes and the large-download
note, the texts fixed; and axe-core finding nothing on every console state."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from peluit import age
from peluit.config.demo import DEMO_PASSPHRASE
from peluit.core import thread
from peluit.core.ids import case_reference
from peluit.core.report import MessageDocument
from peluit.review.transport import HttpRequest, HttpResponse, UrllibTransport
from tests.support.cases import Attachment, submit_case
from tests.support.console import ConsoleUnderTest, DemoServer

from .conftest import watch
from .test_accessibility import axe_source, pinned_axe

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
BIG = os.urandom(9 * 1024 * 1024 + 321)  # two segments, above the large-download note
REPORT_WORD = "jembatankayu"
MESSAGE_WORD = "kuitansiganda"
WIDTHS = [360, 1280]


@dataclass
class Recording:
    """The real transport, with every request the console sends to the reviewer API kept."""

    inner: UrllibTransport = field(default_factory=lambda: UrllibTransport(timeout=30))
    sent: list[bytes] = field(default_factory=list)

    def send(self, request: HttpRequest) -> HttpResponse:
        headers = "\n".join(f"{k}: {v}" for k, v in request.headers.items())
        self.sent.append(f"{request.method} {request.url}\n{headers}\n\n".encode() + request.body)
        return self.inner.send(request)

    def fetch(self, url: str) -> bytes:
        self.sent.append(f"GET {url}".encode())
        return self.inner.fetch(url)


@dataclass(frozen=True)
class Cases:
    fresh: str  # today, pengadaan, two files (one large), a confidential identity
    old: str  # 40 days ago: overdue
    recent: str  # 2 days ago, an unread message from the reporter
    gift: str  # gratifikasi


def _ago(days: int) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)


@pytest.fixture(scope="module")
def cases(demo: DemoServer) -> Cases:
    config, store = demo.config, demo.server.store
    fresh = submit_case(
        config,
        store,
        {"what": f"Papan {REPORT_WORD} hilang dari proyek.", "area": "pengadaan"},
        attachments=[Attachment("rekaman rapat.mp4", BIG), Attachment("catatan.txt", b"1234")],
        identity={"reporter_name": "Siti", "reporter_contact": "0812"},
    ).case
    old = submit_case(
        config, store, {"what": "Izin usaha dipungut biaya.", "area": "perizinan"},
        clock=lambda: _ago(40),
    ).case  # fmt: skip
    recent = submit_case(
        config, store, {"what": "Dana desa dipotong.", "area": "dana-desa"}, clock=lambda: _ago(2)
    ).case
    channel = config.channel("pengaduan")
    assert channel is not None
    team = [age.HybridRecipient.parse(r) for r in config.report_recipients(channel)]
    message = MessageDocument.model_validate(
        {"format": "peluit-message/1", "lang": "id", "text": f"Ada {MESSAGE_WORD}.", "files": []}
    )
    sealed = age.encrypt(message.model_dump_json().encode(), team)
    thread.append(store, recent, thread.REPORTER, sealed, day=_ago(1).date().isoformat())
    gift = submit_case(
        config,
        store,
        {"giver": "Kontraktor", "value": "1500000"},
        channel="gratifikasi",
        identity={"reporter_name": "Budi", "reporter_contact": "0813"},
    ).case
    return Cases(fresh, old, recent, gift)


@pytest.fixture(scope="module")
def recording() -> Recording:
    return Recording()


@pytest.fixture(scope="module")
def liaison(demo: DemoServer, recording: Recording) -> Iterator[ConsoleUnderTest]:
    """The KPK liaison reads both channels (oversight)."""
    running = ConsoleUnderTest(demo, "kpk-liaison", transport=recording)
    try:
        yield running
    finally:
        running.close()


@pytest.fixture(scope="module")
def rina(demo: DemoServer) -> Iterator[ConsoleUnderTest]:
    running = ConsoleUnderTest(demo, "rina")
    try:
        yield running
    finally:
        running.close()


@pytest.fixture(scope="module")
def agus(demo: DemoServer) -> Iterator[ConsoleUnderTest]:
    running = ConsoleUnderTest(demo, "agus")
    try:
        yield running
    finally:
        running.close()


def unlock(page: Page, origin: str) -> None:
    page.goto(origin + "/unlock")
    page.fill("#passphrase", DEMO_PASSPHRASE)
    page.get_by_role("button", name="Buka").click()
    expect(page.locator("h1")).not_to_contain_text("Buka kunci")


def references(page: Page) -> list[str]:
    return page.locator("tbody tr td:first-child a").all_inner_texts()


def expect_rows(page: Page, expected: list[str]) -> None:
    """The table lists exactly these references, in this order (waits for the new page)."""
    expect(page.locator("tbody tr td:first-child a")).to_have_text(expected)


WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter((e) => !e.closest('.scroll') || e.closest('.visually-hidden'))
  .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .map((e) => `${e.tagName}#${e.id}.${e.className}`).slice(0, 8)"""


def no_sideways_scroll(page: Page, width: int) -> None:
    """Nothing wider than the screen, save inside a scrolling table region (measured once the
    style sheet applies: the text can be there before it)."""
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.evaluate(WIDEST)


def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / name, full_page=True)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_reviewer_sees_the_cases_in_due_order_with_a_summary_and_filters(
    browser: Browser, liaison: ConsoleUnderTest, cases: Cases, width: int
) -> None:
    watched = watch(browser, liaison.origin, viewport={"width": width, "height": 900})
    page = watched.new_page()
    unlock(page, liaison.origin)
    expect(page).to_have_url(liaison.origin + "/cases")
    summary = page.locator("#summary")
    expect(summary).to_contain_text("4 perkara · 1 terlambat · 1 pesan belum dibaca")
    expect(summary).to_contain_text("4 cases · 1 overdue · 1 unread")
    expect(page.locator("tbody tr")).to_have_count(4)
    shown = [r for r in references(page) if r != case_reference(cases.gift)]
    assert shown == [case_reference(c) for c in (cases.old, cases.recent, cases.fresh)]
    first = page.locator("tbody tr").first
    expect(first).to_have_class("overdue")
    expect(first).to_contain_text("terlambat")
    expect(page.get_by_text("tanpa hari libur yang tercantum di konfigurasi")).to_be_visible()
    no_sideways_scroll(page, width)
    shoot(page, f"console-cases-id-{width}.png")

    page.get_by_label("Hanya yang terlambat").check()
    page.get_by_role("button", name="Saring").click()
    expect_rows(page, [case_reference(cases.old)])
    expect(summary).to_contain_text("1 perkara · 1 terlambat · 0 pesan belum dibaca")
    expect(summary).to_contain_text("disaring dari 4 perkara")
    page.get_by_role("link", name="Hapus saringan").click()
    page.get_by_label("Hanya dengan pesan belum dibaca").check()
    page.get_by_role("button", name="Saring").click()
    expect_rows(page, [case_reference(cases.recent)])
    page.get_by_role("link", name="Hapus saringan").click()
    page.select_option("#area", "perizinan")
    page.get_by_role("button", name="Saring").click()
    expect_rows(page, [case_reference(cases.old)])
    page.get_by_role("link", name="Hapus saringan").click()
    page.select_option("#channel", "gratifikasi")
    page.get_by_role("button", name="Saring").click()
    expect_rows(page, [case_reference(cases.gift)])
    page.get_by_role("link", name="Hapus saringan").click()
    page.select_option("#status", "selesai")
    page.get_by_role("button", name="Saring").click()
    expect(page.locator("tbody")).to_contain_text("Tidak ada perkara yang cocok.")
    no_sideways_scroll(page, width)
    watched.assert_clean(page)
    watched.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_search_runs_over_decrypted_text_here_and_never_reaches_the_server(
    browser: Browser, liaison: ConsoleUnderTest, cases: Cases, recording: Recording, width: int
) -> None:
    watched = watch(browser, liaison.origin, viewport={"width": width, "height": 900})
    page = watched.new_page()
    unlock(page, liaison.origin)
    before = len(recording.sent)
    search = page.get_by_label("Cari di laporan dan pesan")
    search.fill(REPORT_WORD.upper())
    search.press("Enter")
    expect_rows(page, [case_reference(cases.fresh)])
    expect(search).to_have_value(REPORT_WORD.upper())
    page.goto(f"{liaison.origin}/cases/{cases.recent}")  # its messages are decrypted now
    expect(page.locator("#percakapan")).to_contain_text(MESSAGE_WORD)
    page.goto(liaison.origin + "/cases")
    expect(page.locator("#q-help")).to_contain_text("Kata yang dicari tidak dikirim ke server")
    search.fill(MESSAGE_WORD)
    search.press("Enter")
    expect_rows(page, [case_reference(cases.recent)])
    no_sideways_scroll(page, width)
    shoot(page, f"console-search-id-{width}.png")
    sent = recording.sent[before:]
    assert len(sent) >= 3  # the listing and the case were asked for: real traffic checked
    assert not [r for r in sent if REPORT_WORD.encode() in r.lower()]
    assert not [r for r in sent if MESSAGE_WORD.encode() in r.lower()]
    watched.assert_clean(page)
    watched.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_language_switch_shows_one_language_and_keeps_it_for_the_session(
    browser: Browser, liaison: ConsoleUnderTest, cases: Cases, width: int
) -> None:
    watched = watch(browser, liaison.origin, viewport={"width": width, "height": 900})
    page = watched.new_page()
    page.goto(liaison.origin + "/unlock")
    switch = page.get_by_role("group", name="Bahasa / Language")
    switch.get_by_role("button", name="EN", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Unlock")
    page.fill("#passphrase", DEMO_PASSPHRASE)
    page.get_by_role("button", name="Unlock").click()
    expect(page).to_have_url(liaison.origin + "/cases")
    expect(page.locator("#summary")).to_contain_text("4 cases · 1 overdue")
    expect(page.locator("main")).not_to_contain_text("Perkara")
    expect(page.locator("main")).not_to_contain_text("terlambat")
    expect(page.get_by_role("button", name="EN", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    page.goto(f"{liaison.origin}/cases/{cases.old}")  # remembered from page to page
    expect(page.locator("h1")).to_have_text(f"Case {case_reference(cases.old)}")
    no_sideways_scroll(page, width)
    shoot(page, f"console-case-en-{width}.png")
    page.get_by_role("group", name="Language").get_by_role("button", name="ID", exact=True).click()
    expect(page).to_have_url(f"{liaison.origin}/cases/{cases.old}")
    expect(page.locator("h1")).to_have_text(f"Perkara {case_reference(cases.old)}")
    expect(page.locator("main")).not_to_contain_text("Received")
    cookies = watched.context.cookies()
    assert [c["name"] for c in cookies] == [f"peluit_review_{liaison.port}"]  # no other cookie
    page.get_by_role("button", name="ID + EN").click()
    expect(page.locator("main")).to_contain_text("Received")
    watched.assert_clean(page)
    watched.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_case_page_shows_sizes_before_download_and_the_large_download_completes(
    browser: Browser, rina: ConsoleUnderTest, cases: Cases, width: int, tmp_path: Path
) -> None:
    watched = watch(
        browser, rina.origin, viewport={"width": width, "height": 900}, accept_downloads=True
    )
    page = watched.new_page()
    unlock(page, rina.origin)
    page.goto(f"{rina.origin}/cases/{cases.fresh}")
    files = page.locator("#lampiran")
    expect(files.locator("#files-total")).to_contain_text("2 berkas, 9.0 MiB seluruhnya")
    expect(files.locator("#files-total")).to_contain_text("2 files, 9.0 MiB in all")
    expect(files.locator("tr[data-file='0']")).to_contain_text("9.0 MiB")
    expect(files.locator("tr[data-file='1']")).to_contain_text("4 B")
    expect(files.locator("#large-download")).to_be_visible()
    expect(files.locator("#large-download")).to_contain_text("Ctrl+J")
    expect(page.locator("#export-size")).to_contain_text("9.0 MiB")
    headers = files.get_by_role("columnheader")
    expect(headers).to_have_count(6)
    expect(headers.nth(2)).to_have_accessible_name(re.compile("Ukuran"))  # seen at 360 px
    expect(headers.nth(3)).to_have_accessible_name(re.compile("Unduhan"))
    size = files.locator("tr[data-file='0'] td.size")
    assert size.bounding_box()["x"] + size.bounding_box()["width"] <= width  # type: ignore[index]
    no_sideways_scroll(page, width)
    shoot(page, f"console-files-id-{width}.png")
    files.screenshot(path=SCREENSHOTS / f"console-attachments-id-{width}.png")

    # Playwright's request API is not the page: it says where it comes from as the page would.
    url = f"{rina.origin}/cases/{cases.fresh}/files/0"
    announced = page.request.get(url, headers={"Sec-Fetch-Site": "same-origin"})
    assert announced.headers["content-length"] == str(len(BIG))  # the browser shows progress
    with page.expect_download() as started:
        files.get_by_role("link", name="Unduh").first.click()
    download = started.value
    assert download.failure() is None
    saved = tmp_path / "besar.bin"
    download.save_as(saved)
    assert saved.read_bytes() == BIG
    watched.assert_clean(page)
    watched.context.close()


def _axe(page: Page) -> list[str]:
    page.evaluate(axe_source())
    assert page.evaluate("axe.version") == pinned_axe()
    results: dict[str, Any] = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
    ]


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_no_violation_on_any_console_state(
    browser: Browser,
    rina: ConsoleUnderTest,
    agus: ConsoleUnderTest,
    cases: Cases,
    width: int,
) -> None:
    """Every impact counts here, not only serious and critical."""
    problems: dict[str, list[str]] = {}

    def check(page: Page, state: str) -> None:
        if found := _axe(page):
            problems[f"{state} @ {width}"] = found

    for console in (rina, agus):
        watched = watch(browser, console.origin, viewport={"width": width, "height": 900})
        page = watched.new_page()
        page.goto(console.origin + "/unlock")
        check(page, "unlock")
        page.fill("#passphrase", "salah")
        page.get_by_role("button", name="Buka").click()
        expect(page.get_by_role("alert")).to_be_visible()
        check(page, "unlock, wrong passphrase")
        unlock(page, console.origin)
        if console is rina:
            check(page, "cases")
            page.goto(console.origin + "/cases?overdue=1&area=perizinan&q=izin")
            check(page, "cases, filtered and searched")
            page.goto(console.origin + "/cases?status=selesai")
            check(page, "cases, none match")
            page.goto(f"{console.origin}/cases/{cases.fresh}")
            check(page, "case with files and every form")
            if page.locator("#identity-reason").count():
                page.fill("#identity-reason", "Perlu menghubungi pelapor untuk klarifikasi.")
                page.get_by_role("button", name="Minta identitas").click()
                expect(page.get_by_role("status")).to_be_visible()
                check(page, "case, with a notice")
            page.goto(f"{console.origin}/cases/{cases.recent}")
            check(page, "case with a message")
            page.goto(console.origin + "/cases/0000000000000000/files/9")
            check(page, "error page")
            page.goto(console.origin + "/nowhere")
            check(page, "404 page")
        page.goto(console.origin + "/identity-requests")
        if console is agus:  # the custodian, with Rina's request waiting: the decide forms
            expect(page.get_by_role("button", name="Setujui")).to_be_visible()
        check(page, "identity requests")
        page.get_by_role("button", name="EN", exact=True).click()
        check(page, "identity requests, English")
        page.goto(console.origin + ("/cases" if console is rina else "/identity-requests"))
        check(page, "English")
        # the error pages answer 400 and 404 on purpose: the browser logs those loads
        watched.console_errors = [e for e in watched.console_errors if "status of 40" not in e]
        watched.assert_clean(page)
        watched.context.close()
    assert problems == {}
