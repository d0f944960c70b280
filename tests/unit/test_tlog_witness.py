"""A witness cosigns a checkpoint only when it extends the last one it saw: a fork (another
tree of the same size, or a larger tree that does not contain the old one) and a rollback (a
smaller tree) are refused by name; tiles that do not give the checkpoint's root are refused."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from peluit.tlog import (
    CosignatureSigner,
    Ed25519Signer,
    ForkError,
    LogStateError,
    MemoryFiles,
    NoteSignatureError,
    ProofError,
    RollbackError,
    append,
    create_log,
    open_note,
    witness,
)
from peluit.tlog.tiles import tile_path

pytestmark = pytest.mark.unit

LOG_KEY = Ed25519Signer("peluit.example/log", ed25519.Ed25519PrivateKey.generate())
WITNESS = CosignatureSigner(
    "kpk.example/witness", ed25519.Ed25519PrivateKey.generate(), 1_800_000_000
)


def _log(entries: list[bytes]) -> MemoryFiles:
    files = MemoryFiles()
    create_log(files, LOG_KEY)
    append(files, LOG_KEY, entries)
    return files


def _seen(files: MemoryFiles) -> bytes:
    return witness(files, LOG_KEY.verifier(), None, WITNESS).note.encode()


def test_a_consistent_extension_is_cosigned_and_the_cosignature_verifies() -> None:
    files = _log([b"r1", b"r2", b"r3"])
    state = _seen(files)
    append(files, LOG_KEY, [b"r4", b"r5"])
    done = witness(files, LOG_KEY.verifier(), state, WITNESS)
    assert (done.previous.size if done.previous else None, done.checkpoint.size) == (3, 5)
    cosigned = done.note.text + "\n" + done.cosignature.line()
    note, verified = open_note(cosigned.encode(), [WITNESS.verifier()])
    assert verified[0].name == "kpk.example/witness"
    assert note.text.startswith("peluit.example/log\n5\n")


def test_the_same_checkpoint_again_is_cosigned() -> None:
    files = _log([b"r1"])
    assert witness(files, LOG_KEY.verifier(), _seen(files), WITNESS).checkpoint.size == 1


def test_a_fork_of_the_same_size_is_refused() -> None:
    state = _seen(_log([b"r1", b"r2", b"r3"]))
    other = _log([b"r1", b"r2", b"EVIL"])
    with pytest.raises(ForkError, match="fork: two different trees of 3"):
        witness(other, LOG_KEY.verifier(), state, WITNESS)


def test_a_larger_tree_that_rewrote_history_is_refused_as_a_fork() -> None:
    state = _seen(_log([b"r1", b"r2", b"r3"]))
    other = _log([b"r1", b"EVIL", b"r3", b"r4"])
    with pytest.raises(ForkError, match="does not extend the tree of 3"):
        witness(other, LOG_KEY.verifier(), state, WITNESS)


def test_a_rollback_to_a_smaller_tree_is_refused() -> None:
    state = _seen(_log([b"r1", b"r2", b"r3"]))
    with pytest.raises(RollbackError, match="rollback: the log is at 2 entries"):
        witness(_log([b"r1", b"r2"]), LOG_KEY.verifier(), state, WITNESS)


def test_tiles_that_do_not_give_the_checkpoint_root_are_refused() -> None:
    files = _log([b"r1", b"r2"])
    files.files[tile_path(0, 0, 2)] = b"\x01" * 64
    with pytest.raises(ProofError, match="tiles do not give the root"):
        witness(files, LOG_KEY.verifier(), None, WITNESS)


def test_a_checkpoint_signed_by_another_key_is_refused() -> None:
    files = _log([b"r1"])
    other = Ed25519Signer("peluit.example/log", ed25519.Ed25519PrivateKey.generate())
    with pytest.raises(NoteSignatureError):
        witness(files, other.verifier(), None, WITNESS)


def test_a_state_of_another_log_or_damaged_is_named_and_not_replaced() -> None:
    files = _log([b"r1"])
    other_key = Ed25519Signer("peluit.example/log", ed25519.Ed25519PrivateKey.generate())
    other = MemoryFiles()
    create_log(other, other_key)
    foreign = witness(other, other_key.verifier(), None, WITNESS).note.encode()
    for state in (foreign, b"garbage"):
        with pytest.raises(LogStateError, match=r"not a checkpoint of peluit\.example/log"):
            witness(files, LOG_KEY.verifier(), state, WITNESS)
