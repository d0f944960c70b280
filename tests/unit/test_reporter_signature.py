"""The reporter's signatures, pure (issue 18, finding 8): the statements, the key from the
receipt code, and the review tool's verdicts on a report and a message."""

from __future__ import annotations

import hashlib

import pytest

from peluit.api.review_models import ReporterOut
from peluit.core import reporter_signature as rs
from peluit.core.receipt import ReceiptCode
from peluit.review.authenticity import MESSAGE_FORGED, Verdict, checked, report_verdict
from peluit.review.content import Message

pytestmark = pytest.mark.unit

CODE = ReceiptCode(bytes(range(16)))
SEED = CODE.signing_seed()


def _reporter(report: bytes, identity: bytes | None = None, seed: bytes = SEED) -> ReporterOut:
    return ReporterOut(
        key=rs.public_key(SEED).hex(),
        report_signature=rs.sign(seed, rs.report_statement(report, identity)).hex(),
        identity_sha256=hashlib.sha256(identity).hexdigest() if identity else None,
    )


def test_the_key_is_the_receipt_codes_and_matches_the_browsers_vector() -> None:
    # js/test/reporter-signature.test.js holds the same code, key and signature
    assert str(CODE) == "0004-1061-050R-3GG2-8A1C-60T3-GFP"
    assert rs.public_key(SEED).hex() == (
        "2c9444d0d9839f4d0b12c73e3cc37a71088fc424c533f836604b3d5da5c96e3a"
    )
    assert CODE.lookup_token() != SEED


def test_statements_name_what_they_cover() -> None:
    assert rs.report_statement(b"abc", None) == (
        b"peluit-reporter/1\nreport "
        + hashlib.sha256(b"abc").hexdigest().encode()
        + b"\nidentity -\n"
    )
    assert rs.message_statement(b"abc").startswith(b"peluit-reporter/1\nmessage ")
    # a report's signature is never a message's
    signature = rs.sign(SEED, rs.report_statement(b"abc", None))
    assert not rs.verify(rs.public_key(SEED), signature, rs.message_statement(b"abc"))


def test_a_report_verifies_only_over_the_bytes_it_signed() -> None:
    reporter = _reporter(b"report", b"identity")
    assert report_verdict(reporter, hashlib.sha256(b"report").hexdigest()) is Verdict.SIGNED
    assert report_verdict(reporter, hashlib.sha256(b"other").hexdigest()) is Verdict.FORGED
    lied = reporter.model_copy(update={"identity_sha256": "00" * 32})
    assert report_verdict(lied, hashlib.sha256(b"report").hexdigest()) is Verdict.FORGED
    other_key = _reporter(b"report", seed=ReceiptCode(bytes(16)).signing_seed())
    assert report_verdict(other_key, hashlib.sha256(b"report").hexdigest()) is Verdict.FORGED
    assert report_verdict(None, hashlib.sha256(b"report").hexdigest()) is Verdict.OLDER


@pytest.mark.parametrize("signature", [None, "zz", "00" * 64], ids=["none", "not-hex", "wrong"])
def test_a_reporter_message_without_a_valid_signature_is_refused(signature: str | None) -> None:
    message = Message(2, "pelapor", "Saya mencabut laporan.", "thread/00002-pelapor.age")
    refused = checked(message, _reporter(b"r"), signature, hashlib.sha256(b"m").hexdigest())
    assert (refused.text, refused.problem, refused.manifest) == (None, MESSAGE_FORGED, ())


def test_a_signed_message_a_team_message_and_an_older_case_pass_unchanged() -> None:
    message = Message(2, "pelapor", "Bukti baru.", "thread/00002-pelapor.age")
    good = rs.sign(SEED, rs.message_statement(b"m")).hex()
    sha = hashlib.sha256(b"m").hexdigest()
    assert checked(message, _reporter(b"r"), good, sha) == message
    assert checked(message, None, None, sha) == message  # the case-level row says "older"
    team = Message(3, "rina", "Terima kasih.", "thread/00003-rina.age")
    assert checked(team, _reporter(b"r"), None, sha) == team
