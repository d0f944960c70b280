"""`identity_grant`: which identity blocks a custodian may grant, to whom (ADR 0059)."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from peluit.api.review_models import IdentityRequestOut, ReporterOut
from peluit.core import request_signature
from peluit.core.report import IdentityDocument
from peluit.review.authenticity import CaseCheck, Verdict
from peluit.review.errors import ReviewInputError
from peluit.review.identity_grant import (
    CASE_NOT_TRUSTED,
    NOT_AN_IDENTITY,
    NOT_THE_REPORTERS,
    REASON_ALTERED,
    REQUEST_NOT_SIGNED,
    REQUEST_STALE,
    WRONG_CHANNEL,
    block_problem,
    grant_problem,
    reason_problem,
    request_problem,
    verified_identity,
)
from peluit.review.pins import Pin
from tests.support.review import ReviewTeam, make_review_team

BLOCK = b"age-encryption.org/v1 ... the identity block"
OTHER = b"age-encryption.org/v1 ... another case's identity block"
CASE, OTHER_CASE = "abcdefghjkmnpqrs", "stvwxyz012345678"
REASON = "ab" * 32
TODAY = date(2026, 12, 6)


@pytest.fixture(scope="module")
def team() -> ReviewTeam:
    return make_review_team()  # pengaduan: reviewers rina, agus; custodians agus, sari


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _check(verdict: Verdict, **flags: bool) -> CaseCheck:
    return CaseCheck(verdict, None, None, Pin(reply=None, signed=True), **flags)


def _reporter(identity: bytes | None) -> ReporterOut:
    sha = _sha(identity) if identity is not None else None
    return ReporterOut(key="ab" * 32, report_signature="cd" * 64, identity_sha256=sha, statement=2)


def _request(
    team: ReviewTeam,
    identity: bytes | None,
    *,
    case: str = CASE,
    reviewer: str = "rina",
    signer: Ed25519PrivateKey | None = None,
    channel: str = "pengaduan",
    signed_on: str = "2026-12-06",
) -> IdentityRequestOut:
    sha = _sha(identity) if identity is not None else None
    key = signer or team.key(reviewer).signing_key
    text = request_signature.statement(case, reviewer, signed_on, sha, REASON)
    return IdentityRequestOut(
        case=case,
        channel=channel,
        reviewer=reviewer,
        status="pending",
        requested_on="2026-12-06",
        reason=REASON,
        decided_by=None,
        decided_on=None,
        decision_note=None,
        signed_on=signed_on,
        identity_sha256=sha,
        signature=key.sign(text).hex(),
    )


def _identity(case: str | None, channel: str = "pengaduan") -> IdentityDocument:
    return IdentityDocument(
        format="peluit-identity/1", channel=channel, fields={"reporter_name": "Siti"}, case=case
    )


def test_the_statement_is_the_documented_text() -> None:
    text = request_signature.statement(CASE, "rina", "2026-12-06", "cd" * 32, REASON)
    assert (
        text
        == (
            f"peluit-identity-request/1\ncase {CASE}\nreviewer rina\non 2026-12-06\n"
            f"identity {'cd' * 32}\nreason {REASON}\n"
        ).encode()
    )
    older = request_signature.statement(CASE, "rina", "2026-12-06", None, REASON)
    assert b"\nidentity -\n" in older


def test_a_request_signed_by_its_reviewer_for_this_case_passes(team: ReviewTeam) -> None:
    assert request_problem(team.config, CASE, _request(team, BLOCK), TODAY) is None


def test_a_request_signed_by_someone_else_or_for_another_case_or_unsigned_is_refused(
    team: ReviewTeam,
) -> None:
    forged = _request(team, BLOCK, signer=Ed25519PrivateKey.generate())
    assert request_problem(team.config, CASE, forged, TODAY) == REQUEST_NOT_SIGNED
    moved = _request(team, BLOCK, case=OTHER_CASE)
    assert request_problem(team.config, CASE, moved, TODAY) == REQUEST_NOT_SIGNED
    unsigned = _request(team, BLOCK).model_copy(update={"signature": None})
    assert request_problem(team.config, CASE, unsigned, TODAY) == REQUEST_NOT_SIGNED
    rehashed = _request(team, BLOCK).model_copy(update={"identity_sha256": _sha(OTHER)})
    assert request_problem(team.config, CASE, rehashed, TODAY) == REQUEST_NOT_SIGNED
    stranger = _request(team, BLOCK).model_copy(update={"reviewer": "nobody"})
    assert request_problem(team.config, CASE, stranger, TODAY) == REQUEST_NOT_SIGNED
    redated = _request(team, BLOCK).model_copy(update={"signed_on": "2026-12-05"})
    assert request_problem(team.config, CASE, redated, TODAY) == REQUEST_NOT_SIGNED


def test_a_request_signed_long_ago_or_for_a_day_to_come_is_refused(team: ReviewTeam) -> None:
    """A denied request the server brings back as pending, months later, is stale."""
    month_ago = _request(team, BLOCK, signed_on="2026-11-06")
    assert request_problem(team.config, CASE, month_ago, TODAY) is None  # 30 days: still fresh
    older = _request(team, BLOCK, signed_on="2026-11-05")
    assert request_problem(team.config, CASE, older, TODAY) == REQUEST_STALE
    ahead = _request(team, BLOCK, signed_on="2026-12-07")
    assert request_problem(team.config, CASE, ahead, TODAY) == REQUEST_STALE


def test_the_reason_must_be_the_one_the_requester_signed(team: ReviewTeam) -> None:
    request = _request(team, BLOCK).model_copy(update={"reason": _sha(b"the signed reason")})
    assert reason_problem(request, b"the signed reason") is None
    assert reason_problem(request, b"a reason the server wrote") == REASON_ALTERED
    assert reason_problem(request.model_copy(update={"reason": None}), b"") == REASON_ALTERED


def _block(team: ReviewTeam, request: IdentityRequestOut, **kw: object) -> str | None:
    args: dict[str, object] = {
        "custodian": "sari",
        "case": CASE,
        "claimed_channel": "pengaduan",
        "block": BLOCK,
        "document": _identity(CASE),
    } | kw
    return block_problem(team.config, request=request, **args)  # type: ignore[arg-type]


def test_a_block_is_granted_only_with_the_signed_hash_its_channel_and_its_case(
    team: ReviewTeam,
) -> None:
    assert _block(team, _request(team, BLOCK)) is None
    assert _block(team, _request(team, BLOCK), block=OTHER) == NOT_THE_REPORTERS
    assert _block(team, _request(team, None), document=_identity(OTHER_CASE)) == NOT_THE_REPORTERS
    # a block from before names no case: the signed hash is what binds it
    assert _block(team, _request(team, BLOCK), document=_identity(None)) is None
    assert _block(team, _request(team, BLOCK), document=None) == NOT_AN_IDENTITY


def test_the_channels_must_agree_and_be_the_custodians_and_the_requesters(
    team: ReviewTeam,
) -> None:
    request = _request(team, BLOCK)
    assert _block(team, request, claimed_channel="gratifikasi") == WRONG_CHANNEL
    gift = _identity(CASE, channel="gratifikasi")
    assert _block(team, request, document=gift, claimed_channel="gratifikasi") == WRONG_CHANNEL
    assert _block(team, request, custodian="rina") == WRONG_CHANNEL  # not a custodian
    dewi = _request(team, BLOCK, reviewer="dewi")  # reviews gratifikasi only
    assert _block(team, dewi) == WRONG_CHANNEL


@pytest.mark.parametrize("verdict", [Verdict.SIGNED, Verdict.SIGNED_V1])
def test_a_signed_case_grants_only_the_block_its_signature_names(verdict: Verdict) -> None:
    assert grant_problem(_check(verdict), _reporter(BLOCK), BLOCK) is None
    assert grant_problem(_check(verdict), _reporter(OTHER), BLOCK) == NOT_THE_REPORTERS
    # the reporter signed "no identity block": one the server adds is not theirs
    assert grant_problem(_check(verdict), _reporter(None), BLOCK) == NOT_THE_REPORTERS


@pytest.mark.parametrize("verdict", [Verdict.FORGED, Verdict.STRIPPED])
def test_a_forged_or_stripped_case_grants_nothing_and_gets_no_request(verdict: Verdict) -> None:
    assert grant_problem(_check(verdict), _reporter(BLOCK), BLOCK) == CASE_NOT_TRUSTED
    with pytest.raises(ReviewInputError, match="tidak sah atau hilang"):
        verified_identity(_check(verdict), _reporter(BLOCK))


@pytest.mark.parametrize("flag", ["key_changed", "key_not_inside"])
def test_a_case_whose_reporter_key_is_untrusted_grants_nothing_and_gets_no_request(
    flag: str,
) -> None:
    """A key the server swapped must not make the requester sign a hash the server chose."""
    check = _check(Verdict.SIGNED, **{flag: True})
    assert grant_problem(check, _reporter(BLOCK), BLOCK) == CASE_NOT_TRUSTED
    with pytest.raises(ReviewInputError, match="tidak sah atau hilang"):
        verified_identity(check, _reporter(BLOCK))


def test_a_request_names_the_hash_the_reporter_signed_or_none_for_an_older_case() -> None:
    assert verified_identity(_check(Verdict.SIGNED), _reporter(BLOCK)) == _sha(BLOCK)
    assert verified_identity(_check(Verdict.OLDER), None) is None
    assert grant_problem(_check(Verdict.OLDER), None, BLOCK) is None
