"""The site's CloudFront Function, in its Python twin: directory index, redirect, the 404 page
for unknown pages and its status (tests/support/edge_cases.py; the JavaScript runs over the same
table in tests/functional/test_edge_function_node.py)."""

from __future__ import annotations

import re

import pytest

from peluit.edge import pages
from peluit.edge.errors import SitePagesError
from peluit.edge.site_function import SOURCE, Routed, function_code, route, status
from tests.support.edge_cases import PAGE_SETS, ROUTES, STATUSES

pytestmark = pytest.mark.unit


def _as_row(routed: Routed) -> tuple[str, str]:
    if routed.redirect is not None:
        return ("redirect", routed.redirect)
    assert routed.uri is not None
    return ("uri", routed.uri)


@pytest.mark.parametrize("uri", sorted(ROUTES))
@pytest.mark.parametrize("index", [0, 1], ids=list(PAGE_SETS))
def test_each_request_goes_where_the_table_says(uri: str, index: int) -> None:
    page_set = list(PAGE_SETS.values())[index]
    assert _as_row(route(uri, page_set)) == ROUTES[uri][index]


@pytest.mark.parametrize(("uri", "given"), sorted(STATUSES))
@pytest.mark.parametrize("page_set", sorted(PAGE_SETS))
def test_the_404_page_goes_out_with_status_404_and_nothing_else_changes(
    uri: str, given: int, page_set: str
) -> None:
    assert status(uri, given, PAGE_SETS[page_set]) == STATUSES[(uri, given)]


def test_pages_are_named_as_viewers_ask_for_them() -> None:
    keys = [
        "index.html",
        "404.html",
        "lapor/pengaduan/index.html",
        "en/index.html",
        "assets/peluit/form.js",
        "assets/peluit/channels.json",
    ]
    assert pages.page_uris(keys) == ("/", "/404.html", "/en/", "/lapor/pengaduan/")


def test_a_page_name_that_could_break_the_function_is_refused() -> None:
    assert pages.page_uri("kafé/index.html") == "/kaf%C3%A9/"
    for key in ("it's.html", "a|b/index.html", "${x}/index.html"):
        uri = pages.page_uri(key)  # percent-encoded: nothing left to break out with
        assert not set("'|${}\\") & set(uri), uri


def test_a_page_list_too_long_for_a_parameter_is_a_clear_error() -> None:
    many = [f"/halaman-{i:04d}/" for i in range(400)]
    with pytest.raises(SitePagesError, match="too many pages"):
        pages.parameter_value(many)
    assert pages.from_parameter(pages.parameter_value(many[:10])) == tuple(many[:10])


def test_the_function_code_with_a_real_sized_page_list_fits_cloudfronts_limit() -> None:
    listed = pages.parameter_value([f"/en/halaman-panjang-{i:02d}/" for i in range(60)])
    code = function_code(listed)
    assert listed in code
    assert len(code.encode("utf-8")) < pages.FUNCTION_CODE_LIMIT


def test_the_javascript_keeps_to_es_5_1_which_every_cloudfront_runtime_runs() -> None:
    """node runs more than CloudFront does: the syntax node would accept but CloudFront's
    `cloudfront-js-1.0` would not (and that this function has no need for) stays out."""
    code = "\n".join(
        line.split("//", 1)[0] for line in SOURCE.read_text(encoding="utf-8").splitlines()
    )
    forbidden = r"\b(let|const|class|async|await|import|export|require)\b|=>|`|\.\.\."
    assert re.findall(forbidden, code) == []
    assert "function handler(event)" in code
