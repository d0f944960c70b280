"""Cases as plain text for a terminal: a table of cases, and one case decrypted."""

from __future__ import annotations

from datetime import date

from peluit.config import Config
from peluit.review.reading import answer_rows
from peluit.review.views import CaseFile, CaseRow

COLUMNS = (
    "REFERENSI/REFERENCE",
    "SALURAN/CHANNEL",
    "STATUS",
    "BIDANG KPK/AREA",
    "DITERIMA/RECEIVED",
    "UMUR/AGE",
    "TANGGAPAN/ACK BY",
    "UMPAN BALIK/FEEDBACK BY",
    "FILES",
)
LATE = "!"  # marks an overdue date


def _due(day: date | None, late: bool) -> str:
    if day is None:
        return "-"
    return day.isoformat() + (LATE if late else "")


def _cells(row: CaseRow) -> tuple[str, ...]:
    due = row.deadlines
    status = row.status + (f" ({row.target})" if row.target else "")
    return (
        row.reference,
        row.channel,
        status,
        row.area.id if row.area else "-",
        row.received,
        str(due.age_days) if due else "-",
        _due(due.acknowledge_due, due.acknowledge_overdue) if due else "-",
        _due(due.feedback_due, due.feedback_overdue) if due else "-",
        str(row.files),
    )


def table(config: Config, rows: list[CaseRow]) -> str:
    lines = [COLUMNS, *(_cells(r) for r in rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(COLUMNS))]
    out = [
        "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
        for line in lines
    ]
    overdue = sum(1 for r in rows if r.deadlines and r.deadlines.overdue)
    footer = f"{len(rows)} perkara / cases; {overdue} terlambat / overdue (tanggal dengan {LATE})"
    return "\n".join([*out, footer]) + "\n"


def case(config: Config, found: CaseFile) -> str:
    row = found.row
    due = row.deadlines
    channel = config.channel(row.channel)
    lines = [
        f"Perkara / Case {row.reference}  ({row.case})",
        f"Saluran / Channel: {channel.name.id if channel else row.channel}",
        f"Status: {row.status}" + (f" ({row.target})" if row.target else ""),
        f"Diterima / Received: {row.received}" + (f" ({due.age_days} hari/days)" if due else ""),
    ]
    if due:
        lines.append(
            f"Tanggapan awal / Acknowledge by: {_due(due.acknowledge_due, due.acknowledge_overdue)}"
        )
        lines.append(f"Umpan balik / Feedback by: {_due(due.feedback_due, due.feedback_overdue)}")
    lines.append("\n== Laporan / Report ==")
    document = found.report.document if found.report else None
    if found.report is None:
        lines.append("(tidak berhak membaca / you may not read the report)")
    elif document is None:
        lines.append(found.report.plaintext.decode("utf-8", "replace"))
    else:
        for answer in answer_rows(config, document.channel, document.answers, identity=False):
            value = answer.value + (f" / {answer.value_en}" if answer.value_en else "")
            lines.append(f"{answer.label_id} / {answer.label_en}:")
            lines.extend(f"    {part}" for part in value.splitlines() or [""])
        lines.append(f"Pilihan identitas / identity choice: {document.identity_choice}")
    if found.files:
        lines.append("\n== Lampiran / Attachments ==")
        for index, entry in enumerate(found.files):
            lines.append(f"  [{index}] {entry.name}  ({entry.type}, {entry.size} B)")
    lines.append("\n== Percakapan / Thread ==")
    for message in found.messages:
        text = message.text if message.text is not None else "(tidak terbaca / unreadable)"
        lines.append(f"  #{message.seq} {message.sender}:")
        lines.extend(f"    {part}" for part in text.splitlines() or [""])
    lines.append("\n== Riwayat / History ==")
    for step in found.history:
        who = f" {step.by}" if step.by else ""
        target = f" ({step.target})" if step.target else ""
        reason = f": {step.reason}" if step.reason else ""
        lines.append(f"  {step.on} {step.status}{target}{who}{reason}")
    return "\n".join(lines) + "\n"
