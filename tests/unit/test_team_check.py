"""The review tool's check of the team's signatures (review/team_check.py): each team message
verifies with its sender's key from the local roster, for its case, number, day and
ciphertext; unsigned ones only where signatures had not begun (ADR 0052)."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date

import pytest

from peluit.config import Config
from peluit.core import team_signature
from peluit.review.content import Message
from peluit.review.team_check import Placed, TeamVerdict, check_thread, problem, since, verdict
from tests.support.review import ReviewTeam, make_review_team

pytestmark = pytest.mark.unit

CASE = "p192sq72fxqv78zb"
OTHER_CASE = "q192sq72fxqv78zb"
SEALED = b"age ciphertext of a reply"
SHA = hashlib.sha256(SEALED).hexdigest()


@pytest.fixture(scope="module")
def team() -> ReviewTeam:
    return make_review_team()


def _signed(
    team: ReviewTeam, by: str, case: str = CASE, seq: int = 3, on: str = "2026-12-06"
) -> str:
    text = team_signature.statement(case, seq, on, SEALED)
    return team_signature.sign(team.key(by).signing_key, text).hex()


def _placed(
    sender: str, signature: str | None, seq: int = 3, on: str | None = "2026-12-06"
) -> Placed:
    return Placed(seq, sender, on, signature, SHA)


def _with(config: Config, **organisation: object) -> Config:
    changed = config.organisation.model_copy(update=organisation)
    return config.model_copy(update={"organisation": changed})


def test_a_message_signed_by_its_sender_for_its_place_verifies(team: ReviewTeam) -> None:
    found = verdict(team.config, CASE, _placed("rina", _signed(team, "rina")), required=True)
    assert found is TeamVerdict.SIGNED


@pytest.mark.parametrize(
    ("signed_for", "shown_as"),
    [
        ({"case": OTHER_CASE}, {}),  # another case's message
        ({"seq": 2}, {}),  # replayed later in the thread
        ({"on": "2026-12-05"}, {}),  # re-dated
        ({}, {"sender": "agus"}),  # rina's signature on a message shown as agus's
    ],
)
def test_a_signature_for_another_case_number_day_or_writer_is_forged(
    team: ReviewTeam, signed_for: dict[str, object], shown_as: dict[str, str]
) -> None:
    signature = _signed(team, "rina", **signed_for)  # type: ignore[arg-type]
    placed = _placed(shown_as.get("sender", "rina"), signature)
    assert verdict(team.config, CASE, placed, required=False) is TeamVerdict.FORGED


def test_a_signature_over_other_bytes_or_malformed_is_forged(team: ReviewTeam) -> None:
    other = Placed(3, "rina", "2026-12-06", _signed(team, "rina"), hashlib.sha256(b"x").hexdigest())
    assert verdict(team.config, CASE, other, required=False) is TeamVerdict.FORGED
    for bad in ("zz" * 64, "00" * 63, _signed(team, "rina")[:-2] + "00"):
        assert (
            verdict(team.config, CASE, _placed("rina", bad), required=False) is TeamVerdict.FORGED
        )
    undated = _placed("rina", _signed(team, "rina"), on=None)
    assert verdict(team.config, CASE, undated, required=False) is TeamVerdict.FORGED


def test_a_sender_without_a_roster_key_or_off_the_roster_is_refused(team: ReviewTeam) -> None:
    people = [
        p.model_copy(update={"signing_key": None}) if p.id == "rina" else p
        for p in team.config.people
    ]
    keyless = team.config.model_copy(update={"people": people})
    signed = _placed("rina", _signed(team, "rina"))
    assert verdict(keyless, CASE, signed, required=False) is TeamVerdict.FORGED
    assert verdict(team.config, CASE, _placed("mallory", None), required=False) is (
        TeamVerdict.UNKNOWN_SENDER
    )


def test_an_unsigned_message_is_older_unless_it_must_be_signed(team: ReviewTeam) -> None:
    unsigned = _placed("rina", None)
    assert verdict(team.config, CASE, unsigned, required=False) is TeamVerdict.OLDER
    assert verdict(team.config, CASE, unsigned, required=True) is TeamVerdict.UNSIGNED


def _thread(*placed: Placed) -> tuple[list[Message], dict[str, Placed]]:
    messages = [
        Message(p.seq, p.sender, "teks", f"thread/{p.seq:05d}-{p.sender}.age") for p in placed
    ]
    return messages, {m.key: p for m, p in zip(messages, placed, strict=True)}


def _problems(
    config: Config, *placed: Placed, received: str = "2026-01-02", v2: bool = False
) -> list[str | None]:
    messages, by_key = _thread(*placed)
    checked = check_thread(config, CASE, messages, by_key, received=received, version_2=v2)
    return [m.problem for m in checked]


def test_the_downgrade_rule_refuses_unsigned_team_messages_where_signatures_had_begun(
    team: ReviewTeam,
) -> None:
    older = _placed("rina", None, seq=1, on="2026-01-05")
    reporter = Placed(2, "pelapor", "2026-01-06", None, SHA)
    signed = _placed("agus", _signed(team, "agus", seq=3), seq=3)
    after = _placed("rina", None, seq=4, on="2026-01-03")  # dated back: still after a signed one
    unsigned = problem(TeamVerdict.UNSIGNED, "rina")
    assert _problems(team.config, older, reporter, signed, after) == [None, None, None, unsigned]
    assert _problems(team.config, older, v2=True) == [unsigned]  # a version-2 report's case

    cut = _with(team.config, reporter_signatures_since=date(2026, 1, 5))
    assert since(cut) == date(2026, 1, 5)
    assert _problems(cut, older) == [unsigned]  # numbered on the cut-over day
    assert _problems(cut, older, received="2026-01-05") == [unsigned]
    assert _problems(cut, _placed("rina", None, seq=1, on="2026-01-04")) == [None]
    assert _problems(cut, _placed("rina", None, seq=1, on=None)) == [None]  # before days
    assert _problems(cut, _placed("rina", None, seq=1, on="2026-02-30")) == [unsigned]

    team_day = _with(cut, team_signatures_since=date(2026, 3, 1))
    assert since(team_day) == date(2026, 3, 1)  # the team's own day wins
    assert _problems(team_day, older) == [None]


def test_a_refused_message_keeps_no_text_and_no_files(team: ReviewTeam) -> None:
    messages, by_key = _thread(_placed("rina", "00" * 64))
    listed = replace(messages[0], upload="ab" * 16)
    [checked] = check_thread(
        team.config, CASE, [listed], by_key, received="2026-01-02", version_2=False
    )
    assert (checked.text, checked.manifest, checked.files, checked.upload) == (None, (), (), None)
    assert checked.problem == problem(TeamVerdict.FORGED, "rina")
