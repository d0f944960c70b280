"""Reading a passphrase: from a file (scripts, tests) or twice from the terminal."""

from __future__ import annotations

import getpass
import warnings
from pathlib import Path


class PassphraseError(Exception):
    """No usable passphrase was given."""


def ask_hidden(prompt: str, instead: str = "--passphrase-file FILE") -> str:
    """What is typed at the terminal without echo. Without a terminal (a script, a pipe,
    a service) nothing is read from standard input, which would echo it or end early: a
    PassphraseError names the option to use `instead`."""
    try:
        with warnings.catch_warnings():
            # getpass warns, then reads standard input, when it finds no terminal.
            warnings.simplefilter("error", getpass.GetPassWarning)
            return getpass.getpass(prompt)
    except (getpass.GetPassWarning, EOFError):
        raise PassphraseError(
            f"tidak ada terminal untuk mengetik / no terminal to type it in: use {instead}"
        ) from None


def read_passphrase(path: Path | None, confirm: bool, prompt: str = "Passphrase: ") -> str:
    """The first line of `path`, or what is typed (twice with `confirm`) without echo."""
    if path is not None:
        lines = path.read_text(encoding="utf-8").splitlines()
        if not lines or not lines[0]:
            raise PassphraseError(f"{path}: the passphrase file is empty")
        return lines[0]
    phrase = ask_hidden(prompt)
    if not phrase:
        raise PassphraseError("empty passphrase")
    if confirm and ask_hidden("Ulangi / repeat: ") != phrase:
        raise PassphraseError("the two passphrases differ")
    return phrase
