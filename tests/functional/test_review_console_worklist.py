"""The console's case list as a work list, over real HTTP against a demo `peluit serve`: cases
in due-date order with the overdue first, the one-line summary, the filters (overdue, unread,
channel, status, KPK area), the search over what the console decrypted (never sent to the
server), the language switch, and the downloads' sizes."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from peluit import age
from peluit.config.demo import DEMO_PASSPHRASE
from peluit.core import thread
from peluit.core.ids import case_reference
from peluit.core.report import MessageDocument
from peluit.review.transport import HttpRequest, HttpResponse, UrllibTransport
from tests.support.cases import Attachment, submit_case
from tests.support.console import ConsoleClient, ConsoleUnderTest, DemoServer

pytestmark = pytest.mark.functional

MESSAGE_WORD = "kuitansiganda"  # only in a reporter's message
REPORT_WORD = "jembatankayu"  # only in one report's answers
BIG = b"x" * (9 * 1024 * 1024)  # above the page's large-download note


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
    fresh: str  # received today, pengadaan
    old: str  # received 40 days ago: its acknowledgement is overdue
    recent: str  # received 2 days ago, not yet due, with an unread message from the reporter
    gift: str  # gratifikasi channel


def _days_ago(days: int) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)


def reporter_says(served: DemoServer, case: str, text: str) -> None:
    """The reporter's message as the browser seals it (to the channel's team), stored."""
    channel = served.config.channel("pengaduan")
    assert channel is not None
    recipients = [age.HybridRecipient.parse(r) for r in served.config.report_recipients(channel)]
    document = MessageDocument.model_validate(
        {"format": "peluit-message/1", "lang": "id", "text": text, "files": []}
    )
    sealed = age.encrypt(document.model_dump_json().encode(), recipients)
    thread.append(served.server.store, case, thread.REPORTER, sealed, day="2026-01-05")


@pytest.fixture(scope="module")
def cases(served: DemoServer) -> Cases:
    store, config = served.server.store, served.config
    fresh = submit_case(
        config,
        store,
        {"what": f"Papan nama {REPORT_WORD} hilang.", "area": "pengadaan"},
        attachments=[Attachment("besar.bin", BIG), Attachment("kecil.txt", b"12345")],
    ).case
    old = submit_case(
        config,
        store,
        {"what": "Izin usaha dipungut biaya.", "area": "perizinan"},
        clock=lambda: _days_ago(40),
    ).case
    recent = submit_case(
        config,
        store,
        {"what": "Dana desa dipotong.", "area": "dana-desa"},
        clock=lambda: _days_ago(2),
    ).case
    reporter_says(served, recent, f"Ada bukti {MESSAGE_WORD} di kantor desa.")
    gift = submit_case(
        config,
        store,
        {"giver": "Kontraktor", "value": "1000000"},
        channel="gratifikasi",
        identity={"reporter_name": "Budi", "reporter_contact": "0812"},
    ).case
    return Cases(fresh, old, recent, gift)


@pytest.fixture(scope="module")
def recording() -> Recording:
    return Recording()


@pytest.fixture(scope="module")
def liaison(served: DemoServer, recording: Recording) -> Iterator[ConsoleUnderTest]:
    console = ConsoleUnderTest(served, "kpk-liaison", transport=recording)
    try:
        yield console
    finally:
        console.close()


@pytest.fixture
def browser(liaison: ConsoleUnderTest, cases: Cases) -> ConsoleClient:
    client = liaison.client()
    assert client.unlock(DEMO_PASSPHRASE).status == 303
    return client


def listed(page: str) -> list[str]:
    """The case references in the table, top to bottom."""
    return re.findall(r'<a href="/cases/[a-z0-9]+" class="ref">([A-Z0-9-]+)</a>', page)


def summary(page: str) -> str:
    found = re.search(r'<p class="summary" id="summary">(.*?)</p>', page, re.DOTALL)
    assert found is not None
    return html.unescape(re.sub(r"<[^>]+>", "|", found[1]))


def test_cases_are_listed_overdue_first_then_by_the_nearest_due_date(
    browser: ConsoleClient, cases: Cases
) -> None:
    page = browser.get("/cases").text
    order = [r for r in listed(page) if r != case_reference(cases.gift)]
    assert order == [case_reference(c) for c in (cases.old, cases.recent, cases.fresh)]
    assert "terlambat" in page.split(case_reference(cases.old))[1].split("</tr>")[0]


def test_the_summary_line_counts_cases_overdue_and_unread_messages(
    browser: ConsoleClient, cases: Cases
) -> None:
    line = summary(browser.get("/cases").text)
    indonesian, english = line.split("|", 1)
    assert indonesian.strip() == "4 perkara · 1 terlambat · 1 pesan belum dibaca"
    assert "4 cases · 1 overdue · 1 unread" in english
    filtered = summary(browser.get("/cases?overdue=1").text)
    assert filtered.startswith("1 perkara · 1 terlambat · 0 pesan belum dibaca · disaring dari 4")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("overdue=1", "old"),
        ("unread=1", "recent"),
        ("area=perizinan", "old"),
        ("area=dana-desa&unread=1", "recent"),
        ("channel=gratifikasi", "gift"),
        ("status=diterima&area=pengadaan", "fresh"),
    ],
)
def test_each_filter_leaves_only_the_matching_cases(
    browser: ConsoleClient, cases: Cases, query: str, expected: str
) -> None:
    page = browser.get(f"/cases?{query}").text
    assert listed(page) == [case_reference(getattr(cases, expected))]


def test_an_unknown_filter_value_is_a_clear_400(browser: ConsoleClient, cases: Cases) -> None:
    for query in ("area=tidak-ada", "status=hilang", "channel=pelayanan-lain"):
        refused = browser.get(f"/cases?{query}")
        assert refused.status == 400, query
        assert "Masukan tidak dapat dipakai." in refused.text


def test_the_search_finds_decrypted_words_and_never_sends_them(
    browser: ConsoleClient, cases: Cases, recording: Recording
) -> None:
    before = len(recording.sent)
    page = browser.get(f"/cases?q={REPORT_WORD.upper()}").text
    assert listed(page) == [case_reference(cases.fresh)]  # from the decrypted answers
    # A message is searchable once the console has decrypted it, that is once its case was
    # opened; the page says how much it searches.
    assert listed(browser.get(f"/cases?q={MESSAGE_WORD}").text) == []
    assert browser.get(f"/cases/{cases.recent}").status == 200
    page = browser.get(f"/cases?q=bukti+{MESSAGE_WORD}").text
    assert listed(page) == [case_reference(cases.recent)]
    assert "1 pesan" in page
    sent = recording.sent[before:]
    assert len(sent) >= 3  # the listing was asked for: the check below looked at real traffic
    for request in sent:
        lowered = request.lower()
        assert REPORT_WORD.encode() not in lowered
        assert MESSAGE_WORD.encode() not in lowered


def test_the_language_switch_shows_one_language_for_the_session_only(
    liaison: ConsoleUnderTest, cases: Cases
) -> None:
    client = liaison.client()
    client.get("/unlock")
    cookie = client.cookie
    switched = client.post("/language", {"lang": "en", "back": "/unlock"})
    assert (switched.status, switched.headers["Location"]) == (303, "/unlock")
    assert "Set-Cookie" not in switched.headers  # no cookie beyond the session's own
    unlock = client.get("/unlock").text
    assert '<html lang="en">' in unlock
    assert "Passphrase" in unlock
    assert "Frasa sandi" not in unlock
    client.post("/unlock", {"passphrase": DEMO_PASSPHRASE})
    assert client.cookie != cookie  # a new session id, and the choice went with it
    page = client.get("/cases").text
    assert "4 cases · 1 overdue · " in page
    for indonesian in ("Perkara", "Saluran", "terlambat", "Diterima", "Semua"):
        assert indonesian not in page, indonesian
    client.post("/language", {"lang": "id", "back": "/cases?overdue=1"})
    page = client.get("/cases?overdue=1").text
    assert '<html lang="id">' in page
    assert "1 perkara · 1 terlambat" in page
    assert 'lang="en"' not in page.replace('lang="en" aria-pressed', "")  # only the EN button
    client.post("/language", {"lang": "both", "back": "//evil.example/"})
    assert client.history[-1].headers["Location"] == "/cases"  # never off the console
    both = client.get("/cases").text
    assert "Perkara" in both
    assert "Cases" in both


def test_the_case_page_shows_each_files_size_the_total_and_a_note_for_large_ones(
    browser: ConsoleClient, cases: Cases
) -> None:
    page = browser.get(f"/cases/{cases.fresh}").text
    assert "2 berkas, 9.0 MiB seluruhnya" in page
    assert "9.0 MiB" in page.split('data-file="0"')[1].split("</tr>")[0]
    assert "5 B" in page.split('data-file="1"')[1].split("</tr>")[0]
    assert 'id="large-download"' in page
    assert "berisi lampiran sebesar 9.0 MiB" in page  # next to the export link
    headers = re.findall(r"<th[^>]*>(.*?)</th>", page, re.DOTALL)
    assert all(re.sub(r"<[^>]+>", "", h).strip() for h in headers)  # no empty header cell
    small = browser.get(f"/cases/{cases.old}").text
    assert 'id="large-download"' not in small
    assert "0 berkas" not in small  # a case without files shows no empty table
    assert "files-caption" not in small


def test_a_download_announces_its_size_so_the_browser_shows_progress(
    browser: ConsoleClient, cases: Cases
) -> None:
    answer = browser.get(f"/cases/{cases.fresh}/files/0")
    assert answer.status == 200
    assert answer.headers["Content-Length"] == str(len(BIG))
    assert answer.body == BIG


def test_the_cases_page_says_holidays_are_counted(browser: ConsoleClient, cases: Cases) -> None:
    page = browser.get("/cases").text
    assert "hari libur nasional belum dihitung" not in page
    assert "public holidays are not known" not in page
    assert "tanpa hari libur yang tercantum di konfigurasi" in page
    assert "without the holidays listed in the configuration" in page
