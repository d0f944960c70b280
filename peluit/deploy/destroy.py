"""`peluit destroy`: remove the stack; the reports only when the operator says so in words.

The case bucket and its KMS key are retained by the stack (DeletionPolicy Retain), so deleting
the stack alone never deletes a report. This command refuses to start while the case bucket
holds anything under `cases/`, unless told `--i-understand-this-deletes-reports`; then it also
deletes every object version it is allowed to. Object Lock may still refuse: a version stays until
its retention ends (GOVERNANCE: unless an administrator bypasses it; COMPLIANCE: no one can).
"""

from __future__ import annotations

from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped]

from . import buckets, stack
from .aws import AwsClients
from .console import Console, confirmed
from .errors import DeployError

REPORTS_FLAG = "--i-understand-this-deletes-reports"
KEY_DELETION_DAYS = 30  # the longest waiting period KMS allows: time to change one's mind


@dataclass(frozen=True)
class DestroyOptions:
    stack_name: str
    yes: bool = False
    delete_reports: bool = False


@dataclass(frozen=True)
class DestroyResult:
    stack_deleted: bool
    case_bucket: str | None
    case_bucket_deleted: bool
    kept_versions: int


def destroy(
    options: DestroyOptions,
    clients: AwsClients,
    console: Console,
    waiting: stack.Waiting = stack.PATIENT,
) -> DestroyResult:
    cfn = clients.cloudformation
    status = stack.stack_status(cfn, options.stack_name)
    if status is None:
        raise DeployError(f"there is no stack {options.stack_name} in {clients.region}")
    resources = stack.physical_ids(cfn, options.stack_name)
    case_bucket = resources.get("CaseBucket")
    if case_bucket and not buckets.bucket_exists(clients.s3, case_bucket):
        case_bucket = None
    has_reports = bool(case_bucket) and buckets.holds_any(clients.s3, str(case_bucket), "cases/")
    if has_reports and not options.delete_reports:
        raise DeployError(
            f"the case bucket {case_bucket} holds reports (objects under cases/). Nothing was "
            "deleted. Export what must be kept first; to delete them, run again with "
            f"{REPORTS_FLAG}."
        )

    console.say(_plan(options.stack_name, case_bucket, has_reports, options.delete_reports))
    if not options.yes and not confirmed(console, "Go ahead?", expected=options.stack_name):
        raise DeployError("not confirmed: nothing was deleted")

    # CloudFormation deletes empty buckets only. The staging bucket holds unfinished uploads
    # and nonces, never a report; it has no Object Lock, so emptying it always succeeds.
    for name in ("SiteBucket", "StagingBucket"):
        bucket = resources.get(name)
        if bucket and buckets.bucket_exists(clients.s3, bucket):
            buckets.empty_bucket(clients.s3, bucket)
    stack_id = str(cfn.describe_stacks(StackName=options.stack_name)["Stacks"][0]["StackId"])
    try:
        cfn.delete_stack(StackName=options.stack_name)
    except (BotoCoreError, ClientError) as exc:
        raise DeployError(f"deleting stack {options.stack_name} failed: {exc}") from None
    final = stack.wait_for_stack(cfn, stack_id, waiting)
    if final != "DELETE_COMPLETE":
        raise DeployError(
            f"stack {options.stack_name} ended in {final}:\n{stack.failures(cfn, stack_id)}"
        )
    console.say(f"Stack {options.stack_name} deleted.")

    if case_bucket is None:
        return DestroyResult(True, None, False, 0)
    return _delete_case_bucket(clients, console, case_bucket, resources.get("CaseKey"))


def _plan(name: str, case_bucket: str | None, has_reports: bool, delete_reports: bool) -> str:
    lines = [f"This deletes stack {name}: the site, the API, the functions and their logs."]
    if case_bucket and has_reports and delete_reports:
        lines.append(
            f"It then deletes EVERY REPORT in {case_bucket} that Object Lock allows to delete, "
            "and the bucket once empty. This cannot be undone."
        )
    elif case_bucket:
        lines.append(f"The case bucket {case_bucket} holds no reports; it is emptied and deleted.")
    return "\n".join(lines)


def _delete_case_bucket(
    clients: AwsClients, console: Console, bucket: str, key_id: str | None
) -> DestroyResult:
    emptied = buckets.empty_bucket(clients.s3, bucket)
    console.say(f"Deleted {emptied.deleted} object versions from {bucket}.")
    if emptied.kept:
        console.say(
            f"Object Lock kept {emptied.kept} versions ({emptied.first_refusal}). They stay until "
            "their retention ends (ObjectLockRetentionDays after each was written). In GOVERNANCE "
            "mode an administrator with s3:BypassGovernanceRetention can remove them earlier; in "
            f"COMPLIANCE mode no one can. The bucket {bucket} and its KMS key are kept: without "
            "the key those versions could never be read again."
        )
        return DestroyResult(True, bucket, False, emptied.kept)
    try:
        clients.s3.delete_bucket(Bucket=bucket)
    except (BotoCoreError, ClientError) as exc:
        raise DeployError(f"deleting bucket {bucket} failed: {exc}") from None
    console.say(f"Bucket {bucket} deleted.")
    if key_id:
        _schedule_key_deletion(clients, console, key_id)
    return DestroyResult(True, bucket, True, 0)


def _schedule_key_deletion(clients: AwsClients, console: Console, key_id: str) -> None:
    try:
        clients.kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=KEY_DELETION_DAYS)
    except (BotoCoreError, ClientError) as exc:
        console.say(f"The KMS key {key_id} was kept ({exc}); delete it in the KMS console.")
        return
    console.say(
        f"The KMS key {key_id} will be deleted in {KEY_DELETION_DAYS} days "
        "(cancel with `aws kms cancel-key-deletion` if that was a mistake)."
    )
