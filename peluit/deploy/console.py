"""Talking to the operator: messages out, yes/no questions in (injectable for tests)."""

from __future__ import annotations

import sys
from typing import Protocol


class Console(Protocol):
    def say(self, text: str) -> None:
        """Show a line (or lines) to the operator."""

    def ask(self, question: str) -> str | None:
        """The operator's answer, or None when nobody can answer (no terminal)."""


class TerminalConsole:
    def say(self, text: str) -> None:
        print(text, flush=True)

    def ask(self, question: str) -> str | None:
        if not sys.stdin.isatty():
            return None
        try:
            return input(question)
        except EOFError:
            return None


def confirmed(console: Console, question: str, expected: str = "yes") -> bool:
    """Whether the operator typed `expected` (case-insensitive) in answer to `question`."""
    answer = console.ask(f"{question} Type '{expected}' to continue: ")
    return answer is not None and answer.strip().lower() == expected.lower()
