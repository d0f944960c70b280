"""The reporter's follow-up in Chromium, against a real `peluit serve` with the demo keys.

A report is sent through the form; a reviewer answers with `peluit cases reply` (the demo
key file); the reporter opens the follow-up page, types the receipt code, reads the answer
(decrypted in the browser) and answers with a new file; the reviewer sees it as unread in
`peluit cases list`, reads the message as text with the file it brought in `peluit cases
show`, and downloads that file byte for byte with `peluit cases download`.
A wrong code gets the neutral answer, a typo is caught before any request, and requests
without a valid proof of work are refused with a clear error, storing nothing.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Request, Route

from peluit.config.demo import DEMO_PASSPHRASE, demo_key_path
from peluit.core import layout, reporter_signature
from peluit.core.ids import case_reference
from peluit.core.pow import bucket_of
from peluit.core.receipt import ReceiptCode, ReceiptCodeError
from tests.e2e.conftest import Served, Watched, watch
from tests.support.pow import pow_query

pytestmark = pytest.mark.e2e

KiB = 1024
QUESTION = "Terima kasih. Apakah Anda punya foto kontrak pekerjaan jalan itu?"
ANSWER = "Ada. Saya lampirkan salinan kontraknya.\nHalaman 3 memuat volumenya."
FOLLOWUP = "/tindak-lanjut/"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("followup-files")
    paths = {"photo": folder / "foto jalan.jpg", "contract": folder / "kontrak (salinan).pdf"}
    for path in paths.values():
        path.write_bytes(os.urandom(150 * KiB))
    return paths


def cases(served: Served, *args: str | Path, person: str = "rina") -> str:
    """`peluit cases …` as a reviewer runs it, with the demo key file and passphrase."""
    passphrase = served.data.parent / "passphrase.txt"
    passphrase.write_text(DEMO_PASSPHRASE + "\n")
    done = subprocess.run(
        [
            sys.executable, "-m", "peluit.cli.main", "cases", *map(str, args),
            "--key", str(demo_key_path(served.data, person)), "--server", served.base,
            "--passphrase-file", str(passphrase),
        ],
        capture_output=True, text=True, check=False, timeout=120, cwd=served.data.parent,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def unread_of(served: Served, case: str) -> str:
    """The unread column of the case's row in `peluit cases list`."""
    [row] = [r for r in cases(served, "list").splitlines() if case_reference(case) in r]
    return row.split()[-1]


def report_through_the_form(watched: Watched, served: Served, evidence: Path) -> str:
    """Send an anonymous report with one file through the form; returns the receipt code."""
    page = watched.new_page()
    page.goto(served.base + "/lapor/pengaduan/", wait_until="load")
    page.wait_for_selector("#pf-submit:not([disabled])", timeout=15_000)
    page.locator("#pf-what").fill("Volume pekerjaan jalan di Desa Sungai Baung dikurangi.")
    page.locator("#pf-who").fill("Kepala bidang dan kontraktor pelaksana")
    page.locator("#pf-where").fill("Kecamatan Muara Bulian")
    page.locator("#pf-when").fill("Agustus 2026")
    page.select_option("#pf-area", "pengadaan")
    page.set_input_files("#pf-files", str(evidence))
    page.click("#pf-submit")  # opens the review
    page.click("#pf-send")
    page.wait_for_selector("#pf-receipt:not([hidden])", timeout=120_000)
    code = page.locator("#pf-receipt-code").inner_text()
    page.close()
    return code


def case_of(served: Served, code: str) -> str:
    entry = served.objects()[layout.lookup(ReceiptCode.parse(code).lookup_hash())]
    case: str = json.loads(entry.read_bytes())["case"]
    return case


def open_followup(watched: Watched, served: Served, path: str = FOLLOWUP) -> Page:
    page = watched.new_page()
    page.goto(served.base + path, wait_until="load")
    page.wait_for_selector("#fu-open:not([disabled])", timeout=15_000)
    return page


def api_posts(watched: Watched) -> list[str]:
    seen: list[str] = []

    def note(request: Request) -> None:
        if request.method == "POST":
            seen.append(request.url)

    watched.context.on("request", note)
    return seen


def test_reporter_and_reviewer_talk_through_the_receipt_code(
    browser: Browser, served: Served, files: dict[str, Path]
) -> None:
    watched = watch(browser, served.base, viewport={"width": 360, "height": 740})
    code = report_through_the_form(watched, served, files["photo"])
    case = case_of(served, code)

    # The reviewer writes to the reporter with `peluit cases reply` (encrypted there, to the
    # reply key and the team).
    assert unread_of(served, case) == "-"
    cases(served, "reply", case, "--text", QUESTION)

    # The reporter types the code the way people do: lower case, no dashes, spaces.
    page = open_followup(watched, served)
    posts = api_posts(watched)
    page.locator("#fu-code").press_sequentially(code.lower().replace("-", " ", 3).replace("-", ""))
    assert page.locator("#fu-code").input_value() == code  # shown grouped, upper case
    page.click("#fu-open")
    page.wait_for_selector("#fu-case:not([hidden])", timeout=60_000)
    thread = page.locator("#fu-thread li")
    assert thread.count() == 1
    assert QUESTION in thread.nth(0).inner_text()
    assert "Diterima" in page.locator("#fu-status").inner_text()
    assert page.locator("#fu-reference").inner_text().replace("-", "").lower() == case
    assert posts
    assert all("/api/v1/followup/status?pow=" in url for url in posts)
    assert code not in "".join(posts)

    # The reporter answers with a new file; while it goes out, "check for new messages" is off
    # (a refresh failing meanwhile would end the send's progress on the page).
    refresh_off_while_sending: list[bool] = []

    def upload(route: Route) -> None:
        refresh_off_while_sending.append(page.locator("#fu-refresh").is_disabled())
        route.continue_()

    watched.context.route("**/_upload/**", upload)
    page.locator("#fu-text").fill(ANSWER)
    page.set_input_files("#fu-files", str(files["contract"]))
    page.click("#fu-send")
    page.wait_for_selector("#fu-reply-done:not([hidden])", timeout=60_000)
    assert refresh_off_while_sending == [True]
    assert page.locator("#fu-refresh").is_enabled()
    assert thread.count() == 2
    assert "Halaman 3" in thread.nth(1).inner_text()  # shown from this session's memory
    assert files["contract"].name in thread.nth(1).inner_text()
    # The browser signed its manifest message for this case and number 2 (statement version
    # 2, ADR 0042): Python verifies what the real page signed, and not for another number.
    stored = served.objects()
    sealed = stored[f"cases/{case}/thread/00002-pelapor.age"].read_bytes()
    claim = json.loads(stored[f"cases/{case}/thread/00002.seq"].read_bytes())
    key = reporter_signature.public_key(ReceiptCode.parse(code).signing_seed())
    placed = reporter_signature.placed_message_statement(case, 2, sealed)
    assert reporter_signature.verify(key, bytes.fromhex(claim["sig"]), placed)
    moved = reporter_signature.placed_message_statement(case, 3, sealed)
    assert not reporter_signature.verify(key, bytes.fromhex(claim["sig"]), moved)

    # The reviewer, in the reviewers' own tool (`peluit cases`): one unread message, shown as
    # text with the file it brought; the file downloads byte for byte, checked against the
    # message's manifest; showing the case marks it seen.
    assert unread_of(served, case) == "1"
    shown = cases(served, "show", case)
    assert re.search(
        r"#2 [0-9]{4}-[0-9]{2}-[0-9]{2} Pelapor / Reporter \[id\]:\n"
        r"    Ada. Saya lampirkan salinan kontraknya.",
        shown,
    )
    assert "    Halaman 3 memuat volumenya." in shown
    assert f"+ berkas / file [1] {files['contract'].name}" in shown
    assert f"[0] {files['photo'].name}" in shown
    assert f"[1] {files['contract'].name}" in shown
    assert "sent with pesan / message #2" in shown
    assert "peluit-message" not in shown
    out = served.data.parent / "unduhan"
    out.mkdir(exist_ok=True)
    cases(served, "download", case, "1", "-d", out)
    assert (out / f"01-{files['contract'].name}").read_bytes() == files["contract"].read_bytes()
    assert unread_of(served, case) == "-"

    # A reload shows the reporter's own message as sealed: nothing of it is kept here.
    page.click("#fu-forget")
    assert page.locator("#fu-case").is_hidden()
    assert page.locator("#fu-thread li").count() == 0
    page.locator("#fu-code").fill(code)
    page.click("#fu-open")
    page.wait_for_selector("#fu-case:not([hidden])", timeout=60_000)
    assert "terenkripsi untuk tim penelaah" in page.locator("#fu-thread li").nth(1).inner_text()
    assert watched.context.cookies() == []
    leftovers = page.evaluate(
        "async () => [localStorage.length, sessionStorage.length,"
        " (await indexedDB.databases()).length]"
    )
    assert leftovers == [0, 0, 0]
    watched.assert_clean(page)
    watched.context.close()


@pytest.mark.parametrize(
    ("path", "expected"), [(FOLLOWUP, "tidak dikenali"), ("/en" + FOLLOWUP, "not recognised")]
)
def test_a_wrong_code_gets_the_neutral_answer(
    browser: Browser, served: Served, path: str, expected: str
) -> None:
    watched = watch(browser, served.base)
    page = open_followup(watched, served, path)
    statuses: list[int] = []
    page.on(
        "response", lambda r: statuses.append(r.status) if "/api/v1/followup/" in r.url else None
    )
    page.locator("#fu-code").fill(str(ReceiptCode.generate()))  # well-formed, but no case
    page.click("#fu-open")
    error = page.locator("#fu-open-error")
    error.wait_for(state="visible", timeout=60_000)
    assert expected in error.inner_text()
    assert statuses == [404]
    assert page.locator("#fu-case").is_hidden()
    assert page.locator("#fu-open").is_enabled()  # free to try again
    # the browser reports the 404 itself; nothing else may be logged
    watched.console_errors = [e for e in watched.console_errors if "404" not in e]
    watched.assert_clean(page)
    watched.context.close()


def typo_of(code: str) -> str:
    """`code` with one character changed so that its check character no longer matches."""
    chars = list(code)
    for position in (5, 11, 17, 0, 2):
        for replacement in "0123456789ABCDEFGHJKMNPQRSTVWXYZ":
            if chars[position] == replacement:
                continue
            candidate = "".join([*chars[:position], replacement, *chars[position + 1 :]])
            try:
                ReceiptCode.parse(candidate)
            except ReceiptCodeError as exc:
                if "typo" in str(exc):
                    return candidate
    raise AssertionError("no typo found")  # pragma: no cover


def test_a_typo_is_caught_by_the_check_character_before_any_request(
    browser: Browser, served: Served
) -> None:
    watched = watch(browser, served.base)
    page = open_followup(watched, served)
    requests: list[str] = []
    watched.context.on("request", lambda r: requests.append(r.url))
    page.locator("#fu-code").fill(typo_of(str(ReceiptCode.generate())))
    page.click("#fu-open")
    error = page.locator("#fu-code-error")
    error.wait_for(state="visible")
    assert "salah ketik" in error.inner_text()
    assert page.locator("#fu-code").get_attribute("aria-invalid") == "true"
    page.wait_for_timeout(300)
    assert requests == []  # not the API, not even the worker's script
    watched.assert_clean(page)
    watched.context.close()


def test_requests_without_a_valid_proof_of_work_are_refused_and_store_nothing(
    browser: Browser, served: Served
) -> None:
    watched = watch(browser, served.base)
    page = open_followup(watched, served)
    before = sorted(served.objects())
    body = json.dumps({"token": "ab" * 32})
    bits = served.config.limits.pow_bits
    now = datetime.now(UTC)
    good = pow_query("/api/v1/followup/status", body.encode(), bits, now)
    stale = pow_query(
        "/api/v1/followup/status", body.encode(), bits, now, bucket=bucket_of(now) - 5
    )
    other = pow_query("/api/v1/followup/messages", body.encode(), bits, now)
    cases = {
        "": "pow_required",
        "?pow=12-zz": "pow_invalid",
        "?" + other: "pow_invalid",  # made for another endpoint
        "?" + stale: "pow_expired",
    }
    for query, code in cases.items():
        answer: dict[str, Any] = page.evaluate(
            """async ([url, body]) => {
                 const r = await fetch(url, {method: "POST", body,
                   headers: {"Content-Type": "application/json"}});
                 return {status: r.status, body: await r.json()};
               }""",
            [served.base + "/api/v1/followup/status" + query, body],
        )
        assert answer["status"] == 400, query
        error = answer["body"]["error"]
        assert error["code"] == code
        assert "bukti kerja" in error["message"]["id"].lower()
        assert "proof of work" in error["message"]["en"]
        assert error["pow"]["bits"] == bits
    status: int = page.evaluate(
        """async ([url, body]) => (await fetch(url, {method: "POST", body,
             headers: {"Content-Type": "application/json"}})).status""",
        [served.base + "/api/v1/followup/status?" + good, body],
    )
    assert status == 404  # with a valid proof: the neutral answer for an unknown token
    assert sorted(served.objects()) == before
    watched.console_errors = [e for e in watched.console_errors if "40" not in e]
    watched.assert_clean(page)
    watched.context.close()
