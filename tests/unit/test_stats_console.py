"""The console's statistics page, rendered from known numbers: the period from the address,
bilingual labels (one language when chosen), and labels escaped."""

from __future__ import annotations

import re
from datetime import date

import pytest

from peluit.review.console.html import speaking
from peluit.review.console.stats_page import period_of, stats_content
from peluit.review.errors import ReviewInputError
from peluit.stats.compute import Period, compute
from peluit.stats.run import Made
from tests.unit.test_stats_compute import CASES, RULES, TODAY

pytestmark = pytest.mark.unit

LABELS = {
    "channel": {"pengaduan": ("Pengaduan <b>", "Complaint")},
    "area": {"pengadaan": ("Pengadaan", "Procurement")},
    "status": {"diterima": ("Diterima", "Received")},
    "target": {"kpk": ("KPK", "KPK")},
}


def test_the_period_comes_from_the_address_and_bad_days_are_refused() -> None:
    assert period_of({"from": "2025-01-01", "to": ""}) == Period(date(2025, 1, 1), None)
    assert period_of({}) == Period()
    with pytest.raises(ReviewInputError, match="not a day"):
        period_of({"from": "2025-13-01"})
    with pytest.raises(ReviewInputError, match="starts"):
        period_of({"from": "2025-02-01", "to": "2025-01-01"})


def _made() -> Made:
    return Made(list(CASES), RULES, compute(CASES, RULES, Period(), TODAY), ["pengaduan"])


def test_the_page_shows_the_numbers_with_escaped_labels_in_both_languages() -> None:
    page = stats_content(_made(), LABELS)
    assert "<dd>5</dd>" in page  # cases
    assert "<dd>1</dd>" in page  # the test report left out
    assert "50.0 % (2 / 4)" in page  # acknowledged on time
    assert "Pengaduan &lt;b&gt;" in page
    assert "<b>" not in page
    assert 'lang="en">Complaint' in page
    assert not re.search(r'="[^"]*<', page)  # no markup inside an attribute
    assert "… → …" in page  # the period, open at both ends


def test_one_language_when_the_person_chose_it() -> None:
    with speaking("en"):
        page = stats_content(_made(), LABELS)
    assert "Complaint" in page
    assert "Pengaduan" not in page
    assert "Statistics" in page
    assert "Statistik" not in page
