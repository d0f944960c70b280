"""Statistics over a year of 240 cases (a few of them test reports) in a `peluit serve` store:
`peluit stats` (text, JSON, the KPK MCP export, publish, verify), the console's statistics
page for oversight, and the public GET the site's statistics page reads.

Expectations are counted here straight from the dataset's plan, not through `peluit.stats`.
With PELUIT_STATS_OUT set, the page, the export and the published document are also copied
there (the closing note's files).
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import statistics
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from peluit.config.demo import DEMO_PASSPHRASE, demo_key_path, open_demo_key
from peluit.config.models import Sla
from peluit.core.dates import add_working_days, local_date, utc_now
from peluit.review.client import ReviewClient
from peluit.review.errors import ReviewApiError
from peluit.review.transport import HttpRequest, HttpResponse, UrllibTransport
from peluit.stats.disclosure import check_document, safe
from peluit.stats.document import PeriodDoc, SignedStats
from peluit.stats.signature import check_signer, sign
from tests.support.console import ConsoleUnderTest, DemoServer
from tests.support.stats_dataset import WHAT, Dataset, Planned, build
from tests.support.submitting import run_peluit

pytestmark = pytest.mark.functional

COUNT = 240


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("stats-out")


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    data = tmp_path_factory.mktemp("stats") / "var"
    data.mkdir()
    (data.parent / "passphrase.txt").write_text(DEMO_PASSPHRASE + "\n")
    return build(data, local_date(utc_now, "Asia/Jakarta"), COUNT)


@pytest.fixture(scope="module")
def served(dataset: Dataset) -> Iterator[DemoServer]:
    with DemoServer(dataset.data) as server:
        yield server


def _keep(out: Path, *paths: Path) -> None:
    """Copy the made files where the closing note's author asked for them."""
    wanted = os.environ.get("PELUIT_STATS_OUT")
    if not wanted:
        return
    target = Path(wanted)
    target.mkdir(parents=True, exist_ok=True)
    for path in paths:
        shutil.copy(path, target / path.name)


def stats(served: DemoServer, person: str, *args: str) -> tuple[int, str, str]:
    data = served.data
    done = run_peluit(
        "stats",
        "--key",
        demo_key_path(data, person),
        "--server",
        served.base,
        "--config",
        data / "peluit.demo.toml",
        "--passphrase-file",
        data.parent / "passphrase.txt",
        *args,
        cwd=data.parent,
    )
    return done.returncode, done.stdout, done.stderr


# -- what the plan says, counted plainly ----------------------------------------------------


def _acknowledged(c: Planned, today: date) -> date | None:
    done = c.done(today)
    return done[0][1] if done else None


def _closed(c: Planned, today: date) -> date | None:
    return next((d for s, d, _ in c.done(today) if s in {"selesai", "ditolak"}), None)


def _working_days(start: date, end: date, holidays: frozenset[date]) -> int:
    days = (start + timedelta(days=n) for n in range(1, (end - start).days + 1))
    return sum(1 for d in days if d.weekday() < 5 and d not in holidays)


def expected(ds: Dataset) -> dict[str, object]:
    today = ds.today
    cases = ds.counted
    holidays = ds.config.organisation.holidays

    def sla(c: Planned) -> Sla:
        found = ds.config.channel(c.channel)
        assert found is not None
        return found.sla

    ack: Counter[str] = Counter()
    for c in cases:
        due = add_working_days(c.received, sla(c).acknowledge_working_days, holidays)
        given = _acknowledged(c, today)
        ack[
            "met"
            if given and given <= due
            else "late"
            if given
            else "overdue"
            if today > due
            else "running"
        ] += 1
    feedback: Counter[str] = Counter()
    for c in cases:
        due = c.received + timedelta(days=sla(c).feedback_days)
        given = _closed(c, today)
        feedback[
            "met"
            if given and given <= due
            else "late"
            if given
            else "overdue"
            if today > due
            else "running"
        ] += 1
    to_ack = [
        _working_days(c.received, d, holidays) for c in cases if (d := _acknowledged(c, today))
    ]
    to_close = [_working_days(c.received, d, holidays) for c in cases if (d := _closed(c, today))]
    return {
        "cases": len(cases),
        "tests_left_out": len(ds.cases) - len(cases),
        "by_channel": dict(Counter(c.channel for c in cases)),
        "by_status": dict(Counter(c.status(today) for c in cases)),
        "by_area": dict(Counter(c.area for c in cases)),
        "ack": dict(ack),
        "feedback": dict(feedback),
        "median_ack": float(statistics.median(to_ack)),
        "median_close": float(statistics.median(to_close)),
    }


def _nonzero(counts: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in counts.items() if v}


# -- the tests ------------------------------------------------------------------------------


def test_the_dataset_has_at_least_200_counted_cases_and_some_test_reports(
    dataset: Dataset,
) -> None:
    assert len(dataset.counted) >= 200
    assert len(dataset.cases) > len(dataset.counted)


def test_peluit_stats_json_counts_what_the_plan_made(served: DemoServer, dataset: Dataset) -> None:
    code, stdout, stderr = stats(served, "kpk-liaison", "--json")
    assert code == 0, stderr
    got = json.loads(stdout)
    want = expected(dataset)
    assert got["as_of"] == dataset.today.isoformat()
    assert (got["cases"], got["tests_left_out"]) == (want["cases"], want["tests_left_out"])
    assert _nonzero(got["by_channel"]) == want["by_channel"]
    assert _nonzero(got["by_status"]) == want["by_status"]
    assert _nonzero(got["by_area"]) == want["by_area"]  # decrypted on this machine
    assert sum(got["by_month"].values()) == want["cases"]
    assert (
        _nonzero({k: v for k, v in got["acknowledgement"].items() if k != "on_time_percent"})
        == want["ack"]
    )
    assert (
        _nonzero({k: v for k, v in got["feedback"].items() if k != "on_time_percent"})
        == want["feedback"]
    )
    assert got["median_working_days"] == {
        "acknowledge": want["median_ack"],
        "close": want["median_close"],
    }


def test_a_reviewer_counts_only_the_channels_they_read(
    served: DemoServer, dataset: Dataset
) -> None:
    code, stdout, stderr = stats(served, "rina", "--json", "--from", "2000-01-01")
    assert code == 0, stderr
    got = json.loads(stdout)
    assert got["by_channel"] == {
        "pengaduan": sum(1 for c in dataset.counted if c.channel == "pengaduan")
    }


def test_a_period_limits_the_count_to_cases_received_in_it(
    served: DemoServer, dataset: Dataset
) -> None:
    start, end = dataset.today - timedelta(days=90), dataset.today - timedelta(days=30)
    code, stdout, stderr = stats(
        served, "kpk-liaison", "--json", "--from", start.isoformat(), "--to", end.isoformat()
    )
    assert code == 0, stderr
    assert json.loads(stdout)["cases"] == sum(
        1 for c in dataset.counted if start <= c.received <= end
    )
    code, _, stderr = stats(served, "kpk-liaison", "--from", "2025-02-01", "--to", "2025-01-01")
    assert code == 1
    assert stderr.startswith("peluit stats: error: the period starts")


def test_the_text_report_is_bilingual(served: DemoServer, dataset: Dataset, out: Path) -> None:
    code, stdout, stderr = stats(served, "kpk-liaison")
    assert code == 0, stderr
    assert f"Perkara / Cases: {len(dataset.counted)}" in stdout
    assert "Tenggat / Deadlines" in stdout
    (out / "peluit-stats.txt").write_text(stdout, encoding="utf-8")
    _keep(out, out / "peluit-stats.txt")


def test_the_mcp_export_lists_every_case_without_its_content(
    served: DemoServer, dataset: Dataset, out: Path
) -> None:
    code, stdout, stderr = stats(served, "kpk-liaison", "export", "-d", str(out / "mcp"))
    assert code == 0, stderr
    written = [Path(line) for line in stdout.splitlines()]
    assert sorted(p.suffix for p in written) == [".csv", ".csv", ".html"]
    register = next(p for p in written if p.name.endswith("-perkara.csv"))
    rows = list(csv.reader(io.StringIO(register.read_text(encoding="utf-8"))))
    assert len(rows) - 1 == len(dataset.counted)
    assert {r[0] for r in rows[1:]} == {c.reference for c in dataset.counted}
    areas = {a.id for a in dataset.config.kpk_areas}
    assert not areas & {cell for row in rows for cell in row}  # no area per case
    summary = next(p for p in written if p.name.endswith("-ringkasan.csv")).read_text()
    assert "bidang_kpk/kpk_area,pengadaan," in summary
    for path in written:
        text = path.read_text(encoding="utf-8")
        assert WHAT not in text
        assert "Pelapor" not in text
    _keep(out, *written)


class Recording(UrllibTransport):
    def __init__(self) -> None:
        super().__init__(timeout=60)
        self.sent: list[HttpRequest] = []

    def send(self, request: HttpRequest) -> HttpResponse:
        self.sent.append(request)
        return super().send(request)


def test_the_console_shows_statistics_to_oversight_and_keeps_the_period_local(
    served: DemoServer, dataset: Dataset, out: Path
) -> None:
    recording = Recording()
    console = ConsoleUnderTest(served, "kpk-liaison", transport=recording)
    try:
        browser = console.client()
        assert browser.unlock(DEMO_PASSPHRASE).status == 303
        start = (dataset.today - timedelta(days=400)).isoformat()
        page = browser.get(f"/stats?from={start}&to={dataset.today.isoformat()}")
        assert page.status == 200
        assert f"<dd>{len(dataset.counted)}</dd>" in page.text
        assert 'href="/stats"' in page.text  # in the navigation
        assert WHAT not in page.text
        export = browser.get(f"/stats/mcp.html?from={start}")
        assert export.status == 200
        assert "attachment" in export.headers["Content-Disposition"]
        bad = browser.get("/stats?from=2025-13-01")
        assert bad.status == 400
    finally:
        console.close()
    assert recording.sent
    assert not [r.url for r in recording.sent if start in r.url or "from=" in r.url]
    (out / "console-stats.html").write_bytes(page.body)
    (out / "console-mcp.html").write_bytes(export.body)
    _keep(out, out / "console-stats.html", out / "console-mcp.html")


def _public(base: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(base + "/api/v1/stats", timeout=30) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def last_quarter(today: date) -> tuple[str, date, date]:
    """The quarter before `today`'s: a whole period that is over (docs/adr/0055)."""
    first_month = 3 * ((today.month - 1) // 3) + 1
    end = date(today.year, first_month, 1) - timedelta(days=1)
    start = date(end.year, end.month - 2, 1)
    return f"{start.year}-Q{(start.month + 2) // 3}", start, end


def test_a_published_document_is_signed_suppressed_and_served_to_the_public(
    served: DemoServer, dataset: Dataset, out: Path
) -> None:
    quarter, start, end = last_quarter(dataset.today)
    code, stdout, stderr = stats(served, "rina", "publish", "--period", quarter)
    assert code == 0, stderr
    assert stdout.startswith("published: ")
    status, body = _public(served.base)
    assert status == 200
    signed = SignedStats.model_validate_json(body)
    check_signer(dataset.config, signed)
    doc = signed.document
    assert (doc.signer, doc.channels) == ("rina", ["pengaduan"])
    assert (doc.period.start, doc.period.end) == (start.isoformat(), end.isoformat())
    pengaduan = sum(
        1 for c in dataset.counted if c.channel == "pengaduan" and start <= c.received <= end
    )
    assert doc.counts.cases == pengaduan
    breakdowns = [
        b for b in (doc.counts.by_area, doc.counts.by_month, doc.counts.by_status) if b is not None
    ]
    cells = [v for b in breakdowns for v in b.values()]
    assert not [v for v in cells if isinstance(v, int) and 0 < v < 5]
    assert "<5" in cells  # a quarter of cases over 9 areas has small cells
    for b in breakdowns:  # and none of them can be worked out from the total
        assert safe(b, pengaduan)
    check_document(doc)
    (out / "stats.json").write_bytes(body)
    done = run_peluit(
        "stats",
        "verify",
        served.base + "/api/v1/stats",
        "--config",
        served.data / "peluit.demo.toml",
        cwd=served.data.parent,
    )
    assert done.returncode == 0, done.stderr
    assert "signed by rina" in done.stdout
    _keep(out, out / "stats.json")


def _client(served: DemoServer, person: str) -> ReviewClient:
    return ReviewClient(served.base, open_demo_key(served.data, person), UrllibTransport())


def _resigned(served: DemoServer, signed: SignedStats, start: date, end: date) -> dict[str, object]:
    """`signed` with another period, signed again with rina's own key (a valid signature:
    only the period is wrong)."""
    period = PeriodDoc(start=start.isoformat(), end=end.isoformat())
    doc = signed.document.model_copy(update={"period": period})
    return sign(doc, open_demo_key(served.data, "rina")).model_dump(mode="json")


def test_publishing_is_refused_for_oversight_small_counts_and_other_signers(
    served: DemoServer, dataset: Dataset
) -> None:
    quarter = last_quarter(dataset.today)[0]
    code, _, stderr = stats(served, "kpk-liaison", "publish", "--period", quarter)
    assert code == 1
    assert "only a reviewer" in stderr
    assert stats(served, "rina", "publish", "--period", quarter)[0] == 0
    _, before = _public(served.base)
    template = SignedStats.model_validate_json(before)
    raw = template.model_dump(mode="json")
    raw["document"]["counts"]["cases"] = 3  # under 5: not a peluit-stats/1 document
    with pytest.raises(ReviewApiError) as small:
        _client(served, "rina").call("POST", "/stats", body=raw)
    assert (small.value.status, small.value.code) == (400, "invalid_request")
    with pytest.raises(ReviewApiError) as other:  # rina's document, sent by agus
        _client(served, "agus").call("POST", "/stats", body=template.model_dump(mode="json"))
    assert (other.value.status, other.value.code) == (403, "forbidden")
    forged = template.model_dump(mode="json")
    forged["document"]["counts"]["cases"] = 500
    with pytest.raises(ReviewApiError) as bad:
        _client(served, "rina").call("POST", "/stats", body=forged)
    assert (bad.value.status, bad.value.code) == (422, "stats_signature_invalid")
    assert _public(served.base)[1] == before  # nothing refused replaced the document


def test_a_period_that_is_not_whole_and_over_or_overlaps_a_published_one_is_refused(
    served: DemoServer, dataset: Dataset
) -> None:
    quarter, _, end = last_quarter(dataset.today)
    assert stats(served, "rina", "publish", "--period", quarter)[0] == 0
    _, before = _public(served.base)
    template = SignedStats.model_validate_json(before)
    client = _client(served, "rina")
    # the review's differencing: 1 January to one day, then to the next
    for period_start, period_end in (
        (date(dataset.today.year, 1, 1), dataset.today - timedelta(days=1)),
        (date(dataset.today.year, dataset.today.month, 1), dataset.today + timedelta(days=40)),
    ):
        with pytest.raises(ReviewApiError) as partial:
            client.call(
                "POST", "/stats", body=_resigned(served, template, period_start, period_end)
            )
        assert (partial.value.status, partial.value.code) == (422, "stats_period_not_closed")
        assert partial.value.message_id
    # the quarter's last month overlaps the published quarter with another start
    with pytest.raises(ReviewApiError) as overlap:
        client.call("POST", "/stats", body=_resigned(served, template, end.replace(day=1), end))
    assert (overlap.value.status, overlap.value.code) == (409, "stats_period_overlaps")
    assert _public(served.base)[1] == before
    # the CLI refuses a day range for publishing before anything is counted
    code, _, stderr = stats(served, "rina", "publish", "--period", "2026-13")
    assert code == 2
    assert "2026-Q3" in stderr


def test_before_anything_is_published_the_public_answer_is_a_clear_404(tmp_path: Path) -> None:
    with DemoServer(tmp_path / "var") as server:
        status, body = _public(server.base)
    assert status == 404
    error = json.loads(body)["error"]
    assert error["code"] == "stats_not_published"
    assert error["message"]["id"].startswith("Belum ada statistik")
