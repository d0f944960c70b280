"""`peluit verify-site`: check the public site from outside, as KPK's monitor does.

    peluit verify-site URL [--trust FILE] [--state DIR] [--max-age DAYS] [--watch SECONDS]
                           [--rounds N]

Fetches the signed release (`/.well-known/peluit/release.json`) and the release log
(`/log/`), checks the release signers' threshold, the log key's signature, the witnesses'
cosignatures (keys and thresholds from the trust file, docs/format.md#the-trust-file), the
release's inclusion in the log and the log's consistency with the checkpoint seen last (kept
in --state); then every served file, response header and channel recipient against the
release, as the verifier and as a browser asks, at every address browsers load (ADR 0053);
the served release must be the log's newest, and the newest witness cosignature at most
--max-age days old (default the trust file's max_cosignature_age_days, else 30). One
line per finding (`FAIL <check> <what>: …`), then what held (`ok …`); exit 0
only if everything held, 1 otherwise, 2 if it could not start. `--watch SECONDS` repeats the
check until Ctrl+C (or --rounds), as a monitor (docs/operator-guide.md#running-the-monitor).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from peluit import verify

from .atomic import atomic_output

STATE = "checkpoint"
DEFAULT_TRUST = Path("peluit-trust.toml")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="peluit verify-site",
        description="Check a Peluit site against its signed release, release log and witnesses.",
    )
    p.add_argument("url", help="the site, e.g. https://wbs.batangharikab.go.id/")
    p.add_argument(
        "--trust",
        type=Path,
        default=DEFAULT_TRUST,
        help=f"the trust file (default ./{DEFAULT_TRUST}; `peluit release trust` writes one)",
    )
    p.add_argument(
        "--state", type=Path, help="a folder that keeps the log checkpoint seen last (a monitor's)"
    )
    p.add_argument(
        "--max-age",
        type=_days,
        help="the newest witness cosignature's oldest age in days (default: the trust file's)",
    )
    p.add_argument("--watch", type=_seconds, help="check again every SECONDS, until Ctrl+C")
    p.add_argument("--rounds", type=_rounds, help="with --watch: stop after N checks")
    return p


def _seconds(text: str) -> float:
    value = float(text)
    if not 0 < value <= 86_400:
        raise argparse.ArgumentTypeError("SECONDS is more than 0 and at most 86400")
    return value


def _days(text: str) -> int:
    value = int(text)
    if not 1 <= value <= verify.trust.MAX_AGE_LIMIT:
        raise argparse.ArgumentTypeError(f"DAYS is 1 to {verify.trust.MAX_AGE_LIMIT}")
    return value


def _rounds(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("N is 1 or more")
    return value


def read_state(folder: Path | None) -> bytes | None:
    if folder is None:
        return None
    path = folder / STATE
    return path.read_bytes() if path.is_file() else None


def write_state(folder: Path, checkpoint: bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    with atomic_output(folder / STATE, mode=0o600) as out:
        out.write(checkpoint)


def check_once(url: str, trust: verify.Trust, state: Path | None) -> verify.Outcome:
    """One verification; the state is moved on only to a checkpoint whose signature,
    cosignatures and consistency held."""
    outcome = verify.verify_site(verify.SiteClient(url), trust, read_state(state))
    if state is not None and outcome.checkpoint is not None:
        write_state(state, outcome.checkpoint)
    return outcome


def _report(url: str, outcome: verify.Outcome) -> None:
    for line in outcome.lines():
        print(line)
    verdict = "all checks hold" if outcome.ok else f"{len(outcome.findings)} finding(s)"
    print(f"peluit verify-site: {url}: {verdict}", flush=True)


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        trust = verify.parse_trust(args.trust.read_text(encoding="utf-8"))
        if args.max_age is not None:
            trust = dataclasses.replace(trust, max_age_days=args.max_age)
        verify.SiteClient(args.url)  # a URL it cannot use stops here, before any round
    except (verify.TrustError, verify.FetchError, OSError, UnicodeDecodeError) as exc:
        print(f"peluit verify-site: error: {exc}", file=sys.stderr)
        return 2
    if args.state is None:
        print("note: no --state: a fork or rollback since an earlier check cannot be seen")
    if args.watch is None:
        outcome = check_once(args.url, trust, args.state)
        _report(args.url, outcome)
        return 0 if outcome.ok else 1
    done = 0
    ok = True
    while True:
        print(f"== {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC ==")
        try:
            outcome = check_once(args.url, trust, args.state)
        except OSError as exc:  # the state folder: say so, keep watching
            print(f"FAIL state {args.state}: {exc}", flush=True)
            ok = False
        else:
            _report(args.url, outcome)
            ok = outcome.ok
        done += 1
        if args.rounds is not None and done >= args.rounds:
            return 0 if ok else 1
        time.sleep(args.watch)
