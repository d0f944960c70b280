"""Checking a release against a built site: the note, the signatures, the manifest."""

from __future__ import annotations

from pathlib import Path

from peluit.config import Config

from .errors import ManifestError
from .make import make_release
from .manifest import differences, parse_manifest
from .note import Note
from .signers import ThresholdResult, require_threshold


def check_release(config: Config, note: Note, site_dir: Path, commit: str) -> ThresholdResult:
    """The threshold met and the signed manifest equal to the one `site_dir` gives now;
    ThresholdError, SignatureError or ManifestError (naming every difference) if not."""
    result = require_threshold(config, note)
    signed = parse_manifest(note.text)
    built = make_release(config, site_dir, commit)
    if built.text != note.text:
        found = differences(signed, parse_manifest(built.text))
        raise ManifestError(
            "the signed release is not this site: "
            + ("; ".join(found[:10]) or "the texts differ")
            + (f" (and {len(found) - 10} more)" if len(found) > 10 else "")
        )
    return result
