"""The verification's pure checks over a fake site: headers compared on every answer (one
line per header and value), recipients named when added or removed, the 404 pages' status,
and a site that answers badly is a finding, never an exception (the console fails closed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from peluit import tlog
from peluit.config import Config
from peluit.review.console.site_check import SiteCheck
from peluit.site.forms import CHANNELS_JSON
from peluit.verify import Answer, Fetcher, Outcome, Trust, findings, trust_from_config, verify_site
from peluit.verify.served import check_headers, check_recipients, expected_status
from tests.support.releases import signed_team

pytestmark = pytest.mark.unit
CSP = "default-src 'self'"
DOCUMENT: dict[str, Any] = {
    "headers": {"Content-Security-Policy": CSP, "X-Frame-Options": "DENY"},
    "roster": [
        {"id": "agus", "age_recipient": "age1agus"},
        {"id": "rina", "age_recipient": "age1rina"},
    ],
    "channels": [
        {"id": "pengaduan", "report_recipients": ["agus", "rina"], "identity_recipients": ["agus"]}
    ],
}


def _answer(body: bytes = b"", **headers: str) -> Answer:
    return Answer(200, {k.lower().replace("_", "-"): v for k, v in headers.items()}, body)


def _checks(out: Outcome) -> list[tuple[str, str]]:
    return [(f.check, f.subject) for f in out.findings]


def test_a_changed_header_is_one_line_whatever_the_number_of_files() -> None:
    weak = "default-src *"
    answers = {
        "index.html": _answer(content_security_policy=weak, x_frame_options="DENY"),
        "en/index.html": _answer(content_security_policy=weak, x_frame_options="DENY"),
        "a.js": _answer(content_security_policy=CSP, x_frame_options="DENY", refresh="0"),
    }
    out = Outcome()
    check_headers(DOCUMENT, answers, out)
    assert _checks(out) == [
        ("header-changed", "Content-Security-Policy"),
        ("header-forbidden", "Refresh"),
    ]
    assert "the release says \"default-src 'self'\"" in out.findings[0].detail


def test_a_header_not_sent_is_named() -> None:
    out = Outcome()
    check_headers(DOCUMENT, {"index.html": _answer(content_security_policy=CSP)}, out)
    assert _checks(out) == [("header-missing", "X-Frame-Options")]


def _channels(report: list[str], identity: list[str]) -> dict[str, Answer]:
    served = {
        "channels": {"pengaduan": {"report_recipients": report, "identity_recipients": identity}}
    }
    return {"/" + CHANNELS_JSON: _answer(json.dumps(served).encode())}


def test_recipients_added_and_removed_are_named_with_the_channel() -> None:
    out = Outcome()
    check_recipients(DOCUMENT, _channels(["age1agus", "age1evil"], ["age1agus", "age1rina"]), out)
    assert _checks(out) == [
        ("recipient-added", "age1evil"),
        ("recipient-removed", "age1rina"),
        ("recipient-added", "age1rina"),
    ]
    assert "channel pengaduan: encrypts report recipients" in out.findings[0].detail
    assert "nobody in the released roster" in out.findings[0].detail
    assert "(rina)" in out.findings[2].detail  # in the roster, but not for identities
    out = Outcome()
    check_recipients(DOCUMENT, _channels(["age1agus"], ["age1agus"]), out)
    assert _checks(out) == [("recipient-removed", "age1rina")]
    out = Outcome()
    check_recipients(DOCUMENT, _channels(["age1rina", "age1agus"], ["age1agus"]), out)
    assert out.ok  # order does not matter


def test_the_404_pages_are_expected_with_status_404() -> None:
    assert expected_status("404.html") == 404
    assert expected_status("en/404.html") == 404
    assert expected_status("index.html") == 200


class _Broken:
    """A site whose release is missing and whose log answers 500."""

    def get(self, path: str, browser: bool = False) -> Answer:
        return Answer(500 if path.startswith("/log/") else 404, {}, b"")


def _trust() -> Trust:
    config, _ = signed_team()
    raw = config.model_dump(mode="json")
    log = tlog.Ed25519Signer("x.example/log", Ed25519PrivateKey.generate())
    raw["release"].update(log_key=log.verifier().vkey(), witnesses=["kpk-liaison"])
    trust = trust_from_config(Config.model_validate(raw))
    assert trust is not None
    return trust


def test_a_log_that_answers_500_is_a_finding_not_an_exception() -> None:
    out = verify_site(_Broken(), _trust(), None)
    assert _checks(out) == [
        ("release-missing", "/.well-known/peluit/release.json"),
        ("log-tiles", "log"),
    ]
    assert out.checkpoint is None


def test_the_console_fails_closed_when_its_check_breaks(tmp_path: Path) -> None:
    def broken(url: str) -> Fetcher:
        raise RuntimeError("boom")

    check = SiteCheck("http://127.0.0.1:9/", _trust(), tmp_path, fetcher=broken)
    check.run()
    banner = check.banner()
    assert "PERINGATAN: situs publik tidak dapat diperiksa." in banner
    assert "the check could not finish (RuntimeError)" in banner


def test_the_console_checks_the_configurations_site_with_its_trust(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    config, _ = signed_team()
    check = SiteCheck.for_config(config)
    assert check is not None
    assert check.url == "https://wbs.batangharikab.go.id/"
    assert check.state_dir == tmp_path / "peluit" / "site-check" / "wbs.batangharikab.go.id"
    assert [v.name.rsplit("/", 1)[-1] for v in check.trust.signers] == ["kpk-liaison", "agus"]
    assert SiteCheck.for_config(config.model_copy(update={"release": None})) is None


def test_every_finding_is_listed_in_the_operator_guide() -> None:
    """A person who reads `FAIL <check>` finds what it means and what to do."""
    guide = (Path(__file__).parents[2] / "docs" / "operator-guide.md").read_text(encoding="utf-8")
    checks = {v for k, v in vars(findings).items() if k.isupper() and isinstance(v, str)}
    assert {"older-release", "address-changed", "variant-changed", "log-stale"} <= checks
    missing = sorted(c for c in checks if f"`{c}" not in guide and f"FAIL {c}" not in guide)
    assert missing == []
