"""`identity_grant`: which identity blocks a custodian may grant (ADR 0059)."""

from __future__ import annotations

import hashlib

import pytest

from peluit.api.review_models import ReporterOut
from peluit.core.report import IdentityDocument
from peluit.review.authenticity import CaseCheck, Verdict
from peluit.review.identity_grant import (
    CASE_NOT_TRUSTED,
    NOT_AN_IDENTITY,
    NOT_THE_REPORTERS,
    content_problem,
    grant_problem,
)
from peluit.review.pins import Pin

BLOCK = b"age-encryption.org/v1 ... the identity block"
OTHER = b"age-encryption.org/v1 ... another case's identity block"


def _check(verdict: Verdict, **flags: bool) -> CaseCheck:
    return CaseCheck(verdict, None, None, Pin(reply=None, signed=True), **flags)


def _reporter(identity: bytes | None) -> ReporterOut:
    sha = hashlib.sha256(identity).hexdigest() if identity is not None else None
    return ReporterOut(key="ab" * 32, report_signature="cd" * 64, identity_sha256=sha, statement=2)


@pytest.mark.parametrize("verdict", [Verdict.SIGNED, Verdict.SIGNED_V1])
def test_a_signed_case_grants_only_the_block_its_signature_names(verdict: Verdict) -> None:
    assert grant_problem(_check(verdict), _reporter(BLOCK), BLOCK) is None
    assert grant_problem(_check(verdict), _reporter(OTHER), BLOCK) == NOT_THE_REPORTERS
    # the reporter signed "no identity block": one the server adds is not theirs
    assert grant_problem(_check(verdict), _reporter(None), BLOCK) == NOT_THE_REPORTERS


@pytest.mark.parametrize("verdict", [Verdict.FORGED, Verdict.STRIPPED])
def test_a_forged_or_stripped_case_grants_nothing(verdict: Verdict) -> None:
    assert grant_problem(_check(verdict), _reporter(BLOCK), BLOCK) == CASE_NOT_TRUSTED


@pytest.mark.parametrize("flag", ["key_changed", "key_not_inside"])
def test_a_case_whose_reporter_key_is_untrusted_grants_nothing(flag: str) -> None:
    check = _check(Verdict.SIGNED, **{flag: True})
    assert grant_problem(check, _reporter(BLOCK), BLOCK) == CASE_NOT_TRUSTED


def test_an_older_unsigned_case_has_nothing_to_check_its_block_against() -> None:
    assert grant_problem(_check(Verdict.OLDER), None, BLOCK) is None


CASE, OTHER_CASE = "abcdefghjkmnpqrs", "stvwxyz012345678"


def _identity(case: str | None) -> IdentityDocument:
    return IdentityDocument(
        format="peluit-identity/1", channel="pengaduan", fields={"reporter_name": "Siti"}, case=case
    )


def test_a_block_naming_its_case_is_granted_and_one_naming_another_is_not() -> None:
    assert content_problem(_identity(CASE), CASE) is None
    assert content_problem(_identity(OTHER_CASE), CASE) == NOT_THE_REPORTERS


def test_a_block_from_before_names_no_case_and_is_left_to_the_signature_check() -> None:
    assert content_problem(_identity(None), CASE) is None


def test_what_is_not_an_identity_document_is_never_granted() -> None:
    assert content_problem(None, CASE) == NOT_AN_IDENTITY
