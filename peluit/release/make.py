"""Making a release from a built site: the manifest as an unsigned note, and the header
policy and source commit it records."""

from __future__ import annotations

import subprocess
from pathlib import Path

from peluit.config import Config
from peluit.edge.response_headers import UPLOAD_ORIGIN, production_headers
from peluit.web.headers import SECURITY_HEADERS

from .manifest import manifest, manifest_text, site_file_hashes
from .note import Note

UNKNOWN_COMMIT = "unknown"


def served_headers(config: Config) -> dict[str, str]:
    """The headers every site response carries where this configuration runs: the CDN's
    policy, its staging bucket named, for an S3 store; `peluit serve`'s otherwise."""
    if config.store.kind != "s3":
        return dict(SECURITY_HEADERS)
    origin = UPLOAD_ORIGIN.replace(
        "${StagingBucketName}", str(config.store.staging_bucket_name)
    ).replace("${AWS::Region}", config.store.region)
    return {
        name: value.replace(UPLOAD_ORIGIN, origin) for name, value in production_headers().items()
    }


def source_commit(source_dir: Path) -> str:
    """The checkout's commit (`git rev-parse HEAD`), or "unknown" outside a git checkout."""
    try:
        done = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            ["git", "-C", str(source_dir), "rev-parse", "HEAD"],  # noqa: S607 - git from PATH
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return UNKNOWN_COMMIT
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and len(commit) == 40 else UNKNOWN_COMMIT


def make_release(config: Config, site_dir: Path, commit: str) -> Note:
    """The release of the site built in `site_dir` for `config`, not signed yet."""
    document = manifest(config, site_file_hashes(site_dir), served_headers(config), commit)
    return Note(manifest_text(document))
