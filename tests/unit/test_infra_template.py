"""The CloudFormation template keeps every security and privacy property it promises.

Each test reads `infra/peluit.yaml` (through cfn-lint's loader) and checks one property; the
CORS headers are compared with what the S3 adapter really signs, the routes with the published
OpenAPI document (the CloudFront edge with peluit/edge, in tests/unit/test_edge_template.py).
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped]
import pytest
from cfnlint.api import ManualArgs, lint  # type: ignore[import-untyped]

from peluit.store.s3 import S3Store, make_s3_client
from tests.support.template import (
    CASE_BUCKET_ARN,
    STAGING_BUCKET_ARN,
    TEMPLATE,
    allowed,
    as_list,
    load_template,
    object_patterns,
    properties,
    resource,
    resources_of_type,
    statements,
    text,
)

pytestmark = pytest.mark.unit

OPENAPI_DIR = Path(__file__).resolve().parents[2] / "docs" / "api"
FUNCTION_ROLES = ("PublicFunctionRole", "ReviewerFunctionRole", "NotifyFunctionRole")
DESTRUCTIVE = (
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
    "s3:PutObjectRetention",
    "s3:BypassGovernanceRetention",
    "s3:PutObjectLegalHold",
    "s3:PutBucketObjectLockConfiguration",
    "s3:PutLifecycleConfiguration",
)
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"


@pytest.fixture
def template() -> dict[str, Any]:
    return load_template()


def test_cfn_lint_finds_nothing_in_the_template() -> None:
    matches = lint(
        TEMPLATE.read_text(encoding="utf-8"),
        config=ManualArgs(regions=["ap-southeast-3"]),
    )
    assert [str(m) for m in matches] == []


# -- the case bucket --------------------------------------------------------------------------


def test_case_bucket_is_versioned(template: dict[str, Any]) -> None:
    assert properties(template, "CaseBucket")["VersioningConfiguration"] == {"Status": "Enabled"}


def test_case_bucket_has_object_lock_with_a_parameterised_mode_governance_by_default(
    template: dict[str, Any],
) -> None:
    bucket = properties(template, "CaseBucket")
    assert bucket["ObjectLockEnabled"] is True
    lock = bucket["ObjectLockConfiguration"]
    assert lock["ObjectLockEnabled"] == "Enabled"
    assert lock["Rule"]["DefaultRetention"] == {
        "Mode": {"Ref": "ObjectLockMode"},
        "Days": {"Ref": "ObjectLockRetentionDays"},
    }
    mode = template["Parameters"]["ObjectLockMode"]
    assert mode["Default"] == "GOVERNANCE"
    assert sorted(mode["AllowedValues"]) == ["COMPLIANCE", "GOVERNANCE"]


def test_case_bucket_is_encrypted_with_the_rotating_customer_key_and_a_bucket_key(
    template: dict[str, Any],
) -> None:
    (rule,) = properties(template, "CaseBucket")["BucketEncryption"][
        "ServerSideEncryptionConfiguration"
    ]
    assert rule["ServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms",
        "KMSMasterKeyID": {"Fn::GetAtt": ["CaseKey", "Arn"]},
    }
    assert rule["BucketKeyEnabled"] is True
    key = resource(template, "CaseKey")
    assert key["Type"] == "AWS::KMS::Key"
    assert key["Properties"]["EnableKeyRotation"] is True


def test_stack_deletion_keeps_the_case_bucket_and_its_key(template: dict[str, Any]) -> None:
    for logical_id in ("CaseBucket", "CaseKey"):
        assert resource(template, logical_id)["DeletionPolicy"] == "Retain"
        assert resource(template, logical_id)["UpdateReplacePolicy"] == "Retain"


@pytest.mark.parametrize("bucket", ["CaseBucket", "SiteBucket"])
def test_buckets_block_every_kind_of_public_access(template: dict[str, Any], bucket: str) -> None:
    assert properties(template, bucket)["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert properties(template, bucket)["OwnershipControls"] == {
        "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]
    }


@pytest.mark.parametrize(
    ("policy", "bucket"), [("CaseBucketPolicy", "CaseBucket"), ("SiteBucketPolicy", "SiteBucket")]
)
def test_bucket_policies_refuse_requests_without_tls(
    template: dict[str, Any], policy: str, bucket: str
) -> None:
    document = properties(template, policy)["PolicyDocument"]
    denials = [
        st
        for st in document["Statement"]
        if st["Effect"] == "Deny"
        and st.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}
    ]
    assert len(denials) == 1
    (deny,) = denials
    assert deny["Principal"] == "*"
    assert deny["Action"] == "s3:*"
    assert deny["Resource"] == [
        {"Fn::GetAtt": [bucket, "Arn"]},
        {"Fn::Sub": "${" + bucket + ".Arn}/*"},
    ]


SSE_HEADER = "s3:x-amz-server-side-encryption"
SSE_KEY_HEADER = "s3:x-amz-server-side-encryption-aws-kms-key-id"
SSE_C_HEADER = "s3:x-amz-server-side-encryption-customer-algorithm"
CASE_KEY_ARN = {"Fn::GetAtt": ["CaseKey", "Arn"]}


def _put_denials(template: dict[str, Any], policy: str) -> list[dict[str, Any]]:
    document = properties(template, policy)["PolicyDocument"]
    return [
        st["Condition"]
        for st in document["Statement"]
        if st["Effect"] == "Deny" and st["Action"] == "s3:PutObject"
    ]


@pytest.mark.parametrize("policy", ["CaseBucketPolicy", "StagingBucketPolicy"])
def test_buckets_refuse_puts_asking_for_other_encryption(
    template: dict[str, Any], policy: str
) -> None:
    conditions = _put_denials(template, policy)
    assert {"Null": {SSE_HEADER: "false"}, "StringNotEquals": {SSE_HEADER: "aws:kms"}} in conditions
    assert {
        "StringEquals": {SSE_HEADER: "aws:kms"},
        "StringNotEqualsIfExists": {SSE_KEY_HEADER: CASE_KEY_ARN},
    } in conditions
    assert {
        "Null": {SSE_KEY_HEADER: "false"},
        "StringNotEquals": {SSE_KEY_HEADER: CASE_KEY_ARN},
    } in conditions
    assert {"Null": {SSE_C_HEADER: "false"}} in conditions


@pytest.mark.parametrize("policy", ["CaseBucketPolicy", "StagingBucketPolicy"])
def test_no_encryption_deny_matches_a_put_that_sends_no_encryption_header(
    template: dict[str, Any], policy: str
) -> None:
    """A request without SSE headers (every boto3 put and copy of the functions, every
    presigned browser PUT) makes an `...IfExists` condition on those keys true: such a Deny
    would refuse them all (AWS docs; reproduced with the policy simulator in
    tests/functional/test_policy*.py). Each encryption Deny must need a header present."""
    sse_keys = {SSE_HEADER, SSE_KEY_HEADER, SSE_C_HEADER}
    for condition in _put_denials(template, policy):
        present = {k for k, v in condition.get("Null", {}).items() if v == "false"}
        present |= set(condition.get("StringEquals", {}))
        for operator, keys in condition.items():
            if operator.endswith("IfExists") and set(keys) & sse_keys:
                assert present & sse_keys, f"{operator} alone denies requests without the header"


def test_staging_bucket_expires_uploads_and_nonces_without_object_lock(
    template: dict[str, Any],
) -> None:
    bucket = properties(template, "StagingBucket")
    assert "ObjectLockEnabled" not in bucket
    assert "ObjectLockConfiguration" not in bucket
    assert "VersioningConfiguration" not in bucket  # expiry deletes; no versions linger
    rules = {r["Id"]: r for r in bucket["LifecycleConfiguration"]["Rules"]}
    assert all(r["Status"] == "Enabled" for r in rules.values())
    by_prefix = {r.get("Prefix"): r for r in rules.values()}
    assert by_prefix["staging/"]["ExpirationInDays"] == 2
    assert by_prefix["nonces/"]["ExpirationInDays"] == 1
    aborts = [r for r in rules.values() if "AbortIncompleteMultipartUpload" in r]
    assert [(r.get("Prefix"), r["AbortIncompleteMultipartUpload"]) for r in aborts] == [
        (None, {"DaysAfterInitiation": 1})
    ]
    encryption = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert encryption["ServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms",
        "KMSMasterKeyID": CASE_KEY_ARN,
    }


def test_nothing_short_lived_is_written_to_the_locked_case_bucket(
    template: dict[str, Any],
) -> None:
    """Object Lock's default retention covers every new version in the case bucket, whatever
    its prefix: no role may write staged uploads or nonces there, and no rule pretends to
    expire anything in it."""
    rules = properties(template, "CaseBucket")["LifecycleConfiguration"]["Rules"]
    assert not [r for r in rules if "ExpirationInDays" in r or "Prefix" in r]
    for role in FUNCTION_ROLES:
        granted = statements(resource(template, role))
        for st in granted:
            if st["Effect"] == "Allow" and "s3:PutObject" in as_list(st["Action"]):
                for arn in map(text, as_list(st["Resource"])):
                    assert not (
                        arn.startswith("arn:${AWS::Partition}:s3:::${CaseBucketName}/")
                        and arn.split("/", 1)[1].startswith(("staging/", "nonces/"))
                    ), (role, arn)


def test_the_s3_adapter_routes_short_lived_keys_to_the_staging_bucket(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")  # presigning is offline
    client = make_s3_client()  # the functions' client: regional, virtual-hosted
    store = S3Store(client, "peluit-cases", "peluit-cases-staging")
    segment = "staging/0123456789abcdef0123456789abcdef/00/00000.age"
    ticket = store.presign_put(segment, 1234, bytes(32), timedelta(minutes=5))
    assert ticket.url.startswith("https://peluit-cases-staging.s3.ap-southeast-3.amazonaws.com/")
    assert store.bucket_for("nonces/ab") == "peluit-cases-staging"
    assert store.bucket_for("cases/0123456789abcdef/report.age") == "peluit-cases"
    assert store.bucket_for("lookup/ab.json") == "peluit-cases"


def test_staging_bucket_cors_lets_only_the_site_origin_put(template: dict[str, Any]) -> None:
    assert "CorsConfiguration" not in properties(template, "CaseBucket")
    (rule,) = properties(template, "StagingBucket")["CorsConfiguration"]["CorsRules"]
    assert rule["AllowedMethods"] == ["PUT"]
    assert rule["AllowedOrigins"] == [
        {
            "Fn::If": [
                "HasDomain",
                {"Fn::Sub": "https://${SiteDomain}"},
                {"Fn::Sub": "https://${Distribution.DomainName}"},
            ]
        }
    ]
    assert sorted(rule["AllowedHeaders"]) == [
        "content-type",
        "if-none-match",
        "x-amz-checksum-sha256",
    ]
    assert "ExposedHeaders" not in rule


def test_staging_bucket_cors_allows_every_header_the_presigned_put_signs(
    template: dict[str, Any],
) -> None:
    client = boto3.client(
        "s3",
        region_name="ap-southeast-3",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",  # noqa: S106 (presigning is offline)
    )
    ticket = S3Store(client, "peluit-cases", "peluit-cases-staging").presign_put(
        "staging/0123456789abcdef0123456789abcdef/00/00000.age",
        1234,
        bytes(32),
        timedelta(minutes=5),
    )
    (rule,) = properties(template, "StagingBucket")["CorsConfiguration"]["CorsRules"]
    assert ticket.method in rule["AllowedMethods"]
    assert {h.lower() for h in ticket.headers} <= set(rule["AllowedHeaders"])


# -- nothing records who a reporter is ---------------------------------------------------------


def test_no_bucket_has_server_access_logging(template: dict[str, Any]) -> None:
    for bucket in resources_of_type(template, "AWS::S3::Bucket").values():
        assert "LoggingConfiguration" not in bucket["Properties"]


def test_the_api_stage_has_no_access_log(template: dict[str, Any]) -> None:
    for stage in resources_of_type(template, "AWS::ApiGatewayV2::Stage").values():
        assert "AccessLogSettings" not in stage["Properties"]
        assert stage["Properties"]["DefaultRouteSettings"]["DetailedMetricsEnabled"] is False
    body = TEMPLATE.read_text(encoding="utf-8")
    for variable in ("sourceIp", "userAgent", "$context.identity"):
        assert variable not in body


def test_cloudfront_has_no_standard_or_realtime_logging(template: dict[str, Any]) -> None:
    config = properties(template, "Distribution")["DistributionConfig"]
    assert "Logging" not in config
    for behavior in [config["DefaultCacheBehavior"], *config["CacheBehaviors"]]:
        assert "RealtimeLogConfigArn" not in behavior


def test_no_trail_log_delivery_or_tracing_resources_exist(template: dict[str, Any]) -> None:
    kinds = {r["Type"] for r in template["Resources"].values()}
    forbidden = {
        "AWS::CloudTrail::Trail",
        "AWS::CloudFront::RealtimeLogConfig",
        "AWS::Logs::Delivery",
        "AWS::Logs::DeliverySource",
        "AWS::Logs::DeliveryDestination",
        "AWS::EC2::FlowLog",
        "AWS::WAFv2::LoggingConfiguration",
    }
    assert not kinds & forbidden
    for function in resources_of_type(template, "AWS::Lambda::Function").values():
        assert "TracingConfig" not in function["Properties"]


# -- CloudFront ---------------------------------------------------------------------------------


def test_site_origin_is_read_through_origin_access_control(template: dict[str, Any]) -> None:
    config = properties(template, "Distribution")["DistributionConfig"]
    site = next(o for o in config["Origins"] if o["Id"] == "site")
    assert site["OriginAccessControlId"] == {"Fn::GetAtt": ["SiteOriginAccessControl", "Id"]}
    assert site["S3OriginConfig"] == {"OriginAccessIdentity": ""}
    oac = properties(template, "SiteOriginAccessControl")["OriginAccessControlConfig"]
    assert (oac["OriginAccessControlOriginType"], oac["SigningBehavior"]) == ("s3", "always")
    assert oac["SigningProtocol"] == "sigv4"
    (read, listing, _deny) = properties(template, "SiteBucketPolicy")["PolicyDocument"]["Statement"]
    for grant in (read, listing):
        assert grant["Principal"] == {"Service": "cloudfront.amazonaws.com"}
        assert "Distribution" in text(grant["Condition"]["StringEquals"]["AWS:SourceArn"])


def test_every_behavior_is_https_only_and_carries_the_security_headers(
    template: dict[str, Any],
) -> None:
    config = properties(template, "Distribution")["DistributionConfig"]
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    for behavior in [config["DefaultCacheBehavior"], *config["CacheBehaviors"]]:
        assert behavior["ViewerProtocolPolicy"] in {"redirect-to-https", "https-only"}
        assert behavior["ResponseHeadersPolicyId"] == {"Ref": "SecurityHeadersPolicy"}
    api = next(o for o in config["Origins"] if o["Id"] == "api")
    assert api["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"


# The response headers policy, the site function, the error responses and the headers the API
# behaviour forwards are compared with their one definition, peluit/edge, in
# tests/unit/test_edge_template.py.


def test_api_behavior_serves_the_http_api_on_the_site_origin_uncached(
    template: dict[str, Any],
) -> None:
    config = properties(template, "Distribution")["DistributionConfig"]
    (api,) = config["CacheBehaviors"]
    assert api["PathPattern"] == "/api/*"
    assert api["TargetOriginId"] == "api"
    assert api["CachePolicyId"] == CACHING_DISABLED
    assert {"GET", "POST", "PUT", "DELETE", "OPTIONS"} <= set(api["AllowedMethods"])
    origin = next(o for o in config["Origins"] if o["Id"] == "api")
    assert text(origin["DomainName"]) == "${HttpApi}.execute-api.${AWS::Region}.amazonaws.com"
    assert api["OriginRequestPolicyId"] == {"Ref": "ApiOriginRequestPolicy"}


# -- the API ------------------------------------------------------------------------------------


def test_http_api_routes_are_exactly_the_public_and_reviewer_ones(
    template: dict[str, Any],
) -> None:
    routes = {
        r["Properties"]["RouteKey"]: text(r["Properties"]["Target"])
        for r in resources_of_type(template, "AWS::ApiGatewayV2::Route").values()
    }
    assert routes == {
        "POST /api/v1/submissions/{submission}/uploads": "integrations/${PublicIntegration}",
        "POST /api/v1/submissions/{submission}/finalize": "integrations/${PublicIntegration}",
        "POST /api/v1/followup/status": "integrations/${PublicIntegration}",
        "POST /api/v1/followup/messages": "integrations/${PublicIntegration}",
        "POST /api/v1/followup/evidence": "integrations/${PublicIntegration}",
        "POST /api/v1/followup/files": "integrations/${PublicIntegration}",
        "GET /api/v1/stats": "integrations/${PublicIntegration}",  # the published statistics
        "ANY /api/v1/review/{proxy+}": "integrations/${ReviewerIntegration}",
    }


def route_matches(route_key: str, method: str, path: str) -> bool:
    """API Gateway's matching: `{name}` is one segment, a final `{name+}` one or more."""
    route_method, route_path = route_key.split(" ", 1)
    if route_method not in {"ANY", method}:
        return False
    want, have = route_path.strip("/").split("/"), path.strip("/").split("/")
    if want[-1].endswith("+}"):
        return len(have) >= len(want) and all(
            w.startswith("{") or w == h for w, h in zip(want[:-1], have, strict=False)
        )
    return len(want) == len(have) and all(
        w.startswith("{") or w == h for w, h in zip(want, have, strict=True)
    )


@pytest.mark.parametrize(
    "document", sorted(OPENAPI_DIR.glob("*-openapi.json")), ids=lambda p: p.stem
)
def test_every_published_api_operation_reaches_its_function(
    template: dict[str, Any], document: Path
) -> None:
    integration = {"public": "PublicIntegration", "reviewer": "ReviewerIntegration"}[
        document.stem.removesuffix("-openapi")
    ]
    routes = {
        r["Properties"]["RouteKey"]: text(r["Properties"]["Target"])
        for r in resources_of_type(template, "AWS::ApiGatewayV2::Route").values()
    }
    paths = json.loads(document.read_text(encoding="utf-8"))["paths"]
    assert paths
    for path, operations in paths.items():
        for method in operations:
            targets = {t for key, t in routes.items() if route_matches(key, method.upper(), path)}
            assert targets == {f"integrations/${{{integration}}}"}, f"{method} {path}"


def test_http_api_throttles_every_route_by_parameter(template: dict[str, Any]) -> None:
    (stage,) = resources_of_type(template, "AWS::ApiGatewayV2::Stage").values()
    settings = stage["Properties"]["DefaultRouteSettings"]
    assert settings["ThrottlingBurstLimit"] == {"Ref": "ThrottleBurst"}
    assert settings["ThrottlingRateLimit"] == {"Ref": "ThrottleRate"}
    assert stage["Properties"]["StageName"] == "$default"


def test_each_public_route_has_its_own_throttle_by_parameter(template: dict[str, Any]) -> None:
    """Plan, finalize and follow-up each have their own bucket, so a flood on one route does
    not answer 429 to every reporter on the others (docs/operator-guide.md)."""
    (stage,) = resources_of_type(template, "AWS::ApiGatewayV2::Stage").values()
    settings = stage["Properties"]["RouteSettings"]
    public = {
        r["Properties"]["RouteKey"]
        for r in resources_of_type(template, "AWS::ApiGatewayV2::Route").values()
        if "PublicIntegration" in text(r["Properties"]["Target"])
    }
    assert set(settings) == public
    kinds = {
        "/uploads": "Plan",
        "/finalize": "Finalize",
        "/followup/": "Followup",
        "/stats": "Followup",  # the statistics page: the follow-up's limits, its own bucket
    }
    for key, setting in settings.items():
        (kind,) = [k for part, k in kinds.items() if part in key]
        assert setting["ThrottlingBurstLimit"] == {"Ref": f"{kind}ThrottleBurst"}, key
        assert setting["ThrottlingRateLimit"] == {"Ref": f"{kind}ThrottleRate"}, key
        for limit in ("ThrottleBurst", "ThrottleRate"):
            assert int(template["Parameters"][kind + limit]["MinValue"]) >= 1
    assert set(stage["DependsOn"]) >= {
        name
        for name, r in resources_of_type(template, "AWS::ApiGatewayV2::Route").items()
        if r["Properties"]["RouteKey"] in public
    }


def test_reviewer_function_checks_signatures_against_the_sites_origin(
    template: dict[str, Any],
) -> None:
    variables = properties(template, "ReviewerFunction")["Environment"]["Variables"]
    (cors,) = properties(template, "StagingBucket")["CorsConfiguration"]["CorsRules"]
    # the console signs https://<site>/api/v1/review/…, reaching the API through CloudFront
    assert variables["PELUIT_REVIEW_ORIGIN"] == cors["AllowedOrigins"][0]
    assert template["Outputs"]["SiteUrl"]["Value"]["Fn::If"][0] == "HasDomain"


def test_api_cors_allows_only_the_site_domain_when_there_is_one(template: dict[str, Any]) -> None:
    cors = properties(template, "HttpApi")["CorsConfiguration"]["Fn::If"]
    assert cors[0] == "HasDomain"
    assert cors[1]["AllowOrigins"] == [{"Fn::Sub": "https://${SiteDomain}"}]
    assert cors[2] == {"Ref": "AWS::NoValue"}  # same origin through CloudFront: no CORS needed


# -- the functions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("function", "handler", "role"),
    [
        ("PublicFunction", "functions.public.handler", "PublicFunctionRole"),
        ("ReviewerFunction", "functions.reviewer.handler", "ReviewerFunctionRole"),
    ],
)
def test_functions_run_python_313_on_arm64_with_their_own_role(
    template: dict[str, Any], function: str, handler: str, role: str
) -> None:
    props = properties(template, function)
    assert props["Runtime"] == "python3.13"
    assert props["Architectures"] == ["arm64"]
    assert props["Handler"] == handler
    assert props["Role"] == {"Fn::GetAtt": [role, "Arn"]}
    assert props["MemorySize"] == {"Ref": "FunctionMemory"}
    assert props["Environment"]["Variables"]["PELUIT_BUCKET"] == {"Ref": "CaseBucket"}
    assert props["Environment"]["Variables"]["PELUIT_STAGING_BUCKET"] == {"Ref": "StagingBucket"}
    assert "ReservedConcurrentExecutions" in props
    assert props["Environment"]["Variables"]["PELUIT_CONFIG"] == "/var/task/functions/peluit.toml"
    log_group = properties(template, resource(template, function)["DependsOn"])
    assert text(log_group["LogGroupName"]) == f"/aws/lambda/{text(props['FunctionName'])}"
    assert log_group["RetentionInDays"] == {"Ref": "LogRetentionDays"}


@pytest.mark.parametrize("role", FUNCTION_ROLES)
def test_function_roles_never_delete_or_unlock_anything(
    template: dict[str, Any], role: str
) -> None:
    for st in statements(resource(template, role)):
        if st["Effect"] != "Allow":
            continue
        for action in as_list(st["Action"]):
            assert "*" not in action, action
            assert action not in DESTRUCTIVE
            assert not action.startswith(("s3:Delete", "s3:PutBucket", "iam:", "kms:Create"))


def test_bucket_policy_also_denies_the_functions_every_destructive_action(
    template: dict[str, Any],
) -> None:
    document = properties(template, "CaseBucketPolicy")["PolicyDocument"]
    (deny,) = [st for st in document["Statement"] if st["Sid"] == "FunctionsNeverDeleteOrUnlock"]
    assert deny["Effect"] == "Deny"
    assert deny["Principal"]["AWS"] == [{"Fn::GetAtt": [r, "Arn"]} for r in FUNCTION_ROLES]
    assert set(DESTRUCTIVE) <= set(deny["Action"])


def test_public_role_writes_and_reads_only_submission_keys(template: dict[str, Any]) -> None:
    role = resource(template, "PublicFunctionRole")
    for action in ("s3:PutObject", "s3:GetObject"):
        for pattern in object_patterns(role, action):
            if action == "s3:GetObject" and pattern == "published/stats.json":
                continue  # the signed statistics a reviewer published, for the site (ADR 0041)
            assert pattern.startswith(
                ("staging/", "cases/*/", "lookup/", "index/cases/", "index/threads/")
            )  # index/threads/: the thread index's empty markers (ADR 0056)
            assert not pattern.startswith(("cases/*/identity-grants", "cases/*/notes"))
            assert pattern != "cases/*"
    assert "published/stats.json" not in object_patterns(role, "s3:PutObject")
    # In the thread, the public function writes only the reporter's messages and the empty
    # claims that number them, never a reviewer's message.
    thread_writes = [p for p in object_patterns(role, "s3:PutObject") if "/thread/" in p]
    assert sorted(thread_writes) == ["cases/*/thread/*-pelapor.age", "cases/*/thread/*.seq"]
    assert sorted(allowed(role, "s3:ListBucket")) == [CASE_BUCKET_ARN, STAGING_BUCKET_ARN]


def test_reviewer_role_cannot_write_what_a_reporter_sent(template: dict[str, Any]) -> None:
    role = resource(template, "ReviewerFunctionRole")
    writes = object_patterns(role, "s3:PutObject")
    for reporter_key in (
        "cases/*/report.age",
        "cases/*/identity.age",
        "cases/*/files/*",
        "cases/*/submission.json",
        "cases/*/reply.json",
        "lookup/*",
        "staging/*",
    ):
        assert reporter_key not in writes
    assert "cases/*/state.json" in writes
    assert "nonces/*" in writes
    assert "audit/*" in writes


@pytest.mark.parametrize("role", FUNCTION_ROLES)
def test_function_roles_use_the_case_key_only_through_s3(
    template: dict[str, Any], role: str
) -> None:
    (kms,) = [
        st
        for st in statements(resource(template, role))
        if any(a.startswith("kms:") for a in as_list(st["Action"]))
    ]
    assert sorted(kms["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey"]
    assert kms["Resource"] == {"Fn::GetAtt": ["CaseKey", "Arn"]}
    assert text(kms["Condition"]["StringEquals"]["kms:ViaService"]) == (
        "s3.${AWS::Region}.amazonaws.com"
    )


def test_every_checkov_skip_says_why(template: dict[str, Any]) -> None:
    skips = [
        (logical_id, skip)
        for logical_id, res in template["Resources"].items()
        for skip in res.get("Metadata", {}).get("checkov", {}).get("skip", [])
    ]
    assert skips  # the privacy rules do skip some
    for logical_id, skip in skips:
        assert skip["id"].startswith(("CKV_AWS_", "CKV2_AWS_")), logical_id
        assert len(skip.get("comment", "")) > 20, f"{logical_id} {skip['id']} has no reason"


def test_outputs_name_what_the_operator_needs(template: dict[str, Any]) -> None:
    assert {
        "SiteUrl",
        "ApiUrl",
        "CaseBucketName",
        "SiteBucketName",
        "DistributionId",
    } <= set(template["Outputs"])


@pytest.mark.parametrize("function", ["PublicFunction", "ReviewerFunction"])
def test_functions_log_no_per_invocation_platform_lines(
    template: dict[str, Any], function: str
) -> None:
    # START/END/REPORT lines would time every submission to the millisecond
    logging = properties(template, function)["LoggingConfig"]
    assert logging == {"LogFormat": "JSON", "ApplicationLogLevel": "WARN", "SystemLogLevel": "WARN"}
