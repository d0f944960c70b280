"""The CloudFront Functions as CloudFront runs them. The site's: `peluit/edge/site_function.js`,
with a page list substituted as the template's !Sub does, run under node (in strict mode, in a
fresh context with nothing but the code) over the table the Python twin is checked against
(tests/support/edge_cases.py). The API's: `peluit/edge/api_function.js` with a difficulty, in a
context with nothing but `require('crypto')`, over tests/support/edge_api_cases.py. Both must
give the same answer for every row."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from peluit.edge import api_function, pages
from peluit.edge.site_function import Routed, function_code, route, status
from peluit.site import build_site
from tests.support.edge_api_cases import BITS as API_BITS
from tests.support.edge_api_cases import ROWS as API_ROWS
from tests.support.edge_api_cases import SECONDS as API_SECONDS
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


# Runs the API function's decision (`check`) and its refusal under node, for each row at the
# table's clock, and once through `handler` (Date.now: the refusal's bucket is today's).
API_HARNESS = r"""
const vm = require("vm");
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const sandbox = {
  require: (name) => {
    if (name !== "crypto") throw new Error("CloudFront Functions have no module " + name);
    return require("crypto");
  },
};
const context = vm.createContext(sandbox);
vm.runInContext('"use strict";\n' + input.code, context, { filename: "api_function.js" });
// the edge's clock, as the table has it (the context's own Date)
vm.runInContext("Date.now = function () { return " + input.seconds * 1000 + "; };", context);
const out = { rows: [], refusals: {}, handler: [] };
for (const row of input.rows) {
  const querystring = {};
  if (row.values.length === 1) querystring.pow = { value: row.values[0] };
  if (row.values.length > 1) {
    querystring.pow = { value: row.values[0], multiValue: row.values.map((v) => ({ value: v })) };
  }
  const value = context.stampOf(querystring);
  out.rows.push(context.check(row.method, row.uri, value, input.seconds));
  const event = {
    version: "1.0",
    context: { eventType: "viewer-request" },
    viewer: { ip: "192.0.2.0" },
    request: {
      method: row.method, uri: row.uri, querystring: querystring, headers: {}, cookies: {},
    },
  };
  const answer = context.handler(event);
  const refused = answer.statusCode !== undefined;
  out.handler.push(refused ? JSON.parse(answer.body.data).error.code : null);
}
for (const code of input.codes) {
  const answer = context.refusal(code, input.seconds);
  out.refusals[code] = {
    status: answer.statusCode,
    type: answer.headers["content-type"].value,
    body: JSON.parse(answer.body.data),
  };
}
process.stdout.write(JSON.stringify(out));
"""


def test_the_api_function_decides_every_row_as_the_python_twin() -> None:
    assert NODE is not None, "node is needed to run the CloudFront Function"
    rows = [{"method": r.method, "uri": r.uri, "values": list(r.values)} for r in API_ROWS.values()]
    job = {
        "code": api_function.function_code(str(API_BITS)),
        "rows": rows,
        "seconds": API_SECONDS,
        "codes": sorted(api_function.PROBLEMS),
    }
    done = subprocess.run(
        [NODE, "-e", API_HARNESS],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    out = json.loads(done.stdout)
    for (name, row), code in zip(API_ROWS.items(), out["rows"], strict=True):
        decided = api_function.check(
            row.method, row.uri, api_function.stamp_of(list(row.values)), API_SECONDS, API_BITS
        )
        assert code == decided == row.expected, name
    # the whole event, as CloudFront hands it over (the query's values, repeated or not)
    for (name, row), code in zip(API_ROWS.items(), out["handler"], strict=True):
        assert code == row.expected, name
    for code, answer in out["refusals"].items():
        twin = api_function.refusal(code, API_SECONDS, API_BITS)
        assert answer["status"] == twin.status
        assert answer["type"] == twin.headers["Content-Type"]
        assert answer["body"] == json.loads(twin.body), code
