"""`infra/peluit.yaml` holds the edge exactly as peluit/edge defines it.

Each CloudFront piece of the template (the API's origin request policy, the site function's
code and associations, the behaviours, the error responses, the response headers policy) is
rendered from the definition by `peluit.edge.cloudformation` and compared with what the
template holds, so the template cannot drift from what `peluit serve` applies.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from peluit.config.models import Limits
from peluit.edge import api_function, behaviours, cloudformation, forwarding, pages
from peluit.edge.site_function import PAGES_PLACEHOLDER, SOURCE
from tests.support.template import load_template, properties

pytestmark = pytest.mark.unit


@pytest.fixture
def template() -> dict[str, Any]:
    return load_template()


def _distribution(template: dict[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = properties(template, "Distribution")["DistributionConfig"]
    return config


def _behaviour_in_template(template: dict[str, Any], behaviour: behaviours.Behaviour) -> Any:
    config = _distribution(template)
    if behaviour.path_pattern is None:
        return config["DefaultCacheBehavior"]
    (found,) = [b for b in config["CacheBehaviors"] if b["PathPattern"] == behaviour.path_pattern]
    return found


def test_the_api_origin_request_policy_forwards_exactly_the_defined_headers(
    template: dict[str, Any],
) -> None:
    config = properties(template, "ApiOriginRequestPolicy")["OriginRequestPolicyConfig"]
    held = {k: v for k, v in config.items() if k not in {"Name", "Comment"}}
    assert held == cloudformation.origin_request_policy(forwarding.API)
    assert "If-Match" in held["HeadersConfig"]["Headers"]  # a status change is signed with it


def test_the_distribution_has_no_custom_error_responses(template: dict[str, Any]) -> None:
    """They would apply to /api/* too and turn the API's JSON 404 answers into the site's page."""
    config = _distribution(template)
    assert config.get("CustomErrorResponses", []) == cloudformation.custom_error_responses()
    assert behaviours.ERROR_RESPONSES == ()


@pytest.mark.parametrize("behaviour", behaviours.BEHAVIOURS, ids=lambda b: b.origin)
def test_each_behaviour_is_as_defined(template: dict[str, Any], behaviour: Any) -> None:
    expected = cloudformation.cache_behaviour(behaviour)
    held = _behaviour_in_template(template, behaviour)
    subset = {k: held.get(k, []) for k in expected}
    subset["AllowedMethods"] = sorted(subset["AllowedMethods"])
    assert subset == expected
    assert "OriginRequestPolicyId" in held or behaviour.forwarding == forwarding.SITE


def test_behaviours_are_in_the_defined_order(template: dict[str, Any]) -> None:
    patterns = [b["PathPattern"] for b in _distribution(template)["CacheBehaviors"]]
    assert patterns == [b.path_pattern for b in behaviours.BEHAVIOURS if b.path_pattern]


@pytest.mark.parametrize("logical_id", sorted(cloudformation.FUNCTIONS.values()))
def test_the_site_functions_run_site_function_js_with_the_page_list(
    template: dict[str, Any], logical_id: str
) -> None:
    props = properties(template, logical_id)
    assert props["FunctionConfig"]["Runtime"] == "cloudfront-js-2.0"
    assert props["AutoPublish"] is True
    assert props["FunctionCode"] == cloudformation.site_function_code()


def test_the_page_list_parameter_is_what_deploy_can_give(template: dict[str, Any]) -> None:
    parameter = template["Parameters"][pages.PARAMETER]
    assert parameter["Type"] == "String"
    assert "Default" not in parameter  # an empty list would make every page a 404
    assert int(parameter["MaxLength"]) == pages.PARAMETER_LIMIT
    allowed = re.compile(parameter["AllowedPattern"])
    assert allowed.fullmatch("|".join(("/", "/404.html", "/lapor/pengaduan/", "/en/")))
    # nothing that could end the JavaScript string the list is placed in, or start a !Sub
    for bad in ("/'", "/\\", "/${x}", "/a b", ""):
        assert not allowed.fullmatch(bad), bad


def test_the_javascript_source_can_be_substituted_by_sub() -> None:
    source = SOURCE.read_text(encoding="utf-8")
    assert "${" not in source  # !Sub would read it as a reference
    assert source.count(PAGES_PLACEHOLDER) == 1


def test_the_response_headers_policy_is_peluit_web_headers_with_the_upload_origin(
    template: dict[str, Any],
) -> None:
    config = properties(template, "SecurityHeadersPolicy")["ResponseHeadersPolicyConfig"]
    held = {k: v for k, v in config.items() if k not in {"Name", "Comment"}}
    assert held == cloudformation.response_headers_policy()


def test_the_api_function_runs_api_function_js_with_the_difficulty(
    template: dict[str, Any],
) -> None:
    props = properties(template, cloudformation.API_FUNCTION)
    assert props["FunctionConfig"]["Runtime"] == "cloudfront-js-2.0"  # require('crypto')
    assert props["AutoPublish"] is True
    assert props["FunctionCode"] == cloudformation.api_function_code_sub()
    api = _behaviour_in_template(template, behaviours.API)
    assert api["FunctionAssociations"] == [
        {
            "EventType": "viewer-request",
            "FunctionARN": {"Fn::GetAtt": [cloudformation.API_FUNCTION, "FunctionARN"]},
        }
    ]


def test_the_edge_difficulty_parameter_is_what_the_api_can_ask(template: dict[str, Any]) -> None:
    """`peluit deploy` sets it from `[limits] pow_bits` (1-32); its default is the API's."""
    parameter = template["Parameters"][api_function.PARAMETER]
    assert parameter["Type"] == "Number"
    assert (int(parameter["MinValue"]), int(parameter["MaxValue"])) == (1, 32)
    assert int(parameter["Default"]) == Limits().pow_bits
