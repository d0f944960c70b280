"""A release in the release log (docs/adr/0039, docs/format.md#the-release-log).

The log keeps a short record per release, not the manifest: three lines,

    peluit-release-record/1
    sha256 <hex SHA-256 of the manifest, the signed note's text>
    commit <the manifest's source commit>

(about 110 bytes; a whole manifest per entry makes the partial entry bundles that tlog-tiles
requires grow with the square of the releases, ADR 0031). The release file itself is archived
beside the log, content-addressed and written once, at `releases/<sha256>.json`, so a monitor
can read every release the log holds, its roster and its signatures.

Pure over the log's files port (`peluit.tlog.LogFiles`): the operator's folder at deploy and in
`peluit serve`, the site's `/log/` over HTTP in `peluit verify-site`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from peluit import tlog
from peluit.tlog.tiles import TILE_WIDTH, decode_bundle, tile_width

from .errors import ReleaseError
from .manifest import parse_manifest
from .note import Note, parse_note

RECORD_FORMAT = "peluit-release-record/1"
ARCHIVE_DIR = "releases"
_RECORD = re.compile(
    rf"{re.escape(RECORD_FORMAT)}\nsha256 (?P<sha256>[0-9a-f]{{64}})\n"
    r"commit (?P<commit>[0-9a-f]{40}|unknown)\n"
)


class RecordError(ReleaseError):
    """A log entry that is not a release record."""


@dataclass(frozen=True)
class Record:
    sha256: str  # of the manifest (the note's text, UTF-8)
    commit: str

    def encode(self) -> bytes:
        return f"{RECORD_FORMAT}\nsha256 {self.sha256}\ncommit {self.commit}\n".encode("ascii")

    @property
    def archive_path(self) -> str:
        return archive_path(self.sha256)


def witness_key_name(person: str) -> str:
    """A witness's cosigner key name (`peluit witness`'s default, ADR 0031)."""
    return f"peluit-witness/{person}"


def archive_path(sha256: str) -> str:
    return f"{ARCHIVE_DIR}/{sha256}.json"


def record_of(note: Note) -> Record:
    """The log record of a release: its manifest's SHA-256 and source commit."""
    document = parse_manifest(note.text)
    digest = hashlib.sha256(note.text.encode("utf-8")).hexdigest()
    return Record(digest, str(document["commit"]))


def parse_record(entry: bytes) -> Record:
    match = _RECORD.fullmatch(entry.decode("ascii", errors="replace"))
    if match is None:
        raise RecordError(f"a log entry that is not a {RECORD_FORMAT}")
    return Record(match["sha256"], match["commit"])


@dataclass(frozen=True)
class Logged:
    index: int  # the release's entry
    checkpoint: tlog.Checkpoint
    appended: bool  # False: the release was already the log's last entry


def last_entry(files: tlog.LogFiles, checkpoint: tlog.Checkpoint) -> bytes | None:
    if checkpoint.size == 0:
        return None
    return tlog.read_entry(files, checkpoint.size - 1, checkpoint.size)


def log_release(files: tlog.LogFiles, signer: tlog.Ed25519Signer, release: bytes) -> Logged:
    """Append the release (the file's bytes, signed) to the log unless it is the last entry
    already; the release file is archived first, so every record has its release."""
    note_record = record_of(parse_note(release))
    current, _ = tlog.read_checkpoint(files, signer.verifier())
    if last_entry(files, current) == note_record.encode():
        return Logged(current.size - 1, current, appended=False)
    if files.read(note_record.archive_path) is None:
        files.write(note_record.archive_path, release)
    checkpoint = tlog.append(files, signer, [note_record.encode()])
    return Logged(checkpoint.size - 1, checkpoint, appended=True)


def find_record(files: tlog.LogFiles, size: int, record: Record) -> int | None:
    """The index of `record` in the tree of `size`, looking from the newest entry bundle back
    (a served release is normally the last entry, one bundle read); None when it is not there."""
    wanted = record.encode()
    for bundle in range(-(-size // TILE_WIDTH) - 1, -1, -1):
        width = tile_width(0, bundle, size)
        path = tlog.entries_path(bundle, width)
        data = files.read(path)
        if data is None:
            raise tlog.TileError(f"the log has no {path}")
        entries = decode_bundle(data, width)
        for at in range(width - 1, -1, -1):
            if entries[at] == wanted:
                return bundle * TILE_WIDTH + at
    return None
