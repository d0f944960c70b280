"""`peluit deploy` and `peluit destroy`: Peluit on AWS (default region ap-southeast-3, Jakarta)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped]

from peluit.config import ConfigError, load_config
from peluit.deploy.aws import failure_message, make_clients
from peluit.deploy.console import TerminalConsole
from peluit.deploy.deploy import DEFAULT_STACK, DeployOptions, DeployTools, deploy
from peluit.deploy.destroy import REPORTS_FLAG, DestroyOptions, destroy
from peluit.deploy.errors import DeployError
from peluit.deploy.source import find_source
from peluit.store.s3 import DEFAULT_REGION


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--stack-name", default=DEFAULT_STACK, help=f"default {DEFAULT_STACK}")
    p.add_argument("--profile", help="AWS profile (default: the usual credential chain)")
    p.add_argument(
        "--region", help=f"AWS region (default: store.region of the config, or {DEFAULT_REGION})"
    )
    p.add_argument("--yes", action="store_true", help="do not ask before changing anything")


def _deploy_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="peluit deploy",
        description="Build the site and the functions, show the infrastructure changes, apply "
        "them after confirmation, publish the site.",
    )
    p.add_argument("--config", type=Path, required=True, help="peluit.toml")
    p.add_argument(
        "--release",
        type=Path,
        help="the release signed by the configuration's release signers (peluit release sign)",
    )
    p.add_argument("--log", type=Path, help="the release log's folder (peluit log init)")
    p.add_argument("--log-key", type=Path, help="the release log's key file (peluit log init)")
    _common(p)
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="show what would change; create, upload and change nothing in the account",
    )
    p.add_argument(
        "--parameter",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a template parameter (e.g. ObjectLockMode=COMPLIANCE); kept in later deploys",
    )
    return p


def _destroy_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="peluit destroy",
        description="Delete the stack. Refuses while the case bucket holds reports, unless "
        f"{REPORTS_FLAG} is given; Object Lock may still keep them until their retention ends.",
    )
    p.add_argument("--config", type=Path, help="peluit.toml (for its store.region)")
    _common(p)
    p.add_argument(REPORTS_FLAG, dest="delete_reports", action="store_true")
    return p


def _parameters(items: Sequence[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise DeployError(f"--parameter {item!r}: expected KEY=VALUE")
        values[key] = value
    return values


def _region(requested: str | None, config_path: Path | None) -> str:
    if config_path is None:
        return requested or DEFAULT_REGION
    configured = load_config(config_path).store.region
    if requested and requested != configured:
        raise DeployError(
            f"--region {requested} differs from store.region ({configured}) in {config_path}"
        )
    return configured


def deploy_main(argv: list[str]) -> int:
    args = _deploy_parser().parse_args(argv)
    region = args.region or DEFAULT_REGION
    try:
        options = DeployOptions(
            config_path=args.config,
            stack_name=args.stack_name,
            yes=args.yes,
            dry_run=args.dry_run,
            parameters=_parameters(args.parameter),
            release=args.release,
            log=args.log,
            log_key=args.log_key,
        )
        region = _region(args.region, args.config)
        tools = DeployTools(
            clients=make_clients(region, args.profile),
            console=TerminalConsole(),
            source=find_source(),
        )
        deploy(options, tools)
    except (DeployError, ConfigError) as exc:
        print(f"peluit deploy: error: {exc}", file=sys.stderr)
        return 1
    except (BotoCoreError, ClientError) as exc:  # a call no step expected to fail (network)
        print(f"peluit deploy: error: {failure_message(exc, region)}", file=sys.stderr)
        return 1
    return 0


def destroy_main(argv: list[str]) -> int:
    args = _destroy_parser().parse_args(argv)
    region = args.region or DEFAULT_REGION
    try:
        region = _region(args.region, args.config)
        options = DestroyOptions(args.stack_name, yes=args.yes, delete_reports=args.delete_reports)
        destroy(options, make_clients(region, args.profile), TerminalConsole())
    except (DeployError, ConfigError) as exc:
        print(f"peluit destroy: error: {exc}", file=sys.stderr)
        return 1
    except (BotoCoreError, ClientError) as exc:
        print(f"peluit destroy: error: {failure_message(exc, region)}", file=sys.stderr)
        return 1
    return 0
