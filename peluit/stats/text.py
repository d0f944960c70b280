"""Statistics for a terminal (Indonesian, then English) and as JSON (exact numbers: the
person's own view, not the public document)."""

from __future__ import annotations

from typing import Any

from peluit.config import Config

from .compute import Deadline, Statistics
from .mcp import OUTCOME_WORDS, labels_of


def as_json(stats: Statistics) -> dict[str, Any]:
    def deadline(d: Deadline) -> dict[str, Any]:
        return {
            "met": d.met,
            "late": d.late,
            "overdue": d.overdue,
            "running": d.running,
            "on_time_percent": d.on_time_percent,
        }

    return {
        "period": {
            "start": stats.period.start.isoformat() if stats.period.start else None,
            "end": stats.period.end.isoformat() if stats.period.end else None,
        },
        "as_of": stats.as_of.isoformat(),
        "cases": stats.cases,
        "tests_left_out": stats.tests_left_out,
        "by_channel": stats.by_channel,
        "by_status": stats.by_status,
        "by_month": stats.by_month,
        "by_area": stats.by_area,
        "forwarded_to": stats.forwarded_to,
        "acknowledgement": deadline(stats.acknowledgement),
        "feedback": deadline(stats.feedback),
        "median_working_days": {
            "acknowledge": stats.median_days_to_acknowledge,
            "close": stats.median_days_to_close,
        },
        "acknowledged": stats.acknowledged,
        "closed": stats.closed,
        "overdue": stats.overdue,
        "overdue_cases": stats.overdue_cases,
    }


def _number(value: float | None, suffix: str = "") -> str:
    return "—" if value is None else f"{value:g}{suffix}"


def render(config: Config, stats: Statistics) -> str:
    labels = labels_of(config)
    lines = [
        f"Statistik / Statistics — {config.organisation.name.id}",
        f"Periode (tanggal diterima) / Period (day received): {stats.period.label()}",
        f"Per / As of: {stats.as_of.isoformat()}",
        f"Perkara / Cases: {stats.cases}"
        + (
            f"  (uji dikecualikan / tests left out: {stats.tests_left_out})"
            if stats.tests_left_out
            else ""
        ),
        "",
    ]
    sections = [
        ("Per saluran / By channel", "channel", stats.by_channel),
        ("Per status / By status", "status", stats.by_status),
        ("Per bulan / By month", "", stats.by_month),
        ("Per bidang KPK / By KPK area", "area", stats.by_area),
        ("Diteruskan ke / Forwarded to", "target", stats.forwarded_to),
    ]
    for title, kind, counts in sections:
        lines.append(f"== {title} ==")
        for key, value in counts.items():
            found = labels.get(kind, {}).get(key)
            name = (
                (f"{found[0]} / {found[1]}" if found[0] != found[1] else found[0]) if found else key
            )
            lines.append(f"  {value:>6}  {name}")
        if not counts:
            lines.append("       —")
        lines.append("")
    lines.append("== Tenggat / Deadlines ==")
    for title, d in (
        ("Tanggapan awal / Acknowledgement", stats.acknowledgement),
        ("Umpan balik / Feedback", stats.feedback),
    ):
        parts = ", ".join(
            f"{OUTCOME_WORDS[k][0]}/{OUTCOME_WORDS[k][1]} {getattr(d, k)}" for k in OUTCOME_WORDS
        )
        lines.append(
            f"  {title}: {_number(d.on_time_percent, ' %')} tepat waktu / on time ({parts})"
        )
    lines += [
        "",
        "== Median hari kerja / Median working days ==",
        f"  sampai tanggapan awal / to acknowledge: {_number(stats.median_days_to_acknowledge)}"
        f" ({stats.acknowledged} perkara / cases)",
        f"  sampai selesai / to close: {_number(stats.median_days_to_close)}"
        f" ({stats.closed} perkara / cases)",
        "",
        f"Terlambat hari ini / Overdue today: {stats.overdue}",
    ]
    if stats.overdue_cases:
        lines.append("  " + " ".join(stats.overdue_cases))
    return "\n".join(lines) + "\n"
