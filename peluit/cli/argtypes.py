"""Argument types the commands share, refused by argparse with one line of usage error."""

from __future__ import annotations

import argparse

PORT_MAX = 65535


def port(text: str) -> int:
    """A TCP port, 0 to 65535 (0: any free port)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0-{PORT_MAX})") from None
    if not 0 <= value <= PORT_MAX:
        raise argparse.ArgumentTypeError(f"{value} is not a port number (0-{PORT_MAX})")
    return value
