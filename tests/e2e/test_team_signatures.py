"""The follow-up page checks the team's signatures in Chromium (issue 18; ADR 0040): a reply a
reviewer wrote with `peluit cases reply` (signed with the roster key) is the review team's; a
message the server wrote to the reply key itself, which decrypts just as well, is marked
"not verified" with a red warning, Indonesian first, never shown as the team's, and the files it
lists are not offered for download."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import Browser

from peluit.client import SubmitRequest, submit
from peluit.core import layout, thread
from peluit.core.receipt import ReceiptCode
from peluit.core.report import FileEntry, SegmentEntry
from peluit.review import compose
from peluit.store.local import LocalStore
from tests.e2e.conftest import Served, watch
from tests.e2e.test_followup import cases, open_followup
from tests.support.submitting import FIELDS

pytestmark = pytest.mark.e2e

SIGNED = "Mohon kirim foto kontraknya."
FORGED = "Hubungi 0812-0000-0000 untuk bantuan."


def test_the_page_shows_a_signed_reply_as_the_teams_and_a_forged_one_as_not_verified(
    browser: Browser, served: Served
) -> None:
    filed = submit(served.base, SubmitRequest(channel="pengaduan", fields=FIELDS))
    case = filed.case.replace("-", "").lower()
    cases(served, "reply", case, "--text", SIGNED)
    # Someone who controls the server encrypts a message of their own to the reply key.
    store = LocalStore(served.data / "store", lambda: datetime.now(UTC))
    recipient = ReceiptCode.parse(filed.receipt).reply_identity().recipient().encode()
    planted = FileEntry(
        name="formulir.pdf", size=10, segments=[SegmentEntry(size=300, sha256="ab" * 32)]
    )
    sealed = compose.message(served.config, "pengaduan", recipient, FORGED, [planted], "0f" * 16)
    day = datetime.now(UTC).date().isoformat()
    store.put_new(layout.case_message_claim(case, 2), thread.claim_bytes("rina", sealed, day))
    store.put_new(layout.case_message(case, 2, "rina"), sealed)

    watched = watch(browser, served.base, viewport={"width": 360, "height": 740})
    page = open_followup(watched, served, "/en/tindak-lanjut/")
    page.locator("#fu-code").fill(filed.receipt)
    page.click("#fu-open")
    page.wait_for_selector("#fu-case:not([hidden])", timeout=60_000)
    signed, forged = page.locator("#fu-thread > li").all()

    assert "peluit-message--team" in (signed.get_attribute("class") or "")
    assert signed.locator(".peluit-message-from").inner_text().startswith("Review team")
    assert signed.locator(".peluit-message-warning").count() == 0
    assert SIGNED in signed.inner_text()

    assert "peluit-message--unverified" in (forged.get_attribute("class") or "")
    assert "peluit-message--team" not in (forged.get_attribute("class") or "")
    who = forged.locator(".peluit-message-from").inner_text()
    assert who.startswith("TIDAK TERVERIFIKASI / NOT VERIFIED")
    warning = forged.locator(".peluit-message-warning[role=alert] p")
    assert warning.nth(0).inner_text().startswith("Peringatan: pesan ini tidak terbukti")
    assert warning.nth(1).inner_text().startswith("Warning: this message is not proven")
    color = warning.nth(0).evaluate("p => getComputedStyle(p).color")
    assert color == "rgb(164, 22, 26)"  # the page's error red
    # The files it lists are not offered: no download button, a note instead.
    assert forged.locator("button.peluit-download").count() == 0
    assert "cannot be downloaded here" in forged.inner_text()
    watched.assert_clean(page)
    watched.context.close()
