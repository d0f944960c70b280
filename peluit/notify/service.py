"""One notification scan: read, plan, leave out what was told, mail each person once.

Run by the scheduled function on AWS (functions/notify.py, SES) and by `peluit notify`
locally (SMTP). A person with `digest = true` gets at most one mail a day, at or after
`digest_hour` in the organisation's time zone; everyone else a mail at each scan that finds
something new for them. Logs say how many, never which.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from typing import Protocol
from zoneinfo import ZoneInfo

from peluit.config.models import Config
from peluit.store.port import ObjectStore

from . import mail, scan
from .errors import MailSendError, NotifyConfigError, NotifyError
from .ledger import Ledger
from .plan import counts, plan

_log = logging.getLogger(__name__)


class Mailer(Protocol):
    """The port a mail adapter fills (peluit/notify/smtp.py, peluit/notify/ses.py)."""

    def send(self, message: EmailMessage) -> None:
        """Hand over one message; `MailSendError` if it was not accepted."""


@dataclass(frozen=True)
class Outcome:
    mails: int
    events: int
    failed: int


def run(config: Config, store: ObjectStore, mailer: Mailer, now: datetime) -> Outcome:
    """One scan. Raises `NotifyError` after trying everyone if any mail failed, so that the
    scheduled function's failure shows in its error alarm; what failed is tried again at the
    next scan."""
    notifications = config.notifications
    if notifications is None:
        raise NotifyConfigError("the configuration has no [notifications]: nobody to tell")
    local = now.astimezone(ZoneInfo(config.organisation.timezone))
    today = local.date()
    revoked = scan.revoked(store)  # before anything is planned: a revoked person is told nothing
    markers = scan.last_read(store)
    planned = plan(config, scan.cases(config, store), markers.last_read, today, revoked)
    ledger = Ledger(store)
    mails = events = failed = 0
    for recipient in notifications.recipients:
        person = recipient.person
        if person in revoked:
            continue
        fresh = [e for e in planned.get(person, []) if not ledger.told(person, e)]
        if not fresh:
            continue
        if recipient.digest and (
            local.hour < notifications.digest_hour or ledger.digest_sent(person, today)
        ):
            continue
        message = mail.compose(config, recipient.email, counts(fresh), now, digest=recipient.digest)
        try:
            mailer.send(message)
        except MailSendError:
            failed += 1
            continue
        for event in fresh:
            ledger.mark(person, event)
        if recipient.digest:
            ledger.mark_digest(person, today)
        mails += 1
        events += len(fresh)
    _log.info("notify: %d mail(s), %d event(s), %d failed", mails, events, failed)
    if failed:
        raise NotifyError(f"{failed} notification mail(s) could not be sent; retried next scan")
    return Outcome(mails, events, failed)
