"""`peluit review`: the review console in your browser, on this machine only.

    peluit review --key KEYFILE [--server URL] [--config peluit.toml] [--port 0]
                  [--no-browser]

Starts a small web server on 127.0.0.1 (never another address), prints its address and
opens it in the browser. The key file stays sealed until you unlock it there with its
passphrase; reports are decrypted on this machine and kept in memory only.
"""

from __future__ import annotations

import argparse
import sys
import webbrowser

from peluit.config import ConfigError
from peluit.review.console.app import ConsoleSetup, ReviewConsole
from peluit.review.console.server import LOOPBACK, ConsoleServer
from peluit.review.console.site_check import SiteCheck
from peluit.review.errors import ReviewInputError

from .argtypes import port
from .reviewer_args import add_common, setup


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="peluit review", description="The review console.")
    add_common(p)
    p.add_argument("--port", type=port, default=0, help="port on 127.0.0.1 (default: any free)")
    p.add_argument("--host", default=LOOPBACK, help=argparse.SUPPRESS)
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")
    return p


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    if args.host != LOOPBACK:
        print(
            f"peluit review: error: the console listens on {LOOPBACK} only (it shows decrypted "
            "reports); other hosts are refused",
            file=sys.stderr,
        )
        return 2
    try:
        made = setup(args)
        site_check = SiteCheck.for_config(made.config)  # the public site, on unlock
        console = ReviewConsole(
            ConsoleSetup(
                made.config,
                args.key,
                made.key_data,
                made.server,
                made.client,
                site_check,
                pins_path=made.pins_path(),
            )
        )
        server = ConsoleServer(console, args.port)
    except (ConfigError, ReviewInputError, OSError) as exc:
        print(f"peluit review: error: {exc}", file=sys.stderr)
        return 1
    console.port = server.port
    url = f"{server.origin}/"
    print(f"Peluit review — {made.config.organisation.name.id}")
    print(f"  konsol / console:  {url}")
    print(f"  server:            {made.server}")
    print(f"  konfigurasi:       {made.config_path}" + ("  (DEMO)" if made.demo else ""))
    print("Buka alamat di atas, lalu masukkan frasa sandi kunci Anda.")
    print("Open the address above and unlock with your key file's passphrase.")
    print("Tekan Ctrl+C untuk berhenti / press Ctrl+C to stop.", flush=True)
    if not args.no_browser:
        webbrowser.open(url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
