"""A year of cases for the statistics tests: at least 200 reports filed into a `peluit serve`
data folder (the demo configuration and key files), handled by the demo reviewers on the days
a plan says, through the real reviewer API over the local store with a clock set to each day.

Cases are filed with the same calls the public API makes (`tests.support.cases.submit_case`,
no browser, no proof of work) and handled through `ReviewDesk` (reasons encrypted, signed
requests), so `peluit serve` started on the folder afterwards serves an ordinary store. The
plan keeps what each case should count as, for the tests to compare with.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from unittest import mock

from peluit.api.reviewer import Services as ReviewerServices
from peluit.api.reviewer import build_reviewer_app
from peluit.config import Config, load_config
from peluit.config.demo import ensure_demo, open_demo_key
from peluit.core.dates import add_working_days
from peluit.core.ids import case_reference
from peluit.review.client import ReviewClient
from peluit.review.desk import ReviewDesk
from peluit.review.transport import HttpRequest, HttpResponse
from peluit.store.local import LocalStore
from peluit.store.local_urls import LocalUrlSigner
from tests.support.cases import submit_case
from tests.support.fakes import FixedClock
from tests.support.review import ORIGIN, http_event, lambda_context, response_of

WHAT = "Pungutan liar RAHASIA-ISI-LAPORAN di kantor kecamatan."  # must never reach an export
CHANNEL_REVIEWER = {"pengaduan": "rina", "gratifikasi": "dewi"}


@dataclass
class Planned:
    """One case: what the plan made of it (days are local days)."""

    channel: str
    received: date
    area: str  # a KPK area id, or "tanpa-bidang" (gratifikasi does not ask)
    steps: list[tuple[str, date, str | None]] = field(default_factory=list)  # status, day, target
    test: bool = False
    case: str = ""

    @property
    def reference(self) -> str:
        return case_reference(self.case)

    def done(self, today: date) -> list[tuple[str, date, str | None]]:
        return [s for s in self.steps if s[1] <= today]

    def status(self, today: date) -> str:
        done = self.done(today)
        return done[-1][0] if done else "diterima"


@dataclass
class Dataset:
    data: Path
    config: Config
    today: date
    cases: list[Planned]

    @property
    def counted(self) -> list[Planned]:
        return [c for c in self.cases if not c.test]


class _Resolver:
    """Signed requests straight into the reviewer API's resolver (as Lambda would)."""

    def __init__(self, services: ReviewerServices) -> None:
        self.app = build_reviewer_app(services)

    def send(self, request: HttpRequest) -> HttpResponse:
        return response_of(self.app.resolve(http_event(request), lambda_context()))

    def fetch(self, url: str) -> bytes:
        raise AssertionError("the dataset never downloads")


def _plan(config: Config, today: date, count: int, seed: int) -> list[Planned]:
    rng = random.Random(seed)  # noqa: S311 - a reproducible plan, not a secret
    areas = [a.id for a in config.kpk_areas]
    holidays = config.organisation.holidays
    cases = []
    for number in range(count):
        channel = "pengaduan" if rng.random() < 0.75 else "gratifikasi"
        received = today - timedelta(days=rng.randrange(0, 365))
        area = rng.choice(areas[:4] * 3 + areas) if channel == "pengaduan" else "tanpa-bidang"
        planned = Planned(channel, received, area, test=number % 25 == 7)
        delay = rng.choice([0, 1, 1, 2, 2, 2, 3, 3, 4, 6, 9])
        day = add_working_days(received, delay, holidays) if delay else received
        roll = rng.random()
        if roll < 0.04:
            pass  # nobody has looked at it yet
        elif roll < 0.15:
            planned.steps.append(("ditolak", day, None))
        else:
            planned.steps.append(("diverifikasi", day, None))
            day += timedelta(days=rng.randrange(1, 20))
            planned.steps.append(("ditelaah", day, None))
            if roll < 0.85:
                day += timedelta(days=rng.randrange(1, 40))
                target = rng.choice(["apip", "apip", "kpk", "aph"])
                planned.steps.append(("diteruskan", day, target))
                day += timedelta(days=rng.randrange(5, 90))
                planned.steps.append(("selesai", day, None))
        cases.append(planned)
    return cases


def build(data: Path, today: date, count: int = 240, seed: int = 14) -> Dataset:
    """File and handle `count` cases in `data` (a `peluit serve --data` folder). The local
    store's fsyncs are skipped while building: a throwaway test store needs no durability,
    and they are nine tenths of the time."""
    with mock.patch.object(os, "fsync", return_value=None):
        return _build(data, today, count, seed)


def _build(data: Path, today: date, count: int, seed: int) -> Dataset:
    config = load_config(ensure_demo(data, "http://127.0.0.1"))
    clock = FixedClock()
    urls = LocalUrlSigner(
        secret=b"\x07" * 32, upload_base_url="/uploads", download_base_url="/downloads"
    )
    store = LocalStore(root=data / "store", clock=clock, urls=urls)
    transport = _Resolver(ReviewerServices.build(config, store, clock))
    desks = {}
    for person in ("rina", "dewi"):
        key = open_demo_key(data, person)
        client = ReviewClient(ORIGIN, key, transport, clock=clock)
        desks[person] = ReviewDesk(config, key, client, clock=clock)
    cases = _plan(config, today, count, seed)
    events: list[tuple[date, int, int, Planned, tuple[str, date, str | None] | None]] = []
    for number, planned in enumerate(cases):
        events.append((planned.received, 0, number, planned, None))
        events += [(s[1], 1 + i, number, planned, s) for i, s in enumerate(planned.done(today))]
    for day, _, _, planned, step in sorted(events, key=lambda e: (e[0], e[1], e[2])):
        clock.now = datetime.combine(day, time(3, 0), tzinfo=UTC)  # 10:00 in Jakarta
        desk = desks[CHANNEL_REVIEWER[planned.channel]]
        if step is None:
            answers: dict[str, str | bool | None] = {"what": WHAT}
            if planned.channel == "pengaduan":
                answers["area"] = planned.area
            identity = {"name": "Pelapor"} if planned.channel == "gratifikasi" else None
            filed = submit_case(
                config, store, answers, channel=planned.channel, identity=identity, clock=clock
            )
            planned.case = filed.case
            if planned.test:
                desk.client.set_tag(planned.case, "uji")
            continue
        status, _, target = step
        tell = "Laporan Anda tidak dapat kami tindak lanjuti." if status == "ditolak" else None
        desk.change_status(planned.case, status, "catatan tim", target, tell_reporter=tell)
    return Dataset(data, config, today, cases)
