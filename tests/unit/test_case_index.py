"""The case index's day encoding: keys that list newest day first, and back."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from peluit.core import layout

pytestmark = pytest.mark.unit


def test_index_days_sort_newest_first_and_read_back() -> None:
    days = [date(1999, 12, 31) + timedelta(days=n * 37) for n in range(400)]
    names = [layout.index_day(d.isoformat()) for d in days]
    assert all(len(n) == 8 and n.isdigit() for n in names)
    assert sorted(names) == names[::-1]  # later day, smaller name
    assert [layout.index_day_received(n) for n in names] == [d.isoformat() for d in days]
    assert layout.index_day("2025-03-07") == "79749692"


FULLWIDTH_DAY = "".join(chr(0xFF10 + int(c)) for c in "79749692")  # digits, but not ASCII


@pytest.mark.parametrize(
    "name",
    ["", "7974969", "797496920", "7974969x", FULLWIDTH_DAY, "79749769"],  # 2025-02-30
)
def test_a_name_that_is_no_index_day_reads_as_none(name: str) -> None:
    assert layout.index_day_received(name) is None


def test_index_keys_of_one_channel_sort_as_the_listing_pages() -> None:
    entries = [("2025-03-07", "b" * 16), ("2025-03-07", "a" * 16), ("2025-03-08", "c" * 16)]
    keys = sorted(layout.case_index("pengaduan", day, case) for day, case in entries)
    assert [k.rsplit("/", 1)[1] for k in keys] == ["c" * 16, "a" * 16, "b" * 16]
