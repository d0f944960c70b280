"""The public statistics document: counts under 5 suppressed (and a second cell hidden so a
lone one cannot be worked out), signed by a reviewer's roster key, refused otherwise."""

from __future__ import annotations

import base64
from dataclasses import replace
from datetime import date

import pytest
from pydantic import ValidationError

from peluit.stats.compute import Period, compute
from peluit.stats.document import SignedStats, StatsDocument
from peluit.stats.publish import document, suppress, suppress_breakdown
from peluit.stats.signature import StatsSignatureError, check_signer, sign, verify
from tests.support.review import make_review_team
from tests.unit.test_stats_compute import CASES, RULES, TODAY

pytestmark = pytest.mark.unit


def test_counts_from_one_to_four_are_shown_as_under_five() -> None:
    assert [suppress(n) for n in (0, 1, 4, 5, 17)] == [0, "<5", "<5", 5, 17]


def test_a_zero_stays_zero_and_the_smallest_other_cell_is_hidden_as_at_least_five() -> None:
    shown = suppress_breakdown({"a": 10, "b": 3, "c": 0, "d": 7})
    assert shown == {"a": 10, "b": "<5", "c": 0, "d": "≥5"}


def test_two_small_cells_adding_up_to_five_hide_nothing_more() -> None:
    assert suppress_breakdown({"a": 10, "b": 3, "c": 2}) == {"a": 10, "b": "<5", "c": "<5"}


def test_two_small_cells_adding_up_to_less_than_five_hide_another() -> None:
    shown = suppress_breakdown({"a": 10, "b": 1, "c": 2, "d": 30})
    assert shown == {"a": "≥5", "b": "<5", "c": "<5", "d": 30}


def test_a_document_cannot_hold_a_count_under_five() -> None:
    team = make_review_team()
    stats = compute(CASES, RULES, Period(), TODAY)
    doc = document(team.config, stats, "rina", ["pengaduan"])
    raw = doc.model_dump(mode="json")
    assert raw["counts"]["cases"] == 5
    assert raw["counts"]["by_status"]["ditolak"] == "<5"
    assert raw["acknowledgement"] == {"decided": "<5", "on_time_percent": None}
    assert raw["median_working_days"] == {"acknowledge": None, "close": None}
    raw["counts"]["by_status"]["ditolak"] = 1
    with pytest.raises(ValidationError):
        StatsDocument.model_validate(raw)


def _signed(person: str = "rina", channels: tuple[str, ...] = ("pengaduan",)) -> SignedStats:
    team = make_review_team()
    stats = compute(CASES, RULES, Period(None, date(2025, 6, 30)), TODAY)
    return sign(document(team.config, stats, person, list(channels)), team.key(person))


def test_a_reviewers_signature_verifies_against_the_roster() -> None:
    team = make_review_team()
    stats = compute(CASES, RULES, Period(), TODAY)
    signed = sign(document(team.config, stats, "rina", ["pengaduan"]), team.key("rina"))
    check_signer(team.config, signed)


def test_a_changed_number_breaks_the_signature() -> None:
    team = make_review_team()
    stats = compute(CASES, RULES, Period(), TODAY)
    signed = sign(document(team.config, stats, "rina", ["pengaduan"]), team.key("rina"))
    counts = signed.document.counts.model_copy(update={"cases": 50})
    forged = signed.model_copy(
        update={"document": signed.document.model_copy(update={"counts": counts})}
    )
    with pytest.raises(StatsSignatureError):
        verify(forged)


def test_a_key_that_is_not_the_signers_roster_key_is_refused() -> None:
    team = make_review_team()
    stats = compute(CASES, RULES, Period(), TODAY)
    doc = document(team.config, stats, "rina", ["pengaduan"])
    impostor = replace(team.key("agus"), person="rina")
    signed = sign(doc, impostor)  # verifies with the key it names, which is agus's
    verify(signed)
    with pytest.raises(StatsSignatureError, match="roster"):
        check_signer(team.config, signed)


def test_oversight_and_other_channels_cannot_be_published() -> None:
    team = make_review_team()
    stats = compute(CASES, RULES, Period(), TODAY)
    oversight = sign(
        document(team.config, stats, "kpk-liaison", ["pengaduan"]), team.key("kpk-liaison")
    )
    with pytest.raises(StatsSignatureError, match="not a reviewer"):
        check_signer(team.config, oversight)
    other = sign(document(team.config, stats, "rina", ["gratifikasi"]), team.key("rina"))
    with pytest.raises(StatsSignatureError, match="gratifikasi"):
        check_signer(team.config, other)


def test_a_malformed_signature_is_refused_as_not_verifying() -> None:
    signed = _signed()
    bad = signed.model_copy(update={"signature": base64.b64encode(b"\0" * 64).decode()})
    with pytest.raises(StatsSignatureError):
        verify(bad)
