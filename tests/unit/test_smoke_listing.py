"""Test reports in the reviewers' lists: `peluit cases list` and the console label a case
tagged `uji` (ADR 0015) and leave it out of the counts."""

from __future__ import annotations

import pytest

from peluit.cli import cases_text
from peluit.review.console.cases_page import cases_content
from peluit.review.console.listing import Filters, summarize
from peluit.review.views import CaseRow
from tests.support.factory import make_team

pytestmark = pytest.mark.unit


def row(case: str, tags: tuple[str, ...] = ()) -> CaseRow:
    return CaseRow(
        case=case,
        reference=case.upper(),
        channel="pengaduan",
        status="diterima",
        target=None,
        received="2026-12-01",
        files=1,
        identity=False,
        deadlines=None,
        area=None,
        tags=tags,
    )


REAL = row("aaaaaaaaaaaaaaaa")
TEST = row("bbbbbbbbbbbbbbbb", ("uji",))


def test_a_test_report_is_labelled_and_not_counted_in_the_case_list() -> None:
    text = cases_text.table(make_team().config, [REAL, TEST])
    lines = text.splitlines()
    [labelled] = [line for line in lines if "BBBB" in line]
    [plain] = [line for line in lines if "AAAA" in line]
    assert "[UJI/TEST]" in labelled
    assert "[UJI/TEST]" not in plain
    assert lines[-1].startswith("1 perkara / cases; 0 terlambat")
    assert "1 laporan uji / test reports [UJI/TEST] tidak dihitung" in lines[-1]


def test_a_list_without_test_reports_says_nothing_about_them() -> None:
    text = cases_text.table(make_team().config, [REAL])
    assert "UJI" not in text


def test_only_the_uji_tag_makes_a_test_report() -> None:
    assert TEST.test
    assert not REAL.test
    assert not row("cccccccccccccccc", ("penting",)).test


def test_the_console_labels_a_test_report() -> None:
    rows = [REAL, TEST]
    summary = summarize(rows, 1)
    page = str(cases_content(make_team().config, ["pengaduan"], rows, Filters(), summary, (2, 0)))

    def cells(case: str) -> str:
        return page.split(f'href="/cases/{case}"')[1].split("</tr>")[0]

    assert "UJI" in cells(TEST.case)
    assert "UJI" not in cells(REAL.case)
    assert "1 perkara · 0 terlambat · 0 pesan belum dibaca · 1 uji" in page  # not counted
