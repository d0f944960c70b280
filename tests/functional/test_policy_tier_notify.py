"""The policy tier for the notification scan: would AWS allow what it does, and refuse it a
report, a write among the cases, or mail from another address?

moto accepts every call whatever the template says (docs/testing.md). Here a whole scan runs
against moto S3 with its S3 client recorded (tests/support/s3calls.py) after a reporter filed
cases and wrote, and every recorded call (with the KMS use S3 makes for it) is evaluated against
the rendered role and bucket policies by the offline simulator, like tests/functional/
test_policy_tier.py does for the public and reviewer functions; SES sends are judged the same
way with the condition key SES sets (ses:FromAddress)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import boto3  # type: ignore[import-untyped]
import pytest
from moto import mock_aws

from peluit.notify.service import run
from peluit.notify.ses import SesMailer
from peluit.store.s3 import S3Store, make_s3_client
from tests.support import policies
from tests.support.mailbox import SENDER, with_notifications
from tests.support.policies import CASE_BUCKET, PARTITION, STAGING_BUCKET, Decision, IamRequest
from tests.support.review import make_review_team
from tests.support.s3calls import S3Call, S3CallRecorder, iam_requests, s3_context
from tests.support.s3world import S3World, create_buckets

pytestmark = [pytest.mark.functional, pytest.mark.policy]

CASE = "cases/8f3a2b1c4d5e6f70"
IDENTITY_ARN = (
    f"arn:{PARTITION}:ses:{policies.REGION}:{policies.ACCOUNT}:identity/batanghari.example"
)


@pytest.fixture(scope="module")
def recorded() -> Iterator[tuple[policies.Rendered, list[S3Call], int]]:
    with pytest.MonkeyPatch.context() as env:
        for name in list(os.environ):
            if name.startswith(("AWS_", "POWERTOOLS_")):
                env.delenv(name)
        env.setenv("AWS_ACCESS_KEY_ID", "testing")
        env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        env.setenv("AWS_CONFIG_FILE", os.devnull)
        env.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
        with mock_aws():
            rendered = policies.render(parameters={"NotifySender": SENDER})
            create_buckets(make_s3_client(policies.REGION), CASE_BUCKET, STAGING_BUCKET)
            team = with_notifications(make_review_team(), digest=set())
            world = S3World(team, CASE_BUCKET, STAGING_BUCKET)
            filed = [world.file(), world.file("gratifikasi")]
            assert world.message(filed[0], world.say(filed[0], "Ada lagi.")).status == 200
            world.client("rina").mark_read(filed[0].case, 1)
            ses = boto3.client("sesv2", region_name=policies.REGION)
            ses.create_email_identity(EmailIdentity=SENDER)
            recorder = S3CallRecorder()
            client = make_s3_client(policies.REGION)
            recorder.attach(client, "notify")
            store = S3Store(client, CASE_BUCKET, STAGING_BUCKET)
            outcome = run(team.config, store, SesMailer(ses), world.clock())
            assert outcome.mails == 3
            yield rendered, list(recorder.calls), outcome.mails


def test_every_call_the_scan_makes_is_allowed(
    recorded: tuple[policies.Rendered, list[S3Call], int],
) -> None:
    rendered, calls, _ = recorded
    decisions = policies.evaluate(rendered, iam_requests(rendered, calls))
    refused = [d.describe() for d in decisions if d.decision != "Allowed"]
    assert not refused, "\n".join(refused[:40])
    seen = {(c.operation, c.bucket) for c in calls}
    assert {
        ("ListObjectsV2", CASE_BUCKET),  # the index and the threads
        ("GetObject", CASE_BUCKET),  # state.json, read markers
        ("HeadObject", STAGING_BUCKET),  # has this been told?
        ("PutObject", STAGING_BUCKET),  # ... now it has
    } <= seen, seen
    assert any(c.missing and c.bucket == STAGING_BUCKET for c in calls)  # 404, not 403
    # among the cases it reads only what it listed: there it may not list the whole bucket
    assert not [c for c in calls if c.missing and c.bucket == CASE_BUCKET]
    listed = {c.prefix for c in calls if c.operation == "ListObjectsV2" and c.bucket == CASE_BUCKET}
    assert "access/revoked.json" in listed  # the emergency revocation list (ADR 0045)
    assert not [p for p in listed if p is None or p.startswith("lookup")]
    assert not [c for c in calls if c.key and c.key.endswith((".age", "reply.json"))]


def ses_request(label: str, sender: str) -> IamRequest:
    context: dict[str, str | list[str]] = {
        "ses:FromAddress": sender,
        "aws:SecureTransport": "true",
    }
    return IamRequest(label, "notify", "ses:SendEmail", IDENTITY_ARN, context)


def s3_request(label: str, action: str, bucket: str, key: str) -> IamRequest:
    call = S3Call("notify", action, False, bucket, key, None, None, {}, True)
    resource = f"arn:{PARTITION}:s3:::{bucket}/{key}"
    return IamRequest(f"notify: {label}", "notify", action, resource, s3_context(call))


def decide(requests: list[IamRequest]) -> list[Decision]:
    return policies.evaluate(policies.render(parameters={"NotifySender": SENDER}), requests)


def test_the_scan_may_mail_from_the_configured_sender_only() -> None:
    allowed, other = decide(
        [
            ses_request("from the sender", SENDER),
            ses_request("from another", "x@batanghari.example"),
        ]
    )
    assert allowed.decision == "Allowed", allowed.describe()
    assert other.decision != "Allowed", other.describe()
    # Without a sender (no [notifications]) the role may send nothing at all.
    (none,) = policies.evaluate(policies.render(), [ses_request("no sender set", SENDER)])
    assert none.decision != "Allowed", none.describe()


def list_request(label: str, prefix: str | None) -> IamRequest:
    call = S3Call("notify", "ListObjectsV2", False, CASE_BUCKET, None, None, prefix, {}, True)
    resource = f"arn:{PARTITION}:s3:::{CASE_BUCKET}"
    return IamRequest(f"notify: {label}", "notify", "s3:ListBucket", resource, s3_context(call))


def test_the_scan_may_list_among_the_cases_only_what_it_needs() -> None:
    # review S1 (low): listing lookup/ shows the receipt-code lookup entries' names
    allowed = decide(
        [
            list_request("the index", "index/cases/pengaduan/"),
            list_request("a thread", f"{CASE}/thread/"),
            list_request("a case's read markers", "reads/8f3a2b1c4d5e6f70/"),
            list_request("the revocation list", "access/revoked.json"),
        ]
    )
    assert [d.decision for d in allowed] == ["Allowed"] * 4, [d.describe() for d in allowed]
    refused = decide(
        [
            list_request("lookup/", "lookup/"),
            list_request("lookup/ by its first letters", "lookup/ab"),
            list_request("the whole bucket", None),
            list_request("the whole bucket (empty prefix)", ""),
            list_request("a case's files", f"{CASE}/"),
            list_request("the audit log", "audit/"),
        ]
    )
    assert not [d.describe() for d in refused if d.decision == "Allowed"]


@pytest.mark.parametrize(
    ("action", "bucket", "key"),
    [
        ("s3:GetObject", CASE_BUCKET, f"{CASE}/report.age"),
        ("s3:GetObject", CASE_BUCKET, f"{CASE}/identity.age"),
        ("s3:GetObject", CASE_BUCKET, f"{CASE}/thread/00001-pelapor.age"),
        ("s3:GetObject", CASE_BUCKET, f"{CASE}/reply.json"),
        ("s3:GetObject", CASE_BUCKET, "lookup/" + "ab" * 32 + ".json"),
        ("s3:PutObject", CASE_BUCKET, f"{CASE}/state.json"),
        ("s3:PutObject", CASE_BUCKET, "notify/sent/" + "ab" * 32),  # not among the cases
        ("s3:PutObject", STAGING_BUCKET, "nonces/" + "ab" * 32),
        ("s3:DeleteObject", STAGING_BUCKET, "notify/sent/" + "ab" * 32),
        ("s3:DeleteObject", CASE_BUCKET, f"{CASE}/state.json"),
    ],
)
def test_the_scan_is_refused_reports_writes_among_the_cases_and_deletes(
    action: str, bucket: str, key: str
) -> None:
    (decision,) = decide([s3_request(f"{action} {key}", action, bucket, key)])
    assert decision.decision != "Allowed", decision.describe()
    if action == "s3:DeleteObject":  # the bucket policies deny it whatever the role is granted
        assert decision.decision == "ExplicitlyDenied", decision.describe()
