"""What each person is to be told: the pure core of the notifications.

Events, each decided from a case's plaintext metadata and the day only:

* `new_case`: a case still `diterima` (not yet acknowledged), received in the last
  `NEW_CASE_DAYS` days;
* `new_message`: a reporter's message after the person's read marker (per person);
* `due_soon`: the acknowledgement or the feedback is due today or on the next working day;
* `overdue`: a deadline has passed; told again every `REMIND_EVERY_DAYS` days it stays so.

Deadlines are the console's (peluit/review/sla.py). An event's `key` makes it told once per
person (the ledger stores only a hash of person and key); it is never put in a mail.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Final

from peluit.config.models import Channel, Config, NotifyEvent
from peluit.core import workflow
from peluit.core.dates import add_working_days
from peluit.review.sla import deadlines

NEW_CASE_DAYS: Final = 30
REMIND_EVERY_DAYS: Final = 7
KINDS: Final[tuple[NotifyEvent, ...]] = ("new_case", "new_message", "due_soon", "overdue")

LastRead = Callable[[str, str], int]  # (case, person) -> highest thread seq seen


@dataclass(frozen=True)
class CaseFacts:
    """What the scan read of one case: plaintext workflow metadata only."""

    case: str
    channel: str
    status: str
    received: date
    reporter_messages: tuple[int, ...]  # thread sequence numbers of the reporter's messages


@dataclass(frozen=True)
class Event:
    kind: NotifyEvent
    key: str  # identifies the event for the ledger; never shown


def wanted(config: Config, person: str) -> dict[str, frozenset[NotifyEvent]]:
    """Per channel, the events `person` is told of: the union of the rules that match one of
    the roles the person holds in that channel."""
    notifications = config.notifications
    if notifications is None:
        return {}
    found: dict[str, frozenset[NotifyEvent]] = {}
    for channel in config.channels:
        roles = _roles_in(channel, person)
        kinds: set[NotifyEvent] = set()
        for rule in notifications.rules:
            if (not rule.channels or channel.id in rule.channels) and roles & set(rule.roles):
                kinds.update(rule.events)
        if kinds:
            found[channel.id] = frozenset(kinds)
    return found


def _roles_in(channel: Channel, person: str) -> set[str]:
    return {
        role
        for role, members in (
            ("reviewer", channel.reviewers),
            ("oversight", channel.oversight),
            ("custodian", channel.custodians),
        )
        if person in members
    }


def case_events(
    facts: CaseFacts, channel: Channel, today: date, holidays: Collection[date]
) -> list[Event]:
    """The events of a case that are the same for everyone (all but `new_message`)."""
    events: list[Event] = []
    case = facts.case
    if facts.status == workflow.DITERIMA and 0 <= (today - facts.received).days <= NEW_CASE_DAYS:
        events.append(Event("new_case", f"new_case:{case}"))
    due = deadlines(facts.status, facts.received, channel.sla, today, holidays)
    next_working_day = add_working_days(today, 1, holidays)
    for name, when in (("ack", due.acknowledge_due), ("feedback", due.feedback_due)):
        if when is None:
            continue
        if today > when:
            round_ = (today - when).days - 1
            events.append(
                Event("overdue", f"overdue:{name}:{case}:{when}:{round_ // REMIND_EVERY_DAYS}")
            )
        elif when <= next_working_day:
            events.append(Event("due_soon", f"due_soon:{name}:{case}:{when}"))
    return events


def plan(
    config: Config,
    cases: Iterable[CaseFacts],
    last_read: LastRead,
    today: date,
    revoked: Collection[str] = frozenset(),
) -> dict[str, list[Event]]:
    """Per recipient (roster id), the events to tell them of, before the ledger removes those
    already told. Read markers are looked up only for cases with reporter messages in a
    channel where the person is told of messages. A person on the emergency revocation list
    (`revoked`, ADR 0045) is told nothing, as the reviewer API refuses them everything."""
    notifications = config.notifications
    if notifications is None:
        return {}
    holidays = config.organisation.holidays
    audience = {
        r.person: wanted(config, r.person)
        for r in notifications.recipients
        if r.person not in revoked
    }
    channels = {c.id: c for c in config.channels}
    found: dict[str, list[Event]] = {person: [] for person in audience}
    for facts in cases:
        channel = channels.get(facts.channel)
        if channel is None:
            continue
        shared = case_events(facts, channel, today, holidays)
        for person, kinds_by_channel in audience.items():
            kinds = kinds_by_channel.get(facts.channel, frozenset())
            found[person].extend(e for e in shared if e.kind in kinds)
            if "new_message" in kinds and facts.reporter_messages:
                seen = last_read(facts.case, person)
                found[person].extend(
                    Event("new_message", f"new_message:{facts.case}:{seq}")
                    for seq in facts.reporter_messages
                    if seq > seen
                )
    return {person: events for person, events in found.items() if events}


def counts(events: Iterable[Event]) -> Mapping[NotifyEvent, int]:
    """How many events of each kind: all a mail says about them."""
    tally = Counter(e.kind for e in events)
    return {kind: tally[kind] for kind in KINDS if tally[kind]}
