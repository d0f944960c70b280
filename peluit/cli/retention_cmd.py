"""`peluit retention`: cases past their channel's `retention_days`, and their disposal.

    peluit retention report  [--all] [--json]             [--config F] [--data DIR | --profile P]
    peluit retention approve CASE --key KEYFILE [-o FILE] [--config F] [--passphrase-file F]
    peluit retention dispose CASE --approval FILE [--bypass-governance] [--replica-bucket B]
                                                           [--config F] [--data DIR | --profile P]

`report` (operator) lists the cases whose period has ended: disposable (closed) or still open.
It reads only workflow metadata. `approve` (a reviewer of the case's channel, on their own
machine) writes a signed approval. `dispose` (operator) checks the approval against the
configuration, writes the audit event `case.dispose`, then deletes every version of the case
(ADR 0046; operator guide, "Retention and disposal"). Exit 1 with one line on any refusal;
`dispose` exits 3 when S3 still holds locked versions (run it again after the date shown).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from peluit.config import Config, ConfigError, load_config
from peluit.core.audit import AuditLog
from peluit.core.dates import local_date, utc_now
from peluit.core.errors import CaseNotFoundError
from peluit.core.ids import case_reference
from peluit.keys import KeyFileError
from peluit.retention import approval as approvals
from peluit.retention.dispose import DisposalError, dispose
from peluit.retention.policy import RetentionRow, due_rows
from peluit.retention.purge import LocalPurger, Purger, S3Purger
from peluit.retention.scan import rows
from peluit.review.desk import case_id
from peluit.review.errors import ReviewClientError
from peluit.review.unlock import unlock
from peluit.store.errors import StoreError

from .atomic import atomic_output
from .operator_store import OperatorStoreError, add_store_arguments, open_store
from .passphrase import PassphraseError, read_passphrase

LOCKED = 3


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="peluit retention", description="Retention and disposal.")
    sub = p.add_subparsers(dest="action", required=True)
    report = sub.add_parser("report", help="cases past their channel's retention_days")
    add_store_arguments(report)
    report.add_argument("--all", action="store_true", help="every case, not only those due")
    report.add_argument("--json", action="store_true")
    approve = sub.add_parser("approve", help="a reviewer's signed approval to dispose of a case")
    approve.add_argument("case")
    approve.add_argument("--key", type=Path, required=True, help="your key file")
    approve.add_argument("--config", type=Path, default=Path("peluit.toml"))
    approve.add_argument("--passphrase-file", type=Path)
    approve.add_argument("-o", "--output", type=Path, help="write here (default: stdout)")
    disposal = sub.add_parser("dispose", help="delete a due, closed case, with an approval")
    disposal.add_argument("case")
    disposal.add_argument("--approval", type=Path, required=True)
    disposal.add_argument(
        "--bypass-governance",
        action="store_true",
        help="S3: remove versions still under a GOVERNANCE lock (needs that permission)",
    )
    disposal.add_argument("--replica-bucket", help="also delete the case from this replica")
    add_store_arguments(disposal)
    return p


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        config = load_config(args.config)
        if args.action == "approve":
            return _approve(config, args)
        store = open_store(config, args.data, args.profile)
        today = local_date(utc_now, config.organisation.timezone)
        if args.action == "report":
            found = list(rows(config, store, today))
            shown = found if args.all else due_rows(found)
            _print_report(shown, args.json)
            return 0
        case = case_id(args.case)
        approval = approvals.parse(args.approval.read_bytes())
        audit = AuditLog(store, utc_now, config.organisation.timezone)
        result = dispose(config, store, _purgers(config, args), audit, case, approval, today)
    except (
        ConfigError,
        OperatorStoreError,
        StoreError,
        CaseNotFoundError,
        DisposalError,
        approvals.ApprovalError,
        ReviewClientError,
        KeyFileError,
        PassphraseError,
        OSError,
    ) as exc:
        print(f"peluit retention: error: {exc}", file=sys.stderr)
        return 1
    print(f"{case_reference(case)}: {result.deleted} versi/versions deleted")
    for key, why in result.kept:
        print(f"  kept: {key}: {why}")
    return LOCKED if result.kept else 0


def _approve(config: Config, args: argparse.Namespace) -> int:
    prompt = f"Frasa sandi / passphrase ({args.key}): "
    passphrase = read_passphrase(args.passphrase_file, confirm=False, prompt=prompt)
    key = unlock(config, args.key.read_bytes(), passphrase)
    made = approvals.approve(case_id(args.case), key.person, key.signing_key).to_bytes() + b"\n"
    if args.output is None:
        sys.stdout.write(made.decode())
    else:
        with atomic_output(args.output, mode=0o644) as out:
            out.write(made)
    return 0


def _purgers(config: Config, args: argparse.Namespace) -> list[Purger]:
    if config.store.kind == "local":
        return [LocalPurger(args.data / "store")]
    from peluit.store.s3 import make_s3_client

    endpoint = str(config.store.endpoint_url) if config.store.endpoint_url else None
    client = make_s3_client(config.store.region, endpoint, args.profile)
    assert config.store.bucket is not None  # noqa: S101
    purgers: list[Purger] = [S3Purger(client, config.store.bucket, args.bypass_governance)]
    if args.replica_bucket:
        purgers.append(S3Purger(client, args.replica_bucket, args.bypass_governance))
    return purgers


def _print_report(found: list[RetentionRow], as_json: bool) -> None:
    if as_json:
        print(
            json.dumps(
                [
                    {
                        "case": r.case,
                        "channel": r.channel,
                        "received": r.received.isoformat(),
                        "keep_until": r.keep_until.isoformat(),
                        "status": r.status,
                        "test": r.test,
                        "due": r.due,
                        "disposable": r.disposable,
                    }
                    for r in found
                ],
                indent=2,
            )
        )
        return
    print("KASUS/CASE           SALURAN/CHANNEL  DITERIMA/RECEIVED  SIMPAN S.D./KEEP UNTIL  STATUS")
    for r in found:
        note = "" if r.disposable else "  (masih terbuka/still open)" if r.due else ""
        test = " [UJI/TEST]" if r.test else ""
        print(
            f"{case_reference(r.case)}  {r.channel:<15}  {r.received.isoformat():<17}  "
            f"{r.keep_until.isoformat():<21}  {r.status}{test}{note}"
        )
    print(f"{len(found)} kasus/cases")
