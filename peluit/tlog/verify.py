"""Checking inclusion and consistency proofs: the algorithms of RFC 9162, sections 2.1.3.2
and 2.1.4.2, with the edge cases of transparency-dev/merkle's proof package (a consistency
proof from the empty tree proves nothing and is refused; equal sizes need an empty proof)."""

from __future__ import annotations

import hmac

from .errors import ProofError
from .hashing import HASH_SIZE, node_hash


def _check_hashes(proof: list[bytes], *hashes: bytes) -> None:
    if any(len(p) != HASH_SIZE for p in proof):
        raise ProofError("a proof hash is not 32 bytes")
    if any(len(h) != HASH_SIZE for h in hashes):
        raise ProofError("a leaf or root hash is not 32 bytes")


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: list[bytes]) -> bytes:
    """The root hash that `proof` gives for leaf hash `leaf` at `index` in a tree of `size`."""
    _check_hashes(proof, leaf)
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of {size}")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofError("the inclusion proof is too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the inclusion proof is too short")
    return r


def verify_inclusion(index: int, size: int, leaf: bytes, proof: list[bytes], root: bytes) -> None:
    _check_hashes([], root)
    if not hmac.compare_digest(root_from_inclusion(index, size, leaf, proof), root):
        raise ProofError(f"leaf {index} is not in the tree of {size} with that root")


def verify_consistency(
    old_size: int, size: int, old_root: bytes, root: bytes, proof: list[bytes]
) -> None:
    """Raise ProofError unless the tree (`size`, `root`) extends (`old_size`, `old_root`)."""
    _check_hashes(proof)
    if old_size > size:
        raise ProofError(f"the old tree ({old_size}) is larger than the new one ({size})")
    if old_size == 0:
        raise ProofError("a consistency proof from the empty tree proves nothing")
    if old_size == size:
        if proof:
            raise ProofError("equal sizes take an empty consistency proof")
        if not hmac.compare_digest(old_root, root):
            raise ProofError(f"two different roots for the same size {size}")
        return
    if not proof:
        raise ProofError("the consistency proof is empty")
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("the consistency proof is too long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the consistency proof is too short")
    if not hmac.compare_digest(fr, old_root):
        raise ProofError(f"the proof does not lead to the old root of size {old_size}")
    if not hmac.compare_digest(sr, root):
        raise ProofError(f"the proof does not lead to the new root of size {size}")
