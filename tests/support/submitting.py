"""Helpers for the submission client's tests and benchmark: `peluit serve` in a thread or a
subprocess, a demo configuration with a cheap proof of work, and reading a filed case back."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from peluit import age
from peluit.client import ClientError, SubmitRequest, SubmitResult, submit
from peluit.client.http import RetryPolicy, Transport
from peluit.config import Config
from peluit.config.demo import DEMO_PASSPHRASE, ensure_demo, open_demo_key
from peluit.core.report import ReportDocument
from peluit.serve.app import ServeOptions, build_server
from peluit.serve.server import PeluitServer

LOW_POW_BITS = 4
FIELDS = {"what": "a", "who": "b", "where": "c", "when": "d", "area": "pengadaan"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def low_pow_config(data: Path, bits: int = LOW_POW_BITS) -> Path:
    """The demo configuration (and demo keys) under `data`, copied with `pow_bits = bits`."""
    demo = ensure_demo(data, "http://127.0.0.1")
    text = demo.read_text(encoding="utf-8")
    lines = [
        f"pow_bits = {bits}" if line.strip().startswith("pow_bits") else line
        for line in text.splitlines()
    ]
    assert lines != text.splitlines(), "the demo configuration has no pow_bits line"
    path = data / "peluit.low-pow.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@dataclass
class InProcess:
    server: PeluitServer
    config: Config
    data: Path
    base: str


@contextmanager
def serve_in_thread(
    data: Path, config: Path | None = None, site: Path | None = None
) -> Iterator[InProcess]:
    """`peluit serve` on a free port in this process (the demo, or `config`; the built site,
    or `site`)."""
    options = ServeOptions("127.0.0.1", 0, data, config, site)
    server, loaded, _, _ = build_server(options)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield InProcess(server, loaded, data, f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def low_pow_demo(data: Path) -> Iterator[InProcess]:
    """The demo with a cheap proof of work, served in this process, and the demo passphrase
    in `passphrase.txt` beside `data` (where a person runs the commands after `make run`)."""
    data.mkdir()
    with serve_in_thread(data, low_pow_config(data)) as server:
        (data.parent / "passphrase.txt").write_text(DEMO_PASSPHRASE + "\n")
        yield server


def peluit_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "peluit.cli.main", *args]


def run_peluit(
    *args: str | Path, cwd: Path | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """A `peluit` command as a person runs it (in `cwd`, this directory by default; `stdin`
    typed or piped in); its output as text."""
    done = run_peluit_bytes(*args, cwd=cwd, stdin=(stdin or "").encode())
    return subprocess.CompletedProcess(
        done.args, done.returncode, done.stdout.decode(), done.stderr.decode()
    )


def run_peluit_bytes(
    *args: str | Path, cwd: Path | None = None, stdin: bytes = b""
) -> subprocess.CompletedProcess[bytes]:
    """`run_peluit` with bytes in and out (age files, key files)."""
    return subprocess.run(
        peluit_command(*map(str, args)),
        input=stdin,
        capture_output=True,
        check=False,
        timeout=120,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"peluit serve exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    raise AssertionError(f"peluit serve did not answer {url} within {timeout} s")


@contextmanager
def serve_subprocess(
    data: Path, stdout: IO[bytes], stderr: IO[bytes], *extra: str
) -> Iterator[str]:
    """`peluit serve --data DATA --port FREE` as a child process; yields its base URL."""
    port = free_port()
    process = subprocess.Popen(
        peluit_command("serve", "--data", str(data), "--port", str(port), *extra),
        stdout=stdout,
        stderr=stderr,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/assets/peluit/channels.json", process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def case_dirs(data: Path) -> list[Path]:
    root = data / "store" / "objects" / "cases"
    return sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []


def case_dir(data: Path, case: str) -> Path:
    return data / "store" / "objects" / "cases" / case.replace("-", "").lower()


def read_case(data: Path, case: str, person: str = "rina") -> tuple[ReportDocument, list[bytes]]:
    """The case's report and each attachment's plaintext, decrypted with a demo key file."""
    identity = open_demo_key(data, person).identity
    folder = case_dir(data, case)
    report = ReportDocument.model_validate_json(
        age.decrypt((folder / "report.age").read_bytes(), [identity])
    )
    files = []
    for number, entry in enumerate(report.files):
        parts = []
        for index, segment in enumerate(entry.segments):
            blob = (folder / "files" / f"{number:02d}" / f"{index:05d}.age").read_bytes()
            assert len(blob) == segment.size
            parts.append(age.decrypt(blob, [identity]))
        files.append(b"".join(parts))
    return report, files


def run_load(
    base: str, files: list[Path], clients: int, reports: int
) -> tuple[list[SubmitResult], list[BaseException]]:
    """`reports` submissions by `clients` threads, each with one of `files`."""
    # No retries: a load test counts every failure.
    transport = Transport(retry=RetryPolicy(attempts=1))
    lock = threading.Lock()
    results: list[SubmitResult] = []
    failures: list[BaseException] = []

    def one(n: int) -> None:
        request = SubmitRequest(channel="pengaduan", fields=FIELDS, files=[files[n % len(files)]])
        try:
            result = submit(base, request, transport)
        except (ClientError, OSError) as exc:
            with lock:
                failures.append(exc)
            return
        with lock:
            results.append(result)

    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(one, range(reports)))
    return results, failures


def small_files(folder: Path, count: int = 5) -> list[Path]:
    paths = []
    for i in range(count):
        path = folder / f"kecil-{i}.txt"
        path.write_bytes(os.urandom(200 + i))
        paths.append(path)
    return paths
