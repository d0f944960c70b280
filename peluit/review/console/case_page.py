"""One case, decrypted: the report with its questions' labels, attachments, the thread with
the reporter, the status history, and the forms that act on the case."""

from __future__ import annotations

from string import Template

from peluit.config import Config
from peluit.core import workflow
from peluit.review.content import UNREADABLE, Attachment, Message
from peluit.review.desk import ReviewDesk
from peluit.review.reading import REPORTER, Answer, answer_rows
from peluit.review.views import CaseFile

from .guard import Session
from .html import Html, bi, fill, h, join, pick, template
from .labels import IDENTITY_CHOICE, REQUEST, STATUS, TARGET, word
from .layout import csrf_field

_ANSWER = Template('<dt>$label</dt><dd class="$css">$value</dd>')
_FILE = Template(
    '<tr data-file="$index"><td>$index</td><td>$name</td><td class="size">$size</td>'
    '<td><a href="/cases/$case/files/$index">$download</a></td><td>$type</td>'
    "<td>$origin</td></tr>"
)
_MESSAGE = Template(
    '<div class="message $css" id="pesan-$seq" data-seq="$seq">'
    '<div class="from">#$seq · <span class="day">$on</span> · $sender$lang</div>$body</div>'
)
_MESSAGE_FILE = Template(
    '<li data-file="$index"><a href="/cases/$case/files/$index">$name</a> ($size)</li>'
)
_HISTORY = Template(
    '<tr><td>$status</td><td>$on</td><td>$by</td><td class="long">$reason</td></tr>'
)


def _dl(rows: list[Answer]) -> Html:
    items = []
    for row in rows:
        value = bi(row.value, row.value_en) if row.value_en else h(row.value)
        items.append(
            fill(
                _ANSWER,
                label=bi(row.label_id, row.label_en),
                value=value,
                css="long" if row.long else "",
            )
        )
    return Html(f'<dl class="answers">{join(items)}</dl>')


LARGE_DOWNLOAD = 8 * 1024 * 1024  # above this, the page says how to follow the download


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    value = size / 1024
    for unit in ("KiB", "MiB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"


def _report(config: Config, case: CaseFile) -> Html:
    heading = f"<h2>{bi('Laporan', 'Report')}</h2>"
    if case.report is None:
        return Html(
            f"{heading}<p>"
            f"{bi('Anda tidak berhak membaca laporan ini.', 'You may not read this report.')}</p>"
        )
    document = case.report.document
    if document is None:
        raw = case.report.plaintext.decode("utf-8", "replace")
        return Html(f"{heading}<p class='error'>{h(case.report.problem)}</p><pre>{h(raw)}</pre>")
    choice = fill(
        _ANSWER,
        label=bi("Pilihan identitas pelapor", "Identity choice"),
        value=word(IDENTITY_CHOICE, document.identity_choice),
        css="",
    )
    rows = _dl(answer_rows(config, document.channel, document.answers, False))
    parts = [heading, Html(rows.replace("</dl>", f"{choice}</dl>"))]
    if document.identity:
        parts.append(f"<h2>{bi('Identitas (dibuka oleh pelapor)', 'Identity (given openly)')}</h2>")
        parts.append(_dl(answer_rows(config, document.channel, document.identity, True)))
    return Html("".join(parts))


def _origin(attachment: Attachment) -> Html:
    if attachment.message is None:
        return bi("Laporan", "Report")
    seq = attachment.message
    return Html(f'<a href="#pesan-{seq}">{bi(f"Pesan #{seq}", f"Message #{seq}")}</a>')


def _problems(problems: list[str]) -> Html:
    return join([Html(f'<p class="error problem">{h(p)}</p>') for p in problems])


def _files(case: CaseFile) -> Html:
    if not case.files and not case.problems:
        return Html("")
    if not case.files:  # only what went wrong: no empty table, no "0 files"
        return Html(f"<h2>{bi('Lampiran', 'Attachments')}</h2>{_problems(case.problems)}")
    rows = [
        fill(
            _FILE,
            name=a.entry.name,
            type=a.entry.type,
            size=_size(a.entry.size),
            origin=_origin(a),
            case=case.row.case,
            index=str(a.number),
            download=bi("Unduh", "Download"),
        )
        for a in case.files
    ]
    total = sum(a.entry.size for a in case.files)
    count = len(case.files)
    in_all = f"{count} {'file' if count == 1 else 'files'}, {_size(total)} in all"
    parts = [
        f"<h2>{bi('Lampiran', 'Attachments')}</h2>",
        f'<p id="files-total">{bi(f"{count} berkas, {_size(total)} seluruhnya", in_all)}</p>',
        "<p class='small'>",
        bi(
            "Didekripsi saat diunduh; unduhan hanya selesai bila setiap bagian terautentikasi.",
            "Decrypted as it downloads; a download completes only if every part authenticates.",
        ),
        "</p>",
    ]
    if any(a.entry.size > LARGE_DOWNLOAD for a in case.files):
        parts += [
            '<p class="notice" id="large-download">',
            bi(
                "Berkas besar: unduhan berjalan sambil didekripsi dan ukurannya sudah diketahui, "
                "jadi kemajuannya terlihat di daftar unduhan peramban (Ctrl+J). Jangan tutup "
                "konsol sampai unduhan selesai.",
                "Large files: each downloads as it is decrypted and its size is known, so the "
                "browser's downloads list (Ctrl+J) shows the progress. Keep the console open "
                "until the download finishes.",
            ),
            "</p>",
        ]
    parts += [
        _problems(case.problems),
        "<div class='scroll' role='region' aria-labelledby='files-caption' tabindex='0'>",
        "<table><caption id='files-caption' class='visually-hidden'>"
        f"{bi('Lampiran', 'Attachments')}</caption><thead><tr><th scope='col'>No.</th>"
        f"<th scope='col'>{bi('Nama', 'Name')}</th><th scope='col'>{bi('Ukuran', 'Size')}</th>"
        f"<th scope='col'><span class='visually-hidden'>{bi('Unduhan', 'Download')}</span></th>"
        f"<th scope='col'>{bi('Jenis', 'Type')}</th>"
        f"<th scope='col'>{bi('Dikirim bersama', 'Sent with')}</th>"
        f"</tr></thead><tbody>{join(rows)}</tbody></table></div>",
    ]
    return Html("".join(parts))


def _sender(config: Config, sender: str) -> Html:
    if sender == REPORTER:
        return bi("Pelapor", "Reporter")
    person = next((p for p in config.people if p.id == sender), None)
    return h(f"{person.name} ({sender})" if person else sender)


def _message_body(case: CaseFile, message: Message) -> Html:
    """The message's text (never its raw plaintext), the files sent with it, or its problem."""
    if message.text is None:
        return Html(f'<p class="error problem">{h(message.problem or UNREADABLE)}</p>')
    parts = [Html(f'<div class="long">{h(message.text)}</div>')] if message.text.strip() else []
    if message.files:
        items = [
            fill(
                _MESSAGE_FILE,
                case=case.row.case,
                index=str(number),
                name=entry.name,
                size=_size(entry.size),
            )
            for number, entry in zip(message.files, message.manifest, strict=True)
        ]
        parts.append(
            Html(
                f'<p class="small">{bi("Berkas terlampir", "Files sent")}:</p>'
                f'<ul class="message-files">{join(items)}</ul>'
            )
        )
    elif message.manifest and not message.from_reporter:
        items = [Html(f"<li>{h(e.name)} ({_size(e.size)})</li>") for e in message.manifest]
        parts.append(
            Html(
                f'<p class="small">{bi("Terlampir untuk pelapor", "Attached for the reporter")}'
                f':</p><ul class="message-files reply-files">{join(items)}</ul>'
            )
        )
    elif message.manifest:
        names = ", ".join(e.name for e in message.manifest)
        parts.append(
            Html(
                f'<p class="error problem">{bi("Berkas tanpa nomor", "Files without a number")}'
                f": {h(names)}</p>"
            )
        )
    return join(parts)


def _thread(desk: ReviewDesk, session: Session, case: CaseFile) -> Html:
    messages = [
        fill(
            _MESSAGE,
            seq=str(m.seq),
            on=m.on or "—",
            css="from-reporter" if m.from_reporter else "from-team",
            sender=_sender(desk.config, m.sender),
            lang=f" · {m.lang}" if m.lang else "",
            body=_message_body(case, m),
        )
        for m in case.messages
    ]
    body = join(messages) or Html(f"<p>{bi('Belum ada pesan.', 'No messages yet.')}</p>")
    form = Html("")
    if desk.reviews(case.row.channel) and case.reply_recipient:
        form = fill(template("reply_form.html"), case=case.row.case, csrf=csrf_field(session))
    return Html(
        f"<h2>{bi('Percakapan dengan pelapor', 'Thread with the reporter')}</h2>{body}{form}"
    )


def _history(case: CaseFile) -> Html:
    rows = [
        fill(
            _HISTORY,
            status=word(STATUS, e.status)
            if not e.target
            else Html(f"{word(STATUS, e.status)} ({h(e.target.upper())})"),
            on=e.on,
            by=e.by or "—",
            reason=e.reason if e.reason is not None else "—",
        )
        for e in case.history
    ]
    return Html(
        f"<h2 id='history-heading'>{bi('Riwayat status', 'Status history')}</h2>"
        "<div class='scroll' role='region' aria-labelledby='history-heading' tabindex='0'>"
        "<table><thead><tr>"
        f"<th scope='col'>Status</th><th scope='col'>{bi('Tanggal', 'Day')}</th>"
        f"<th scope='col'>{bi('Oleh', 'By')}</th><th scope='col'>{bi('Alasan', 'Reason')}</th>"
        f"</tr></thead><tbody>{join(rows)}</tbody></table></div>"
    )


def _status_form(desk: ReviewDesk, session: Session, case: CaseFile) -> Html:
    allowed = workflow.TRANSITIONS.get(case.row.status, frozenset())
    if not desk.reviews(case.row.channel) or not allowed:
        return Html("")
    statuses = [
        Html(f'<option value="{s}">{h(pick(*STATUS[s]))}</option>')
        for s in workflow.STATUSES
        if s in allowed
    ]
    targets = [Html('<option value="">—</option>')] + [
        Html(f'<option value="{t}">{h(pick(*TARGET[t]))}</option>') for t in workflow.TARGETS
    ]
    form = fill(
        template("status_form.html"),
        case=case.row.case,
        csrf=csrf_field(session),
        etag=case.etag,
        statuses=join(statuses),
        targets=join(targets),
    )
    return Html(f"<h2>{bi('Ubah status', 'Change status')}</h2>{form}")


def _identity(desk: ReviewDesk, session: Session, case: CaseFile, config: Config) -> Html:
    if not case.row.identity:
        return Html("")
    parts = [f"<h2>{bi('Identitas pelapor', 'Identity of the reporter')}</h2>"]
    if case.identity is not None:
        approved = bi(
            "Disetujui kustodian; didekripsi di komputer ini.",
            "Approved by a custodian; decrypted on this computer.",
        )
        parts.append(f"<p>{approved}</p>")
        parts.append(_dl(answer_rows(config, case.row.channel, case.identity.fields, True)))
    elif case.identity_request in {"pending", "approved"}:
        parts.append(f"<p>{word(REQUEST, case.identity_request)}</p>")
    elif desk.reviews(case.row.channel):
        if case.identity_request == "denied":
            parts.append(f"<p>{word(REQUEST, 'denied')}</p>")
        parts.append(
            fill(template("identity_form.html"), case=case.row.case, csrf=csrf_field(session))
        )
    return Html("".join(parts))


def _export_size(case: CaseFile) -> Html:
    """The export holds every attachment: say how much before it is made."""
    if not case.files:
        return Html("")
    total = _size(sum(a.entry.size for a in case.files))
    return Html(
        f'<span class="small" id="export-size">'
        f"{bi(f'berisi lampiran sebesar {total}', f'with {total} of attachments')}</span>"
    )


def case_content(desk: ReviewDesk, session: Session, case: CaseFile) -> Html:
    config = desk.config
    row = case.row
    channel = config.channel(row.channel)
    due = row.deadlines
    status = word(STATUS, row.status)
    if row.target:
        status = Html(f"{status} ({h(row.target.upper())})")

    def due_text(day: object, late: bool) -> Html:
        if day is None:
            return Html("—")
        mark = f' <span class="late">{bi("terlambat", "overdue")}</span>' if late else ""
        return Html(f"{h(day)}{mark}")

    head = fill(
        template("case_head.html"),
        reference=row.reference,
        case=row.case,
        channel=bi(channel.name.id, channel.name.en) if channel else row.channel,
        status=status,
        received=row.received,
        age=pick(f"{due.age_days} hari", f"{due.age_days} days") if due else "—",
        export_size=_export_size(case),
        acknowledge=due_text(due.acknowledge_due, due.acknowledge_overdue) if due else "—",
        feedback=due_text(due.feedback_due, due.feedback_overdue) if due else "—",
    )
    sections = [
        ("laporan", _report(config, case)),
        ("lampiran", _files(case)),
        ("percakapan", _thread(desk, session, case)),
        ("riwayat", _history(case)),
        ("ubah-status", _status_form(desk, session, case)),
        ("identitas", _identity(desk, session, case, config)),
    ]
    return join([head, *(Html(f'<section id="{n}">{c}</section>') for n, c in sections if c)])
