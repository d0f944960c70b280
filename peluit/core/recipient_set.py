"""The fingerprint of a channel's recipient set (docs/format.md, "The recipient set").

A page holds `channels.json` for as long as it is open. After a key swap, a page loaded before
it would keep encrypting to the removed key, and the server, which cannot tell which keys a
hybrid stanza is for, would accept the report as long as the number of stanzas matches. So the
finalization carries this fingerprint of the recipients the client encrypted to, and the server
refuses one that is not the channel's current set (409 `stale_recipients`: reload the page).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

LABEL = "peluit-recipients/1"


def fingerprint(report: Iterable[str], identity: Iterable[str]) -> str:
    """Hex SHA-256 of the UTF-8 text: the label, then one line `report <recipient>` per report
    recipient and one line `identity <recipient>` per identity recipient, each group sorted,
    every line ending in a line feed."""
    lines = [LABEL]
    lines += [f"report {r}" for r in sorted(report)]
    lines += [f"identity {r}" for r in sorted(identity)]
    return hashlib.sha256("".join(f"{line}\n" for line in lines).encode()).hexdigest()
