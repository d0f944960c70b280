"""`peluit log` (the operator) and `peluit witness` (oversight) over a log folder and over
HTTP from 127.0.0.1, run as a person runs them (a subprocess of the real command): the
witness cosigns a consistent extension, refuses a fork and a rollback by name and then keeps
its state, and its cosignature, attached by the operator, is shown as verified."""

from __future__ import annotations

import functools
import http.server
import stat
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from peluit import tlog
from peluit.keys import KeyFile, seal
from tests.support.submitting import run_peluit as peluit

pytestmark = pytest.mark.functional

PASSPHRASE = "kopi tubruk di balai kota"  # noqa: S105 - a test passphrase


@pytest.fixture
def liaison(tmp_path: Path) -> list[str | Path]:
    """The KPK liaison's key file and passphrase file, as witness options."""
    key = KeyFile.generate("kpk-liaison", "Liaison KPK", ("oversight",))
    (tmp_path / "kpk.key").write_bytes(seal(key, PASSPHRASE, work_factor=4))
    (tmp_path / "pass.txt").write_text(PASSPHRASE + "\n")
    return ["--key", tmp_path / "kpk.key", "--passphrase-file", tmp_path / "pass.txt"]


@pytest.fixture
def log(tmp_path: Path) -> tuple[Path, Path, str]:
    """A log folder with two entries, its key file and its vkey."""
    folder, key = tmp_path / "site" / "log", tmp_path / "log.key"
    made = peluit("log", "init", "--log", folder, "--origin", "peluit.example.go.id/log",
                  "--key-out", key)  # fmt: skip
    assert made.returncode == 0, made.stderr
    vkey = made.stdout.split("vkey: ")[1].strip()
    for name in ("release-1.json", "release-2.json"):
        (tmp_path / name).write_text(f'{{"release": "{name}"}}')
    added = peluit("log", "append", "--log", folder, "--key", key,
                   tmp_path / "release-1.json", tmp_path / "release-2.json")  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "the log has 2" in added.stdout
    return folder, key, vkey


def witness(
    where: str | Path, vkey: str, state: Path, liaison: list[str | Path]
) -> subprocess.CompletedProcess[str]:
    return peluit("witness", "cosign", "--log", where, "--log-key", vkey, "--state", state,
                  *liaison)  # fmt: skip


def _forged(tmp_path: Path, key: Path, name: str, entries: list[bytes]) -> Path:
    """Another log under the same log key (what a log key holder could serve to one party)."""
    folder = tmp_path / name
    signer = tlog.parse_skey(key.read_text())
    tlog.create_log(tlog.DirectoryFiles(folder), signer)
    tlog.append(tlog.DirectoryFiles(folder), signer, entries)
    return folder


def test_the_log_key_is_private_and_the_log_is_the_spec_files(
    log: tuple[Path, Path, str],
) -> None:
    folder, key, vkey = log
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert key.read_text().startswith("PRIVATE+KEY+peluit.example.go.id/log+")
    assert vkey.startswith("peluit.example.go.id/log+")
    assert sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) == [
        "checkpoint",
        "tile/0/000.p/2",
        "tile/entries/000.p/2",
    ]
    shown = peluit("log", "show", "--log", folder, "--vkey", vkey)
    assert shown.returncode == 0, shown.stderr
    assert "size: 2" in shown.stdout
    entry = peluit("log", "show", "--log", folder, "--vkey", vkey, "--entry", "1")
    assert entry.stdout == '{"release": "release-2.json"}'


def test_a_witness_cosigns_an_extension_and_the_operator_attaches_it(
    tmp_path: Path, log: tuple[Path, Path, str], liaison: list[str | Path]
) -> None:
    folder, key, vkey = log
    state = tmp_path / "kpk-state"
    first = witness(folder, vkey, state, liaison)
    assert first.returncode == 0, first.stderr
    assert "first seen" in first.stderr
    (tmp_path / "release-3.json").write_text("{}")
    assert peluit("log", "append", "--log", folder, "--key", key,
                  tmp_path / "release-3.json").returncode == 0  # fmt: skip
    second = witness(folder, vkey, state, liaison)
    assert second.returncode == 0, second.stderr
    assert "at 3 entries (extends the 2 seen before)" in second.stderr
    assert second.stdout.startswith("\u2014 peluit-witness/kpk-liaison ")
    wvkey = peluit("witness", "vkey", *liaison).stdout.strip()
    (tmp_path / "cosig.txt").write_text(second.stdout)
    attached = peluit("log", "cosign", "--log", folder, "--key", key, "--witness", wvkey,
                      tmp_path / "cosig.txt")  # fmt: skip
    assert attached.returncode == 0, attached.stderr
    shown = peluit("log", "show", "--log", folder, "--vkey", vkey, "--witness", wvkey)
    assert shown.returncode == 0, shown.stdout
    assert "cosigned by: peluit-witness/kpk-liaison at " in shown.stdout
    # the cosignature is of size 3: after another append the checkpoint is not cosigned
    assert peluit("log", "append", "--log", folder, "--key", key,
                  tmp_path / "release-3.json").returncode == 0  # fmt: skip
    again = peluit("log", "show", "--log", folder, "--vkey", vkey, "--witness", wvkey)
    assert again.returncode == 1
    assert "not cosigned by: peluit-witness/kpk-liaison" in again.stdout


def test_a_fork_is_refused_by_name_and_the_state_is_kept(
    tmp_path: Path, log: tuple[Path, Path, str], liaison: list[str | Path]
) -> None:
    folder, key, vkey = log
    state = tmp_path / "kpk-state"
    assert witness(folder, vkey, state, liaison).returncode == 0
    before = (state / "checkpoint").read_bytes()
    fork = _forged(tmp_path, key, "fork", [b'{"release": "release-1.json"}', b"evil"])
    refused = witness(fork, vkey, state, liaison)
    assert refused.returncode == 1
    assert refused.stdout == ""
    assert refused.stderr.strip().splitlines() == [
        "peluit witness: REFUSED, not cosigned: fork: two different trees of 2 entries"
    ]
    longer = _forged(tmp_path, key, "longer", [b"evil", b"x", b"y"])
    refused = witness(longer, vkey, state, liaison)
    assert refused.returncode == 1
    assert "fork: the tree of 3 entries does not extend the tree of 2" in refused.stderr
    assert (state / "checkpoint").read_bytes() == before


def test_a_rollback_is_refused_by_name(
    tmp_path: Path, log: tuple[Path, Path, str], liaison: list[str | Path]
) -> None:
    folder, key, vkey = log
    state = tmp_path / "kpk-state"
    assert witness(folder, vkey, state, liaison).returncode == 0
    older = _forged(tmp_path, key, "older", [b'{"release": "release-1.json"}'])
    refused = witness(older, vkey, state, liaison)
    assert refused.returncode == 1
    assert "REFUSED, not cosigned: rollback: the log is at 1 entries" in refused.stderr


def test_a_checkpoint_signed_by_another_key_is_refused(
    tmp_path: Path, log: tuple[Path, Path, str], liaison: list[str | Path]
) -> None:
    folder, _, _ = log
    other = peluit("log", "init", "--log", tmp_path / "other", "--origin",
                   "peluit.example.go.id/log", "--key-out", tmp_path / "other.key")  # fmt: skip
    other_vkey = other.stdout.split("vkey: ")[1].strip()
    refused = witness(folder, other_vkey, tmp_path / "state", liaison)
    assert refused.returncode == 1
    assert "no signature on this note by a known key" in refused.stderr
    assert not (tmp_path / "state" / "checkpoint").exists()


@pytest.fixture
def served(log: tuple[Path, Path, str]) -> Iterator[str]:
    """The site folder served on 127.0.0.1, as the static site serves /log/."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(log[0].parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/log/"
    finally:
        server.shutdown()
        server.server_close()


def test_a_witness_reads_the_log_over_http(
    tmp_path: Path, log: tuple[Path, Path, str], served: str, liaison: list[str | Path]
) -> None:
    folder, _, vkey = log
    done = witness(served, vkey, tmp_path / "state", liaison)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("\u2014 peluit-witness/kpk-liaison ")
    (folder / "tile" / "0" / "000.p" / "2").write_bytes(b"\x00" * 64)  # a swapped tile
    bad = witness(served, vkey, tmp_path / "state", liaison)
    assert bad.returncode == 1
    assert "tiles do not give the root of its checkpoint" in bad.stderr


class _ToFtp(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(302)
        self.send_header("Location", "ftp://127.0.0.1:9/checkpoint")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_a_redirect_away_from_http_is_not_followed(
    tmp_path: Path, log: tuple[Path, Path, str], liaison: list[str | Path]
) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _ToFtp)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/log/"
        done = witness(url, log[2], tmp_path / "state", liaison)
    finally:
        server.shutdown()
        server.server_close()
    assert done.returncode == 2
    assert "redirected to a URL that is not http(s)" in done.stderr
    assert not (tmp_path / "state").exists()
