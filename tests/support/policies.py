"""The deployed permissions, offline: `infra/peluit.yaml`'s IAM role policies, bucket policies
and KMS key policy rendered with concrete values, and AWS requests evaluated against them by
the pinned simulator (`js/tools/policy-sim.mjs`, @cloud-copilot/iam-simulate) under node.

moto accepts every call whatever the policies say; this is the seam that checks what AWS
would decide (docs/testing.md). `render()` resolves `!Ref`, `!Sub`, `!GetAtt`, `!If` and
`!Join` with the account, region and names below; `evaluate()` runs one node process for a
whole batch of `IamRequest`s.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from cfnlint.decode import decode_str  # type: ignore[import-untyped]

from tests.support.js import node
from tests.support.template import TEMPLATE

ACCOUNT = "123456789012"
REGION = "ap-southeast-3"
PARTITION = "aws"
STACK = "peluit"
CASE_BUCKET = "peluit-cases-policy-test"
STAGING_BUCKET = "peluit-cases-policy-test-staging"
KEY_ID = "5f2c8a1e-0b7d-4c3e-9a61-2d8e4b1c9f07"
KEY_ARN = f"arn:{PARTITION}:kms:{REGION}:{ACCOUNT}:key/{KEY_ID}"
S3_VIA = f"s3.{REGION}.amazonaws.com"

# The stack's parameters as `peluit deploy` passes them (the others keep their defaults).
PARAMETERS: dict[str, str] = {
    "Prefix": STACK,
    "CaseBucketName": CASE_BUCKET,
    "StagingBucketName": STAGING_BUCKET,
    "ArtifactBucket": "peluit-artifacts-policy-test",
    "ArtifactKey": "functions/policy-test.zip",
}

# Which role runs which function's code (logical ids of infra/peluit.yaml).
ROLES = {
    "public": "PublicFunctionRole",
    "reviewer": "ReviewerFunctionRole",
    "replication": "ReplicationRole",  # S3's, with a backup bucket named (ADR 0047)
    "notify": "NotifyFunctionRole",  # the notification scan (peluit/notify/)
}

_NO_VALUE = object()  # AWS::NoValue: the property or list item is left out


class TemplateRenderError(Exception):
    """An intrinsic function or reference this renderer does not know how to resolve."""


@dataclass(frozen=True)
class Bucket:
    """An S3 bucket of the stack as the policies see it."""

    name: str
    logical_id: str
    kms_key_arn: str | None  # default SSE-KMS key, None for SSE-S3 or none
    bucket_key: bool  # S3 Bucket Keys: KMS sees the bucket's ARN as encryption context

    @property
    def arn(self) -> str:
        return f"arn:{PARTITION}:s3:::{self.name}"


@dataclass(frozen=True)
class Rendered:
    """The stack's policies with every intrinsic resolved."""

    role_arns: dict[str, str]  # "public" / "reviewer" -> role ARN
    role_policies: dict[str, list[dict[str, Any]]]  # "public" / "reviewer" -> documents
    bucket_policies: dict[str, dict[str, Any]]  # bucket name -> policy document
    buckets: dict[str, Bucket]  # bucket name -> facts
    key_policies: dict[str, dict[str, Any]]  # key ARN -> key policy

    def session_arn(self, role: str) -> str:
        """The principal a Lambda function's calls are made as: its role's session."""
        name = self.role_arns[role].rsplit("/", 1)[1]
        return f"arn:{PARTITION}:sts::{ACCOUNT}:assumed-role/{name}/{STACK}-{role}"


@dataclass(frozen=True)
class IamRequest:
    """One authorization AWS makes: `role` None is an anonymous (unsigned) request."""

    label: str  # what the test calls it, for failure messages
    role: str | None
    action: str
    resource: str
    context: Mapping[str, str | list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Decision:
    request: IamRequest
    decision: str  # Allowed, ExplicitlyDenied, ImplicitlyDenied or Error
    denied_by: tuple[str, ...]
    ignored_context_keys: tuple[str, ...]
    error: str | None

    def describe(self) -> str:
        r = self.request
        why = f" by {', '.join(self.denied_by)}" if self.denied_by else ""
        err = f" ({self.error})" if self.error else ""
        who = r.role or "anonymous"
        return f"{r.label}: {who} {r.action} {r.resource} -> {self.decision}{why}{err}"


# -- rendering ------------------------------------------------------------------------------


def render(text: str | None = None, parameters: Mapping[str, str] | None = None) -> Rendered:
    """The policies of `text` (default: infra/peluit.yaml as it is in the working tree)."""
    template, problems = decode_str(TEMPLATE.read_text(encoding="utf-8") if text is None else text)
    if problems:
        raise TemplateRenderError(f"the template does not parse: {problems}")
    resolver = _Resolver(template, {**PARAMETERS, **(parameters or {})})
    resources: dict[str, Any] = template["Resources"]

    buckets: dict[str, Bucket] = {}
    for logical, res in resources.items():
        if res["Type"] == "AWS::S3::Bucket" and "BucketName" in res.get("Properties", {}):
            buckets[resolver.ref(logical)] = _bucket(resolver, logical, res["Properties"])

    bucket_policies: dict[str, dict[str, Any]] = {}
    for res in resources.values():
        if res["Type"] == "AWS::S3::BucketPolicy":
            props = res["Properties"]
            bucket_policies[resolver.resolve(props["Bucket"])] = resolver.resolve(
                props["PolicyDocument"]
            )

    key_policies = {
        resolver.get_att(logical, "Arn"): resolver.resolve(res["Properties"]["KeyPolicy"])
        for logical, res in resources.items()
        if res["Type"] == "AWS::KMS::Key"
    }

    role_policies: dict[str, list[dict[str, Any]]] = {}
    for role, logical in ROLES.items():
        docs = [
            resolver.resolve(p["PolicyDocument"])
            for p in resources[logical]["Properties"].get("Policies", [])
        ]
        for res in resources.values():  # policies attached from outside the role
            if res["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
                props = res["Properties"]
                if logical in [_ref_target(r) for r in props.get("Roles", [])]:
                    docs.append(resolver.resolve(props["PolicyDocument"]))
        role_policies[role] = docs

    return Rendered(
        role_arns={role: resolver.get_att(logical, "Arn") for role, logical in ROLES.items()},
        role_policies=role_policies,
        bucket_policies=bucket_policies,
        buckets=buckets,
        key_policies=key_policies,
    )


def _ref_target(value: Any) -> str | None:
    return str(value["Ref"]) if isinstance(value, dict) and "Ref" in value else None


def _bucket(resolver: _Resolver, logical: str, props: dict[str, Any]) -> Bucket:
    kms_key: str | None = None
    bucket_key = False
    encryption = props.get("BucketEncryption", {}).get("ServerSideEncryptionConfiguration", [])
    for rule in encryption:
        default = rule.get("ServerSideEncryptionByDefault", {})
        if resolver.resolve(default.get("SSEAlgorithm")) in ("aws:kms", "aws:kms:dsse"):
            kms_key = resolver.resolve(default["KMSMasterKeyID"])
            bucket_key = bool(resolver.resolve(rule.get("BucketKeyEnabled", False)))
    return Bucket(resolver.ref(logical), logical, kms_key, bucket_key)


class _Resolver:
    """Resolves CloudFormation intrinsics against concrete parameters and made-up physical
    ids (a role's name is `<stack>-<LogicalId>`, the key's id is `KEY_ID`)."""

    _PSEUDO: ClassVar[dict[str, str]] = {
        "AWS::AccountId": ACCOUNT,
        "AWS::Region": REGION,
        "AWS::Partition": PARTITION,
        "AWS::StackName": STACK,
        "AWS::URLSuffix": "amazonaws.com",
    }

    def __init__(self, template: Mapping[str, Any], parameters: Mapping[str, str]) -> None:
        self._template = template
        self._resources: Mapping[str, Any] = template["Resources"]
        # A parameter without a test value or a default (one added since) gets a placeholder:
        # the policies compare against the names above, not against it.
        self._parameters = {
            str(name): str(parameters.get(name, spec.get("Default", f"policy-test-{name}")))
            for name, spec in template.get("Parameters", {}).items()
        }

    def resolve(self, value: Any) -> Any:
        if isinstance(value, dict):
            if len(value) == 1:
                ((name, arg),) = value.items()
                if name == "Ref":
                    return self.ref(str(arg))
                if name == "Fn::Sub":
                    return self._sub(arg)
                if name == "Fn::GetAtt":
                    logical, attribute = (
                        str(arg).split(".", 1) if isinstance(arg, str) else map(str, arg)
                    )
                    return self.get_att(logical, attribute)
                if name == "Fn::If":
                    condition, yes, no = arg
                    return self.resolve(yes if self._condition(str(condition)) else no)
                if name == "Fn::Join":
                    delimiter, items = arg
                    return str(delimiter).join(str(self.resolve(i)) for i in items)
                if name.startswith("Fn::"):
                    raise TemplateRenderError(f"{name} is not supported by the renderer")
            out = {str(k): self.resolve(v) for k, v in value.items()}
            return {k: v for k, v in out.items() if v is not _NO_VALUE}
        if isinstance(value, list):
            return [r for r in (self.resolve(v) for v in value) if r is not _NO_VALUE]
        if isinstance(value, str):
            return str(value)
        return value

    def ref(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return _NO_VALUE
        if name in self._PSEUDO:
            return self._PSEUDO[name]
        if name in self._parameters:
            return self._parameters[name]
        res = self._resources.get(name)
        if res is None:
            raise TemplateRenderError(f"!Ref {name}: no such parameter or resource")
        props = res.get("Properties", {})
        kind = res["Type"]
        if kind == "AWS::S3::Bucket":
            if "BucketName" not in props:
                return f"{STACK}-{name.lower()}-0a1b2c3d4e5f"
            return str(self.resolve(props["BucketName"]))
        if kind == "AWS::KMS::Key":
            return KEY_ID
        if kind == "AWS::IAM::Role":
            return str(self.resolve(props.get("RoleName", f"{STACK}-{name}")))
        if kind == "AWS::Logs::LogGroup":
            return str(self.resolve(props["LogGroupName"]))
        if kind == "AWS::Lambda::Function":
            return str(self.resolve(props.get("FunctionName", f"{STACK}-{name}")))
        return f"{name.lower()}0a1b2c3d"  # ids nothing in a policy compares against

    def get_att(self, logical: str, attribute: str) -> str:
        kind = self._resources.get(logical, {}).get("Type")
        if kind is None:
            raise TemplateRenderError(f"!GetAtt {logical}.{attribute}: no such resource")
        name = self.ref(logical)
        known = {
            ("AWS::S3::Bucket", "Arn"): f"arn:{PARTITION}:s3:::{name}",
            ("AWS::S3::Bucket", "RegionalDomainName"): f"{name}.s3.{REGION}.amazonaws.com",
            ("AWS::KMS::Key", "Arn"): KEY_ARN,
            ("AWS::IAM::Role", "Arn"): f"arn:{PARTITION}:iam::{ACCOUNT}:role/{name}",
            ("AWS::Logs::LogGroup", "Arn"): (
                f"arn:{PARTITION}:logs:{REGION}:{ACCOUNT}:log-group:{name}:*"
            ),
            ("AWS::Lambda::Function", "Arn"): (
                f"arn:{PARTITION}:lambda:{REGION}:{ACCOUNT}:function:{name}"
            ),
            ("AWS::CloudFront::Distribution", "DomainName"): "d111111abcdef8.cloudfront.net",
        }
        try:
            return known[(kind, attribute)]
        except KeyError:
            raise TemplateRenderError(f"!GetAtt {logical}.{attribute} ({kind})") from None

    def _sub(self, arg: Any) -> str:
        text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])
        local = {str(k): self.resolve(v) for k, v in variables.items()}

        def one(match: re.Match[str]) -> str:
            inner = match.group(1)
            if inner.startswith("!"):
                return "${" + inner[1:] + "}"
            if inner in local:
                return str(local[inner])
            if "." in inner:
                logical, attribute = inner.split(".", 1)
                return self.get_att(logical, attribute)
            return str(self.ref(inner))

        return re.sub(r"\$\{([^}]+)\}", one, str(text))

    def _condition(self, name: str) -> bool:
        return self._truth(self._template["Conditions"][name])

    def _truth(self, expr: Any) -> bool:
        ((op, arg),) = expr.items()
        if op == "Fn::Not":
            return not self._truth(arg[0])
        if op == "Fn::And":
            return all(self._truth(a) for a in arg)
        if op == "Fn::Or":
            return any(self._truth(a) for a in arg)
        if op == "Fn::Equals":
            left, right = (self.resolve(a) for a in arg)
            return str(left) == str(right)
        if op == "Condition":
            return self._condition(str(arg))
        raise TemplateRenderError(f"condition {op} is not supported")


# -- evaluation -----------------------------------------------------------------------------


def evaluate(rendered: Rendered, requests: Sequence[IamRequest]) -> list[Decision]:
    """Every request's decision, in order, from one run of the simulator.

    S3 requests are judged against the principal's role policies and the bucket's policy (with
    S3 Block Public Access on, as on both buckets); KMS requests against the role policies and
    the key policy."""
    policies: dict[str, Any] = {}
    for role, documents in rendered.role_policies.items():
        for n, document in enumerate(documents):
            policies[f"{role}-role-{n}"] = document
    for bucket, document in rendered.bucket_policies.items():
        policies[f"bucket:{bucket}"] = document
    for key, document in rendered.key_policies.items():
        policies[f"key:{key}"] = document

    batch = []
    for r in requests:
        identity = (
            [f"{r.role}-role-{n}" for n in range(len(rendered.role_policies[r.role]))]
            if r.role is not None
            else []
        )
        batch.append(
            {
                "principal": rendered.session_arn(r.role) if r.role is not None else None,
                "action": r.action,
                "resource": r.resource,
                "account": ACCOUNT,
                "context": _with_principal_keys(rendered, r),
                "identity": identity,
                "resource_policy": _resource_policy(rendered, r.resource, policies),
                "block_public_access": True,
            }
        )
    out = node(
        "policy-sim.mjs", stdin=json.dumps({"policies": policies, "requests": batch}).encode()
    )
    lines = out.decode().splitlines()
    if len(lines) != len(requests):
        raise AssertionError(f"the simulator answered {len(lines)} of {len(requests)} requests")
    decisions = []
    for request, line in zip(requests, lines, strict=True):
        answer = json.loads(line)
        decisions.append(
            Decision(
                request,
                str(answer["decision"]),
                tuple(answer.get("denied_by", ())),
                tuple(answer.get("ignored_context_keys", ())),
                answer.get("error"),
            )
        )
    return decisions


def _with_principal_keys(rendered: Rendered, r: IamRequest) -> dict[str, str | list[str]]:
    """The request's context plus the keys AWS sets for every signed request."""
    context: dict[str, str | list[str]] = dict(r.context)
    if r.role is not None:
        context.setdefault("aws:PrincipalArn", rendered.role_arns[r.role])
        context.setdefault("aws:PrincipalAccount", ACCOUNT)
        context.setdefault("aws:PrincipalType", "AssumedRole")
    return context


def _resource_policy(rendered: Rendered, resource: str, named: Mapping[str, Any]) -> str | None:
    if resource.startswith(f"arn:{PARTITION}:s3:::"):
        bucket = resource.removeprefix(f"arn:{PARTITION}:s3:::").split("/", 1)[0]
        name = f"bucket:{bucket}"
    else:
        name = f"key:{resource}"
    return name if name in named else None


def tally(decisions: Iterable[Decision]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for d in decisions:
        counts[d.decision] = counts.get(d.decision, 0) + 1
    return dict(sorted(counts.items()))
