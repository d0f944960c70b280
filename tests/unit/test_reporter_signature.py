"""The reporter's signatures, pure (issue 18, finding 8; ADR 0042): the statements, the key
from the receipt code, and the review tool's verdicts on a report, its reply key and a
message."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from pydantic import ValidationError

from peluit.api.review_models import ReporterOut
from peluit.core import reporter_signature as rs
from peluit.core.ids import case_id
from peluit.core.receipt import ReceiptCode
from peluit.core.report import ReportDocument
from peluit.review.authenticity import (
    KEY_CHANGED,
    KEY_NOT_INSIDE,
    MESSAGE_FORGED,
    NOT_INSIDE,
    REPLY_CHANGED,
    REPLY_NOT_COVERED,
    REPLY_NOT_INSIDE,
    REPORT_PROBLEMS,
    InsideKeys,
    Verdict,
    check_case,
    checked,
    must_be_signed,
    report_verdict,
)
from peluit.review.content import Message
from peluit.review.pins import Pin

pytestmark = pytest.mark.unit

CODE = ReceiptCode(bytes(range(16)))
SEED = CODE.signing_seed()
REPLY = CODE.reply_identity().recipient().encode()
OTHER_REPLY = ReceiptCode(bytes(16)).reply_identity().recipient().encode()
CASE = case_id("00112233445566778899aabbccddeeff")
OTHER_CASE = case_id("ff" * 16)
REPORT_SHA = hashlib.sha256(b"report").hexdigest()
INSIDE = InsideKeys(rs.public_key(SEED).hex(), REPLY)  # what the reporter's report carries


def _reporter(report: bytes, identity: bytes | None = None, seed: bytes = SEED) -> ReporterOut:
    """A version-1 signature (cases filed before version 2)."""
    return ReporterOut(
        key=rs.public_key(SEED).hex(),
        report_signature=rs.sign(seed, rs.report_statement(report, identity)).hex(),
        identity_sha256=hashlib.sha256(identity).hexdigest() if identity else None,
    )


def _reporter_v2(
    report: bytes = b"report",
    identity: bytes | None = None,
    reply: str = REPLY,
    case: str = CASE,
    seed: bytes = SEED,
) -> ReporterOut:
    statement = rs.finalize_statement(case, report, identity, reply)
    return ReporterOut(
        key=rs.public_key(SEED).hex(),
        report_signature=rs.sign(seed, statement).hex(),
        identity_sha256=hashlib.sha256(identity).hexdigest() if identity else None,
        statement=2,
    )


def test_the_key_is_the_receipt_codes_and_matches_the_browsers_vector() -> None:
    # js/test/reporter-signature.test.js holds the same code, key and signature
    assert str(CODE) == "0004-1061-050R-3GG2-8A1C-60T3-GFP"
    assert rs.public_key(SEED).hex() == (
        "2c9444d0d9839f4d0b12c73e3cc37a71088fc424c533f836604b3d5da5c96e3a"
    )
    assert CODE.lookup_token() != SEED


def test_version_2_statements_match_the_browsers_vectors() -> None:
    # js/test/reporter-signature.test.js: the same case id, statements and signatures
    assert CASE == "xy8ve6x6z8nrj40z"
    statement = rs.finalize_statement(CASE, b"abc", None, REPLY)
    assert (
        statement
        == (
            f"peluit-reporter/2\ncase {CASE}\nreport {hashlib.sha256(b'abc').hexdigest()}\n"
            f"identity -\nreply {REPLY}\n"
        ).encode()
    )
    assert hashlib.sha256(statement).hexdigest() == (
        "25732a6e5c8fad44914bea393712318e825ceaa9d6e3ffe40f6d10a1a0ce4618"
    )
    assert rs.sign(SEED, statement).hex().startswith("1685b083a85fab44")
    placed = rs.placed_message_statement(CASE, 7, b"abc")
    assert (
        placed
        == (
            f"peluit-reporter/2\ncase {CASE}\nseq 7\nmessage {hashlib.sha256(b'abc').hexdigest()}\n"
        ).encode()
    )
    assert rs.sign(SEED, placed).hex().startswith("a2d557b06815a73b")


@pytest.mark.parametrize(
    "make",
    [
        lambda: rs.finalize_statement("not-a-case", b"", None, REPLY),
        lambda: rs.finalize_statement(CASE, b"", None, "age1 two words"),
        lambda: rs.placed_message_statement(CASE, 0, b""),
        lambda: rs.placed_message_statement(CASE, 100_000, b""),
        lambda: rs.placed_message_statement("ABCD", 1, b""),
    ],
    ids=["case", "reply", "seq-0", "seq-max", "case-upper"],
)
def test_a_statement_refuses_what_would_make_it_ambiguous(make: object) -> None:
    with pytest.raises(ValueError, match=r"a statement names|a reply recipient|a message's"):
        make()  # type: ignore[operator]


@pytest.mark.parametrize("space", ["\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1f", " "])
def test_a_reply_recipient_with_any_ascii_space_is_refused(space: str) -> None:
    with pytest.raises(ValueError, match="a reply recipient"):
        rs.finalize_statement(CASE, b"", None, REPLY[:40] + space + REPLY[40:])


def test_statements_name_what_they_cover() -> None:
    assert rs.report_statement(b"abc", None) == (
        b"peluit-reporter/1\nreport "
        + hashlib.sha256(b"abc").hexdigest().encode()
        + b"\nidentity -\n"
    )
    assert rs.message_statement(b"abc").startswith(b"peluit-reporter/1\nmessage ")
    # a report's signature is never a message's, and no version is another's
    signature = rs.sign(SEED, rs.report_statement(b"abc", None))
    assert not rs.verify(rs.public_key(SEED), signature, rs.message_statement(b"abc"))
    v2 = rs.sign(SEED, rs.finalize_statement(CASE, b"abc", None, REPLY))
    assert not rs.verify(rs.public_key(SEED), v2, rs.report_statement(b"abc", None))


def test_a_version_1_report_verifies_only_over_the_bytes_it_signed() -> None:
    reporter = _reporter(b"report", b"identity")
    assert report_verdict(CASE, reporter, REPORT_SHA, REPLY) is Verdict.SIGNED_V1
    assert report_verdict(CASE, reporter, hashlib.sha256(b"x").hexdigest(), REPLY) is (
        Verdict.FORGED
    )
    lied = reporter.model_copy(update={"identity_sha256": "00" * 32})
    assert report_verdict(CASE, lied, REPORT_SHA, REPLY) is Verdict.FORGED
    other_key = _reporter(b"report", seed=ReceiptCode(bytes(16)).signing_seed())
    assert report_verdict(CASE, other_key, REPORT_SHA, REPLY) is Verdict.FORGED
    assert report_verdict(CASE, None, REPORT_SHA, REPLY) is Verdict.OLDER


def test_a_version_2_report_binds_its_case_and_reply_key() -> None:
    reporter = _reporter_v2()
    assert report_verdict(CASE, reporter, REPORT_SHA, REPLY) is Verdict.SIGNED
    assert report_verdict(CASE, reporter, REPORT_SHA, OTHER_REPLY) is Verdict.FORGED
    assert report_verdict(CASE, reporter, REPORT_SHA, None) is Verdict.FORGED
    assert report_verdict(OTHER_CASE, reporter, REPORT_SHA, REPLY) is Verdict.FORGED
    # a server that calls it version 1 does not make the signature a version-1 one
    downgraded = reporter.model_copy(update={"statement": 1})
    assert report_verdict(CASE, downgraded, REPORT_SHA, REPLY) is Verdict.FORGED


def test_only_a_reply_key_the_signature_covers_may_be_used() -> None:
    signed = check_case(CASE, _reporter_v2(), REPORT_SHA, REPLY, "2026-12-06", None, None, INSIDE)
    assert (signed.verdict, signed.reply_recipient, signed.problems) == (Verdict.SIGNED, REPLY, [])
    # a report from before ADR 0054 carries no keys: still usable, and the case says so
    older = check_case(CASE, _reporter_v2(), REPORT_SHA, REPLY, "2026-12-06", None, None)
    assert (older.verdict, older.reply_recipient, older.problems) == (
        Verdict.SIGNED,
        REPLY,
        [NOT_INSIDE],
    )
    swapped = check_case(CASE, _reporter_v2(), REPORT_SHA, OTHER_REPLY, "2026-12-06", None, None)
    assert (swapped.verdict, swapped.reply_recipient) == (Verdict.FORGED, None)
    assert swapped.reply_problem == REPLY_NOT_COVERED
    assert swapped.pin.reply is None  # a swapped key is not pinned


def test_an_uncovered_reply_key_is_pinned_when_first_seen_and_a_change_refused() -> None:
    first = check_case(CASE, _reporter(b"report"), REPORT_SHA, REPLY, "2026-01-05", None, None)
    assert (first.verdict, first.reply_recipient) == (Verdict.SIGNED_V1, REPLY)
    assert first.pin == Pin(REPLY, signed=True, key=rs.public_key(SEED).hex())
    again = check_case(CASE, _reporter(b"report"), REPORT_SHA, REPLY, "2026-01-05", None, first.pin)
    assert (again.reply_recipient, again.reply_problem) == (REPLY, None)
    changed = check_case(
        CASE, _reporter(b"report"), REPORT_SHA, OTHER_REPLY, "2026-01-05", None, first.pin
    )
    assert (changed.reply_recipient, changed.reply_problem) == (None, REPLY_CHANGED)
    assert changed.pin.reply == REPLY  # the first one stays pinned
    older = check_case(CASE, None, REPORT_SHA, REPLY, "2025-01-05", None, Pin(OTHER_REPLY, False))
    assert (older.verdict, older.reply_recipient, older.reply_problem) == (
        Verdict.OLDER,
        None,
        REPLY_CHANGED,
    )


def test_a_case_that_must_be_signed_without_a_key_is_stripped_not_older() -> None:
    since = date(2026, 12, 1)
    assert must_be_signed("2026-12-01", since, None)
    assert not must_be_signed("2026-11-30", since, None)
    assert must_be_signed("2020-01-01", None, Pin(REPLY, signed=True))
    assert not must_be_signed("2026-12-05", None, None)
    stripped = check_case(CASE, None, REPORT_SHA, REPLY, "2026-12-05", since, None)
    assert (stripped.verdict, stripped.reply_recipient) == (Verdict.STRIPPED, None)
    assert stripped.reply_problem == REPLY_NOT_COVERED
    assert "REPORTER SIGNING KEY MISSING" in stripped.problems[0]
    seen_signed = check_case(CASE, None, REPORT_SHA, REPLY, "2020-01-01", None, Pin(REPLY, True))
    assert seen_signed.verdict is Verdict.STRIPPED
    before = check_case(CASE, None, REPORT_SHA, REPLY, "2026-11-30", since, None)
    assert (before.verdict, before.reply_recipient) == (Verdict.OLDER, REPLY)


def _message(seq: int) -> Message:
    return Message(seq, "pelapor", "Saya mencabut laporan.", f"thread/{seq:05d}-pelapor.age")


@pytest.mark.parametrize("signature", [None, "zz", "00" * 64], ids=["none", "not-hex", "wrong"])
def test_a_reporter_message_without_a_valid_signature_is_refused(signature: str | None) -> None:
    sha = hashlib.sha256(b"m").hexdigest()
    refused = checked(_message(2), CASE, _reporter(b"r"), signature, sha)
    assert (refused.text, refused.problem, refused.manifest) == (None, MESSAGE_FORGED, ())


def test_a_version_2_message_is_refused_on_another_case_or_number() -> None:
    sha = hashlib.sha256(b"m").hexdigest()
    good = rs.sign(SEED, rs.placed_message_statement(CASE, 2, b"m")).hex()
    assert checked(_message(2), CASE, _reporter_v2(), good, sha) == _message(2)
    assert checked(_message(3), CASE, _reporter_v2(), good, sha).problem == MESSAGE_FORGED
    assert checked(_message(2), OTHER_CASE, _reporter_v2(), good, sha).problem == MESSAGE_FORGED
    # an older (unplaced) signature is not enough in a version-2 case
    older = rs.sign(SEED, rs.message_statement(b"m")).hex()
    assert checked(_message(2), CASE, _reporter_v2(), older, sha).problem == MESSAGE_FORGED


def test_a_signed_message_a_team_message_and_an_older_case_pass_unchanged() -> None:
    message = Message(2, "pelapor", "Bukti baru.", "thread/00002-pelapor.age")
    good = rs.sign(SEED, rs.message_statement(b"m")).hex()
    placed = rs.sign(SEED, rs.placed_message_statement(CASE, 2, b"m")).hex()
    sha = hashlib.sha256(b"m").hexdigest()
    assert checked(message, CASE, _reporter(b"r"), good, sha) == message
    assert checked(message, CASE, _reporter(b"r"), placed, sha) == message  # newer page, older case
    assert checked(message, CASE, None, None, sha) == message  # the case-level row says "older"
    assert checked(message, CASE, None, None, sha, required=True).problem == MESSAGE_FORGED
    team = Message(3, "rina", "Terima kasih.", "thread/00003-rina.age")
    assert checked(team, CASE, _reporter(b"r"), None, sha) == team


def test_a_case_re_signed_with_another_key_is_forged_and_its_messages_refused() -> None:
    first = check_case(CASE, _reporter_v2(), REPORT_SHA, REPLY, "2026-12-06", None, None)
    assert first.pin.key == rs.public_key(SEED).hex()
    forger = ReceiptCode(bytes(16)).signing_seed()
    forged = _reporter_v2(b"forged", reply=OTHER_REPLY, seed=forger).model_copy(
        update={"key": rs.public_key(forger).hex()}
    )
    forged_sha = hashlib.sha256(b"forged").hexdigest()
    # a tool that never saw the case cannot tell (ADR 0042 says so) ...
    fresh = check_case(CASE, forged, forged_sha, OTHER_REPLY, "2026-12-06", None, None)
    assert fresh.verdict is Verdict.SIGNED
    # ... one that did refuses the case, its reply key and every reporter message
    seen = check_case(CASE, forged, forged_sha, OTHER_REPLY, "2026-12-06", None, first.pin)
    assert (seen.verdict, seen.reply_recipient, seen.key_changed) == (Verdict.FORGED, None, True)
    assert KEY_CHANGED in seen.problems
    assert seen.messages_need_a_key
    assert seen.pin.key == first.pin.key
    a_bad_signature_pins_no_key = check_case(
        CASE, _reporter_v2(seed=forger), REPORT_SHA, REPLY, "2026-12-06", None, None
    )
    assert a_bad_signature_pins_no_key.pin.key is None


def test_keys_that_are_not_the_ones_inside_the_report_are_refused_at_first_sight() -> None:
    """Outside review R1: the server keeps the genuine report and re-signs it, its case and a
    reply key of its own with a key of its own. The signature verifies; the keys inside the
    decrypted report do not match, and no pin is needed to tell."""
    forger = ReceiptCode(bytes(16)).signing_seed()
    resigned = _reporter_v2(reply=OTHER_REPLY, seed=forger).model_copy(
        update={"key": rs.public_key(forger).hex()}
    )
    assert report_verdict(CASE, resigned, REPORT_SHA, OTHER_REPLY) is Verdict.SIGNED
    found = check_case(CASE, resigned, REPORT_SHA, OTHER_REPLY, "2026-12-06", None, None, INSIDE)
    assert (found.verdict, found.reply_recipient) == (Verdict.FORGED, None)
    assert (found.key_not_inside, found.key_untrusted, found.messages_need_a_key) == (
        True,
        True,
        True,
    )
    assert found.problems == [REPORT_PROBLEMS[Verdict.FORGED], KEY_NOT_INSIDE, REPLY_NOT_INSIDE]
    assert found.pin.key is None  # the forger's key is not remembered
    assert found.pin.reply is None
    # the forger's key with the reporter's reply key: the key alone is refused
    same_reply = _reporter_v2(seed=forger).model_copy(update={"key": rs.public_key(forger).hex()})
    keyed = check_case(CASE, same_reply, REPORT_SHA, REPLY, "2026-12-06", None, None, INSIDE)
    assert (keyed.verdict, keyed.reply_recipient, keyed.reply_problem) == (
        Verdict.FORGED,
        None,
        REPLY_NOT_COVERED,
    )
    assert keyed.key_not_inside


def test_a_reply_key_that_is_not_the_one_inside_the_report_is_never_used() -> None:
    swapped = check_case(
        CASE, _reporter_v2(), REPORT_SHA, OTHER_REPLY, "2026-12-06", None, None, INSIDE
    )
    assert (swapped.verdict, swapped.reply_recipient) == (Verdict.FORGED, None)
    assert swapped.reply_problem == REPLY_NOT_INSIDE
    assert swapped.pin.reply is None
    withheld = check_case(CASE, _reporter_v2(), REPORT_SHA, None, "2026-12-06", None, None, INSIDE)
    assert (withheld.reply_recipient, withheld.reply_problem) == (None, REPLY_NOT_INSIDE)


def test_a_report_that_carries_a_key_makes_a_stripped_case_forged_without_pin_or_day() -> None:
    stripped = check_case(CASE, None, REPORT_SHA, REPLY, "2020-01-01", None, None, INSIDE)
    assert (stripped.verdict, stripped.reply_recipient) == (Verdict.STRIPPED, None)
    assert stripped.messages_need_a_key
    # the same case from a report without keys is an older one, as before ADR 0054
    older = check_case(CASE, None, REPORT_SHA, REPLY, "2020-01-01", None, None)
    assert (older.verdict, older.reply_recipient) == (Verdict.OLDER, REPLY)


def test_a_report_document_carries_both_keys_or_neither() -> None:
    base = {
        "format": "peluit-report/1",
        "channel": "pengaduan",
        "lang": "id",
        "answers": {},
        "identity_choice": "anonymous",
    }
    keyed = ReportDocument.model_validate(
        base | {"reporter_key": rs.public_key(SEED).hex(), "reply_recipient": REPLY}
    )
    assert (keyed.reporter_key, keyed.reply_recipient) == (rs.public_key(SEED).hex(), REPLY)
    assert ReportDocument.model_validate(base).reporter_key is None  # a report from before
    with pytest.raises(ValidationError, match="given together"):
        ReportDocument.model_validate(base | {"reporter_key": rs.public_key(SEED).hex()})
    with pytest.raises(ValidationError):
        ReportDocument.model_validate(base | {"reporter_key": "AB", "reply_recipient": REPLY})
    with pytest.raises(ValidationError):
        ReportDocument.model_validate(
            base | {"reporter_key": rs.public_key(SEED).hex(), "reply_recipient": "age1 two"}
        )
