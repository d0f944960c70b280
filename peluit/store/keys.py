"""The object key grammar shared by every adapter.

Keys are relative, `/`-separated, made of lower-case letters, digits, `-`, `_` and
`.`, no empty, `.` or `..` segment, at most 512 characters: nothing a hostile
client sends can escape the store's root or collide with a temp file.
"""

import re

from .errors import InvalidKeyError

_SEGMENT = re.compile(r"[a-z0-9_][a-z0-9_.-]{0,127}")
MAX_KEY_LENGTH = 512


def validate_key(key: str) -> str:
    if not key or len(key) > MAX_KEY_LENGTH:
        raise InvalidKeyError("object key is empty or too long")
    for segment in key.split("/"):
        if not _SEGMENT.fullmatch(segment) or segment in {".", ".."}:
            raise InvalidKeyError("object key has an invalid segment")
    return key


def validate_prefix(prefix: str) -> str:
    """A listing prefix: empty, or a valid key optionally ending in `/`."""
    if prefix:
        validate_key(prefix.removesuffix("/"))
    return prefix


# Objects that live days, not years: browser uploads until finalization copies them into a
# case, and the nonces of signed reviewer requests. On AWS they live in a bucket of their own
# without Object Lock (peluit/store/s3.py, infra/peluit.yaml), so that default retention never
# holds them and lifecycle rules can expire them.
SHORT_LIVED_PREFIXES = ("staging/", "nonces/", "notify/")  # notify/: peluit/notify/ledger.py


def is_short_lived(key_or_prefix: str) -> bool:
    return key_or_prefix.startswith(SHORT_LIVED_PREFIXES)
