"""A download sent with `Content-Length` gives exactly the bytes it announced, or fails."""

from __future__ import annotations

import pytest

from peluit.review.console.server import LengthMismatchError, exactly

pytestmark = pytest.mark.unit


def test_the_announced_bytes_pass_through_unchanged() -> None:
    assert list(exactly(iter([b"abc", b"de"]), 5)) == [b"abc", b"de"]


def test_a_stream_longer_than_announced_fails_before_the_extra_bytes() -> None:
    given = exactly(iter([b"abc", b"def"]), 5)
    assert next(given) == b"abc"
    with pytest.raises(LengthMismatchError, match="longer"):
        next(given)


def test_a_stream_ending_short_fails_at_its_end() -> None:
    with pytest.raises(LengthMismatchError, match="shorter"):
        list(exactly(iter([b"abc"]), 5))
