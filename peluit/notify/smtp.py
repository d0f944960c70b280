"""The local mail adapter: hand a message to the configured SMTP server (`[notifications.smtp]`)."""

from __future__ import annotations

import os
import smtplib
import ssl
from email.message import EmailMessage

from peluit.config.models import Smtp

from .errors import MailSendError

TIMEOUT_SECONDS = 30


class SmtpMailer:
    def __init__(self, settings: Smtp) -> None:
        self._settings = settings

    def send(self, message: EmailMessage) -> None:
        s = self._settings
        try:
            with smtplib.SMTP(s.host, s.port, timeout=TIMEOUT_SECONDS) as server:
                if s.starttls:
                    server.starttls(context=ssl.create_default_context())
                if s.username is not None:
                    server.login(s.username, _password(s.password_env))
                server.send_message(message)
        except (smtplib.SMTPException, OSError) as exc:
            raise MailSendError(
                f"the mail server {s.host}:{s.port} refused the mail: {exc}"
            ) from None


def _password(variable: str | None) -> str:
    value = os.environ.get(variable) if variable else None
    if not value:
        raise MailSendError(
            "smtp.username is set but the password variable "
            f"{variable or '(smtp.password_env)'} is empty"
        )
    return value
