"""The notifications' pure core: which events each person is told of, and what a mail says."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from peluit.config.models import Config
from peluit.notify import mail
from peluit.notify.plan import CaseFacts, Event, case_events, counts, plan, wanted
from tests.support.factory import example_raw

pytestmark = pytest.mark.unit

MONDAY = date(2026, 3, 2)
NOTIFICATIONS: dict[str, Any] = {
    "sender": "wbs-noreply@example.go.id",
    "recipients": [
        {"person": "rina", "email": "penelaah1@example.go.id"},
        {"person": "agus", "email": "penelaah2@example.go.id", "digest": True},
        {"person": "dewi", "email": "upg@example.go.id"},
        {"person": "kpk-liaison", "email": "pengawas@example.go.id"},
    ],
}


def config_with(notifications: dict[str, Any] | None = None) -> Config:
    raw = example_raw()
    raw["notifications"] = copy.deepcopy(notifications or NOTIFICATIONS)
    return Config.model_validate(raw)


def facts(
    case: str = "0123456789abcdef",
    *,
    channel: str = "pengaduan",
    status: str = "diterima",
    received: date = MONDAY,
    messages: tuple[int, ...] = (),
) -> CaseFacts:
    return CaseFacts(case, channel, status, received, messages)


def never_read(case: str, person: str) -> int:
    return 0


def kinds(events: list[Event]) -> list[str]:
    return [e.kind for e in events]


def test_default_rules_tell_reviewers_everything_custodians_new_cases_oversight_overdue() -> None:
    config = config_with()
    assert wanted(config, "rina") == {
        "pengaduan": {"new_case", "new_message", "due_soon", "overdue"}
    }
    # agus reviews and holds identities in pengaduan: the union of both rules
    assert wanted(config, "agus")["pengaduan"] == {"new_case", "new_message", "due_soon", "overdue"}
    assert wanted(config, "kpk-liaison") == {"pengaduan": {"overdue"}, "gratifikasi": {"overdue"}}
    assert "pengaduan" not in wanted(config, "dewi")  # not in that channel at all


def test_a_rule_limited_to_a_channel_tells_only_of_that_channel() -> None:
    config = config_with(
        {**NOTIFICATIONS, "rules": [
            {"roles": ["oversight"], "channels": ["gratifikasi"], "events": ["new_case"]},
        ]}
    )  # fmt: skip
    assert wanted(config, "kpk-liaison") == {"gratifikasi": {"new_case"}}
    assert wanted(config, "rina") == {}


def test_a_new_case_is_told_while_it_waits_for_acknowledgement_and_is_recent() -> None:
    config = config_with()
    channel = config.channels[0]
    assert kinds(case_events(facts(), channel, MONDAY, frozenset())) == ["new_case"]
    moved_on = facts(status="diverifikasi")
    assert "new_case" not in kinds(case_events(moved_on, channel, MONDAY, frozenset()))
    old = facts(received=date(2026, 1, 2))
    assert "new_case" not in kinds(case_events(old, channel, date(2026, 2, 9), frozenset()))


def test_acknowledgement_due_on_the_next_working_day_skips_the_weekend_and_holidays() -> None:
    channel = config_with().channels[0]  # acknowledge within 3 working days
    received = date(2026, 3, 4)  # Wednesday -> due Monday 9 March
    friday = date(2026, 3, 6)
    thursday = date(2026, 3, 5)
    assert "due_soon" in kinds(case_events(facts(received=received), channel, friday, set()))
    assert "due_soon" not in kinds(case_events(facts(received=received), channel, thursday, set()))
    # A holiday on Monday moves the deadline to Tuesday, still the next working day.
    monday_off = {date(2026, 3, 9)}
    [soon] = [
        e
        for e in case_events(facts(received=received), channel, friday, monday_off)
        if e.kind == "due_soon"
    ]
    assert soon.key.endswith(":2026-03-10")
    # Received Thursday: due Tuesday, two working days after Friday.
    later = facts(received=thursday)
    assert "due_soon" not in kinds(case_events(later, channel, friday, set()))


def test_an_overdue_deadline_is_a_new_event_each_week_it_stays_overdue() -> None:
    channel = config_with().channels[0]
    case = facts(received=MONDAY)  # acknowledgement due Thursday 5 March
    first = [e for e in case_events(case, channel, date(2026, 3, 6), set()) if e.kind == "overdue"]
    same_week = case_events(case, channel, date(2026, 3, 12), set())
    next_week = case_events(case, channel, date(2026, 3, 13), set())
    assert len(first) == 1
    assert first[0] in same_week
    assert first[0] not in next_week
    assert "overdue" in kinds(next_week)


def test_feedback_deadline_counts_until_the_case_is_final() -> None:
    channel = config_with().channels[0]  # feedback within 90 days
    forwarded = facts(status="diteruskan", received=date(2025, 12, 1))
    assert kinds(case_events(forwarded, channel, date(2026, 3, 2), set())) == ["overdue"]
    done = facts(status="selesai", received=date(2025, 12, 1))
    assert case_events(done, channel, date(2026, 3, 2), set()) == []


def test_new_messages_are_per_person_after_their_read_marker() -> None:
    config = config_with()
    case = facts(status="ditelaah", received=MONDAY, messages=(2, 4))
    markers = {("0123456789abcdef", "rina"): 2}
    planned = plan(config, [case], lambda c, p: markers.get((c, p), 0), MONDAY)
    assert kinds(planned["rina"]) == ["new_message"]
    assert kinds(planned["agus"]) == ["new_message", "new_message"]
    assert "kpk-liaison" not in planned  # oversight is told of overdue deadlines only
    assert "dewi" not in planned  # not in the channel


def test_a_revoked_person_is_told_nothing_and_the_others_as_before() -> None:
    config = config_with()
    cases = [facts(messages=(1,)), facts("fedcba9876543210", channel="gratifikasi")]
    everyone = plan(config, cases, never_read, MONDAY)
    assert {"rina", "agus"} <= set(everyone)
    without = plan(config, cases, never_read, MONDAY, revoked=frozenset({"rina"}))
    assert "rina" not in without
    assert without == {p: e for p, e in everyone.items() if p != "rina"}


def test_cases_of_unknown_channels_are_left_out() -> None:
    assert plan(config_with(), [facts(channel="lama")], never_read, MONDAY) == {}


def test_counts_are_per_kind_in_a_fixed_order() -> None:
    events = [Event("overdue", "a"), Event("new_case", "b"), Event("overdue", "c")]
    assert list(counts(events).items()) == [("new_case", 1), ("overdue", 2)]


def test_a_mail_says_counts_and_where_to_look_in_both_languages() -> None:
    config = config_with()
    now = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    message = mail.compose(config, "penelaah1@example.go.id", {"new_case": 2, "overdue": 1}, now)
    body = message.get_content()
    assert "2 laporan baru" in body
    assert "2 new report(s)" in body
    assert "1 tenggat terlewat" in body
    assert "peluit review" in body
    assert message["Subject"].endswith(mail.SUBJECT)  # the same subject whatever happened
    assert message["Message-ID"].endswith("@example.go.id>")  # not this machine's name
    assert message["To"] == "penelaah1@example.go.id"
    assert (
        "Ringkasan harian"
        in mail.compose(config, "a@b.id", {"new_case": 1}, now, digest=True).get_content()
    )


def test_a_mail_with_nothing_to_say_is_refused() -> None:
    with pytest.raises(ValueError, match="something to tell"):
        mail.compose(config_with(), "a@b.id", {}, datetime(2026, 3, 2, tzinfo=UTC))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"recipients": [{"person": "nobody", "email": "x@example.go.id"}]}, "unknown person"),
        ({"rules": [{"roles": ["reviewer"], "channels": ["lama"], "events": ["new_case"]}]},
         "unknown channel"),
        ({"recipients": [{"person": "rina", "email": "a@example.go.id"},
                         {"person": "rina", "email": "b@example.go.id"}]}, "one recipient entry"),
        ({"recipients": [{"person": "rina", "email": "Rina <rina@example.go.id>"}]}, "pattern"),
        ({"sender": "wbs@localhost"}, "pattern"),
        ({"rules": [{"roles": ["reviewer"], "events": ["everything"]}]}, "new_case"),
    ],
)  # fmt: skip
def test_notification_settings_that_cannot_work_are_refused(
    change: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        config_with({**NOTIFICATIONS, **change})
