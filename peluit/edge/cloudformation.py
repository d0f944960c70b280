"""The edge as `infra/peluit.yaml` must hold it: CloudFormation pieces rendered from the
definition, for tests/unit/test_edge_template.py to compare with the template.

`${…}` references are left as `!Sub` texts (`{"Fn::Sub": text}`), the way cfn-lint's loader
reads the template.
"""

from __future__ import annotations

from typing import Any

from peluit.web.headers import HSTS_MAX_AGE

from . import behaviours, response_headers
from .api_function import PARAMETER as POW_PARAMETER
from .api_function import function_code as api_function_code
from .behaviours import Behaviour
from .errors import EdgeError
from .forwarding import Forwarding
from .pages import PARAMETER
from .site_function import function_code

# Resource names in the template.
API_POLICY = "ApiOriginRequestPolicy"
HEADERS_POLICY = "SecurityHeadersPolicy"
FUNCTIONS = {
    behaviours.VIEWER_REQUEST: "DirectoryIndexFunction",
    behaviours.VIEWER_RESPONSE: "SiteResponseFunction",
}
API_FUNCTION = "ApiProofOfWorkFunction"  # the API's viewer-request function
_ORIGIN_REQUEST_POLICIES = {"api": API_POLICY}
# The headers CloudFront's SecurityHeadersConfig sets by name; the rest are custom headers.
_SECURITY_CONFIG = {
    "Content-Security-Policy",
    "Strict-Transport-Security",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
}


def origin_request_policy(forwarding: Forwarding) -> dict[str, Any]:
    """An OriginRequestPolicyConfig without its Name and Comment."""
    return {
        "CookiesConfig": {"CookieBehavior": forwarding.cookies},
        "HeadersConfig": {"HeaderBehavior": "whitelist", "Headers": list(forwarding.headers)}
        if forwarding.headers
        else {"HeaderBehavior": "none"},
        "QueryStringsConfig": {"QueryStringBehavior": forwarding.query_strings},
    }


def site_function_code() -> dict[str, str]:
    """The site function's FunctionCode: the JavaScript with the `SitePages` parameter."""
    return {"Fn::Sub": function_code("${" + PARAMETER + "}")}


def api_function_code_sub() -> dict[str, str]:
    """The API function's FunctionCode: the JavaScript with the `PowBits` parameter."""
    return {"Fn::Sub": api_function_code("${" + POW_PARAMETER + "}")}


def cache_behaviour(behaviour: Behaviour) -> dict[str, Any]:
    """A cache behaviour's fields the edge defines (not its protocol policy or compression)."""
    out: dict[str, Any] = {
        "TargetOriginId": behaviour.origin,
        "CachePolicyId": behaviour.cache_policy,
        "AllowedMethods": sorted(behaviour.methods),
        "ResponseHeadersPolicyId": {"Ref": HEADERS_POLICY},
        "FunctionAssociations": [
            {"EventType": event, "FunctionARN": {"Fn::GetAtt": [FUNCTIONS[event], "FunctionARN"]}}
            for event in behaviour.site_function_events
        ]
        + [
            {"EventType": event, "FunctionARN": {"Fn::GetAtt": [API_FUNCTION, "FunctionARN"]}}
            for event in behaviour.api_function_events
        ],
    }
    if behaviour.path_pattern is not None:
        out["PathPattern"] = behaviour.path_pattern
    if behaviour.origin in _ORIGIN_REQUEST_POLICIES:
        out["OriginRequestPolicyId"] = {"Ref": _ORIGIN_REQUEST_POLICIES[behaviour.origin]}
    return out


def custom_error_responses() -> list[dict[str, Any]]:
    return [
        {"ErrorCode": code, "ResponseCode": code, "ResponsePagePath": page}
        for code, page in behaviours.ERROR_RESPONSES
    ]


def response_headers_policy() -> dict[str, Any]:
    """SecurityHeadersConfig and CustomHeadersConfig of the ResponseHeadersPolicyConfig."""
    headers = response_headers.production_headers()
    hsts = f"max-age={HSTS_MAX_AGE}; includeSubDomains"
    if headers["Strict-Transport-Security"] != hsts or headers["X-Content-Type-Options"] != (
        "nosniff"
    ):
        raise EdgeError("peluit/web/headers.py sends HSTS or nosniff as CloudFront cannot")
    return {
        "SecurityHeadersConfig": {
            "ContentSecurityPolicy": {
                "ContentSecurityPolicy": {"Fn::Sub": headers["Content-Security-Policy"]},
                "Override": True,
            },
            "StrictTransportSecurity": {
                "AccessControlMaxAgeSec": HSTS_MAX_AGE,
                "IncludeSubdomains": True,
                "Override": True,
            },
            "ContentTypeOptions": {"Override": True},
            "FrameOptions": {"FrameOption": headers["X-Frame-Options"], "Override": True},
            "ReferrerPolicy": {"ReferrerPolicy": headers["Referrer-Policy"], "Override": True},
        },
        "CustomHeadersConfig": {
            "Items": [
                {"Header": name, "Value": value, "Override": True}
                for name, value in headers.items()
                if name not in _SECURITY_CONFIG
            ]
        },
    }
