"""Signed releases of the public site (docs/format.md#release, docs/operator-guide.md).

A release is a C2SP signed note (`note`) whose text is the `peluit-release/1` manifest
(`manifest`): the source commit, every served file's SHA-256, the response headers, the
roster and each channel's recipients. The configuration's release signers sign it one after
the other with their key files (`signers`); `peluit deploy` publishes only a release signed by
the threshold and identical to the site it built, at `/.well-known/peluit/release.json`.
"""

from .errors import (
    ManifestError,
    NoteFormatError,
    ReleaseError,
    SignatureError,
    ThresholdError,
)
from .make import make_release, served_headers, source_commit
from .manifest import RELEASE_PATH, differences, parse_manifest
from .note import Note, parse_note
from .signers import check_signatures, key_name, require_threshold, sign_as, verifiers

__all__ = [
    "RELEASE_PATH",
    "ManifestError",
    "Note",
    "NoteFormatError",
    "ReleaseError",
    "SignatureError",
    "ThresholdError",
    "check_signatures",
    "differences",
    "key_name",
    "make_release",
    "parse_manifest",
    "parse_note",
    "require_threshold",
    "served_headers",
    "sign_as",
    "source_commit",
    "verifiers",
]
