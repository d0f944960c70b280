"""The release log as files: make it, read its checkpoint, append entries.

Appending writes the new tiles and entry bundles first and the signed checkpoint last, so a
reader never sees a checkpoint whose tiles are missing. Full tiles are immutable: one that
exists with other bytes means the files were changed behind the log's back, and nothing
is written. Partial tiles of earlier sizes are left in place (old checkpoints name them).
"""

from __future__ import annotations

from .checkpoint import Checkpoint, parse_checkpoint
from .errors import LogStateError, TileError
from .files import LogFiles
from .hashing import EMPTY_ROOT, leaf_hash
from .keys import Ed25519Signer
from .merkle import LeafHashes, tree_root
from .note import Note, Signature, Verifier, open_note, parse_note, sign_note
from .tilehashes import TileHashes
from .tiles import (
    TILE_HEIGHT,
    TILE_WIDTH,
    decode_bundle,
    encode_bundle,
    entries_path,
    split_hashes,
    tile_path,
)

CHECKPOINT = "checkpoint"


def read_checkpoint(files: LogFiles, log_key: Verifier) -> tuple[Checkpoint, Note]:
    """The log's checkpoint, verified with the log's key, its origin the key's name."""
    data = files.read(CHECKPOINT)
    if data is None:
        raise LogStateError("the log has no checkpoint (not made yet, or not a log)")
    note, _ = open_note(data, [log_key])
    checkpoint = parse_checkpoint(note.text)
    if checkpoint.origin != log_key.name:
        raise LogStateError(f"the checkpoint is of {checkpoint.origin!r}, not of {log_key.name!r}")
    return checkpoint, note


def create_log(files: LogFiles, signer: Ed25519Signer) -> Checkpoint:
    """An empty log whose origin is the log key's name."""
    if files.read(CHECKPOINT) is not None:
        raise LogStateError("a log is already there")
    checkpoint = Checkpoint(signer.name, 0, EMPTY_ROOT)
    files.write(CHECKPOINT, sign_note(checkpoint.text(), [signer]).encode())
    return checkpoint


def _write_once(files: LogFiles, path: str, data: bytes) -> None:
    old = files.read(path)
    if old is not None and old != data:
        raise TileError(f"{path} is already there with other bytes: the log was changed")
    if old is None:
        files.write(path, data)


def _append_hashes(files: LogFiles, size: int, leaves: list[bytes]) -> None:
    """Add leaf hashes to a tree of `size`: each level's last tile grows; a tile that
    fills up is written in full and its hash goes up one level."""
    level, adding = 0, leaves
    while adding:
        count = size >> (TILE_HEIGHT * level)
        index, width = divmod(count, TILE_WIDTH)
        tail: list[bytes] = []
        if width:
            data = files.read(tile_path(level, index, width))
            if data is None:
                raise TileError(f"the log has no {tile_path(level, index, width)}")
            tail = split_hashes(data, width)
        promoted = []
        for h in adding:
            tail.append(h)
            if len(tail) == TILE_WIDTH:
                _write_once(files, tile_path(level, index), b"".join(tail))
                promoted.append(LeafHashes(tail).subtree(TILE_HEIGHT, 0))
                index, tail = index + 1, []
        if tail:
            _write_once(files, tile_path(level, index, len(tail)), b"".join(tail))
        level, adding = level + 1, promoted


def _append_entries(files: LogFiles, size: int, entries: list[bytes]) -> None:
    index, width = divmod(size, TILE_WIDTH)
    tail: list[bytes] = []
    if width:
        data = files.read(entries_path(index, width))
        if data is None:
            raise TileError(f"the log has no {entries_path(index, width)}")
        tail = decode_bundle(data, width)
    for entry in entries:
        tail.append(entry)
        if len(tail) == TILE_WIDTH:
            _write_once(files, entries_path(index), encode_bundle(tail))
            index, tail = index + 1, []
    if tail:
        _write_once(files, entries_path(index, len(tail)), encode_bundle(tail))


def append(files: LogFiles, signer: Ed25519Signer, entries: list[bytes]) -> Checkpoint:
    """Append `entries` and sign the new checkpoint with the log key. Cosignatures of the
    old checkpoint are dropped: witnesses cosign the new one."""
    old, _ = read_checkpoint(files, signer.verifier())
    if not entries:
        return old
    encode_bundle(entries)  # refuses an oversized entry before anything is written
    _append_hashes(files, old.size, [leaf_hash(e) for e in entries])
    _append_entries(files, old.size, entries)
    size = old.size + len(entries)
    checkpoint = Checkpoint(old.origin, size, tree_root(TileHashes(files, size), size))
    files.write(CHECKPOINT, sign_note(checkpoint.text(), [signer]).encode())
    return checkpoint


def add_cosignatures(
    files: LogFiles, log_key: Verifier, witness: Verifier, lines: bytes
) -> Signature:
    """Attach a witness's cosignature (its signature line, or a note holding it) to the
    current checkpoint, after checking it with the witness's key."""
    _, note = read_checkpoint(files, log_key)
    text = lines.decode("utf-8", errors="replace")
    if not text.startswith(note.text):
        text = note.text + "\n" + text
    cosigned, _ = open_note(text.encode("utf-8"), [witness])
    if cosigned.text != note.text:
        raise LogStateError("the cosignature is of another checkpoint")
    mine = [s for s in cosigned.signatures if (s.name, s.key_id) == (witness.name, witness.key_id)]
    kept = tuple(s for s in note.signatures if (s.name, s.key_id) != (witness.name, witness.key_id))
    files.write(CHECKPOINT, Note(note.text, (*kept, mine[0])).encode())
    return mine[0]


def signatures_of(data: bytes) -> tuple[Signature, ...]:
    return parse_note(data).signatures
