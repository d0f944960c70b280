"""The whole conversation, each side in the tool they really use, over `peluit serve`.

The reporter works in Chromium on the public site (report form, follow-up page). Reviewers,
custodians and oversight work in the review console (`peluit review`) in Chromium, and with the
`peluit cases` command line. Every assertion is about what a person sees on their own screen
(page text, terminal output, the bytes of a file they saved), never about what a raw API
client decodes inside the test.

1. pengaduan, Indonesian, confidential identity, two files, through every status to selesai,
   with an identity request, a reply, and the reporter's message with new evidence.
2. gratifikasi in English, identity required, through to selesai.
3. ditolak, with a reason the reporter can read.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from peluit.config.demo import DEMO_PASSPHRASE, demo_key_path
from peluit.core import layout
from peluit.core.ids import case_reference
from peluit.core.receipt import ReceiptCode
from tests.e2e.conftest import Served, Watched, watch
from tests.support.console import ConsoleUnderTest

pytestmark = pytest.mark.e2e

KiB = 1024
ROOT = Path(__file__).resolve().parents[2]


# -- the people's tools ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def consoles(served: Served) -> Iterator[dict[str, ConsoleUnderTest]]:
    running = {person: ConsoleUnderTest(served, person) for person in ("rina", "agus", "dewi")}
    try:
        yield running
    finally:
        for console in running.values():
            console.close()


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("journey-files")
    names = {
        "photo": "foto jalan.jpg",
        "contract": "kontrak (salinan).pdf",
        "receipt": "kuitansi tambahan.pdf",
        "gift": "foto bingkisan.jpg",
    }
    paths = {key: folder / name for key, name in names.items()}
    for path in paths.values():
        path.write_bytes(os.urandom(120 * KiB))
    return paths


def cases_cli(served: Served, person: str, *args: str | Path, cwd: Path) -> str:
    """`peluit cases …` as the person types it; the output they read."""
    passphrase = cwd / "passphrase.txt"
    passphrase.write_text(DEMO_PASSPHRASE + "\n")
    key = demo_key_path(served.data, person)
    common = ["--key", str(key), "--server", served.base, "--passphrase-file", str(passphrase)]
    result = subprocess.run(
        [sys.executable, "-m", "peluit.cli.main", "cases", *map(str, args), *common],
        capture_output=True,
        check=False,
        timeout=120,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout.decode()


def unlock(watched: Watched, console: ConsoleUnderTest) -> Page:
    page = watched.new_page()
    page.goto(console.origin + "/")
    page.fill("#passphrase", DEMO_PASSPHRASE)
    page.click("main button[type=submit]")  # not the language switch in the header
    page.wait_for_url(console.origin + "/**")
    return page


def open_case(page: Page, console: ConsoleUnderTest, case: str) -> None:
    page.goto(console.origin + "/cases")
    page.locator("tr", has_text=case_reference(case)).get_by_role(
        "link", name=case_reference(case)
    ).click()
    expect(page.locator("h1")).to_contain_text(case_reference(case))


def change_status(page: Page, status: str, reason: str, target: str | None = None) -> None:
    page.select_option("#status", status)
    if target:
        page.select_option("#target", target)
    page.fill("#reason", reason)
    page.get_by_role("button", name="Ubah status").click()
    expect(page.get_by_role("status")).to_contain_text("Status sudah diubah.")


def reply(page: Page, text: str) -> None:
    page.fill("#reply", text)
    page.get_by_role("button", name="Kirim").click()
    expect(page.get_by_role("status")).to_contain_text("Pesan terenkripsi")


def case_of(served: Served, code: str) -> str:
    """The case a receipt code leads to (what the follow-up page opens)."""
    entry = served.objects()[layout.lookup(ReceiptCode.parse(code).lookup_hash())]
    case: str = json.loads(entry.read_bytes())["case"]
    return case


# -- the reporter's side -----------------------------------------------------------------------


def file_report(
    watched: Watched,
    served: Served,
    path: str,
    fill: Callable[[Page], None],
    evidence: list[Path],
) -> str:
    """Fill the form as a person does, send it, and read the receipt code off the screen."""
    page = watched.new_page()
    page.goto(served.base + path, wait_until="load")
    page.wait_for_selector("#pf-submit:not([disabled])", timeout=15_000)
    fill(page)
    if evidence:
        page.set_input_files("#pf-files", [str(p) for p in evidence])
    page.click("#pf-submit")  # opens the review
    page.click("#pf-send")
    page.wait_for_selector("#pf-receipt:not([hidden])", timeout=120_000)
    code = page.locator("#pf-receipt-code").inner_text()
    page.close()
    return code


def open_followup(watched: Watched, served: Served, code: str, path: str) -> Page:
    page = watched.new_page()
    page.goto(served.base + path, wait_until="load")
    page.wait_for_selector("#fu-open:not([disabled])", timeout=15_000)
    page.locator("#fu-code").fill(code)
    page.click("#fu-open")
    page.wait_for_selector("#fu-case:not([hidden])", timeout=60_000)
    return page


def reporter_sees_status(page: Page, text: str) -> None:
    """Check for news as the reporter does, and read the status line."""
    page.click("#fu-refresh")
    expect(page.locator("#fu-status")).to_contain_text(text, timeout=60_000)


# -- journey 1 ---------------------------------------------------------------------------------

WHAT = "Volume pengaspalan jalan di Desa Sungai Baung dikurangi dari kontrak."
NAME = "Siti Rahmawati"
CONTACT = "siti.r@example.org"
QUESTION = "Terima kasih. Apakah Anda punya kuitansi pembayaran kepada kontraktor?"
ANSWER = "Ada. Saya lampirkan kuitansinya.\nNilainya lebih kecil dari kontrak."


def answer(page: Page, answers: dict[str, str]) -> None:
    """Type each answer into the form's field for that question (`#pf-<question id>`)."""
    for question, text in answers.items():
        page.locator(f"#pf-{question}").fill(text)


def fill_pengaduan(page: Page) -> None:
    answer(
        page,
        {
            "what": WHAT,
            "who": "Kepala bidang jalan dan kontraktor pelaksana",
            "where": "Kecamatan Muara Bulian",
            "when": "Agustus 2026",
        },
    )
    page.select_option("#pf-area", "pengadaan")
    page.check("#pf-identity-confidential")
    answer(page, {"reporter_name": NAME, "reporter_contact": CONTACT})


def test_pengaduan_confidential_from_the_form_to_selesai(
    browser: Browser,
    served: Served,
    consoles: dict[str, ConsoleUnderTest],
    files: dict[str, Path],
    tmp_path: Path,
) -> None:
    reporter = watch(browser, served.base, viewport={"width": 360, "height": 740})
    code = file_report(
        reporter, served, "/lapor/pengaduan/", fill_pengaduan, [files["photo"], files["contract"]]
    )
    case = case_of(served, code)
    reference = case_reference(case)

    # Rina, a reviewer, reads the report and its two files; she does not see who sent it.
    rina_tool = watch(browser, consoles["rina"].origin, accept_downloads=True)
    rina = unlock(rina_tool, consoles["rina"])
    open_case(rina, consoles["rina"], case)
    expect(rina.locator("#laporan")).to_contain_text(WHAT)
    attachments = rina.locator("#lampiran")
    expect(attachments).to_contain_text(files["photo"].name)
    expect(attachments).to_contain_text(files["contract"].name)
    assert NAME not in rina.locator("main").inner_text()

    # She asks for the identity; Agus, a custodian, reads her reason and approves; she sees it.
    rina.fill("#identity-reason", "Kami perlu menghubungi pelapor untuk klarifikasi kuitansi.")
    rina.get_by_role("button", name="Minta identitas").click()
    expect(rina.locator("#identitas")).to_contain_text("Menunggu")
    agus_tool = watch(browser, consoles["agus"].origin)
    agus = unlock(agus_tool, consoles["agus"])
    agus.goto(consoles["agus"].origin + "/identity-requests")
    request = agus.locator("tr", has_text=reference)
    expect(request).to_contain_text("klarifikasi kuitansi")
    expect(request).to_contain_text("Identitas dirahasiakan")  # the reporter's choice
    request.get_by_role("button", name="Setujui").click()
    expect(agus.get_by_role("status")).to_be_visible()
    open_case(rina, consoles["rina"], case)
    expect(rina.locator("#identitas")).to_contain_text(NAME)
    expect(rina.locator("#identitas")).to_contain_text(CONTACT)

    # She replies and verifies the case.
    reply(rina, QUESTION)
    change_status(rina, "diverifikasi", "Laporan lengkap.")

    # The reporter reads the reply and the status, and answers with new evidence.
    followup = open_followup(reporter, served, code, "/tindak-lanjut/")
    expect(followup.locator("#fu-status")).to_contain_text("Diverifikasi")
    expect(followup.locator("#fu-thread")).to_contain_text(QUESTION)
    followup.locator("#fu-text").fill(ANSWER)
    followup.set_input_files("#fu-files", str(files["receipt"]))
    followup.click("#fu-send")
    followup.wait_for_selector("#fu-reply-done:not([hidden])", timeout=60_000)

    # Rina sees the message as text and the new file, and downloads it.
    rina.goto(consoles["rina"].origin + "/cases")
    expect(rina.locator("tr", has_text=reference)).to_contain_text("1")  # unread
    open_case(rina, consoles["rina"], case)
    thread = rina.locator("#percakapan")
    expect(thread).to_contain_text("Nilainya lebih kecil dari kontrak.")
    assert "peluit-message" not in thread.inner_text()
    expect(thread).to_contain_text(files["receipt"].name)
    expect(rina.locator("#lampiran")).to_contain_text(files["receipt"].name)
    with rina.expect_download() as started:
        rina.locator("#lampiran tr", has_text=files["receipt"].name).get_by_role(
            "link", name="Unduh"
        ).click()
    saved = tmp_path / "kuitansi.bin"
    started.value.save_as(saved)
    assert saved.read_bytes() == files["receipt"].read_bytes()

    # The command line shows the same, and the export holds every file under a MANIFEST
    # that verifies.
    shown = cases_cli(served, "rina", "show", case, cwd=tmp_path)
    assert "Nilainya lebih kecil dari kontrak." in shown
    assert files["receipt"].name in shown
    assert "peluit-message" not in shown
    cases_cli(served, "rina", "export", case, "-o", "bundle.zip", cwd=tmp_path)
    with zipfile.ZipFile(tmp_path / "bundle.zip") as bundle:
        folder = reference
        manifest = bundle.read(f"{folder}/MANIFEST.sha256").decode().splitlines()
        listed = {path: digest for digest, path in (line.split("  ", 1) for line in manifest)}
        for path, digest in listed.items():
            assert hashlib.sha256(bundle.read(f"{folder}/{path}")).hexdigest() == digest
        exported = {
            bundle.read(f"{folder}/{p}")
            for p in listed
            if p.startswith("attachments/") and p != "attachments.json"
        }
    assert exported == {files[k].read_bytes() for k in ("photo", "contract", "receipt")}

    # Through the statuses; the reporter sees each one.
    for status, seen, target in (
        ("ditelaah", "Ditelaah", None),
        ("diteruskan", "Diteruskan", "kpk"),
        ("selesai", "Selesai", None),
    ):
        open_case(rina, consoles["rina"], case)
        change_status(rina, status, f"Langkah berikutnya: {status}.", target)
        reporter_sees_status(followup, seen)
    expect(followup.locator("#fu-closed")).to_be_visible()

    for tool, pages in ((reporter, [followup]), (rina_tool, [rina]), (agus_tool, [agus])):
        tool.assert_clean(*pages)
        tool.context.close()


# -- journey 2 ---------------------------------------------------------------------------------

GIVER = "CV Maju Jaya (contractor)"
NIK = "1504012345678901"


GRATIFICATION = {
    "giver": GIVER,
    "relation": "Contractor of the road project I supervise",
    "occasion": "A parcel delivered to my home before Eid.",
    "kind_of_gift": "Food parcel and an envelope of cash",
    "value": "2500000",
    "received_on": "2026-11-30",
    "reporter_name": "Budi Santoso",
    "reporter_nik": NIK,
    "reporter_position": "Kepala Seksi Jalan, Dinas PUPR",
    "reporter_contact": "0812-0000-1111",
}


def fill_gratification(page: Page) -> None:
    answer(page, GRATIFICATION)


def test_gratifikasi_in_english_with_identity_to_selesai(
    browser: Browser,
    served: Served,
    consoles: dict[str, ConsoleUnderTest],
    files: dict[str, Path],
    tmp_path: Path,
) -> None:
    reporter = watch(browser, served.base, viewport={"width": 1280, "height": 900})
    code = file_report(
        reporter, served, "/en/lapor/gratifikasi/", fill_gratification, [files["gift"]]
    )
    case = case_of(served, code)

    dewi_tool = watch(browser, consoles["dewi"].origin, accept_downloads=True)
    dewi = unlock(dewi_tool, consoles["dewi"])
    open_case(dewi, consoles["dewi"], case)
    expect(dewi.locator("#laporan")).to_contain_text(GIVER)
    expect(dewi.locator("#laporan")).to_contain_text("Rp 2.500.000")
    expect(dewi.locator("#lampiran")).to_contain_text(files["gift"].name)

    followup = open_followup(reporter, served, code, "/en/tindak-lanjut/")
    expect(followup.locator("#fu-status")).to_contain_text("Received")
    for status, seen, target in (
        ("diverifikasi", "Verified", None),
        ("ditelaah", "Under review", None),
        ("diteruskan", "Forwarded", "kpk"),
        ("selesai", "Closed", None),
    ):
        open_case(dewi, consoles["dewi"], case)
        change_status(dewi, status, f"UPG: {status}.", target)
        reporter_sees_status(followup, seen)

    listed = cases_cli(served, "dewi", "list", "--channel", "gratifikasi", cwd=tmp_path)
    assert case_reference(case) in listed
    for tool, pages in ((reporter, [followup]), (dewi_tool, [dewi])):
        tool.assert_clean(*pages)
        tool.context.close()


# -- journey 3 ---------------------------------------------------------------------------------

REFUSAL = "Laporan ini di luar kewenangan Inspektorat; silakan laporkan ke Ombudsman."


def fill_short_pengaduan(page: Page) -> None:
    answer(
        page,
        {
            "what": "Pungutan liar saat mengurus surat pindah di kantor desa.",
            "who": "Petugas loket",
            "where": "Kantor Desa Rengas Condong",
            "when": "Oktober 2026",
        },
    )
    page.select_option("#pf-area", "lainnya")


def test_ditolak_with_a_reason_the_reporter_reads(
    browser: Browser,
    served: Served,
    consoles: dict[str, ConsoleUnderTest],
) -> None:
    reporter = watch(browser, served.base, viewport={"width": 360, "height": 740})
    code = file_report(reporter, served, "/lapor/pengaduan/", fill_short_pengaduan, [])
    case = case_of(served, code)

    rina_tool = watch(browser, consoles["rina"].origin)
    rina = unlock(rina_tool, consoles["rina"])
    open_case(rina, consoles["rina"], case)
    rina.select_option("#status", "ditolak")
    rina.fill("#reason", "Bukan kewenangan APIP (catatan internal tim).")
    rina.fill("#reporter-note", REFUSAL)
    rina.get_by_role("button", name="Ubah status").click()
    expect(rina.get_by_role("status")).to_contain_text("Status sudah diubah.")
    expect(rina.locator("#percakapan")).to_contain_text(REFUSAL)

    followup = open_followup(reporter, served, code, "/tindak-lanjut/")
    expect(followup.locator("#fu-status")).to_contain_text("Tidak dilanjutkan")
    expect(followup.locator("#fu-thread")).to_contain_text(REFUSAL)
    closed = followup.locator("#fu-closed")
    expect(closed).to_be_visible()
    assert "selesai ditangani" not in closed.inner_text()  # it was refused, not handled
    assert "catatan internal" not in followup.locator("main").inner_text()
    for tool, pages in ((reporter, [followup]), (rina_tool, [rina])):
        tool.assert_clean(*pages)
        tool.context.close()
