"""The public API's side of the reporter's signatures (issue 18, finding 8): a finalization
carries the key and a signature that must verify; the key goes into the lookup entry and
reply.json; a case with a key takes only messages signed with it, and keeps each signature in
the message's claim for the review tool. Cases from before signatures go on as before."""

from __future__ import annotations

import dataclasses
import json

import pytest

from peluit import age
from peluit.core import errors, followup, padding, reporter_signature
from peluit.core.ids import case_id
from peluit.core.receipt import ReceiptCode
from tests.support.factory import finalization, submission_id
from tests.support.followup import Filed, FollowupWorld
from tests.support.review import make_review_team

pytestmark = pytest.mark.functional


@pytest.fixture
def world() -> FollowupWorld:
    return FollowupWorld(make_review_team())


def _signed(world: FollowupWorld, code: ReceiptCode, *, seed: bytes | None = None) -> Filed:
    team = world.review_team.team
    report = team.report("pengaduan", {"what": "Pungutan liar."})
    signer = seed or code.signing_seed()
    submission = submission_id()
    request = dataclasses.replace(
        finalization(
            "pengaduan",
            report,
            lookup_hash=code.lookup_hash(),
            reply=code.reply_identity().recipient().encode(),
        ),
        reporter_key=reporter_signature.public_key(code.signing_seed()),
        signature=reporter_signature.sign(
            signer, reporter_signature.report_statement(report, None)
        ),
    )
    world.submissions.finalize(submission, request)
    return Filed(code, case_id(submission))


def _sig(code: ReceiptCode, sealed: bytes) -> str:
    statement = reporter_signature.message_statement(sealed)
    return reporter_signature.sign(code.signing_seed(), statement).hex()


def test_the_key_goes_into_the_lookup_entry_and_reply_json(world: FollowupWorld) -> None:
    code = ReceiptCode.generate()
    filed = _signed(world, code)
    key = reporter_signature.public_key(code.signing_seed()).hex()
    lookup = json.loads(world.store.objects[f"lookup/{code.lookup_hash().hex()}.json"])
    assert lookup["reporter_key"] == key
    reply = json.loads(world.store.objects[f"cases/{filed.case}/reply.json"])
    assert reply["reporter_key"] == key
    assert reply["identity_sha256"] is None
    assert len(bytes.fromhex(reply["report_signature"])) == 64


def test_a_finalization_whose_signature_does_not_verify_is_refused(world: FollowupWorld) -> None:
    code = ReceiptCode.generate()
    with pytest.raises(errors.ReporterSignatureError):
        _signed(world, code, seed=ReceiptCode.generate().signing_seed())
    assert not [k for k in world.store.objects if k.startswith(("cases/", "lookup/"))]


def test_a_signed_case_takes_only_messages_signed_with_its_key(world: FollowupWorld) -> None:
    code = ReceiptCode.generate()
    filed = _signed(world, code)
    sealed = world.say(filed, "Ada bukti baru.")

    unsigned = world.message(filed, sealed, signed=False)
    assert (unsigned.status, unsigned.body["error"]["code"]) == (400, "bad_signature")
    other = world.message(filed, sealed, signature=_sig(ReceiptCode.generate(), sealed))
    assert other.status == 400
    assert not any("/thread/" in k for k in world.store.objects)

    posted = world.message(filed, sealed, signature=_sig(code, sealed))
    assert posted.status == 200, posted.body
    claim = json.loads(world.store.objects[f"cases/{filed.case}/thread/00001.seq"])
    assert claim["sig"] == _sig(code, sealed)


def test_the_reviewer_api_passes_the_key_and_signatures_on(world: FollowupWorld) -> None:
    code = ReceiptCode.generate()
    filed = _signed(world, code)
    sealed = world.say(filed, "Ada bukti baru.")
    assert world.message(filed, sealed, signature=_sig(code, sealed)).status == 200
    view = world.client("rina").get_case(filed.case)
    assert view.reporter is not None
    assert view.reporter.key == reporter_signature.public_key(code.signing_seed()).hex()
    assert [m.signature for m in view.messages] == [_sig(code, sealed)]


def test_a_case_from_before_signatures_takes_messages_as_before(world: FollowupWorld) -> None:
    filed = world.file(signed=False)  # no reporter key
    sealed = world.say(filed, "Pesan lama.")
    assert world.message(filed, sealed, signed=False).status == 200
    signed_anyway = world.say(filed, "Pesan dari klien baru.")
    assert (
        world.message(filed, signed_anyway, signature=_sig(filed.code, signed_anyway)).status == 200
    )
    claims = [v for k, v in world.store.objects.items() if k.endswith(".seq")]
    assert all("sig" not in json.loads(c) for c in claims)  # nothing to check it with: not kept


def test_a_signed_message_that_is_not_padded_is_refused(world: FollowupWorld) -> None:
    """Issue 18, finding 3: a current client (one that signs) pads its messages; the server
    takes only bucket sizes from it."""
    code = ReceiptCode.generate()
    filed = _signed(world, code)
    document = b'{"format":"peluit-message/1","lang":"id","text":"tanpa lapisan","files":[]}'
    sealed = age.encrypt(document, world.team_recipients(filed))
    answer = world.message(filed, sealed, signature=_sig(code, sealed))
    assert (answer.status, answer.body["error"]["code"]) == (400, "not_padded")
    assert not any("/thread/" in k for k in world.store.objects)
    padded = age.encrypt(padding.pad(document), world.team_recipients(filed))
    assert world.message(filed, padded, signature=_sig(code, padded)).status == 200


def test_a_case_from_before_signatures_takes_a_bounded_number_of_messages_too(
    world: FollowupWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From an outside review: the cap on the reporter's messages was checked only for signed
    cases, so a receipt code of an older case could post without limit."""
    monkeypatch.setattr(followup, "MAX_REPORTER_MESSAGES", 2)
    filed = world.file(signed=False)
    for text in ("Satu.", "Dua."):
        assert world.message(filed, world.say(filed, text), signed=False).status == 200
    before = dict(world.store.objects)
    answer = world.message(filed, world.say(filed, "Tiga."), signed=False)
    assert answer.status >= 400
    assert answer.body["error"]["code"] == "thread_full"
    assert world.store.objects == before


# -- statement version 2 (ADR 0042): the case and reply key at finalization, the case and
# number on each message -------------------------------------------------------------------


def _signed_v2(world: FollowupWorld, code: ReceiptCode, *, reply: str | None = None) -> Filed:
    """A case filed as current clients file it: the statement names the case and reply key
    (`reply`: a different reply key signed than the one sent, as a tampering client would)."""
    team = world.review_team.team
    report = team.report("pengaduan", {"what": "Pungutan liar."})
    submission = submission_id()
    sent = code.reply_identity().recipient().encode()
    statement = reporter_signature.finalize_statement(
        case_id(submission), report, None, reply or sent
    )
    request = dataclasses.replace(
        finalization("pengaduan", report, lookup_hash=code.lookup_hash(), reply=sent),
        reporter_key=reporter_signature.public_key(code.signing_seed()),
        signature=reporter_signature.sign(code.signing_seed(), statement),
        statement=2,
    )
    world.submissions.finalize(submission, request)
    return Filed(code, case_id(submission))


def _placed(code: ReceiptCode, case: str, seq: int, sealed: bytes) -> str:
    statement = reporter_signature.placed_message_statement(case, seq, sealed)
    return reporter_signature.sign(code.signing_seed(), statement).hex()


def test_a_version_2_finalization_records_its_version_for_messages_and_the_review_tool(
    world: FollowupWorld,
) -> None:
    code = ReceiptCode.generate()
    filed = _signed_v2(world, code)
    lookup = json.loads(world.store.objects[f"lookup/{code.lookup_hash().hex()}.json"])
    reply = json.loads(world.store.objects[f"cases/{filed.case}/reply.json"])
    assert (lookup["statement"], reply["statement"]) == (2, 2)
    view = world.client("rina").get_case(filed.case)
    assert view.reporter is not None
    assert view.reporter.statement == 2


def test_a_version_2_finalization_whose_signature_names_another_reply_key_is_refused(
    world: FollowupWorld,
) -> None:
    other = ReceiptCode.generate().reply_identity().recipient().encode()
    with pytest.raises(errors.ReporterSignatureError):
        _signed_v2(world, ReceiptCode.generate(), reply=other)
    assert not [k for k in world.store.objects if k.startswith(("cases/", "lookup/"))]


def test_the_status_names_the_next_number_and_a_message_takes_exactly_it(
    world: FollowupWorld,
) -> None:
    code = ReceiptCode.generate()
    filed = _signed_v2(world, code)
    assert world.status(filed).body["next_seq"] == 1
    sealed = world.say(filed, "Ada bukti baru.")
    posted = world.message(filed, sealed, signature=_placed(code, filed.case, 1, sealed), seq=1)
    assert (posted.status, posted.body) == (200, {"seq": 1})
    assert world.status(filed).body["next_seq"] == 2
    # a retry of the same post finds its message: not a moved thread, not a second copy
    again = world.message(filed, sealed, signature=_placed(code, filed.case, 1, sealed), seq=1)
    assert (again.status, again.body) == (200, {"seq": 1})
    # a number already taken is 409 thread_moved: the client signs again for the next one
    later = world.say(filed, "Satu lagi.")
    moved = world.message(filed, later, signature=_placed(code, filed.case, 1, later), seq=1)
    assert (moved.status, moved.body["error"]["code"]) == (409, "thread_moved")
    assert [k for k in world.store.objects if k.endswith("-pelapor.age")] == [
        f"cases/{filed.case}/thread/00001-pelapor.age"
    ]


def test_a_version_2_case_refuses_messages_signed_for_another_place_or_unplaced(
    world: FollowupWorld,
) -> None:
    code = ReceiptCode.generate()
    filed = _signed_v2(world, code)
    sealed = world.say(filed, "Ada bukti baru.")
    wrong_number = world.message(
        filed, sealed, signature=_placed(code, filed.case, 2, sealed), seq=1
    )
    elsewhere = world.message(
        filed, sealed, signature=_placed(code, case_id("ab" * 16), 1, sealed), seq=1
    )
    unplaced = world.message(filed, sealed, signature=_sig(code, sealed))
    for refused in (wrong_number, elsewhere, unplaced):
        assert (refused.status, refused.body["error"]["code"]) == (400, "bad_signature")
    assert not any("/thread/" in k for k in world.store.objects)


def test_a_version_1_case_takes_placed_messages_from_a_current_page(world: FollowupWorld) -> None:
    code = ReceiptCode.generate()
    filed = _signed(world, code)  # filed by a page from before version 2
    sealed = world.say(filed, "Pesan dari halaman baru.")
    posted = world.message(filed, sealed, signature=_placed(code, filed.case, 1, sealed), seq=1)
    assert posted.status == 200, posted.body
