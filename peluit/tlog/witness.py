"""What a witness decides before it cosigns (pure: files in, a verdict out).

The witness checks the log's signature on the checkpoint, that the tiles give the
checkpoint's root, and, against the last checkpoint it saw for this log, that the new one is
not smaller (a rollback), not a different tree of the same size, and that a consistency
proof computed from the tiles joins the two roots (otherwise: a fork). Only then it signs.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from .checkpoint import Checkpoint, parse_checkpoint
from .cosignature import CosignatureSigner
from .errors import (
    CheckpointFormatError,
    ForkError,
    LogStateError,
    NoteFormatError,
    NoteSignatureError,
    ProofError,
    RollbackError,
)
from .files import LogFiles
from .log import read_checkpoint
from .merkle import consistency_proof, tree_root
from .note import Note, Signature, Verifier, open_note
from .tilehashes import TileHashes
from .verify import verify_consistency


@dataclass(frozen=True)
class Witnessed:
    checkpoint: Checkpoint
    previous: Checkpoint | None
    note: Note  # the log-signed checkpoint, to keep as the witness's state
    cosignature: Signature


def previous_checkpoint(state: bytes | None, log_key: Verifier) -> Checkpoint | None:
    """The checkpoint the witness kept; a state that this log's key did not sign (another
    log's, or damaged) is a LogStateError, never silently replaced."""
    if state is None:
        return None
    try:
        note, _ = open_note(state, [log_key])
        return parse_checkpoint(note.text)
    except (NoteFormatError, NoteSignatureError, CheckpointFormatError) as exc:
        raise LogStateError(
            f"the witness's state is not a checkpoint of {log_key.name} ({exc}); "
            "use another --state folder for another log"
        ) from None


def check_extends(files: LogFiles, previous: Checkpoint | None, checkpoint: Checkpoint) -> None:
    """Raise RollbackError or ForkError unless `checkpoint` extends `previous`; ProofError
    if the tiles do not give the checkpoint's root."""
    tiles = TileHashes(files, checkpoint.size)
    if not hmac.compare_digest(tree_root(tiles, checkpoint.size), checkpoint.root):
        raise ProofError(
            f"the log's tiles do not give the root of its checkpoint ({checkpoint.size})"
        )
    if previous is None or previous.size == 0:
        return
    if previous.origin != checkpoint.origin:
        raise LogStateError(f"the state is of log {previous.origin!r}, not {checkpoint.origin!r}")
    if checkpoint.size < previous.size:
        raise RollbackError(
            f"rollback: the log is at {checkpoint.size} entries, "
            f"but it was already at {previous.size}"
        )
    if checkpoint.size == previous.size and not hmac.compare_digest(checkpoint.root, previous.root):
        raise ForkError(f"fork: two different trees of {checkpoint.size} entries")
    try:
        proof = consistency_proof(tiles, previous.size, checkpoint.size)
        verify_consistency(previous.size, checkpoint.size, previous.root, checkpoint.root, proof)
    except ProofError as exc:
        raise ForkError(
            f"fork: the tree of {checkpoint.size} entries does not extend "
            f"the tree of {previous.size} seen before ({exc})"
        ) from None


def witness(
    files: LogFiles, log_key: Verifier, state: bytes | None, cosigner: CosignatureSigner
) -> Witnessed:
    checkpoint, note = read_checkpoint(files, log_key)
    previous = previous_checkpoint(state, log_key)
    check_extends(files, previous, checkpoint)
    signature = Signature(cosigner.name, cosigner.key_id, cosigner.sign(note.text.encode()))
    return Witnessed(checkpoint, previous, note, signature)
