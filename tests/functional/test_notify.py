"""Notifications end to end: cases filed through the same services the public API runs, a
scan over the store, mail through a REAL SMTP server in this process (aiosmtpd) and through
SES (moto, which records what it sent and refuses unverified senders) — and a search of every
mail for anything the ADR forbids (docs/adr/0038)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import boto3  # type: ignore[import-untyped]
import pytest
from moto import mock_aws
from moto.ses.models import ses_backends

from peluit.config import parse_config
from peluit.config.models import Smtp
from peluit.core import revocation
from peluit.core.audit import AuditLog
from peluit.notify.errors import NotifyError
from peluit.notify.ledger import PREFIX
from peluit.notify.service import run
from peluit.notify.smtp import SmtpMailer
from peluit.store.s3 import S3Store, make_s3_client
from tests.support.factory import example_text
from tests.support.followup import Filed, FollowupWorld
from tests.support.mailbox import EMAILS, SENDER, Mailbox, smtp_server, with_notifications
from tests.support.review import ReviewTeam, make_review_team
from tests.support.s3world import S3World, create_buckets

pytestmark = pytest.mark.functional

REGION = "ap-southeast-3"
MOTO_ACCOUNT = "123456789012"  # moto's default account
MESSAGE_TEXT = "Bendahara Sutrisno minta setoran lagi hari Kamis."
IDENTITY_NAME = "Siti Rahmawati"


@pytest.fixture(scope="module")
def review_team() -> ReviewTeam:
    return make_review_team()


@pytest.fixture
def mail() -> Iterator[tuple[Mailbox, Smtp]]:
    with smtp_server() as server:
        yield server


def file_cases(world: FollowupWorld) -> list[Filed]:
    """Two corruption reports (one with a reporter message) and a gratification report."""
    filed = [world.file(), world.file(), world.file("gratifikasi")]
    answer = world.message(filed[0], world.say(filed[0], MESSAGE_TEXT))
    assert answer.status == 200, answer.body
    return filed


def test_a_scan_mails_each_person_counts_of_what_is_new_through_a_real_smtp_server(
    review_team: ReviewTeam, mail: tuple[Mailbox, Smtp]
) -> None:
    mailbox, smtp = mail
    world = FollowupWorld(with_notifications(review_team, smtp))
    file_cases(world)

    outcome = run(world.config, world.store, SmtpMailer(smtp), world.clock())

    assert (outcome.mails, outcome.failed) == (3, 0)  # rina, agus (digest), dewi
    [rina] = mailbox.to(EMAILS["rina"])
    assert rina.sender == SENDER
    assert "- 2 laporan baru menunggu tanggapan" in rina.text
    assert "- 1 pesan baru dari pelapor" in rina.text
    assert "- 1 new message(s) from reporters" in rina.text
    [dewi] = mailbox.to(EMAILS["dewi"])
    assert "- 1 laporan baru" in dewi.text
    assert "pesan" not in dewi.text.split("Buka")[0]  # no message in her channel
    [agus] = mailbox.to(EMAILS["agus"])  # 09:30 in Jakarta, after the digest hour (7)
    assert "Ringkasan harian" in agus.text
    assert mailbox.to(EMAILS["kpk-liaison"]) == []  # oversight: overdue deadlines only


def test_a_person_on_the_emergency_revocation_list_is_mailed_nothing(
    review_team: ReviewTeam, mail: tuple[Mailbox, Smtp]
) -> None:
    # review S1 (low): the scan mailed counts to a revoked person (ADR 0045)
    mailbox, smtp = mail
    world = FollowupWorld(with_notifications(review_team, smtp))
    file_cases(world)
    audit = AuditLog(world.store, world.clock, world.config.organisation.timezone)
    revocation.change(world.store, audit, "rina", revoke=True)

    outcome = run(world.config, world.store, SmtpMailer(smtp), world.clock())

    assert (outcome.mails, outcome.failed) == (2, 0)  # agus (digest) and dewi, not rina
    assert mailbox.to(EMAILS["rina"]) == []
    assert len(mailbox.to(EMAILS["dewi"])) == 1
    # restored, she is told what is still new for her
    revocation.change(world.store, audit, "rina", revoke=False)
    assert run(world.config, world.store, SmtpMailer(smtp), world.clock()).mails == 1
    [rina] = mailbox.to(EMAILS["rina"])
    assert "- 2 laporan baru menunggu tanggapan" in rina.text


def test_a_revocation_list_that_cannot_be_read_stops_the_scan_before_any_mail(
    review_team: ReviewTeam, mail: tuple[Mailbox, Smtp]
) -> None:
    mailbox, smtp = mail
    world = FollowupWorld(with_notifications(review_team, smtp))
    file_cases(world)
    world.store.put_new(revocation.KEY, b'{"revoked": "rina"}')  # not a list: fail closed
    with pytest.raises(revocation.RevocationListError):
        run(world.config, world.store, SmtpMailer(smtp), world.clock())
    assert mailbox.received == []


def test_what_was_told_is_not_told_again_and_what_is_new_is_told_once(
    review_team: ReviewTeam, mail: tuple[Mailbox, Smtp]
) -> None:
    mailbox, smtp = mail
    world = FollowupWorld(with_notifications(review_team, smtp))
    filed = file_cases(world)
    mailer = SmtpMailer(smtp)
    run(world.config, world.store, mailer, world.clock())
    before = len(mailbox.received)

    assert run(world.config, world.store, mailer, world.clock()).mails == 0
    assert len(mailbox.received) == before

    # The reporter writes again; rina has read the first message, agus has not.
    rina = world.client("rina")
    rina.mark_read(filed[0].case, 1)
    assert world.message(filed[0], world.say(filed[0], "Dan satu lagi.")).status == 200
    outcome = run(world.config, world.store, mailer, world.clock())
    assert outcome.mails == 1  # agus had today's digest already
    [_, second] = mailbox.to(EMAILS["rina"])
    assert "- 1 pesan baru dari pelapor" in second.text
    assert "laporan baru" not in second.text

    # The next morning agus's digest holds the message he was not told of yet.
    world.clock.advance(timedelta(days=1))
    run(world.config, world.store, mailer, world.clock())
    [_, digest] = mailbox.to(EMAILS["agus"])
    assert "- 1 pesan baru dari pelapor" in digest.text


def test_a_digest_waits_for_its_hour(review_team: ReviewTeam, mail: tuple[Mailbox, Smtp]) -> None:
    mailbox, smtp = mail
    world = FollowupWorld(with_notifications(review_team, smtp, digest_hour=10))
    file_cases(world)
    run(world.config, world.store, SmtpMailer(smtp), world.clock())  # 09:30 in Jakarta
    assert mailbox.to(EMAILS["agus"]) == []
    assert len(mailbox.to(EMAILS["rina"])) == 1
    world.clock.advance(timedelta(hours=1))
    run(world.config, world.store, SmtpMailer(smtp), world.clock())
    assert len(mailbox.to(EMAILS["agus"])) == 1


def test_deadlines_are_told_a_working_day_ahead_and_when_passed_to_oversight_too(
    review_team: ReviewTeam, mail: tuple[Mailbox, Smtp]
) -> None:
    mailbox, smtp = mail
    world = FollowupWorld(with_notifications(review_team, smtp, digest=set()))
    world.file()  # Monday 3 March 2025: acknowledge by Thursday 6 March (3 working days)
    mailer = SmtpMailer(smtp)
    run(world.config, world.store, mailer, world.clock())
    world.clock.advance(timedelta(days=2))  # Wednesday: due tomorrow
    run(world.config, world.store, mailer, world.clock())
    assert "- 1 tenggat jatuh hari ini" in mailbox.to(EMAILS["rina"])[-1].text
    world.clock.advance(timedelta(days=2))  # Friday: passed
    run(world.config, world.store, mailer, world.clock())
    assert "- 1 tenggat terlewat" in mailbox.to(EMAILS["rina"])[-1].text
    [oversight] = mailbox.to(EMAILS["kpk-liaison"])
    assert "- 1 tenggat terlewat" in oversight.text


def test_a_test_report_marked_uji_is_never_counted(
    review_team: ReviewTeam, mail: tuple[Mailbox, Smtp]
) -> None:
    mailbox, smtp = mail
    world = FollowupWorld(with_notifications(review_team, smtp))
    filed = world.file()
    world.client("rina").set_tag(filed.case, "uji")
    assert run(world.config, world.store, SmtpMailer(smtp), world.clock()).mails == 0
    assert mailbox.received == []


def test_a_refused_mail_fails_the_scan_and_is_sent_at_the_next_one(
    review_team: ReviewTeam, mail: tuple[Mailbox, Smtp]
) -> None:
    _, smtp = mail
    world = FollowupWorld(with_notifications(review_team, smtp))
    file_cases(world)
    closed = Smtp(host="127.0.0.1", port=smtp.port + 1 if smtp.port < 65535 else 1)
    with pytest.raises(NotifyError, match="could not be sent"):
        run(world.config, world.store, SmtpMailer(closed), world.clock())
    assert not [k for k in world.store.objects if k.startswith(PREFIX)]  # nothing marked told
    assert run(world.config, world.store, SmtpMailer(smtp), world.clock()).mails == 3


# -- what a mail may hold -----------------------------------------------------------------------


def forbidden(world: FollowupWorld, filed: list[Filed]) -> list[str]:
    """Everything the mails must not contain (docs/adr/0038)."""
    words = [
        "Pungutan liar di kantor kecamatan",  # the report's text (tests/support/followup.py)
        MESSAGE_TEXT,
        IDENTITY_NAME,
        "Siti",  # the default identity block's name
        "2025-03-03",  # the day received, as state.json has it
    ]
    for case in filed:
        words += [case.case, str(case.code), case.token, case.code.lookup_hash().hex()]
    words += [c.id for c in world.config.channels]
    words += [c.name.id for c in world.config.channels] + [c.name.en for c in world.config.channels]
    words += [p.id for p in world.config.people] + [p.name for p in world.config.people]
    return words


def assert_clean(raws: list[bytes], words: list[str]) -> None:
    import email
    import email.policy

    assert raws
    for raw in raws:
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        headers = "\n".join(f"{k}: {v}" for k, v in parsed.items())
        body = parsed.get_body(("plain",))
        assert body is not None
        readable = f"{headers}\n{body.get_content()}\n{raw.decode('utf-8', 'replace')}".lower()
        found = [w for w in words if w.lower() in readable]
        assert not found, found


def test_no_mail_holds_report_text_names_receipt_codes_case_channel_or_roster_ids(
    review_team: ReviewTeam, mail: tuple[Mailbox, Smtp]
) -> None:
    mailbox, smtp = mail
    world = FollowupWorld(with_notifications(review_team, smtp, digest=set()))
    filed = file_cases(world)
    with_identity = world.file("gratifikasi")  # an identity block for the custodians
    filed.append(with_identity)
    mailer = SmtpMailer(smtp)
    for _ in range(8):  # new cases, messages, due soon, overdue, a reminder a week later
        run(world.config, world.store, mailer, world.clock())
        world.clock.advance(timedelta(days=1))
    kinds = "\n".join(r.text for r in mailbox.received)
    for line in ("laporan baru", "pesan baru", "tenggat jatuh", "tenggat terlewat"):
        assert line in kinds  # every kind of mail was made, so every kind was searched
    assert_clean([r.raw for r in mailbox.received], forbidden(world, filed))


def test_the_searched_words_would_be_found_if_a_mail_held_them(
    review_team: ReviewTeam, mail: tuple[Mailbox, Smtp]
) -> None:
    """The control of the test above: a mail that does hold a case id is caught."""
    mailbox, smtp = mail
    world = FollowupWorld(with_notifications(review_team, smtp))
    filed = file_cases(world)
    run(world.config, world.store, SmtpMailer(smtp), world.clock())
    leaked = mailbox.received[0].raw.replace(b"Buka konsol", filed[1].case.encode())
    with pytest.raises(AssertionError, match=filed[1].case):
        assert_clean([leaked], forbidden(world, filed))


# -- AWS: SES from the scheduled function -----------------------------------------------------


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in list(os.environ):
        if name.startswith(("AWS_", "POWERTOOLS_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    with mock_aws():
        yield


def sent_by_ses() -> list[Any]:
    return list(ses_backends[MOTO_ACCOUNT][REGION].sent_messages)


def test_the_scheduled_function_mails_through_ses_from_the_verified_sender(
    review_team: ReviewTeam, aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import functions.notify

    team = with_notifications(review_team, digest=set())
    create_buckets(make_s3_client(REGION), "peluit-cases", "peluit-cases-staging")
    world = S3World(team, "peluit-cases", "peluit-cases-staging")
    filed = file_cases(world)
    monkeypatch.setenv("PELUIT_BUCKET", "peluit-cases")
    monkeypatch.setenv("PELUIT_STAGING_BUCKET", "peluit-cases-staging")
    monkeypatch.setattr(functions.notify, "packaged_config", lambda: team.config)
    monkeypatch.setattr(functions.notify, "utc_now", world.clock)

    # Before the operator verified the sender in SES, SES refuses: the tick fails (the error
    # alarm sees it) and nothing is marked told.
    with pytest.raises(NotifyError):
        functions.notify.handler({"source": "aws.events"}, None)
    inspector = S3Store(make_s3_client(REGION), "peluit-cases", "peluit-cases-staging")
    assert list(inspector.list_keys(PREFIX)) == []

    boto3.client("sesv2", region_name=REGION).create_email_identity(EmailIdentity=SENDER)
    assert functions.notify.handler({"source": "aws.events"}, None) == {"mails": 3, "events": 7}
    sent = sent_by_ses()
    assert len(sent) == 3
    assert {a for m in sent for a in m.destinations} == {
        EMAILS[p] for p in ("rina", "agus", "dewi")
    }
    assert {m.source for m in sent} == {SENDER}
    # The ledger lives in the staging bucket (no Object Lock), not among the cases.
    assert list(inspector.list_keys(PREFIX))
    assert all(
        k.startswith(("notify/sent/", "notify/digest/")) for k in inspector.list_keys(PREFIX)
    )
    assert_clean([m.raw_data.encode() for m in sent], forbidden(world, filed))
    assert functions.notify.handler({}, None) == {"mails": 0, "events": 0}


def test_the_example_configurations_notification_block_is_valid_once_uncommented() -> None:
    text = example_text()
    start, end = text.index("# [notifications]"), text.index("# KPK MCP focus")
    block = "\n".join(line.removeprefix("# ") for line in text[start:end].splitlines())
    config = parse_config(f"{text}\n{block}", "example")
    assert config.notifications is not None
    assert {r.person for r in config.notifications.recipients} <= {p.id for p in config.people}
    assert config.notifications.smtp.password_env == "PELUIT_SMTP_PASSWORD"  # noqa: S105
