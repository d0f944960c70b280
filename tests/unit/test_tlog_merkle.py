"""RFC 6962 hashing, root hashes, inclusion and consistency proofs, checked against the
published vectors of transparency-dev/merkle (tests/vectors/tlog-merkle-probes.json:
every JSON file of testdata/inclusion and testdata/consistency, and the tree of
testonly/constants.go in tests/vectors/tlog-known-answers.json; commit
417fb0c314750d94e53942e9f92e79b6d35915db)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from peluit.tlog import (
    EMPTY_ROOT,
    LeafHashes,
    ProofError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    tree_root,
    verify_consistency,
    verify_inclusion,
)

pytestmark = pytest.mark.unit

VECTORS = Path(__file__).resolve().parents[1] / "vectors"
PROBES: dict[str, dict[str, Any]] = json.loads((VECTORS / "tlog-merkle-probes.json").read_text())[
    "probes"
]
TREE = json.loads((VECTORS / "tlog-known-answers.json").read_text())["merkle_tree"]
LEAVES = [bytes.fromhex(h) for h in TREE["leaf_inputs_hex"]]
ROOTS = [bytes.fromhex(h) for h in TREE["root_hashes_hex_by_size"]]


def _b(text: str | None) -> bytes:
    return base64.b64decode(text) if text else b""


def _proof(probe: dict[str, Any]) -> list[bytes]:
    return [_b(p) for p in probe["proof"] or []]


INCLUSION = sorted(k for k in PROBES if k.startswith("testdata/inclusion/"))
CONSISTENCY = sorted(k for k in PROBES if k.startswith("testdata/consistency/"))


def test_the_vectors_hold_every_probe_of_the_reference_suite() -> None:
    assert len(INCLUSION) == 98
    assert len(CONSISTENCY) == 98
    assert sum(not PROBES[k]["wantErr"] for k in PROBES) >= 10  # happy paths, not only failures


@pytest.mark.parametrize("name", INCLUSION)
def test_inclusion_probe_is_accepted_or_refused_as_the_reference_says(name: str) -> None:
    p = PROBES[name]
    args = (p["leafIdx"], p["treeSize"], _b(p["leafHash"]), _proof(p), _b(p["root"]))
    if p["wantErr"]:
        with pytest.raises(ProofError):
            verify_inclusion(*args)
    else:
        verify_inclusion(*args)


@pytest.mark.parametrize("name", CONSISTENCY)
def test_consistency_probe_is_accepted_or_refused_as_the_reference_says(name: str) -> None:
    p = PROBES[name]
    args = (p["size1"], p["size2"], _b(p["root1"]), _b(p["root2"]), _proof(p))
    if p["wantErr"]:
        with pytest.raises(ProofError):
            verify_consistency(*args)
    else:
        verify_consistency(*args)


def test_leaf_hashes_and_every_root_match_the_reference_tree() -> None:
    hashes = [leaf_hash(x) for x in LEAVES]
    assert [h.hex() for h in hashes] == TREE["leaf_hashes_hex"]
    assert ROOTS[0] == EMPTY_ROOT
    for size in range(len(LEAVES) + 1):
        assert tree_root(LeafHashes(hashes[:size]), size) == ROOTS[size], size


def _happy(kind: str, **match: int) -> list[dict[str, Any]]:
    return [
        PROBES[k]
        for k in (INCLUSION if kind == "inclusion" else CONSISTENCY)
        if PROBES[k]["desc"] == "happy path" and all(PROBES[k][f] == v for f, v in match.items())
    ]


def test_proofs_made_here_are_the_reference_happy_path_proofs() -> None:
    """The happy-path probes are proofs over the reference tree: ours must be byte-equal."""
    hashes = LeafHashes([leaf_hash(x) for x in LEAVES])
    compared = 0
    for p in _happy("inclusion"):
        if p["treeSize"] <= len(LEAVES) and _b(p["root"]) == ROOTS[p["treeSize"]]:
            assert inclusion_proof(hashes, p["leafIdx"], p["treeSize"]) == _proof(p)
            compared += 1
    for p in _happy("consistency"):
        if p["size2"] <= len(LEAVES) and _b(p["root2"]) == ROOTS[p["size2"]]:
            assert consistency_proof(hashes, p["size1"], p["size2"]) == _proof(p)
            compared += 1
    assert compared >= 8


def test_every_proof_of_the_reference_tree_verifies_and_a_changed_hash_is_refused() -> None:
    hashes = [leaf_hash(x) for x in LEAVES]
    tree = LeafHashes(hashes)
    for size in range(1, len(LEAVES) + 1):
        for index in range(size):
            proof = inclusion_proof(tree, index, size)
            verify_inclusion(index, size, hashes[index], proof, ROOTS[size])
            if proof:
                bad = [proof[0][:-1] + bytes([proof[0][-1] ^ 1]), *proof[1:]]
                with pytest.raises(ProofError):
                    verify_inclusion(index, size, hashes[index], bad, ROOTS[size])
        for old in range(1, size):
            proof = consistency_proof(tree, old, size)
            verify_consistency(old, size, ROOTS[old], ROOTS[size], proof)
            with pytest.raises(ProofError):
                verify_consistency(old, size, ROOTS[old - 1], ROOTS[size], proof)


def test_a_leaf_outside_the_tree_has_no_proof() -> None:
    tree = LeafHashes([leaf_hash(x) for x in LEAVES])
    with pytest.raises(ProofError):
        inclusion_proof(tree, 8, 8)
    with pytest.raises(ProofError):
        consistency_proof(tree, 5, 4)
