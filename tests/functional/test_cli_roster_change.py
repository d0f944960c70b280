"""The roster-change tools as people run them, against a running `peluit serve` (the demo, its
local store and HTTP): `peluit cases rekey` stores audited rekey records through the API, and
`peluit access revoke` stops a person's next request and `restore` lets them back
(ADR 0044, 0045). tests/functional/test_rekey.py and test_revocation.py cover the rules."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from peluit.client import SubmitRequest, submit
from peluit.config.demo import demo_key_path
from peluit.core import rekey
from tests.support.submitting import FIELDS, InProcess, low_pow_demo
from tests.support.submitting import run_peluit as peluit

pytestmark = pytest.mark.functional


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcess]:
    with low_pow_demo(tmp_path_factory.mktemp("roster-cli") / "var") as server:
        yield server


def _cases(served: InProcess, *args: str) -> tuple[int, str, str]:
    done = peluit(
        "cases", *args, "--key", demo_key_path(served.data, "rina"), "--server", served.base,
        "--passphrase-file", "passphrase.txt", cwd=served.data.parent,
    )  # fmt: skip
    return done.returncode, done.stdout, done.stderr


def _access(served: InProcess, *args: str) -> tuple[int, str]:
    config = served.data / "peluit.low-pow.toml"
    done = peluit("access", *args, "--config", config, "--data", served.data)
    return done.returncode, done.stdout + done.stderr


def _objects(served: InProcess, prefix: str) -> list[Path]:
    root = served.data / "store" / "objects" / prefix
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_reviewer_rekeys_a_case_through_the_running_server(served: InProcess) -> None:
    evidence = served.data.parent / "foto.jpg"
    evidence.write_bytes(b"\x89PNG" + bytes(5000))
    filed = submit(served.base, SubmitRequest(channel="pengaduan", fields=FIELDS, files=[evidence]))
    case = filed.case.replace("-", "").lower()

    status, out, err = _cases(served, "rekey", filed.case)

    assert status == 0, err
    assert out.strip() == f"{filed.case}: 2 berkas/files rekeyed"  # the report and one segment
    records = _objects(served, f"cases/{case}/rekey")
    assert len(records) == 2
    objects = {rekey.parse(p.read_bytes()).object for p in records}
    assert objects == {"report.age", "files/00/00000.age"}
    audit = [p for p in _objects(served, "audit") if p.name != "head.json"]
    events = [json.loads(p.read_bytes()) for p in audit]
    assert [e["detail"]["object"] for e in events if e["action"] == "case.rekey"] == sorted(objects)
    status, out, _ = _cases(served, "show", filed.case)  # still reads as before
    assert status == 0
    assert "foto.jpg" in out


def test_the_operator_revokes_and_restores_a_reviewer_of_the_running_server(
    served: InProcess,
) -> None:
    assert _cases(served, "list")[0] == 0

    assert _access(served, "revoke", "rina") == (0, "rina: dicabut/revoked; daftar/list: rina\n")
    status, _, err = _cases(served, "list")
    assert status == 1
    assert "unknown_key" in err

    assert _access(served, "restore", "rina")[0] == 0
    assert _cases(served, "list")[0] == 0
