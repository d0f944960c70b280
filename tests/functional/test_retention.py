"""Retention (ADR 0046): which cases are past their channel's `retention_days`, and their
disposal: approved by a reviewer of the channel, executed by the operator, audited first.

On the local store (`peluit serve`'s adapter, through the reviewer API to close the case) and
on S3 under moto with Object Lock (a locked version is kept and reported, until a GOVERNANCE
bypass)."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped]
import pytest
from moto import mock_aws

from peluit.api.reviewer import Services, build_reviewer_app
from peluit.cli import retention_cmd
from peluit.config import Config
from peluit.core.audit import AuditLog, verify_chain
from peluit.retention import approval as approvals
from peluit.retention.dispose import DisposalError, dispose
from peluit.retention.policy import lock_days
from peluit.retention.purge import LocalPurger, S3Purger
from peluit.retention.scan import rows
from peluit.review.client import ReviewClient
from peluit.review.desk import ReviewDesk
from peluit.store.local import LocalStore
from peluit.store.local_urls import LocalUrlSigner
from tests.support.cases import Attachment, submit_case
from tests.support.factory import example_path
from tests.support.fakes import FixedClock
from tests.support.policies import REGION
from tests.support.review import ORIGIN, LambdaTransport, make_review_team

pytestmark = pytest.mark.functional

RECEIVED = date(2025, 3, 3)  # FixedClock's day


def _short_retention(config: Config, days: int = 30) -> Config:
    raw: dict[str, Any] = config.model_dump(mode="json")
    for channel in raw["channels"]:
        if channel["id"] == "pengaduan":
            channel["retention_days"] = days
    return Config.model_validate(raw)


class World:
    def __init__(self, tmp_path: Path) -> None:
        team = make_review_team()
        self.keys = team.keys
        self.config = _short_retention(team.config)
        self.clock = FixedClock()
        self.root = tmp_path / "var" / "store"
        urls = LocalUrlSigner(os.urandom(32), "http://127.0.0.1:9/u", "http://127.0.0.1:9/d")
        self.store = LocalStore(self.root, self.clock, urls)
        app = build_reviewer_app(Services.build(self.config, self.store, self.clock))
        self.transport = LambdaTransport(app, self.store)  # type: ignore[arg-type]
        self.audit = AuditLog(self.store, self.clock, self.config.organisation.timezone)
        self.case = submit_case(
            self.config,
            self.store,
            {"what": "Pungutan liar."},
            attachments=[Attachment("bukti.bin", b"x" * 1000)],
            identity={"name": "Budi"},
            clock=self.clock,
        ).case

    def desk(self, person: str) -> ReviewDesk:
        key = self.keys[person]
        client = ReviewClient(ORIGIN, key, self.transport, clock=self.clock)
        return ReviewDesk(self.config, key, client, clock=self.clock)

    def close(self) -> None:
        self.desk("rina").change_status(
            self.case, "ditolak", "Bukan kewenangan kami.", None, tell_reporter="Maaf."
        )

    def keys_of_case(self) -> list[str]:
        everything = list(self.store.list_keys(""))
        return [k for k in everything if self.case in k or k.startswith("lookup/")]

    def approval(self, person: str = "rina", signer: str | None = None) -> approvals.Approval:
        key = self.keys[signer or person].signing_key
        return approvals.approve(self.case, person, key)


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path)


def test_a_closed_case_past_its_period_is_disposed_of_with_an_audited_approval(
    world: World,
) -> None:
    world.close()
    today = RECEIVED + timedelta(days=30)
    (due,) = [r for r in rows(world.config, world.store, today) if r.due]
    assert (due.case, due.keep_until, due.disposable) == (world.case, today, True)

    result = dispose(
        world.config,
        world.store,
        [LocalPurger(world.root)],
        world.audit,
        world.case,
        world.approval(),
        today,
    )

    assert result.kept == []
    assert result.deleted >= 6  # report, identity, segment, state, reply key, lookup, index …
    assert world.keys_of_case() == []
    assert list(rows(world.config, world.store, today)) == []
    events = [json.loads(world.store.get(k)) for k in world.store.list_keys("audit/0")]
    (disposal,) = [e for e in events if e["action"] == "case.dispose"]
    assert (disposal["actor"], disposal["case"], disposal["detail"]) == (
        "operator",
        world.case,
        {"person": "rina"},
    )
    verify_chain(world.store)  # what remains of the case: its events, still a sound chain


@pytest.mark.parametrize(
    ("today_offset", "closed", "approver", "signer", "why"),
    [
        (29, True, "rina", None, "kept until 2025-04-02"),
        (30, False, "rina", None, "still open"),
        (30, True, "kpk-liaison", None, "does not review"),  # oversight does not decide
        (30, True, "rina", "agus", "not signed by rina"),
        (30, True, "dewi", None, "does not review"),  # another channel's reviewer
    ],
)
def test_disposal_is_refused_and_nothing_changes(
    world: World,
    today_offset: int,
    closed: bool,
    approver: str,
    signer: str | None,
    why: str,
) -> None:
    if closed:
        world.close()
    before = {k: world.store.get(k) for k in world.store.list_keys("")}
    with pytest.raises(DisposalError, match=why):
        dispose(
            world.config,
            world.store,
            [LocalPurger(world.root)],
            world.audit,
            world.case,
            world.approval(approver, signer),
            RECEIVED + timedelta(days=today_offset),
        )
    assert {k: world.store.get(k) for k in world.store.list_keys("")} == before


def test_the_operator_commands_report_approve_and_dispose(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The CLI over the example configuration (its keys are not ours: only the report and the
    refusal of an approval its roster cannot check run here)."""
    config = example_path()
    data = tmp_path / "var"
    assert (
        retention_cmd.main(
            ["report", "--all", "--json", "--config", str(config), "--data", str(data)]
        )
        == 0
    )
    (listed,) = json.loads(capsys.readouterr().out)
    assert listed["case"] == world.case
    assert listed["keep_until"] == (RECEIVED + timedelta(days=3650)).isoformat()
    assert listed["due"] is False
    approval = tmp_path / "approval.json"
    approval.write_bytes(world.approval().to_bytes())
    status = retention_cmd.main(
        [
            "dispose",
            world.case,
            "--approval",
            str(approval),
            "--config",
            str(config),
            "--data",
            str(data),
        ]
    )
    assert status == 1
    assert "kept until" in capsys.readouterr().err
    assert world.case in "".join(world.keys_of_case())


def test_the_lock_period_deploy_sets_is_the_shortest_channels(world: World) -> None:
    assert lock_days(world.config) == 30
    assert lock_days(make_review_team().config) == 3650


@mock_aws
def test_s3_keeps_a_locked_version_until_a_governance_bypass() -> None:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(
        Bucket="cases",
        CreateBucketConfiguration={"LocationConstraint": REGION},
        ObjectLockEnabledForBucket=True,
    )
    until = datetime.now(UTC) + timedelta(days=365)
    s3.put_object(Bucket="cases", Key="cases/a/report.age", Body=b"v1")
    s3.put_object(
        Bucket="cases",
        Key="cases/a/report.age",
        Body=b"v2",
        ObjectLockMode="GOVERNANCE",
        ObjectLockRetainUntilDate=until,
    )
    s3.put_object(Bucket="cases", Key="cases/a/state.json", Body=b"{}")

    plain = S3Purger(s3, "cases")
    assert plain.keys("cases/a/") == ["cases/a/report.age", "cases/a/state.json"]
    kept = plain.purge("cases/a/report.age")
    assert kept.deleted == 1  # the unlocked first version
    ((key, why),) = kept.kept
    assert key == "cases/a/report.age"
    assert f"until {until:%Y-%m-%d}" in why
    assert S3Purger(s3, "cases", bypass_governance=True).purge("cases/a/report.age").deleted == 1
    assert plain.keys("cases/a/") == ["cases/a/state.json"]
