"""Cases as plain text for a terminal: a table of cases, and one case decrypted.

Every value that came from a report, a message or the server goes through
`peluit.review.content.printable_line` / `printable` where it is placed, and the whole text
through `printable` once more before it is returned: no control or format character (escape
sequences, C1 controls, bidirectional overrides) reaches the terminal whatever a new line
forgets."""

from __future__ import annotations

from datetime import date

from peluit.config import Config
from peluit.review.content import UNREADABLE, Attachment, Message, printable, printable_line
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
    "BARU/UNREAD",
)
LATE = "!"  # marks an overdue date


def _due(day: date | None, late: bool) -> str:
    if day is None:
        return "-"
    return day.isoformat() + (LATE if late else "")


def _cells(row: CaseRow) -> tuple[str, ...]:
    due = row.deadlines
    status = row.status + (f" ({row.target})" if row.target else "")
    if row.test:
        status += " [UJI/TEST]"
    cells = (
        row.reference,
        row.channel,
        status,
        row.area.id if row.area else "-",
        row.received,
        str(due.age_days) if due else "-",
        _due(due.acknowledge_due, due.acknowledge_overdue) if due else "-",
        _due(due.feedback_due, due.feedback_overdue) if due else "-",
        str(row.files),
        str(row.unread) if row.unread else "-",
    )
    return tuple(printable_line(cell) for cell in cells)


def table(config: Config, rows: list[CaseRow]) -> str:
    lines = [COLUMNS, *(_cells(r) for r in rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(COLUMNS))]
    out = [
        "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
        for line in lines
    ]
    real = [r for r in rows if not r.test]  # test reports (peluit smoke) are not counted
    overdue = sum(1 for r in real if r.deadlines and r.deadlines.overdue)
    footer = f"{len(real)} perkara / cases; {overdue} terlambat / overdue (tanggal dengan {LATE})"
    if len(real) < len(rows):
        footer += f"; {len(rows) - len(real)} laporan uji / test reports [UJI/TEST] tidak dihitung"
    return printable("\n".join([*out, footer]) + "\n")


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
        lines.append(f"(!) {found.report.problem}")
        lines.append(printable(found.report.plaintext.decode("utf-8", "replace")))
    else:
        for answer in answer_rows(config, document.channel, document.answers, identity=False):
            value = answer.value + (f" / {answer.value_en}" if answer.value_en else "")
            lines.append(f"{printable_line(answer.label_id)} / {printable_line(answer.label_en)}:")
            lines.extend(_indented(value))
        lines.append(f"Pilihan identitas / identity choice: {document.identity_choice}")
    lines.extend(_attachments(found))
    lines.append("\n== Percakapan / Thread ==")
    if not found.messages:
        lines.append("  (belum ada pesan / no messages yet)")
    for message in found.messages:
        lines.extend(_message(config, message))
    lines.append("\n== Riwayat / History ==")
    for step in found.history:
        who = f" {step.by}" if step.by else ""
        target = f" ({step.target})" if step.target else ""
        reason = f": {printable_line(step.reason)}" if step.reason else ""
        lines.append(f"  {step.on} {step.status}{target}{who}{reason}")
    return printable("\n".join(lines) + "\n")


def _indented(text: str) -> list[str]:
    return [f"    {part}" for part in printable(text).split("\n")]


def _with(attachment: Attachment) -> str:
    if attachment.message is None:
        return "laporan / report"
    return f"pesan / message #{attachment.message}"


def _attachments(found: CaseFile) -> list[str]:
    """Every file of the case by number, with where it came from; problems as error rows."""
    if not found.files and not found.problems:
        return []
    lines = ["\n== Lampiran / Attachments =="]
    for a in found.files:
        entry = a.entry
        lines.append(
            f"  [{a.number}] {printable_line(entry.name)}  "
            f"({printable_line(entry.type)}, {entry.size} B)"
            f" — dikirim bersama / sent with {_with(a)}"
        )
    lines.extend(f"  (!) {printable_line(problem)}" for problem in found.problems)
    return lines


def _sender(config: Config, message: Message) -> str:
    if message.from_reporter:
        return "Pelapor / Reporter"
    person = next((p for p in config.people if p.id == message.sender), None)
    return f"{person.name} ({message.sender})" if person else message.sender


def _message(config: Config, message: Message) -> list[str]:
    lang = f" [{message.lang}]" if message.lang else ""
    on = message.on or "—"
    lines = [f"  #{message.seq} {on} {printable_line(_sender(config, message))}{lang}:"]
    if message.text is None:
        lines.append(f"    (!) {message.problem or UNREADABLE}")
        return lines
    if message.text.strip():
        lines.extend(_indented(message.text))
    by_number = dict(zip(message.files, message.manifest, strict=False))
    for number, entry in by_number.items():
        lines.append(
            f"    + berkas / file [{number}] {printable_line(entry.name)} ({entry.size} B)"
        )
    if not message.from_reporter:  # files the team attached for the reporter
        lines.extend(
            f"    + terlampir untuk pelapor / attached for the reporter: "
            f"{printable_line(e.name)} ({e.size} B)"
            for e in message.manifest
        )
    elif message.manifest and not message.files:
        names = ", ".join(printable_line(e.name) for e in message.manifest)
        lines.append(f"    + berkas tanpa nomor / files without a number: {names}")
    return lines
