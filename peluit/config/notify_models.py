"""The `[notifications]` section: content-free mail to the review team (docs/adr/0038)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, HttpUrl, model_validator

from .model_base import STRICT, Identifier


class _Strict(BaseModel):
    model_config = STRICT


# An e-mail address as the notifications send to it (no display name, no comment, one address).
_EMAIL = r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$"
EmailAddress = Annotated[str, Field(max_length=254, pattern=_EMAIL)]
NotifyEvent = Literal["new_case", "new_message", "due_soon", "overdue"]


class NotifyRule(_Strict):
    """Which events people with one of `roles` in one of `channels` (empty: every channel)
    are told of (peluit/notify/, docs/adr/0038)."""

    roles: Annotated[list[Literal["reviewer", "custodian", "oversight"]], Field(min_length=1)]
    channels: list[Identifier] = []
    events: Annotated[list[NotifyEvent], Field(min_length=1)]


class NotifyRecipient(_Strict):
    """A roster person's mailbox; `digest`: one mail a day at `digest_hour` instead of one
    per scan that finds something."""

    person: Identifier
    email: EmailAddress
    digest: bool = False


class Smtp(_Strict):
    """The mail server `peluit notify` hands local mail to (on AWS: Amazon SES)."""

    host: Annotated[str, Field(min_length=1, max_length=253)] = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65535)] = 25
    starttls: bool = False
    username: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    password_env: Annotated[str, Field(pattern=r"^[A-Z_][A-Z0-9_]{0,63}$")] | None = None


class Notifications(_Strict):
    """Content-free mail to the team: counts of new cases, reporter messages and deadlines,
    never a case id, text or receipt code (docs/adr/0038)."""

    sender: EmailAddress
    console_url: HttpUrl | None = None  # where the team opens the console, shown in each mail
    digest_hour: Annotated[int, Field(ge=0, le=23)] = 7  # in the organisation's time zone
    recipients: Annotated[list[NotifyRecipient], Field(min_length=1, max_length=500)]
    rules: Annotated[list[NotifyRule], Field(min_length=1, max_length=50)] = [
        NotifyRule(roles=["reviewer"], events=["new_case", "new_message", "due_soon", "overdue"]),
        NotifyRule(roles=["custodian"], events=["new_case"]),
        NotifyRule(roles=["oversight"], events=["overdue"]),
    ]
    smtp: Smtp = Smtp()

    @model_validator(mode="after")
    def _one_mailbox_each(self) -> Notifications:
        people = [r.person for r in self.recipients]
        if len(people) != len(set(people)):
            raise ValueError("notifications: each person has one recipient entry")
        return self
