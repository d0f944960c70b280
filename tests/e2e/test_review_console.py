"""The review console in Debian's Chromium: a reviewer unlocks it, opens a case, reads the
report, downloads the attachment, replies and changes the status, and the pages never break
their CSP, log an error or reach another origin."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from peluit import age
from peluit.config.demo import DEMO_PASSPHRASE
from peluit.core import layout, padding
from peluit.core.ids import case_reference
from peluit.review.content import decode_reply
from tests.support.cases import Attachment, Submitted, submit_case
from tests.support.console import ConsoleUnderTest, DemoServer

from .conftest import watch

pytestmark = pytest.mark.e2e

EVIDENCE = os.urandom(9 * 1024 * 1024 + 12345)  # two segments


@pytest.fixture(scope="module")
def case(demo: DemoServer) -> Submitted:
    answers = {
        "what": "Volume pekerjaan jalan dikurangi dari kontrak.",
        "who": "PPK Dinas PUPR",
        "where": "Kecamatan Muara Bulian",
        "when": "Agustus 2025",
        "area": "pengadaan",
        "loss": "250000000",
    }
    attachment = Attachment("foto lokasi.jpg", EVIDENCE, "image/jpeg")
    return submit_case(demo.config, demo.server.store, answers, attachments=[attachment])


def _plant_team_message(demo: DemoServer, case: Submitted, seq: int) -> str:
    """What a compromised server writes: an unsigned message as Rina's, to the reply key and
    the team, at number `seq`; returns its text."""
    text = "Kasus ditutup: tidak cukup bukti. Jangan dilanjutkan."
    channel = demo.config.channel("pengaduan")
    assert channel is not None
    keys = [
        case.reply.recipient(),
        *map(age.HybridRecipient.parse, demo.config.report_recipients(channel)),
    ]
    document: dict[str, object] = {
        "format": "peluit-reply/1",
        "text": text,
        "files": [],
        "upload": None,
    }
    sealed = age.encrypt(padding.pad(json.dumps(document).encode()), keys)
    store = demo.data / "store" / "objects"
    claim = {"from": "rina", "on": "2026-12-06", "sha256": hashlib.sha256(sealed).hexdigest()}
    (store / layout.case_message_claim(case.case, seq)).write_text(json.dumps(claim))
    (store / f"{layout.case_thread_prefix(case.case)}{seq:05d}-rina.age").write_bytes(sealed)
    return text


def test_a_reviewer_works_a_case_in_the_browser(
    browser: Browser,
    demo: DemoServer,
    case: Submitted,
    console: ConsoleUnderTest,
    tmp_path: Path,
) -> None:
    watched = watch(browser, console.origin, accept_downloads=True)
    page = watched.new_page()

    page.goto(console.origin + "/")
    expect(page).to_have_url(console.origin + "/unlock")
    page.fill("#passphrase", "bukan frasa sandi yang benar")
    page.get_by_role("button", name="Buka", exact=False).click()
    expect(page.get_by_role("alert")).to_contain_text("Frasa sandi salah")
    page.fill("#passphrase", DEMO_PASSPHRASE)
    page.get_by_role("button", name="Buka", exact=False).click()
    expect(page).to_have_url(console.origin + "/cases")

    reference = case_reference(case.case)
    row = page.locator("tr", has_text=reference)
    expect(row).to_contain_text("Pengadaan barang dan jasa")
    expect(row).to_contain_text("Diterima")
    row.get_by_role("link", name=reference).click()
    expect(page.locator("h1")).to_contain_text(reference)
    report = page.locator("#laporan")
    expect(report).to_contain_text("Apa yang terjadi?")
    expect(report).to_contain_text("Volume pekerjaan jalan dikurangi dari kontrak.")
    expect(report).to_contain_text("Rp 250.000.000")

    with page.expect_download() as started:
        page.get_by_role("link", name="Unduh").first.click()
    download = started.value
    assert download.failure() is None
    assert download.suggested_filename == "foto lokasi.jpg"
    saved = tmp_path / "download.bin"
    download.save_as(saved)
    assert saved.read_bytes() == EVIDENCE

    page.fill("#reply", "Terima kasih. Mohon kirim foto dari sisi lain jalan.")
    page.get_by_role("button", name="Kirim").click()
    expect(page.get_by_role("status")).to_contain_text("Pesan terenkripsi")
    expect(page.locator("#percakapan .message")).to_contain_text(
        "Mohon kirim foto dari sisi lain jalan."
    )
    thread = demo.objects(layout.case_thread_prefix(case.case))
    [message] = [data for key, data in thread.items() if key.endswith(".age")]
    assert b"Mohon kirim" not in message
    assert decode_reply(age.decrypt(message, [case.reply])).text.startswith("Terima kasih.")

    # a compromised server plants an unsigned "team message" in Rina's name after the signed
    # reply (ADR 0052): the page shows a red row, not the planted text, and still the reply
    [key] = [k for k in thread if k.endswith(".age")]
    planted = _plant_team_message(demo, case, int(key.rsplit("/", 1)[1][:5]) + 1)
    page.goto(f"{console.origin}/cases/{case.case}")
    messages = page.locator("#percakapan .message")
    expect(messages).to_have_count(2)
    expect(messages.first).to_contain_text("Mohon kirim foto dari sisi lain jalan.")
    expect(messages.last.locator(".problem")).to_contain_text("PESAN TIM TIDAK BERTANDA TANGAN")
    expect(page.locator("#percakapan")).not_to_contain_text(planted)

    page.select_option("#status", "diverifikasi")
    page.fill("#reason", "Laporan lengkap dan dapat diverifikasi.")
    page.get_by_role("button", name="Ubah status").click()
    expect(page.get_by_role("status")).to_contain_text("Status sudah diubah.")
    expect(page.locator("#riwayat")).to_contain_text("Laporan lengkap dan dapat diverifikasi.")
    state_key = layout.case_state(case.case)
    assert json.loads(demo.objects(state_key)[state_key])["status"] == "diverifikasi"

    page.get_by_role("button", name="Kunci").click()
    expect(page).to_have_url(console.origin + "/unlock")
    watched.assert_clean(page)
    watched.context.close()
