"""No hidden count of a published statistics document can be worked out from what it shows
(docs/adr/0055): the review's reproductions, a brute-force reader that tries every value a
hidden cell could have, and Hypothesis over breakdowns and deadlines of every shape published
(two to twelve cells: channels, statuses, areas, the months of a quarter or a year)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peluit.stats.compute import Deadline, Period, Statistics, compute
from peluit.stats.disclosure import StatsDisclosureError, check_document, on_time_counts, safe
from peluit.stats.document import AT_LEAST, SUPPRESSED, StatsDocument, Suppressed
from peluit.stats.publish import _deadline, document, suppress_breakdown
from tests.support.review import make_review_team
from tests.unit.test_stats_compute import CASES, RULES, TODAY

pytestmark = pytest.mark.unit

Cell = int | Suppressed


def reader(shown: Mapping[str, Cell], total: int) -> dict[str, set[int]]:
    """What a reader who knows the total and takes every shown statement as true can tell
    about each hidden cell: every value it takes in some way of filling all hidden cells
    ("<5": 1 to 4, "≥5": 5 up to the total) that adds up to the total. Independent of the
    code under test: it tries every value against the sums the other cells can make."""
    hidden = [k for k, v in shown.items() if isinstance(v, str)]
    rest = total - sum(v for v in shown.values() if isinstance(v, int))
    choices = {k: range(1, 5) if shown[k] == SUPPRESSED else range(5, rest + 1) for k in hidden}

    def sums(cells: list[str]) -> set[int]:
        made = {0}
        for k in cells:
            made = {s + x for s in made for x in choices[k] if s + x <= rest}
        return made

    return {
        k: {v for v in choices[k] if rest - v in sums([o for o in hidden if o != k])}
        for k in hidden
    }


def assert_nothing_pinned(counts: dict[str, int]) -> dict[str, Cell] | None:
    shown = suppress_breakdown(counts)
    total = sum(counts.values())
    if shown is None:
        return None
    for k, v in shown.items():  # every statement is true
        assert v == counts[k] if isinstance(v, int) else True
        if v == SUPPRESSED:
            assert 1 <= counts[k] <= 4
        if v == AT_LEAST:
            assert counts[k] >= 5
        if isinstance(v, int):
            assert v == counts[k]
            assert v not in range(1, 5)
    hidden = {k for k, v in shown.items() if isinstance(v, str)}
    if hidden:
        assert sum(counts[k] for k in hidden) >= 5, shown
    for k, values in reader(shown, total).items():
        assert counts[k] in values
        assert len(values) >= 2, (counts, shown, k, values)
    return shown


def test_two_ones_beside_a_twenty_are_not_pinned_by_the_total() -> None:
    # review S1: {a:20,b:1,c:1} was shown {a:20,b:'<5',c:'<5'} with 22 cases: b = c = 1
    shown = assert_nothing_pinned({"a": 20, "b": 1, "c": 1})
    assert shown == {"a": AT_LEAST, "b": SUPPRESSED, "c": SUPPRESSED}


def test_a_five_hidden_beside_a_one_is_not_pinned_by_the_total() -> None:
    # review S1: {a:20,b:5,c:1} was shown {a:20,b:'≥5',c:'<5'} with 26 cases: b = 5, c = 1
    shown = assert_nothing_pinned({"a": 20, "b": 5, "c": 1})
    assert shown == {"a": AT_LEAST, "b": AT_LEAST, "c": SUPPRESSED}


def test_the_smallest_cells_are_hidden_first_and_large_ones_stay_shown() -> None:
    shown = assert_nothing_pinned({"a": 40, "b": 3, "c": 0, "d": 7, "e": 30})
    assert shown == {"a": 40, "b": SUPPRESSED, "c": 0, "d": AT_LEAST, "e": 30}


def test_a_breakdown_that_cannot_be_protected_is_withheld() -> None:
    # every count hidden and the one still pinned: 5 + 5 + c = 11 leaves c = 1
    assert suppress_breakdown({"a": 5, "b": 5, "c": 1}) is None
    assert suppress_breakdown({"a": 3, "b": 0}) is None  # fewer than 5 in all


def test_a_breakdown_without_small_counts_is_shown_whole() -> None:
    assert suppress_breakdown({"a": 7, "b": 0, "c": 12}) == {"a": 7, "b": 0, "c": 12}


breakdowns = st.dictionaries(
    st.sampled_from("abcdefghijkl"),
    st.one_of(st.integers(0, 6), st.integers(0, 25)),
    min_size=1,
    max_size=12,
).filter(lambda d: sum(d.values()) <= 60)


@settings(max_examples=400, deadline=None)
@given(breakdowns)
def test_no_hidden_cell_of_any_breakdown_can_be_pinned(counts: dict[str, int]) -> None:
    shown = assert_nothing_pinned(counts)
    if shown is not None:
        assert safe(shown, sum(counts.values()))  # and the server's check lets it through


parts = st.one_of(st.integers(0, 40), st.integers(0, 3000))


@settings(max_examples=500, deadline=None)
@given(parts, parts, parts, parts)
def test_a_deadline_gives_away_no_count_under_five(
    met: int, late: int, overdue: int, running: int
) -> None:
    # A reader knows the cases (the total) and, from the statuses, how many were given
    # (met + late); with `decided` and the percentage they would know every part.
    deadline = Deadline(met, late, overdue, running)
    shown = _deadline(deadline)
    if isinstance(shown.decided, int) and shown.decided:
        assert shown.decided == deadline.decided
        given = met + late
        for derived in (shown.decided - given, running):  # the overdue, the running
            assert not 0 < derived < 5
    if shown.on_time_percent is not None:
        assert isinstance(shown.decided, int)
        candidates = on_time_counts(shown.decided, shown.on_time_percent)
        assert met in candidates
        for m in candidates:  # the met, and the late (given - met)
            assert not 0 < m < 5
            assert not 0 < met + late - m < 5
    if shown.decided == "≥5":
        assert deadline.decided >= 5
    if shown.decided == "<5":
        assert 0 < deadline.decided < 5


def _doc() -> StatsDocument:
    team = make_review_team()
    return document(team.config, compute(CASES, RULES, Period(), TODAY), "rina", ["pengaduan"])


def _with(doc: StatsDocument, **counts: object) -> StatsDocument:
    """`doc` with these counts and every other breakdown withheld."""
    raw = doc.model_dump(mode="json")
    raw["counts"].update(
        {"by_channel": None, "by_status": None, "by_month": None, "by_area": None} | counts
    )
    return StatsDocument.model_validate(raw)


def test_the_server_refuses_the_reviews_breakdowns_as_the_old_code_made_them() -> None:
    doc = _with(_doc(), cases=22, by_channel={"pengaduan": 20, "gratifikasi": "<5"})
    with pytest.raises(StatsDisclosureError, match="by_channel"):
        check_document(doc)
    pinned = {"pengadaan": 20, "perizinan": "≥5", "tanpa-bidang": "<5"}
    with pytest.raises(StatsDisclosureError, match="by_area"):
        check_document(_with(_doc(), cases=26, by_area=pinned))
    hidden = {"pengadaan": "≥5", "perizinan": "≥5", "tanpa-bidang": "<5"}
    check_document(_with(_doc(), cases=26, by_area=hidden))


def test_the_server_refuses_breakdowns_of_fewer_than_five_cases() -> None:
    doc = _with(_doc(), cases="<5", by_channel={"pengaduan": "<5", "gratifikasi": 0})
    with pytest.raises(StatsDisclosureError, match="by_channel"):
        check_document(doc)
    check_document(_with(doc, by_channel=None))


def test_the_server_refuses_a_percentage_that_gives_away_a_small_count() -> None:
    raw = _with(_doc(), cases=20).model_dump(mode="json")
    raw["acknowledgement"] = {"decided": 20, "on_time_percent": 95.0}  # 19 met, 1 not
    with pytest.raises(StatsDisclosureError, match="acknowledgement"):
        check_document(StatsDocument.model_validate(raw))
    raw["acknowledgement"] = {"decided": 18, "on_time_percent": 50.0}  # 2 still running
    with pytest.raises(StatsDisclosureError, match="acknowledgement"):
        check_document(StatsDocument.model_validate(raw))
    raw["acknowledgement"] = {"decided": 20, "on_time_percent": 50.0}
    check_document(StatsDocument.model_validate(raw))
    # the statuses give how many were acknowledged (the cases past diterima)
    raw["counts"]["cases"] = 30
    raw["acknowledgement"] = {"decided": 25, "on_time_percent": None}  # 5 running
    raw["counts"]["by_status"] = {"diterima": 8, "ditelaah": 22}  # 25 - 22 = 3 overdue
    with pytest.raises(StatsDisclosureError, match="overdue"):
        check_document(StatsDocument.model_validate(raw))
    raw["counts"]["by_status"] = {"diterima": 10, "ditelaah": 20}  # 5 overdue
    raw["acknowledgement"] = {"decided": 25, "on_time_percent": 60.0}  # 15 met, 5 late
    check_document(StatsDocument.model_validate(raw))
    raw["acknowledgement"] = {"decided": 25, "on_time_percent": 68.0}  # 17 met: 3 late
    with pytest.raises(StatsDisclosureError, match="percentage"):
        check_document(StatsDocument.model_validate(raw))


cases = st.lists(
    st.tuples(
        st.sampled_from(["pengaduan", "gratifikasi"]),
        st.sampled_from(["diterima", "ditelaah", "diteruskan", "selesai", "ditolak"]),
        st.sampled_from(["2025-01", "2025-02", "2025-03"]),
        st.sampled_from(["pengadaan", "perizinan", "tanpa-bidang", "tidak-diketahui"]),
        st.sampled_from([None, "apip", "kpk"]),
        st.sampled_from(["on time", "late"]),  # a deadline given ...
        st.sampled_from(["overdue", "running"]),  # ... or not
    ),
    max_size=45,
)


Row = tuple[str, str, str, str, str | None, str, str]
STATUSES = ["diterima", "diverifikasi", "ditelaah", "diteruskan", "selesai", "ditolak"]


def _tally(values: list[str], keys: list[str]) -> dict[str, int]:
    return {k: values.count(k) for k in keys}


def _deadline_of(rows: list[Row], given: set[str]) -> Deadline:
    """Met, late, overdue and running as the statuses allow: given for the cases whose
    status is in `given`, not given for the others."""
    done = [r for r in rows if r[1] in given]
    waiting = [r for r in rows if r[1] not in given]
    return Deadline(
        met=sum(1 for r in done if r[5] == "on time"),
        late=sum(1 for r in done if r[5] == "late"),
        overdue=sum(1 for r in waiting if r[6] == "overdue"),
        running=sum(1 for r in waiting if r[6] == "running"),
    )


@settings(max_examples=300, deadline=None)
@given(cases)
def test_no_hidden_count_of_a_whole_document_can_be_pinned(rows: list[Row]) -> None:
    team = make_review_team()
    channels = [r[0] for r in rows]
    statuses = [r[1] for r in rows]
    months = [r[2] for r in rows]
    areas = [r[3] for r in rows]
    targets = [r[4] for r in rows]
    counts = {
        "by_channel": _tally(channels, ["pengaduan", "gratifikasi"]),
        "by_status": _tally(statuses, STATUSES),
        "by_month": _tally(months, ["2025-01", "2025-02", "2025-03"]),
        "by_area": _tally(areas, ["pengadaan", "perizinan", "tanpa-bidang", "tidak-diketahui"]),
    }
    forwarded = {t: targets.count(t) for t in ("apip", "kpk") if targets.count(t)}
    stats = Statistics(
        period=Period(date(2025, 1, 1), date(2025, 3, 31)),
        as_of=date(2025, 4, 1),
        cases=len(rows),
        tests_left_out=0,
        forwarded_to=forwarded,
        acknowledgement=_deadline_of(rows, set(STATUSES) - {"diterima"}),
        feedback=_deadline_of(rows, {"selesai", "ditolak"}),
        median_days_to_acknowledge=None,
        median_days_to_close=None,
        acknowledged=0,
        closed=0,
        overdue=0,
        by_channel=counts["by_channel"],
        by_status=counts["by_status"],
        by_month=counts["by_month"],
        by_area=counts["by_area"],
    )
    doc = document(team.config, stats, "rina", ["pengaduan", "gratifikasi"])
    check_document(doc)  # what the suppressor makes, the server's check lets through
    shown_counts = doc.counts.model_dump()
    for name, true in [*counts.items(), ("forwarded_to", forwarded)]:
        shown = shown_counts[name]
        if shown is None:
            continue
        for k, values in reader(shown, sum(true.values())).items():
            assert true[k] in values
            assert len(values) >= 2, (name, shown, k, values)
