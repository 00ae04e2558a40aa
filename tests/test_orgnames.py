"""Organ names: places with their unit words, then the government or a department."""

from __future__ import annotations

import pytest

from pipeline.orgnames import names_with_unit, parse_org


@pytest.mark.parametrize(
    ("text", "entity", "full", "level", "places"),
    [
        ("明川县柳溪乡人民政府", "柳溪乡", "明川县柳溪乡人民政府", "township", ["明川县", "柳溪乡"]),
        ("云岭街道办事处", "云岭街道", "云岭街道办事处", "township", ["云岭街道"]),
        ("白沙苏木", "白沙苏木", "白沙苏木", "township", ["白沙苏木"]),
        ("云山区白沙彝族乡人民政府", "白沙彝族乡", "云山区白沙彝族乡人民政府", "township", ["云山区", "白沙彝族乡"]),
        ("明川县司法局", "明川县司法局", "明川县司法局", "department", ["明川县"]),
        ("江州市人民政府", "江州市", "江州市人民政府", "city", ["江州市"]),
        ("北京市", "北京市", "北京市", "province", ["北京市"]),  # a municipality is province-level
    ],
)
def test_parse_org(text: str, entity: str, full: str, level: str, places: list[str]) -> None:
    org = parse_org(text)
    assert org is not None
    assert (text[slice(*org.entity)], text[slice(*org.full)], org.level) == (entity, full, level)
    assert [text[a:b] for a, b, _ in org.places] == places


@pytest.mark.parametrize("text", ["法治政府建设", "全县推进依法行政", "在县委领导下"])
def test_running_text_is_no_organ(text: str) -> None:
    org = parse_org(text)
    assert org is None or not org.places


@pytest.mark.parametrize(
    ("head", "unit", "names"),
    [
        ("按照明川县法治政府建设实施方案，开展学法。", "县", ["明川县"]),  # the verb before it is dropped
        ("全县推进依法行政，县委定期研究。", "县", []),
        ("联合云山区市场监管局执法。", "区", ["云山区"]),
    ],
)
def test_names_with_unit(head: str, unit: str, names: list[str]) -> None:
    assert names_with_unit(head, unit) == names
