"""Every C2SP CCTV age vector gives its expected outcome with our age module."""

from __future__ import annotations

import hashlib
from collections import Counter

import pytest

from peluit import age
from tests.support.cctv import Vector, load_vectors
from tests.support.js import node_ready

pytestmark = pytest.mark.functional

EXPECTED_ERROR: dict[str, type[age.AgeError]] = {
    "header failure": age.HeaderError,
    "payload failure": age.PayloadError,
    "no match": age.NoMatchError,
    "HMAC failure": age.HmacError,
    "armor failure": age.ArmorError,
}


def _identities(vector: Vector) -> list[age.Identity]:
    ids: list[age.Identity] = [age.parse_identity(i) for i in vector.identities]
    ids += [age.ScryptIdentity(p) for p in vector.passphrases]
    return ids


def _decrypt(vector: Vector) -> bytes:
    data = age.dearmor(vector.body) if vector.armored else vector.body
    return age.decrypt(data, _identities(vector))


def _names() -> list[str]:
    """The vectors' names, read at collection time only where node is here: `pytest -m unit`
    must collect without js/node_modules. Without it the one placeholder case fails when the
    functional tier runs, with load_vectors()'s "js/node_modules is missing"."""
    return sorted(load_vectors()) if node_ready() else ["(js/node_modules is missing)"]


@pytest.mark.parametrize("name", _names())
def test_cctv_vector_gives_its_expected_outcome(name: str) -> None:
    vector = load_vectors()[name]
    if vector.expect == "success":
        plaintext = _decrypt(vector)
        assert hashlib.sha256(plaintext).hexdigest() == vector.payload_sha256
    else:
        with pytest.raises(EXPECTED_ERROR[vector.expect]):
            _decrypt(vector)


def test_cctv_suite_is_the_whole_pinned_suite() -> None:
    vectors = load_vectors().values()
    counts = Counter(v.expect for v in vectors)
    armored = sum(v.armored for v in vectors)
    print(f"CCTV age vectors: {len(vectors)} in all, {dict(counts)}, armored {armored}")
    assert len(vectors) == 143
    assert counts["success"] == 26
