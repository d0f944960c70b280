"""The `peluit` command: one entry point, a subcommand per job."""

from __future__ import annotations

import os
import sys

from .pipe import SIGPIPE_STATUS, ReaderGoneError, guarded_stdout, silence_stdout

USAGE = """usage: peluit COMMAND [ARGS]

commands:
  serve    run Peluit locally: site, API, local store (demo keys if no --config)
  age      encrypt and decrypt age files (like the age tool; `peluit age --help`)
  release  make, sign, show and verify the site's signed release (`peluit release --help`)
  deploy   deploy to AWS (Jakarta): stack, functions, site (`peluit deploy --help`)
  destroy  delete the AWS stack; keeps the reports unless told otherwise
  keygen   make a person's key file and print their roster entry
  roster   add, remove or list the people of a configuration file
  access   operator: revoke a person from the reviewer API at once (`peluit access --help`)
  retention  cases past their channel's retention_days; audited disposal (`peluit retention --help`)
  backup   operator: restore the case bucket from its backup (`peluit backup --help`)
  audit    verify the audit log's hash chain (`peluit audit verify --store PATH`)
  review   the review console in your browser, on 127.0.0.1 (`peluit review --key FILE`)
  cases    list, show, export, reply to and change cases (`peluit cases --help`)
  stats    statistics of your cases, KPK MCP export, publish for the site (`peluit stats --help`)
  submit   file a report from the command line, as the browser does (`peluit submit --help`)
  smoke    after a deploy: a marked test report's round trip, 404s, headers (`peluit smoke --help`)
  followup a reporter's follow-up with the receipt code: status, send (`peluit followup --help`)
  log      the release log: init, append, show, cosign (`peluit log --help`)
  witness  oversight checks the release log, then cosigns it (`peluit witness --help`)
  verify-site  check a site against its signed release, log and witnesses (KPK's monitor)
  notify   mail the team counts of new cases and deadlines, no content (`peluit notify --help`)
"""


def main(argv: list[str] | None = None) -> int:
    """Run one command. A reader that stops early (`peluit roster list | head`) ends it
    quietly; Ctrl+C ends it with one line; nothing ends in a Python traceback (an
    unexpected error is one line too, and `PELUIT_DEBUG=1` shows its traceback)."""
    try:
        with guarded_stdout():
            return _dispatch(sys.argv[1:] if argv is None else argv)
    except ReaderGoneError:
        silence_stdout()
        return SIGPIPE_STATUS
    except KeyboardInterrupt:
        print("\npeluit: dihentikan / interrupted", file=sys.stderr)
        return 130
    except EOFError:
        print("peluit: error: masukan habis / input ended early", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - the last resort: one line, never a traceback
        return _unexpected(exc)


def _unexpected(exc: BaseException) -> int:
    if os.environ.get("PELUIT_DEBUG"):
        raise exc
    detail = str(exc).splitlines()[0] if str(exc) else ""
    print(
        f"peluit: internal error / kesalahan internal: {type(exc).__name__}: {detail} "
        "(PELUIT_DEBUG=1 shows the traceback; please report it)",
        file=sys.stderr,
    )
    return 70  # EX_SOFTWARE


def _dispatch(args: list[str]) -> int:
    if not args or args[0] in {"-h", "--help"}:
        print(USAGE, end="")
        return 0 if args else 2
    command, rest = args[0], args[1:]
    if command == "age":
        from . import age_cmd

        return age_cmd.main(rest)
    if command == "serve":
        from . import serve_cmd

        return serve_cmd.main(rest)
    if command == "keygen":
        from . import keys_cmd

        return keys_cmd.main(rest)
    if command == "roster":
        from . import roster_cmd

        return roster_cmd.main(rest)
    if command == "access":
        from . import access_cmd

        return access_cmd.main(rest)
    if command == "retention":
        from . import retention_cmd

        return retention_cmd.main(rest)
    if command == "backup":
        from . import backup_cmd

        return backup_cmd.main(rest)
    if command == "audit":
        from . import audit_cmd

        return audit_cmd.main(rest)
    if command == "review":
        from . import review_cmd

        return review_cmd.main(rest)
    if command == "cases":
        from . import cases_cmd

        return cases_cmd.main(rest)
    if command == "stats":
        from . import stats_cmd

        return stats_cmd.main(rest)
    if command == "submit":
        from . import submit_cmd

        return submit_cmd.main(rest)
    if command == "followup":
        from . import followup_cmd

        return followup_cmd.main(rest)
    if command == "log":
        from . import log_cmd

        return log_cmd.main(rest)
    if command == "witness":
        from . import witness_cmd

        return witness_cmd.main(rest)
    if command == "verify-site":
        from . import verify_site_cmd

        return verify_site_cmd.main(rest)
    if command == "smoke":
        from . import smoke_cmd

        return smoke_cmd.main(rest)
    if command == "release":
        from . import release_cmd

        return release_cmd.main(rest)
    if command == "notify":
        from . import notify_cmd

        return notify_cmd.main(rest)
    if command == "deploy":
        from . import deploy_cmd

        return deploy_cmd.deploy_main(rest)
    if command == "destroy":
        from . import deploy_cmd

        return deploy_cmd.destroy_main(rest)
    print(f"{USAGE}\npeluit: error: unknown command {command!r}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
