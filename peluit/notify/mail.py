"""The mail itself: counts and where to look, in Indonesian then English, nothing else.

No case id, channel, text, name or receipt code is ever passed in, so none can come out: a
mail is made from the organisation's public name, the person's address, the sender, counts
per kind of event, the console's address and the time of sending (docs/adr/0038).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from peluit.config.models import Config, NotifyEvent

_LINES: dict[NotifyEvent, tuple[str, str]] = {
    "new_case": ("laporan baru menunggu tanggapan", "new report(s) awaiting acknowledgement"),
    "new_message": ("pesan baru dari pelapor", "new message(s) from reporters"),
    "due_soon": (
        "tenggat jatuh hari ini atau hari kerja berikutnya",
        "deadline(s) due today or on the next working day",
    ),
    "overdue": ("tenggat terlewat", "deadline(s) passed"),
}
SUBJECT = "Pemberitahuan WBS / WBS notification"
DEFAULT_CONSOLE = "peluit review --key <berkas kunci Anda / your key file>"


def compose(
    config: Config,
    to: str,
    counts: Mapping[NotifyEvent, int],
    now: datetime,
    *,
    digest: bool = False,
) -> EmailMessage:
    """One person's mail. `counts` must not be empty."""
    if not counts or config.notifications is None:
        raise ValueError("a notification needs something to tell and a sender")
    sender = config.notifications.sender
    console = str(config.notifications.console_url or DEFAULT_CONSOLE)
    org = config.organisation.name
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = f"{org.id}: {SUBJECT}"
    message["Date"] = format_datetime(now)
    # The domain is the sender's, never this machine's name (make_msgid's default).
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[1])
    message["Auto-Submitted"] = "auto-generated"
    id_lines = [f"- {n} {_LINES[kind][0]}" for kind, n in counts.items()]
    en_lines = [f"- {n} {_LINES[kind][1]}" for kind, n in counts.items()]
    body = "\n".join(
        [
            ("Ringkasan harian WBS " if digest else "Ada hal baru di WBS ") + f"{org.id}:",
            *id_lines,
            "",
            f"Buka konsol penelaah untuk melihatnya: {console}",
            "Surel ini sengaja tidak memuat nomor kasus, isi laporan, nama, atau kode tanda "
            "terima. Jangan meneruskannya ke luar tim.",
            "",
            "--",
            ("Daily digest of the WBS of " if digest else "New in the WBS of ") + f"{org.en}:",
            *en_lines,
            "",
            f"Open the reviewers' console to see them: {console}",
            "This mail deliberately holds no case number, report text, name or receipt code. "
            "Do not forward it outside the team.",
            "",
        ]
    )
    message.set_content(body, charset="utf-8")
    return message
