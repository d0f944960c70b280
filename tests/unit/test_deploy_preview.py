"""The dry run's pieces that need no AWS: the template read as CloudFormation reads it, the
resources a new stack would get, the preview change set always deleted, one-line AWS errors.
(tests/functional/test_deploy_aws.py runs the dry run against moto.)"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import (  # type: ignore[import-untyped]
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
    UnauthorizedSSOTokenError,
)

from peluit.deploy import stack
from peluit.deploy.aws import failure_message
from peluit.deploy.errors import DeployError
from peluit.deploy.preview import (
    TEMPLATE_BODY_LIMIT,
    delete_preview,
    load_template,
    planned_creation,
    preview_template,
    template_body,
    without_stripped_metadata,
)
from peluit.deploy.source import find_source
from tests.support.template import load_template as cfn_lint_template

pytestmark = pytest.mark.unit


def test_the_template_reads_as_cfn_lint_reads_it() -> None:
    """cfn-lint's loader is the reference for the short forms (!Ref, !Sub, !GetAtt, !If …)."""
    ours = load_template(find_source().template.read_text(encoding="utf-8"))
    assert ours == cfn_lint_template()


def test_the_inline_template_is_compact_json_within_cloudformations_limit() -> None:
    template = find_source().template
    body = template_body(template)
    assert json.loads(body) == preview_template(cfn_lint_template())
    assert len(body.encode()) <= TEMPLATE_BODY_LIMIT
    assert len(body.encode()) < len(template.read_bytes())  # the comments are gone


def test_the_inline_template_drops_only_what_cloudformation_never_acts_on() -> None:
    """Descriptions and Metadata go (the template outgrew the inline limit, issue 14); every
    resource's Type, Condition, DependsOn, policies and Properties stay exactly as written."""
    full = cfn_lint_template()
    sent = json.loads(template_body(find_source().template))
    assert "Description" not in sent
    assert "Outputs" not in sent  # never in a change set's list (issue 14 part 5)
    assert "Rules" not in sent  # the real deploy checks them
    assert full["Outputs"]
    assert full["Rules"]
    assert not [n for n, r in sent["Resources"].items() if "Metadata" in r]
    assert [n for n, r in full["Resources"].items() if "Metadata" in r]  # there was some
    assert sent["Resources"].keys() == full["Resources"].keys()
    for name, resource in full["Resources"].items():
        kept = {k: v for k, v in resource.items() if k != "Metadata"}
        assert sent["Resources"][name] == kept, name
    assert sent["Conditions"] == full["Conditions"]
    for name, spec in full["Parameters"].items():
        assert sent["Parameters"][name] == {k: v for k, v in spec.items() if k != "Description"}


def test_a_template_too_big_to_send_inline_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text(
        "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n"
        f"    Properties:\n      TopicName: {'x' * TEMPLATE_BODY_LIMIT}\n",
        encoding="utf-8",
    )
    with pytest.raises(DeployError, match="inline limit"):
        template_body(big)


def test_dates_and_getatt_short_forms_are_read_as_cloudformation_does() -> None:
    template = load_template(
        "AWSTemplateFormatVersion: 2010-09-09\nResources:\n  A:\n    Type: T\n"
        "    Properties:\n      Arn: !GetAtt B.Arn\n      List: !GetAtt [B, Arn]\n"
        "      Name: !Sub '${AWS::StackName}-a'\n"
    )
    assert template["AWSTemplateFormatVersion"] == "2010-09-09"
    props = template["Resources"]["A"]["Properties"]
    assert props["Arn"] == props["List"] == {"Fn::GetAtt": ["B", "Arn"]}
    assert props["Name"] == {"Fn::Sub": "${AWS::StackName}-a"}


CONDITIONAL = {
    "Parameters": {"Domain": {"Default": ""}, "Reserved": {"Default": 10}},
    "Conditions": {
        "HasDomain": {"Fn::Not": [{"Fn::Equals": [{"Ref": "Domain"}, ""]}]},
        "Reserve": {"Fn::Not": [{"Fn::Equals": [{"Ref": "Reserved"}, 0]}]},
        "Both": {"Fn::And": [{"Condition": "HasDomain"}, {"Condition": "Reserve"}]},
        "InUsEast": {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]},
    },
    "Resources": {
        "Always": {"Type": "AWS::S3::Bucket"},
        "Certificate": {"Type": "AWS::CertificateManager::Certificate", "Condition": "HasDomain"},
        "Concurrency": {"Type": "Custom::X", "Condition": "Reserve"},
        "Both": {"Type": "Custom::Y", "Condition": "Both"},
        "Regional": {"Type": "Custom::Z", "Condition": "InUsEast"},
    },
}


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({}, ["Always", "Concurrency", "Regional"]),
        (
            {"Domain": "wbs.example.go.id"},
            ["Always", "Certificate", "Concurrency", "Both", "Regional"],
        ),
        ({"Reserved": "0"}, ["Always", "Regional"]),  # compared as strings, as CloudFormation
    ],
)
def test_a_new_stack_lists_the_resources_its_conditions_allow(
    values: dict[str, str], expected: list[str]
) -> None:
    planned = planned_creation(CONDITIONAL, "peluit", values)
    assert planned.kind == "CREATE"
    listed = [c.logical_id for c in planned.changes]
    assert listed == expected
    actions = {c.logical_id: c.action for c in planned.changes}
    assert actions["Regional"] == "Add if InUsEast"  # depends on the region: not guessed
    assert all(a == "Add" for k, a in actions.items() if k != "Regional")


class ChangeSets:
    """A CloudFormation client whose delete_change_set answers from a script."""

    def __init__(self, *answers: Exception | None) -> None:
        self.answers = list(answers)
        self.calls = 0

    def delete_change_set(self, **kwargs: Any) -> None:
        self.calls += 1
        answer = self.answers.pop(0)
        if answer is not None:
            raise answer


def client_error(code: str, message: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "DeleteChangeSet")


def test_deleting_the_preview_is_retried_until_it_succeeds() -> None:
    cfn = ChangeSets(client_error("Throttling", "Rate exceeded"), None)
    delete_preview(cfn, "peluit", "peluit-dry-run-x", pause=0)
    assert cfn.calls == 2


def test_a_preview_already_gone_is_fine() -> None:
    cfn = ChangeSets(client_error("ChangeSetNotFound", "ChangeSet [x] does not exist"))
    delete_preview(cfn, "peluit", "peluit-dry-run-x", pause=0)
    assert cfn.calls == 1


def test_a_preview_that_cannot_be_deleted_is_named_with_the_command_that_deletes_it() -> None:
    cfn = ChangeSets(*[client_error("AccessDenied", "no")] * 4)
    with pytest.raises(DeployError) as raised:
        delete_preview(cfn, "peluit", "peluit-dry-run-x", pause=0)
    assert cfn.calls == 4
    assert (
        "aws cloudformation delete-change-set --stack-name peluit "
        "--change-set-name peluit-dry-run-x" in str(raised.value)
    )


@pytest.mark.parametrize(
    ("error", "start"),
    [
        (NoCredentialsError(), "kredensial AWS tidak ditemukan / no AWS credentials found"),
        (
            EndpointConnectionError(endpoint_url="https://sts.ap-southeast-3.amazonaws.com"),
            "tidak dapat menghubungi AWS / cannot reach AWS: check the network",
        ),
        (
            ReadTimeoutError(endpoint_url="https://sts.ap-southeast-3.amazonaws.com"),
            "tidak dapat menghubungi AWS / cannot reach AWS",
        ),
        (
            UnauthorizedSSOTokenError(),
            "sesi SSO AWS berakhir / the AWS SSO session has ended: run `aws sso login",
        ),
        (
            ClientError(
                {"Error": {"Code": "ExpiredToken", "Message": "The security token\nexpired"}},
                "GetCallerIdentity",
            ),
            "AWS menolak kredensial ini / AWS refused these credentials (ExpiredToken: The "
            "security token expired); check --profile and that ap-southeast-3 is enabled",
        ),
    ],
)
def test_aws_failures_are_one_line_in_indonesian_and_english(error: Exception, start: str) -> None:
    message = failure_message(error, "ap-southeast-3")
    assert message.startswith(start)
    assert "\n" not in message


class _DeployedTemplate:
    """The one call `without_stripped_metadata` makes: the deployed template, or a failure."""

    def __init__(self, body: str | None) -> None:
        self.body = body

    def get_template(self, **_: object) -> dict[str, object]:
        if self.body is None:
            raise DeployError("stand-in for an AWS error")
        return {"TemplateBody": self.body}


def test_a_preview_drops_the_changes_its_own_missing_metadata_makes() -> None:
    """The inline body leaves the resources' Metadata out; CloudFormation then reports a Modify
    whose scope is only Metadata for each resource that had some: not a change the deploy makes.
    moto names no scope: there, a resource whose deployed definition is what was sent, Metadata
    aside, is such a change; one whose definition changed is kept, and so is everything when the
    deployed template cannot be read."""
    deployed = (
        "Resources:\n"
        "  Bucket:\n    Type: AWS::S3::Bucket\n    Metadata: {checkov: {skip: []}}\n"
        "    Properties: {BucketName: b}\n"
        "  Function:\n    Type: AWS::Lambda::Function\n    Metadata: {checkov: {skip: []}}\n"
        "    Properties: {Timeout: 29}\n"
    )
    sent = {
        "Resources": {
            "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "b"}},
            "Function": {"Type": "AWS::Lambda::Function", "Properties": {"Timeout": 28}},
            "Key": {"Type": "AWS::KMS::Key", "Properties": {}},
        }
    }
    scoped = stack.ChangeSet(
        "peluit", "dry", "UPDATE",
        (
            stack.Change("Modify", "Bucket", "AWS::S3::Bucket", "False", ("Metadata",)),
            stack.Change("Modify", "Function", "AWS::Lambda::Function", "False",
                         ("Properties", "Metadata")),
            stack.Change("Modify", "Key", "AWS::KMS::Key", "False", ("Tags",)),
        ),
    )  # fmt: skip
    kept = without_stripped_metadata(_DeployedTemplate(None), "peluit", scoped, sent)
    assert [c.logical_id for c in kept.changes] == ["Function", "Key"]

    unscoped = stack.ChangeSet(
        "peluit", "dry", "UPDATE",
        tuple(stack.Change("Modify", n, t, "") for n, t in
              (("Bucket", "AWS::S3::Bucket"), ("Function", "AWS::Lambda::Function"),
               ("Key", "AWS::KMS::Key"))),
    )  # fmt: skip
    kept = without_stripped_metadata(_DeployedTemplate(deployed), "peluit", unscoped, sent)
    assert [c.logical_id for c in kept.changes] == ["Function", "Key"]
    unread = without_stripped_metadata(_DeployedTemplate(None), "peluit", unscoped, sent)
    assert unread == unscoped
