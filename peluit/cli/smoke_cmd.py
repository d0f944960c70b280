"""`peluit smoke`: right after `peluit deploy`, prove the live site works end to end.

    peluit smoke --url https://wbs.example.go.id --key rina.key [--passphrase-file F]
                 [--config peluit.toml] [--channel pengaduan] [--json]

Files a test report (marked: its text says so, and the reviewer tags the case `uji`) with
one attachment as the browser does, follows it up with its receipt code, reads and decrypts
it with the reviewer's key, replies, closes it with a reason, reads the reply as the
reporter, checks the 404 answers of the site (HTML) and the API (JSON) and the security
headers of both. One row per check; exit 0 only if all pass, 1 if one fails, 2 if the run
cannot start (usage, configuration, key, passphrase, unreachable URL).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from peluit.config import Config, ConfigError, load_config
from peluit.keys import KeyFile
from peluit.keys.errors import KeyFileError, WrongPassphraseError
from peluit.review.client import ReviewClient
from peluit.review.desk import ReviewDesk
from peluit.review.errors import ReviewClientError, ReviewInputError
from peluit.review.locate import check_server_url, find_config
from peluit.review.transport import UrllibTransport
from peluit.review.unlock import unlock
from peluit.smoke.rows import summary, table
from peluit.smoke.run import Smoke, SmokeError, as_json

from .passphrase import PassphraseError, read_passphrase

PROG = "peluit smoke"
REVIEW_TIMEOUT = 30.0


class SmokeSetupError(Exception):
    """The run cannot start; the message is one line for the operator."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0])
    p.add_argument("--url", required=True, help="the site's address, e.g. https://wbs.go.id")
    p.add_argument("--key", type=Path, required=True, help="a reviewer's key file")
    p.add_argument("--passphrase-file", type=Path, help="read the passphrase from this file")
    p.add_argument(
        "--config",
        type=Path,
        help="the operator's peluit.toml (default: ./peluit.toml, or the demo's for a demo key)",
    )
    p.add_argument("--channel", help="the channel to file in (default: the first you review)")
    p.add_argument("--json", action="store_true", help="one JSON object instead of the table")
    return p


def choose_channel(config: Config, key: KeyFile, wanted: str | None) -> str:
    """`wanted`, or the first channel the key's person reviews (one without a required
    identity first: the test report is then anonymous)."""
    mine = [c for c in config.channels if key.person in c.reviewers]
    if wanted is not None:
        if wanted not in {c.id for c in mine}:
            raise SmokeSetupError(f"{key.person!r} does not review a channel {wanted!r}")
        return wanted
    if not mine:
        raise SmokeSetupError(
            f"{key.person!r} reviews no channel: use the key of a reviewer (peluit roster list)"
        )
    return next((c.id for c in mine if c.identity != "required"), mine[0].id)


def prepare(args: argparse.Namespace) -> Smoke:
    try:
        url = check_server_url(args.url)
    except ReviewInputError:
        raise SmokeSetupError(
            f"--url {args.url}: use https://…, or http://127.0.0.1:PORT for a local peluit serve"
        ) from None
    try:
        config = load_config(find_config(args.config, args.key).path)
        sealed = args.key.read_bytes()
        prompt = f"Frasa sandi / passphrase ({args.key}): "
        passphrase = read_passphrase(args.passphrase_file, confirm=False, prompt=prompt)
        key = unlock(config, sealed, passphrase)
    except WrongPassphraseError:
        raise SmokeSetupError(f"wrong passphrase for {args.key}") from None
    except (ConfigError, KeyFileError, PassphraseError, ReviewClientError) as exc:
        raise SmokeSetupError(str(exc)) from None
    except OSError as exc:
        raise SmokeSetupError(f"{exc.filename or args.key}: {exc.strerror}") from None
    channel = choose_channel(config, key, args.channel)
    desk = ReviewDesk(config, key, ReviewClient(url, key, UrllibTransport(REVIEW_TIMEOUT)))
    return Smoke(url, desk, channel, desk.today())


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        smoke = prepare(args)
        smoke.reach()
    except (SmokeSetupError, SmokeError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    if not args.json:
        print(f"{PROG}: {smoke.url} ({smoke.desk.key.person}, {smoke.channel})", flush=True)
    try:
        checks = smoke.run()
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    if args.json:
        print(as_json(smoke.url, smoke))
    else:
        print(table(checks.rows) + summary(checks.rows), end="")
    return 0 if checks.ok else 1
