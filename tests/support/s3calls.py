"""Every S3 call a function makes, as AWS would authorize it.

`S3CallRecorder.attach(client, role)` hooks a boto3 S3 client's own event system (the
production client of `peluit.store.s3.make_s3_client`): `before-parameter-build` keeps the
operation's parameters, `before-sign` records the request as it is signed, headers included,
for ordinary calls and for presigned URLs alike (a presigned PUT or GET is signed with the
function's role, so AWS authorizes the browser's request as that role's call). `iam_requests`
turns each recorded call into the authorizations AWS makes for it (tests/support/policies.py
evaluates them):

| call                        | authorizations                                               |
|-----------------------------|--------------------------------------------------------------|
| PutObject (also presigned)  | s3:PutObject on the key; kms:GenerateDataKey via S3          |
| CopyObject                  | s3:PutObject on the copy, s3:GetObject on the source;        |
|                             | kms:Decrypt (source) and kms:GenerateDataKey (copy) via S3   |
| GetObject (also presigned)  | s3:GetObject; kms:Decrypt via S3                             |
| HeadObject                  | s3:GetObject                                                 |
| ListObjectsV2               | s3:ListBucket on the bucket, with s3:prefix                  |
| any read answered 404       | also s3:ListBucket on the bucket: without it S3 answers 403, |
|                             | which the store cannot tell from a refusal                   |

The condition keys are those the request carries: every `x-amz-…` header and `If-Match` /
`If-None-Match` become `s3:<header>` (the simulator drops the ones an action does not
define), `aws:SecureTransport` comes from the URL's scheme, `s3:authType` from presigned or
not, and `s3:TlsVersion` is 1.3 (what botocore and browsers negotiate with S3 today).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import partial
from typing import Any
from urllib.parse import unquote, urlsplit

from tests.support.policies import ACCOUNT, PARTITION, REGION, S3_VIA, IamRequest, Rendered

TLS_VERSION = "1.3"
_STASH = "peluit_policy_call"
_INDEX = "peluit_policy_index"
_HEADER_KEYS = ("if-match", "if-none-match")  # S3 condition keys not spelled x-amz-…


class UnmappedCallError(Exception):
    """A recorded S3 operation this module does not know how to authorize."""


@dataclass(frozen=True)
class S3Call:
    role: str  # "public" or "reviewer": whose function made (or presigned) the call
    operation: str  # the S3 API operation, e.g. PutObject
    presigned: bool
    bucket: str
    key: str | None
    source: tuple[str, str] | None  # CopyObject's source bucket and key
    prefix: str | None  # ListObjectsV2's prefix
    headers: Mapping[str, str]  # lower-case names, as signed
    secure: bool  # https
    missing: bool = False  # S3 answered 404 (a HEAD or GET of a key that is not there)

    def describe(self) -> str:
        where = f"{self.bucket}/{self.key}" if self.key is not None else self.bucket
        kind = "presigned " if self.presigned else ""
        return f"{self.role} {kind}{self.operation} {where}"


class S3CallRecorder:
    """Collects `S3Call`s from the clients attached to it (thread-safe)."""

    def __init__(self) -> None:
        self.calls: list[S3Call] = []
        self._lock = threading.Lock()

    def attach(self, client: Any, role: str) -> None:
        events = client.meta.events
        tag = f"{id(self)}-{id(client)}"
        events.register("before-parameter-build.s3", _stash, unique_id=f"policy-params-{tag}")
        events.register(
            "before-sign.s3", partial(self._signed, role), unique_id=f"policy-sign-{tag}"
        )
        events.register("after-call.s3", self._answered, unique_id=f"policy-answer-{tag}")

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()

    def _signed(self, role: str, request: Any, operation_name: str, **_: Any) -> None:
        stash = request.context.get(_STASH)
        if stash is None or stash["operation"] != operation_name:
            raise UnmappedCallError(f"{operation_name} was signed without its parameters")
        params: dict[str, Any] = stash["params"]
        call = S3Call(
            role=role,
            operation=operation_name,
            presigned=bool(request.context.get("is_presign_request")),
            bucket=str(params["Bucket"]),
            key=str(params["Key"]) if "Key" in params else None,
            source=_copy_source(params.get("CopySource")),
            prefix=str(params["Prefix"]) if "Prefix" in params else None,
            headers={str(k).lower(): str(v) for k, v in request.headers.items()},
            secure=urlsplit(str(request.url)).scheme == "https",
        )
        with self._lock:
            request.context[_INDEX] = len(self.calls)
            self.calls.append(call)

    def _answered(self, http_response: Any, context: Mapping[str, Any], **_: Any) -> None:
        index = context.get(_INDEX)
        if index is not None and http_response.status_code == 404:
            with self._lock:
                self.calls[index] = replace(self.calls[index], missing=True)


def _stash(params: Mapping[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
    context[_STASH] = {"operation": model.name, "params": dict(params)}


def _copy_source(value: Any) -> tuple[str, str] | None:
    if value is None:
        return None
    if isinstance(value, Mapping):
        return str(value["Bucket"]), str(value["Key"])
    bucket, key = unquote(str(value)).lstrip("/").split("/", 1)
    return bucket, key.split("?versionId=", 1)[0]


# -- what AWS authorizes ----------------------------------------------------------------------


def s3_context(call: S3Call) -> dict[str, str | list[str]]:
    """The condition keys S3 evaluates for `call`."""
    context: dict[str, str | list[str]] = {
        "aws:SecureTransport": "true" if call.secure else "false",
        "aws:RequestedRegion": REGION,
        "s3:signatureversion": "AWS4-HMAC-SHA256",
        "s3:authType": "REST-QUERY-STRING" if call.presigned else "REST-HEADER",
    }
    if call.secure:
        context["s3:TlsVersion"] = TLS_VERSION
    for name, value in call.headers.items():
        if name.startswith("x-amz-") or name in _HEADER_KEYS:
            context[f"s3:{name}"] = value
    if call.prefix is not None:
        context["s3:prefix"] = call.prefix
    return context


def kms_context(rendered: Rendered, bucket: str, key: str) -> dict[str, str | list[str]]:
    """What KMS sees when S3 uses the bucket's key for the caller (kms:ViaService S3)."""
    facts = rendered.buckets[bucket]
    arn = facts.arn if facts.bucket_key else f"{facts.arn}/{key}"
    return {
        "kms:ViaService": S3_VIA,
        "kms:CallerAccount": ACCOUNT,
        "kms:EncryptionContext:aws:s3:arn": arn,
        "kms:EncryptionContextKeys": ["aws:s3:arn"],
        "aws:SecureTransport": "true",
    }


def iam_requests(rendered: Rendered, calls: Iterable[S3Call]) -> list[IamRequest]:
    out: list[IamRequest] = []
    for call in calls:
        out += _authorizations(rendered, call)
    return out


def _object_arn(bucket: str, key: str) -> str:
    return f"arn:{PARTITION}:s3:::{bucket}/{key}"


def _kms(rendered: Rendered, call: S3Call, action: str, bucket: str, key: str) -> list[IamRequest]:
    facts = rendered.buckets.get(bucket)
    if facts is None:
        raise UnmappedCallError(f"{call.describe()}: bucket {bucket} is not in the template")
    if facts.kms_key_arn is None:
        return []
    return [
        IamRequest(
            f"{call.describe()} (SSE-KMS)",
            call.role,
            action,
            facts.kms_key_arn,
            kms_context(rendered, bucket, key),
        )
    ]


def _authorizations(rendered: Rendered, call: S3Call) -> list[IamRequest]:
    label = call.describe()
    context = s3_context(call)
    op, bucket, key = call.operation, call.bucket, call.key
    if op in ("PutObject", "GetObject", "HeadObject", "CopyObject") and key is None:
        raise UnmappedCallError(f"{label}: no key")
    if op == "PutObject" and key is not None:
        return [
            IamRequest(label, call.role, "s3:PutObject", _object_arn(bucket, key), context),
            *_kms(rendered, call, "kms:GenerateDataKey", bucket, key),
        ]
    if op == "GetObject" and key is not None:
        return [
            IamRequest(label, call.role, "s3:GetObject", _object_arn(bucket, key), context),
            *_kms(rendered, call, "kms:Decrypt", bucket, key),
        ]
    if call.missing:  # S3 answers 404 rather than 403 only to a caller who may list
        bucket_arn = f"arn:{PARTITION}:s3:::{bucket}"
        return [
            IamRequest(label, call.role, "s3:GetObject", _object_arn(bucket, key or ""), context),
            IamRequest(f"{label} (404, not 403)", call.role, "s3:ListBucket", bucket_arn, context),
        ]
    if op == "HeadObject" and key is not None:
        return [IamRequest(label, call.role, "s3:GetObject", _object_arn(bucket, key), context)]
    if op == "CopyObject" and key is not None and call.source is not None:
        src_bucket, src_key = call.source
        read = {k: v for k, v in context.items() if not k.startswith("s3:x-amz-")}
        return [
            IamRequest(label, call.role, "s3:PutObject", _object_arn(bucket, key), context),
            IamRequest(
                f"{label} (copy source)",
                call.role,
                "s3:GetObject",
                _object_arn(src_bucket, src_key),
                read,
            ),
            *_kms(rendered, call, "kms:Decrypt", src_bucket, src_key),
            *_kms(rendered, call, "kms:GenerateDataKey", bucket, key),
        ]
    if op == "ListObjectsV2":
        return [
            IamRequest(label, call.role, "s3:ListBucket", f"arn:{PARTITION}:s3:::{bucket}", context)
        ]
    raise UnmappedCallError(f"{label}: no authorization mapping for {op}")
