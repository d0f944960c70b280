"""`peluit verify-site` over a real `peluit serve` (its demo release, log and witness) and
the console's check of the same site (issue 15): the untampered site passes; a served file
changed after deploy, a recipient added to channels.json, another CSP and a fork of the log
are each caught, by name, by both; so are a rollback of the site to an older logged release
and a log whose newest cosignature is too old or from the future (ADR 0053)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from peluit.cli.main import main
from peluit.release import RELEASE_PATH, parse_note
from peluit.release.demo import publish_demo_release
from peluit.release.log import parse_record
from peluit.review.console.site_check import SiteCheck
from peluit.site.forms import CHANNELS_JSON
from peluit.verify import SiteClient, verify_site
from peluit.verify.served import short_recipient
from tests.support.site_tamper import (
    CHANGED_FILE,
    ServedSite,
    added_recipient,
    changed_file,
    different_csp,
    forked_log,
)

pytestmark = pytest.mark.functional


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    served = ServedSite(tmp_path_factory.mktemp("verify-site") / "var")
    try:
        yield served
    finally:
        served.close()


def verify(
    site: ServedSite, folder: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, list[str]]:
    """`peluit verify-site` as a person runs it, with a trust file and a state folder."""
    trust = site.trust_file(folder)
    capsys.readouterr()
    status = main(
        ["verify-site", site.base + "/", "--trust", str(trust), "--state", str(folder / "state")]
    )
    return status, capsys.readouterr().out.splitlines()


def fails(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("FAIL ")]


def console_check(site: ServedSite, folder: Path) -> SiteCheck:
    check = SiteCheck(site.base + "/", site.trust, folder / "console-state")
    check.run()
    return check


def test_the_untampered_site_passes_every_check(
    site: ServedSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, lines = verify(site, tmp_path, capsys)
    assert fails(lines) == []
    assert status == 0
    assert "ok release signed by 2 of the 2 needed" in lines
    assert any(
        line.startswith("ok log at 1 entries, cosigned by peluit-witness/kpk-liaison")
        for line in lines
    )
    assert "ok the served release is entry 0 of the log" in lines
    assert any(
        line.startswith("ok all ") and "files are the released ones" in line for line in lines
    )
    assert (tmp_path / "state" / "checkpoint").is_file()
    check = console_check(site, tmp_path)
    assert check.outcome is not None
    assert check.outcome.ok
    assert check.banner() == ""


def test_the_log_holds_a_short_record_and_the_release_beside_it(site: ServedSite) -> None:
    release = (site.site / RELEASE_PATH).read_bytes()
    [bundle] = (site.site / "log" / "tile" / "entries").rglob("1")
    record = parse_record(bundle.read_bytes()[2:])
    assert len(bundle.read_bytes()) < 200  # not the manifest (tens of kilobytes)
    archived = site.site / "log" / record.archive_path
    assert parse_note(archived.read_bytes()).text == parse_note(release).text


def test_a_served_file_changed_after_deploy_is_caught_by_name(
    site: ServedSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with changed_file(site) as name:
        status, lines = verify(site, tmp_path, capsys)
        check = console_check(site, tmp_path)
    assert status == 1
    assert [line.split(":")[0] for line in fails(lines)] == [f"FAIL file-changed {CHANGED_FILE}"]
    assert f"file-changed {name}" in check.banner()


def test_a_recipient_added_to_channels_json_is_caught_by_name(
    site: ServedSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with added_recipient(site) as recipient:
        status, lines = verify(site, tmp_path, capsys)
        check = console_check(site, tmp_path)
    assert status == 1
    found = fails(lines)
    assert f"FAIL file-changed {CHANNELS_JSON}" in [line.split(":")[0] for line in found]
    [added] = [line for line in found if line.startswith("FAIL recipient-added")]
    named = short_recipient(recipient)
    assert added.startswith(f"FAIL recipient-added {named}: channel pengaduan")
    assert recipient.startswith(named.split("…")[0])
    assert recipient.endswith(named.split("…")[1])
    assert len(added) < 200  # one readable line, not the ~2,000-character key
    assert "nobody in the released roster" in added
    assert f"recipient-added {named}" in check.banner()


def test_a_different_csp_is_caught_by_name(
    site: ServedSite,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with different_csp(monkeypatch) as header:
        status, lines = verify(site, tmp_path, capsys)
        check = console_check(site, tmp_path)
    assert status == 1
    [changed] = fails(lines)  # one line for the header, not one per file
    assert changed.startswith(f"FAIL header-changed {header}: ")
    assert "https://cdn.evil.example" in changed
    assert f"header-changed {header}" in check.banner()


def test_a_fork_of_the_log_is_caught_by_name_against_the_checkpoint_seen(
    site: ServedSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _ = verify(site, tmp_path, capsys)  # the monitor and the console see the real log
    assert status == 0
    assert console_check(site, tmp_path).banner() == ""
    seen = (tmp_path / "state" / "checkpoint").read_bytes()
    with forked_log(site):
        status, lines = verify(site, tmp_path, capsys)
        check = console_check(site, tmp_path)
    assert status == 1
    [fork] = fails(lines)
    assert fork.startswith(
        "FAIL log-fork log/checkpoint: fork: the tree of 2 entries does not extend"
    )
    assert (tmp_path / "state" / "checkpoint").read_bytes() == seen  # the fork is not kept
    assert "log-fork log/checkpoint" in check.banner()
    assert check.banner().index("PERINGATAN") < check.banner().index("WARNING")


def test_without_the_checkpoint_seen_a_fork_is_still_a_log_the_release_is_in(
    site: ServedSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A first look cannot tell a fork: that is what --state is for (the forged entry
    before the release has no signed release archived, and that is caught)."""
    with forked_log(site):
        status, lines = verify(site, tmp_path, capsys)
    assert status == 1
    assert [line.split(":")[0] for line in fails(lines)] == ["FAIL log-entry log entry 0"]


def test_a_release_short_of_its_threshold_is_caught(
    site: ServedSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = site.site / RELEASE_PATH
    original = path.read_bytes()
    note = parse_note(original)
    try:
        path.write_bytes(note.text.encode() + b"\n" + note.signatures[0].line().encode())
        status, lines = verify(site, tmp_path, capsys)
    finally:
        path.write_bytes(original)
    assert status == 1
    found = [line.split(":")[0] for line in fails(lines)]
    assert f"FAIL release-threshold /{RELEASE_PATH}" in found


def test_a_trust_file_that_is_not_one_stops_before_any_request(
    site: ServedSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    trust = tmp_path / "trust.toml"
    trust.write_text('format = "peluit-trust/1"\nsite_url = "http://x/"\n', encoding="utf-8")
    assert main(["verify-site", site.base, "--trust", str(trust)]) == 2
    said = capsys.readouterr()
    assert said.err.startswith("peluit verify-site: error: a trust file has exactly")
    assert "missing ['log_key', 'release_signers'" in said.err
    assert said.out == ""


def test_the_monitor_checks_again_each_round(
    site: ServedSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    trust = site.trust_file(tmp_path)
    capsys.readouterr()
    args = ["verify-site", site.base, "--trust", str(trust), "--state", str(tmp_path / "s")]
    assert main([*args, "--watch", "0.05", "--rounds", "2"]) == 0
    out = capsys.readouterr().out
    assert out.count("all checks hold") == 2
    assert "first seen" in out
    assert "extends the 1 seen before" in out


def test_a_rollback_to_an_older_logged_release_is_caught_by_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R3b: release 1, then release 2 (both signed and logged); the CDN serves release 1
    again. It is in the log, but not the newest: `older-release`."""
    own = ServedSite(tmp_path / "var")  # this test adds a release: not the module's site
    try:
        first = (own.site / RELEASE_PATH).read_bytes()
        assert verify(own, tmp_path, capsys)[0] == 0
        publish_demo_release(own.config, own.data, own.site, "f" * 40)
        status, lines = verify(own, tmp_path, capsys)
        assert (status, fails(lines)) == (0, [])
        assert "ok the served release is entry 1 of the log" in lines
        (own.site / RELEASE_PATH).write_bytes(first)
        status, lines = verify(own, tmp_path, capsys)
    finally:
        own.close()
    assert status == 1
    [older] = fails(lines)
    assert older.startswith(f"FAIL older-release /{RELEASE_PATH}: the site serves the release of")
    assert "log entry 0" in older
    assert "not the newest, entry 1 (commit ffffffffffff" in older


def test_a_stale_or_future_cosignature_is_caught(site: ServedSite) -> None:
    now = time.time()
    fresh = verify_site(SiteClient(site.base), site.trust, None, now=now)
    assert fresh.ok
    later = verify_site(SiteClient(site.base), site.trust, None, now=now + 31 * 86_400)
    assert [(x.check, x.subject) for x in later.findings] == [("log-stale", "log/checkpoint")]
    assert "more than 30 days ago" in later.findings[0].detail
    earlier = verify_site(SiteClient(site.base), site.trust, None, now=now - 3600)
    assert [(x.check, x.subject) for x in earlier.findings] == [
        ("log-cosignature-future", "log/checkpoint")
    ]


def test_max_age_from_the_command_line_overrides_the_trust_file(
    site: ServedSite,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    two_days_on = time.time() + 2 * 86_400
    monkeypatch.setattr("peluit.verify.site.time", SimpleNamespace(time=lambda: two_days_on))
    assert verify(site, tmp_path, capsys)[0] == 0  # 30 days by default
    trust = site.trust_file(tmp_path)
    args = ["verify-site", site.base, "--trust", str(trust), "--max-age", "1"]
    capsys.readouterr()
    assert main(args) == 1
    assert [line.split(":")[0] for line in fails(capsys.readouterr().out.splitlines())] == [
        "FAIL log-stale log/checkpoint"
    ]
