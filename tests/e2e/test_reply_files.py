"""The reporter downloads, on the follow-up page, a file the reviewer attached to a reply with
`peluit cases reply --file`: fetched and checked against the team's manifest and decrypted in
the page's worker; the bytes the browser saves are the reviewer's (ADR 0021)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from peluit.client import SubmitRequest, submit
from tests.e2e.conftest import Served, watch
from tests.e2e.test_followup import cases, open_followup
from tests.support.submitting import FIELDS

pytestmark = pytest.mark.e2e

FORM = os.urandom(150 * 1024)  # more than one 64 KiB age chunk


def test_the_reporter_saves_the_reviewers_file_on_the_followup_page(
    browser: Browser, served: Served, tmp_path: Path
) -> None:
    filed = submit(served.base, SubmitRequest(channel="pengaduan", fields=FIELDS))
    case = filed.case.replace("-", "").lower()
    form = tmp_path / "formulir keberatan.pdf"
    form.write_bytes(FORM)
    cases(served, "reply", case, "--text", "Silakan isi formulir ini.", "--file", form)

    watched = watch(browser, served.base, viewport={"width": 360, "height": 740})
    page = open_followup(watched, served)
    page.locator("#fu-code").fill(filed.receipt)
    page.click("#fu-open")
    page.wait_for_selector("#fu-case:not([hidden])", timeout=60_000)
    [message] = page.locator("#fu-thread > li").all()
    assert "Silakan isi formulir ini." in message.inner_text()
    day = message.locator(".peluit-message-day").inner_text()
    assert day not in ("", "—")  # the day the server numbered it, never a time
    assert ":" not in day
    button = message.locator("button.peluit-download")
    assert "formulir keberatan.pdf" in button.inner_text()

    with page.expect_download(timeout=120_000) as waiting:
        button.click()
    download = waiting.value
    assert download.suggested_filename == "formulir keberatan.pdf"
    saved = tmp_path / "saved.pdf"
    download.save_as(saved)
    assert saved.read_bytes() == FORM
    page.wait_for_selector("#fu-file-status:not([hidden])")
    assert "formulir keberatan.pdf" in page.locator("#fu-file-status").inner_text()
    watched.assert_clean(page)
