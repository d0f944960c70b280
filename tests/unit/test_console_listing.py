"""The console's work list, pure: due-date order with the overdue first, filters, the local
search, the summary; and the words in one language or both."""

from __future__ import annotations

from datetime import date

import pytest

from peluit.config.models import Sla
from peluit.review.console.cases_page import summary_line
from peluit.review.console.html import Html, bi, pick, speaking, template
from peluit.review.console.language import safe_back
from peluit.review.console.listing import Filters, matches, order, select, summarize
from peluit.review.sla import deadlines
from peluit.review.views import CaseRow

pytestmark = pytest.mark.unit

SLA = Sla(acknowledge_working_days=3, feedback_days=90)
TODAY = date(2025, 3, 20)


def row(name: str, received: date, status: str = "diterima", **more: object) -> CaseRow:
    fields: dict[str, object] = {
        "case": name,
        "reference": name.upper(),
        "channel": "pengaduan",
        "status": status,
        "target": None,
        "received": received.isoformat(),
        "files": 0,
        "identity": False,
        "deadlines": deadlines(status, received, SLA, TODAY),
        "area": None,
        **more,
    }
    return CaseRow(**fields)  # type: ignore[arg-type]


def test_overdue_cases_come_first_then_the_nearest_due_date_then_final_ones() -> None:
    closed_old = row("closed-old", date(2025, 1, 2), "selesai")
    closed_new = row("closed-new", date(2025, 3, 1), "ditolak")
    late = row("late", date(2025, 3, 3))  # acknowledgement due 6 March
    later = row("later", date(2025, 3, 10))  # due 13 March: overdue, but less long
    fresh = row("fresh", date(2025, 3, 19))  # due 24 March
    checked = row("checked", date(2025, 3, 1), "diverifikasi")  # feedback due 30 May
    ordered = order([fresh, closed_old, checked, later, closed_new, late])
    assert [r.case for r in ordered] == [
        "late",
        "later",
        "fresh",
        "checked",
        "closed-new",
        "closed-old",
    ]


def test_on_the_same_due_day_the_case_waiting_longest_comes_first() -> None:
    friday, sunday = date(2025, 3, 14), date(2025, 3, 16)  # both due Wednesday 19 March
    assert [r.case for r in order([row("b", sunday), row("a", friday)])] == ["a", "b"]


def test_filters_combine_and_the_search_needs_every_word() -> None:
    rows = [row("a", date(2025, 3, 3), unread=2), row("b", date(2025, 3, 19))]
    texts = {"a": ["Jalan rusak di Desa Sungai"], "b": ["Pungutan izin"]}

    def pick_rows(filters: Filters) -> list[str]:
        return [r.case for r in select(rows, filters, lambda r: texts[r.case])]

    assert pick_rows(Filters(overdue=True)) == ["a"]
    assert pick_rows(Filters(unread=True)) == ["a"]
    assert pick_rows(Filters(query="izin")) == ["b"]
    assert pick_rows(Filters(query="JALAN sungai")) == ["a"]
    assert pick_rows(Filters(query="jalan izin")) == []
    assert pick_rows(Filters(query="b")) == ["b"]  # the reference is searched too
    assert not matches("kata", [])


def test_the_query_is_trimmed_and_bounded() -> None:
    filters = Filters.from_query({"q": "  dua   kata " + "x" * 500, "overdue": "1"})
    assert filters.query.startswith("dua kata x")
    assert len(filters.query) == 200
    assert filters.overdue
    assert filters.any
    assert not Filters.from_query({}).any


def test_the_summary_leaves_test_reports_out_of_the_counts() -> None:
    rows = [
        row("a", date(2025, 3, 3), unread=2),
        row("b", date(2025, 3, 19), unread=1),
        row("c", date(2025, 3, 3), tags=("uji",)),
    ]
    summary = summarize(rows, 5)
    assert (summary.cases, summary.overdue, summary.unread, summary.tests, summary.of) == (
        2,
        1,
        3,
        1,
        5,
    )


def test_words_come_in_both_languages_unless_one_was_chosen() -> None:
    assert bi("Perkara", "Cases") == 'Perkara <span class="en" lang="en">Cases</span>'
    assert pick("Semua", "All") == "Semua / All"
    with speaking("en"):
        assert (bi("Perkara", "Cases"), pick("Semua", "All")) == ("Cases", "All")
        assert "Passphrase" in template("unlock.html").template
        assert "Frasa sandi" not in template("unlock.html").template
    with speaking("id"):
        assert bi("Perkara", "<b>") == Html("Perkara")
        assert "[[" not in template("cases.html").template
    with speaking("xx"):  # not a language: both
        assert pick("Semua", "All") == "Semua / All"
    assert bi("a", "<b>").endswith("&lt;b&gt;</span>")  # still escaped


@pytest.mark.parametrize(
    ("back", "expected"),
    [
        ("/cases?overdue=1&q=jalan", "/cases?overdue=1&q=jalan"),
        ("/unlock", "/unlock"),
        ("//evil.example/", "/cases"),
        ("https://evil.example/", "/cases"),
        ("/\\evil.example", "/cases"),
        ("/cases\r\nSet-Cookie: x=1", "/cases"),
        (None, "/cases"),
    ],
)
def test_the_switch_returns_only_to_a_page_of_the_console(back: str | None, expected: str) -> None:
    assert safe_back(back) == expected


def test_the_summary_line_reads_right_in_both_languages() -> None:
    one = summarize([row("a", date(2025, 3, 3), unread=1)], 1)
    with speaking("en"):
        assert summary_line(one, False) == "1 case · 1 overdue · 1 unread"
    with speaking("id"):
        assert summary_line(one, True) == (
            "1 perkara · 1 terlambat · 1 pesan belum dibaca · disaring dari 1 perkara"
        )
    many = summarize([row("a", date(2025, 3, 3)), row("b", date(2025, 3, 19))], 3)
    with speaking("en"):
        assert summary_line(many, True) == "2 cases · 1 overdue · 0 unread · filtered from 3 cases"
