"""Where tiles and entry bundles live, and what is in them (c2sp.org/tlog-tiles).

    tile/<L>/<N>[.p/<W>]        hashes of level L (8-bit tiles: 256 hashes, 8,192 bytes, when full)
    tile/entries/<N>[.p/<W>]    entries, each after its big-endian uint16 length

<N> is written in groups of three digits, all but the last starting with `x`
(1234067 is `x001/x234/067`); `.p/<W>` marks a partial tile of W (1-255) hashes or entries.
"""

from __future__ import annotations

from .errors import EntryTooLargeError, TileError
from .hashing import HASH_SIZE

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT  # 256
MAX_ENTRY = 0xFFFF


def encode_index(index: int) -> str:
    if index < 0:
        raise TileError("a tile index is not negative")
    groups = []
    while True:
        groups.append(f"{index % 1000:03d}")
        index //= 1000
        if index == 0:
            break
    groups.reverse()
    return "/".join([*("x" + g for g in groups[:-1]), groups[-1]])


def _suffix(width: int) -> str:
    if not 1 <= width <= TILE_WIDTH:
        raise TileError(f"a tile is 1 to {TILE_WIDTH} wide, not {width}")
    return "" if width == TILE_WIDTH else f".p/{width}"


def tile_path(level: int, index: int, width: int = TILE_WIDTH) -> str:
    if not 0 <= level <= 63:
        raise TileError(f"a tile level is 0 to 63, not {level}")
    return f"tile/{level}/{encode_index(index)}{_suffix(width)}"


def entries_path(index: int, width: int = TILE_WIDTH) -> str:
    return f"tile/entries/{encode_index(index)}{_suffix(width)}"


def tile_width(level: int, index: int, size: int) -> int:
    """How many hashes tile `index` of `level` holds in a tree of `size` (0: none yet)."""
    hashes: int = size >> (TILE_HEIGHT * level)
    return max(0, min(TILE_WIDTH, hashes - index * TILE_WIDTH))


def tiles_for_size(size: int) -> list[tuple[int, int, int]]:
    """Every tile (level, index, width) a tree of `size` is served as, level 0 first."""
    tiles = []
    level = 0
    while (hashes := size >> (TILE_HEIGHT * level)) > 0:
        tiles += [(level, i, tile_width(level, i, size)) for i in range(-(-hashes // TILE_WIDTH))]
        level += 1
    return tiles


def split_hashes(data: bytes, width: int) -> list[bytes]:
    if len(data) != width * HASH_SIZE:
        raise TileError(f"a tile of {width} hashes is {width * HASH_SIZE} bytes, not {len(data)}")
    return [data[i : i + HASH_SIZE] for i in range(0, len(data), HASH_SIZE)]


def encode_bundle(entries: list[bytes]) -> bytes:
    out = bytearray()
    for entry in entries:
        if len(entry) > MAX_ENTRY:
            raise EntryTooLargeError(
                f"an entry is at most {MAX_ENTRY} bytes (a uint16 length), not {len(entry)}"
            )
        out += len(entry).to_bytes(2, "big") + entry
    return bytes(out)


def decode_bundle(data: bytes, width: int) -> list[bytes]:
    entries = []
    at = 0
    while at < len(data):
        if at + 2 > len(data):
            raise TileError("an entry bundle ends inside a length")
        length = int.from_bytes(data[at : at + 2], "big")
        if at + 2 + length > len(data):
            raise TileError("an entry bundle ends inside an entry")
        entries.append(data[at + 2 : at + 2 + length])
        at += 2 + length
    if len(entries) != width:
        raise TileError(f"an entry bundle of {width} holds {len(entries)} entries")
    return entries
