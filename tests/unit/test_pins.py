"""What the review tool remembers of each case (review/pins.py; ADR 0042): the first reply key
and whether it was seen signed, per site, in a file only its owner reads; a damaged file stops
the tool rather than forget a pin."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from peluit.review.pins import FilePins, MemoryPins, Pin, PinStoreError, default_path, for_config
from tests.support.review import make_review_team

pytestmark = pytest.mark.unit

SITE = "https://wbs.example.go.id/"


def test_a_pin_outlives_the_tool_and_stays_within_its_site(tmp_path: Path) -> None:
    path = tmp_path / "state" / "case-pins.json"
    pin = Pin("age1pq1xyz", signed=True, key="ab" * 32)
    FilePins(path, SITE).remember("abcdefghjkmnpqrs", pin)
    assert FilePins(path, SITE).get("abcdefghjkmnpqrs") == pin
    assert FilePins(path, "https://other.example/").get("abcdefghjkmnpqrs") is None
    FilePins(path, "https://other.example/").remember("abcdefghjkmnpqrs", Pin(None, False))
    assert FilePins(path, SITE).get("abcdefghjkmnpqrs") == pin
    assert path.stat().st_mode & 0o777 == 0o600
    assert json.loads(path.read_bytes())["version"] == 1


@pytest.mark.parametrize("content", [b"{not json", b'{"version": 9}', b"[]"])
def test_a_damaged_pin_file_stops_the_tool(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "case-pins.json"
    path.write_bytes(content)
    with pytest.raises(PinStoreError, match="pin"):
        FilePins(path, SITE).get("abcdefghjkmnpqrs")
    assert path.read_bytes() == content  # left as it was, for someone to look at


def test_without_a_path_pins_last_for_the_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = make_review_team().config
    assert isinstance(for_config(config, None), MemoryPins)
    assert isinstance(for_config(config, tmp_path / "p.json"), FilePins)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert default_path() == tmp_path / "peluit" / "case-pins.json"
