"""The tree's hashes read from its tiles, for a tree of a given size.

A complete subtree of height h is found in the tile level h // 8: it is the Merkle hash of
2^(h % 8) consecutive hashes of that level, read from the tile (full or partial) that the
tree's size says exists. Tiles are read once and checked for their exact length.
"""

from __future__ import annotations

from .errors import TileError
from .files import LogFiles
from .merkle import LeafHashes
from .tiles import (
    TILE_HEIGHT,
    TILE_WIDTH,
    decode_bundle,
    entries_path,
    split_hashes,
    tile_path,
    tile_width,
)


class TileHashes:
    """SubtreeHashes of the tree of `size` served by `files`."""

    def __init__(self, files: LogFiles, size: int) -> None:
        self.files = files
        self.size = size
        self._tiles: dict[tuple[int, int], list[bytes]] = {}

    def tile(self, level: int, index: int) -> list[bytes]:
        key = (level, index)
        if key not in self._tiles:
            width = tile_width(level, index, self.size)
            if width == 0:
                raise TileError(f"tile {level}/{index} is past a tree of {self.size}")
            path = tile_path(level, index, width)
            data = self.files.read(path)
            if data is None:
                raise TileError(f"the log has no {path}")
            self._tiles[key] = split_hashes(data, width)
        return self._tiles[key]

    def subtree(self, height: int, index: int) -> bytes:
        level, rest = divmod(height, TILE_HEIGHT)
        count = 1 << rest
        first = index * count  # among the hashes of `level`
        if (first + count) << (TILE_HEIGHT * level) > self.size:
            raise TileError(f"the subtree {height}/{index} is past a tree of {self.size}")
        tile = self.tile(level, first // TILE_WIDTH)
        at = first % TILE_WIDTH
        return LeafHashes(tile[at : at + count]).subtree(rest, 0)


def read_entry(files: LogFiles, index: int, size: int) -> bytes:
    """Entry `index` of the tree of `size`, from its entry bundle."""
    if not 0 <= index < size:
        raise TileError(f"entry {index} is not in a tree of {size}")
    bundle = index // TILE_WIDTH
    width = tile_width(0, bundle, size)
    path = entries_path(bundle, width)
    data = files.read(path)
    if data is None:
        raise TileError(f"the log has no {path}")
    return decode_bundle(data, width)[index % TILE_WIDTH]
