"""The demo's key files: sealed like `peluit keygen`'s, with the published demo passphrase
and a cheap work factor that the README owns up to; older demos are recognised."""

from __future__ import annotations

from pathlib import Path

import pytest

from peluit import age
from peluit.config import load_config
from peluit.config.demo import (
    DEMO_PASSPHRASE,
    DEMO_WORK_FACTOR,
    ensure_demo,
    is_outdated,
    open_demo_key,
)

pytestmark = pytest.mark.unit


def test_every_demo_person_gets_a_sealed_key_file_that_matches_the_roster(tmp_path: Path) -> None:
    config = load_config(ensure_demo(tmp_path, "http://127.0.0.1:8000"))
    for person in config.people:
        key = open_demo_key(tmp_path, person.id)
        assert (key.age_recipient, key.signing_public_key) == (
            person.age_recipient,
            person.signing_key,
        )
    header = age.inspect(age.dearmor((tmp_path / "demo-keys" / "rina.key").read_bytes()))
    assert header.stanza_types == ("scrypt",)
    readme = (tmp_path / "demo-keys" / "README.txt").read_text()
    assert DEMO_PASSPHRASE in readme
    assert f"2^{DEMO_WORK_FACTOR}" in readme
    assert not is_outdated(tmp_path)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_demo_made_before_sealed_key_files_is_recognised(tmp_path: Path) -> None:
    (tmp_path / "peluit.demo.toml").write_text("# old demo\n")
    (tmp_path / "demo-keys").mkdir()
    (tmp_path / "demo-keys" / "rina.txt").write_text("AGE-SECRET-KEY-PQ-1...\n")
    assert is_outdated(tmp_path)


def test_a_leftover_key_folder_without_its_configuration_is_not_overwritten(
    tmp_path: Path,
) -> None:
    (tmp_path / "demo-keys").mkdir()
    (tmp_path / "demo-keys" / "rina.key").write_text("someone's key\n")
    with pytest.raises(OSError, match=r"exists without peluit\.demo\.toml"):
        ensure_demo(tmp_path, "http://127.0.0.1:8000")
    assert (tmp_path / "demo-keys" / "rina.key").read_text() == "someone's key\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo-keys"]
