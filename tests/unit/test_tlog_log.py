"""The log as files: appending writes the tiles and bundles the spec lays out, the signed
checkpoint names a root the tiles give, and proofs computed from the tiles verify."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from peluit.tlog import (
    CHECKPOINT,
    Ed25519Signer,
    EntryTooLargeError,
    LeafHashes,
    LogStateError,
    MemoryFiles,
    NoteSignatureError,
    TileError,
    TileHashes,
    append,
    consistency_proof,
    create_log,
    inclusion_proof,
    leaf_hash,
    read_checkpoint,
    read_entry,
    tiles_for_size,
    tree_root,
    verify_consistency,
    verify_inclusion,
)
from peluit.tlog.tiles import entries_path, tile_path

pytestmark = pytest.mark.unit


def _log() -> tuple[MemoryFiles, Ed25519Signer]:
    files = MemoryFiles()
    signer = Ed25519Signer("peluit.example/log", ed25519.Ed25519PrivateKey.generate())
    create_log(files, signer)
    return files, signer


def test_an_empty_log_is_a_signed_checkpoint_of_size_zero() -> None:
    files, signer = _log()
    checkpoint, note = read_checkpoint(files, signer.verifier())
    assert (checkpoint.origin, checkpoint.size) == ("peluit.example/log", 0)
    assert note.text.startswith(
        "peluit.example/log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"
    )
    with pytest.raises(LogStateError):
        create_log(files, signer)


def test_appends_in_batches_give_the_root_of_all_entries_and_the_spec_tiles() -> None:
    files, signer = _log()
    entries = [b"release %d" % i for i in range(600)]
    done = 0
    for batch in (1, 254, 1, 1, 300, 43):
        checkpoint = append(files, signer, entries[done : done + batch])
        done += batch
        assert checkpoint.size == done
        assert checkpoint.root == tree_root(
            LeafHashes([leaf_hash(e) for e in entries[:done]]), done
        )
        for level, index, width in tiles_for_size(done):
            assert len(files.files[tile_path(level, index, width)]) == 32 * width
    assert files.files[tile_path(0, 0)][:32] == leaf_hash(b"release 0")
    assert files.files[tile_path(1, 0, 2)][32:] == LeafHashes(
        [leaf_hash(e) for e in entries[256:512]]
    ).subtree(8, 0)
    assert entries_path(2, 88) in files.files
    assert [read_entry(files, i, 600) for i in (0, 255, 256, 599)] == [
        entries[0],
        entries[255],
        entries[256],
        entries[599],
    ]


def test_inclusion_and_consistency_proofs_from_tiles_verify() -> None:
    files, signer = _log()
    old = append(files, signer, [b"a%d" % i for i in range(300)])
    new = append(files, signer, [b"b%d" % i for i in range(30)])
    tiles = TileHashes(files, new.size)
    for index in (0, 255, 256, 299, 300, 329):
        proof = inclusion_proof(tiles, index, new.size)
        verify_inclusion(index, new.size, leaf_hash(read_entry(files, index, 330)), proof, new.root)
    proof = consistency_proof(tiles, old.size, new.size)
    verify_consistency(old.size, new.size, old.root, new.root, proof)


def test_an_oversized_entry_leaves_the_log_as_it_was() -> None:
    files, signer = _log()
    append(files, signer, [b"one"])
    before = dict(files.files)
    with pytest.raises(EntryTooLargeError):
        append(files, signer, [b"two", b"x" * 70000])
    assert files.files == before


def test_another_key_cannot_append_and_a_changed_full_tile_stops_an_append() -> None:
    files, signer = _log()
    append(files, signer, [b"%d" % i for i in range(255)])
    stranger = Ed25519Signer("peluit.example/log", ed25519.Ed25519PrivateKey.generate())
    with pytest.raises(NoteSignatureError):
        append(files, stranger, [b"evil"])
    files.files[tile_path(0, 0)] = b"\x00" * 8192  # someone put a full tile there already
    with pytest.raises(TileError, match="other bytes"):
        append(files, signer, [b"255"])
    assert read_checkpoint(files, signer.verifier())[0].size == 255


def test_a_missing_tile_is_named() -> None:
    files, signer = _log()
    append(files, signer, [b"a", b"b"])
    del files.files[tile_path(0, 0, 2)]
    with pytest.raises(TileError, match=r"tile/0/000\.p/2"):
        tree_root(TileHashes(files, 2), 2)
    assert CHECKPOINT in files.files
