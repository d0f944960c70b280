"""The review console over real HTTP on 127.0.0.1, against a demo `peluit serve` with the
real (sealed) demo key files: the gatekeeping, and every page and action once."""

from __future__ import annotations

import hashlib
import html
import http.client
import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from peluit import age
from peluit.config.demo import DEMO_PASSPHRASE
from peluit.core import layout
from peluit.core.ids import case_reference
from peluit.review.content import decode_reply
from peluit.web.headers import SECURITY_HEADERS
from tests.support.cases import Attachment, Submitted, submit_case
from tests.support.console import ConsoleClient, ConsoleUnderTest, DemoServer

pytestmark = pytest.mark.functional

EVIDENCE = bytes(range(256)) * 1200  # 300 KiB
ANSWERS = {
    "what": 'Volume jalan dikurangi <script>alert("x")</script>',
    "who": "Kepala dinas",
    "where": "Muara Bulian",
    "when": "Maret 2025",
    "area": "pengadaan",
}


@pytest.fixture(scope="module")
def submitted(served: DemoServer) -> Submitted:
    attachments = [Attachment("../../bukti/rekaman.bin", EVIDENCE)]
    return submit_case(
        served.config,
        served.server.store,
        ANSWERS,
        attachments=attachments,
        identity={"reporter_name": "Siti Aminah", "reporter_contact": "0812"},
    )


@pytest.fixture(scope="module")
def agus(served: DemoServer) -> Iterator[ConsoleUnderTest]:
    console = ConsoleUnderTest(served, "agus")
    try:
        yield console
    finally:
        console.close()


@pytest.fixture
def browser(rina: ConsoleUnderTest) -> ConsoleClient:
    """A browser with an unlocked session on Rina's console."""
    client = rina.client()
    assert client.unlock(DEMO_PASSPHRASE).status == 303
    assert client.get("/cases").status == 200  # as the browser follows the redirect
    return client


# -- gatekeeping -----------------------------------------------------------------------------


def test_a_locked_console_sends_every_page_to_the_unlock_page(rina: ConsoleUnderTest) -> None:
    client = rina.client()
    for path in ("/", "/cases", "/cases/0123456789abcdef", "/identity-requests"):
        answer = client.get(path)
        assert (answer.status, answer.headers["Location"]) == (303, "/unlock")
    page = client.get("/unlock")
    assert page.status == 200
    assert "Frasa sandi" in page.text
    assert 'type="password"' in page.text


def test_the_wrong_passphrase_gets_a_clear_error_and_the_console_stays_locked(
    rina: ConsoleUnderTest,
) -> None:
    client = rina.client()
    answer = client.unlock("not the passphrase at all")
    assert answer.status == 200  # the form, again, with the reason
    assert "Set-Cookie" not in answer.headers  # still the same, locked session
    assert "Frasa sandi salah" in answer.text
    assert "Wrong passphrase" in answer.text
    assert client.get("/cases").headers["Location"] == "/unlock"


def test_a_request_naming_another_host_is_refused_even_with_a_session(
    browser: ConsoleClient, rina: ConsoleUnderTest
) -> None:
    for host in ("attacker.example", f"localhost:{rina.port}", f"attacker.example:{rina.port}"):
        answer = browser.get("/cases", headers={"Host": host})
        assert answer.status == 403
        assert b"Perkara" not in answer.body


def _snapshot(served: DemoServer) -> dict[str, bytes]:
    """Every stored object except the audit log, which reads append to."""
    return {k: v for k, v in served.objects().items() if not k.startswith(("audit/", "nonces/"))}


VALID = "the session's own token"


@pytest.mark.parametrize(
    ("token", "headers"),
    [
        (None, {}),
        ("x" * 43, {}),
        (VALID, {"Origin": "http://attacker.example"}),
        (VALID, {"Sec-Fetch-Site": "cross-site"}),
    ],
    ids=["token-missing", "token-wrong", "other-origin", "cross-site"],
)
def test_a_forged_post_is_refused_and_changes_nothing(
    browser: ConsoleClient,
    served: DemoServer,
    submitted: Submitted,
    token: str | None,
    headers: dict[str, str],
) -> None:
    before = _snapshot(served)
    form = {"text": "palsu"}
    if token is not None:
        form["csrf"] = (browser.csrf or "") if token == VALID else token
    answer = browser.request("POST", f"/cases/{submitted.case}/reply", form, headers)
    assert answer.status == 403
    assert _snapshot(served) == before


@pytest.mark.parametrize("length", ["\u00b2", "+2", "2" * 5000])
def test_a_content_length_that_is_not_ascii_decimal_is_a_400(
    rina: ConsoleUnderTest, length: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A "²" passes str.isdigit() but not int(): it must be refused, not fail the request."""
    client = rina.client()
    answer = client.request("POST", "/unlock", headers={"Content-Length": length})
    assert answer.status == 400
    assert "failed" not in capsys.readouterr().err
    assert client.get("/unlock").status == 200  # and the console goes on


def test_unlocking_replaces_the_session_id_so_an_earlier_one_is_worthless(
    rina: ConsoleUnderTest,
) -> None:
    client = rina.client()
    client.get("/unlock")
    before = client.cookie
    client.post("/unlock", {"passphrase": DEMO_PASSPHRASE})
    assert client.cookie != before
    stale = ConsoleClient(rina.port, cookie=before)
    assert stale.get("/cases").headers["Location"] == "/unlock"


def test_locking_ends_the_session(browser: ConsoleClient) -> None:
    assert browser.get("/cases").status == 200
    assert browser.post("/lock", {}).headers["Location"] == "/unlock"
    assert browser.get("/cases").headers["Location"] == "/unlock"


def test_pages_carry_the_security_headers_and_are_never_cached(
    browser: ConsoleClient, submitted: Submitted
) -> None:
    for path in ("/cases", f"/cases/{submitted.case}", "/static/console.css", "/unlock"):
        answer = browser.get(path)
        for name, value in SECURITY_HEADERS.items():
            assert answer.headers[name] == value
        assert answer.headers["Cache-Control"] == "no-store"
    page = browser.get("/cases").text
    assert "<script" not in page
    assert 'style="' not in page
    assert 'href="http' not in page  # every link and asset is the console's own
    assert 'src="' not in page


# -- pages and actions -----------------------------------------------------------------------


def test_the_case_list_shows_status_channel_area_and_due_dates(
    browser: ConsoleClient, submitted: Submitted
) -> None:
    page = browser.get("/cases").text
    assert case_reference(submitted.case) in page
    assert "Pengaduan dugaan korupsi" in page
    assert "Pengadaan barang dan jasa" in page  # the KPK area, from the decrypted report
    assert "Diterima" in page
    filtered = browser.get("/cases?channel=gratifikasi").text
    assert case_reference(submitted.case) not in filtered
    assert browser.get("/cases?channel=pelayanan-lain").status == 400


def test_the_case_page_shows_the_decrypted_report_with_labels_and_escapes_it(
    browser: ConsoleClient, submitted: Submitted
) -> None:
    page = browser.get(f"/cases/{submitted.case}").text
    assert "Apa yang terjadi?" in page
    assert "What happened?" in page
    assert "Volume jalan dikurangi &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<script>alert" not in page
    assert "../../bukti/rekaman.bin" in page  # shown as the reporter named it, escaped
    assert "Siti Aminah" not in page  # the identity block is the custodians'


def test_an_attachment_downloads_decrypted_under_a_safe_name(
    browser: ConsoleClient, submitted: Submitted
) -> None:
    answer = browser.get(f"/cases/{submitted.case}/files/0")
    assert answer.status == 200
    assert answer.body == EVIDENCE
    assert answer.headers["Content-Length"] == str(len(EVIDENCE))  # the browser shows progress
    assert "Transfer-Encoding" not in answer.headers
    assert answer.headers["Content-Type"] == "application/octet-stream"
    assert 'filename="rekaman.bin"' in answer.headers["Content-Disposition"]
    assert browser.get(f"/cases/{submitted.case}/files/7").status == 400


def test_a_download_of_several_segments_comes_out_whole_in_order(
    served: DemoServer, browser: ConsoleClient
) -> None:
    """Two segments (8 MiB and a part), decrypted a MiB at a time into one reused buffer and
    sent on: the body is the file, byte for byte, and its announced length; a second
    download (the segment buffers kept from the first) is the same."""
    plain = hashlib.shake_256(b"dua segmen").digest(9 * 1024 * 1024 + 12_345)
    case = submit_case(
        served.config,
        served.server.store,
        {"what": "dua segmen utuh"},
        attachments=[Attachment("video.bin", plain)],
    ).case
    for _ in range(2):
        answer = browser.get(f"/cases/{case}/files/0")
        assert answer.status == 200
        assert answer.headers["Content-Length"] == str(len(plain))
        assert answer.body == plain


def test_a_download_with_a_replaced_segment_never_completes(
    served: DemoServer, rina: ConsoleUnderTest, browser: ConsoleClient
) -> None:
    case = submit_case(
        served.config,
        served.server.store,
        {"what": "dua segmen"},
        attachments=[Attachment("besar.bin", b"A" * (9 * 1024 * 1024))],
    ).case
    recipients = [age.HybridRecipient.parse(r) for r in _report_recipients(served)]
    forged = age.encrypt(b"B" * (1024 * 1024), recipients)  # valid age, to the same people
    path = served.data / "store" / "objects" / layout.case_segment(case, 0, 1)
    path.write_bytes(forged)

    connection = http.client.HTTPConnection("127.0.0.1", rina.port, timeout=60)
    headers = {"Cookie": browser.cookie or "", "Sec-Fetch-Site": "same-origin"}
    connection.request("GET", f"/cases/{case}/files/0", headers=headers)
    response = connection.getresponse()
    assert response.status == 200  # the first segment was fine and is already on its way
    with pytest.raises(http.client.IncompleteRead):
        response.read()
    connection.close()

    first = served.data / "store" / "objects" / layout.case_segment(case, 0, 0)
    first.write_bytes(forged)
    refused = browser.get(f"/cases/{case}/files/0")  # nothing sent yet: an error page instead
    assert refused.status == 502
    assert "tidak utuh" in refused.text


def _messages(served: DemoServer, case: str) -> list[bytes]:
    thread = served.objects(layout.case_thread_prefix(case))
    return [data for key, data in thread.items() if key.endswith(".age")]


def _report_recipients(served: DemoServer) -> list[str]:
    channel = served.config.channel("pengaduan")
    assert channel is not None
    return served.config.report_recipients(channel)


def test_a_reply_and_a_status_change_are_encrypted_here_and_stored_there(
    served: DemoServer, browser: ConsoleClient
) -> None:
    case = submit_case(served.config, served.server.store, {"what": "balas"})
    page = browser.get(f"/cases/{case.case}")
    etag = html.unescape(page.text.split('name="etag" value="')[1].split('"')[0])

    answer = browser.post(f"/cases/{case.case}/reply", {"text": "Mohon kirim foto lokasi."})
    assert (answer.status, answer.headers["Location"]) == (303, f"/cases/{case.case}")
    [message] = _messages(served, case.case)
    assert decode_reply(age.decrypt(message, [case.reply])).text == "Mohon kirim foto lokasi."

    answer = browser.post(
        f"/cases/{case.case}/status",
        {"status": "diverifikasi", "target": "", "reason": "Bukti awal cukup.", "etag": etag},
    )
    assert answer.status == 303
    state = json.loads(served.objects(layout.case_state(case.case))[layout.case_state(case.case)])
    assert state["status"] == "diverifikasi"
    shown = browser.get(f"/cases/{case.case}").text
    assert "Status sudah diubah." in shown
    assert "Bukti awal cukup." in shown  # the reason, decrypted again from notes/
    assert "Mohon kirim foto lokasi." in shown

    stale = browser.post(
        f"/cases/{case.case}/status",
        {"status": "ditelaah", "target": "", "reason": "lama", "etag": etag},
    )
    assert stale.status == 409  # someone (here: we) changed it since that page was read


def test_an_identity_request_is_approved_by_the_custodian_and_then_shown_to_the_reviewer(
    browser: ConsoleClient, agus: ConsoleUnderTest, submitted: Submitted
) -> None:
    answer = browser.post(
        f"/cases/{submitted.case}/identity-request", {"reason": "Perlu klarifikasi saksi."}
    )
    assert answer.status == 303

    custodian = agus.client()
    custodian.unlock(DEMO_PASSPHRASE)
    assert custodian.get("/cases").status == 200
    requests = custodian.get("/identity-requests").text
    assert "Perlu klarifikasi saksi." in requests  # the reason, decrypted by the custodian
    # what the reporter chose, from the report the custodian decrypts here
    chose = re.sub(r'<span class="en" lang="en">[^<]*</span>', "", requests)
    assert "Identitas dirahasiakan (hanya kustodian)" in chose
    assert "untuk penghargaan menurut PP 43/2018. : Tidak" in chose
    approve = f"/identity-requests/{submitted.case}/rina/approve"
    assert approve in requests
    assert custodian.post(approve, {}).status == 303

    page = browser.get(f"/cases/{submitted.case}").text
    assert "Siti Aminah" in page
    assert "Nama lengkap" in page


def test_the_export_is_a_zip_with_a_manifest_of_correct_hashes(
    browser: ConsoleClient, submitted: Submitted, tmp_path: Path
) -> None:
    answer = browser.get(f"/cases/{submitted.case}/export")
    assert answer.status == 200
    assert answer.headers["Content-Type"] == "application/zip"
    assert int(answer.headers["Content-Length"]) == len(answer.body)
    with zipfile.ZipFile(io.BytesIO(answer.body)) as zf:
        folder = case_reference(submitted.case)
        attachment = zf.read(f"{folder}/attachments/00-rekaman.bin")
        assert attachment == EVIDENCE
        assert "Siti Aminah" not in b"".join(zf.read(n) for n in zf.namelist()).decode("latin-1")
        manifest = zf.read(f"{folder}/MANIFEST.sha256").decode()
    assert "attachments/00-rekaman.bin" in manifest


def test_a_person_off_the_roster_of_the_configuration_cannot_unlock(
    served: DemoServer, tmp_path: Path
) -> None:
    raw = served.config.model_dump(mode="json")
    raw["people"] = [p for p in raw["people"] if p["id"] != "rina"]
    for channel in raw["channels"]:
        channel["reviewers"] = [r for r in channel["reviewers"] if r != "rina"] or ["agus"]
    config = type(served.config).model_validate(raw)
    console = ConsoleUnderTest(served, "rina", config=config)
    try:
        client = console.client()
        answer = client.unlock(DEMO_PASSPHRASE)
        assert "not on the roster" in answer.text
        assert client.get("/cases").headers["Location"] == "/unlock"
    finally:
        console.close()
