"""`peluit keygen`: make a person's key file and print their public roster entry.

    peluit keygen --name NAME [--id ID] [--roles reviewer,custodian] -o FILE
                  [--passphrase-file FILE] [--work-factor N]

The key file (mode 0600, never overwritten) holds a hybrid age identity and an Ed25519
signing key, sealed with the passphrase. Standard output gets the `[[people]]` entry for
the operator (public keys only) with its fingerprint; compare the fingerprint aloud when
the operator adds it (`peluit roster add`).
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from pathlib import Path

from peluit import keys
from peluit.config import Person
from peluit.config.roster import person_block
from peluit.core.ids import RESERVED_PERSON_IDS, is_roster_id

from .atomic import atomic_output
from .passphrase import PassphraseError, read_passphrase


class KeygenError(Exception):
    """The command line cannot be carried out as given."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="peluit keygen", description="Make a person's key file.")
    p.add_argument("--name", required=True, help='full name and unit, e.g. "Rina (Inspektorat)"')
    p.add_argument("--id", help="roster id (default: from the name), e.g. rina")
    p.add_argument(
        "--roles", default="reviewer", help="comma-separated: reviewer, custodian, oversight"
    )
    p.add_argument("-o", "--output", type=Path, required=True, help="the key file to create")
    p.add_argument("--passphrase-file", type=Path, help="read the passphrase from a file")
    p.add_argument(
        "--work-factor",
        type=int,
        default=keys.DEFAULT_WORK_FACTOR,
        help=f"scrypt log2 N (default {keys.DEFAULT_WORK_FACTOR}; lower it only in tests)",
    )
    return p


def derive_id(name: str) -> str:
    """A roster id from a name: ASCII letters and digits joined by '-', at most 32."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_name.lower())
    candidate = "-".join(words)[:32].strip("-")
    if not is_roster_id(candidate):
        raise KeygenError("cannot make an id from this name; give one with --id")
    return candidate


def _make(args: argparse.Namespace) -> keys.KeyFile:
    person_id = args.id or derive_id(args.name)
    if person_id in RESERVED_PERSON_IDS:
        raise KeygenError(
            f"the id {person_id!r} is reserved (it names the reporter or the operator); "
            "give another with --id"
        )
    key = keys.KeyFile.generate(
        person_id,
        args.name,
        tuple(r.strip() for r in args.roles.split(",") if r.strip()),
    )
    if args.output.exists():
        raise KeygenError(f"{args.output} already exists; it is never overwritten")
    passphrase = read_passphrase(args.passphrase_file, confirm=True)
    sealed = keys.seal(key, passphrase, args.work_factor)
    with atomic_output(args.output, mode=0o600, exclusive=True) as out:
        out.write(sealed)
    return key


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        key = _make(args)
    except (keys.KeyFileError, KeygenError, PassphraseError, ValueError, OSError) as exc:
        print(f"peluit keygen: error: {_describe(exc)}", file=sys.stderr)
        return 1
    person = Person(
        id=key.person,
        name=key.name,
        roles=list(key.roles),  # type: ignore[arg-type]  # checked by KeyFile
        age_recipient=key.age_recipient,
        signing_key=key.signing_public_key,
    )
    numeric = keys.numeric_fingerprint(key.age_recipient, key.signing_public_key)
    print(f"# Roster entry for {key.person}: public keys only. Give it to the operator.")
    print(f"# Fingerprint: {key.fingerprint}  (digits: {numeric})")
    print(person_block(person), end="")
    print(
        f"Key file written to {args.output} (mode 0600). Keep it, and remember the passphrase:\n"
        "nothing can recover either. When the operator adds you to the roster, compare the\n"
        f"fingerprint they read out with yours: {key.fingerprint}",
        file=sys.stderr,
    )
    return 0


def _describe(exc: Exception) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror
    return str(exc) or type(exc).__name__
