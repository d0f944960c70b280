"""Our age module and Debian's `age` command line (the Go reference, 1.1.1) read each other.

Debian's age 1.1.1 predates the post-quantum hybrid type, so this module is about X25519 keys,
key files and armor. Passphrase (scrypt) files are not tested against the CLI in either
direction: `age -p` and `age -d` read the passphrase only from a terminal (/dev/tty), never
from stdin or an argument, which a test cannot provide without driving a pseudo-terminal.
Our scrypt decryption is covered by the CCTV vectors (test_age_cctv.py) instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from peluit import age

pytestmark = pytest.mark.functional

# Empty, one byte, and one byte short of, exactly at, and one byte past the 64 KiB chunk
# boundary, then a large file of many chunks.
SIZES = [0, 1, 65535, 65536, 65537, 10 * 1024 * 1024]


def _tool(name: str) -> str:
    exe = shutil.which(name)
    if exe is None:
        pytest.fail(
            f"`{name}` is not on PATH: install Debian's age package (`apt-get install age`); "
            "CI installs it, and these interop tests must not be skipped"
        )
    return exe


def _run(name: str, *args: str, stdin: bytes = b"") -> bytes:
    """Run the `age` or `age-keygen` CLI and return its stdout; a failure raises with stderr."""
    proc = subprocess.run(
        [_tool(name), *args], input=stdin, capture_output=True, timeout=60, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"{name} {' '.join(args)} failed: {proc.stderr.decode(errors='replace')}"
        )
    return proc.stdout


def _identity_file(path: Path, identities: list[age.X25519Identity]) -> Path:
    lines = [f"# public key: {i.recipient().encode()}\n{i.encode()}\n" for i in identities]
    path.write_text("".join(lines))
    return path


@pytest.mark.parametrize("size", SIZES)
def test_python_decrypts_what_age_cli_encrypted(size: int) -> None:
    identity = age.X25519Identity.generate()
    plaintext = os.urandom(size)
    ciphertext = _run("age", "-e", "-r", identity.recipient().encode(), stdin=plaintext)
    assert age.inspect(ciphertext).payload_plaintext_size(len(ciphertext)) == size
    assert age.decrypt(ciphertext, [identity]) == plaintext


@pytest.mark.parametrize("size", SIZES)
def test_age_cli_decrypts_what_python_encrypted(size: int, tmp_path: Path) -> None:
    identity = age.X25519Identity.generate()
    keys = _identity_file(tmp_path / "key.txt", [identity])
    plaintext = os.urandom(size)
    ciphertext = age.encrypt(plaintext, [identity.recipient()])
    assert _run("age", "-d", "-i", str(keys), stdin=ciphertext) == plaintext


def test_age_cli_refuses_a_python_file_for_another_identity(tmp_path: Path) -> None:
    """The CLI really fails on a wrong key, so the passing tests above mean something."""
    keys = _identity_file(tmp_path / "key.txt", [age.X25519Identity.generate()])
    ciphertext = age.encrypt(b"not for you", [age.X25519Identity.generate().recipient()])
    with pytest.raises(RuntimeError, match="no identity matched"):
        _run("age", "-d", "-i", str(keys), stdin=ciphertext)


def test_python_reads_and_uses_an_identity_file_written_by_age_keygen(tmp_path: Path) -> None:
    keys = tmp_path / "key.txt"
    _run("age-keygen", "-o", str(keys))
    text = keys.read_text()
    public = _run("age-keygen", "-y", str(keys)).decode().strip()
    assert f"# public key: {public}\n" in text

    identities = age.parse_identity_file(text)
    assert len(identities) == 1
    identity = identities[0]
    assert isinstance(identity, age.X25519Identity)
    assert identity.recipient().encode() == public
    assert identity.encode() in text.splitlines()

    plaintext = os.urandom(100_000)
    from_cli = _run("age", "-e", "-r", public, stdin=plaintext)
    assert age.decrypt(from_cli, identities) == plaintext
    from_python = age.encrypt(plaintext, [age.parse_recipient(public)])
    assert _run("age", "-d", "-i", str(keys), stdin=from_python) == plaintext


def test_age_keygen_derives_the_recipients_of_a_python_identity_file(tmp_path: Path) -> None:
    identities = [age.X25519Identity.generate() for _ in range(3)]
    keys = _identity_file(tmp_path / "keys.txt", identities)
    derived = _run("age-keygen", "-y", str(keys)).decode().splitlines()
    assert derived == [i.recipient().encode() for i in identities]


def test_each_identity_decrypts_an_age_cli_file_for_a_python_recipients_file(
    tmp_path: Path,
) -> None:
    identities = [age.X25519Identity.generate() for _ in range(3)]
    recipients = tmp_path / "recipients.txt"
    recipients.write_text(
        "# the review team\n\n" + "".join(f"{i.recipient().encode()}\n" for i in identities)
    )
    assert [r.encode() for r in age.parse_recipients_file(recipients.read_text())] == [
        i.recipient().encode() for i in identities
    ]
    plaintext = os.urandom(100_000)
    ciphertext = _run("age", "-e", "-R", str(recipients), stdin=plaintext)
    assert age.inspect(ciphertext).stanza_types == ("X25519",) * len(identities)
    for identity in identities:
        assert age.decrypt(ciphertext, [identity]) == plaintext


def test_age_cli_decrypts_a_python_file_for_several_recipients_with_each_identity(
    tmp_path: Path,
) -> None:
    identities = [age.X25519Identity.generate() for _ in range(3)]
    plaintext = os.urandom(100_000)
    ciphertext = age.encrypt(plaintext, [i.recipient() for i in identities])
    for n, identity in enumerate(identities):
        keys = _identity_file(tmp_path / f"key{n}.txt", [identity])
        assert _run("age", "-d", "-i", str(keys), stdin=ciphertext) == plaintext


@pytest.mark.parametrize("size", [0, 65536, 200_000])
def test_python_decrypts_an_armored_file_from_age_cli(size: int) -> None:
    identity = age.X25519Identity.generate()
    plaintext = os.urandom(size)
    armored = _run("age", "-e", "-a", "-r", identity.recipient().encode(), stdin=plaintext)
    assert age.is_armored(armored)
    assert age.decrypt(age.dearmor(armored), [identity]) == plaintext


@pytest.mark.parametrize("size", [0, 65536, 200_000])
def test_age_cli_decrypts_an_armored_file_from_python(size: int, tmp_path: Path) -> None:
    identity = age.X25519Identity.generate()
    keys = _identity_file(tmp_path / "key.txt", [identity])
    plaintext = os.urandom(size)
    armored = age.armor(age.encrypt(plaintext, [identity.recipient()]))
    assert _run("age", "-d", "-i", str(keys), stdin=armored) == plaintext
