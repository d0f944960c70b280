"""Gather the records statistics count, on the reviewer's machine: every case the person reads
(all pages of the listing, with each state's history), and the KPK area of each readable
report, decrypted here (once per desk; an `object.read` in the audit log, as for the list).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from peluit import age
from peluit.api.review_models import CaseListItemOut
from peluit.config import Config
from peluit.core import workflow
from peluit.review.desk import PARALLEL, ReviewDesk
from peluit.review.errors import ReviewApiError
from peluit.review.reading import ReportReading, kpk_area

from .compute import Rules
from .records import NO_AREA, UNKNOWN_AREA, CaseRecord, record

PAGE = 100


def rules(config: Config, channels: list[str]) -> Rules:
    """The local configuration's deadlines for `channels` (the ones the person reads)."""
    found = [c for c in config.channels if c.id in channels]
    return Rules(
        sla={c.id: c.sla for c in found},
        holidays=config.organisation.holidays,
        channels=[c.id for c in found],
        areas=[a.id for a in config.kpk_areas],
    )


def area_of(config: Config, reading: ReportReading | None) -> str:
    if reading is None or reading.document is None:
        return UNKNOWN_AREA
    found = kpk_area(config, reading.document)
    return found.id if found is not None else NO_AREA


def to_record(config: Config, item: CaseListItemOut, reading: ReportReading | None) -> CaseRecord:
    return record(
        case=item.case,
        reference=item.reference,
        channel=item.channel,
        status=item.status,
        target=item.target,
        received=item.received,
        history=item.history,
        tags=item.tags,
        area=area_of(config, reading),
    )


def listed(desk: ReviewDesk) -> list[CaseListItemOut]:
    items: list[CaseListItemOut] = []
    cursor: str | None = None
    while True:
        page = desk.client.list_cases(cursor=cursor, limit=PAGE)
        items.extend(page.cases)
        if page.next_cursor is None:
            return items
        cursor = page.next_cursor


def collect(desk: ReviewDesk, areas: bool = True) -> list[CaseRecord]:
    """A record per case the person reads. A test report's area is not decrypted (it is not
    counted); with `areas` False, no report is (every area is then unknown)."""
    items = listed(desk)
    wanted = [i.case for i in items if areas and workflow.TEST_TAG not in i.tags]

    def read(case: str) -> ReportReading | None:
        try:
            return desk.report(case)
        except (ReviewApiError, age.AgeError):
            return None  # counted, its area unknown

    with ThreadPoolExecutor(max_workers=PARALLEL, thread_name_prefix="peluit-stats") as pool:
        readings = dict(zip(wanted, pool.map(read, wanted), strict=True))
    return [to_record(desk.config, item, readings.get(item.case)) for item in items]
