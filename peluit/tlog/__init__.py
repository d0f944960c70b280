"""The release log: a C2SP transparency log (tlog-tiles, tlog-checkpoint, signed-note,
tlog-cosignature) of Peluit's releases, kept as static files. Pure: files come and go
through the LogFiles port; nothing here opens a connection or imports the rest of Peluit."""

from .checkpoint import Checkpoint, parse_checkpoint
from .cosignature import CosignatureSigner, CosignatureVerifier
from .errors import (
    CheckpointFormatError,
    EntryTooLargeError,
    ForkError,
    LogStateError,
    NoteFormatError,
    NoteSignatureError,
    ProofError,
    RollbackError,
    TileError,
    TlogError,
)
from .files import DirectoryFiles, LogFiles, MemoryFiles
from .hashing import EMPTY_ROOT, leaf_hash, node_hash
from .keys import Ed25519Signer, Ed25519Verifier, parse_skey
from .log import CHECKPOINT, add_cosignatures, append, create_log, read_checkpoint
from .merkle import LeafHashes, consistency_proof, inclusion_proof, tree_root
from .note import Note, Signature, Signer, Verifier, open_note, parse_note, sign_note
from .tilehashes import TileHashes, read_entry
from .tiles import entries_path, tile_path, tiles_for_size
from .verify import verify_consistency, verify_inclusion
from .vkey import parse_vkey
from .witness import Witnessed, check_extends, witness

__all__ = [
    "CHECKPOINT",
    "EMPTY_ROOT",
    "Checkpoint",
    "CheckpointFormatError",
    "CosignatureSigner",
    "CosignatureVerifier",
    "DirectoryFiles",
    "Ed25519Signer",
    "Ed25519Verifier",
    "EntryTooLargeError",
    "ForkError",
    "LeafHashes",
    "LogFiles",
    "LogStateError",
    "MemoryFiles",
    "Note",
    "NoteFormatError",
    "NoteSignatureError",
    "ProofError",
    "RollbackError",
    "Signature",
    "Signer",
    "TileError",
    "TileHashes",
    "TlogError",
    "Verifier",
    "Witnessed",
    "add_cosignatures",
    "append",
    "check_extends",
    "consistency_proof",
    "create_log",
    "entries_path",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "open_note",
    "parse_checkpoint",
    "parse_note",
    "parse_skey",
    "parse_vkey",
    "read_checkpoint",
    "read_entry",
    "sign_note",
    "tile_path",
    "tiles_for_size",
    "tree_root",
    "verify_consistency",
    "verify_inclusion",
    "witness",
]
