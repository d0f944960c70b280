"""Standard output whose reader may stop early (`peluit roster list | head`): the command
ends quietly instead of printing a broken-pipe error, as other command-line tools do.

Only standard output is guarded: a broken connection to a server is a real error, reported
by the command that made it."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO, cast

SIGPIPE_STATUS = 141  # what a shell reports for a process ended by SIGPIPE


class ReaderGoneError(BaseException):
    """Standard output's reader has gone. A BaseException, like KeyboardInterrupt, so that a
    command's `except OSError` does not report it as a failure of its own."""


class _Guarded:
    """A stream that turns BrokenPipeError into ReaderGoneError; everything else delegated."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, data: Any) -> Any:
        try:
            return self._stream.write(data)
        except BrokenPipeError:
            raise ReaderGoneError from None

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise ReaderGoneError from None

    @property
    def buffer(self) -> _Guarded:
        return _Guarded(self._stream.buffer)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def guarded_stdout() -> Iterator[None]:
    """Guard sys.stdout while the block runs and flush it before leaving, so a closed pipe
    is found here rather than by Python's flush at exit."""
    original = sys.stdout
    sys.stdout = cast(TextIO, _Guarded(original))
    try:
        yield
        sys.stdout.flush()
    finally:
        sys.stdout = original


def silence_stdout() -> None:
    """Point standard output at /dev/null, so nothing more is written to the closed pipe
    (Python's own flush at exit included)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
