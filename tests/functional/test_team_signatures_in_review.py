"""The review tool checks the team's signatures too (outside review, finding R2; ADR 0040,
ADR 0052): a message the server plants as `thread/{seq}-rina.age` is not shown to the team as
Rina's — not by the console, `peluit cases show` or the export. Cases are filed and replies
written by the real clients against a real `peluit serve`; the forgeries are written into its
local store directly, as a compromised server would. Keys are the local configuration's roster
keys, never the server's."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import date

import pytest

from peluit import age
from peluit.cli import cases_text
from peluit.config.demo import DEMO_PASSPHRASE, demo_key_path
from peluit.core import padding, team_signature
from peluit.keys import open_key_file
from peluit.review.export import export_time, write_bundle
from peluit.review.pins import MemoryPins
from peluit.review.team_check import TeamVerdict, problem
from tests.functional.test_reporter_signatures import _console_page, _desk, _file, _object, _team
from tests.support.cases import submit_case
from tests.support.console import ConsoleUnderTest, DemoServer

pytestmark = pytest.mark.functional


# `served` (a demo peluit serve) and `rina` (her console) come from tests/functional/conftest.py


PLANTED = "Kasus ditutup: tidak cukup bukti. Jangan dilanjutkan."


def _plant(
    served: DemoServer,
    case: str,
    sender: str,
    *,
    reply: str | None,
    day: str = "2026-12-06",
    signed_by: str | None = None,
) -> int:
    """What a compromised server writes: a team message in `sender`'s name at the thread's
    next number, to the reply key and the team; `signed_by`: signed with that demo person's
    roster key (as if stolen) for this case, number and day."""
    thread = _object(served, f"cases/{case}/thread")
    thread.mkdir(parents=True, exist_ok=True)
    seq = 1 + max((int(p.name[:5]) for p in thread.iterdir()), default=0)
    document: dict[str, object] = {
        "format": "peluit-reply/1",
        "text": PLANTED,
        "files": [],
        "upload": None,
    }
    recipients = [*_team(served)] + ([age.HybridRecipient.parse(reply)] if reply else [])
    sealed = age.encrypt(padding.pad(json.dumps(document).encode()), recipients)
    claim: dict[str, str] = {
        "from": sender,
        "on": day,
        "sha256": hashlib.sha256(sealed).hexdigest(),
    }
    if signed_by is not None:
        key = open_key_file(demo_key_path(served.data, signed_by).read_bytes(), DEMO_PASSPHRASE)
        text = team_signature.statement(case, seq, day, sealed)
        claim["sig"] = team_signature.sign(key.signing_key, text).hex()
    (thread / f"{seq:05d}.seq").write_text(json.dumps(claim))
    (thread / f"{seq:05d}-{sender}.age").write_bytes(sealed)
    return seq


def _thread_json(served: DemoServer, case: str) -> list[dict[str, object]]:
    out = io.BytesIO()
    write_bundle(_desk(served), case, out, export_time(served.config))
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as bundle:
        name = next(n for n in bundle.namelist() if n.endswith("thread.json"))
        found: list[dict[str, object]] = json.loads(bundle.read(name))
    return found


def test_a_team_message_planted_on_the_server_is_refused_everywhere(
    served: DemoServer, rina: ConsoleUnderTest
) -> None:
    case, _ = _file(served)
    desk = _desk(served, MemoryPins())
    reply = desk.open_case(case).reply_recipient
    desk.reply(case, "Terima kasih, kami periksa.")  # a real, signed reply
    seq = _plant(served, case, "rina", reply=reply)

    found = _desk(served, MemoryPins()).open_case(case)
    by_seq = {m.seq: m for m in found.messages}
    assert (by_seq[2].sender, by_seq[2].text, by_seq[2].problem) == (
        "rina",
        "Terima kasih, kami periksa.",
        None,
    )
    planted = by_seq[seq]
    assert planted.text is None
    assert planted.manifest == ()
    assert planted.problem == problem(TeamVerdict.UNSIGNED, "rina")

    shown = cases_text.case(served.config, found)
    assert "TEAM MESSAGE UNSIGNED" in shown
    assert PLANTED not in shown
    [exported] = [m for m in _thread_json(served, case) if m["seq"] == seq]
    assert exported["text"] is None
    assert exported["problem"] == problem(TeamVerdict.UNSIGNED, "rina")
    page = _console_page(rina, case)
    assert 'class="error problem">PESAN TIM TIDAK BERTANDA TANGAN' in page
    assert PLANTED not in page
    assert "Terima kasih, kami periksa." in page


def test_a_signed_team_message_replayed_at_another_number_is_refused(served: DemoServer) -> None:
    case, _ = _file(served)
    desk = _desk(served, MemoryPins())
    key = desk.reply(case, "Mohon kirim dokumen kontrak.")
    thread = _object(served, f"cases/{case}/thread")
    seq = int(key.removeprefix("thread/")[:5])
    (thread / f"{seq + 1:05d}.seq").write_bytes((thread / f"{seq:05d}.seq").read_bytes())
    (thread / f"{seq + 1:05d}-rina.age").write_bytes((thread / f"{seq:05d}-rina.age").read_bytes())

    found = {m.seq: m for m in _desk(served, MemoryPins()).open_case(case).messages}
    assert (found[seq].text, found[seq].problem) == ("Mohon kirim dokumen kontrak.", None)
    assert found[seq + 1].text is None
    assert found[seq + 1].problem == problem(TeamVerdict.FORGED, "rina")


def test_a_message_signed_with_another_reviewers_key_or_by_no_one_on_the_roster_is_refused(
    served: DemoServer,
) -> None:
    case, _ = _file(served)
    reply = _desk(served, MemoryPins()).open_case(case).reply_recipient
    as_rina = _plant(served, case, "rina", reply=reply, signed_by="agus")
    as_agus = _plant(served, case, "agus", reply=reply, signed_by="agus")
    stranger = _plant(served, case, "mallory", reply=reply)

    found = {m.seq: m for m in _desk(served, MemoryPins()).open_case(case).messages}
    assert found[as_rina].problem == problem(TeamVerdict.FORGED, "rina")
    assert (found[as_agus].text, found[as_agus].problem) == (PLANTED, None)  # agus's own key
    assert found[stranger].problem == problem(TeamVerdict.UNKNOWN_SENDER, "mallory")
    assert found[as_rina].text is None
    assert found[stranger].text is None


def test_an_unsigned_team_message_of_an_older_case_shows_until_the_cut_over_or_a_signed_one(
    served: DemoServer,
) -> None:
    """An older case (no reporter key): an unsigned team message from before the team signed
    is shown; one numbered after a signed team message, or on or after the configuration's
    cut-over day, is refused (the downgrade rule of ADR 0042, for the team)."""
    older = submit_case(served.config, served.server.store, {"what": "laporan lama"}).case
    first = _plant(served, older, "rina", reply=None, day="2026-01-05")

    plain = {m.seq: m for m in _desk(served, MemoryPins()).open_case(older).messages}
    assert (plain[first].text, plain[first].problem) == (PLANTED, None)
    cut = _desk(served, MemoryPins(), since=date(2026, 1, 1)).open_case(older)  # received after
    assert cut.messages[-1].problem == problem(TeamVerdict.UNSIGNED, "rina")

    signed = _plant(served, older, "agus", reply=None, day="2026-01-06", signed_by="agus")
    after = _plant(served, older, "rina", reply=None, day="2026-01-07")
    found = {m.seq: m for m in _desk(served, MemoryPins()).open_case(older).messages}
    assert found[first].problem is None
    assert found[signed].problem is None
    assert found[after].problem == problem(TeamVerdict.UNSIGNED, "rina")
