"""`peluit smoke`'s pure parts: what counts as the right headers and error answers, the rows
and the answers it fills in for a test report."""

from __future__ import annotations

import json
from datetime import date
from itertools import count

import pytest

from peluit.client.channels import ChannelSpec
from peluit.smoke import expect
from peluit.smoke.rows import CheckFailedError, Checks, summary, table
from peluit.smoke.run import MARKER, fill_answers
from peluit.web.headers import security_headers

pytestmark = pytest.mark.unit

S3 = "https://peluit-staging.s3.ap-southeast-3.amazonaws.com"
API_ERROR = json.dumps(
    {"error": {"code": "receipt_not_found", "message": {"id": "Tidak ada.", "en": "None."}}}
).encode()
JSON = {"Content-Type": "application/json; charset=utf-8"}


def test_the_shared_security_headers_pass() -> None:
    assert expect.header_problems(security_headers()) == []


def test_header_names_match_in_any_case() -> None:
    lowered = {k.lower(): v for k, v in security_headers().items()}
    assert expect.header_problems(lowered) == []


def test_production_csp_with_the_upload_origin_passes() -> None:
    assert expect.header_problems(security_headers([S3])) == []


@pytest.mark.parametrize("name", sorted(security_headers()))
def test_each_missing_header_is_named(name: str) -> None:
    headers = {k: v for k, v in security_headers().items() if k != name}
    assert expect.header_problems(headers) == [f"{name} missing"]


def test_a_weakened_header_is_named_with_both_values() -> None:
    headers = {**security_headers(), "X-Frame-Options": "SAMEORIGIN"}
    [problem] = expect.header_problems(headers)
    assert problem == "X-Frame-Options is 'SAMEORIGIN', expected 'DENY'"


@pytest.mark.parametrize(
    ("policy", "says"),
    [
        ("connect-src 'self' http://evil.example", "not an https origin: http://evil.example"),
        ("connect-src *", "must start with 'self'"),
        ("script-src 'self' 'unsafe-inline'", "script-src is"),
        ("frame-ancestors *", "frame-ancestors is"),
    ],
)
def test_a_csp_that_allows_more_fails(policy: str, says: str) -> None:
    directive = policy.split()[0]
    parts = [
        p
        for p in security_headers()["Content-Security-Policy"].split("; ")
        if not p.startswith(directive)
    ]
    problem = expect.csp_problem("; ".join([*parts, policy]))
    assert problem is not None
    assert says in problem


def test_a_csp_without_a_directive_or_with_an_extra_one_fails() -> None:
    policy = security_headers()["Content-Security-Policy"]
    assert expect.csp_problem(policy.replace("object-src 'none'; ", "")) == (
        "Content-Security-Policy has no object-src"
    )
    extra = expect.csp_problem(policy + "; report-uri https://x.example")
    assert extra == "Content-Security-Policy has an unexpected directive report-uri"


def test_the_site_404_is_an_html_page() -> None:
    page = b"<!doctype html><html lang=id><title>404</title></html>"
    html = {"Content-Type": "text/html; charset=utf-8"}
    assert expect.site_404_problem(404, html, page) is None
    assert "answered 200" in (expect.site_404_problem(200, html, page) or "")
    assert "application/json" in (expect.site_404_problem(404, JSON, API_ERROR) or "")


def test_the_api_404_is_json_with_its_code() -> None:
    assert expect.api_error_problem(404, JSON, API_ERROR, 404, "receipt_not_found") is None


def test_an_api_404_that_is_the_site_page_fails_and_says_so() -> None:
    page = b"<!doctype html><html><title>404</title></html>"
    problem = expect.api_error_problem(404, {"Content-Type": "text/html"}, page, 404, "x")
    assert problem is not None
    assert "text/html" in problem
    assert "site's page" in problem


def test_an_api_error_with_another_code_or_no_bilingual_message_fails() -> None:
    assert "404 receipt_not_found, expected 404 case_not_found" in (
        expect.api_error_problem(404, JSON, API_ERROR, 404, "case_not_found") or ""
    )
    english_only = json.dumps({"error": {"code": "c", "message": "gone"}}).encode()
    assert expect.api_error_problem(404, JSON, english_only, 404, "c") is not None
    assert expect.api_error_problem(404, JSON, b"{}", 404, "c") is not None


def test_checks_time_each_row_and_skip_what_needs_a_failed_one() -> None:
    ticks = count()
    checks = Checks((ValueError,), clock=lambda: float(next(ticks)))

    def broken() -> str:
        raise CheckFailedError("the thing\nis   broken")

    def crashes() -> str:
        raise ValueError("bad data")

    assert checks.run("a", "A", "A", lambda: "fine")
    assert not checks.run("b", "B", "B", broken)
    assert not checks.run("c", "C", "C", lambda: "never", needs=["b"])
    assert not checks.run("d", "D", "D", crashes)
    got = [(r.id, r.result, r.seconds, r.detail) for r in checks.rows]
    assert got == [
        ("a", "pass", 1.0, "fine"),
        ("b", "fail", 1.0, "the thing is broken"),
        ("c", "skip", 0.0, "perlu/needs b"),
        ("d", "fail", 1.0, "ValueError: bad data"),
    ]
    assert checks.ok is False


def test_an_error_that_is_not_a_check_failure_is_not_swallowed() -> None:
    checks = Checks((ValueError,))

    def bug() -> str:
        raise RuntimeError("a bug in the tool")

    with pytest.raises(RuntimeError):
        checks.run("x", "X", "X", bug)


def test_no_rows_is_not_a_pass() -> None:
    assert Checks(()).ok is False


def test_the_table_aligns_columns_and_the_summary_counts() -> None:
    checks = Checks((), clock=lambda: 0.0)
    checks.run("a", "Halaman situs", "Site page", lambda: "200 text/html")
    checks.run("b", "Kirim", "File", lambda: "ok")
    lines = table(checks.rows).splitlines()
    assert lines[0].startswith("PEMERIKSAAN/CHECK")
    assert len({line.index("lulus/pass") for line in lines[1:]}) == 1
    assert lines[1].endswith("200 text/html")
    assert summary(checks.rows).startswith("SEMUA LULUS / ALL PASSED: 2 lulus/passed, 0 gagal")


def test_a_test_report_answers_every_required_question_and_says_it_is_a_test() -> None:
    spec = ChannelSpec.model_validate(
        {
            "identity": "optional",
            "report_recipients": [],
            "identity_recipients": [],
            "fields": [
                {"id": "what", "kind": "textarea", "required": True},
                {"id": "short", "kind": "text", "required": True, "max_length": 5},
                {"id": "when", "kind": "date", "required": True},
                {"id": "amount", "kind": "money", "required": True},
                {"id": "area", "kind": "kpk_area", "required": True, "options": ["pengadaan"]},
                {"id": "agree", "kind": "boolean", "required": True},
                {"id": "optional", "kind": "text"},
                {"id": "name", "kind": "text", "required": True, "identity": True},
            ],
        }
    )
    answers = fill_answers(spec, date(2026, 12, 6))
    assert answers == {
        "what": answers["what"],
        "short": MARKER[:5],
        "when": "2026-12-06",
        "amount": "1",
        "area": "pengadaan",
        "agree": "true",
    }
    assert answers["what"].startswith(MARKER)
