"""`peluit deploy` and `peluit destroy` end to end against moto (no AWS account, no network).

What moto cannot show is listed in `tests/support/deploying.py`; the template's own properties
are checked in `tests/unit/test_infra_template.py`.
"""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3  # type: ignore[import-untyped]
import pytest
from moto import mock_aws
from moto.kms.models import kms_backends

from peluit.cli.main import main
from peluit.deploy.aws import AwsClients, make_clients
from peluit.deploy.buckets import bucket_exists
from peluit.deploy.deploy import DeployOptions, DeployResult, DeployTools, deploy
from peluit.deploy.destroy import DestroyOptions, destroy
from peluit.deploy.errors import DeployError
from peluit.deploy.stack import Waiting, stack_status
from tests.support.deploying import (
    CASE_BUCKET,
    MOTO_ORIGIN,
    REGION,
    SITE,
    SITE_URL,
    ScriptedConsole,
    fake_pip,
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
        install=fake_pip,
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


def test_dry_run_shows_the_changes_and_creates_no_stack(rig: Rig) -> None:
    result = rig.deploy(dry_run=True)
    assert not result.executed
    assert result.change_set.changes
    assert stack_status(rig.clients.cloudformation, STACK) is None
    assert "Dry run: nothing was changed." in rig.console.said
    assert not bucket_exists(rig.clients.s3, CASE_BUCKET)


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
    tools = DeployTools(aws, ScriptedConsole(), moto_template(tmp_path), fake_pip, fake_site, FAST)
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
