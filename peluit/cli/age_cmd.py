"""`peluit age`: encrypt and decrypt files like the `age` command line tool.

    peluit age keygen [--pq] [-o OUT]
    peluit age [-r RECIPIENT]... [-R FILE]... [-i FILE]... [-a] [-o OUT] [IN]
    peluit age -p [--passphrase-file FILE] [-a] [-o OUT] [IN]
    peluit age -d [-i FILE]... [-p | --passphrase-file FILE] [-o OUT] [IN]

On failure: a one-line error on stderr, exit status 1, nothing at OUT.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from peluit import age

from .atomic import atomic_output
from .passphrase import PassphraseError, ask_hidden

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer


class UsageError(Exception):
    """The command line asks for something contradictory or impossible."""


KEYGEN_HELP = """make an identity (a key) first:
  peluit age keygen [--pq] [-o OUT]   (`peluit age keygen --help`)
"""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="peluit age",
        description="Encrypt or decrypt age files.",
        epilog=KEYGEN_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("-d", "--decrypt", action="store_true", help="decrypt instead of encrypt")
    p.add_argument("-r", "--recipient", action="append", default=[], help="age1… or age1pq1…")
    p.add_argument("-R", "--recipients-file", action="append", default=[], type=Path)
    p.add_argument("-i", "--identity", action="append", default=[], type=Path)
    p.add_argument("-p", "--passphrase", action="store_true", help="use a passphrase (scrypt)")
    p.add_argument("--passphrase-file", type=Path, help="read the passphrase from a file")
    p.add_argument("-a", "--armor", action="store_true", help="write PEM-armored output")
    p.add_argument("-o", "--output", type=Path, help="output file (default: standard output)")
    p.add_argument("input", nargs="?", type=Path, help="input file (default: standard input)")
    return p


def _keygen_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="peluit age keygen", description="Generate an identity.")
    p.add_argument("--pq", action="store_true", help="post-quantum hybrid (ML-KEM-768 + X25519)")
    p.add_argument("-o", "--output", type=Path, help="write the identity here (mode 0600)")
    return p


def main(argv: list[str]) -> int:
    try:
        if argv[:1] == ["keygen"]:
            _keygen(_keygen_parser().parse_args(argv[1:]))
        else:
            _run(_parser().parse_args(argv))
    except (age.AgeError, UsageError, OSError, PassphraseError) as exc:
        print(f"peluit age: error: {_describe(exc)}", file=sys.stderr)
        return 1
    return 0


def _describe(exc: Exception) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror
    return str(exc) or type(exc).__name__


def _keygen(args: argparse.Namespace) -> None:
    identity: age.AnyIdentity = (
        age.HybridIdentity.generate() if args.pq else age.X25519Identity.generate()
    )
    recipient = identity.recipient().encode()
    created = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    text = f"# created: {created}\n# public key: {recipient}\n{identity.encode()}\n"
    if args.output:
        with atomic_output(args.output, exclusive=True) as out:
            out.write(text.encode())
    else:
        sys.stdout.write(text)
    print(f"Public key: {recipient}", file=sys.stderr)


def _read_passphrase(args: argparse.Namespace, confirm: bool) -> str:
    if args.passphrase_file:
        lines = _text(args.passphrase_file).splitlines()
        if not lines or not lines[0]:
            raise UsageError("the passphrase file is empty")
        return str(lines[0])
    phrase = ask_hidden("Enter passphrase: ")
    if confirm and ask_hidden("Confirm passphrase: ") != phrase:
        raise UsageError("passphrases do not match")
    if not phrase:
        raise UsageError("empty passphrase")
    return phrase


def _text(path: Path) -> str:
    """A recipients, identity or passphrase file: UTF-8 text, or a UsageError naming it."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not a text file (UTF-8)") from None


def _recipients(args: argparse.Namespace) -> list[age.Recipient]:
    use_passphrase = args.passphrase or args.passphrase_file
    keys = args.recipient or args.recipients_file or args.identity
    if use_passphrase and keys:
        raise UsageError("-p cannot be combined with -r, -R or -i")
    if use_passphrase:
        return [age.ScryptRecipient(_read_passphrase(args, confirm=True))]
    if not keys:
        raise UsageError("missing recipients: give -r, -R, -i or -p")
    recipients: list[age.Recipient] = [age.parse_recipient(r) for r in args.recipient]
    for path in args.recipients_file:
        recipients += age.parse_recipients_file(_text(path))
    for path in args.identity:
        recipients += [i.recipient() for i in age.parse_identity_file(_text(path))]
    return recipients


def _identities(args: argparse.Namespace) -> list[age.Identity]:
    if args.recipient or args.recipients_file or args.armor:
        raise UsageError("-r, -R and -a are for encryption; -d takes -i or -p")
    identities: list[age.Identity] = []
    for path in args.identity:
        identities += age.parse_identity_file(_text(path))
    if args.passphrase or args.passphrase_file or not identities:
        identities.append(age.ScryptIdentity(_read_passphrase(args, confirm=False)))
    return identities


@contextlib.contextmanager
def _input(path: Path | None) -> Iterator[BinaryIO]:
    if path is None:
        yield sys.stdin.buffer
    else:
        with path.open("rb") as src:
            yield src


@contextlib.contextmanager
def _output(path: Path | None) -> Iterator[BinaryIO]:
    if path is None:
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
    else:
        with atomic_output(path) as out:
            yield out


def _run(args: argparse.Namespace) -> None:
    if args.decrypt:
        identities = _identities(args)
        with _input(args.input) as src:
            head = src.read(64)
            if age.is_armored(head):
                src = io.BytesIO(age.dearmor(head + src.read()))
            else:
                src = io.BufferedReader(_Prepended(head, src), 1 << 20)
            with _output(args.output) as dst:
                age.decrypt_stream(src, dst, identities)
        return
    recipients = _recipients(args)
    if args.output is None and not args.armor and sys.stdout.isatty():
        raise UsageError("refusing to write binary ciphertext to a terminal; use -o or -a")
    with _input(args.input) as src, _output(args.output) as dst:
        if args.armor:
            buffer = io.BytesIO()
            age.encrypt_stream(src, buffer, recipients)
            dst.write(age.armor(buffer.getvalue()))
        else:
            age.encrypt_stream(src, dst, recipients)


class _Prepended(io.RawIOBase):
    """A read-only raw stream of `head` followed by `rest`."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        if self._head:
            n = min(len(view), len(self._head))
            view[:n], self._head = self._head[:n], self._head[n:]
            return n
        data = self._rest.read(len(view))
        view[: len(data)] = data
        return len(data)
