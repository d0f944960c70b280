"""The operator's release-log steps as a person runs them (subprocesses of the real
command): `peluit release log` appends a signed release as a short record, the KPK liaison
cosigns the log folder with `peluit witness cosign`, the operator attaches the line with
`peluit log cosign`, and the checkpoint then holds what a verifier's trust asks
(docs/operator-guide.md#the-release-log); `peluit release trust` writes that trust."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from peluit import tlog
from peluit.config import load_config
from peluit.config.demo import DEMO_PASSPHRASE, LOG_KEY, demo_key_path, ensure_demo, open_demo_key
from peluit.release import make_release, parse_note, sign_as
from peluit.release.log import record_of
from peluit.verify import parse_trust
from tests.support.deploying import SITE_URL, fake_site

pytestmark = pytest.mark.functional


def peluit(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "peluit.cli.main", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_release_log_then_witness_then_cosign_gives_a_checkpoint_the_trust_accepts(
    tmp_path: Path,
) -> None:
    demo = tmp_path / "demo"
    config_path = ensure_demo(demo, SITE_URL)
    config = load_config(config_path)
    site = tmp_path / "site"
    fake_site(config_path, site)
    note = make_release(config, site, "unknown")
    for person in ("agus", "kpk-liaison"):
        note = sign_as(config, note, open_demo_key(demo, person))
    release = tmp_path / "release.json"
    release.write_bytes(note.encode())
    log = tmp_path / "log"

    logged = peluit("release", "log", release, "--config", config_path, "--log", log,
                    "--log-key", demo / LOG_KEY)  # fmt: skip
    assert logged.returncode == 0, logged.stderr
    assert "Release log: the release is entry 0 (appended now)" in logged.stdout
    assert "cosigned by 0 of the 1 witnesses needed" in logged.stdout

    (tmp_path / "pass.txt").write_text(DEMO_PASSPHRASE + "\n")
    trust_file = tmp_path / "peluit-trust.toml"
    made = peluit("release", "trust", "--config", config_path, "--out", trust_file)
    assert made.returncode == 0, made.stderr
    trust = parse_trust(trust_file.read_text(encoding="utf-8"))
    assert trust.log_key is not None
    line = tmp_path / "cosignature.txt"
    kpk = demo_key_path(demo, "kpk-liaison")
    cosigned = peluit("witness", "cosign", "--log", log, "--log-key", trust.log_key.vkey(),
                      "--state", tmp_path / "kpk-state", "--key", kpk,
                      "--passphrase-file", tmp_path / "pass.txt", "--out", line)  # fmt: skip
    assert cosigned.returncode == 0, cosigned.stderr
    attached = peluit("log", "cosign", "--log", log, "--key", demo / LOG_KEY,
                      "--witness", trust.witnesses[0].vkey(), line)  # fmt: skip
    assert attached.returncode == 0, attached.stderr

    data = (log / tlog.CHECKPOINT).read_bytes()
    _, verified = tlog.open_note(data, [trust.log_key, *trust.witnesses])
    assert [v.name for v in verified] == [trust.log_key.name, "peluit-witness/kpk-liaison"]
    entry = tlog.read_entry(tlog.DirectoryFiles(log), 0, 1)
    assert entry == record_of(parse_note(release.read_bytes())).encode()

    again = peluit("release", "log", release, "--config", config_path, "--log", log,
                   "--log-key", demo / LOG_KEY)  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert "the release is entry 0, appended before" in again.stdout
    assert "WARNING" not in again.stdout  # the cosignature is still on the checkpoint


def test_release_log_refuses_a_release_short_of_its_threshold(tmp_path: Path) -> None:
    demo = tmp_path / "demo"
    config_path = ensure_demo(demo, SITE_URL)
    config = load_config(config_path)
    fake_site(config_path, tmp_path / "site")
    note = sign_as(config, make_release(config, tmp_path / "site", "unknown"),
                   open_demo_key(demo, "agus"))  # fmt: skip
    release = tmp_path / "release.json"
    release.write_bytes(note.encode())
    done = peluit("release", "log", release, "--config", config_path, "--log", tmp_path / "log",
                  "--log-key", demo / LOG_KEY)  # fmt: skip
    assert done.returncode == 1
    assert "signed by agus: 1 of the 2 needed" in done.stderr
    assert not (tmp_path / "log").exists()
