"""The release log at deploy (docs/adr/0039): the operator's log folder and log key, checked
before anything changes; the release appended (unless it is the last entry already) and the
log published with the site under `/log/`.

The intended order is: `peluit release log` appends the signed release; the witnesses cosign
the log folder (`peluit witness cosign --log DIR`) and the operator attaches their lines
(`peluit log cosign`); then `peluit deploy` publishes site, release and cosigned log together.
A deploy that appends itself publishes a checkpoint no witness has cosigned yet: it says so,
and every verifier reports it until the witnesses cosign and the operator deploys again.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from peluit import tlog
from peluit.config import Config
from peluit.release.log import log_release
from peluit.release.manifest import LOG_DIR
from peluit.verify.trust import trust_from_config


def check_log_options(config: Config, log: Path | None, log_key: Path | None) -> str | None:
    """Why a deploy must refuse the log options, or None (also None without a log)."""
    if config.release is None or config.release.log_key is None:
        return None
    if log is None or log_key is None:
        return (
            "the configuration names a release log (log_key): give its folder and key with "
            "--log DIR --log-key FILE (peluit log init made them)"
        )
    try:
        signer = tlog.parse_skey(log_key.read_text(encoding="ascii", errors="replace"))
    except (tlog.TlogError, OSError) as exc:
        return f"{log_key}: {exc}"
    if signer.verifier().vkey() != config.release.log_key:
        return f"{log_key} is not the key of the configuration's log ({config.release.log_key})"
    if log.exists() and not log.is_dir():
        return f"{log} is not a folder"
    return None


def publish_log(
    config: Config,
    log: Path,
    log_key: Path,
    release: bytes,
    site_dir: Path | None,
    say: Callable[[str], None],
) -> None:
    """Append `release` to the log in `log` (made on first use) unless it is there already,
    then copy the log into the site's `log/` for upload (if `site_dir`)."""
    signer = tlog.parse_skey(log_key.read_text(encoding="ascii"))
    files = tlog.DirectoryFiles(log)
    if files.read(tlog.CHECKPOINT) is None:
        log.mkdir(parents=True, exist_ok=True)
        tlog.create_log(files, signer)
        say(f"Release log: made a new log in {log}")
    logged = log_release(files, signer, release)
    if logged.appended:
        say(f"Release log: the release is entry {logged.index} (appended now)")
    else:
        say(f"Release log: the release is entry {logged.index}, appended before")
    trust = trust_from_config(config)
    if trust is not None:
        data = files.read(tlog.CHECKPOINT) or b""
        _, verified = tlog.open_note(data, [signer.verifier(), *trust.witnesses])
        cosigned = len(verified) - 1
        if cosigned < trust.witness_threshold:
            say(
                f"WARNING: the log's checkpoint is cosigned by {cosigned} of the "
                f"{trust.witness_threshold} witnesses needed: verifiers report it until they "
                "cosign (peluit witness cosign, peluit log cosign) and you deploy again"
            )
    if site_dir is None:
        return
    target = site_dir / LOG_DIR
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(log, target, ignore=shutil.ignore_patterns(".tmp-*"))
