"""The reporter signs what they send (issue 18, finding 8): a report replaced on the server, or
a reporter message the server invents, is flagged by `peluit cases show`, the console and the
export. The case is filed and the message sent by the real clients (`peluit submit`'s and
`peluit followup send`'s code) against a real `peluit serve`; the forgeries are written into
its local store directly, as a compromised server would."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from pathlib import Path

import pytest

from peluit import age
from peluit.cli import cases_text
from peluit.client.channels import ChannelsDocument
from peluit.client.errors import ApiError
from peluit.client.followup import FollowupSession
from peluit.client.submit import SubmitRequest, submit
from peluit.config.demo import DEMO_PASSPHRASE, demo_key_path
from peluit.core import padding, reporter_signature
from peluit.core.receipt import ReceiptCode
from peluit.keys import open_key_file
from peluit.review.authenticity import (
    KEY_CHANGED,
    KEY_NOT_INSIDE,
    MESSAGE_FORGED,
    NOT_INSIDE,
    REPLY_CHANGED,
    REPLY_NOT_INSIDE,
    REPORT_PROBLEMS,
    Verdict,
)
from peluit.review.client import ReviewClient
from peluit.review.desk import ReviewDesk
from peluit.review.errors import ReviewInputError
from peluit.review.export import export_time, write_bundle
from peluit.review.pins import FilePins, MemoryPins, Pins
from peluit.review.transport import UrllibTransport
from peluit.site.forms import channels_document
from tests.support.cases import submit_case
from tests.support.console import ConsoleUnderTest, DemoServer

pytestmark = pytest.mark.functional

FIELDS = {"what": "suap izin", "who": "kepala dinas", "where": "kantor", "when": "Maret"}
FIELDS |= {"area": "perizinan"}


# `served` (a demo peluit serve) and `rina` (her console) come from tests/functional/conftest.py


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


def _desk(served: DemoServer, pins: Pins | None = None, since: date | None = None) -> ReviewDesk:
    """Rina's desk; `pins`: what her tool saw before; `since`: the configuration's
    `reporter_signatures_since`."""
    key = open_key_file(demo_key_path(served.data, "rina").read_bytes(), DEMO_PASSPHRASE)
    client = ReviewClient(served.base, key, UrllibTransport(timeout=30))
    config = served.config
    if since is not None:
        organisation = config.organisation.model_copy(update={"reporter_signatures_since": since})
        config = config.model_copy(update={"organisation": organisation})
    return ReviewDesk(config, key, client, pins=pins)


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


# -- statement version 2, pinning and downgrades (ADR 0042): a compromised server rewrites its
# own store; each rewrite is refused or flagged by name ----------------------------------------


def _attacker_reply() -> str:
    return ReceiptCode.generate().reply_identity().recipient().encode()


def _rewrite_reply_json(served: DemoServer, case: str, **changes: object) -> None:
    """What an account admin who lifted the bucket's create-only policy writes: a new
    version of reply.json (`None` removes a field)."""
    path = _object(served, f"cases/{case}/reply.json")
    entry = json.loads(path.read_bytes()) | changes
    path.write_bytes(json.dumps({k: v for k, v in entry.items() if v is not None}).encode())


def _team_messages(served: DemoServer, case: str) -> list[str]:
    thread = served.objects(f"cases/{case}/thread/")
    return [k for k in thread if k.endswith(".age") and not k.endswith("-pelapor.age")]


def test_a_reply_key_swapped_on_the_server_is_refused_and_nothing_is_encrypted_to_it(
    served: DemoServer, rina: ConsoleUnderTest
) -> None:
    case, _ = _file(served)
    assert _desk(served).open_case(case).reply_recipient is not None  # signed: usable
    _rewrite_reply_json(served, case, reply_recipient=_attacker_reply())

    desk = _desk(served)
    found = desk.open_case(case)
    assert (found.signature, found.reply_recipient) == (Verdict.FORGED, None)
    assert REPLY_NOT_INSIDE in found.problems  # the report carries the reporter's (ADR 0054)
    with pytest.raises(ReviewInputError, match="REPLY KEY ON THE SERVER IS NOT THE ONE INSIDE"):
        desk.reply(case, "Mohon kirim dokumen aslinya.")
    with pytest.raises(ReviewInputError, match="KUNCI BALASAN DI SERVER BUKAN"):
        desk.change_status(case, "ditelaah", "mulai", None, tell_reporter="Kami mulai menelaah.")
    assert _team_messages(served, case) == []
    page = _console_page(rina, case)
    assert "KUNCI BALASAN DI SERVER BUKAN KUNCI DI DALAM LAPORAN TERENKRIPSI" in page
    assert f'action="/cases/{case}/reply"' not in page  # no reply form to fill
    fresh = _file(served)[0]
    assert f'action="/cases/{fresh}/reply"' in _console_page(rina, fresh)  # a signed case has one


def test_a_signing_key_stripped_from_a_signed_era_case_is_forged_not_older(
    served: DemoServer,
) -> None:
    case, _ = _file(served)
    pins = MemoryPins()
    assert _desk(served, pins).open_case(case).signature == Verdict.SIGNED
    _rewrite_reply_json(
        served, case, reporter_key=None, report_signature=None, identity_sha256=None, statement=None
    )

    # the configuration says every case from the cut-over day on is signed
    by_config = _desk(served, since=date(2026, 1, 1)).open_case(case)
    assert (by_config.signature, by_config.reply_recipient) == (Verdict.STRIPPED, None)
    assert by_config.problems[0] == REPORT_PROBLEMS[Verdict.STRIPPED]
    [message] = by_config.messages
    assert (message.text, message.problem) == (None, MESSAGE_FORGED)  # nothing to check it with
    assert "REPORTER SIGNING KEY MISSING" in cases_text.case(served.config, by_config)
    # this reviewer's tool saw the case signed before: the same, without the configuration
    by_pin = _desk(served, pins).open_case(case)
    assert by_pin.signature == Verdict.STRIPPED
    # neither: the report itself carries the key (ADR 0054), which closes the limit ADR 0042
    # named (a tool that never saw the case, no cut-over day)
    assert _desk(served).open_case(case).signature == Verdict.STRIPPED


def test_a_signed_message_moved_to_another_case_is_refused(served: DemoServer) -> None:
    source, _ = _file(served)
    target, _ = _file(served)
    thread = f"cases/{source}/thread"
    for name, to in (("00001-pelapor.age", "00002-pelapor.age"), ("00001.seq", "00002.seq")):
        _object(served, f"cases/{target}/thread/{to}").write_bytes(
            _object(served, f"{thread}/{name}").read_bytes()
        )
    genuine, moved = _desk(served).open_case(target).messages
    assert (genuine.seq, genuine.problem) == (1, None)
    assert (moved.seq, moved.text, moved.problem) == (2, None, MESSAGE_FORGED)


def test_signed_messages_reordered_on_the_server_are_refused(served: DemoServer) -> None:
    case, receipt = _file(served)
    FollowupSession(served.base, receipt, channels=_channels(served)).send("Pesan kedua.")
    first, second = (_desk(served).open_case(case)).messages
    assert (first.text, second.text) == ("Saya punya bukti tambahan.", "Pesan kedua.")
    thread = f"cases/{case}/thread"
    for one, two in (("00001-pelapor.age", "00002-pelapor.age"), ("00001.seq", "00002.seq")):
        a, b = _object(served, f"{thread}/{one}"), _object(served, f"{thread}/{two}")
        data_a, data_b = a.read_bytes(), b.read_bytes()
        a.write_bytes(data_b)
        b.write_bytes(data_a)
    swapped = _desk(served).open_case(case).messages
    assert [(m.seq, m.text, m.problem) for m in swapped] == [
        (1, None, MESSAGE_FORGED),
        (2, None, MESSAGE_FORGED),
    ]


def test_an_unsigned_cases_reply_key_is_pinned_where_first_seen_and_a_change_is_refused(
    served: DemoServer, tmp_path: Path
) -> None:
    older = submit_case(served.config, served.server.store, {"what": "laporan lama"})
    site = str(served.config.organisation.site_url)
    first = _desk(served, FilePins(tmp_path / "pins.json", site)).open_case(older.case)
    assert first.signature == Verdict.OLDER
    original = first.reply_recipient
    assert original is not None
    assert (tmp_path / "pins.json").stat().st_mode & 0o777 == 0o600
    _rewrite_reply_json(served, older.case, reply_recipient=_attacker_reply())

    later = _desk(served, FilePins(tmp_path / "pins.json", site))  # the tool, run again
    found = later.open_case(older.case)
    assert found.reply_recipient is None
    assert REPLY_CHANGED in found.problems
    assert "THE REPLY KEY CHANGED" in cases_text.case(served.config, found)
    with pytest.raises(ReviewInputError, match="REPLY KEY CHANGED"):
        later.reply(older.case, "Halo.")
    assert _team_messages(served, older.case) == []
    # back to the first key (or a tool that pinned that one): answered as before
    _rewrite_reply_json(served, older.case, reply_recipient=original)
    assert later.open_case(older.case).reply_recipient == original


def test_peluit_followup_signs_again_when_a_team_reply_takes_its_number(
    served: DemoServer,
) -> None:
    case, receipt = _file(served)  # the reporter's first message is number 1
    session = FollowupSession(served.base, receipt, channels=_channels(served))
    asked = session._position
    positions: list[tuple[str, int]] = []

    def a_reply_lands_meanwhile() -> tuple[str, int]:
        position = asked()
        if not positions:  # between asking for the number and posting, the team writes
            _desk(served).reply(case, "Pertanyaan yang menyela.")
        positions.append(position)
        return position

    session._position = a_reply_lands_meanwhile  # type: ignore[method-assign]
    sent = session.send("Jawaban saya.")
    assert positions == [(case, 2), (case, 3)]  # refused at 2 (thread_moved), signed for 3
    assert sent.seq == 3
    messages = _desk(served).open_case(case).messages
    assert [(m.seq, m.sender, m.problem) for m in messages] == [
        (1, "pelapor", None),
        (2, "rina", None),
        (3, "pelapor", None),
    ]
    assert messages[2].text == "Jawaban saya."


def test_a_case_re_signed_on_the_server_with_a_forgers_key_is_refused_where_seen_before(
    served: DemoServer,
) -> None:
    case, _ = _file(served)
    pins = MemoryPins()
    assert _desk(served, pins).open_case(case).signature == Verdict.SIGNED  # its key is pinned
    forged = {
        "format": "peluit-report/1",
        "channel": "pengaduan",
        "lang": "id",
        "answers": {"what": "Laporan dicabut."},
        "identity_choice": "anonymous",
        "files": [],
    }
    sealed = age.encrypt(padding.pad(json.dumps(forged).encode()), _team(served))
    _object(served, f"cases/{case}/report.age").write_bytes(sealed)
    forger = ReceiptCode.generate()
    reply = forger.reply_identity().recipient().encode()
    statement = reporter_signature.finalize_statement(case, sealed, None, reply)
    _rewrite_reply_json(
        served,
        case,
        reply_recipient=reply,
        reporter_key=reporter_signature.public_key(forger.signing_seed()).hex(),
        report_signature=reporter_signature.sign(forger.signing_seed(), statement).hex(),
    )

    desk = _desk(served, pins)
    found = desk.open_case(case)
    assert (found.signature, found.reply_recipient) == (Verdict.FORGED, None)
    assert KEY_CHANGED in found.problems
    [message] = found.messages  # the reporter's own, which the forger's key cannot vouch for
    assert (message.text, message.problem) == (None, MESSAGE_FORGED)
    with pytest.raises(ReviewInputError, match="not covered by a valid reporter signature"):
        desk.reply(case, "Benarkah dicabut?")
    assert _team_messages(served, case) == []
    # the limit ADR 0042 names: a tool that never saw the case takes the forger's key (the
    # whole report replaced; ADR 0054 names it), and says it cannot compare the keys
    first_sight = _desk(served).open_case(case)
    assert first_sight.signature == Verdict.SIGNED
    assert NOT_INSIDE in first_sight.problems


# -- the reporter's keys inside the encrypted report (ADR 0054; outside review R1) -------------


def test_a_reply_json_re_signed_over_the_genuine_report_is_refused_at_first_sight(
    served: DemoServer, rina: ConsoleUnderTest
) -> None:
    """The server keeps the reporter's report.age and writes its own signing key, a valid
    signature of that key over the real report and case, and its own reply key: no pin can
    catch it (no tool saw the case), the keys inside the report do."""
    case, _ = _file(served)
    report = _object(served, f"cases/{case}/report.age").read_bytes()  # untouched
    entry = json.loads(_object(served, f"cases/{case}/reply.json").read_bytes())
    forger = ReceiptCode.generate()
    reply = forger.reply_identity().recipient().encode()
    statement = reporter_signature.finalize_statement(
        case, report, None, reply
    )  # the real report's hash, the real case: it verifies with the forger's key
    assert entry["identity_sha256"] is None
    _rewrite_reply_json(
        served,
        case,
        reply_recipient=reply,
        reporter_key=reporter_signature.public_key(forger.signing_seed()).hex(),
        report_signature=reporter_signature.sign(forger.signing_seed(), statement).hex(),
    )

    desk = _desk(served, MemoryPins())  # first sight: nothing pinned
    found = desk.open_case(case)
    assert (found.signature, found.reply_recipient) == (Verdict.FORGED, None)
    assert KEY_NOT_INSIDE in found.problems
    assert REPLY_NOT_INSIDE in found.problems
    [message] = found.messages  # the reporter's genuine one: the forger's key vouches for nothing
    assert (message.text, message.problem) == (None, MESSAGE_FORGED)
    with pytest.raises(ReviewInputError, match="NOT THE ONE INSIDE THE ENCRYPTED REPORT"):
        desk.reply(case, "Terima kasih, kami sudah memeriksa dokumen Anda.")
    with pytest.raises(ReviewInputError, match="KUNCI BALASAN DI SERVER BUKAN"):
        desk.change_status(case, "ditelaah", "mulai", None, tell_reporter="Kami mulai menelaah.")
    assert _team_messages(served, case) == []  # nothing was encrypted to the forger's key
    assert "THE REPORTER'S SIGNING KEY ON THE SERVER IS NOT THE ONE INSIDE" in cases_text.case(
        served.config, found
    )
    page = _console_page(rina, case)
    assert "KUNCI TANDA TANGAN PELAPOR DI SERVER BUKAN KUNCI DI DALAM LAPORAN" in page
    assert f'action="/cases/{case}/reply"' not in page
    assert _export_state(served, case)["reporter_signature"] == "bad_signature"


def test_the_report_peluit_submit_files_carries_the_keys_it_finalized_with(
    served: DemoServer,
) -> None:
    case, receipt = _file(served)
    found = _desk(served).open_case(case)
    assert found.report is not None
    assert found.report.document is not None
    code = ReceiptCode.parse(receipt)
    document = found.report.document
    assert document.reporter_key == reporter_signature.public_key(code.signing_seed()).hex()
    assert document.reply_recipient == code.reply_identity().recipient().encode()
    assert found.reply_recipient == document.reply_recipient
    assert NOT_INSIDE not in found.problems


def test_peluit_followup_refuses_to_sign_when_the_server_leaves_out_the_number(
    served: DemoServer,
) -> None:
    case, receipt = _file(served)
    session = FollowupSession(served.base, receipt, channels=_channels(served))
    post = session._client.post_json

    def without_next_seq(path: str, body: object) -> object:
        answer = post(path, body)
        if path == "/followup/status" and isinstance(answer, dict):
            answer.pop("next_seq", None)  # a server that would take an unnumbered signature
        return answer

    session._client.post_json = without_next_seq  # type: ignore[method-assign]
    with pytest.raises(ApiError, match="no_thread_position") as refused:
        session.send("Pesan yang tidak boleh ditandatangani tanpa nomor.")
    assert refused.value.messages["id"].startswith("Server tidak menyebutkan nomor")
    assert [m.seq for m in _desk(served).open_case(case).messages] == [1]  # nothing stored
