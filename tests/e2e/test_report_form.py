"""A person reports through the form in Chromium; Python decrypts what the browser encrypted.

The form is filled the way a person fills it (typing, choosing, attaching a 30 MiB file),
under the production security headers of `peluit serve`. The stored objects are then
decrypted with the demo reviewers' and custodians' keys and compared with what was typed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Dialog, FloatRect, Page, Route, expect

from peluit import age
from peluit.api.review_models import ReporterOut
from peluit.core import padding, reporter_signature
from peluit.core.dates import add_working_days
from peluit.core.receipt import ReceiptCode
from peluit.core.report import IdentityDocument, ReportDocument
from peluit.review import authenticity
from tests.e2e.conftest import Served, Watched, watch
from tests.e2e.test_accessibility import axe_source

pytestmark = pytest.mark.e2e

MIB = 1024 * 1024
WHAT = "Volume pekerjaan jalan di Desa Sungai Baung dikurangi dari kontrak."
WHO = "Kepala bidang dan kontraktor pelaksana"


@pytest.fixture(scope="module")
def evidence(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("evidence") / "foto jalan (1).jpg"
    path.write_bytes(os.urandom(30 * MIB))
    return path


def open_form(watched: Watched, served: Served, path: str = "/lapor/pengaduan/") -> Page:
    page = watched.new_page()
    page.goto(served.base + path, wait_until="load")
    page.wait_for_selector("#pf-submit:not([disabled])", timeout=15_000)
    return page


def fill_report(page: Page, evidence: Path | None) -> None:
    page.locator("#pf-what").press_sequentially(WHAT)
    page.locator("#pf-who").fill(WHO)
    page.locator("#pf-where").press_sequentially("Kecamatan Muara Bulian")
    page.locator("#pf-when").fill("Agustus 2026")
    page.select_option("#pf-area", "pengadaan")
    page.locator("#pf-loss").fill("250000000")
    page.check("#pf-identity-confidential")
    page.check("#pf-consent_reward")  # shown once an identity is given
    page.locator("#pf-reporter_name").fill("Siti Aminah")
    page.locator("#pf-reporter_contact").fill("0812-0000-0000")
    if evidence is not None:
        page.set_input_files("#pf-files", str(evidence))


def review_and_send(page: Page) -> None:
    """Check before sending, then send from the review, as a person does."""
    page.click("#pf-submit")
    page.click("#pf-send")


def submit_and_read_receipt(page: Page) -> ReceiptCode:
    review_and_send(page)
    page.wait_for_selector("#pf-receipt:not([hidden])", timeout=180_000)
    return ReceiptCode.parse(page.locator("#pf-receipt-code").inner_text())


def case_of(served: Served, code: ReceiptCode) -> str:
    entry = served.objects()[f"lookup/{code.lookup_hash().hex()}.json"]
    case: str = json.loads(entry.read_bytes())["case"]
    return case


def test_a_report_typed_in_chromium_is_readable_only_by_the_right_people(
    browser: Browser, served: Served, evidence: Path
) -> None:
    watched = watch(browser, served.base, viewport={"width": 360, "height": 740})
    page = open_form(watched, served)
    # the upload worker started (idle) with the form; a worker.js started from now on is a
    # nested encryption worker (ADR 0057), Chromium having 2 or more cores here: the segments
    # decrypted below were encrypted there
    lanes: list[str] = []
    page.on("worker", lambda worker: lanes.append(worker.url))
    fill_report(page, evidence)
    code = submit_and_read_receipt(page)
    assert page.evaluate("navigator.hardwareConcurrency") >= 2
    assert [url for url in lanes if url.endswith("/assets/peluit/worker.js")], lanes

    case = case_of(served, code)
    # One code on the receipt: the case reference, which cannot be used to follow up, is not
    # shown next to it.
    reference = "-".join(case.upper()[i : i + 4] for i in range(0, len(case), 4))
    assert reference not in page.locator("#pf-receipt").inner_text()
    assert page.locator("#pf-case").count() == 0
    stored = served.objects(f"cases/{case}/")
    reviewer, custodian = served.keys("rina"), served.keys("agus")

    report = ReportDocument.model_validate_json(
        age.decrypt(stored[f"cases/{case}/report.age"].read_bytes(), reviewer)
    )
    assert report.answers["what"] == WHAT
    assert report.answers["who"] == WHO
    assert report.answers["area"] == "pengadaan"
    assert report.answers["consent_reward"] is True
    assert report.identity_choice == "confidential"
    assert report.identity is None  # the identity is only in identity.age
    [manifest] = report.files
    assert manifest.name == evidence.name
    assert manifest.size == 30 * MIB
    assert len(manifest.segments) == 4  # 8 MiB segments

    recovered = b""
    for index, segment in enumerate(manifest.segments):
        sealed = stored[f"cases/{case}/files/00/{index:05d}.age"].read_bytes()
        assert hashlib.sha256(sealed).hexdigest() == segment.sha256
        recovered += age.decrypt(sealed, reviewer)
    assert recovered == evidence.read_bytes()

    sealed_identity = stored[f"cases/{case}/identity.age"].read_bytes()
    # Padded to size buckets (issue 18): the name's length does not show.
    sealed_report = stored[f"cases/{case}/report.age"].read_bytes()
    for sealed in (sealed_report, sealed_identity):
        assert padding.is_bucket(age.inspect(sealed).payload_plaintext_size(len(sealed)))
    # Signed with the receipt code's key over what was stored (issue 18, finding 8).
    reply = json.loads(stored[f"cases/{case}/reply.json"].read_bytes())
    key = reporter_signature.public_key(code.signing_seed())
    assert reply["reporter_key"] == key.hex()
    assert reply["identity_sha256"] == hashlib.sha256(sealed_identity).hexdigest()
    # Statement version 2 (ADR 0042), as the browser wrote it: the case id it computed from
    # the submission id, and the reply key the team will encrypt to; not the older statement.
    assert reply["statement"] == 2
    signature = bytes.fromhex(reply["report_signature"])
    statement = reporter_signature.finalize_statement(
        case, sealed_report, sealed_identity, reply["reply_recipient"]
    )
    assert reporter_signature.verify(key, signature, statement)
    older = reporter_signature.report_statement(sealed_report, sealed_identity)
    assert not reporter_signature.verify(key, signature, older)
    assert reply["reply_recipient"] == code.reply_identity().recipient().encode()
    # The keys inside the encrypted report (ADR 0054), as the browser wrote them: the review
    # tool's check takes the real case, and refuses a reply.json re-signed with a forger's key.
    assert (report.reporter_key, report.reply_recipient) == (key.hex(), reply["reply_recipient"])
    assert report.reporter_key is not None
    assert report.reply_recipient is not None
    inside = authenticity.InsideKeys(report.reporter_key, report.reply_recipient)
    reporter = ReporterOut.model_validate(
        {
            "key": reply["reporter_key"],
            **{k: reply[k] for k in ("report_signature", "identity_sha256", "statement")},
        }
    )
    sha = hashlib.sha256(sealed_report).hexdigest()
    day = "2026-12-06"
    found = authenticity.check_case(
        case, reporter, sha, reply["reply_recipient"], day, None, None, inside
    )
    assert (found.verdict, found.reply_recipient, found.problems) == (
        authenticity.Verdict.SIGNED,
        report.reply_recipient,
        [],
    )
    forger = ReceiptCode.generate()
    forged_reply = forger.reply_identity().recipient().encode()
    forged_statement = reporter_signature.finalize_statement(
        case, sealed_report, sealed_identity, forged_reply
    )
    resigned = reporter.model_copy(
        update={
            "key": reporter_signature.public_key(forger.signing_seed()).hex(),
            "report_signature": reporter_signature.sign(
                forger.signing_seed(), forged_statement
            ).hex(),
        }
    )
    refused = authenticity.check_case(case, resigned, sha, forged_reply, day, None, None, inside)
    assert (refused.verdict, refused.reply_recipient) == (authenticity.Verdict.FORGED, None)
    assert authenticity.KEY_NOT_INSIDE in refused.problems
    identity = IdentityDocument.model_validate_json(age.decrypt(sealed_identity, custodian))
    assert identity.fields["reporter_name"] == "Siti Aminah"
    assert identity.case == case  # a custodian grants it as this case's only (ADR 0059)
    with pytest.raises(age.NoMatchError):
        age.decrypt(sealed_identity, reviewer)
    assert WHAT.encode() not in b"".join(p.read_bytes() for p in served.objects().values())

    # Nothing is left behind in the browser for someone who picks up the phone later.
    assert watched.context.cookies() == []
    leftovers = page.evaluate(
        "async () => [localStorage.length, sessionStorage.length,"
        " (await indexedDB.databases()).length]"
    )
    assert leftovers == [0, 0, 0]
    assert page.locator("#pf-what").input_value() == ""
    watched.assert_clean(page)
    watched.context.close()


def test_an_upload_cut_off_mid_way_resumes_into_one_intact_case(
    browser: Browser, served: Served, evidence: Path
) -> None:
    watched = watch(browser, served.base)
    cut: list[str] = []

    def flaky_network(route: Route) -> None:
        # The second segment's first two attempts die as if the phone lost its signal.
        if route.request.method == "PUT" and "/00001.age" in route.request.url and len(cut) < 2:
            cut.append(route.request.url)
            route.abort("internetdisconnected")
        else:
            route.continue_()

    watched.context.route("**/_upload/**", flaky_network)
    cases_before = {k.split("/")[1] for k in served.objects("cases/")}
    page = open_form(watched, served)
    fill_report(page, evidence)
    code = submit_and_read_receipt(page)

    assert len(cut) == 2
    case = case_of(served, code)
    cases_after = {k.split("/")[1] for k in served.objects("cases/")}
    assert cases_after - cases_before == {case}
    report = ReportDocument.model_validate_json(
        age.decrypt(served.objects()[f"cases/{case}/report.age"].read_bytes(), served.keys("rina"))
    )
    recovered = b"".join(
        age.decrypt(
            served.objects()[f"cases/{case}/files/00/{i:05d}.age"].read_bytes(),
            served.keys("rina"),
        )
        for i in range(len(report.files[0].segments))
    )
    assert hashlib.sha256(recovered).digest() == hashlib.sha256(evidence.read_bytes()).digest()
    # the aborted requests are the only console errors a browser reports for them
    watched.console_errors = [e for e in watched.console_errors if "ERR_INTERNET" not in e]
    watched.assert_clean(page)
    watched.context.close()


def test_a_filing_whose_answer_is_lost_is_sent_again_on_request_into_one_case(
    browser: Browser, served: Served
) -> None:
    """The finalize request reaches the server but its answer never comes back, and the next
    tries fail too: the page says the report may have arrived, keeps everything, and "try
    sending again" files the very same request (one case, the receipt code it was made for).
    """
    watched = watch(browser, served.base)
    bodies: list[str] = []

    def answer_lost(route: Route) -> None:
        bodies.append(route.request.post_data or "")
        if len(bodies) == 1:
            route.fetch()  # the server files the case...
            route.abort("internetdisconnected")  # ...and the phone never hears back
        elif len(bodies) <= 6:
            route.abort("internetdisconnected")
        else:
            route.continue_()

    watched.context.route("**/finalize*", answer_lost)
    cases_before = set(served.objects("cases/"))
    page = open_form(watched, served)
    fill_report(page, None)
    review_and_send(page)
    page.wait_for_selector("#pf-retry:not([hidden])", timeout=90_000)
    assert "mungkin sudah sampai" in page.locator("#pf-form-error").inner_text()
    assert page.locator("#pf-receipt").is_hidden()
    assert len(bodies) == 6
    filed = {k.split("/")[1] for k in set(served.objects("cases/")) - cases_before}
    assert len(filed) == 1  # filed by the first try, whose answer was lost

    page.click("#pf-retry")
    page.wait_for_selector("#pf-receipt:not([hidden])", timeout=30_000)
    code = ReceiptCode.parse(page.locator("#pf-receipt-code").inner_text())
    assert {case_of(served, code)} == filed
    assert {k.split("/")[1] for k in set(served.objects("cases/")) - cases_before} == filed
    assert len(bodies) == 7
    assert len({json.dumps(json.loads(b)) for b in bodies}) == 1  # the very same request
    watched.console_errors = [e for e in watched.console_errors if "ERR_INTERNET" not in e]
    watched.assert_clean(page)
    watched.context.close()


@pytest.mark.parametrize(
    ("path", "expected"),
    [("/lapor/pengaduan/", "Muat ulang halaman"), ("/en/lapor/pengaduan/", "Reload the page")],
)
def test_a_page_opened_before_a_key_change_is_told_to_reload_and_files_nothing(
    browser: Browser, served: Served, path: str, expected: str
) -> None:
    """Issue 18: a tab holding the channels.json from before a key swap encrypts to a removed
    key (as many keys as before, so the stanza count matches); the server refuses the stale
    recipient set and the form says to reload the page."""
    watched = watch(browser, served.base)
    removed = age.HybridIdentity.generate().recipient().encode()

    def before_the_swap(route: Route) -> None:
        document = route.fetch().json()
        spec = document["channels"]["pengaduan"]
        spec["report_recipients"] = [removed, *spec["report_recipients"][1:]]
        route.fulfill(json=document)

    watched.context.route("**/channels.json", before_the_swap)
    cases_before = set(served.objects("cases/"))
    page = open_form(watched, served, path)
    fill_report(page, None)
    review_and_send(page)
    error = page.locator("#pf-form-error")
    expect(error).to_contain_text(expected, timeout=60_000)
    assert page.locator("#pf-receipt").is_hidden()
    assert set(served.objects("cases/")) == cases_before
    watched.console_errors = [e for e in watched.console_errors if "409" not in e]
    watched.assert_clean(page)
    watched.context.close()


@pytest.mark.parametrize(
    ("path", "expected"),
    [("/lapor/pengaduan/", "wajib"), ("/en/lapor/pengaduan/", "required")],
)
def test_an_empty_form_is_not_sent_and_says_why_in_the_page_language(
    browser: Browser, served: Served, path: str, expected: str
) -> None:
    watched = watch(browser, served.base)
    posts: list[str] = []
    watched.context.on(
        "request", lambda r: posts.append(r.url) if r.method in {"POST", "PUT"} else None
    )
    page = open_form(watched, served, path)
    page.click("#pf-submit")
    error = page.locator("#pf-what-error")
    error.wait_for(state="visible")
    assert expected in error.inner_text().lower()
    assert page.evaluate("document.activeElement.id") == "pf-what"
    assert posts == []
    watched.assert_clean(page)
    watched.context.close()


SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


@pytest.mark.parametrize(
    ("path", "name"),
    [("/lapor/pengaduan/", "form-id-360.png"), ("/en/lapor/pengaduan/", "form-en-360.png")],
)
def test_the_form_fits_a_360_px_phone_and_is_photographed(
    browser: Browser, served: Served, path: str, name: str
) -> None:
    watched = watch(browser, served.base, viewport={"width": 360, "height": 740})
    page = open_form(watched, served, path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = page.locator("#peluit-form").screenshot(path=SCREENSHOTS / name)
    assert shot[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(shot[16:20], "big")  # the PNG header's width field
    assert 300 <= width <= 360
    watched.assert_clean(page)
    watched.context.close()


# -- identity and consent ------------------------------------------------------------------


def sends(watched: Watched) -> list[str]:
    """Every POST or PUT the context makes from now on (nothing may be sent when stopped)."""
    posts: list[str] = []
    watched.context.on(
        "request", lambda r: posts.append(r.url) if r.method in {"POST", "PUT"} else None
    )
    return posts


def fill_pengaduan(page: Page) -> None:
    page.locator("#pf-what").fill(WHAT)
    page.locator("#pf-who").fill(WHO)
    page.locator("#pf-where").fill("Kecamatan Muara Bulian")
    page.locator("#pf-when").fill("Agustus 2026")
    page.select_option("#pf-area", "pengadaan")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/lapor/pengaduan/", "hanya untuk pelapor yang menyebutkan identitas"),
        ("/en/lapor/pengaduan/", "only for reporters who give their identity"),
    ],
)
def test_an_anonymous_report_that_asks_for_a_reward_is_stopped_with_the_reason_on_screen(
    browser: Browser, served: Served, path: str, expected: str
) -> None:
    watched = watch(browser, served.base)
    page = open_form(watched, served, path)
    posts = sends(watched)
    consents = page.locator('[data-section="consents"]')
    assert consents.is_hidden()  # anonymous is the first choice: no consents to give
    fill_pengaduan(page)
    page.check("#pf-identity-confidential")
    page.check("#pf-consent_reward")
    page.check("#pf-identity-anonymous")  # changes their mind, the reward still ticked
    assert page.locator('[data-section="identity"]').is_hidden()
    assert consents.is_visible()  # the tick is not dropped unseen
    page.click("#pf-submit")

    error = page.locator("#pf-consent_reward-error")
    error.wait_for(state="visible")
    assert expected in error.inner_text()
    assert page.locator("#pf-form-error").is_visible()
    assert page.evaluate("document.activeElement.id") == "pf-consent_reward"
    assert page.locator("#pf-receipt").is_hidden()
    page.wait_for_timeout(500)  # a worker would have asked for a proof of work by now
    assert posts == []

    page.uncheck("#pf-consent_reward")  # unticked: the consents go away again
    assert consents.is_hidden()
    assert page.locator("#pf-consent_reward").is_disabled()
    watched.assert_clean(page)
    watched.context.close()


def test_confidential_without_any_way_to_reach_the_reporter_is_stopped(
    browser: Browser, served: Served
) -> None:
    watched = watch(browser, served.base)
    page = open_form(watched, served, "/en/lapor/pengaduan/")
    posts = sends(watched)
    fill_pengaduan(page)
    page.check("#pf-identity-confidential")
    page.locator("#pf-reporter_name").fill("Siti Aminah")
    page.click("#pf-submit")

    error = page.locator("#pf-reporter_contact-error")
    error.wait_for(state="visible")
    assert "at least one way to reach you" in error.inner_text()
    assert page.evaluate("document.activeElement.id") == "pf-reporter_contact"
    page.wait_for_timeout(500)
    assert posts == []
    assert page.locator("#pf-receipt").is_hidden()
    watched.assert_clean(page)
    watched.context.close()


def fill_gift(page: Page, received: str, nik: str) -> None:
    page.locator("#pf-giver").fill("PT Contoh Jaya")
    page.locator("#pf-relation").fill("Rekanan pengadaan")
    page.locator("#pf-occasion").fill("Hari raya")
    page.locator("#pf-kind_of_gift").fill("Parsel")
    page.locator("#pf-value").fill("1.500.000")
    page.locator("#pf-received_on").fill(received)
    page.locator("#pf-reporter_name").fill("Budi Santoso")
    page.locator("#pf-reporter_nik").fill(nik)
    page.locator("#pf-reporter_position").fill("Staf, Dinas PUPR")
    page.locator("#pf-reporter_contact").fill("0812-0000-0000")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/lapor/gratifikasi/", "NIK terdiri dari 16 angka, seperti pada KTP. Yang tertulis: 15"),
        ("/en/lapor/gratifikasi/", "A NIK has 16 digits, as on the ID card (KTP). You wrote 15"),
    ],
)
def test_a_gratification_nik_of_15_digits_is_stopped(
    browser: Browser, served: Served, path: str, expected: str
) -> None:
    watched = watch(browser, served.base)
    page = open_form(watched, served, path)
    posts = sends(watched)
    fill_gift(page, "2026-11-20", "1504 0101 0101 000")
    page.click("#pf-submit")

    error = page.locator("#pf-reporter_nik-error")
    error.wait_for(state="visible")
    assert expected in error.inner_text()
    page.wait_for_timeout(500)
    assert posts == []
    page.locator("#pf-reporter_nik").fill("1504 0101 0101 0001")  # 16 digits: the error goes
    assert error.is_hidden()
    watched.assert_clean(page)
    watched.context.close()


def test_gratification_shows_its_deadlines_in_working_days_from_the_date_received(
    browser: Browser, served: Served
) -> None:
    watched = watch(browser, served.base)
    page = open_form(watched, served, "/en/lapor/gratifikasi/")
    rule = page.locator("#pf-received_on-deadline-rule").inner_text()
    assert "10 working days to the agency's UPG or 30 working days directly to KPK" in rule
    deadlines = page.locator("#pf-received_on-deadlines li")
    assert deadlines.count() == 0  # no date yet: the rule in words only

    # Friday 14 August 2026: Monday the 17th is Independence Day, a configured holiday.
    received = date(2026, 8, 14)
    page.locator("#pf-received_on").fill(received.isoformat())
    page.locator("#pf-received_on").dispatch_event("change")
    deadlines.nth(1).wait_for()
    holidays = served.config.organisation.holidays
    upg, kpk = (add_working_days(received, days, holidays) for days in (10, 30))
    assert (upg, kpk) == (date(2026, 8, 31), date(2026, 9, 28))

    def long(day: date) -> str:
        return f"{day.day} {day:%B %Y}"

    def passed(day: date) -> str:
        return " — this date has passed." if day < date.today() else "."

    assert deadlines.all_inner_texts() == [
        f"By {long(upg)} to the agency's UPG (10 working days){passed(upg)}",
        f"By {long(kpk)} directly to KPK (30 working days){passed(kpk)}",
    ]
    page.locator("#pf-received_on").fill("")
    page.locator("#pf-received_on").dispatch_event("change")
    page.wait_for_function("!document.querySelector('#pf-received_on-deadlines li')")
    watched.assert_clean(page)
    watched.context.close()


def test_a_gratification_with_a_16_digit_nik_is_filed_with_its_digits(
    browser: Browser, served: Served
) -> None:
    watched = watch(browser, served.base)
    page = open_form(watched, served, "/lapor/gratifikasi/")
    fill_gift(page, "2026-11-20", "1504 0101 0101 0001")
    code = submit_and_read_receipt(page)
    case = case_of(served, code)
    sealed = served.objects()[f"cases/{case}/identity.age"].read_bytes()
    identity = IdentityDocument.model_validate_json(age.decrypt(sealed, served.keys("dewi")))
    assert identity.fields["reporter_nik"] == "1504010101010001"
    watched.assert_clean(page)
    watched.context.close()


# -- issue 13: what a reporter stumbled on ---------------------------------------------------

VIEWPORTS = {"360": {"width": 360, "height": 740}, "1280": {"width": 1280, "height": 800}}
MONTHS = {
    "id": [
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ],
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
}


def long_date(day: date, lang: str) -> str:
    return f"{day.day} {MONTHS[lang][day.month - 1]} {day.year}"


def axe_problems(page: Page) -> list[str]:
    """Every axe-core violation on the page as it is now (any impact)."""
    page.evaluate(axe_source())
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']})" for v in results["violations"]]


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_long_text_is_counted_and_warned_about_and_never_cut(
    browser: Browser, served: Served, viewport: dict[str, int]
) -> None:
    watched = watch(browser, served.base, viewport=viewport)
    page = open_form(watched, served)
    posts = sends(watched)
    counter = page.locator("#pf-what-count")
    assert counter.inner_text() == "0 dari 5.000 karakter"
    assert "pf-what-count" in (page.locator("#pf-what").get_attribute("aria-describedby") or "")
    page.locator("#pf-what").fill("a" * 4_100)
    expect(counter).to_have_text("4.100 dari 5.000 karakter — sisa 900")
    expect(counter).to_have_class(re.compile("peluit-counter--near"))

    page.locator("#pf-what").fill("a" * 5_020)  # pasted: nothing is cut
    expect(counter).to_contain_text("5.020 dari 5.000 karakter — kelebihan 20")
    expect(counter).to_have_class(re.compile("peluit-counter--over"))
    # said once to a screen reader when it crosses into "near" and into "over", not per keystroke
    assert page.locator("#pf-count-status").get_attribute("role") == "status"
    expect(page.locator("#pf-count-status")).to_have_text(counter.inner_text())
    assert len(page.locator("#pf-what").input_value()) == 5_020

    # A one-line answer's counter shows only near its limit.
    where = page.locator("#pf-where-count")
    assert where.is_hidden()
    page.locator("#pf-where").fill("b" * 4_500)
    expect(where).to_be_visible()

    page.locator("#pf-who").fill(WHO)
    page.locator("#pf-where").fill("Kecamatan Muara Bulian")
    page.locator("#pf-when").fill("Agustus 2026")
    page.select_option("#pf-area", "pengadaan")
    page.click("#pf-submit")
    expect(page.locator("#pf-what-error")).to_have_text(
        "Terlalu panjang: 5020 karakter, paling banyak 5000."
    )
    assert page.locator("#pf-review").is_hidden()
    assert page.evaluate("document.activeElement.id") == "pf-what"
    page.wait_for_timeout(300)
    assert posts == []
    watched.assert_clean(page)
    watched.context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_files_chosen_again_are_added_and_each_can_be_removed(
    browser: Browser, served: Served, viewport: dict[str, int], tmp_path: Path
) -> None:
    first, second = tmp_path / "kuitansi.pdf", tmp_path / "foto.jpg"
    first.write_bytes(b"%PDF-1.4 " + os.urandom(2000))
    second.write_bytes(os.urandom(3000))
    watched = watch(browser, served.base, viewport=viewport)
    page = open_form(watched, served)
    names = page.locator("#pf-file-list .peluit-file-name")
    page.set_input_files("#pf-files", str(first))
    page.set_input_files("#pf-files", str(second))  # a second choice adds
    page.set_input_files("#pf-files", str(first))  # the same file again is kept once
    assert names.all_inner_texts() == ["kuitansi.pdf", "foto.jpg"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator('[data-section="files"]').screenshot(
        path=SCREENSHOTS / f"files-id-{viewport['width']}.png"
    )

    picker = page.locator("#pf-files").bounding_box()
    assert picker is not None
    assert picker["height"] >= 44  # its button too
    assert page.locator("label[for=pf-files]").inner_text() == "Tambah berkas"
    remove = page.get_by_role("button", name="Hapus berkas kuitansi.pdf")
    box = remove.bounding_box()
    assert box is not None
    assert box["height"] >= 44
    assert box["width"] >= 44
    remove.click()
    assert names.all_inner_texts() == ["foto.jpg"]
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == (
        "Hapus berkas foto.jpg"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

    fill_pengaduan(page)
    page.click("#pf-submit")
    files = page.locator("#pf-review-list dd").last
    expect(files).to_have_text("foto.jpg (2,9 KB)")
    code = submit_from_review(page)
    case = case_of(served, code)
    report = ReportDocument.model_validate_json(
        age.decrypt(served.objects()[f"cases/{case}/report.age"].read_bytes(), served.keys("rina"))
    )
    assert [f.name for f in report.files] == ["foto.jpg"]
    watched.assert_clean(page)
    watched.context.close()


def submit_from_review(page: Page) -> ReceiptCode:
    page.click("#pf-send")
    page.wait_for_selector("#pf-receipt:not([hidden])", timeout=120_000)
    return ReceiptCode.parse(page.locator("#pf-receipt-code").inner_text())


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_enter_in_a_one_line_answer_never_sends(
    browser: Browser, served: Served, viewport: dict[str, int]
) -> None:
    watched = watch(browser, served.base, viewport=viewport)
    page = open_form(watched, served)
    posts = sends(watched)
    fill_pengaduan(page)
    for field in ("#pf-where", "#pf-when", "#pf-loss", "#pf-area"):
        assert page.locator(field).get_attribute("enterkeyhint") in {"next", None}
        page.locator(field).press("Enter")
    assert page.locator("#pf-where").get_attribute("enterkeyhint") == "next"
    page.locator("#pf-what").press("End")
    page.locator("#pf-what").press("Enter")  # in a long answer Enter is a new line
    assert page.locator("#pf-what").input_value() == WHAT + "\n"
    page.wait_for_timeout(300)
    assert page.locator("#pf-review").is_hidden()
    assert page.locator("#pf-receipt").is_hidden()
    assert page.locator("#pf-where").is_visible()
    assert posts == []
    watched.assert_clean(page)
    watched.context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_leaving_a_form_with_answers_asks_first_and_guidance_opens_in_a_new_tab(
    browser: Browser, served: Served, viewport: dict[str, int]
) -> None:
    watched = watch(browser, served.base, viewport=viewport)
    page = open_form(watched, served)
    guide = page.locator('article a[href*="cara-melapor"]')
    assert (guide.get_attribute("target"), guide.get_attribute("rel")) == ("_blank", "noopener")
    assert guide.locator(".peluit-sr-only").text_content() == " (membuka tab baru)"
    page.locator("#pf-what").press_sequentially("Volume dikurangi")
    with page.expect_popup() as opened:
        guide.click()
    opened.value.close()
    assert page.locator("#pf-what").input_value() == "Volume dikurangi"

    asked: list[str] = []

    def stay(dialog: Dialog) -> None:
        asked.append(dialog.type)
        dialog.dismiss()  # "stay on this page"

    page.on("dialog", stay)
    english = page.locator('.md-header a[hreflang="en"]')
    page.locator(".md-header .md-select").first.hover()
    english.click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert page.url == served.base + "/lapor/pengaduan/"
    assert page.locator("#pf-what").input_value() == "Volume dikurangi"

    page.locator("#pf-what").fill("")  # nothing typed any more: leaving asks nothing
    page.locator(".md-header .md-select").first.hover()
    english.click()
    page.wait_for_url(served.base + "/en/lapor/pengaduan/")
    assert asked == ["beforeunload"]
    watched.assert_clean(page)
    watched.context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_the_review_shows_every_answer_and_file_and_edit_keeps_them(
    browser: Browser, served: Served, viewport: dict[str, int], tmp_path: Path
) -> None:
    photo = tmp_path / "jalan.jpg"
    photo.write_bytes(os.urandom(5000))
    watched = watch(browser, served.base, viewport=viewport)
    page = open_form(watched, served)
    posts = sends(watched)
    fill_report(page, photo)
    page.click("#pf-submit")

    review = page.locator("#pf-review")
    expect(review).to_be_visible()
    assert page.evaluate("document.activeElement.id") == "pf-review-title"
    assert page.locator("#pf-what").is_hidden()  # the questions give way to the review
    shown = dict(
        zip(
            page.locator("#pf-review-list dt").all_inner_texts(),
            page.locator("#pf-review-list dd").all_inner_texts(),
            strict=True,
        )
    )
    labels = page.locator("#pf-review-list dt").all_inner_texts()
    assert WHAT in shown.values()
    assert WHO in shown.values()
    assert "250000000" in shown.values()
    assert "Identitas dirahasiakan" in shown.values()
    assert "Siti Aminah" in shown.values()
    assert "jalan.jpg (4,9 KB)" in shown.values()
    assert "Pengadaan barang dan jasa" in shown.values()  # the option's words, not its id
    assert not any(label.endswith("*") for label in labels)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert axe_problems(page) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    review.screenshot(path=SCREENSHOTS / f"review-id-{viewport['width']}.png")
    assert posts == []

    page.click("#pf-edit")
    expect(page.locator("#pf-what")).to_be_visible()
    assert page.locator("#pf-what").input_value() == WHAT
    assert page.locator("#pf-file-list .peluit-file-name").all_inner_texts() == ["jalan.jpg"]
    assert review.is_hidden()
    assert posts == []
    watched.assert_clean(page)
    watched.context.close()


def overlaps(a: FloatRect | None, b: FloatRect | None) -> bool:
    if a is None or b is None:
        return False
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


@pytest.mark.parametrize(
    ("viewport", "path", "lang"),
    [
        (VIEWPORTS["360"], "/lapor/pengaduan/", "id"),
        (VIEWPORTS["1280"], "/en/lapor/pengaduan/", "en"),
    ],
    ids=["360-id", "1280-en"],
)
def test_the_receipt_can_be_read_saved_and_followed_up(
    browser: Browser, served: Served, viewport: dict[str, int], path: str, lang: str
) -> None:
    watched = watch(browser, served.base, viewport=viewport, accept_downloads=True)
    today = datetime.now(ZoneInfo(served.config.organisation.timezone)).date()
    # The next two weekdays become holidays, so the due day shows they are skipped.
    weekdays = (today + timedelta(days=n) for n in range(1, 10))
    holidays = set(served.config.organisation.holidays) | set(
        [d for d in weekdays if d.weekday() < 5][:2]
    )

    def with_holidays(route: Route) -> None:
        document = route.fetch().json()
        document["holidays"] = sorted(d.isoformat() for d in holidays)
        route.fulfill(json=document)

    watched.context.route("**/channels.json", with_holidays)
    page = open_form(watched, served, path)
    fill_pengaduan(page)
    page.click("#pf-submit")
    code = submit_from_review(page)

    # Below the sticky header, and nothing covers the heading or the code, not even "back to
    # top" when it shows (it shows while scrolling up).
    heading, shown_code = page.locator("#pf-receipt h2"), page.locator("#pf-receipt-code")
    page.wait_for_timeout(300)
    header = page.locator(".md-header").bounding_box()
    assert header is not None
    assert heading.bounding_box()["y"] >= header["y"] + header["height"]  # type: ignore[index]
    page.mouse.wheel(0, -40)
    page.wait_for_timeout(600)
    top = page.locator(".md-top")
    for covered in (heading, shown_code):
        assert not overlaps(
            top.bounding_box() if top.is_visible() else None, covered.bounding_box()
        )
        assert not overlaps(header, covered.bounding_box())

    # One code, in groups of four that never break across lines.
    groups = page.locator("#pf-receipt-code .peluit-code-group")
    assert groups.count() == 7
    assert page.evaluate(
        "[...document.querySelectorAll('#pf-receipt-code .peluit-code-group')]"
        ".every((g) => g.getClientRects().length === 1)"
    )
    # ...however narrow the box (a larger font, a narrower phone): squeezed here, then restored.
    unbroken = page.evaluate(
        """() => {
          const box = document.querySelector('#pf-receipt-code');
          const out = [60, 90, 120, 150].map((width) => {
            box.style.width = `${width}px`;
            return [...box.querySelectorAll('.peluit-code-group')]
              .every((g) => g.getClientRects().length === 1);
          });
          box.style.width = '';
          return out;
        }"""
    )
    assert unbroken == [True] * 4
    assert page.evaluate(
        "(e => e.scrollWidth <= e.clientWidth)(document.querySelector('#pf-receipt-code'))"
    )
    assert page.locator("#pf-case").count() == 0

    # The day received, the day the first answer is due (3 working days, holidays excluded).
    due = add_working_days(today, 3, holidays)
    assert due > add_working_days(today, 3, served.config.organisation.holidays)
    assert page.locator("#pf-date").inner_text() == long_date(today, lang)
    assert page.locator("#pf-due").inner_text() == long_date(due, lang)
    followup = page.locator("#pf-followup")
    followup_url = served.base + ("/en" if lang == "en" else "") + "/tindak-lanjut/"
    assert page.evaluate("document.querySelector('#pf-followup').href") == followup_url

    # "Save as text": a small file made in the browser.
    with page.expect_download() as saved:
        page.click("#pf-save")
    text = Path(saved.value.path()).read_text(encoding="utf-8")
    assert saved.value.suggested_filename == (
        "peluit-receipt.txt" if lang == "en" else "peluit-tanda-terima.txt"
    )
    assert str(code) in text
    assert followup_url in text
    assert long_date(due, lang) in text
    assert long_date(today, lang) in text

    assert axe_problems(page) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"receipt-{lang}-{viewport['width']}.png")

    # Leaving asks first until "I have saved my code" is ticked.
    asked: list[str] = []

    def stay(dialog: Dialog) -> None:
        asked.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    followup.click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert page.locator("#pf-receipt").is_visible()
    page.check("#pf-saved")
    followup.click()
    page.wait_for_url(followup_url)
    assert asked == ["beforeunload"]

    # The follow-up page: the code fits its box; the timeline marks "received" and the due day.
    page.wait_for_selector("#fu-open:not([disabled])", timeout=15_000)
    page.locator("#fu-code").fill(str(code))
    assert page.evaluate(
        "(e => e.scrollWidth <= e.clientWidth)(document.querySelector('#fu-code'))"
    )
    page.click("#fu-open")
    page.wait_for_selector("#fu-case:not([hidden])", timeout=60_000)
    steps = page.locator("#fu-timeline li")
    expect(steps).to_have_count(5)
    current = page.locator('#fu-timeline li[aria-current="step"]')
    assert current.inner_text() == ("Received (now)" if lang == "en" else "Diterima (sekarang)")
    expect(page.locator("#fu-next")).to_contain_text(long_date(due, lang))
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert axe_problems(page) == []
    page.locator("#fu-case").screenshot(
        path=SCREENSHOTS / f"followup-timeline-{lang}-{viewport['width']}.png"
    )
    watched.assert_clean(page)
    watched.context.close()
