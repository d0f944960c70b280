"""The team's messages to the reporter are signed by the reviewer who wrote them and checked by
the reporter's tools (issue 18), end to end over `peluit serve`: a reviewer answers with
`peluit cases reply`, the reporter reads with `peluit followup` (the signers' keys from the
site's channels.json). What a server could do instead — write its own message to the reply
key, replay a signed one at another number, re-date it — is shown as not verified."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from peluit import age
from peluit.api.review_models import CaseOut
from peluit.client.followup import FileIntegrityError, FollowupSession
from peluit.core import layout, padding, thread
from peluit.core.dates import local_date
from peluit.core.receipt import ReceiptCode
from peluit.core.report import FileEntry, SegmentEntry
from peluit.review import compose
from peluit.review.desk import ReviewDesk
from peluit.review.errors import ReviewApiError
from peluit.store.local import LocalStore
from tests.functional.test_reply_files import cases, file_report, followup
from tests.support.followup import FollowupWorld
from tests.support.review import ReviewTeam, make_review_team
from tests.support.submitting import InProcess, low_pow_demo

pytestmark = pytest.mark.functional

WARNING = "PERINGATAN: pesan ini tidak terbukti berasal dari tim penelaah."


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcess]:
    with low_pow_demo(tmp_path_factory.mktemp("team-signatures") / "var") as server:
        yield server


def store_of(served: InProcess) -> LocalStore:
    """The bucket as someone with write access to it (a compromised server) sees it."""
    return LocalStore(served.data / "store", lambda: datetime.now(UTC))


def reply(served: InProcess, case: str, text: str) -> None:
    done = cases(served, "reply", case, "--text", text)
    assert done.returncode == 0, done.stderr


def messages(served: InProcess, code: str) -> list[dict[str, object]]:
    status = followup(served, code, "--json", "status")
    assert status.returncode == 0, status.stderr
    found: list[dict[str, object]] = json.loads(status.stdout)["messages"]
    return found


def forge(served: InProcess, case: str, seq: int, sealed: bytes, claim: bytes) -> None:
    store = store_of(served)
    store.put_new(layout.case_message_claim(case, seq), claim)
    store.put_new(layout.case_message(case, seq, "rina"), sealed)


def test_a_reviewers_reply_reaches_the_reporter_signed_padded_and_verified(
    served: InProcess,
) -> None:
    case, code = file_report(served)
    reply(served, case, "Mohon kirim foto kontraknya.")
    store = store_of(served)
    [message] = thread.messages(store, case)
    day, signature = thread.day_and_signature(store, case, message.seq)
    assert day is not None
    assert signature is not None
    assert len(signature) == 128

    # The plaintext the reporter decrypts is padded to a size bucket (core/padding.py).
    sealed = store.get(layout.case_prefix(case) + message.key)
    plaintext = age.decrypt(sealed, [ReceiptCode.parse(code).reply_identity()])
    assert padding.is_bucket(len(plaintext))
    assert padding.unpad(plaintext).endswith(b"}")

    [shown] = messages(served, code)
    assert (shown["sender"], shown["verified"]) == ("penelaah", True)
    assert shown["text"] == "Mohon kirim foto kontraknya."
    status = followup(served, code, "status")
    assert "Tim penelaah / Review team:" in status.stdout
    assert WARNING not in status.stdout


def test_a_message_the_server_wrote_to_the_reply_key_is_shown_as_not_verified(
    served: InProcess,
) -> None:
    case, code = file_report(served)
    recipient = ReceiptCode.parse(code).reply_identity().recipient().encode()
    sealed = compose.message(served.config, "pengaduan", recipient, "Hubungi 0812-0000-0000.")
    day = datetime.now(UTC).date().isoformat()
    forge(served, case, 1, sealed, thread.claim_bytes("rina", sealed, day))

    [shown] = messages(served, code)
    assert shown["text"] == "Hubungi 0812-0000-0000."  # it decrypts: age does not say who wrote
    assert shown["verified"] is False
    status = followup(served, code, "status")
    assert status.returncode == 0, status.stderr
    assert "#1" in status.stdout
    assert "TIDAK TERVERIFIKASI / NOT VERIFIED:" in status.stdout
    assert WARNING in status.stdout
    assert "Tim penelaah / Review team:" not in status.stdout


def test_a_signed_message_replayed_at_another_number_or_redated_is_not_verified(
    served: InProcess,
) -> None:
    case, code = file_report(served)
    reply(served, case, "Terima kasih, laporan Anda kami telaah.")
    store = store_of(served)
    prefix = layout.case_prefix(case)
    [signed] = thread.messages(store, case)
    sealed = store.get(prefix + signed.key)
    claim = json.loads(store.get(layout.case_message_claim(case, 1)))
    sig = bytes.fromhex(claim["sig"])

    # The same bytes and signature again as message 2 (a replay), and as message 3 with
    # another day (a re-dated copy).
    forge(served, case, 2, sealed, thread.claim_bytes("rina", sealed, claim["on"], sig))
    forge(served, case, 3, sealed, thread.claim_bytes("rina", sealed, "2020-01-01", sig))

    shown = messages(served, code)
    assert [(m["seq"], m["verified"]) for m in shown] == [(1, True), (2, False), (3, False)]


def test_the_python_client_refuses_a_signature_by_someone_not_reviewing_the_channel(
    served: InProcess,
) -> None:
    case, code = file_report(served)
    reply(served, case, "Pesan yang sah.")
    session = FollowupSession(served.base, code)
    spec = session.channels.channels["pengaduan"]
    assert spec.reply_signers, "channels.json names the channel's reviewers' keys"
    assert session.status().messages[0].verified
    # The same site, but a channels.json without the signer's key: nothing verifies.
    other = session.channels.model_copy(
        update={
            "channels": {"pengaduan": spec.model_copy(update={"reply_signers": []})},
        }
    )
    stranger = FollowupSession(served.base, code, channels=other)
    assert not stranger.status().messages[0].verified


@pytest.fixture(scope="module")
def review_team() -> ReviewTeam:
    return make_review_team()


def test_the_server_refuses_a_bad_team_signature_and_a_number_taken_meanwhile(
    review_team: ReviewTeam,
) -> None:
    """The reviewer API checks the signature too, so a tool's mistake is refused when it
    posts (the reporter's tools do not rely on this), and a number someone took meanwhile is
    a 409 the tool answers by signing again; nothing refused is stored."""
    world = FollowupWorld(review_team)
    filed = world.file()
    client = world.client("rina")
    view = client.get_case(filed.case)
    assert view.next_seq == 1
    sealed = compose.message(world.config, view.channel, str(view.reply_recipient), "Halo.")
    today = local_date(world.clock, world.config.organisation.timezone).isoformat()
    rina, agus = review_team.key("rina"), review_team.key("agus")

    def refused(signed: dict[str, object]) -> str:
        with pytest.raises(ReviewApiError) as caught:
            client.post_message(filed.case, sealed, signed=signed)
        return caught.value.code

    assert refused(compose.sign_message(agus, filed.case, 1, today, sealed)) == (
        "bad_team_signature"  # another person's key
    )
    assert refused(compose.sign_message(rina, filed.case, 1, "2020-01-01", sealed)) == (
        "bad_team_signature"  # a day long past
    )
    assert refused(compose.sign_message(rina, filed.case, 2, today, sealed)) == "thread_moved"
    assert thread.messages(world.store, filed.case) == []

    posted = world.message(filed, world.say(filed, "Saya punya fotonya."))  # takes number 1
    assert posted.status == 200, posted.body
    assert refused(compose.sign_message(rina, filed.case, 1, today, sealed)) == "thread_moved"
    key = client.post_message(
        filed.case, sealed, signed=compose.sign_message(rina, filed.case, 2, today, sealed)
    ).key
    assert key == "thread/00002-rina.age"


def test_the_desk_signs_again_when_someone_wrote_meanwhile(review_team: ReviewTeam) -> None:
    world = FollowupWorld(review_team)
    filed = world.file()
    desk = ReviewDesk(world.config, review_team.key("rina"), world.client("rina"), world.clock)
    real_get = desk.client.get_case
    calls = []

    def stale_then_real(case: str) -> CaseOut:
        view = real_get(case)
        calls.append(view.next_seq)
        if len(calls) == 1:
            # The reporter's message lands after the desk looked.
            assert world.message(filed, world.say(filed, "Di antaranya.")).status == 200
        return view

    desk.client.get_case = stale_then_real  # type: ignore[method-assign]
    key = desk.reply(filed.case, "Balasan tim.")
    assert key == "thread/00002-rina.age"
    assert calls == [1, 2]


def test_a_refusal_tells_the_reporter_in_a_signed_message(served: InProcess) -> None:
    """The message that goes with a status change (`--tell-reporter`; a refusal needs one) is
    signed like any reply."""
    case, code = file_report(served)
    done = cases(
        served, "status", case, "ditolak", "--reason", "di luar kewenangan",
        "--tell-reporter", "Laporan ini bukan kewenangan kami; silakan ke Ombudsman.",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    [shown] = messages(served, code)
    assert shown["text"] == "Laporan ini bukan kewenangan kami; silakan ke Ombudsman."
    assert shown["verified"] is True


def test_files_listed_by_a_message_that_is_not_verified_are_never_fetched(
    served: InProcess, tmp_path: Path
) -> None:
    """A forged message may list "files" (a payload the server planted): `peluit followup
    download` does not fetch them, and the session refuses them too."""
    case, code = file_report(served)
    recipient = ReceiptCode.parse(code).reply_identity().recipient().encode()
    planted = FileEntry(
        name="formulir.pdf.exe", size=10, segments=[SegmentEntry(size=300, sha256="ab" * 32)]
    )
    sealed = compose.message(
        served.config, "pengaduan", recipient, "Buka lampiran ini.", [planted], "0f" * 16
    )
    day = datetime.now(UTC).date().isoformat()
    forge(served, case, 1, sealed, thread.claim_bytes("rina", sealed, day))

    into = tmp_path / "unduhan"
    into.mkdir()
    done = followup(served, code, "--json", "download", "-d", into)
    assert done.returncode == 0, done.stderr
    [item] = json.loads(done.stdout)["files"]
    assert (item["saved"], item["refused"]) == (False, "not_verified")
    assert list(into.iterdir()) == []
    text = followup(served, code, "download", "-d", into)
    assert "Not downloaded, its message is not verified" in text.stdout

    session = FollowupSession(served.base, code)
    [listed] = session.status().files()
    with pytest.raises(FileIntegrityError, match="not verified"):
        next(session.download(listed))
