"""WEBCAT's application requirements (freedomofpress/webcat docs/DeveloperGuide.md): the
header policies Peluit sends meet them, and each rule catches the policy or page that breaks it."""

from __future__ import annotations

from pathlib import Path

import pytest

from peluit.edge.response_headers import production_headers
from peluit.release.webcat import csp_findings, header_findings, site_findings
from peluit.web.headers import SECURITY_HEADERS, content_security_policy

pytestmark = pytest.mark.unit
CSP = content_security_policy()


def test_peluit_serves_and_the_cdn_send_policies_that_meet_webcat() -> None:
    assert header_findings(SECURITY_HEADERS) == []
    assert header_findings(production_headers()) == []


@pytest.mark.parametrize(
    ("change", "finding"),
    [
        (
            ("script-src 'self'", "script-src 'self' 'unsafe-eval'"),
            "script-src allows 'unsafe-eval'",
        ),
        (
            ("script-src 'self'", "script-src 'self' 'unsafe-inline'"),
            "script-src allows 'unsafe-inline'",
        ),
        (("script-src 'self'", "script-src 'self' blob:"), "script-src allows blob:"),
        (("worker-src 'self'", "worker-src 'self' blob:"), "worker-src allows blob:"),
        (("worker-src 'self'; ", ""), "no worker-src"),
        (("frame-src 'none'; ", ""), "neither frame-src nor child-src"),
        (("object-src 'none'", "object-src 'self'"), "object-src is not 'none'"),
        (("default-src 'self'", "default-src *"), "default-src allows *"),
        (("style-src 'self'", "style-src 'self' https://cdn.example"), "style-src allows https"),
    ],
)
def test_each_csp_rule_catches_the_policy_that_breaks_it(
    change: tuple[str, str], finding: str
) -> None:
    old, new = change
    assert old in CSP
    assert any(finding in f for f in csp_findings(CSP.replace(old, new, 1)))


@pytest.mark.parametrize("header", ["Refresh", "Link"])
def test_a_refresh_or_link_header_is_caught(header: str) -> None:
    headers = {**SECURITY_HEADERS, header: "0; url=https://elsewhere.example/"}
    assert header_findings(headers) == [f"the {header} header is sent"]


def test_a_policy_without_csp_is_caught() -> None:
    headers = {k: v for k, v in SECURITY_HEADERS.items() if k != "Content-Security-Policy"}
    assert header_findings(headers) == ["no Content-Security-Policy header"]


def test_a_server_script_or_a_refreshing_page_in_the_site_is_caught(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<p>ok</p>", encoding="utf-8")
    assert site_findings(tmp_path) == []
    (tmp_path / "lapor.php").write_text("<?php echo 1;", encoding="utf-8")
    (tmp_path / "go.html").write_text(
        '<meta http-equiv="refresh" content="0; url=https://x.example/">', encoding="utf-8"
    )
    assert site_findings(tmp_path) == [
        "go.html: a <meta http-equiv> (a header set by the page)",
        "lapor.php: not a static asset type (.php)",
    ]
