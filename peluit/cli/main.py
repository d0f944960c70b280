"""The `peluit` command: one entry point, a subcommand per job."""

from __future__ import annotations

import sys

USAGE = """usage: peluit COMMAND [ARGS]

commands:
  serve    run Peluit locally: site, API, local store (demo keys if no --config)
  age      encrypt and decrypt age files (like the age tool; `peluit age --help`)
"""


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
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
    print(f"peluit: unknown command {command!r}\n\n{USAGE}", end="", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
