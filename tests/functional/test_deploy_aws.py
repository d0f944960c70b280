"""`peluit deploy` and `peluit destroy` end to end against moto (no AWS account, no network).

What moto cannot show is listed in `tests/support/deploying.py`; the template's own properties
are checked in `tests/unit/test_infra_template.py`.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import socket
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped]
import pytest
from botocore.exceptions import EndpointConnectionError  # type: ignore[import-untyped]
from moto import mock_aws
from moto.kms.models import kms_backends

from peluit.cli.main import main
from peluit.config import load_config
from peluit.deploy.aws import AwsClients, make_clients
from peluit.deploy.deploy import DeployOptions, DeployResult, DeployTools, deploy
from peluit.deploy.destroy import DestroyOptions, destroy
from peluit.deploy.errors import DeployError
from peluit.deploy.package import Pin
from peluit.deploy.preview import TEMPLATE_BODY_LIMIT, load_template
from peluit.deploy.stack import Waiting, stack_status
from peluit.retention.policy import lock_days
from tests.support.deploying import (
    CASE_BUCKET,
    MOTO_ORIGIN,
    REGION,
    SITE,
    SITE_URL,
    FakeWheels,
    ScriptedConsole,
    fake_site,
    for_moto,
    moto_template,
    write_config,
)

pytestmark = [
    pytest.mark.functional,
    pytest.mark.filterwarnings("ignore:Tried to parse AWS::"),  # moto: unsupported resources
]

STACK = "peluit-test"
FAST = Waiting(poll_seconds=0.01, timeout_seconds=30)


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[AwsClients]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        yield for_moto(make_clients(REGION))


@dataclass
class Rig:
    clients: AwsClients
    console: ScriptedConsole
    tools: DeployTools
    config: Path

    def deploy(
        self, *, yes: bool = False, dry_run: bool = False, parameters: dict[str, str] | None = None
    ) -> DeployResult:
        options = DeployOptions(self.config, STACK, yes, dry_run, parameters or {})
        return deploy(options, self.tools)


@pytest.fixture
def rig(aws: AwsClients, tmp_path: Path) -> Rig:
    console = ScriptedConsole()
    tools = DeployTools(
        clients=aws,
        console=console,
        source=moto_template(tmp_path),
        wheels=FakeWheels(tmp_path / "wheels"),
        build_site=fake_site,
        waiting=FAST,
    )
    return Rig(aws, console, tools, write_config(tmp_path))


def artifact_bucket(clients: AwsClients) -> str:
    account = clients.sts.get_caller_identity()["Account"]
    return f"peluit-artifacts-{account}-{REGION}"


def test_deploy_creates_and_executes_a_change_set(rig: Rig) -> None:
    result = rig.deploy(yes=True)
    assert result.executed
    assert result.change_set.kind == "CREATE"
    added = {c.logical_id for c in result.change_set.changes if c.action == "Add"}
    assert {"CaseKey", "CaseBucket", "PublicFunction", "ReviewerFunction", "HttpApi"} <= added
    assert {"Distribution", "SecurityHeadersPolicy", "PublicFunctionRole"} <= added
    assert stack_status(rig.clients.cloudformation, STACK) == "CREATE_COMPLETE"
    assert "ACTION" in rig.console.transcript  # the table was shown
    assert rig.console.asked == []  # --yes


def test_deploy_passes_the_configuration_to_the_stack(rig: Rig) -> None:
    rig.deploy(yes=True)
    stack = rig.clients.cloudformation.describe_stacks(StackName=STACK)["Stacks"][0]
    parameters = {p["ParameterKey"]: p["ParameterValue"] for p in stack["Parameters"]}
    assert parameters["Prefix"] == STACK
    assert parameters["CaseBucketName"] == CASE_BUCKET
    assert parameters["OrgName"] == "Pemerintah Kabupaten Batanghari"
    assert parameters["ArtifactBucket"] == artifact_bucket(rig.clients)
    assert parameters["ArtifactKey"].startswith("lambda/")
    assert parameters["SitePages"] == "/|/404.html|/en/"  # the fake site's pages, for the edge
    assert parameters["PowBits"] == str(load_config(rig.config).limits.pow_bits)  # as the API asks
    # locked for the shortest channel's retention_days (ADR 0046)
    assert parameters["ObjectLockRetentionDays"] == str(lock_days(load_config(rig.config)))
    rig.clients.s3.head_bucket(Bucket=CASE_BUCKET)


def test_functions_get_the_package_runtime_and_bucket(rig: Rig) -> None:
    rig.deploy(yes=True)
    lambda_ = boto3.client("lambda", region_name=REGION)
    function = lambda_.get_function(FunctionName=f"{STACK}-public")["Configuration"]
    assert function["Runtime"] == "python3.13"
    # (moto's CloudFormation ignores Architectures; arm64 is checked in the template test)
    assert function["Handler"] == "functions.public.handler"
    assert function["Environment"]["Variables"]["PELUIT_BUCKET"] == CASE_BUCKET
    staging = function["Environment"]["Variables"]["PELUIT_STAGING_BUCKET"]
    assert staging == f"{CASE_BUCKET}-staging"  # store.staging_bucket's default
    rig.clients.s3.head_bucket(Bucket=staging)
    reviewer = lambda_.get_function(FunctionName=f"{STACK}-reviewer")["Configuration"]
    assert reviewer["Handler"] == "functions.reviewer.handler"
    assert reviewer["Environment"]["Variables"]["PELUIT_REVIEW_ORIGIN"] == MOTO_ORIGIN


def test_the_functions_zip_and_template_land_in_a_private_artifacts_bucket(rig: Rig) -> None:
    result = rig.deploy(yes=True)
    s3 = rig.clients.s3
    bucket = artifact_bucket(rig.clients)
    key = dict(
        (p["ParameterKey"], p["ParameterValue"])
        for p in rig.clients.cloudformation.describe_stacks(StackName=STACK)["Stacks"][0][
            "Parameters"
        ]
    )["ArtifactKey"]
    archive = zipfile.ZipFile(io.BytesIO(s3.get_object(Bucket=bucket, Key=key)["Body"].read()))
    assert "functions/public.py" in archive.namelist()
    assert archive.read("functions/peluit.toml") == rig.config.read_bytes()
    assert any(
        k["Key"].startswith("templates/") for k in s3.list_objects_v2(Bucket=bucket)["Contents"]
    )
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert all(block.values())
    rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    (deny,) = json.loads(s3.policies[bucket])["Statement"]  # recorded: see PolicyRecorder
    assert deny["Effect"] == "Deny"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert result.outputs["SiteUrl"].startswith("https://")


def test_site_files_are_published_with_type_and_cache_rules(rig: Rig) -> None:
    result = rig.deploy(yes=True)
    bucket = result.outputs["SiteBucketName"]
    assert result.published == len(SITE)

    def head(key: str) -> tuple[str, str]:
        answer = rig.clients.s3.head_object(Bucket=bucket, Key=key)
        return answer["ContentType"], answer["CacheControl"]

    assert head("index.html") == ("text/html; charset=utf-8", "no-cache")
    assert head("en/index.html") == ("text/html; charset=utf-8", "no-cache")
    assert head("assets/peluit/channels.json") == ("application/json", "no-cache")
    assert head("assets/peluit/form.js") == ("text/javascript; charset=utf-8", "no-cache")
    assert head("assets/javascripts/bundle.0123abcd.min.js") == (
        "text/javascript; charset=utf-8",
        "public, max-age=31536000, immutable",
    )
    assert head("assets/images/logo.png") == ("image/png", "public, max-age=86400")
    invalidations = rig.clients.cloudfront.list_invalidations(
        DistributionId=result.outputs["DistributionId"]
    )["InvalidationList"]
    assert invalidations["Quantity"] == 1


def test_a_second_deploy_removes_pages_the_build_no_longer_has(rig: Rig) -> None:
    first = rig.deploy(yes=True)
    bucket = first.outputs["SiteBucketName"]
    rig.clients.s3.put_object(Bucket=bucket, Key="old/index.html", Body=b"old")
    rig.deploy(yes=True)
    keys = {o["Key"] for o in rig.clients.s3.list_objects_v2(Bucket=bucket)["Contents"]}
    assert keys == set(SITE)


def account_state(clients: AwsClients) -> dict[str, object]:
    """Everything a deploy could have made or changed that moto can list."""
    s3, cfn = clients.s3, clients.cloudformation
    names = sorted(b["Name"] for b in s3.list_buckets()["Buckets"])
    stacks = [
        (s["StackName"], s["StackStatus"], s.get("LastUpdatedTime"))
        for s in cfn.list_stacks()["StackSummaries"]
    ]
    state: dict[str, object] = {"buckets": names, "stacks": stacks}
    for name in names:
        versions = s3.list_object_versions(Bucket=name)
        state[name] = sorted(
            (v["Key"], v["VersionId"])
            for v in [*versions.get("Versions", []), *versions.get("DeleteMarkers", [])]
        )
    for stack_name, status, _ in stacks:
        if status != "DELETE_COMPLETE":
            described = cfn.describe_stacks(StackName=stack_name)["Stacks"][0]
            state[f"{stack_name} parameters"] = sorted(
                (p["ParameterKey"], p.get("ParameterValue")) for p in described["Parameters"]
            )
            state[f"{stack_name} change sets"] = cfn.list_change_sets(StackName=stack_name)[
                "Summaries"
            ]
    return state


def test_dry_run_of_a_new_stack_creates_no_bucket_object_or_stack(rig: Rig) -> None:
    result = rig.deploy(dry_run=True)
    assert not result.executed
    added = {c.logical_id for c in result.change_set.changes if c.action == "Add"}
    assert {"CaseKey", "CaseBucket", "PublicFunction", "ReviewerFunction", "Distribution"} <= added
    assert account_state(rig.clients) == {"buckets": [], "stacks": []}
    assert "Dry run: nothing was changed." in rig.console.said
    assert "ACTION" in rig.console.transcript
    assert "MiB unzipped (Lambda allows 250 MiB), sha256 " in rig.console.transcript  # the size
    assert f"Would create the artifacts bucket {artifact_bucket(rig.clients)}" in (
        rig.console.transcript
    )


def test_dry_run_shows_what_a_real_deploy_then_creates(rig: Rig) -> None:
    planned = rig.deploy(dry_run=True).change_set.changes
    created = rig.deploy(yes=True).change_set.changes
    # moto's CREATE change set lists a resource whose Condition is false (the notification
    # function without a sender, the alarms without an operator address) although it does not
    # create it, as CloudFormation does not: those are left out unless the stack has them.
    template = load_template(rig.tools.source.template.read_text(encoding="utf-8"))
    conditional = {k for k, v in template["Resources"].items() if "Condition" in v}
    listing = rig.clients.cloudformation.get_paginator("list_stack_resources")
    in_stack = {
        r["LogicalResourceId"]
        for page in listing.paginate(StackName=STACK)
        for r in page["StackResourceSummaries"]
    }
    made = [c for c in created if c.logical_id not in conditional or c.logical_id in in_stack]
    assert sorted((c.logical_id, c.resource_type) for c in planned) == sorted(
        (c.logical_id, c.resource_type) for c in made
    )
    assert {"NotifyFunction", "AlarmTopic"} <= conditional
    assert not {"NotifyFunction", "AlarmTopic"} & {c.logical_id for c in planned}


def test_a_template_too_big_to_send_inline_is_previewed_offline_without_writes(rig: Rig) -> None:
    """Over CloudFormation's 51,200-byte inline limit even without its documentation, a dry
    run cannot make a change set without uploading the template: it compares the template with
    the deployed stack instead (deploy/offline.py), still reading only."""
    rig.deploy(yes=True)
    before = account_state(rig.clients)
    template = rig.tools.source.template
    text = template.read_text(encoding="utf-8").replace("Timeout: 29 #", "Timeout: 28 #", 1)
    filler = (
        "\n  Filler:\n    Type: AWS::SSM::Parameter\n    Properties:\n      Type: String\n"
        f"      Value: {'x' * TEMPLATE_BODY_LIMIT}\n"
    )
    template.write_text(text.replace("\nOutputs:", filler + "\nOutputs:", 1), encoding="utf-8")
    rig.console.said.clear()
    result = rig.deploy(dry_run=True, parameters={"LogRetentionDays": "30"})
    assert "inline limit" in rig.console.transcript
    changes = {(c.action, c.logical_id, c.replacement) for c in result.change_set.changes}
    assert ("Add", "Filler", "") in changes
    assert ("Modify", "PublicLogGroup", "Conditional") in changes  # a parameter it names
    assert ("Modify", "PublicFunction", "Conditional") in changes  # replacement: unknown
    assert not [c for c in result.change_set.changes if c.action == "Remove"]
    assert "CaseBucket" not in {c.logical_id for c in result.change_set.changes}
    assert not result.executed
    assert account_state(rig.clients) == before


def test_dry_run_of_an_existing_stack_previews_and_leaves_everything_as_it_was(rig: Rig) -> None:
    rig.deploy(yes=True)
    before = account_state(rig.clients)  # (moto keeps the executed change set listed)
    rig.config.write_text(
        rig.config.read_text(encoding="utf-8").replace("Batanghari", "Muaro Jambi", 1),
        encoding="utf-8",
    )
    template = rig.tools.source.template
    text = template.read_text(encoding="utf-8")
    assert "Timeout: 29 #" in text  # the public function's
    template.write_text(text.replace("Timeout: 29 #", "Timeout: 28 #", 1), encoding="utf-8")
    rig.console.said.clear()
    result = rig.deploy(dry_run=True, parameters={"PublicConcurrency": "0"})
    assert result.change_set.kind == "UPDATE"
    assert result.change_set.name.startswith("peluit-dry-run-")
    assert [(c.action, c.logical_id) for c in result.change_set.changes] == [
        ("Modify", "PublicFunction")  # moto compares templates only, not parameter values
    ]
    assert not result.executed
    assert account_state(rig.clients) == before  # no stack change, no upload, no change set
    assert rig.console.transcript.startswith("Building the site")
    assert "Would upload lambda/" in rig.console.transcript  # the configuration changed


class FailingDescribe:
    """A CloudFormation client whose change sets cannot be described (after creating one)."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def describe_change_set(self, **kwargs: Any) -> Any:
        raise EndpointConnectionError(endpoint_url="https://cloudformation.test")


def test_the_dry_runs_change_set_is_deleted_even_when_describing_it_fails(rig: Rig) -> None:
    rig.deploy(yes=True)
    before = account_state(rig.clients)
    clients = dataclasses.replace(
        rig.clients, cloudformation=FailingDescribe(rig.clients.cloudformation)
    )
    tools = dataclasses.replace(rig.tools, clients=clients)
    with pytest.raises(EndpointConnectionError):
        deploy(DeployOptions(rig.config, STACK, dry_run=True), tools)
    assert account_state(rig.clients) == before


def test_nothing_happens_without_the_operators_yes(rig: Rig) -> None:
    rig.console.answers = ["no"]
    with pytest.raises(DeployError, match="not confirmed"):
        rig.deploy()
    assert len(rig.console.asked) == 1
    assert stack_status(rig.clients.cloudformation, STACK) is None


def test_the_operator_confirms_by_typing_yes(rig: Rig) -> None:
    rig.console.answers = ["yes"]
    assert rig.deploy().executed


def test_parameters_set_once_are_kept_by_later_deploys(rig: Rig) -> None:
    rig.deploy(yes=True, parameters={"ObjectLockMode": "COMPLIANCE", "PublicConcurrency": "0"})
    second = rig.deploy(yes=True)
    assert second.change_set.kind == "UPDATE"
    stack = rig.clients.cloudformation.describe_stacks(StackName=STACK)["Stacks"][0]
    parameters = {p["ParameterKey"]: p["ParameterValue"] for p in stack["Parameters"]}
    assert parameters["ObjectLockMode"] == "COMPLIANCE"
    assert parameters["PublicConcurrency"] == "0"


@pytest.mark.parametrize(
    ("parameters", "message"),
    [({"CaseBucketName": "other"}, "set by peluit deploy"), ({"Nope": "1"}, "no such parameter")],
)
def test_unknown_or_managed_parameters_are_refused(
    rig: Rig, parameters: dict[str, str], message: str
) -> None:
    with pytest.raises(DeployError, match=message):
        rig.deploy(yes=True, parameters=parameters)
    assert stack_status(rig.clients.cloudformation, STACK) is None


def test_a_site_url_other_than_the_served_one_is_pointed_out(rig: Rig) -> None:
    result = rig.deploy(yes=True)
    assert result.outputs["SiteUrl"].rstrip("/") != SITE_URL
    assert f"organisation.site_url in {rig.config} is {SITE_URL}" in rig.console.transcript


@pytest.mark.parametrize(
    ("store", "message"),
    [
        ('kind = "local"\npath = "var"', 'kind = "s3"'),
        ('kind = "s3"\nbucket = "b-cases"\nregion = "ap-southeast-1"', "wrong region"),
        ('kind = "s3"\nbucket = "b-cases"\nendpoint_url = "https://minio.test"', "premises"),
    ],
)
def test_a_configuration_not_for_aws_jakarta_is_refused_before_anything_is_made(
    aws: AwsClients, tmp_path: Path, store: str, message: str
) -> None:
    config = write_config(tmp_path, store)
    wheels = FakeWheels(tmp_path / "wheels")
    tools = DeployTools(aws, ScriptedConsole(), moto_template(tmp_path), wheels, fake_site, FAST)
    with pytest.raises(DeployError, match=message):
        deploy(DeployOptions(config, stack_name=STACK, yes=True), tools)
    assert aws.s3.list_buckets()["Buckets"] == []


def test_a_site_without_the_form_scripts_is_not_deployed(rig: Rig) -> None:
    def no_scripts(config_path: Path, out_dir: Path) -> None:
        fake_site(config_path, out_dir)
        (out_dir / "assets/peluit/worker.js").unlink()

    tools = dataclasses.replace(rig.tools, build_site=no_scripts)
    with pytest.raises(DeployError, match=r"no assets/peluit/worker\.js: build the form"):
        deploy(DeployOptions(rig.config, STACK, yes=True), tools)
    assert stack_status(rig.clients.cloudformation, STACK) is None


def test_the_deploy_command_reports_errors_in_one_line(
    aws: AwsClients, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, 'kind = "local"\npath = "var"')
    assert main(["deploy", "--config", str(config), "--yes"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("peluit deploy: error: ")
    assert "Traceback" not in err


def test_region_flag_must_match_the_configured_store(
    aws: AwsClients, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path)
    assert main(["deploy", "--config", str(config), "--region", "ap-southeast-1"]) == 1
    assert "differs from store.region" in capsys.readouterr().err


# -- credentials and network, checked before anything is built ----------------------------------


@pytest.fixture
def no_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No credentials anywhere botocore looks (and no instance metadata service asked)."""
    for name in [n for n in os.environ if n.startswith("AWS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


class Recorder:
    """A site builder and a wheel provider that only note that they were called."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def build_site(self, config_path: Path, out_dir: Path) -> None:
        self.calls.append("site")

    def wheels(self, pins: Sequence[Pin]) -> list[Path]:
        self.calls.append("wheels")
        return []


def test_missing_credentials_stop_the_deploy_before_anything_is_built(
    no_aws: None, tmp_path: Path
) -> None:
    recorder = Recorder()
    tools = DeployTools(
        make_clients(REGION),
        ScriptedConsole(),
        moto_template(tmp_path),
        recorder.wheels,
        recorder.build_site,
        FAST,
    )
    with pytest.raises(DeployError, match="no AWS credentials found"):
        deploy(DeployOptions(write_config(tmp_path), STACK, dry_run=True), tools)
    assert recorder.calls == []


def test_the_deploy_command_says_in_one_line_that_credentials_are_missing(
    no_aws: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["deploy", "--config", str(write_config(tmp_path)), "--dry-run"]) == 1
    out, err = capsys.readouterr()
    assert err == (
        "peluit deploy: error: kredensial AWS tidak ditemukan / no AWS credentials found: give "
        "--profile (after `aws configure sso`) or set AWS_ACCESS_KEY_ID and "
        "AWS_SECRET_ACCESS_KEY\n"
    )
    assert out == ""  # not "Building the site …": nothing was built


def test_an_unreachable_aws_is_one_line_before_anything_is_built(
    no_aws: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with socket.socket() as closed:  # a port on this machine that nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "AWS_MAX_ATTEMPTS": "1",
    }.items():
        monkeypatch.setenv(name, value)
    assert main(["deploy", "--config", str(write_config(tmp_path)), "--dry-run"]) == 1
    out, err = capsys.readouterr()
    assert err.startswith(
        "peluit deploy: error: tidak dapat menghubungi AWS / cannot reach AWS: check the network"
    )
    assert f"127.0.0.1:{port}" in err
    assert err.count("\n") == 1
    assert out == ""


# -- destroy ------------------------------------------------------------------------------------


def put_report(clients: AwsClients) -> None:
    clients.s3.put_object(Bucket=CASE_BUCKET, Key="cases/K3V92M7QX0AB4FZT/report.age", Body=b"x")


def test_destroy_refuses_while_the_case_bucket_holds_reports(rig: Rig) -> None:
    rig.deploy(yes=True)
    put_report(rig.clients)
    with pytest.raises(DeployError, match="holds reports"):
        destroy(DestroyOptions(STACK, yes=True), rig.clients, rig.console, FAST)
    assert stack_status(rig.clients.cloudformation, STACK) == "CREATE_COMPLETE"
    assert rig.clients.s3.list_objects_v2(Bucket=CASE_BUCKET)["KeyCount"] == 1


def test_destroy_with_the_flag_deletes_the_stack_reports_bucket_and_schedules_the_key(
    rig: Rig,
) -> None:
    rig.deploy(yes=True)
    put_report(rig.clients)
    key_id = rig.clients.cloudformation.describe_stack_resource(
        StackName=STACK, LogicalResourceId="CaseKey"
    )["StackResourceDetail"]["PhysicalResourceId"]
    result = destroy(
        DestroyOptions(STACK, yes=True, delete_reports=True), rig.clients, rig.console, FAST
    )
    assert result.stack_deleted
    assert result.case_bucket_deleted
    assert stack_status(rig.clients.cloudformation, STACK) is None
    names = {b["Name"] for b in rig.clients.s3.list_buckets()["Buckets"]}
    assert CASE_BUCKET not in names
    assert f"The KMS key {key_id} will be deleted in 30 days" in rig.console.transcript
    # moto keeps a template's key policy as a dict, so its DescribeKey fails: ask its backend
    account = rig.clients.sts.get_caller_identity()["Account"]
    assert kms_backends[account][REGION].keys[key_id].key_state == "PendingDeletion"


def test_destroy_asks_for_the_stack_name_before_deleting(rig: Rig) -> None:
    rig.deploy(yes=True)
    rig.console.answers = ["yes"]  # not the stack's name
    with pytest.raises(DeployError, match="not confirmed"):
        destroy(DestroyOptions(STACK), rig.clients, rig.console, FAST)
    assert stack_status(rig.clients.cloudformation, STACK) == "CREATE_COMPLETE"
    rig.console.answers = [STACK]
    assert destroy(DestroyOptions(STACK), rig.clients, rig.console, FAST).stack_deleted


def test_destroy_of_a_missing_stack_says_so(aws: AwsClients) -> None:
    with pytest.raises(DeployError, match="there is no stack"):
        destroy(DestroyOptions(STACK, yes=True), aws, ScriptedConsole(), FAST)
