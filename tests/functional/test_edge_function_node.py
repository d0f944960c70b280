"""The site's CloudFront Function as CloudFront runs it: `peluit/edge/site_function.js`, with a
page list substituted as the template's !Sub does, run under node (in strict mode, in a fresh
context with nothing but the code) over the table the Python twin is checked against
(tests/support/edge_cases.py). Both must give the same answer for every row."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from peluit.edge import pages
from peluit.edge.site_function import Routed, function_code, route, status
from peluit.site import build_site
from tests.support.edge_cases import PAGE_SETS, ROUTES, STATUSES

pytestmark = pytest.mark.functional

NODE = shutil.which("node")
# Runs each event through `handler` as CloudFront would: a viewer-request event per URI, a
# viewer-response event per (URI, status); prints what came back.
HARNESS = r"""
const vm = require("vm");
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const out = [];
for (const job of input) {
  const context = vm.createContext({});
  vm.runInContext('"use strict";\n' + job.code, context, { filename: "site_function.js" });
  for (const uri of job.uris) {
    const event = {
      version: "1.0",
      context: { eventType: "viewer-request" },
      viewer: { ip: "192.0.2.0" },
      request: { method: "GET", uri: uri, querystring: {}, headers: {}, cookies: {} },
    };
    const answer = context.handler(event);
    const redirect = answer.statusCode !== undefined;
    out.push(redirect
      ? { uri: uri, routed: ["redirect", answer.headers.location.value], status: answer.statusCode }
      : { uri: uri, routed: ["uri", answer.uri] });
  }
  for (const [uri, given] of job.statuses) {
    const event = {
      version: "1.0",
      context: { eventType: "viewer-response" },
      viewer: { ip: "192.0.2.0" },
      request: { method: "GET", uri: uri, querystring: {}, headers: {}, cookies: {} },
      response: { statusCode: given, statusDescription: "", headers: {}, cookies: {} },
    };
    out.push({ uri: uri, given: given, status: context.handler(event).statusCode });
  }
}
process.stdout.write(JSON.stringify(out));
"""


def _run_node(jobs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    assert NODE is not None, "node is needed to run the CloudFront Function"
    done = subprocess.run(
        [NODE, "-e", HARNESS],
        input=json.dumps(jobs),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    answers: list[dict[str, Any]] = json.loads(done.stdout)
    return answers


def _python(routed: Routed) -> list[str]:
    return ["redirect", routed.redirect] if routed.redirect else ["uri", str(routed.uri)]


def test_the_javascript_answers_every_row_as_the_python_twin() -> None:
    uris = sorted(ROUTES)
    statuses = sorted(STATUSES)
    jobs = [
        {
            "code": function_code(pages.parameter_value(page_set)),
            "uris": uris,
            "statuses": [list(row) for row in statuses],
        }
        for page_set in PAGE_SETS.values()
    ]
    answers = iter(_run_node(jobs))
    compared = 0
    for index, page_set in enumerate(PAGE_SETS.values()):
        for uri in uris:
            answer = next(answers)
            assert answer["routed"] == _python(route(uri, page_set)), uri
            assert tuple(answer["routed"]) == ROUTES[uri][index], uri
            if answer["routed"][0] == "redirect":
                assert answer["status"] == 301
            compared += 1
        for uri, given in statuses:
            answer = next(answers)
            assert answer["status"] == status(uri, given, page_set), (uri, given)
            assert answer["status"] == STATUSES[(uri, given)]
            compared += 1
    assert compared == 2 * (len(ROUTES) + len(STATUSES))


def test_the_function_with_the_real_sites_pages_fits_and_knows_every_page(
    tmp_path: Path,
) -> None:
    """The page list of the real build, as `peluit deploy` makes it, in the code CloudFront
    gets: under the 10 KB limit, and every page of the build is served, not the 404 page."""
    site = tmp_path / "site"
    build_site(None, site)
    listed = pages.site_pages(site)
    code = function_code(pages.parameter_value(listed))
    assert len(code.encode("utf-8")) < pages.FUNCTION_CODE_LIMIT
    answers = _run_node(
        [{"code": code, "uris": list(listed), "statuses": [[p, 200] for p in listed]}]
    )
    routed, statuses = answers[: len(listed)], answers[len(listed) :]
    for page, went, answered in zip(listed, routed, statuses, strict=True):
        to = page + "index.html" if page.endswith("/") else page
        assert went["routed"] == ["uri", to], page
        assert answered["status"] == (404 if page == "/404.html" else 200), page
    print(f"site function: {len(listed)} pages, {len(code.encode())} bytes of code")
