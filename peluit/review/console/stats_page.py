"""The statistics page (`/stats`) and the KPK MCP evidence downloads, for reviewers and
oversight: counted here (`peluit.stats`) from the cases the person reads, for a period of
days received. Nothing of the period or the numbers is sent to the server."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date

from peluit.review.desk import ReviewDesk
from peluit.review.errors import ReviewInputError
from peluit.stats import run
from peluit.stats.compute import Deadline, Period, PeriodError, Statistics
from peluit.stats.mcp import OUTCOME_WORDS, labels_of

from .guard import Session
from .html import Html, bi, fill, h, join, pick, template
from .web import Request, Response, attachment_headers

PageFn = Callable[[Session, str, Html, Request], Response]
Handler = Callable[[Request, Session, dict[str, str]], Response]
DOWNLOADS = {
    "mcp.html": "text/html; charset=utf-8",
    "mcp-ringkasan.csv": "text/csv; charset=utf-8",
    "mcp-perkara.csv": "text/csv; charset=utf-8",
}


def period_of(query: Mapping[str, str]) -> Period:
    def day(name: str) -> date | None:
        value = query.get(name, "").strip()
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ReviewInputError(f"{name}: {value[:20]!r} is not a day (YYYY-MM-DD)") from None

    try:
        return Period(day("from"), day("to"))
    except PeriodError as exc:
        raise ReviewInputError(str(exc)) from None


def _query(period: Period) -> str:
    parts = []
    if period.start:
        parts.append(f"from={period.start.isoformat()}")
    if period.end:
        parts.append(f"to={period.end.isoformat()}")
    return "&".join(parts)


def _percent(deadline: Deadline) -> Html:
    if deadline.on_time_percent is None:
        return Html("—")
    return h(f"{deadline.on_time_percent:.1f} % ({deadline.met} / {deadline.decided})")


def _median(value: float | None, cases: int) -> Html:
    if value is None:
        return Html("—")
    return Html(f"{h(f'{value:g}')} {bi(f'({cases} perkara)', f'({cases} cases)')}")


def _table(tid: str, caption: Html, rows: list[tuple[Html, int]]) -> Html:
    body = join(
        [Html(f'<tr><th scope="row">{name}</th><td>{count}</td></tr>') for name, count in rows]
    ) or Html(f'<tr><td colspan="2">{bi("Tidak ada.", "None.")}</td></tr>')
    return Html(
        f'<div class="scroll" role="region" aria-labelledby="{tid}" tabindex="0"><table>'
        f'<caption id="{tid}">{caption}</caption><thead><tr>'
        f'<th scope="col">{bi("Kelompok", "Group")}</th>'
        f'<th scope="col">{bi("Perkara", "Cases")}</th></tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _deadlines(stats: Statistics) -> Html:
    head = "".join(f'<th scope="col">{bi(*OUTCOME_WORDS[k])}</th>' for k in OUTCOME_WORDS)
    rows = []
    for tname, deadline in (
        (bi("Tanggapan awal", "Acknowledgement"), stats.acknowledgement),
        (bi("Umpan balik", "Feedback"), stats.feedback),
    ):
        cells = "".join(f"<td>{getattr(deadline, k)}</td>" for k in OUTCOME_WORDS)
        rows.append(f'<tr><th scope="row">{tname}</th>{cells}<td>{_percent(deadline)}</td></tr>')
    return Html(
        '<div class="scroll" role="region" aria-labelledby="t-deadlines" tabindex="0"><table>'
        f'<caption id="t-deadlines">{bi("Tenggat", "Deadlines")}</caption><thead><tr>'
        f'<th scope="col">{bi("Tenggat", "Deadline")}</th>{head}'
        f'<th scope="col">{bi("Tepat waktu (%)", "On time (%)")}</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def stats_content(made: run.Made, labels: dict[str, dict[str, tuple[str, str]]]) -> Html:
    stats = made.stats

    def named(kind: str, key: str) -> Html:
        found = labels[kind].get(key)
        return bi(*found) if found else h(key)

    tables = [
        _table(
            "t-channel",
            bi("Per saluran", "By channel"),
            [(named("channel", k), v) for k, v in stats.by_channel.items()],
        ),
        _table(
            "t-status",
            bi("Per status", "By status"),
            [(named("status", k), v) for k, v in stats.by_status.items()],
        ),
        _table(
            "t-month",
            bi("Per bulan diterima", "By month received"),
            [(h(k), v) for k, v in stats.by_month.items()],
        ),
        _table(
            "t-area",
            bi("Per bidang rawan korupsi KPK", "By KPK corruption-prone area"),
            [(named("area", k), v) for k, v in stats.by_area.items()],
        ),
        _table(
            "t-target",
            bi("Diteruskan ke", "Forwarded to"),
            [(named("target", k), v) for k, v in stats.forwarded_to.items()],
        ),
        _deadlines(stats),
    ]
    period = stats.period
    return fill(
        template("stats.html"),
        start=period.start.isoformat() if period.start else "",
        end=period.end.isoformat() if period.end else "",
        period=period.label(),
        as_of=stats.as_of.isoformat(),
        cases=str(stats.cases),
        tests=str(stats.tests_left_out),
        overdue=str(stats.overdue),
        ack_percent=_percent(stats.acknowledgement),
        feedback_percent=_percent(stats.feedback),
        median_ack=_median(stats.median_days_to_acknowledge, stats.acknowledged),
        median_close=_median(stats.median_days_to_close, stats.closed),
        query=_query(period),
        tables=join([Html(f"<h2>{bi('Rincian', 'Breakdown')}</h2>"), *tables]),
    )


def _made(session: Session, request: Request) -> tuple[ReviewDesk, run.Made, Period]:
    desk = session.desk
    if desk is None:
        raise ReviewInputError("the console is locked")
    if not desk.reader_channels():
        raise ReviewInputError("you read no channel: there is nothing to count")
    period = period_of(request.query)
    return desk, run.make(desk, period), period


def routes(page: PageFn) -> list[tuple[str, re.Pattern[str], Handler]]:
    """The console's statistics routes; `page` frames a page like every other."""

    def show(request: Request, session: Session, params: dict[str, str]) -> Response:
        desk, made, _ = _made(session, request)
        content = stats_content(made, labels_of(desk.config))
        return page(session, pick("Statistik", "Statistics"), content, request)

    def download(request: Request, session: Session, params: dict[str, str]) -> Response:
        desk, made, period = _made(session, request)
        files = run.export(desk, made)
        body = {
            "mcp.html": files.html,
            "mcp-ringkasan.csv": files.summary_csv,
            "mcp-perkara.csv": files.register_csv,
        }[params["name"]]
        stem = run.export_stem(period, made.stats.as_of)
        suffix = params["name"].removeprefix("mcp")
        headers = attachment_headers(f"{stem}{suffix}", DOWNLOADS[params["name"]])
        return Response(200, headers, body.encode("utf-8"))

    names = "|".join(re.escape(n) for n in DOWNLOADS)
    return [
        ("GET", re.compile(r"/stats"), show),
        ("GET", re.compile(rf"/stats/(?P<name>{names})"), download),
    ]
