"""The reporter signs what they send (issue 18, finding 8): a report replaced on the server, or
a reporter message the server invents, is flagged by `peluit cases show`, the console and the
export. The case is filed and the message sent by the real clients (`peluit submit`'s and
`peluit followup send`'s code) against a real `peluit serve`; the forgeries are written into
its local store directly, as a compromised server would."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from peluit import age
from peluit.cli import cases_text
from peluit.client.channels import ChannelsDocument
from peluit.client.followup import FollowupSession
from peluit.client.submit import SubmitRequest, submit
from peluit.config.demo import DEMO_PASSPHRASE, demo_key_path
from peluit.core import padding
from peluit.core.receipt import ReceiptCode
from peluit.keys import open_key_file
from peluit.review.authenticity import MESSAGE_FORGED, REPORT_PROBLEMS, Verdict
from peluit.review.client import ReviewClient
from peluit.review.desk import ReviewDesk
from peluit.review.export import export_time, write_bundle
from peluit.review.transport import UrllibTransport
from peluit.site.forms import channels_document
from tests.support.cases import submit_case
from tests.support.console import ConsoleUnderTest, DemoServer

pytestmark = pytest.mark.functional

FIELDS = {"what": "suap izin", "who": "kepala dinas", "where": "kantor", "when": "Maret"}
FIELDS |= {"area": "perizinan"}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with DemoServer(tmp_path_factory.mktemp("signatures") / "var") as server:
        yield server


@pytest.fixture(scope="module")
def rina(served: DemoServer) -> Iterator[ConsoleUnderTest]:
    console = ConsoleUnderTest(served, "rina")
    try:
        yield console
    finally:
        console.close()


def _channels(served: DemoServer) -> ChannelsDocument:
    return ChannelsDocument.model_validate(channels_document(served.config))


def _file(served: DemoServer) -> tuple[str, str]:
    """A case filed by the reporter's client, and one message of theirs: (case, receipt)."""
    result = submit(served.base, SubmitRequest("pengaduan", FIELDS), channels=_channels(served))
    session = FollowupSession(served.base, result.receipt, channels=_channels(served))
    session.send("Saya punya bukti tambahan.")
    return case_id_of(served, result.receipt), result.receipt


def case_id_of(served: DemoServer, receipt: str) -> str:
    lookup = ReceiptCode.parse(receipt).lookup_hash().hex()
    entry = json.loads(served.objects(f"lookup/{lookup}.json")[f"lookup/{lookup}.json"])
    case: str = entry["case"]
    return case


def _desk(served: DemoServer) -> ReviewDesk:
    key = open_key_file(demo_key_path(served.data, "rina").read_bytes(), DEMO_PASSPHRASE)
    client = ReviewClient(served.base, key, UrllibTransport(timeout=30))
    return ReviewDesk(served.config, key, client)


def _object(served: DemoServer, key: str) -> Path:
    return served.data / "store" / "objects" / key


def _team(served: DemoServer) -> list[age.HybridRecipient]:
    channel = served.config.channel("pengaduan")
    assert channel is not None
    return [age.HybridRecipient.parse(r) for r in served.config.report_recipients(channel)]


def _console_page(rina: ConsoleUnderTest, case: str) -> str:
    browser = rina.client()
    assert browser.unlock(DEMO_PASSPHRASE).status == 303
    page = browser.get(f"/cases/{case}")
    assert page.status == 200
    return page.text


def _export_state(served: DemoServer, case: str) -> dict[str, object]:
    out = io.BytesIO()
    write_bundle(_desk(served), case, out, export_time(served.config))
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as bundle:
        name = next(n for n in bundle.namelist() if n.endswith("state.json"))
        state: dict[str, object] = json.loads(bundle.read(name))
    return state


def test_a_signed_report_and_message_verify(served: DemoServer) -> None:
    case, _ = _file(served)
    found = _desk(served).open_case(case)
    assert found.signature == Verdict.SIGNED
    assert found.problems == []
    [message] = found.messages
    assert (message.text, message.problem) == ("Saya punya bukti tambahan.", None)
    assert "SIGNATURE" not in cases_text.case(served.config, found)


def test_a_report_replaced_on_the_server_is_flagged_everywhere(
    served: DemoServer, rina: ConsoleUnderTest
) -> None:
    case, _ = _file(served)
    forged = {
        "format": "peluit-report/1",
        "channel": "pengaduan",
        "lang": "id",
        "answers": {"what": "Tidak ada masalah, laporan dicabut."},
        "identity_choice": "anonymous",
        "files": [],
    }
    sealed = age.encrypt(padding.pad(json.dumps(forged).encode()), _team(served))
    _object(served, f"cases/{case}/report.age").write_bytes(sealed)

    found = _desk(served).open_case(case)
    assert found.report is not None
    assert found.report.document is not None  # it decrypts: only the signature tells
    assert found.signature == Verdict.FORGED
    assert found.problems[0] == REPORT_PROBLEMS[Verdict.FORGED]
    assert "REPORTER SIGNATURE INVALID" in cases_text.case(served.config, found)
    page = _console_page(rina, case)
    assert "REPORTER SIGNATURE INVALID" in page
    assert 'class="error problem">TANDA TANGAN PELAPOR TIDAK SAH' in page
    assert _export_state(served, case)["reporter_signature"] == "bad_signature"


def test_a_reporter_message_invented_on_the_server_is_refused(
    served: DemoServer, rina: ConsoleUnderTest
) -> None:
    case, _ = _file(served)
    document = {"format": "peluit-message/1", "lang": "id", "text": "Saya menarik laporan."}
    sealed = age.encrypt(padding.pad(json.dumps(document | {"files": []}).encode()), _team(served))
    _object(served, f"cases/{case}/thread/00002.seq").write_bytes(b"")
    _object(served, f"cases/{case}/thread/00002-pelapor.age").write_bytes(sealed)

    found = _desk(served).open_case(case)
    genuine, invented = found.messages
    assert genuine.text == "Saya punya bukti tambahan."
    assert (invented.text, invented.problem) == (None, MESSAGE_FORGED)
    shown = cases_text.case(served.config, found)
    assert "not signed with the reporter's key" in shown
    assert "Saya menarik laporan" not in shown
    page = _console_page(rina, case)
    assert "tidak ditandatangani dengan kunci pelapor" in page
    assert "Saya menarik laporan" not in page


def test_an_older_case_without_a_key_says_unsigned(served: DemoServer) -> None:
    older = submit_case(served.config, served.server.store, {"what": "laporan lama"})
    found = _desk(served).open_case(older.case)
    assert found.signature == Verdict.OLDER
    assert "tidak ditandatangani (laporan lama)" in found.problems[0]
    assert "unsigned (older report)" in cases_text.case(served.config, found)
