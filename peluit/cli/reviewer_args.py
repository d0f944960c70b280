"""What `peluit review` and `peluit cases` share: the key, the server, the configuration."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from peluit.config import Config, load_config
from peluit.keys import KeyFile
from peluit.review import pins
from peluit.review.client import ReviewClient
from peluit.review.desk import ReviewDesk
from peluit.review.locate import DEFAULT_SERVER, check_server_url, find_config
from peluit.review.transport import UrllibTransport
from peluit.review.unlock import unlock

from .passphrase import read_passphrase


def add_common(
    parser: argparse.ArgumentParser,
    *,
    passphrase_file: bool = False,
    after_command: bool = False,
    key_required: bool = True,
) -> None:
    """--key, --server and --config (and --passphrase-file). A command with subcommands
    (`peluit cases`) adds them both before and `after_command`, so that they can go on either
    side of it: after it, they have no defaults and override what came before."""
    unset = argparse.SUPPRESS if after_command else None
    parser.add_argument(
        "--key",
        type=Path,
        required=key_required and not after_command,
        help="your key file (peluit keygen); required",
        default=unset,
    )
    parser.add_argument(
        "--server",
        default=argparse.SUPPRESS if after_command else DEFAULT_SERVER,
        help=f"reviewer API base URL (default {DEFAULT_SERVER})",
    )
    parser.add_argument(
        "--config",
        type=Path,
        help="the operator's peluit.toml (default: ./peluit.toml, or the demo's for a demo key)",
        default=unset,
    )
    if passphrase_file:
        parser.add_argument(
            "--passphrase-file",
            type=Path,
            help="read the passphrase from a file (default: ask at the terminal)",
            default=unset,
        )


def require_key(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """--key was optional where it may go on either side of a subcommand; it is needed."""
    if args.key is None:
        parser.error("--key KEYFILE is required (your key file, from peluit keygen)")


@dataclass(frozen=True)
class Setup:
    config: Config
    config_path: Path
    demo: bool
    key_data: bytes
    server: str

    def client(self, key: KeyFile) -> ReviewClient:
        return ReviewClient(self.server, key, UrllibTransport())

    def pins_path(self) -> Path:
        """Where this tool remembers what it saw of each case (review/pins.py): the demo's
        beside its configuration, so a demo never mixes with a real installation."""
        return self.config_path.parent / pins.FILE_NAME if self.demo else pins.default_path()


def setup(args: argparse.Namespace) -> Setup:
    """Configuration, sealed key file and server URL; raises `ConfigError`, `OSError` or
    `ReviewInputError` with a message for the person."""
    located = find_config(args.config, args.key)
    config = load_config(located.path)
    return Setup(
        config, located.path, located.demo, args.key.read_bytes(), check_server_url(args.server)
    )


def open_desk(args: argparse.Namespace) -> ReviewDesk:
    """Unlock the key file with a passphrase from `--passphrase-file` or the terminal."""
    made = setup(args)
    prompt = f"Frasa sandi / passphrase ({args.key}): "
    passphrase = read_passphrase(args.passphrase_file, confirm=False, prompt=prompt)
    key = unlock(made.config, made.key_data, passphrase)
    made_pins = pins.for_config(made.config, made.pins_path())
    return ReviewDesk(made.config, key, made.client(key), pins=made_pins)
