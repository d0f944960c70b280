"""The demo's release: made and signed by `peluit serve` with the demo signers' key files, so
the release loop (make, sign, publish, verify) runs on one machine and in CI."""

from __future__ import annotations

from pathlib import Path

from peluit.config import Config
from peluit.config.demo import open_demo_key

from .make import make_release
from .manifest import RELEASE_PATH
from .signers import release_signers, require_threshold, sign_as


def publish_demo_release(config: Config, data_dir: Path, site_dir: Path, commit: str) -> Path:
    """Sign the release of `site_dir` with every demo release signer's key and write it
    at `.well-known/peluit/release.json` in the site; the file's path."""
    note = make_release(config, site_dir, commit)
    for person in release_signers(config):
        note = sign_as(config, note, open_demo_key(data_dir, person))
    require_threshold(config, note)  # what `peluit deploy` would ask of it
    path = site_dir / RELEASE_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(note.encode())
    return path
