"""Root hashes and proofs of an RFC 6962 tree, from a reader of its complete subtrees.

The reader answers one question, the hash of the complete subtree of 2^height leaves that
starts at leaf `index * 2^height`; tiles answer it (tilehashes.py), a list of leaf hashes
answers it in tests. Everything else follows RFC 6962, section 2.1: MTH over a range,
PATH (inclusion) and PROOF/SUBPROOF (consistency), written as the RFC writes them.
"""

from __future__ import annotations

from typing import Protocol

from .errors import ProofError
from .hashing import EMPTY_ROOT, node_hash, split_point


class SubtreeHashes(Protocol):
    def subtree(self, height: int, index: int) -> bytes:
        """The hash of leaves [index * 2^height, (index + 1) * 2^height)."""
        ...


def range_hash(reader: SubtreeHashes, start: int, end: int) -> bytes:
    """MTH(D[start:end]) for a range the RFC's recursion reaches (aligned on its left)."""
    n = end - start
    if n == 0:
        return EMPTY_ROOT
    if n & (n - 1) == 0 and start % n == 0:
        height = n.bit_length() - 1
        return reader.subtree(height, start >> height)
    k = split_point(n)
    return node_hash(range_hash(reader, start, start + k), range_hash(reader, start + k, end))


def tree_root(reader: SubtreeHashes, size: int) -> bytes:
    return range_hash(reader, 0, size)


def inclusion_proof(reader: SubtreeHashes, index: int, size: int) -> list[bytes]:
    """PATH(index, D[size]): the hashes that lead from leaf `index` to the root."""
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of {size}")
    return _path(reader, index, 0, size)


def _path(reader: SubtreeHashes, m: int, start: int, end: int) -> list[bytes]:
    n = end - start
    if n == 1:
        return []
    k = split_point(n)
    if m < k:
        return [*_path(reader, m, start, start + k), range_hash(reader, start + k, end)]
    return [*_path(reader, m - k, start + k, end), range_hash(reader, start, start + k)]


def consistency_proof(reader: SubtreeHashes, old_size: int, size: int) -> list[bytes]:
    """PROOF(old_size, D[size]): empty when the sizes are equal or the old tree is empty."""
    if not 0 <= old_size <= size:
        raise ProofError(f"no consistency proof from {old_size} down to {size}")
    if old_size in {0, size}:
        return []
    return _subproof(reader, old_size, 0, size, whole=True)


def _subproof(reader: SubtreeHashes, m: int, start: int, end: int, whole: bool) -> list[bytes]:
    n = end - start
    if m == n:
        return [] if whole else [range_hash(reader, start, end)]
    k = split_point(n)
    if m <= k:
        return [*_subproof(reader, m, start, start + k, whole), range_hash(reader, start + k, end)]
    return [
        *_subproof(reader, m - k, start + k, end, whole=False),
        range_hash(reader, start, start + k),
    ]


class LeafHashes:
    """A SubtreeHashes over leaf hashes held in memory (tests, small trees)."""

    def __init__(self, leaves: list[bytes]) -> None:
        self._leaves = leaves

    def subtree(self, height: int, index: int) -> bytes:
        width = 1 << height
        start = index * width
        if start + width > len(self._leaves):
            raise ProofError(f"the subtree {height}/{index} is past the tree's end")
        level = self._leaves[start : start + width]
        while len(level) > 1:
            level = [node_hash(level[i], level[i + 1]) for i in range(0, len(level), 2)]
        return level[0]
