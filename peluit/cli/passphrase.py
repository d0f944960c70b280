"""Reading a passphrase: from a file (scripts, tests) or twice from the terminal."""

from __future__ import annotations

import getpass
from pathlib import Path


class PassphraseError(Exception):
    """No usable passphrase was given."""


def read_passphrase(path: Path | None, confirm: bool, prompt: str = "Passphrase: ") -> str:
    """The first line of `path`, or what is typed (twice with `confirm`) without echo."""
    if path is not None:
        lines = path.read_text(encoding="utf-8").splitlines()
        if not lines or not lines[0]:
            raise PassphraseError(f"{path}: the passphrase file is empty")
        return lines[0]
    phrase = getpass.getpass(prompt)
    if not phrase:
        raise PassphraseError("empty passphrase")
    if confirm and getpass.getpass("Ulangi / repeat: ") != phrase:
        raise PassphraseError("the two passphrases differ")
    return phrase
