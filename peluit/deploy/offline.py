"""A dry run's preview of an existing stack when the template is too big to send inline.

CloudFormation takes at most 51,200 bytes of `TemplateBody`; a change set of a bigger template
needs it uploaded to S3 (`TemplateURL`), which a dry run never does (docs/adr/0019). The
template outgrew the limit with issue 14 (notifications, alarms, statistics, replication), so
when even the compact body (`preview.template_body`) is too big, the dry run compares offline,
with reads only: the deployed template (`GetTemplate`), the stack's resources and parameter
values against the new template with the values the deploy would pass, its Conditions
evaluated as for a new stack.

* **Add**: a resource the new template creates (its Condition true, or undecided offline)
  that the stack does not have; **Remove**: one the stack has that the new template does not
  create;
* **Modify**: a resource whose definition changed (Metadata aside), or that names a parameter
  whose value changes (`Ref`, `${…}` in `Fn::Sub`). A change that reaches a resource only
  through another resource's attribute is not seen here.
* Replacement is unknown offline: every Modify says "maybe" (so the case bucket and key
  warnings show whenever they change). The real deploy shows CloudFormation's own change set
  before anything is executed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped]

from . import stack
from .aws import AwsClient, error_message
from .errors import DeployError

UNKNOWN_REPLACEMENT = "Conditional"  # shown as "maybe"
_SUB_NAME = re.compile(r"\$\{([A-Za-z0-9:]+)\}")


def parameter_keys(template: Mapping[str, Any]) -> set[str]:
    """The template's parameters, read from it (no GetTemplateSummary of a body too big)."""
    return {str(k) for k in template.get("Parameters", {})}


def update_preview(
    cfn: AwsClient,
    stack_name: str,
    template: Mapping[str, Any],
    values: Mapping[str, str],
    keep: list[str],
) -> stack.ChangeSet:
    """What updating `stack_name` to `template` with `values` (and the previous values of the
    parameters in `keep`) would change, decided offline."""
    from .preview import load_template, planned_creation  # preview imports this module

    try:
        body = cfn.get_template(StackName=stack_name, TemplateStage="Original")["TemplateBody"]
        described = cfn.describe_stacks(StackName=stack_name)["Stacks"][0]
        pages = cfn.get_paginator("list_stack_resources").paginate(StackName=stack_name)
        existing = {
            str(r["LogicalResourceId"]): str(r["ResourceType"])
            for page in pages
            for r in page["StackResourceSummaries"]
            if r.get("LogicalResourceId")
        }
    except (BotoCoreError, ClientError) as exc:
        raise DeployError(
            f"cannot read the deployed stack {stack_name}: {error_message(exc)}"
        ) from None
    deployed = load_template(body if isinstance(body, str) else json.dumps(body))["Resources"]
    previous = {str(p["ParameterKey"]): p.get("ParameterValue") for p in described["Parameters"]}
    after = {**{k: previous.get(k) for k in keep}, **values}
    changed = {k for k in set(previous) | set(after) if previous.get(k) != after.get(k)}
    resources = template["Resources"]
    planned = planned_creation(template, stack_name, {k: str(v) for k, v in after.items()})
    changes: list[stack.Change] = []
    for change in planned.changes:
        name = change.logical_id
        if name not in existing:
            changes.append(change)
        elif _definition(deployed.get(name)) != _definition(resources[name]) or _names(
            resources[name], changed
        ):
            changes.append(stack.Change("Modify", name, change.resource_type, UNKNOWN_REPLACEMENT))
    created = {c.logical_id for c in planned.changes}
    changes += [
        stack.Change("Remove", name, kind, "")
        for name, kind in sorted(existing.items())
        if name not in created
    ]
    return stack.ChangeSet(stack_name, "", "UPDATE", tuple(changes))


def _definition(resource: Any) -> Any:
    if not isinstance(resource, dict):
        return resource
    return {k: v for k, v in resource.items() if k != "Metadata"}


def _names(value: Any, parameters: set[str]) -> bool:
    """Whether `value` refers to one of `parameters` (Ref or a ${…} of Fn::Sub)."""
    if isinstance(value, dict):
        if value.get("Ref") in parameters:
            return True
        sub = value.get("Fn::Sub")
        text = sub[0] if isinstance(sub, list) and sub else sub
        if isinstance(text, str) and set(_SUB_NAME.findall(text)) & parameters:
            return True
        return any(_names(v, parameters) for v in value.values())
    if isinstance(value, list):
        return any(_names(v, parameters) for v in value)
    return False
