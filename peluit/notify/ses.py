"""The AWS mail adapter: Amazon SES (API v2), the raw message as composed (same bytes as SMTP)."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped]

from .errors import MailSendError


class SesMailer:
    def __init__(self, client: Any) -> None:  # a boto3 "sesv2" client
        self._client = client

    def send(self, message: EmailMessage) -> None:
        try:
            self._client.send_email(
                FromEmailAddress=str(message["From"]),
                Destination={"ToAddresses": [str(message["To"])]},
                Content={"Raw": {"Data": message.as_bytes()}},
            )
        except (BotoCoreError, ClientError) as exc:
            raise MailSendError(f"SES did not accept the mail: {exc}") from None
