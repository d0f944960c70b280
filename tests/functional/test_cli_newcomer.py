"""What a newcomer runs into with the `peluit` command, as they run it: a subprocess without a
terminal (a new session, standard input from /dev/null), against a demo `peluit serve`.

Each refusal is one line on standard error that says what to do, never a Python traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from peluit.config.demo import DEMO_PASSPHRASE, demo_key_path, demo_keys_dir
from peluit.core.ids import case_reference
from tests.support.cases import Submitted, submit_case
from tests.support.console import DemoServer
from tests.support.submitting import free_port, wait_until_up

pytestmark = pytest.mark.functional

ROOT = Path(__file__).resolve().parents[2]
ANSWERS = {"what": "Pungli.", "who": "Staf", "where": "Kantor", "when": "2026", "area": "perizinan"}


def peluit(*args: str | Path, cwd: Path, stdout: int | None = subprocess.PIPE) -> Ran:
    """One command as from a script: no controlling terminal, nothing on standard input."""
    done = subprocess.run(
        [sys.executable, "-m", "peluit.cli.main", *map(str, args)],
        stdin=subprocess.DEVNULL,
        stdout=stdout,
        stderr=subprocess.PIPE,
        check=False,
        timeout=120,
        cwd=cwd,
        start_new_session=True,  # no /dev/tty to fall back to
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return Ran(done.returncode, (done.stdout or b"").decode(), done.stderr.decode())


class Ran:
    def __init__(self, status: int, out: str, err: str) -> None:
        self.status, self.out, self.err = status, out, err

    def one_line_error(self) -> str:
        """The refusal: exactly one line (argparse's usage lines may precede it)."""
        assert self.status != 0
        assert "Traceback" not in self.err + self.out, self.err
        lines = self.err.splitlines()
        assert lines, "nothing on standard error"
        last = lines[-1]
        assert last.startswith("peluit"), self.err
        assert "error" in last, self.err
        return last


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with DemoServer(tmp_path_factory.mktemp("newcomer") / "var") as server:
        yield server


@pytest.fixture(scope="module")
def workdir(served: DemoServer) -> Path:
    (served.data.parent / "passphrase.txt").write_text(DEMO_PASSPHRASE + "\n")
    return served.data.parent


@pytest.fixture(scope="module")
def submitted(served: DemoServer) -> Submitted:
    return submit_case(served.config, served.server.store, ANSWERS)


def key(served: DemoServer) -> Path:
    return demo_key_path(served.data, "rina")


def config(served: DemoServer) -> Path:
    return served.data / "peluit.demo.toml"


# -- no terminal ---------------------------------------------------------------------------


def test_cases_list_without_a_terminal_or_passphrase_file_is_one_line_naming_the_option(
    served: DemoServer, workdir: Path
) -> None:
    ran = peluit("cases", "list", "--key", key(served), "--server", served.base, cwd=workdir)
    assert ran.status == 1
    assert ran.err == (
        "peluit cases: error: tidak ada terminal untuk mengetik / no terminal to type it in: "
        "use --passphrase-file FILE\n"
    )


def test_followup_without_a_terminal_or_receipt_names_receipt_file(
    served: DemoServer, workdir: Path
) -> None:
    ran = peluit("followup", "--server", served.base, "status", cwd=workdir)
    assert "--receipt-file FILE" in ran.one_line_error()


# -- a reader that stops early ---------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ("roster", "list"),
        ("age", "keygen"),
        ("--help",),
    ],
)
def test_a_closed_pipe_ends_the_command_quietly(
    served: DemoServer, workdir: Path, command: tuple[str, ...]
) -> None:
    read, write = os.pipe()
    os.close(read)  # the reader (`| head`) has already gone
    try:
        extra = ("--config", str(config(served))) if command[0] == "roster" else ()
        ran = peluit(*command, *extra, cwd=workdir, stdout=write)
    finally:
        os.close(write)
    assert (ran.status, ran.err) == (141, "")


# -- --config on either side of the action ---------------------------------------------------


def test_roster_takes_config_before_or_after_the_action(served: DemoServer, workdir: Path) -> None:
    before = peluit("roster", "--config", config(served), "list", cwd=workdir)
    after = peluit("roster", "list", "--config", config(served), cwd=workdir)
    assert before.status == after.status == 0
    assert before.out == after.out
    assert before.out.startswith("rina\t")
    overridden = peluit(
        "roster", "--config", "nope.toml", "list", "--config", config(served), cwd=workdir
    )
    assert overridden.out == before.out


def test_cases_takes_its_options_before_or_after_the_action(
    served: DemoServer, workdir: Path, submitted: Submitted
) -> None:
    common = [
        "--key",
        str(key(served)),
        "--server",
        served.base,
        "--passphrase-file",
        "passphrase.txt",
    ]
    common += ["--config", str(config(served))]
    before = peluit("cases", *common, "list", cwd=workdir)
    after = peluit("cases", "list", *common, cwd=workdir)
    assert before.status == after.status == 0, before.err + after.err
    assert before.out == after.out
    assert case_reference(submitted.case) in before.out
    wrong = peluit("cases", "--config", "nope.toml", "list", cwd=workdir)
    assert "--key KEYFILE is required" in wrong.one_line_error()
    missing = peluit("cases", *common[:-1], "nope.toml", "list", cwd=workdir)
    assert "nope.toml" in missing.one_line_error()


# -- status changes --------------------------------------------------------------------------


def test_a_refused_status_change_names_the_statuses_the_case_can_move_to(
    served: DemoServer, workdir: Path, submitted: Submitted
) -> None:
    common = [
        "--key",
        str(key(served)),
        "--server",
        served.base,
        "--passphrase-file",
        "passphrase.txt",
    ]
    ran = peluit(
        "cases", "status", submitted.case, "selesai", "--reason", "x", *common, cwd=workdir
    )
    line = ran.one_line_error()
    assert "409 invalid_transition" in line
    assert (
        "a case that is diterima cannot become selesai; it can become: diverifikasi, ditolak"
        in line
    )


@pytest.mark.parametrize(("status", "target"), [("diteruskan", None), ("ditelaah", "kpk")])
def test_target_goes_with_diteruskan_only(
    served: DemoServer, workdir: Path, status: str, target: str | None
) -> None:
    extra = ["--target", target] if target else []
    ran = peluit(
        "cases", "status", "ABCD-EFGH-JKMN-PQRS", status, "--reason", "x", *extra,
        "--key", key(served), "--passphrase-file", "passphrase.txt", cwd=workdir,
    )  # fmt: skip
    assert ran.status == 2
    assert "--target {apip,kpk,aph} goes with diteruskan, and only with it" in ran.one_line_error()


def test_cases_status_help_documents_target(workdir: Path) -> None:
    ran = peluit("cases", "status", "--help", cwd=workdir)
    assert ran.status == 0
    text = " ".join(ran.out.split())
    assert "--target {apip,kpk,aph} with diteruskan (required there, refused elsewhere)" in text


# -- serve, age, the demo --------------------------------------------------------------------


def test_serve_on_a_busy_port_says_so_in_one_line_and_names_the_way_out(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        ran = peluit(
            "serve",
            "--port",
            str(port),
            "--data",
            tmp_path / "var",
            "--site",
            tmp_path,
            cwd=tmp_path,
        )
    assert ran.status == 1
    assert ran.err.count("\n") == 1, ran.err
    line = ran.one_line_error()
    assert f"port {port} di 127.0.0.1 sudah dipakai" in line
    assert f"port {port} on 127.0.0.1 is already in use" in line
    assert "peluit serve --port 8080 (make run PORT=8080)" in line


def test_age_help_shows_keygen(workdir: Path) -> None:
    ran = peluit("age", "--help", cwd=workdir)
    assert ran.status == 0
    assert "peluit age keygen [--pq] [-o OUT]" in ran.out


def test_the_demo_keys_readme_names_a_key_file_that_exists_from_anywhere(
    served: DemoServer,
) -> None:
    readme = (demo_keys_dir(served.data) / "README.txt").read_text(encoding="utf-8")
    [line] = [line.strip() for line in readme.splitlines() if "peluit review --key" in line]
    words = line.split()
    path = Path(words[words.index("--key") + 1])
    assert path.is_absolute()
    assert path == key(served).resolve()
    assert path.is_file()
    # the address the demo was made for (`make run`: http://127.0.0.1:8000), not another
    assert words[words.index("--server") + 1] == "http://127.0.0.1:0"


@pytest.mark.parametrize("command", ["serve", "review"])
def test_a_port_out_of_range_is_a_usage_error_before_anything_is_made(
    tmp_path: Path, command: str
) -> None:
    key = ["--key", str(tmp_path / "k")] if command == "review" else []
    ran = peluit(command, "--port", "99999", *key, cwd=tmp_path)
    assert ran.status == 2
    assert ran.one_line_error().endswith("argument --port: 99999 is not a port number (0-65535)")
    assert list(tmp_path.iterdir()) == []  # no demo half made with an impossible address


def test_serve_prints_a_review_command_that_runs_without_peluit_on_the_path(
    tmp_path: Path,
) -> None:
    port = free_port()
    out = tmp_path / "serve.out"
    with out.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "peluit.cli.main", "serve", "--port", str(port)],
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        )
        try:
            wait_until_up(f"http://127.0.0.1:{port}/assets/peluit/channels.json", process)
        finally:
            process.terminate()
            process.wait(timeout=30)
    [line] = [x for x in out.read_text().splitlines() if " review --key " in x]
    words = line.split()
    program = tmp_path / words[words.index("review") - 1]  # as typed where serve ran
    assert program.name == "peluit"
    assert program.is_file()
    assert os.access(program, os.X_OK)
    assert (tmp_path / words[words.index("--key") + 1]).is_file()
