"""Running the project's pinned JavaScript tools (typage, cctv-age) under node."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

JS_DIR = Path(__file__).resolve().parents[2] / "js"


def node_ready() -> bool:
    """Whether node and the pinned packages (js/node_modules) are here: tests ask it at collection
    time only to decide whether they can list their cases, never to skip."""
    return shutil.which("node") is not None and (JS_DIR / "node_modules").is_dir()


def node(script: str, *args: str, stdin: bytes | None = None, timeout: float = 120) -> bytes:
    """Run `js/tools/<script>` with node and return its stdout; a failure raises with stderr."""
    exe = shutil.which("node")
    if exe is None:
        raise RuntimeError("node is not installed: run the README's test command")
    if not (JS_DIR / "node_modules").is_dir():
        raise RuntimeError("js/node_modules is missing: run `npm ci` in js/ (make test does)")
    proc = subprocess.run(
        [exe, str(JS_DIR / "tools" / script), *args],
        input=stdin,
        capture_output=True,
        timeout=timeout,
        cwd=JS_DIR,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"node {script} failed: {proc.stderr.decode(errors='replace')}")
    return proc.stdout
