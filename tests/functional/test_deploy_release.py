"""`peluit deploy` against moto with a configuration that names release signers: it publishes
only a release signed by the threshold and identical to the site it built, and refuses any
other before anything in the account is made or changed (the dry run says so, and fails)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from moto import mock_aws

from peluit import tlog
from peluit.config import Config, load_config
from peluit.config.demo import LOG_KEY, ensure_demo, open_demo_key
from peluit.deploy.aws import AwsClients, make_clients
from peluit.deploy.deploy import DeployOptions, DeployResult, DeployTools, deploy
from peluit.deploy.errors import DeployError
from peluit.deploy.stack import Waiting
from peluit.release import make_release, parse_note, sign_as, source_commit
from peluit.release.demo import demo_log_signer
from peluit.release.log import parse_record, record_of
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

    def deploy(
        self, release: Path | None, *, dry_run: bool = False, log_key: Path | None = None
    ) -> DeployResult:
        """Deploy with the demo's log key (or `log_key`) and a log folder in the work folder."""
        options = DeployOptions(
            self.config_path,
            STACK,
            yes=True,
            dry_run=dry_run,
            release=release,
            log=self.work / "log",
            log_key=log_key or self.demo / LOG_KEY,
        )
        return deploy(options, self.tools)

    def site_object(self, result: DeployResult, key: str) -> dict[str, Any]:
        bucket = result.outputs["SiteBucketName"]
        answer: dict[str, Any] = self.clients.s3.get_object(Bucket=bucket, Key=key)
        return answer

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


def test_the_release_is_logged_and_the_log_published_with_the_site(rig: Rig) -> None:
    """A short record of the release in the log; the log under /log/, its checkpoint uploaded
    last and revalidated, its tiles immutable; a second deploy of the same release does not
    append it again."""
    release = rig.release("agus", "kpk-liaison")
    result = rig.deploy(release)
    log_key = demo_log_signer(rig.demo).verifier()
    checkpoint_object = rig.site_object(result, "log/checkpoint")
    assert checkpoint_object["CacheControl"] == "no-cache"
    note, _ = tlog.open_note(checkpoint_object["Body"].read(), [log_key])
    assert tlog.parse_checkpoint(note.text).size == 1
    bundle = rig.site_object(result, "log/tile/entries/000.p/1")
    assert bundle["CacheControl"] == "public, max-age=31536000, immutable"
    record = parse_record(bundle["Body"].read()[2:])
    assert record == record_of(parse_note(release.read_bytes()))
    archived = rig.site_object(result, f"log/{record.archive_path}")["Body"].read()
    assert archived == release.read_bytes()
    assert "Release log: the release is entry 0 (appended now)" in rig.console.said
    assert any("cosigned by 0 of the 1 witnesses needed" in line for line in rig.console.said)

    rig.deploy(release)
    assert "Release log: the release is entry 0, appended before" in rig.console.said
    files = tlog.DirectoryFiles(rig.work / "log")
    assert tlog.read_checkpoint(files, log_key)[0].size == 1


def test_a_log_key_that_is_not_the_configurations_is_refused_before_anything_is_made(
    rig: Rig,
) -> None:
    other = rig.work / "other.key"
    other.write_text(
        tlog.Ed25519Signer("elsewhere/log", Ed25519PrivateKey.generate()).skey() + "\n",
        encoding="ascii",
    )
    with pytest.raises(DeployError, match="is not the key of the configuration's log"):
        rig.deploy(rig.release("agus", "kpk-liaison"), log_key=other)
    assert rig.state() == ([], [])
    assert not (rig.work / "log").exists()
