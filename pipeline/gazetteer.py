"""China's administrative divisions down to township level, as evidence for names.

The bundled ``data/divisions.tsv.gz`` is derived from the National Bureau of
Statistics' 统计用区划代码 (public facts; see ``build_divisions_file``). It is
one line per division, nested by a level letter::

    P<TAB>南岭省            a province
    C<TAB>江州市            a city of the province above
    A<TAB>明川县            a county-level area of the city above
    T<TAB>柳溪乡,青石镇      the townships of the area above

Names change (mergers, 撤乡设镇, new 街道) and reports use older names, so a
name missing here is not wrong: callers use the gazetteer to prefer, complete
and repair names, never as the only way to accept one.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

__all__ = ["Gazetteer", "build_divisions_file", "load_gazetteer", "parse_divisions"]

DEFAULT_PATH = Path(__file__).parent / "data" / "divisions.tsv.gz"

# (province, city, county) of a township; (province, city) of a county-level area.
Chain = tuple[str, ...]


@dataclass(frozen=True)
class Gazetteer:
    """Read-only lookups: where a township or a county-level area sits."""

    townships: Mapping[str, tuple[Chain, ...]]  # 柳溪乡 -> ((南岭省, 江州市, 明川县), …)
    counties: Mapping[str, tuple[Chain, ...]]  # 明川县 -> ((南岭省, 江州市), …)
    cities: Mapping[str, tuple[str, ...]]  # 江州市 -> (南岭省,)
    provinces: frozenset[str]

    def counties_of(self, township: str) -> tuple[str, ...]:
        """The county-level areas that have a township of this name (several where it is common)."""
        return tuple(dict.fromkeys(chain[2] for chain in self.townships.get(township, ())))

    def is_place(self, name: str) -> bool:
        """A known division of any level, as written with its unit word."""
        return name in self.townships or name in self.counties or name in self.cities or name in self.provinces


def parse_divisions(text: str) -> Gazetteer:
    """The gazetteer written in the nested form above (P/C/A/T lines)."""
    townships: dict[str, list[Chain]] = {}
    counties: dict[str, list[Chain]] = {}
    cities: dict[str, list[str]] = {}
    provinces: set[str] = set()
    province = city = county = ""
    for line in text.splitlines():
        kind, _, rest = line.partition("\t")
        if kind == "P":
            province = rest
            provinces.add(rest)
        elif kind == "C":
            city = rest
            cities.setdefault(rest, []).append(province)
        elif kind == "A":
            county = rest
            counties.setdefault(rest, []).append((province, city))
        elif kind == "T":
            for name in rest.split(","):
                townships.setdefault(name, []).append((province, city, county))
    return Gazetteer(
        MappingProxyType({k: tuple(v) for k, v in townships.items()}),
        MappingProxyType({k: tuple(v) for k, v in counties.items()}),
        MappingProxyType({k: tuple(v) for k, v in cities.items()}),
        frozenset(provinces),
    )


@lru_cache(maxsize=2)
def load_gazetteer(path: Path | None = None) -> Gazetteer:
    """The gazetteer at ``path`` (default: the bundled one), read once per process; read-only."""
    data = (path or DEFAULT_PATH).read_bytes()
    return parse_divisions(gzip.decompress(data).decode("utf-8"))


def build_divisions_file(src: Path, out: Path) -> None:
    """Write the compact form of the NBS CSVs in ``src`` (provinces/cities/areas/streets.csv).

    Byte-for-byte reproducible: rows sorted by code, gzip without a time stamp.
    """
    def rows(name: str) -> list[dict[str, str]]:
        with (src / name).open(encoding="utf-8", newline="") as fh:
            return sorted(csv.DictReader(fh), key=lambda r: r["code"])

    cities_by: dict[str, list[dict[str, str]]] = {}
    for r in rows("cities.csv"):
        cities_by.setdefault(r["provinceCode"], []).append(r)
    areas_by: dict[str, list[dict[str, str]]] = {}
    for r in rows("areas.csv"):
        areas_by.setdefault(r["cityCode"], []).append(r)
    towns_by: dict[str, list[str]] = {}
    for r in rows("streets.csv"):
        towns_by.setdefault(r["areaCode"], []).append(r["name"])
    buf = io.StringIO()
    for p in rows("provinces.csv"):
        buf.write(f"P\t{p['name']}\n")
        for c in cities_by.get(p["code"], []):
            buf.write(f"C\t{c['name']}\n")
            for a in areas_by.get(c["code"], []):
                buf.write(f"A\t{a['name']}\n")
                if towns_by.get(a["code"]):
                    buf.write("T\t" + ",".join(towns_by[a["code"]]) + "\n")
    out.write_bytes(gzip.compress(buf.getvalue().encode("utf-8"), compresslevel=9, mtime=0))
