"""The evidence export for KPK's MCP monitoring: what the WBS received in a period and how
each case was handled, as CSV (a summary and a register) and one printable HTML page.

No case content: no text, no names, no KPK area per case (the area exists only inside the
encrypted report, so it appears in the summary's counts only). A register row is the case's
reference (a random id that grants nothing and is what the audit log names, so KPK can pick
cases and ask to see their handling), its channel, days and statuses (docs/adr/0041).
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from peluit.config import Config
from peluit.review.console.labels import STATUS
from peluit.review.sla import deadlines

from .compute import (
    Outcome,
    Rules,
    Statistics,
    acknowledge_due,
    counted,
    feedback_due,
    outcome,
)
from .publish import AREA_WORDS
from .records import CaseRecord

OUTCOME_WORDS: dict[Outcome, tuple[str, str]] = {
    "met": ("tepat waktu", "on time"),
    "late": ("terlambat", "late"),
    "overdue": ("lewat tenggat", "overdue"),
    "running": ("berjalan", "running"),
}
REGISTER_COLUMNS = (
    "referensi/reference",
    "saluran/channel",
    "diterima/received",
    "tanggapan_awal_tenggat/acknowledge_due",
    "tanggapan_awal/acknowledged",
    "tanggapan_awal_hasil/acknowledgement",
    "umpan_balik_tenggat/feedback_due",
    "selesai/closed",
    "umpan_balik_hasil/feedback",
    "status",
    "diteruskan_ke/forwarded_to",
    "terlambat_hari_ini/overdue_now",
)


@dataclass(frozen=True)
class RegisterRow:
    reference: str
    channel: str
    received: date
    acknowledge_due: date
    acknowledged: date | None
    acknowledgement: Outcome
    feedback_due: date
    closed: date | None
    feedback: Outcome
    status: str
    target: str | None
    overdue: bool

    def cells(self) -> list[str]:
        def day(value: date | None) -> str:
            return value.isoformat() if value else ""

        return [
            self.reference,
            self.channel,
            day(self.received),
            day(self.acknowledge_due),
            day(self.acknowledged),
            self.acknowledgement,
            day(self.feedback_due),
            day(self.closed),
            self.feedback,
            self.status,
            self.target or "",
            "ya/yes" if self.overdue else "",
        ]


def register(records: Iterable[CaseRecord], rules: Rules, stats: Statistics) -> list[RegisterRow]:
    """One row per counted case (tests left out), oldest first."""
    rows = []
    today = stats.as_of
    for r in sorted(counted(records, rules, stats.period), key=lambda r: (r.received, r.reference)):
        sla = rules.sla[r.channel]
        ack_due = acknowledge_due(r, sla, rules.holidays)
        fb_due = feedback_due(r, sla)
        rows.append(
            RegisterRow(
                reference=r.reference,
                channel=r.channel,
                received=r.received,
                acknowledge_due=ack_due,
                acknowledged=r.acknowledged,
                acknowledgement=outcome(r.acknowledged, ack_due, today),
                feedback_due=fb_due,
                closed=r.closed,
                feedback=outcome(r.closed, fb_due, today),
                status=r.status,
                target=r.target,
                overdue=deadlines(r.status, r.received, sla, today, rules.holidays).overdue,
            )
        )
    return rows


def _cell(value: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + value if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value


def _csv(rows: Iterable[Iterable[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_cell(c) for c in row])
    return out.getvalue()


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _median(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def summary_rows(stats: Statistics) -> list[tuple[str, str, str]]:
    """(measure, key, value): every number of the summary, exact (KPK's copy is not public)."""
    rows = [
        (
            "periode/period",
            "dari/from",
            stats.period.start.isoformat() if stats.period.start else "",
        ),
        ("periode/period", "sampai/to", stats.period.end.isoformat() if stats.period.end else ""),
        ("per_tanggal/as_of", "", stats.as_of.isoformat()),
        ("perkara/cases", "", str(stats.cases)),
        ("uji_dikecualikan/tests_left_out", "", str(stats.tests_left_out)),
    ]
    breakdowns: list[tuple[str, Mapping[str, int]]] = [
        ("saluran/channel", stats.by_channel),
        ("status", stats.by_status),
        ("bulan/month", stats.by_month),
        ("bidang_kpk/kpk_area", stats.by_area),
        ("diteruskan_ke/forwarded_to", stats.forwarded_to),
    ]
    for measure, counts in breakdowns:
        rows += [(measure, key, str(value)) for key, value in counts.items()]
    for measure, deadline in (
        ("tanggapan_awal/acknowledgement", stats.acknowledgement),
        ("umpan_balik/feedback", stats.feedback),
    ):
        rows += [
            (measure, "tepat_waktu/met", str(deadline.met)),
            (measure, "terlambat/late", str(deadline.late)),
            (measure, "lewat_tenggat/overdue", str(deadline.overdue)),
            (measure, "berjalan/running", str(deadline.running)),
            (measure, "tepat_waktu_persen/on_time_percent", _percent(deadline.on_time_percent)),
        ]
    rows += [
        (
            "median_hari_kerja/median_working_days",
            "tanggapan_awal/acknowledge",
            _median(stats.median_days_to_acknowledge),
        ),
        (
            "median_hari_kerja/median_working_days",
            "selesai/close",
            _median(stats.median_days_to_close),
        ),
        ("terlambat_hari_ini/overdue_now", "", str(stats.overdue)),
    ]
    return rows


def summary_csv(stats: Statistics) -> str:
    return _csv([("ukuran/measure", "kunci/key", "nilai/value"), *summary_rows(stats)])


def register_csv(rows: Iterable[RegisterRow]) -> str:
    return _csv([REGISTER_COLUMNS, *(row.cells() for row in rows)])


# -- the printable page ---------------------------------------------------------------------

TITLE = (
    "Bukti pemantauan MCP KPK: Whistle-Blowing System",
    "KPK MCP monitoring evidence: whistle-blowing system",
)
DEFINITIONS = (
    "Tanpa isi laporan: tidak ada teks, nama, atau bidang per perkara. Tanggapan awal: perkara "
    "pertama kali keluar dari status diterima. Umpan balik: perkara mencapai status final "
    "(selesai atau ditolak). Hari kerja: Senin sampai Jumat, tanpa hari libur konfigurasi.",
    "No case content: no text, names or per-case area. Acknowledgement: the case first left "
    "diterima. Feedback: the case became final (selesai or ditolak). Working days: Monday to "
    "Friday, without the configured holidays.",
)
REGISTER_CAPTION = ("Satu baris per perkara, tanpa isi", "One row per case, no content")
_STYLE = """
body{font:11pt/1.4 system-ui,sans-serif;margin:1.5cm;color:#111}
h1{font-size:16pt}h2{font-size:13pt;margin-top:1.4em}
table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #777;padding:.2em .5em;
text-align:left}td.n{text-align:right}.en{color:#444;font-size:90%}
caption{text-align:left;font-weight:600}
@media print{body{margin:0}tr{break-inside:avoid}}
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _bi(indonesian: str, english: str) -> str:
    return f'{_e(indonesian)} <span class="en" lang="en">/ {_e(english)}</span>'


def _table(caption: str, head: tuple[str, str], rows: Iterable[tuple[str, str]]) -> str:
    body = "".join(f'<tr><th scope="row">{k}</th><td class="n">{_e(v)}</td></tr>' for k, v in rows)
    return (
        f'<table><caption>{caption}</caption><thead><tr><th scope="col">{head[0]}</th>'
        f'<th scope="col">{head[1]}</th></tr></thead><tbody>{body}</tbody></table>'
    )


def labels_of(config: Config) -> dict[str, dict[str, tuple[str, str]]]:
    return {
        "channel": {c.id: (c.name.id, c.name.en) for c in config.channels},
        "area": {a.id: (a.label.id, a.label.en) for a in config.kpk_areas}
        | {k: (w.id, w.en) for k, w in AREA_WORDS.items()},
        "status": dict(STATUS),
        "target": {
            "apip": ("APIP", "APIP"),
            "kpk": ("KPK", "KPK"),
            "aph": ("APH", "law enforcement"),
        },
    }


def page(config: Config, stats: Statistics, rows: list[RegisterRow], made_by: str) -> str:
    """One self-contained HTML page (no script, no outside resource), to print or keep."""
    labels = labels_of(config)

    def named(kind: str, key: str) -> str:
        found = labels[kind].get(key)
        return _bi(*found) if found else _e(key)

    count_head = (_bi("Kelompok", "Group"), _bi("Jumlah perkara", "Cases"))
    sections = [
        _table(
            _bi("Per saluran", "By channel"),
            count_head,
            [(named("channel", k), str(v)) for k, v in stats.by_channel.items()],
        ),
        _table(
            _bi("Per status", "By status"),
            count_head,
            [(named("status", k), str(v)) for k, v in stats.by_status.items()],
        ),
        _table(
            _bi("Per bulan diterima", "By month received"),
            count_head,
            [(_e(k), str(v)) for k, v in stats.by_month.items()],
        ),
        _table(
            _bi("Per bidang rawan korupsi KPK", "By KPK corruption-prone area"),
            count_head,
            [(named("area", k), str(v)) for k, v in stats.by_area.items()],
        ),
        _table(
            _bi("Diteruskan ke", "Forwarded to"),
            count_head,
            [(named("target", k), str(v)) for k, v in stats.forwarded_to.items()],
        ),
    ]
    deadline_rows = []
    for kind, deadline in (
        (_bi("Tanggapan awal", "Acknowledgement"), stats.acknowledgement),
        (_bi("Umpan balik", "Feedback"), stats.feedback),
    ):
        percent = _percent(deadline.on_time_percent) or "—"
        deadline_rows.append(
            f'<tr><th scope="row">{kind}</th><td class="n">{deadline.met}</td>'
            f'<td class="n">{deadline.late}</td><td class="n">{deadline.overdue}</td>'
            f'<td class="n">{deadline.running}</td><td class="n">{_e(percent)}</td></tr>'
        )
    deadline_table = (
        f"<table><caption>{_bi('Tenggat', 'Deadlines')}</caption><thead><tr>"
        f'<th scope="col">{_bi("Tenggat", "Deadline")}</th>'
        f'<th scope="col">{_bi("Tepat waktu", "Met")}</th>'
        f'<th scope="col">{_bi("Terlambat", "Late")}</th>'
        f'<th scope="col">{_bi("Lewat tenggat", "Overdue")}</th>'
        f'<th scope="col">{_bi("Berjalan", "Running")}</th>'
        f'<th scope="col">{_bi("Tepat waktu (%)", "On time (%)")}</th>'
        f"</tr></thead><tbody>{''.join(deadline_rows)}</tbody></table>"
    )
    medians = _table(
        _bi("Median hari kerja", "Median working days"),
        (_bi("Dari diterima sampai", "From received to"), _bi("Hari kerja", "Working days")),
        [
            (
                _bi("tanggapan awal", "acknowledgement"),
                _median(stats.median_days_to_acknowledge) or "—",
            ),
            (_bi("selesai (final)", "closed (final)"), _median(stats.median_days_to_close) or "—"),
        ],
    )
    head = "".join(f'<th scope="col">{_e(c)}</th>' for c in REGISTER_COLUMNS)
    body = "".join(
        "<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row.cells()) + "</tr>" for row in rows
    )
    organisation = config.organisation.name
    period = stats.period
    facts = [
        (_bi("Periode (tanggal diterima)", "Period (day received)"), period.label()),
        (_bi("Keadaan per", "As of"), stats.as_of.isoformat()),
        (_bi("Dibuat oleh (roster)", "Made by (roster)"), made_by),
        (_bi("Perkara", "Cases"), str(stats.cases)),
        (_bi("Laporan uji dikecualikan", "Test reports left out"), str(stats.tests_left_out)),
        (_bi("Terlambat hari ini", "Overdue today"), str(stats.overdue)),
    ]
    parts = [
        '<!doctype html><html lang="id"><head><meta charset="utf-8">',
        f"<title>Bukti MCP / MCP evidence · {_e(organisation.id)} · {_e(period.label())}</title>",
        f"<style>{_STYLE}</style></head><body><main>",
        f"<h1>{_bi(*TITLE)}</h1>",
        f"<p>{_bi(organisation.id, organisation.en)}</p>",
        "<dl>" + "".join(f"<dt>{k}</dt><dd>{_e(v)}</dd>" for k, v in facts) + "</dl>",
        f"<p>{_bi(*DEFINITIONS)}</p>",
        f"<h2>{_bi('Ringkasan', 'Summary')}</h2>",
        *sections,
        deadline_table,
        medians,
        f"<h2>{_bi('Daftar penanganan perkara', 'Register of case handling')}</h2>",
        f"<table><caption>{_bi(*REGISTER_CAPTION)}</caption>",
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>",
        "</main></body></html>\n",
    ]
    return "".join(parts)
