"""The template's notification function, alarms and the budget stack keep what they promise
(docs/adr/0038, docs/operator-guide.md): the scan's role reads workflow metadata and its own
markers only and mails only from the configured sender; alarms and budget reach the operator
through SNS; nothing in them carries a request, an IP or content."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cfnlint.api import ManualArgs, lint  # type: ignore[import-untyped]
from cfnlint.decode import decode_str  # type: ignore[import-untyped]

from peluit.deploy.deploy import MANAGED
from peluit.notify.ledger import MARKER_DAYS, PREFIX
from peluit.notify.plan import NEW_CASE_DAYS
from tests.support.template import (
    TEMPLATE,
    allowed,
    as_list,
    iam_match,
    load_template,
    object_patterns,
    properties,
    resource,
    resources_of_type,
    statements,
    text,
)

pytestmark = pytest.mark.unit

BUDGET = Path(TEMPLATE).with_name("budget.yaml")
NOTIFY_RESOURCES = ("NotifyLogGroup", "NotifyFunction", "NotifyTick", "NotifyTickPermission")
ALARMS = {
    "FunctionErrorsAlarm": ("AWS/Lambda", "Errors"),
    "FunctionThrottlesAlarm": ("AWS/Lambda", "Throttles"),
    "Api5xxAlarm": ("AWS/ApiGateway", "5xx"),
}


@pytest.fixture
def template() -> dict[str, Any]:
    return load_template()


def test_the_scan_reads_only_state_and_read_markers_of_the_cases(
    template: dict[str, Any],
) -> None:
    role = resource(template, "NotifyFunctionRole")
    reads = object_patterns(role, "s3:GetObject")
    # and the emergency revocation list: a revoked person is mailed nothing (ADR 0045)
    assert sorted(reads) == sorted(
        ["cases/*/state.json", "reads/*", "notify/*", "access/revoked.json"]
    )
    for key in (
        "cases/0123456789abcdef/report.age",
        "cases/0123456789abcdef/identity.age",
        "cases/0123456789abcdef/thread/00001-pelapor.age",
        "lookup/ab.json",
        "cases/0123456789abcdef/reply.json",
        "audit/00000001.json",
    ):
        assert not any(iam_match(p, key) for p in reads), key
    # It writes only its own markers, which the S3 adapter routes to the staging bucket.
    assert object_patterns(role, "s3:PutObject") == [f"{PREFIX}*"]


def test_the_scan_mails_only_from_the_configured_sender(template: dict[str, Any]) -> None:
    role = resource(template, "NotifyFunctionRole")
    (mail,) = [s for s in statements(role) if "ses:SendEmail" in s["Action"]]
    assert mail["Condition"] == {"StringEquals": {"ses:FromAddress": {"Ref": "NotifySender"}}}
    assert text(mail["Resource"]).endswith(":identity/*")
    actions = {a for s in statements(role) for a in as_list(s["Action"])}
    assert actions == {
        "s3:GetObject", "s3:PutObject", "s3:ListBucket", "kms:GenerateDataKey", "kms:Decrypt",
        "ses:SendEmail", "ses:SendRawEmail", "logs:CreateLogStream", "logs:PutLogEvents",
    }  # fmt: skip
    assert allowed(role, "logs:PutLogEvents") == [
        "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/${Prefix}-notify:*"
    ]


def test_the_scan_exists_only_with_a_sender_which_deploy_takes_from_the_configuration(
    template: dict[str, Any],
) -> None:
    assert template["Conditions"]["HasNotify"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "NotifySender"}, ""]}]
    }
    for logical_id in NOTIFY_RESOURCES:
        assert resource(template, logical_id)["Condition"] == "HasNotify", logical_id
    assert "NotifySender" in MANAGED  # never an operator's --parameter: one source, the config


def test_the_scan_runs_on_a_schedule_with_logs_at_warn_and_a_log_group_with_retention(
    template: dict[str, Any],
) -> None:
    function = properties(template, "NotifyFunction")
    assert function["Handler"] == "functions.notify.handler"
    assert (function["Runtime"], function["Architectures"]) == ("python3.13", ["arm64"])
    assert function["Role"] == {"Fn::GetAtt": ["NotifyFunctionRole", "Arn"]}
    assert function["LoggingConfig"]["ApplicationLogLevel"] == "WARN"
    assert function["LoggingConfig"]["SystemLogLevel"] == "WARN"
    assert function["Environment"]["Variables"]["PELUIT_STAGING_BUCKET"] == {"Ref": "StagingBucket"}
    log_group = properties(template, "NotifyLogGroup")
    assert text(log_group["LogGroupName"]) == "/aws/lambda/${Prefix}-notify"
    assert log_group["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    tick = properties(template, "NotifyTick")
    assert tick["ScheduleExpression"] == {"Ref": "NotifySchedule"}
    assert tick["Targets"][0]["Arn"] == {"Fn::GetAtt": ["NotifyFunction", "Arn"]}
    assert template["Parameters"]["NotifySchedule"]["Default"] == "rate(1 hour)"
    permission = properties(template, "NotifyTickPermission")
    assert permission["Principal"] == "events.amazonaws.com"
    assert permission["SourceArn"] == {"Fn::GetAtt": ["NotifyTick", "Arn"]}


def test_the_ledger_expires_after_it_stops_mattering(template: dict[str, Any]) -> None:
    rules = properties(template, "StagingBucket")["LifecycleConfiguration"]["Rules"]
    (rule,) = [r for r in rules if r.get("Prefix") == PREFIX]
    assert rule["ExpirationInDays"] == MARKER_DAYS
    assert MARKER_DAYS > NEW_CASE_DAYS  # a new case's marker outlives its being new


@pytest.mark.parametrize("alarm", sorted(ALARMS))
def test_each_alarm_mails_the_operator_through_the_sns_topic(
    template: dict[str, Any], alarm: str
) -> None:
    props = properties(template, alarm)
    assert resource(template, alarm)["Condition"] == "HasOperator"
    assert (props["Namespace"], props["MetricName"]) == ALARMS[alarm]
    assert props["AlarmActions"] == [{"Ref": "AlarmTopic"}]
    assert props["Threshold"] == 1
    assert props["TreatMissingData"] == "notBreaching"


def test_the_alarm_topic_subscribes_the_operators_address(template: dict[str, Any]) -> None:
    topic = properties(template, "AlarmTopic")
    assert topic["Subscription"] == [{"Protocol": "email", "Endpoint": {"Ref": "OperatorEmail"}}]
    assert template["Conditions"]["HasOperator"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "OperatorEmail"}, ""]}]
    }
    assert set(resources_of_type(template, "AWS::CloudWatch::Alarm")) == set(ALARMS)


def test_no_metric_is_made_from_log_content(template: dict[str, Any]) -> None:
    """Alarms use AWS's own counts; a metric filter or subscription on a log group would read
    log lines (which hold no request data, but a filter is how content would start leaking)."""
    kinds = {r["Type"] for r in template["Resources"].values()}
    assert not kinds & {"AWS::Logs::MetricFilter", "AWS::Logs::SubscriptionFilter"}
    api_alarm = properties(template, "Api5xxAlarm")
    assert api_alarm["Dimensions"] == [{"Name": "ApiId", "Value": {"Ref": "HttpApi"}}]


# -- the budget: its own small stack in us-east-1 ---------------------------------------------


def budget() -> dict[str, Any]:
    decoded, problems = decode_str(BUDGET.read_text(encoding="utf-8"))
    assert not problems
    return dict(decoded)


def test_cfn_lint_finds_nothing_in_the_budget_stack_for_us_east_1() -> None:
    matches = lint(BUDGET.read_text(encoding="utf-8"), config=ManualArgs(regions=["us-east-1"]))
    assert [str(m) for m in matches] == []


def test_the_budget_cannot_live_in_the_jakarta_stack() -> None:
    """Why infra/budget.yaml exists: cfn-lint (AWS's resource specification) has no
    AWS::Budgets::Budget in ap-southeast-3. When it has, the budget can move into peluit.yaml."""
    matches = lint(
        BUDGET.read_text(encoding="utf-8"), config=ManualArgs(regions=["ap-southeast-3"])
    )
    assert any("AWS::Budgets::Budget" in str(m) and "E3006" in str(m) for m in matches)


def test_the_budget_warns_the_operator_at_80_percent_spent_and_100_percent_forecast() -> None:
    resources = budget()["Resources"]
    props = resources["Budget"]["Properties"]
    assert props["Budget"]["BudgetLimit"] == {"Amount": {"Ref": "MonthlyBudgetUsd"}, "Unit": "USD"}
    assert props["Budget"]["TimeUnit"] == "MONTHLY"
    warnings = {
        (n["Notification"]["NotificationType"], n["Notification"]["Threshold"])
        for n in props["NotificationsWithSubscribers"]
    }
    assert warnings == {("ACTUAL", 80), ("FORECASTED", 100)}
    for n in props["NotificationsWithSubscribers"]:
        assert n["Subscribers"] == [{"SubscriptionType": "SNS", "Address": {"Ref": "BudgetTopic"}}]
    topic = resources["BudgetTopic"]["Properties"]
    assert topic["Subscription"] == [{"Protocol": "email", "Endpoint": {"Ref": "OperatorEmail"}}]
    (publish,) = resources["BudgetTopicPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert publish["Principal"] == {"Service": "budgets.amazonaws.com"}
    assert publish["Condition"] == {
        "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    }
