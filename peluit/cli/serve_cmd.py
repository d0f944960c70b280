"""`peluit serve`: run Peluit on this machine (site, API, local store)."""

from __future__ import annotations

import argparse
import errno
import shutil
import sys
from pathlib import Path

from peluit.config import ConfigError
from peluit.config.demo import DEMO_PASSPHRASE, demo_key_path, demo_keys_dir, is_outdated
from peluit.serve.app import ServeOptions, build_server
from peluit.site import SiteError

from .argtypes import port


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="peluit serve", description=__doc__)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument(
        "--port", type=port, default=8000, help="port (default 8000; with make: make run PORT=8080)"
    )
    p.add_argument("--data", type=Path, default=Path("var"), help="data directory (default ./var)")
    p.add_argument("--config", type=Path, help="peluit.toml (default: a demo configuration)")
    p.add_argument(
        "--site", type=Path, help="serve this prebuilt site (default: build it for --config)"
    )
    return p


def port_busy(host: str, port: int) -> str:
    """One line for a port another program already listens on."""
    other = 8080 if port != 8080 else 8081
    return (
        f"peluit serve: error: port {port} di {host} sudah dipakai program lain, pilih port lain "
        f"/ port {port} on {host} is already in use, choose another: "
        f"peluit serve --port {other} (make run PORT={other})"
    )


def _print_demo(data: Path, url: str) -> None:
    keys = demo_keys_dir(data)
    print(f"  DEMO: kunci demo / demo keys: {keys} — bukan untuk laporan nyata / not for real use")
    print(f'  DEMO: frasa sandi / passphrase: "{DEMO_PASSPHRASE}" (lihat / see {keys}/README.txt)')
    command = f"{peluit_program()} review --key {demo_key_path(data, 'rina')}"
    print(f"  DEMO: {command} --server {url.rstrip('/')}")


def peluit_program() -> str:
    """How to call `peluit` from here: by name when it is on the PATH, else by its path in
    the virtual environment (`.venv/bin/peluit` after `make run`)."""
    if shutil.which("peluit"):
        return "peluit"
    beside = Path(sys.executable).parent / "peluit"
    if not beside.is_file():
        return "peluit"
    try:
        return str(beside.relative_to(Path.cwd()))
    except ValueError:
        return str(beside)


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    if args.config is None and is_outdated(args.data):
        print(
            f"peluit serve: note: the demo in {args.data} was made by an older Peluit and has no\n"
            "  sealed key files, so `peluit review` cannot use it. Move that folder away to get a\n"
            "  fresh demo (its demo reports can no longer be read).",
            file=sys.stderr,
        )
    options = ServeOptions(args.host, args.port, args.data, args.config, args.site)
    try:
        server, config, config_path, demo = build_server(options)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            print(port_busy(args.host, args.port), file=sys.stderr)
        else:
            print(f"peluit serve: error: {exc}", file=sys.stderr)
        return 1
    except (ConfigError, SiteError) as exc:
        print(f"peluit serve: error: {exc}", file=sys.stderr)
        return 1
    url = f"http://{args.host}:{server.server_address[1]}/"
    print(f"Peluit — {config.organisation.name.id}")
    print(f"  situs / site:  {url}")
    print(f"  API:           {url}api/v1/openapi.json")
    print(f"  konfigurasi:   {config_path}")
    print(f"  data:          {args.data.resolve()}")
    print(f"  API penelaah / reviewer API: {url}api/v1/review/")
    if demo:
        _print_demo(args.data, url)
    if server.site_dir is None:
        print("  (situs tidak ditemukan / site not found: showing a placeholder page)")
    print("Tekan Ctrl+C untuk berhenti / press Ctrl+C to stop.", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
