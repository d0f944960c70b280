"""CloudFormation: change sets (create, show, execute or delete) and waiting for a stack."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped]

from .aws import AwsClient, error_message
from .errors import DeployError

# Where these resources would be replaced or removed, the reports or their key are at stake.
PRECIOUS = frozenset({"CaseBucket", "CaseKey"})
_NO_CHANGES = ("didn't contain changes", "No updates are to be performed")
_BROKEN = frozenset({"ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "DELETE_FAILED"})


@dataclass(frozen=True)
class Change:
    action: str  # Add, Modify, Remove, Import, Dynamic
    logical_id: str
    resource_type: str
    replacement: str  # True, False, Conditional, or "" when not applicable
    scope: tuple[str, ...] = ()  # what of it changes: Properties, Metadata, Tags, … (Modify)


@dataclass(frozen=True)
class ChangeSet:
    stack_name: str
    name: str
    kind: str  # CREATE or UPDATE
    changes: tuple[Change, ...]

    @property
    def empty(self) -> bool:
        return not self.changes


@dataclass(frozen=True)
class Waiting:
    poll_seconds: float = 5.0
    timeout_seconds: float = 3600.0  # a new CloudFront distribution alone takes minutes


PATIENT = Waiting()


def stack_status(cfn: AwsClient, stack_name: str) -> str | None:
    """The stack's status, or None when there is no such stack."""
    try:
        stacks = cfn.describe_stacks(StackName=stack_name)["Stacks"]
    except ClientError as exc:
        if "does not exist" in error_message(exc):
            return None
        raise DeployError(f"cannot read stack {stack_name}: {error_message(exc)}") from None
    return str(stacks[0]["StackStatus"])


def change_set_kind(status: str | None, stack_name: str) -> str:
    """CREATE or UPDATE, or a DeployError saying why the stack cannot be changed now."""
    if status is None or status == "REVIEW_IN_PROGRESS":
        return "CREATE"
    if status in _BROKEN:
        raise DeployError(
            f"stack {stack_name} is in {status} and cannot be updated: run `peluit destroy "
            f"--stack-name {stack_name}` (the case bucket is kept), then deploy again"
        )
    if status.endswith("_IN_PROGRESS"):
        raise DeployError(f"stack {stack_name} is busy ({status}); wait until it is done")
    return "UPDATE"


def previous_parameters(cfn: AwsClient, stack_name: str) -> set[str]:
    stacks = cfn.describe_stacks(StackName=stack_name)["Stacks"]
    return {str(p["ParameterKey"]) for p in stacks[0].get("Parameters", [])}


def template_parameters(cfn: AwsClient, template_url: str) -> set[str]:
    try:
        summary = cfn.get_template_summary(TemplateURL=template_url)
    except (BotoCoreError, ClientError) as exc:
        raise DeployError(f"CloudFormation cannot read the template: {exc}") from None
    return {str(p["ParameterKey"]) for p in summary.get("Parameters", [])}


def parameter_list(
    values: Mapping[str, str], keep_previous: Sequence[str]
) -> list[dict[str, object]]:
    given: list[dict[str, object]] = [
        {"ParameterKey": k, "ParameterValue": v} for k, v in sorted(values.items())
    ]
    kept: list[dict[str, object]] = [
        {"ParameterKey": k, "UsePreviousValue": True} for k in sorted(keep_previous)
    ]
    return given + kept


def create_change_set(
    cfn: AwsClient,
    stack_name: str,
    kind: str,
    template_url: str | None,
    parameters: list[dict[str, object]],
    waiting: Waiting,
    *,
    name: str | None = None,
    template_body: str | None = None,  # instead of template_url (the dry run uploads nothing)
) -> ChangeSet:
    name = name or "peluit-" + datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    template = {"TemplateBody": template_body} if template_body else {"TemplateURL": template_url}
    try:
        cfn.create_change_set(
            StackName=stack_name,
            ChangeSetName=name,
            ChangeSetType=kind,
            **template,
            Parameters=parameters,
            Capabilities=["CAPABILITY_IAM"],
            Description="peluit deploy",
        )
    except ClientError as exc:
        if any(text in error_message(exc) for text in _NO_CHANGES):
            return ChangeSet(stack_name, name, kind, ())
        raise DeployError(f"CloudFormation refused the change set: {error_message(exc)}") from None
    described = _wait_for_change_set(cfn, stack_name, name, waiting)
    if described["Status"] == "FAILED":
        reason = str(described.get("StatusReason", ""))
        if any(text in reason for text in _NO_CHANGES):
            delete_change_set(cfn, stack_name, name)
            return ChangeSet(stack_name, name, kind, ())
        raise DeployError(f"the change set failed: {reason}")
    return ChangeSet(stack_name, name, kind, tuple(_changes(cfn, stack_name, name)))


def _wait_for_change_set(
    cfn: AwsClient, stack_name: str, name: str, waiting: Waiting
) -> dict[str, object]:
    deadline = time.monotonic() + waiting.timeout_seconds
    while True:
        described: dict[str, object] = cfn.describe_change_set(
            StackName=stack_name, ChangeSetName=name
        )
        if described["Status"] in {"CREATE_COMPLETE", "FAILED"}:
            return described
        if time.monotonic() > deadline:
            raise DeployError(f"the change set {name} was not ready in time")
        time.sleep(waiting.poll_seconds)


def _changes(cfn: AwsClient, stack_name: str, name: str) -> list[Change]:
    changes: list[Change] = []
    token: str | None = None
    while True:
        extra = {"NextToken": token} if token else {}
        page = cfn.describe_change_set(StackName=stack_name, ChangeSetName=name, **extra)
        for item in page.get("Changes", []):
            rc = item.get("ResourceChange", {})
            changes.append(
                Change(
                    action=str(rc.get("Action", "")),
                    logical_id=str(rc.get("LogicalResourceId", "")),
                    resource_type=str(rc.get("ResourceType", "")),
                    replacement=str(rc.get("Replacement", "")),
                    scope=tuple(str(s) for s in rc.get("Scope", ())),
                )
            )
        token = page.get("NextToken")
        if not token:
            return changes


def format_changes(changes: Sequence[Change]) -> str:
    """A readable table: what happens to which resource, and whether it is replaced."""
    if not changes:
        return "No infrastructure changes."
    rows = [("ACTION", "RESOURCE", "TYPE", "REPLACEMENT")]
    rows += [
        (c.action, c.logical_id, c.resource_type, _replacement(c.replacement)) for c in changes
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:3])) + "  " + row[3]
        for row in rows
    ]
    lines += [
        f"WARNING: {c.logical_id} would be removed or replaced; the reports depend on it. "
        "Do not confirm unless you know why."
        for c in changes
        if c.logical_id in PRECIOUS
        and (c.action == "Remove" or c.replacement in {"True", "Conditional"})
    ]
    return "\n".join(lines)


def _replacement(value: str) -> str:
    return {"True": "yes", "False": "no", "Conditional": "maybe"}.get(value, "-")


def delete_change_set(cfn: AwsClient, stack_name: str, name: str) -> None:
    try:
        cfn.delete_change_set(StackName=stack_name, ChangeSetName=name)
    except ClientError as exc:
        raise DeployError(f"deleting the change set {name} failed: {error_message(exc)}") from None


def execute_change_set(cfn: AwsClient, change_set: ChangeSet, waiting: Waiting) -> str:
    """Execute and wait; the final status, or a DeployError with the failed resources."""
    stack_id = str(cfn.describe_stacks(StackName=change_set.stack_name)["Stacks"][0]["StackId"])
    try:
        cfn.execute_change_set(StackName=change_set.stack_name, ChangeSetName=change_set.name)
    except ClientError as exc:
        raise DeployError(f"executing the change set failed: {error_message(exc)}") from None
    status = wait_for_stack(cfn, stack_id, waiting)
    if status not in {"CREATE_COMPLETE", "UPDATE_COMPLETE"}:
        raise DeployError(
            f"stack {change_set.stack_name} ended in {status}:\n{failures(cfn, stack_id)}"
        )
    return status


def wait_for_stack(cfn: AwsClient, stack_id: str, waiting: Waiting) -> str:
    """Poll until the stack is no longer in progress (by id: works after deletion too)."""
    deadline = time.monotonic() + waiting.timeout_seconds
    while True:
        status = str(cfn.describe_stacks(StackName=stack_id)["Stacks"][0]["StackStatus"])
        if not status.endswith("_IN_PROGRESS"):
            return status
        if time.monotonic() > deadline:
            raise DeployError(f"stack {stack_id} is still {status}; see the CloudFormation console")
        time.sleep(waiting.poll_seconds)


def failures(cfn: AwsClient, stack_id: str) -> str:
    events = cfn.describe_stack_events(StackName=stack_id).get("StackEvents", [])
    lines = [
        f"  {e.get('LogicalResourceId', '')}: {e.get('ResourceStatusReason', '')}"
        for e in events
        if str(e.get("ResourceStatus", "")).endswith("_FAILED")
    ]
    return "\n".join(lines[:10]) or "  (no failure reason recorded)"


def outputs(cfn: AwsClient, stack_name: str) -> dict[str, str]:
    stack = cfn.describe_stacks(StackName=stack_name)["Stacks"][0]
    return {str(o["OutputKey"]): str(o["OutputValue"]) for o in stack.get("Outputs") or []}


def physical_ids(cfn: AwsClient, stack_name: str) -> dict[str, str]:
    """Logical id → physical id of every resource the stack has now."""
    found: dict[str, str] = {}
    paginator = cfn.get_paginator("list_stack_resources")
    for page in paginator.paginate(StackName=stack_name):
        for item in page.get("StackResourceSummaries", []):
            if item.get("LogicalResourceId") and item.get("PhysicalResourceId"):
                found[str(item["LogicalResourceId"])] = str(item["PhysicalResourceId"])
    return found
