"""`peluit deploy` against moto with a configuration that names release signers: it publishes
only a release signed by the threshold and identical to the site it built, and refuses any
other before anything in the account is made or changed (the dry run says so, and fails)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from moto import mock_aws

from peluit.config import Config, load_config
from peluit.config.demo import ensure_demo, open_demo_key
from peluit.deploy.aws import AwsClients, make_clients
from peluit.deploy.deploy import DeployOptions, DeployResult, DeployTools, deploy
from peluit.deploy.errors import DeployError
from peluit.deploy.stack import Waiting
from peluit.release import make_release, sign_as, source_commit
from tests.support.deploying import (
    CASE_BUCKET,
    REGION,
    SITE_URL,
    FakeWheels,
    ScriptedConsole,
    fake_site,
    for_moto,
    moto_template,
)

pytestmark = [
    pytest.mark.functional,
    pytest.mark.filterwarnings("ignore:Tried to parse AWS::"),  # moto: unsupported resources
]
STACK = "peluit-rel"
FAST = Waiting(poll_seconds=0.01, timeout_seconds=30)
RELEASE_KEY = ".well-known/peluit/release.json"


@dataclass
class Rig:
    clients: AwsClients
    console: ScriptedConsole
    tools: DeployTools
    config_path: Path
    demo: Path  # the demo folder: its key files sign
    work: Path

    @property
    def config(self) -> Config:
        return load_config(self.config_path)

    def release(self, *signers: str, site: Path | None = None) -> Path:
        """A release of the fake site (or of `site`), signed by `signers`, as a file."""
        if site is None:
            site = self.work / "signed-site"
            fake_site(self.config_path, site)
        note = make_release(self.config, site, source_commit(self.tools.source.root))
        for person in signers:
            note = sign_as(self.config, note, open_demo_key(self.demo, person))
        path = self.work / f"release-{len(signers)}-{site.name}.note"
        path.write_bytes(note.encode())
        return path

    def deploy(self, release: Path | None, *, dry_run: bool = False) -> DeployResult:
        options = DeployOptions(self.config_path, STACK, yes=True, dry_run=dry_run, release=release)
        return deploy(options, self.tools)

    def state(self) -> tuple[list[str], list[str]]:
        buckets = sorted(b["Name"] for b in self.clients.s3.list_buckets()["Buckets"])
        stacks = [
            s["StackName"] for s in self.clients.cloudformation.list_stacks()["StackSummaries"]
        ]
        return buckets, stacks


@pytest.fixture
def rig(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Rig]:
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
    demo = tmp_path / "demo"
    config_path = ensure_demo(demo, SITE_URL)
    text = config_path.read_text(encoding="utf-8")
    s3 = f'kind = "s3"\nbucket = "{CASE_BUCKET}"\nregion = "{REGION}"'
    assert 'kind = "local"\npath = "var"' in text
    config_path.write_text(text.replace('kind = "local"\npath = "var"', s3, 1), encoding="utf-8")
    with mock_aws():
        clients = for_moto(make_clients(REGION))
        console = ScriptedConsole()
        tools = DeployTools(
            clients=clients,
            console=console,
            source=moto_template(tmp_path),
            wheels=FakeWheels(tmp_path / "wheels"),
            build_site=fake_site,
            waiting=FAST,
        )
        yield Rig(clients, console, tools, config_path, demo, tmp_path)


def test_a_release_signed_by_the_threshold_is_published_with_the_site(rig: Rig) -> None:
    release = rig.release("agus", "kpk-liaison")
    result = rig.deploy(release)
    assert result.executed
    body = rig.clients.s3.get_object(Bucket=result.outputs["SiteBucketName"], Key=RELEASE_KEY)
    assert body["Body"].read() == release.read_bytes()
    assert body["ContentType"] == "application/json"
    assert "Release: signed by agus, kpk-liaison: 2 of the 2 needed; it is this site" in (
        rig.console.said
    )


def test_without_a_release_nothing_is_made(rig: Rig) -> None:
    with pytest.raises(DeployError, match="refusing to deploy: no --release file"):
        rig.deploy(None)
    assert rig.state() == ([], [])


def test_a_release_short_of_the_threshold_is_refused_before_anything_is_made(rig: Rig) -> None:
    with pytest.raises(DeployError, match="signed by agus: 1 of the 2 needed"):
        rig.deploy(rig.release("agus"))
    assert rig.state() == ([], [])


def test_the_dry_run_reports_the_refusal_and_changes_nothing(rig: Rig) -> None:
    with pytest.raises(DeployError, match="dry run: nothing was changed; a deploy would refuse"):
        rig.deploy(rig.release("kpk-liaison"), dry_run=True)
    assert "Dry run: nothing was changed." in rig.console.said  # the preview still ran
    assert rig.state() == ([], [])


def test_a_signed_release_of_another_site_is_refused_naming_the_file(rig: Rig) -> None:
    other = rig.work / "other-site"
    fake_site(rig.config_path, other)
    (other / "assets" / "peluit" / "form.js").write_text("steal()", encoding="utf-8")
    with pytest.raises(DeployError, match=r"file assets/peluit/form\.js: different content"):
        rig.deploy(rig.release("agus", "kpk-liaison", site=other))
    assert rig.state() == ([], [])


def test_a_release_signed_and_then_changed_is_refused(rig: Rig) -> None:
    release = rig.release("agus", "kpk-liaison")
    release.write_bytes(release.read_bytes().replace(b'"threshold": 2', b'"threshold": 1'))
    with pytest.raises(DeployError, match="does not verify"):
        rig.deploy(release)
    assert rig.state() == ([], [])
