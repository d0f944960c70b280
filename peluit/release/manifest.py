"""The release manifest (`peluit-release/1`): what a release serves, to whom reports go, and
who may sign the next one. Pure: a built site's files, a configuration and a header policy in,
canonical JSON text out (docs/format.md#release).

The text is the signed note's text, so it is written one way only: keys sorted, two-space
indent, ASCII, a final newline. The same commit and configuration give the same bytes
(the site build is reproducible), which is how `peluit deploy` checks that what it is about
to publish is what the signers signed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from peluit.config import Config
from peluit.keys import fingerprint

from .errors import ManifestError
from .note import check_text

FORMAT = "peluit-release/1"
WELL_KNOWN = ".well-known/peluit/"  # release files live here and are not in the manifest
# The release log (docs/adr/0039): it records the release, so the release cannot list it.
LOG_DIR = "log/"
UNLISTED = (WELL_KNOWN, LOG_DIR)
RELEASE_PATH = WELL_KNOWN + "release.json"
_FIELDS = {"format", "commit", "site_url", "files", "headers", "roster", "channels", "release"}


def site_file_hashes(site_dir: Path) -> dict[str, str]:
    """Path under the site root (`en/index.html`) → hex SHA-256, for every file served."""
    hashes: dict[str, str] = {}
    for path in sorted(site_dir.rglob("*")):
        if path.is_file():
            name = path.relative_to(site_dir).as_posix()
            if not name.startswith(UNLISTED):
                hashes[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    if "index.html" not in hashes:
        raise ManifestError(f"{site_dir} holds no index.html: is it a built site?")
    return hashes


def roster(config: Config) -> list[dict[str, Any]]:
    """Every person: id, roles, age recipient, signing key and the fingerprint of both."""
    people = []
    for person in config.people:
        entry: dict[str, Any] = {
            "id": person.id,
            "roles": sorted(person.roles),
            "age_recipient": person.age_recipient,
            "signing_key": person.signing_key,
            "fingerprint": (
                fingerprint(person.age_recipient, person.signing_key)
                if person.signing_key
                else None
            ),
        }
        people.append(entry)
    return sorted(people, key=lambda p: str(p["id"]))


def channel_recipients(config: Config) -> list[dict[str, Any]]:
    """Per channel: who can read a report (reviewers and oversight) and who the identity."""
    return sorted(
        (
            {
                "id": c.id,
                "report_recipients": sorted(dict.fromkeys([*c.reviewers, *c.oversight])),
                "identity_recipients": sorted(set(c.custodians)),
            }
            for c in config.channels
        ),
        key=lambda c: str(c["id"]),
    )


def release_policy(config: Config) -> dict[str, Any] | None:
    if config.release is None:
        return None
    return {"signers": sorted(config.release.signers), "threshold": config.release.threshold}


def manifest(
    config: Config, files: Mapping[str, str], headers: Mapping[str, str], commit: str
) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "commit": commit,
        "site_url": str(config.organisation.site_url),
        "files": dict(sorted(files.items())),
        "headers": dict(sorted(headers.items())),
        "roster": roster(config),
        "channels": channel_recipients(config),
        "release": release_policy(config),
    }


def manifest_text(document: Mapping[str, Any]) -> str:
    """The one way a manifest is written (the signed note's text)."""
    return check_text(json.dumps(document, indent=2, sort_keys=True, ensure_ascii=True) + "\n")


def parse_manifest(text: str) -> dict[str, Any]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ManifestError(f"the release's text is not JSON ({exc})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ManifestError(f"not a {FORMAT} manifest")
    if set(document) != _FIELDS:
        raise ManifestError(f"a {FORMAT} manifest has exactly the fields {sorted(_FIELDS)}")
    if manifest_text(document) != text:
        raise ManifestError("the manifest is not written in its canonical form")
    return document


def differences(signed: Mapping[str, Any], built: Mapping[str, Any]) -> list[str]:
    """What differs between a signed manifest and one made now, one line each."""
    lines: list[str] = []
    for key in sorted(_FIELDS - {"files"}):
        if signed.get(key) != built.get(key):
            lines.append(f"{key} differs")
    old, new = signed.get("files", {}), built.get("files", {})
    for name in sorted(set(old) | set(new)):
        if name not in new:
            lines.append(f"file {name}: signed, but not in this build")
        elif name not in old:
            lines.append(f"file {name}: in this build, but not signed")
        elif old[name] != new[name]:
            lines.append(f"file {name}: different content")
    return lines
