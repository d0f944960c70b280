"""Public statistics cover one whole month, quarter or year that is over, and a period that
overlaps a published one is refused unless it is that very period (docs/adr/0055): two
documents whose periods differ by a day would show that day's case."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from peluit.core.errors import NotPermittedError
from peluit.stats.compute import Period, compute
from peluit.stats.document import SignedStats
from peluit.stats.periods import (
    StatsPeriodError,
    StatsPeriodOverlapError,
    check_publishable,
    kind,
    overlaps,
    parse,
)
from peluit.stats.publish import document
from peluit.stats.published import KEY, PublishedStats, StatsNotPublishedError
from peluit.stats.signature import sign
from tests.support.fakes import FixedClock, MemoryStore
from tests.support.review import ReviewTeam, make_review_team
from tests.unit.test_stats_compute import CASES, RULES

pytestmark = pytest.mark.unit


def test_a_month_a_quarter_and_a_year_are_named_as_people_write_them() -> None:
    assert parse("2026-02") == Period(date(2026, 2, 1), date(2026, 2, 28))
    assert parse("2024-02") == Period(date(2024, 2, 1), date(2024, 2, 29))
    assert parse("2026-Q4") == Period(date(2026, 10, 1), date(2026, 12, 31))
    assert parse("2026") == Period(date(2026, 1, 1), date(2026, 12, 31))
    for bad in ("2026-13", "2026-Q5", "26", "2026-1", "2026-11-05", ""):
        with pytest.raises(StatsPeriodError):
            parse(bad)


def test_only_whole_months_quarters_and_years_are_periods_to_publish() -> None:
    assert kind(date(2026, 4, 1), date(2026, 4, 30)) == "month"
    assert kind(date(2026, 4, 1), date(2026, 6, 30)) == "quarter"
    assert kind(date(2026, 1, 1), date(2026, 12, 31)) == "year"
    for start, end in (
        (date(2026, 1, 1), date(2026, 12, 5)),  # the review's period differencing
        (date(2026, 1, 1), date(2026, 12, 6)),
        (date(2026, 2, 1), date(2026, 4, 30)),  # three months, not a quarter
        (date(2026, 4, 2), date(2026, 4, 30)),
        (None, date(2026, 4, 30)),
        (date(2026, 4, 1), None),
    ):
        with pytest.raises(StatsPeriodError):
            kind(start, end)


def test_a_period_is_published_only_once_it_is_over() -> None:
    with pytest.raises(StatsPeriodError, match="over"):
        check_publishable(date(2026, 12, 1), date(2026, 12, 31), date(2026, 12, 6))
    with pytest.raises(StatsPeriodError, match="over"):
        check_publishable(date(2026, 12, 1), date(2026, 12, 31), date(2026, 12, 31))
    assert check_publishable(date(2026, 11, 1), date(2026, 11, 30), date(2026, 12, 1)) == "month"


def test_overlapping_periods_share_a_day() -> None:
    q1, march, april = parse("2026-Q1"), parse("2026-03"), parse("2026-04")
    assert overlaps(q1, march)
    assert not overlaps(q1, april)
    assert overlaps(Period(None, None), april)


AFTER_JUNE = FixedClock(datetime(2025, 7, 1, 3, 0, tzinfo=UTC))


def _signed(team: ReviewTeam, period: str, as_of: date = date(2025, 7, 1)) -> SignedStats:
    stats = compute(CASES, RULES, parse(period), as_of)
    return sign(document(team.config, stats, "rina", ["pengaduan"]), team.key("rina"))


def _periods(published: PublishedStats) -> list[tuple[str | None, str | None]]:
    return [(d.document.period.start, d.document.period.end) for d in published.history()]


def test_published_periods_are_kept_one_document_each_and_the_latest_is_served() -> None:
    team = make_review_team()
    store = MemoryStore()
    published = PublishedStats(team.config, store, AFTER_JUNE)
    published.publish("rina", _signed(team, "2025-Q2"))
    published.publish("rina", _signed(team, "2025-Q1"))
    assert _periods(published) == [("2025-01-01", "2025-03-31"), ("2025-04-01", "2025-06-30")]
    assert published.current().document.period.end == "2025-06-30"
    again = _signed(team, "2025-Q1", as_of=date(2025, 7, 1))
    published.publish("rina", again)  # the same period again: replaces its document
    assert len(published.history()) == 2
    stored = json.loads(store.objects[KEY])
    assert stored["format"] == "peluit-stats-history/1"


def test_a_period_overlapping_a_published_one_is_refused_and_nothing_changes() -> None:
    team = make_review_team()
    store = MemoryStore()
    next_year = FixedClock(datetime(2026, 1, 2, 3, 0, tzinfo=UTC))
    published = PublishedStats(team.config, store, next_year)
    published.publish("rina", _signed(team, "2025-Q1", date(2026, 1, 2)))
    before = store.snapshot()
    for period in ("2025-03", "2025-01", "2025"):
        with pytest.raises(StatsPeriodOverlapError, match="2025-01-01"):
            published.publish("rina", _signed(team, period, date(2026, 1, 2)))
    assert store.snapshot() == before


def test_the_server_refuses_a_period_not_over_by_its_own_date() -> None:
    team = make_review_team()
    store = MemoryStore()
    early = PublishedStats(team.config, store, FixedClock(datetime(2025, 6, 20, tzinfo=UTC)))
    with pytest.raises(StatsPeriodError, match="over"):
        early.publish("rina", _signed(team, "2025-06"))  # the signer's day is July
    assert store.objects == {}


def test_the_server_refuses_a_period_that_is_not_whole() -> None:
    team = make_review_team()
    stats = compute(CASES, RULES, Period(date(2025, 1, 1), date(2025, 6, 5)), date(2025, 7, 1))
    signed = sign(document(team.config, stats, "rina", ["pengaduan"]), team.key("rina"))
    published = PublishedStats(team.config, MemoryStore(), AFTER_JUNE)
    with pytest.raises(StatsPeriodError, match="whole"):
        published.publish("rina", signed)


def test_only_the_signer_publishes_and_before_anything_nothing_is_served() -> None:
    team = make_review_team()
    published = PublishedStats(team.config, MemoryStore(), AFTER_JUNE)
    with pytest.raises(NotPermittedError):
        published.publish("agus", _signed(team, "2025-Q1"))
    with pytest.raises(StatsNotPublishedError):
        published.current()


def test_a_document_stored_before_periods_were_fixed_is_replaced_not_kept() -> None:
    team = make_review_team()
    store = MemoryStore()
    stats = compute(CASES, RULES, Period(None, date(2025, 6, 5)), date(2025, 7, 1))
    old = sign(document(team.config, stats, "rina", ["pengaduan"]), team.key("rina"))
    store.objects[KEY] = old.model_dump_json().encode()  # a single document, any period
    published = PublishedStats(team.config, store, AFTER_JUNE)
    assert published.current() == old
    published.publish("rina", _signed(team, "2025-Q2"))
    assert _periods(published) == [("2025-04-01", "2025-06-30")]
