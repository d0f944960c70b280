"""The demo's release: made and signed by `peluit serve` with the demo signers' key files,
appended to the demo's release log and cosigned by its demo witnesses, so the whole loop
(make, sign, log, witness, publish, verify) runs on one machine and in CI."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from peluit import tlog
from peluit.config import Config
from peluit.config.demo import LOG_KEY, open_demo_key

from .errors import ReleaseError
from .log import Logged, log_release, witness_key_name
from .make import make_release
from .manifest import LOG_DIR, RELEASE_PATH
from .signers import release_signers, require_threshold, sign_as

LOG_FOLDER = "log"  # the demo's log, kept across restarts (the site is rebuilt each time)
WITNESS_STATE = "witness-state"  # each demo witness's last cosigned checkpoint


def publish_demo_release(config: Config, data_dir: Path, site_dir: Path, commit: str) -> Path:
    """Sign the release of `site_dir` with every demo release signer's key and write it
    at `.well-known/peluit/release.json` in the site; then, if the demo has a log, append
    it, have the witnesses cosign and put the log under `log/` in the site. The file's path."""
    note = make_release(config, site_dir, commit)
    for person in release_signers(config):
        note = sign_as(config, note, open_demo_key(data_dir, person))
    require_threshold(config, note)  # what `peluit deploy` would ask of it
    path = site_dir / RELEASE_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(note.encode())
    if config.release is not None and config.release.log_key is not None:
        publish_demo_log(config, data_dir, site_dir, note.encode())
    return path


def demo_log_signer(data_dir: Path) -> tlog.Ed25519Signer:
    return tlog.parse_skey((data_dir / LOG_KEY).read_text(encoding="ascii"))


def publish_demo_log(config: Config, data_dir: Path, site_dir: Path, release: bytes) -> Logged:
    """Append `release` to the demo's log (made on first use), cosign the checkpoint as each
    demo witness (each checking consistency with the last checkpoint it cosigned), and copy
    the log into the site."""
    if config.release is None or config.release.log_key is None:
        raise ReleaseError("the configuration names no release log (log_key in [release])")
    signer = demo_log_signer(data_dir)
    if signer.verifier().vkey() != config.release.log_key:
        raise tlog.LogStateError(f"{data_dir / LOG_KEY} is not the configuration's log key")
    folder = data_dir / LOG_FOLDER
    files = tlog.DirectoryFiles(folder)
    if files.read(tlog.CHECKPOINT) is None:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        tlog.create_log(files, signer)
    logged = log_release(files, signer, release)
    for person in config.release.witnesses:
        cosign_as_demo_witness(data_dir, files, signer.verifier(), person)
    target = site_dir / LOG_DIR
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(folder, target)
    return logged


def cosign_as_demo_witness(
    data_dir: Path, files: tlog.DirectoryFiles, log_key: tlog.Verifier, person: str
) -> None:
    key = open_demo_key(data_dir, person)
    cosigner = tlog.CosignatureSigner(witness_key_name(person), key.signing_key, int(time.time()))
    state = data_dir / WITNESS_STATE / f"{person}.checkpoint"
    done = tlog.witness(files, log_key, state.read_bytes() if state.is_file() else None, cosigner)
    state.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    state.write_bytes(done.note.encode())
    tlog.add_cosignatures(files, log_key, cosigner.verifier(), done.cosignature.line().encode())
