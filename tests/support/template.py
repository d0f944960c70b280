"""Reading `infra/peluit.yaml` in tests: cfn-lint's loader (it knows !Ref, !Sub, !GetAtt, !If)
and small helpers to look into resources and IAM policies."""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cfnlint.decode import decode_str  # type: ignore[import-untyped]

from peluit.store.keys import is_short_lived

TEMPLATE = Path(__file__).resolve().parents[2] / "infra" / "peluit.yaml"
CASE_OBJECT_PREFIX = "arn:${AWS::Partition}:s3:::${CaseBucketName}/"
CASE_BUCKET_ARN = "arn:${AWS::Partition}:s3:::${CaseBucketName}"
STAGING_BUCKET_ARN = "arn:${AWS::Partition}:s3:::${StagingBucketName}"
STAGING_OBJECT_PREFIX = STAGING_BUCKET_ARN + "/"


@functools.cache
def _decoded() -> dict[str, Any]:
    template, problems = decode_str(TEMPLATE.read_text(encoding="utf-8"))
    assert not problems, problems
    plain: dict[str, Any] = _plain(template)
    return plain


def load_template() -> dict[str, Any]:
    """A fresh copy of the template as plain dicts and lists."""
    return copy.deepcopy(_decoded())


def _plain(value: Any) -> Any:
    """cfn-lint's node classes (dicts and strings with line marks) as plain Python values."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def resource(template: dict[str, Any], logical_id: str) -> dict[str, Any]:
    found: dict[str, Any] = template["Resources"][logical_id]
    return found


def properties(template: dict[str, Any], logical_id: str) -> dict[str, Any]:
    found: dict[str, Any] = resource(template, logical_id)["Properties"]
    return found


def resources_of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def text(value: Any) -> str:
    """A string, or the text of a `!Sub` (with its `${…}` left as they are)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and "Fn::Sub" in value and isinstance(value["Fn::Sub"], str):
        return str(value["Fn::Sub"])
    raise AssertionError(f"not a string or !Sub: {value!r}")


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def statements(role: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every statement of an IAM role's inline policies."""
    for policy in role["Properties"].get("Policies", []):
        yield from policy["PolicyDocument"]["Statement"]


def allowed(role: dict[str, Any], action: str) -> list[str]:
    """The resources (as `!Sub` texts) on which `role` allows `action`."""
    out: list[str] = []
    for st in statements(role):
        if st["Effect"] == "Allow" and action in as_list(st["Action"]):
            out += [text(r) for r in as_list(st["Resource"])]
    return out


def object_patterns(role: dict[str, Any], action: str) -> list[str]:
    """The key patterns on which `role` allows `action` (e.g. `cases/*/state.json`), in
    whichever of the two buckets the S3 adapter routes those keys to: short-lived keys
    (`staging/`, `nonces/`) in the staging bucket, every other key in the case bucket. A grant
    in the wrong bucket fails here, so matching keys against the patterns is enough."""
    patterns = []
    for arn in allowed(role, action):
        if arn.startswith(STAGING_OBJECT_PREFIX):
            pattern = arn.removeprefix(STAGING_OBJECT_PREFIX)
            assert is_short_lived(pattern), (
                f"{action} on a lasting key in the staging bucket: {arn}"
            )
        else:
            assert arn.startswith(CASE_OBJECT_PREFIX), f"{action} outside both buckets: {arn}"
            pattern = arn.removeprefix(CASE_OBJECT_PREFIX)
            assert not is_short_lived(pattern), f"{action} on a short-lived key in the case bucket"
        patterns.append(pattern)
    return patterns


def iam_match(pattern: str, key: str) -> bool:
    """IAM resource matching: `*` is any run of characters (slashes too), `?` any one."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, key) is not None
