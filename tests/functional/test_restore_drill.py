"""The restore drill (operator guide, "Backup and restore"; ADR 0047), on S3 under moto.

Reporters file cases and the team works on them in the case bucket; every version reaches the
backup bucket; the case bucket is lost; `peluit backup restore` copies the backup into a fresh
case bucket; a new deployment of the functions over it serves the review tool, which reads
and verifies every case (reports decrypt, attachments match their manifests, the reporter's
signatures and the audit chain verify) exactly as before.

moto stores a bucket's replication configuration but replicates nothing, so the drill does
what S3 replication does: every new version, in order, to the backup under the same key. What
S3 is told to do is checked by the template tests (tests/unit/test_infra_backup_and_roster.py)
and the policy tier (tests/functional/test_policy_backup.py).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from moto import mock_aws

from peluit.cli import backup_cmd
from peluit.core.audit import verify_chain
from peluit.review.desk import ReviewDesk
from peluit.review.rekey import rekey_case
from peluit.store.s3 import S3Store, make_s3_client
from tests.support.cases import Attachment, submit_case
from tests.support.policies import REGION
from tests.support.review import ReviewTeam, make_review_team
from tests.support.s3world import S3World

pytestmark = pytest.mark.functional

CASES, STAGING = "peluit-drill-cases", "peluit-drill-cases-staging"
BACKUP = "peluit-drill-backup"
FRESH, FRESH_STAGING = "peluit-drill-restored", "peluit-drill-restored-staging"
ATTACHMENT = os.urandom(70 * 1024)  # two segments with the test limits


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    with mock_aws():
        s3 = make_s3_client(REGION)
        for bucket in (CASES, BACKUP, FRESH):  # versioned and locked, as the templates make them
            s3.create_bucket(
                Bucket=bucket,
                CreateBucketConfiguration={"LocationConstraint": REGION},
                ObjectLockEnabledForBucket=True,
            )
        for bucket in (STAGING, FRESH_STAGING):
            s3.create_bucket(
                Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
            )
        yield s3


def replicate(s3: Any, source: str, target: str) -> int:
    """What S3 replication does: each version, oldest first, to `target` under its key."""
    versions = []
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=source):
        versions += page.get("Versions", [])
    versions.sort(key=lambda v: (v["LastModified"], v["Key"]))
    for version in versions:
        body = s3.get_object(Bucket=source, Key=version["Key"], VersionId=version["VersionId"])
        s3.put_object(Bucket=target, Key=version["Key"], Body=body["Body"].read())
    return len(versions)


def open_everything(
    team: ReviewTeam, world: S3World, signed: list[str], documented: list[str]
) -> dict[str, Any]:
    """What the review tool shows of each case, as comparable values: the reporter's signature
    verdict of the signed cases, and the report, its attachment (checked against the report's
    manifest segment by segment) and the thread of the others."""
    desk = ReviewDesk(world.config, team.key("rina"), world.client("rina"), clock=world.clock)
    seen: dict[str, Any] = {}
    for case in signed:
        opened = desk.open_case(case)
        assert opened.report is not None
        seen[case] = (opened.report.plaintext, opened.signature, opened.problems)
    for case in documented:
        opened = desk.open_case(case)
        assert opened.report is not None
        assert opened.report.document is not None
        entry, chunks = desk.attachment(case, 0)
        seen[case] = (
            opened.report.document.answers,
            [m.text for m in opened.messages],
            [m.problem for m in opened.messages],
            entry.name,
            b"".join(chunks),
        )
    return seen


def test_a_lost_case_bucket_is_restored_from_the_backup_and_reads_as_before(
    aws: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    team = make_review_team()
    before = S3World(team, CASES, STAGING)
    signed = [before.file(attachment=ATTACHMENT).case for _ in range(2)]
    documented = [
        submit_case(
            before.config,
            before.public_store,
            {"what": f"Laporan {n}."},
            attachments=[Attachment("bukti.bin", ATTACHMENT)],
            clock=before.clock,
        ).case
        for n in range(2)
    ]
    cases = signed + documented
    rina = ReviewDesk(before.config, team.key("rina"), before.client("rina"), clock=before.clock)
    rina.reply(documented[0], "Terima kasih, kami telaah.")
    rina.change_status(documented[1], "diverifikasi", "Lengkap.", None)
    rekey_case(before.config, team.key("rina"), before.client("rina"), documented[1])
    shown = open_everything(team, before, signed, documented)
    assert shown[documented[0]][4] == ATTACHMENT
    assert shown[documented[0]][1] == ["Terima kasih, kami telaah."]
    chain = verify_chain(S3Store(make_s3_client(REGION), CASES))
    assert replicate(aws, CASES, BACKUP) > 3 * 6

    # The case bucket is lost (the drill: deleted outright).
    for page in aws.get_paginator("list_object_versions").paginate(Bucket=CASES):
        for v in page.get("Versions", []) + page.get("DeleteMarkers", []):
            aws.delete_object(Bucket=CASES, Key=v["Key"], VersionId=v["VersionId"])

    status = backup_cmd.main(["restore", "--from", BACKUP, "--to", FRESH])
    assert status == 0
    assert "konflik/conflicts 0" in capsys.readouterr().out
    # A second run (an interrupted restore started again) copies nothing and changes nothing.
    assert backup_cmd.main(["restore", "--from", BACKUP, "--to", FRESH]) == 0
    assert "disalin/copied 0 " in capsys.readouterr().out
    after = S3World(team, FRESH, FRESH_STAGING)
    listed = [c.case for c in after.client("rina").list_cases().cases]
    assert sorted(listed) == sorted(cases)
    assert open_everything(team, after, signed, documented) == shown
    # the restored audit chain holds every event from before, unchanged (anchored at the old
    # head), then the reads just made
    restored = verify_chain(
        S3Store(make_s3_client(REGION), FRESH), anchor=(chain.events - 1, chain.head_sha256)
    )
    assert restored.events > chain.events

    # Once the new deployment works on the bucket, the backup's older copies of what changed
    # (the audit head, read markers) conflict, and are left alone.
    assert backup_cmd.main(["restore", "--from", BACKUP, "--to", FRESH]) == backup_cmd.CONFLICTS
    assert "konflik/conflict: audit/head.json" in capsys.readouterr().out


def test_a_restore_never_overwrites_what_differs(
    aws: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    aws.put_object(Bucket=BACKUP, Key="audit/head.json", Body=b'{"next": 1}')
    aws.put_object(Bucket=BACKUP, Key="cases/abc/state.json", Body=b"{}")
    aws.put_object(Bucket=FRESH, Key="audit/head.json", Body=b'{"next": 7}')

    assert backup_cmd.main(["restore", "--from", BACKUP, "--to", FRESH]) == backup_cmd.CONFLICTS
    out = capsys.readouterr().out
    assert "konflik/conflict: audit/head.json" in out
    head = aws.get_object(Bucket=FRESH, Key="audit/head.json")["Body"].read()
    assert head == b'{"next": 7}'
    assert aws.get_object(Bucket=FRESH, Key="cases/abc/state.json")["Body"].read() == b"{}"
