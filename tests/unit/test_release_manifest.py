"""The release manifest and its signers: one canonical text per site and configuration, the
threshold counted over the configured signers only, and every difference named."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from peluit.config import ConfigError, parse_config
from peluit.release import (
    ManifestError,
    ReleaseError,
    SignatureError,
    ThresholdError,
    check_signatures,
    key_name,
    make_release,
    parse_note,
    require_threshold,
    served_headers,
    sign_as,
    verifiers,
)
from peluit.release.checks import check_release
from peluit.release.manifest import RELEASE_PATH, parse_manifest
from peluit.web.headers import SECURITY_HEADERS
from tests.support.factory import example_text
from tests.support.releases import signed_team

pytestmark = pytest.mark.unit
COMMIT = "0" * 40


def _site(root: Path) -> Path:
    for name, text in {
        "index.html": "<p>beranda</p>",
        "en/index.html": "<p>home</p>",
        "assets/peluit/form.js": "form()",
        "assets/peluit/channels.json": "{}",
    }.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_the_manifest_names_files_headers_roster_recipients_and_signers(tmp_path: Path) -> None:
    config, keys = signed_team()
    note = make_release(config, _site(tmp_path), COMMIT)
    document = parse_manifest(note.text)
    assert document["format"] == "peluit-release/1"
    assert document["commit"] == COMMIT
    assert sorted(document["files"]) == [
        "assets/peluit/channels.json",
        "assets/peluit/form.js",
        "en/index.html",
        "index.html",
    ]
    assert document["files"]["index.html"] == hashlib.sha256(b"<p>beranda</p>").hexdigest()
    assert document["headers"] == SECURITY_HEADERS  # a local store: peluit serve's policy
    agus = next(p for p in document["roster"] if p["id"] == "agus")
    assert agus["fingerprint"] == keys["agus"].fingerprint
    assert agus["age_recipient"] == keys["agus"].age_recipient
    assert agus["roles"] == ["custodian", "reviewer"]
    pengaduan = next(c for c in document["channels"] if c["id"] == "pengaduan")
    assert pengaduan == {
        "id": "pengaduan",
        "report_recipients": ["agus", "kpk-liaison", "rina"],
        "identity_recipients": ["agus"],
    }
    assert document["release"] == {"signers": ["agus", "kpk-liaison"], "threshold": 2}


def test_the_release_file_itself_is_not_in_its_manifest(tmp_path: Path) -> None:
    config, _ = signed_team()
    site = _site(tmp_path)
    before = make_release(config, site, COMMIT)
    (site / RELEASE_PATH).parent.mkdir(parents=True)
    (site / RELEASE_PATH).write_bytes(before.encode())
    assert make_release(config, site, COMMIT).text == before.text


def test_the_same_site_and_configuration_give_the_same_text(tmp_path: Path) -> None:
    config, _ = signed_team()
    first = make_release(config, _site(tmp_path / "a"), COMMIT).text
    assert make_release(config, _site(tmp_path / "b"), COMMIT).text == first
    assert first.endswith("}\n")
    assert json.loads(first)["format"] == "peluit-release/1"


def test_an_s3_store_records_the_cdns_policy_with_its_staging_bucket() -> None:
    config = parse_config(
        example_text().replace(
            'kind = "local"\npath = "var"', 'kind = "s3"\nbucket = "kab-laporan"', 1
        )
    )
    csp = served_headers(config)["Content-Security-Policy"]
    assert "connect-src 'self' https://kab-laporan-staging.s3.ap-southeast-3.amazonaws.com;" in csp
    assert "${" not in csp


def test_the_threshold_counts_only_configured_signers(tmp_path: Path) -> None:
    config, keys = signed_team()
    note = make_release(config, _site(tmp_path), COMMIT)
    with pytest.raises(ThresholdError, match="signed by nobody: 0 of the 2 needed"):
        require_threshold(config, note)
    note = sign_as(config, note, keys["agus"])
    with pytest.raises(ThresholdError, match="signed by agus: 1 of the 2 needed"):
        require_threshold(config, note)
    with pytest.raises(ReleaseError, match="rina is not a release signer"):
        sign_as(config, note, keys["rina"])
    note = sign_as(config, note, keys["kpk-liaison"])
    assert require_threshold(config, parse_note(note.encode())).signed_by == ["agus", "kpk-liaison"]


def test_a_signer_whose_key_is_not_the_rosters_cannot_sign(tmp_path: Path) -> None:
    config, _ = signed_team()
    _, strangers = signed_team()
    note = make_release(config, _site(tmp_path), COMMIT)
    with pytest.raises(ReleaseError, match="not the one the roster holds for agus"):
        sign_as(config, note, strangers["agus"])


def test_a_release_changed_after_signing_is_refused(tmp_path: Path) -> None:
    config, keys = signed_team()
    note = make_release(config, _site(tmp_path), COMMIT)
    for person in ("agus", "kpk-liaison"):
        note = sign_as(config, note, keys[person])
    data = note.encode().replace(b'"threshold": 2', b'"threshold": 1')
    with pytest.raises(SignatureError, match="does not verify"):
        check_signatures(config, parse_note(data))


def test_a_roster_change_after_signing_is_named(tmp_path: Path) -> None:
    config, keys = signed_team()
    site = _site(tmp_path)
    note = make_release(config, site, COMMIT)
    for person in ("agus", "kpk-liaison"):
        note = sign_as(config, note, keys[person])
    check_release(config, note, site, COMMIT)
    (site / "assets/peluit/form.js").write_text("form(); steal()", encoding="utf-8")
    (site / "extra.js").write_text("x", encoding="utf-8")
    with pytest.raises(ManifestError) as caught:
        check_release(config, note, site, COMMIT)
    assert "file assets/peluit/form.js: different content" in str(caught.value)
    assert "file extra.js: in this build, but not signed" in str(caught.value)


def test_key_names_are_schema_less_urls_of_the_site() -> None:
    config, _ = signed_team()
    assert key_name(config, "agus") == "wbs.batangharikab.go.id/peluit-release/agus"
    assert [v.name for v in verifiers(config)] == [
        "wbs.batangharikab.go.id/peluit-release/kpk-liaison",
        "wbs.batangharikab.go.id/peluit-release/agus",
    ]


def test_a_manifest_not_in_canonical_form_is_refused() -> None:
    with pytest.raises(ManifestError, match="not a peluit-release/1 manifest"):
        parse_manifest('{"format": "other"}\n')
    with pytest.raises(ManifestError, match="exactly the fields"):
        parse_manifest(json.dumps({"format": "peluit-release/1"}) + "\n")


@pytest.mark.parametrize(
    ("release", "problem"),
    [
        ('signers = ["nobody"]\nthreshold = 1', "unknown person 'nobody'"),
        ('signers = ["agus"]\nthreshold = 2', "threshold is more than"),
        ('signers = ["agus", "agus"]\nthreshold = 1', "must be unique"),
        ("signers = []\nthreshold = 1", "at least 1 item"),
        ('signers = ["agus"]\nthreshold = 1', "has no signing_key"),
    ],
)
def test_release_signers_are_checked_in_the_configuration(release: str, problem: str) -> None:
    with pytest.raises(ConfigError, match=problem):
        parse_config(example_text() + f"\n[release]\n{release}\n")
