"""What `peluit review` and `peluit cases` share: the key, the server, the configuration."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from peluit.config import Config, load_config
from peluit.keys import KeyFile
from peluit.review.client import ReviewClient
from peluit.review.desk import ReviewDesk
from peluit.review.locate import DEFAULT_SERVER, check_server_url, find_config
from peluit.review.transport import UrllibTransport
from peluit.review.unlock import unlock

from .passphrase import read_passphrase


def add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--key", type=Path, required=True, help="your key file (peluit keygen)")
    parser.add_argument(
        "--server", default=DEFAULT_SERVER, help=f"reviewer API base URL (default {DEFAULT_SERVER})"
    )
    parser.add_argument(
        "--config",
        type=Path,
        help="the operator's peluit.toml (default: ./peluit.toml, or the demo's for a demo key)",
    )


@dataclass(frozen=True)
class Setup:
    config: Config
    config_path: Path
    demo: bool
    key_data: bytes
    server: str

    def client(self, key: KeyFile) -> ReviewClient:
        return ReviewClient(self.server, key, UrllibTransport())


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
    return ReviewDesk(made.config, key, made.client(key))
