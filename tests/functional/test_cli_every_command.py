"""No traceback anywhere in the `peluit` command: every command and subcommand, discovered
from the argparse parsers in peluit/cli/, is run as a script runs it (a new session with no
terminal, standard input from /dev/null) with bad input: an unknown option, nothing, and
every file it takes as garbage, as a missing path and as a folder.

Each must fail (exit status not 0, except where noted) with its error as the last line of
standard error, one line only unless argparse printed its usage above it, and never with a
Python traceback or the last-resort "internal error" of peluit/cli/main.py (which would mean
a command let an exception through). Nothing is sent anywhere: proxies and the AWS endpoint
point at a closed port on 127.0.0.1."""

from __future__ import annotations

import argparse
import importlib
import inspect
import os
import pkgutil
import re
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

import peluit.cli
from peluit.cli.argtypes import port
from peluit.cli.main import USAGE
from peluit.config.demo import CONFIG_NAME, demo_key_path, ensure_demo

pytestmark = pytest.mark.functional

ROOT = Path(__file__).resolve().parents[2]
GARBAGE = b"not what it should be \x00\xff\n[[[\n"  # not UTF-8, not TOML, not a key
CLOSED = "http://127.0.0.1:9"  # nothing listens there: any request fails at once
VARIANTS = (
    "unknown-option",
    "nothing",
    "garbage",
    "missing",
    "folder",
    "unreachable",
    "no-terminal",
    "number",
)
NUMBERS = (int, port)  # argument types given 99999999 in the "number" variant
# (command, variant): why it may succeed.
MAY_SUCCEED = {
    ("age keygen", "nothing"): "makes a new identity on standard output, as `age-keygen` does",
    ("age keygen", "missing"): "writes a new identity to the (new) file it is given",
    ("roster list", "no-terminal"): "lists the demo's roster: no passphrase is needed",
}
# (command, variant): why it is not run.
NOT_RUN = {
    ("serve", "nothing"): "starts the server on port 8000 and waits",
    ("review", "no-terminal"): "starts the console, which asks for the passphrase in the browser",
}


@dataclass(frozen=True)
class Command:
    path: tuple[str, ...]  # ("cases", "status")
    levels: tuple[argparse.ArgumentParser, ...]  # the parser of each level, outermost first

    @property
    def name(self) -> str:
        return " ".join(self.path)


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _walk(path: tuple[str, ...], levels: tuple[argparse.ArgumentParser, ...]) -> Iterator[Command]:
    children = _subparsers(levels[-1])
    if not children:
        yield Command(path, levels)
    for name, child in children.items():
        yield from _walk((*path, name), (*levels, child))


def discover() -> list[Command]:
    """Every leaf command of every parser-making function in peluit/cli/ (`_parser`,
    `_keygen_parser`, `_deploy_parser`, …), named by the parser's prog."""
    found: dict[tuple[str, ...], Command] = {}
    for info in pkgutil.iter_modules(peluit.cli.__path__):
        module = importlib.import_module(f"peluit.cli.{info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__ or not name.endswith("parser"):
                continue
            if inspect.signature(function).parameters:
                continue
            parser = function()
            assert isinstance(parser, argparse.ArgumentParser)
            words = tuple(parser.prog.split())
            assert words[0] == "peluit", parser.prog
            for command in _walk(words[1:], (parser,)):
                found[command.path] = command
    return sorted(found.values(), key=lambda c: c.path)


COMMANDS = discover()


def test_every_command_of_peluit_help_is_discovered() -> None:
    listed = re.findall(r"^  ([a-z]+)\s", USAGE.split("commands:")[1], re.MULTILINE)
    assert len(listed) >= 12
    assert set(listed) <= {c.path[0] for c in COMMANDS}
    assert len(COMMANDS) >= 20


def test_an_unknown_command_ends_with_one_error_line_after_the_usage(tmp_path: Path) -> None:
    ran = run(["nope"], tmp_path)
    assert ran.status == 2
    assert ran.err.startswith("usage: peluit COMMAND")
    assert ran.err.splitlines()[-1] == "peluit: error: unknown command 'nope'"


def _long(action: argparse.Action) -> str:
    return max(action.option_strings, key=len)


def _chosen(parser: argparse.ArgumentParser, variant: str) -> list[argparse.Action]:
    """The actions to give a value: the required ones, every file or folder it takes, and
    one of each mutually exclusive group (the first path, or the first if the group is
    required)."""
    skip: set[int] = set()
    pick: set[int] = set()
    for group in parser._mutually_exclusive_groups:
        members = list(group._group_actions)
        paths = [a for a in members if a.type is Path]
        first = paths[0] if paths else (members[0] if group.required else None)
        skip.update(id(a) for a in members)
        if first is not None:
            pick.add(id(first))
    out = []
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
            continue
        if action.nargs == 0:
            continue
        wanted = action.required or not action.option_strings or action.type is Path
        wanted = wanted or (variant == "number" and action.type in NUMBERS)
        if variant == "no-terminal" and action.dest == "passphrase_file":
            continue
        if id(action) in pick or (id(action) not in skip and wanted):
            out.append(action)
    return out


def _value(action: argparse.Action, variant: str, work: Path) -> str:
    """A bad value: garbage, a missing path, a folder; or (unreachable) well-formed
    addresses of a closed port with garbage files; or (no-terminal) the demo's real key file
    and configuration, but no passphrase file, so the passphrase would have to be typed; or
    (number) a number far too large for every number it takes (ports, counts, retries)."""
    if action.type in NUMBERS:
        return "99999999" if variant == "number" else "1"
    if variant == "no-terminal":
        if action.dest == "key":
            return str(demo_key_path(work / "var", "rina"))
        if action.dest == "config":
            return str(work / "var" / CONFIG_NAME)
    if variant in {"unreachable", "no-terminal", "number"}:
        if action.dest in {"server", "url"}:
            return CLOSED
        variant = "garbage"
    if action.choices is not None:
        return str(next(iter(action.choices)))
    if action.type is Path or "file" in (action.dest or ""):
        return str(
            {"garbage": work / "garbage", "missing": work / "missing", "folder": work}[variant]
        )
    return "garbage, not what is asked \x1b[31m"


def argv_for(command: Command, variant: str, work: Path) -> list[str]:
    top = command.levels[0].prog.split()[1:]  # ["age", "keygen"] for `peluit age keygen`
    argv: list[str] = []
    for depth, parser in enumerate(command.levels):
        argv += top if depth == 0 else [command.path[len(top) + depth - 1]]
        if variant == "nothing":
            continue
        for action in parser._actions if variant == "unknown-option" else _chosen(parser, variant):
            if variant == "unknown-option" and not (action.required and action.option_strings):
                continue
            value = _value(action, "garbage" if variant == "unknown-option" else variant, work)
            argv += [_long(action), value] if action.option_strings else [value]
    if variant == "unknown-option":
        argv.append("--no-such-option")
    return argv


@dataclass(frozen=True)
class Ran:
    argv: list[str]
    status: int
    out: str
    err: str


def run(argv: list[str], work: Path) -> Ran:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PELUIT_"))},
        "PYTHONPATH": str(ROOT),
        "HOME": str(work),
        "HTTP_PROXY": CLOSED,
        "HTTPS_PROXY": CLOSED,
        "http_proxy": CLOSED,
        "https_proxy": CLOSED,
        "AWS_ENDPOINT_URL": CLOSED,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "ap-southeast-3",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_MAX_ATTEMPTS": "1",
    }
    done = subprocess.run(
        [sys.executable, "-m", "peluit.cli.main", *argv],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        check=False,
        timeout=120,
        cwd=work,
        start_new_session=True,  # no controlling terminal: no /dev/tty to ask on
        env=env,
    )
    out = done.stdout.decode(errors="replace")
    return Ran(argv, done.returncode, out, done.stderr.decode(errors="replace"))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("demo") / "var"
    ensure_demo(data, CLOSED)
    return data


@pytest.fixture
def work(tmp_path: Path, demo: Path) -> Path:
    (tmp_path / "var").symlink_to(demo)
    return tmp_path


def problems(command: Command, variant: str, work: Path) -> str | None:
    """What is wrong with how `command` takes bad input of this kind, or None. Each variant
    runs in a folder of its own, with a garbage file and the demo (as var/)."""
    work = work / variant
    work.mkdir()
    (work / "garbage").write_bytes(GARBAGE)
    (work / "var").symlink_to(work.parent / "var")
    ran = run(argv_for(command, variant, work), work)
    shown = f"{variant}: peluit {' '.join(ran.argv)!r} -> {ran.status}\n{ran.err}{ran.out[-500:]}"
    if "Traceback" in ran.err + ran.out or "internal error" in ran.err:
        return shown
    if (command.name, variant) in MAY_SUCCEED and ran.status == 0:
        return None
    lines = ran.err.splitlines()
    usage = ran.status == 2 and any(line.startswith("usage:") for line in lines)
    fine = (
        ran.status != 0
        and (variant != "unknown-option" or ran.status == 2)
        and bool(lines)
        and lines[-1].startswith("peluit")
        and "error" in lines[-1]
        and (usage or len(lines) == 1)
    )
    return None if fine else shown


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.name.replace(" ", "-"))
def test_bad_input_ends_in_one_error_line_never_a_traceback(command: Command, work: Path) -> None:
    variants = [v for v in VARIANTS if (command.name, v) not in NOT_RUN]
    with ThreadPoolExecutor(max_workers=4) as pool:  # each run waits mostly on imports
        found = list(pool.map(lambda v: problems(command, v, work), variants))
    wrong = [p for p in found if p is not None]
    assert not wrong, "\n".join(wrong)
