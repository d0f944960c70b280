"""`peluit notify`: the notification scan against the local store of `peluit serve`, mailed
through the SMTP server of `[notifications.smtp]` (on AWS the scheduled function does this
with SES). Once, or every `--every` seconds until Ctrl+C.

    peluit notify --config peluit.toml [--data var] [--every 900]
"""

from __future__ import annotations

import argparse
import sys
import threading
from datetime import timedelta
from pathlib import Path

from peluit.config import ConfigError, load_config
from peluit.core.dates import utc_now
from peluit.notify.errors import NotifyError
from peluit.notify.ledger import MARKER_DAYS, PREFIX
from peluit.notify.service import run
from peluit.notify.smtp import SmtpMailer
from peluit.store.local import LocalStore

MIN_EVERY = 60


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="peluit notify",
        description="Mail the team counts of new cases, reporter messages and deadlines "
        "(never case content) through the configured SMTP server.",
    )
    p.add_argument("--config", type=Path, required=True, help="peluit.toml with [notifications]")
    p.add_argument(
        "--data", type=Path, default=Path("var"), help="peluit serve's data directory (./var)"
    )
    p.add_argument(
        "--every",
        type=int,
        metavar="SECONDS",
        help=f"scan again every SECONDS (at least {MIN_EVERY}) until interrupted",
    )
    return p


def main(argv: list[str], stop: threading.Event | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.every is not None and args.every < MIN_EVERY:
        print(f"peluit notify: error: --every is at least {MIN_EVERY} seconds", file=sys.stderr)
        return 2
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"peluit notify: error: {exc}", file=sys.stderr)
        return 2
    if config.notifications is None:
        print(
            f"peluit notify: error: {args.config} has no [notifications] section "
            "(docs/operator-guide.md, section 6.2)",
            file=sys.stderr,
        )
        return 2
    root = args.data / "store"
    if not (root / "objects").is_dir():
        print(f"peluit notify: error: {root} is not a local store", file=sys.stderr)
        return 2
    store = LocalStore(root, utc_now)
    mailer = SmtpMailer(config.notifications.smtp)
    stop = stop or threading.Event()
    status = 0
    while True:
        store.expire(PREFIX, timedelta(days=MARKER_DAYS))
        try:
            outcome = run(config, store, mailer, utc_now())
            print(f"peluit notify: {outcome.mails} mail(s) for {outcome.events} event(s)")
            status = 0
        except NotifyError as exc:
            print(f"peluit notify: error: {exc}", file=sys.stderr)
            status = 1
        if args.every is None or stop.wait(args.every):
            return status
