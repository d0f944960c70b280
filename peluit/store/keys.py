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
