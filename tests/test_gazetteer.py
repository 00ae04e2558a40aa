"""Divisions gazetteer: the compact bundled form, built from the NBS CSVs, and its lookups."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from pipeline.gazetteer import DEFAULT_PATH, build_divisions_file, load_gazetteer, parse_divisions

# A fictional province: two counties each with a 柳溪乡, one county-level city.
CSV = {
    "provinces.csv": 'code,name\n91,"南岭省"\n',
    "cities.csv": 'code,name,provinceCode\n9101,"江州市",91\n',
    "areas.csv": 'code,name,cityCode,provinceCode\n910102,"明川县",9101,91\n910101,"云山区",9101,91\n910181,"青川市",9101,91\n',
    "streets.csv": (
        "code,name,areaCode,provinceCode,cityCode\n"
        '910101001,"柳溪乡",910101,91,9101\n910102002,"柳溪乡",910102,91,9101\n'
        '910102001,"青石镇",910102,91,9101\n910181001,"云岭街道",910181,91,9101\n'
    ),
}


@pytest.fixture()
def fictional(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    for name, text in CSV.items():
        (src / name).write_text(text, encoding="utf-8")
    out = tmp_path / "divisions.tsv.gz"
    build_divisions_file(src, out)
    return out


def test_compact_form_is_nested_and_sorted_by_code(fictional: Path) -> None:
    text = gzip.decompress(fictional.read_bytes()).decode("utf-8")
    assert text.splitlines() == [
        "P\t南岭省", "C\t江州市", "A\t云山区", "T\t柳溪乡", "A\t明川县", "T\t青石镇,柳溪乡", "A\t青川市", "T\t云岭街道",
    ]


@pytest.mark.parametrize(
    ("township", "counties"),
    [("青石镇", ("明川县",)), ("柳溪乡", ("云山区", "明川县")), ("云岭街道", ("青川市",)), ("白沙镇", ())],
)
def test_counties_of_a_township(fictional: Path, township: str, counties: tuple[str, ...]) -> None:
    assert load_gazetteer(fictional).counties_of(township) == counties


@pytest.mark.parametrize(
    ("name", "known"), [("南岭省", True), ("江州市", True), ("青川市", True), ("青石镇", True), ("青石", False), ("白沙镇", False)]
)
def test_is_place(fictional: Path, name: str, known: bool) -> None:
    assert load_gazetteer(fictional).is_place(name) is known


def test_lookups_are_read_only(fictional: Path) -> None:
    gaz = load_gazetteer(fictional)
    with pytest.raises(TypeError):
        gaz.townships["白沙镇"] = ()  # type: ignore[index]


def test_build_is_reproducible(fictional: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.tsv.gz"
    build_divisions_file(tmp_path / "src", again)
    assert again.read_bytes() == fictional.read_bytes()


def test_bundled_file_is_the_shared_list(shared: Path, tmp_path: Path) -> None:
    """The bundled gazetteer is exactly what ../shared/data/divisions builds to."""
    src = shared / "data" / "divisions"
    if not src.is_dir():
        pytest.skip("../shared/data/divisions is not present")
    out = tmp_path / "divisions.tsv.gz"
    build_divisions_file(src, out)
    assert out.read_bytes() == DEFAULT_PATH.read_bytes()


def test_bundled_file_covers_every_province() -> None:
    gaz = load_gazetteer()
    assert len(gaz.provinces) == 31 and len(gaz.townships) > 30000
    assert parse_divisions("").townships == {}


def test_resources_load_it_once_on_first_use() -> None:
    from pipeline.run import Resources

    res = Resources()
    assert res._gazetteer is None
    assert res.gazetteer is res.gazetteer is load_gazetteer()
