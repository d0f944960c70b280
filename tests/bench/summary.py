"""The closing summary of `make bench`: one line per target, read at a glance.

Each benchmark calls `target(...)` for a figure that has a goal and `context(...)` for a figure
that is only there to be read beside one (an in-memory baseline, say). Each call prints its
line at once and, when `PELUIT_BENCH_SUMMARY` names a file (`make bench` sets it), appends it
there as one JSON line. `python -m tests.bench.summary FILE` prints the lines of one run in the
order they were measured:

    target <name>: <value> (goal <goal>): met
    target <name>: <value> (goal <goal>): NOT met
    context <name>: <value>
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

ENV = "PELUIT_BENCH_SUMMARY"


@dataclass(frozen=True)
class Line:
    kind: str  # "target" or "context"
    name: str
    value: str
    goal: str = ""
    met: bool = False

    def text(self) -> str:
        if self.kind == "context":
            return f"context {self.name}: {self.value}"
        verdict = "met" if self.met else "NOT met"
        return f"target {self.name}: {self.value} (goal {self.goal}): {verdict}"


def _record(line: Line, path: str | None = None) -> None:
    print(line.text(), flush=True)
    path = path or os.environ.get(ENV)
    if path:
        with Path(path).open("a", encoding="utf-8") as out:
            out.write(json.dumps(line.__dict__) + "\n")


def target(name: str, value: str, goal: str, met: bool) -> None:
    """A figure with a goal; `met` says whether this run reached it."""
    _record(Line("target", name, value, goal, met))


def context(name: str, value: str) -> None:
    """A figure printed beside the targets, with no goal of its own."""
    _record(Line("context", name, value))


def read(path: Path) -> list[Line]:
    if not path.exists():
        return []
    return [Line(**json.loads(raw)) for raw in path.read_text(encoding="utf-8").splitlines()]


def render(lines: list[Line]) -> str:
    met = sum(1 for line in lines if line.kind == "target" and line.met)
    targets = sum(1 for line in lines if line.kind == "target")
    head = f"summary: {met} of {targets} targets met"
    return "\n".join([head, *(line.text() for line in lines)])


def main(argv: list[str]) -> int:
    """`FILE`: print the summary; `--failed BENCH FILE`: record that BENCH did not finish."""
    if len(argv) == 3 and argv[0] == "--failed":
        _record(Line("target", argv[1], "stopped with an error", "runs to the end", False), argv[2])
        return 0
    if len(argv) != 1:
        print("usage: python -m tests.bench.summary [--failed BENCH] FILE", file=sys.stderr)
        return 2
    print()
    print(render(read(Path(argv[0]))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
