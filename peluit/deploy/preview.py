"""`peluit deploy --dry-run`: what a deploy would change, with nothing changed in the account.

No bucket is created and nothing is uploaded: the template goes to CloudFormation inline (as
compact JSON without its descriptions and Metadata, `preview_template`, under the 51,200-byte
limit of `TemplateBody`), and the artifacts are only
looked at (HEAD). Then:

- **a stack that does not exist yet**: no change set, because a CREATE change set creates the
  stack (in REVIEW_IN_PROGRESS). The resources are read from the template itself, with its
  Conditions evaluated over the parameter values the deploy would pass; everything is `Add`.
- **an existing stack**: an UPDATE change set, CloudFormation's own read-only preview — only it
  knows which changes replace a resource (the case bucket and key warnings depend on that). It
  changes no resource, and it is deleted in a `finally`, retried, whatever happened while it was
  being described; a change set that cannot be deleted is named with the command that deletes it.
  See docs/adr/0019-dry-run-without-writes.md.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]
from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped]

from . import buckets, offline, stack
from .aws import AwsClient, AwsClients, error_code, error_message
from .errors import DeployError

TEMPLATE_BODY_LIMIT = 51_200  # CloudFormation's limit for an inline template
DELETE_ATTEMPTS = 4


class _TemplateLoader(yaml.SafeLoader):  # type: ignore[misc]
    """YAML with CloudFormation's short-form functions (`!Ref`, `!Sub`, `!GetAtt`, …) read as
    their long JSON forms; dates stay strings, as CloudFormation reads them."""


_TemplateLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "Condition":
        return {"Condition": value}
    if suffix == "GetAtt" and isinstance(value, str):
        resource, _, attribute = value.partition(".")
        return {"Fn::GetAtt": [resource, attribute]}
    return {f"Fn::{suffix}": value}


_TemplateLoader.add_multi_constructor("!", _intrinsic)


def load_template(text: str) -> dict[str, Any]:
    try:
        data = yaml.load(text, Loader=_TemplateLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        raise DeployError(f"the template is not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("Resources"), dict):
        raise DeployError("the template has no Resources")
    return data


def inline_body(template: Mapping[str, Any]) -> str | None:
    """`template` as compact JSON without the parts that only document it (`preview_template`),
    or None when that is still over CloudFormation's inline limit (offline.py previews then)."""
    body = json.dumps(preview_template(template), separators=(",", ":"))
    return body if len(body.encode("utf-8")) <= TEMPLATE_BODY_LIMIT else None


def template_body(path: Path) -> str:
    """The template as compact JSON, to send inline, without the parts that only document it
    (`preview_template`)."""
    template = preview_template(load_template(path.read_text(encoding="utf-8")))
    body = json.dumps(template, separators=(",", ":"))
    if len(body.encode("utf-8")) > TEMPLATE_BODY_LIMIT:
        raise DeployError(
            f"the template is {len(body)} bytes as JSON, over CloudFormation's inline limit "
            f"({TEMPLATE_BODY_LIMIT}): a dry run cannot preview it without uploading it"
        )
    return body


def preview_template(template: Mapping[str, Any]) -> dict[str, Any]:
    """`template` without what CloudFormation never acts on: its and its parameters' and
    outputs' descriptions, and template and resource `Metadata` (checkov's skips; Peluit has
    no cfn-init). The template grew past the inline limit with the notification function and
    the alarms (issue 14): a change set of this body lists the same resource changes, because
    an update never acts on a change of Metadata alone, and a dry run still uploads nothing.
    The real deploy uploads the whole template. With the backup's replication (issue 14 part
    5) it outgrew the limit again: the `Outputs` and `Rules` go too. A change set lists
    resource changes only (never outputs), and the real deploy still checks the Rules."""
    dropped = {"Description", "Metadata", "Outputs", "Rules"}
    stripped = {k: v for k, v in template.items() if k not in dropped}
    for section in ("Parameters",):
        if isinstance(template.get(section), dict):
            stripped[section] = {
                name: {k: v for k, v in spec.items() if k != "Description"}
                for name, spec in template[section].items()
            }
    stripped["Resources"] = {
        name: {k: v for k, v in resource.items() if k != "Metadata"}
        for name, resource in template["Resources"].items()
    }
    return stripped


def template_parameters(cfn: AwsClient, body: str) -> set[str]:
    try:
        summary = cfn.get_template_summary(TemplateBody=body)
    except (BotoCoreError, ClientError) as exc:
        raise DeployError(f"CloudFormation cannot read the template: {exc}") from None
    return {str(p["ParameterKey"]) for p in summary.get("Parameters", [])}


def planned_creation(
    template: Mapping[str, Any], stack_name: str, values: Mapping[str, str]
) -> stack.ChangeSet:
    """What creating the stack with these parameter values would add (no AWS call)."""
    parameters: dict[str, Any] = {
        key: spec.get("Default") for key, spec in template.get("Parameters", {}).items()
    }
    parameters.update(values)
    conditions: dict[str, Any] = template.get("Conditions", {})
    changes = []
    for logical_id, resource in template["Resources"].items():
        condition = resource.get("Condition")
        action = "Add"
        if condition is not None:
            try:
                if not _condition(condition, conditions, parameters, ()):
                    continue
            except _Unknown:
                action = f"Add if {condition}"
        changes.append(stack.Change(action, str(logical_id), str(resource.get("Type", "")), ""))
    return stack.ChangeSet(stack_name, "", "CREATE", tuple(changes))  # no change set made


class _Unknown(Exception):  # noqa: N818 (internal signal, never raised out of this module)
    """A condition that cannot be decided offline (it refers to the account or region)."""


def _condition(
    name: str, conditions: Mapping[str, Any], parameters: Mapping[str, Any], seen: tuple[str, ...]
) -> bool:
    if name in seen or name not in conditions:
        raise _Unknown(name)
    return _truth(conditions[name], conditions, parameters, (*seen, name))


def _truth(
    expr: Any, conditions: Mapping[str, Any], parameters: Mapping[str, Any], seen: tuple[str, ...]
) -> bool:
    if not isinstance(expr, dict) or len(expr) != 1:
        raise _Unknown(str(expr))
    ((function, argument),) = expr.items()
    if function == "Condition":
        return _condition(argument, conditions, parameters, seen)
    if function == "Fn::Equals":
        left, right = (_scalar(a, parameters) for a in argument)
        return left == right
    operands = [_truth(a, conditions, parameters, seen) for a in argument]
    if function == "Fn::Not":
        return not operands[0]
    if function == "Fn::And":
        return all(operands)
    if function == "Fn::Or":
        return any(operands)
    raise _Unknown(function)


def _scalar(value: Any, parameters: Mapping[str, Any]) -> str:
    if isinstance(value, dict) and set(value) == {"Ref"} and value["Ref"] in parameters:
        value = parameters[value["Ref"]]
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return str(value)  # CloudFormation compares parameter values as strings
    raise _Unknown(str(value))


def preview_update(
    cfn: AwsClient,
    stack_name: str,
    body: str,
    parameters: list[dict[str, object]],
    waiting: stack.Waiting,
) -> stack.ChangeSet:
    """CloudFormation's preview of updating `stack_name`; the change set is always deleted."""
    name = "peluit-dry-run-" + datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    try:
        change_set = stack.create_change_set(
            cfn, stack_name, "UPDATE", None, parameters, waiting, name=name, template_body=body
        )
    finally:
        delete_preview(cfn, stack_name, name)
    return without_stripped_metadata(cfn, stack_name, change_set, json.loads(body))


def without_stripped_metadata(
    cfn: AwsClient, stack_name: str, change_set: stack.ChangeSet, sent: Mapping[str, Any]
) -> stack.ChangeSet:
    """The change set without the changes the preview body made itself by leaving out the
    resources' Metadata (`preview_template`): a Modify whose only scope is Metadata. Where the
    answer names no scope (moto), a Modify of a resource whose deployed definition, Metadata
    aside, is what was sent. The real deploy sends the whole template."""
    deployed: dict[str, Any] = {}
    if any(c.action == "Modify" and not c.scope for c in change_set.changes):
        try:
            answer = cfn.get_template(StackName=stack_name, TemplateStage="Original")
            text = answer["TemplateBody"]
            deployed = load_template(text if isinstance(text, str) else json.dumps(text))
        except (BotoCoreError, ClientError, DeployError, KeyError):
            deployed = {}  # keep every change: better noise than a hidden one

    def stripped_only(change: stack.Change) -> bool:
        if change.action != "Modify":
            return False
        if change.scope:
            return set(change.scope) == {"Metadata"}
        old = deployed.get("Resources", {}).get(change.logical_id)
        new = sent["Resources"].get(change.logical_id)
        if not isinstance(old, dict) or "Metadata" not in old:
            return False
        return bool({k: v for k, v in old.items() if k != "Metadata"} == new)

    kept = tuple(c for c in change_set.changes if not stripped_only(c))
    return stack.ChangeSet(change_set.stack_name, change_set.name, change_set.kind, kept)


def delete_preview(cfn: AwsClient, stack_name: str, name: str, pause: float = 1.0) -> None:
    """Delete the change set `name` (gone already is fine), retrying on errors."""
    last = ""
    for attempt in range(DELETE_ATTEMPTS):
        try:
            cfn.delete_change_set(StackName=stack_name, ChangeSetName=name)
        except ClientError as exc:
            if error_code(exc) == "ChangeSetNotFound" or "does not exist" in error_message(exc):
                return
            last = error_message(exc)
        except BotoCoreError as exc:
            last = str(exc)
        else:
            return
        time.sleep(pause * (attempt + 1))
    raise DeployError(
        f"the dry run's change set {name} could not be deleted ({last}); it changes nothing, "
        f"but delete it: aws cloudformation delete-change-set --stack-name {stack_name} "
        f"--change-set-name {name}"
    )


def dry_run(
    clients: AwsClients,
    stack_name: str,
    body: str | None,
    values: Mapping[str, str],
    template_keys: set[str],
    waiting: stack.Waiting,
    template: Mapping[str, Any] | None = None,
) -> stack.ChangeSet:
    """The changes deploying `body` (None: `template`, too big to send inline) with `values`
    would make, none of them made."""
    cfn = clients.cloudformation
    kind = stack.change_set_kind(stack.stack_status(cfn, stack_name), stack_name)
    if body is None and template is None:
        raise DeployError("a dry run needs the template")
    if kind == "CREATE":
        return planned_creation(template or json.loads(str(body)), stack_name, values)
    previous = stack.previous_parameters(cfn, stack_name)
    keep = sorted((previous & template_keys) - set(values))
    if body is None:
        return offline.update_preview(cfn, stack_name, template or {}, values, keep)
    return preview_update(cfn, stack_name, body, stack.parameter_list(values, keep), waiting)


def artifact_plan(s3: AwsClient, bucket: str, key: str, size: int) -> list[str]:
    """What a deploy would do in the artifacts bucket (looked at, not touched)."""
    if not buckets.bucket_exists(s3, bucket):
        return [
            f"Would create the artifacts bucket {bucket} and upload {key} "
            f"({size / 2**20:.1f} MiB) and the template."
        ]
    try:
        s3.head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        if error_code(exc) not in {"404", "NoSuchKey", "NotFound"}:
            raise DeployError(f"cannot read s3://{bucket}/{key}: {error_message(exc)}") from None
        return [f"Would upload {key} ({size / 2**20:.1f} MiB) to {bucket}."]
    return [f"{key} is already in {bucket}: the functions' code is unchanged."]
