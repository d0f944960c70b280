"""The case list: a one-line summary, filters and a local search, then the cases with status,
channel, KPK area, age and deadlines, overdue first and then by due date."""

from __future__ import annotations

from datetime import date
from string import Template

from peluit.config import Config
from peluit.core import workflow
from peluit.review.views import CaseRow

from .html import Html, bi, fill, h, join, pick, template
from .labels import STATUS, word
from .listing import Filters, Summary

_ROW = Template(
    '<tr class="$css"><td><a href="/cases/$case" class="ref">$reference</a></td><td>$channel</td>'
    "<td>$status</td><td>$area</td><td>$received</td><td>$age</td><td>$acknowledge</td>"
    "<td>$feedback</td><td>$files</td><td>$unread</td></tr>"
)


def _option(value: str, label: str, chosen: str | None) -> Html:
    selected = " selected" if value == (chosen or "") else ""
    return Html(f'<option value="{h(value)}"{selected}>{h(label)}</option>')


def _due(day: date | None, late: bool) -> Html:
    if day is None:
        return Html("—")
    if late:
        return Html(f'<span class="late">{h(day.isoformat())} {bi("terlambat", "overdue")}</span>')
    return h(day.isoformat())


def _row(config: Config, row: CaseRow) -> Html:
    channel = config.channel(row.channel)
    due = row.deadlines
    status = word(STATUS, row.status)
    if row.target:
        status = Html(f"{status} ({h(row.target.upper())})")
    if row.test:
        status = Html(f"{status} [{bi('UJI', 'TEST')}]")
    return fill(
        _ROW,
        css="overdue" if due is not None and due.overdue else "",
        case=row.case,
        reference=row.reference,
        channel=bi(channel.name.id, channel.name.en) if channel else row.channel,
        status=status,
        area=bi(row.area.label.id, row.area.label.en) if row.area else "—",
        received=row.received,
        age="—" if due is None else str(due.age_days),
        acknowledge=_due(due.acknowledge_due, due.acknowledge_overdue) if due else "—",
        feedback=_due(due.feedback_due, due.feedback_overdue) if due else "—",
        files=str(row.files),
        unread=str(row.unread) if row.unread else "",
    )


def _n(count: int, noun: str) -> str:
    """`1 case`, `2 cases` (Indonesian needs no plural)."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def summary_line(summary: Summary, filtered: bool) -> Html:
    """`12 perkara · 3 terlambat · 2 pesan belum dibaca`, and what the filters left out."""
    indonesian = [
        f"{summary.cases} perkara",
        f"{summary.overdue} terlambat",
        f"{summary.unread} pesan belum dibaca",
    ]
    english = [_n(summary.cases, "case"), f"{summary.overdue} overdue", f"{summary.unread} unread"]
    if summary.tests:
        indonesian.append(f"{summary.tests} uji")
        english.append(_n(summary.tests, "test"))
    if filtered:
        indonesian.append(f"disaring dari {summary.of} perkara")
        english.append(f"filtered from {_n(summary.of, 'case')}")
    return bi(" · ".join(indonesian), " · ".join(english))


def _search_help(reports: int, messages: int) -> Html:
    return bi(
        "Pencarian berjalan di komputer ini saja, atas yang sudah didekripsi konsol ini sejak "
        f"dibuka ({reports} laporan, {messages} pesan; pesan terbaca setelah perkaranya dibuka). "
        "Kata yang dicari tidak dikirim ke server.",
        "The search runs on this computer only, over what this console has decrypted since it "
        f"was unlocked ({_n(reports, 'report')}, {_n(messages, 'message')}; a case's messages "
        "once it was opened). The words are never sent to the server.",
    )


def cases_content(
    config: Config,
    channels: list[str],
    rows: list[CaseRow],
    filters: Filters,
    summary: Summary,
    decrypted: tuple[int, int],
) -> Html:
    channel_options = [_option("", pick("Semua", "All"), filters.channel)]
    for channel_id in channels:
        found = config.channel(channel_id)
        name = pick(found.name.id, found.name.en) if found else channel_id
        channel_options.append(_option(channel_id, name, filters.channel))
    status_options = [_option("", pick("Semua", "All"), filters.status)]
    status_options += [_option(s, pick(*STATUS[s]), filters.status) for s in workflow.STATUSES]
    area_options = [_option("", pick("Semua", "All"), filters.area)]
    area_options += [
        _option(a.id, pick(a.label.id, a.label.en), filters.area) for a in config.kpk_areas
    ]
    empty = Html(
        f'<tr><td colspan="10">{bi("Tidak ada perkara.", "No cases.")}</td></tr>'
        if not filters.any
        else f'<tr><td colspan="10">'
        f"{bi('Tidak ada perkara yang cocok.', 'No case matches.')}</td></tr>"
    )
    reset = (
        Html(f'<a href="/cases">{bi("Hapus saringan", "Clear filters")}</a>')
        if filters.any
        else Html("")
    )
    return fill(
        template("cases.html"),
        summary=summary_line(summary, filters.any),
        query=filters.query,
        channels=join(channel_options),
        statuses=join(status_options),
        areas=join(area_options),
        overdue=Html(" checked") if filters.overdue else Html(""),
        unread=Html(" checked") if filters.unread else Html(""),
        reset=reset,
        search_help=_search_help(*decrypted),
        rows=join([_row(config, row) for row in rows]) or empty,
    )
