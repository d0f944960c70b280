"""The case list: status, channel, KPK area, age and deadlines; overdue ones highlighted."""

from __future__ import annotations

from datetime import date
from string import Template
from urllib.parse import urlencode

from peluit.config import Config
from peluit.core import workflow
from peluit.review.views import CaseListing, CaseRow

from .html import Html, bi, fill, h, join, template
from .labels import STATUS, word

_ROW = Template(
    '<tr class="$css"><td><a href="/cases/$case">$reference</a></td><td>$channel</td>'
    "<td>$status</td><td>$area</td><td>$received</td><td>$age</td><td>$acknowledge</td>"
    "<td>$feedback</td><td>$files</td><td>$unread</td></tr>"
)
_EMPTY = Html('<tr><td colspan="10">Tidak ada perkara. <span lang="en">No cases.</span></td></tr>')


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


def cases_content(
    config: Config,
    channels: list[str],
    listing: CaseListing,
    channel: str | None,
    status: str | None,
) -> Html:
    channel_options = [_option("", "Semua / all", channel)]
    for channel_id in channels:
        found = config.channel(channel_id)
        name = f"{found.name.id} / {found.name.en}" if found else channel_id
        channel_options.append(_option(channel_id, name, channel))
    status_options = [_option("", "Semua / all", status)]
    status_options += [
        _option(s, f"{STATUS[s][0]} / {STATUS[s][1]}", status) for s in workflow.STATUSES
    ]
    rows = [_row(config, row) for row in listing.rows]
    more = Html("")
    if listing.next_cursor:
        query = {"channel": channel or "", "status": status or "", "cursor": listing.next_cursor}
        more = Html(
            f'<p><a href="/cases?{h(urlencode(query))}">'
            f"{bi('Halaman berikutnya', 'Next page')}</a></p>"
        )
    return fill(
        template("cases.html"),
        channels=join(channel_options),
        statuses=join(status_options),
        rows=join(rows) if rows else _EMPTY,
        more=more,
    )
