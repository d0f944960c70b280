"""Tile and entry-bundle paths and contents as c2sp.org/tlog-tiles lays them out (its examples
are in tests/vectors/tlog-known-answers.json, `tiles_spec`)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from peluit.tlog import EntryTooLargeError, TileError, entries_path, tile_path, tiles_for_size
from peluit.tlog.tiles import decode_bundle, encode_bundle, encode_index

pytestmark = pytest.mark.unit

SPEC = json.loads(
    (Path(__file__).resolve().parents[1] / "vectors" / "tlog-known-answers.json").read_text()
)["tiles_spec"]


def test_an_index_is_written_in_groups_of_three_digits_as_the_spec_shows() -> None:
    assert encode_index(1234067) == SPEC["index_1234067"]
    assert encode_index(0) == "000"
    assert encode_index(999) == "999"
    assert encode_index(1000) == "x001/000"


def test_tile_paths_name_level_index_and_partial_width() -> None:
    assert tile_path(0, 1234067) == "tile/0/x001/x234/067"
    assert tile_path(1, 5, 17) == "tile/1/005.p/17"
    assert entries_path(0, 112) == "tile/entries/000.p/112"
    assert entries_path(273) == "tile/entries/273"
    for bad in ((64, 0, 256), (0, 0, 0), (0, 0, 257), (0, -1, 256)):
        with pytest.raises(TileError):
            tile_path(*bad)


def _shape(size: int) -> Counter[str]:
    return Counter(
        f"{'full' if w == 256 else 'partial'}_level_{level}" for level, _, w in tiles_for_size(size)
    )


def test_a_tree_of_70000_is_the_tiles_the_spec_lists() -> None:
    """273 full level-0 tiles, a partial one of width 112, one full level-1 tile, a partial
    one of width 17 and a partial level-2 tile of width 1."""
    spec = SPEC["size_70000"]
    shape = _shape(70000)
    assert shape["full_level_0"] == spec["full_level_0"]
    assert shape["full_level_1"] == spec["full_level_1"]
    assert set(shape) == {"full_level_0", "full_level_1"} | {
        k for k in spec if k.startswith("partial")
    }
    widths = {lvl: w for lvl, _, w in tiles_for_size(70000) if w < 256}
    assert widths == {
        0: spec["partial_level_0"],
        1: spec["partial_level_1"],
        2: spec["partial_level_2"],
    }


def test_a_tree_of_256_is_one_full_tile_and_a_partial_tile_of_width_one_above() -> None:
    assert _shape(256) == Counter(SPEC["size_256"])
    assert tiles_for_size(256) == [(0, 0, 256), (1, 0, 1)]
    assert tiles_for_size(0) == []


def test_an_entry_bundle_is_uint16_length_prefixed_entries() -> None:
    bundle = encode_bundle([b"", b"ab", b"x" * 300])
    assert bundle[:4] == b"\x00\x00\x00\x02"
    assert bundle[6:8] == (300).to_bytes(2, "big")
    assert decode_bundle(bundle, 3) == [b"", b"ab", b"x" * 300]
    with pytest.raises(TileError):
        decode_bundle(bundle, 2)
    with pytest.raises(TileError):
        decode_bundle(bundle[:-1], 3)


def test_an_entry_longer_than_a_uint16_can_say_is_refused() -> None:
    encode_bundle([b"x" * 65535])
    with pytest.raises(EntryTooLargeError):
        encode_bundle([b"x" * 65536])
