"""RFC 6962 / RFC 9162 Merkle tree hashing with SHA-256.

leaf hash = SHA-256(0x00 || entry)
node hash = SHA-256(0x01 || left || right)
the empty tree's hash = SHA-256("")
"""

from __future__ import annotations

import hashlib

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two smaller than `n` (n > 1): where RFC 6962 splits D[n]."""
    return 1 << ((n - 1).bit_length() - 1)
