"""A real SMTP server in this process (aiosmtpd on 127.0.0.1) that keeps what it receives,
and the mail helpers the notification tests share."""

from __future__ import annotations

import dataclasses
import email
import email.policy
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from peluit.config.models import Notifications, Smtp
from tests.support.review import ReviewTeam
from tests.support.submitting import free_port

SENDER = "wbs-noreply@batanghari.example"
# Addresses that do not contain a roster id, so a search for the ids means something.
EMAILS = {
    "rina": "penelaah1@batanghari.example",
    "agus": "penelaah2@batanghari.example",
    "dewi": "upg@batanghari.example",
    "kpk-liaison": "pengawas@kpk.example",
}


@dataclass
class Received:
    sender: str
    recipients: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    @property
    def text(self) -> str:
        """The body as a person reads it (decoded from its transfer encoding)."""
        body = self.message.get_body(("plain",))
        assert body is not None
        content = body.get_content()
        assert isinstance(content, str)
        return content


@dataclass
class Mailbox:
    received: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.received.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content))
        )
        return "250 OK"

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if r.recipients == [address]]


@contextmanager
def smtp_server() -> Iterator[tuple[Mailbox, Smtp]]:
    """A listening SMTP server and the `[notifications.smtp]` settings that reach it."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, Smtp(host="127.0.0.1", port=port)
    finally:
        controller.stop()


def with_notifications(team: ReviewTeam, smtp: Smtp | None = None, **extra: Any) -> ReviewTeam:
    """The review team's configuration with `[notifications]` for the example's people."""
    digest = extra.pop("digest", {"agus"})
    notifications = Notifications.model_validate(
        {
            "sender": SENDER,
            "recipients": [
                {"person": p, "email": a, "digest": p in digest} for p, a in EMAILS.items()
            ],
            "smtp": (smtp or Smtp()).model_dump(),
            **extra,
        }
    )
    config = team.config.model_copy(update={"notifications": notifications})
    return dataclasses.replace(team, config=config)
