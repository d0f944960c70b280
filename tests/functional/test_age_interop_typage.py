"""Our age module and typage (the `age-encryption` npm package, run under node) read each other.

typage is the reference TypeScript implementation of age by the age authors, pinned in js/.
Each direction runs one node process per (recipient kind, plaintext size), so the whole
module stays at a few dozen node processes.
"""

from __future__ import annotations

import os

import pytest

from peluit import age
from tests.support.js import node

pytestmark = pytest.mark.functional

KINDS = ["x25519", "hybrid"]
# Empty, one byte, and one byte short of, exactly at, and one byte past the 64 KiB chunk
# boundary, then a large file of many chunks.
SIZES = [0, 1, 65535, 65536, 65537, 10 * 1024 * 1024]


def _generate(kind: str) -> age.AnyIdentity:
    if kind == "hybrid":
        return age.HybridIdentity.generate()
    return age.X25519Identity.generate()


def _typage_keygen(kind: str, count: int) -> list[tuple[str, str]]:
    """`count` fresh (identity, recipient) pairs of `kind`, generated and derived by typage."""
    lines = node("typage-keygen.mjs", kind, str(count)).decode().splitlines()
    pairs = [tuple(line.split(" ")) for line in lines]
    assert all(len(pair) == 2 for pair in pairs), lines
    return [(identity, recipient) for identity, recipient in pairs]


def _typage_encrypt(plaintext: bytes, *recipients: str) -> bytes:
    return node("typage-encrypt.mjs", *recipients, stdin=plaintext)


def _typage_decrypt(ciphertext: bytes, identity: str) -> bytes:
    return node("typage-decrypt.mjs", identity, stdin=ciphertext)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("kind", KINDS)
def test_python_decrypts_what_typage_encrypted(kind: str, size: int) -> None:
    identity = _generate(kind)
    plaintext = os.urandom(size)
    ciphertext = _typage_encrypt(plaintext, identity.recipient().encode())
    assert age.inspect(ciphertext).payload_plaintext_size(len(ciphertext)) == size
    assert age.decrypt(ciphertext, [identity]) == plaintext


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("kind", KINDS)
def test_typage_decrypts_what_python_encrypted(kind: str, size: int) -> None:
    identity = _generate(kind)
    plaintext = os.urandom(size)
    ciphertext = age.encrypt(plaintext, [identity.recipient()])
    assert _typage_decrypt(ciphertext, identity.encode()) == plaintext


@pytest.mark.parametrize("kind", KINDS)
def test_typage_refuses_a_python_file_for_another_identity(kind: str) -> None:
    """The decrypt tool really fails on a wrong key, so the passing tests above mean something."""
    ciphertext = age.encrypt(b"not for you", [_generate(kind).recipient()])
    with pytest.raises(RuntimeError, match="no identity matched"):
        _typage_decrypt(ciphertext, _generate(kind).encode())


@pytest.mark.parametrize("kind", KINDS)
def test_python_derives_the_same_recipient_from_typage_generated_keys(kind: str) -> None:
    for identity_text, recipient_text in _typage_keygen(kind, 3):
        identity = age.parse_identity(identity_text)
        assert type(identity) is type(_generate(kind))
        assert identity.encode() == identity_text
        assert identity.recipient().encode() == recipient_text
        assert age.parse_recipient(recipient_text).encode() == recipient_text


@pytest.mark.parametrize("kind", KINDS)
def test_typage_derives_the_same_recipient_from_python_generated_keys(kind: str) -> None:
    identities = [_generate(kind) for _ in range(3)]
    derived = node("typage-recipient.mjs", *(i.encode() for i in identities)).decode()
    assert derived.splitlines() == [i.recipient().encode() for i in identities]


def test_python_decrypts_a_typage_file_for_several_hybrid_recipients_with_each_identity() -> None:
    typage_made = [age.parse_identity(i) for i, _ in _typage_keygen("hybrid", 2)]
    python_made: list[age.AnyIdentity] = [age.HybridIdentity.generate() for _ in range(2)]
    identities = typage_made + python_made
    plaintext = os.urandom(100_000)
    ciphertext = _typage_encrypt(plaintext, *(i.recipient().encode() for i in identities))

    age.require_hybrid_recipients(age.inspect(ciphertext), len(identities))
    for identity in identities:
        assert age.decrypt(ciphertext, [identity]) == plaintext
    with pytest.raises(age.NoMatchError):
        age.decrypt(ciphertext, [age.HybridIdentity.generate()])


def test_typage_decrypts_a_python_file_for_several_hybrid_recipients_with_each_identity() -> None:
    identities = [age.HybridIdentity.generate() for _ in range(3)]
    plaintext = os.urandom(100_000)
    ciphertext = age.encrypt(plaintext, [i.recipient() for i in identities])
    for identity in identities:
        assert _typage_decrypt(ciphertext, identity.encode()) == plaintext
