"""Similarity across a batch (issue 5): copied previous-year reports (R06), shared templates (R07)."""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import pytest

from pipeline.metadata import extract_metadata
from pipeline.normalise import normalise
from pipeline.run import Resources, analyze_text
from pipeline.similarity import apply_findings, find_similar
from pipeline.structure import build_structure
from pipeline.types import CheckItem, Report

DATA = Path(__file__).resolve().parent / "data" / "completeness"
QINGSHI = (DATA / "qingshi-2023.txt").read_text("utf-8")
YUNLING = (DATA / "yunling-2023-three-part.txt").read_text("utf-8")
LIUXI = (DATA / "liuxi-2023-weak.txt").read_text("utf-8")


def plain(text: str, source: str, entity: str | None = None, year: int | None = None) -> Report:
    """A report as similarity gets it: structure and metadata set (or the entity and year given)."""
    n = normalise(text)
    report = Report(source=source, text=text, norm=n.text, norm_map=n.offsets)
    if entity is None and year is None:
        build_structure(report)
        extract_metadata(report)
    else:
        report.entity, report.year = entity, year
    return report


def shift_years(text: str, by: int) -> str:
    return re.sub(r"20\d\d", lambda m: str(int(m.group()) + by), text)


def item(report: Report, rule: str) -> CheckItem:
    assert report.completeness is not None
    return next(i for i in report.completeness.items if i.id == rule)


def pairs(findings: list[Any]) -> set[tuple[str, str, str]]:
    return {(f.source, f.other, f.rule) for f in findings}


@pytest.mark.parametrize(
    ("other_text", "other_source", "expected"),
    [
        # Another township reusing the report under its own name: a shared template.
        (
            QINGSHI.replace("青石镇", "柳溪乡"),
            "liuxi.txt",
            {("qingshi.txt", "liuxi.txt", "R07"), ("liuxi.txt", "qingshi.txt", "R07")},
        ),
        # Different reports of the same year: nothing.
        (YUNLING, "yunling.txt", set()),
        # Last year's report of the same township, figures and years changed: R06 on the later one only.
        (
            shift_years(QINGSHI, -1).replace("6次", "5次").replace("156件", "98件"),
            "qingshi-2022.txt",
            {("qingshi.txt", "qingshi-2022.txt", "R06")},
        ),
    ],
)
def test_find_similar_pairs(other_text: str, other_source: str, expected: set[tuple[str, str, str]]) -> None:
    a = plain(QINGSHI, "qingshi.txt")
    b = plain(other_text, other_source)
    found = find_similar([a, b, plain(LIUXI, "weak.txt")])
    assert pairs(found) == expected


def test_finding_quotes_the_most_similar_passages() -> None:
    a = plain(QINGSHI, "qingshi.txt")
    b = plain(QINGSHI.replace("青石镇", "柳溪乡").replace("18人", "11人"), "liuxi.txt")
    f = next(f for f in find_similar([a, b]) if f.source == "qingshi.txt")
    assert f.kind == "peer" and f.entity == "青石镇" and f.other_entity == "柳溪乡" and f.year == 2023
    assert f.share > 0.9 and 1 <= len(f.passages) <= 3
    p = f.passages[0]
    assert p.quote in QINGSHI.replace("\n", " ") or QINGSHI[p.start :].startswith(p.quote[:10])
    assert p.score >= 0.8


def test_apply_findings_adds_r06_r07_with_evidence() -> None:
    reports = [
        plain(QINGSHI, "qingshi.txt"),
        plain(QINGSHI.replace("青石镇", "柳溪乡"), "liuxi.txt"),
        plain(YUNLING, "yunling.txt"),
    ]
    from pipeline.completeness import check_report, load_checklist

    for r in reports:
        check_report(r, load_checklist())
    before = reports[0].completeness.score  # type: ignore[union-attr]
    apply_findings(reports, find_similar(reports))
    r07 = item(reports[0], "R07")
    assert r07.status == "warning" and r07.evidence and "liuxi.txt" in r07.message
    assert item(reports[2], "R07").status == "ok"
    # No previous year in the batch: R06 was not checked.
    assert item(reports[0], "R06").status == "info" and item(reports[0], "R06").message.startswith("未检查")
    assert reports[0].completeness.score < before  # type: ignore[union-attr]
    assert "雷同" in reports[0].completeness.summary  # type: ignore[union-attr]
    # Folding twice does not duplicate the items.
    apply_findings(reports, find_similar(reports))
    assert [i.id for i in reports[0].completeness.items].count("R07") == 1  # type: ignore[union-attr]


def test_previous_year_checked_and_clean() -> None:
    reports = [
        plain(YUNLING, "yunling-2023.txt"),
        plain(shift_years(QINGSHI, -1).replace("青石镇", "云岭街道"), "yunling-2022.txt"),
    ]
    from pipeline.completeness import check_report, load_checklist

    for r in reports:
        check_report(r, load_checklist())
    apply_findings(reports, find_similar(reports))
    r06 = item(reports[0], "R06")
    assert r06.status == "ok" and "上一年度" in r06.message


def _random_sentence(rng: random.Random) -> str:
    return "".join(chr(0x4E00 + rng.randrange(3000)) for _ in range(rng.randrange(15, 40))) + "。"


def test_lsh_finds_every_planted_pair_and_nothing_else() -> None:
    """60 reports of random sentences; 8 pairs share most of their text (names differ)."""
    rng = random.Random(7)
    texts = ["".join(_random_sentence(rng) for _ in range(40)) for _ in range(60)]
    planted = set()
    for k in range(8):
        i, j = 2 * k, 2 * k + 1
        sents = re.findall(r"[^。]+。", texts[i])
        keep = rng.sample(range(len(sents)), 28)  # 70% of the sentences copied
        texts[j] = "".join(sents[s] if s in keep else _random_sentence(rng) for s in range(len(sents)))
        planted |= {(f"r{i}", f"r{j}"), (f"r{j}", f"r{i}")}
    reports = [
        plain(f"云岭第{i}镇2023年法治政府建设情况报告\n" + t, f"r{i}", entity=f"第{i}镇", year=2023)
        for i, t in enumerate(texts)
    ]
    found = find_similar(reports, min_share=0.4)
    assert {(f.source, f.other) for f in found} == planted
    assert all(f.rule == "R07" for f in found)


# -- the seed report (../shared, skipped when absent) ----------------------------------------


def _seed_doc(dev_docs: list[dict[str, Any]]) -> dict[str, Any]:
    doc = next((d for d in dev_docs if str(d["id"]).startswith("seed-")), None)
    if doc is None:
        pytest.skip("seed report not in the dev corpus")
    return doc


def _seed(dev_docs: list[dict[str, Any]]) -> str:
    return str(_seed_doc(dev_docs)["text"])


def test_seed_reused_by_another_township_is_flagged(dev_docs: list[dict[str, Any]], resources: Resources) -> None:
    doc = _seed_doc(dev_docs)
    seed, town = str(doc["text"]), str(doc["gold"]["entity"])  # the seed's own township, as its gold names it
    original = analyze_text(seed, "seed-2023.txt", resources)
    reused = analyze_text(seed.replace(town, "青石镇").replace(town[:-1], "青石"), "qingshi-2023.txt", resources)
    other = analyze_text(QINGSHI, "qingshi-own-2023.txt", resources)
    reports = [original, reused, other]
    apply_findings(reports, find_similar(reports), resources.checklist)
    assert item(original, "R07").status == "warning" and "qingshi-2023.txt" in item(original, "R07").message
    assert item(reused, "R07").status == "warning"
    assert item(other, "R07").status == "ok"


def test_seed_copied_from_last_year_is_flagged(dev_docs: list[dict[str, Any]], resources: Resources) -> None:
    seed = _seed(dev_docs)
    this_year = analyze_text(seed, "seed-2023.txt", resources)
    last_year = analyze_text(shift_years(seed, -1), "seed-2022.txt", resources)
    reports = [this_year, last_year]
    found = find_similar(reports)
    assert pairs(found) == {("seed-2023.txt", "seed-2022.txt", "R06")}
    apply_findings(reports, found, resources.checklist)
    assert item(this_year, "R06").status == "warning" and item(this_year, "R06").evidence
    assert item(last_year, "R06").status == "info"  # its own previous year is not in the batch


@pytest.mark.parametrize(("county_share", "fires"), [(None, False), (0.25, True)])
def test_check_batch_follows_the_checklist_threshold(tmp_path: Path, county_share: float | None, fires: bool) -> None:
    """Two reports sharing about a third of their sentences: below the default R07 threshold (0.4)."""
    from pipeline.completeness import check_report, load_checklist
    from pipeline.similarity import check_batch

    rng = random.Random(11)
    shared = [_random_sentence(rng) for _ in range(10)]
    texts = ["".join(shared + [_random_sentence(rng) for _ in range(20)]) for _ in range(2)]
    path = None
    if county_share is not None:
        path = tmp_path / "county.toml"
        path.write_text(f"[rules.R07]\nmin_share = {county_share}\n", encoding="utf-8")
    checklist = load_checklist(path)
    reports = [plain(t, f"r{i}", entity=f"第{i}镇", year=2023) for i, t in enumerate(texts)]
    for r in reports:
        check_report(r, checklist)
    check_batch(reports, checklist)
    # Below the threshold the shared passages are only shown (info), with no penalty.
    assert item(reports[0], "R07").status == ("warning" if fires else "info")


def test_short_report_copied_into_a_long_one_is_found() -> None:
    """Whole-report Jaccard is low (about 0.15); the copied share of the short one is not."""
    rng = random.Random(3)
    long_sents = [_random_sentence(rng) for _ in range(120)]
    short = "".join(rng.sample(long_sents, 15) + [_random_sentence(rng) for _ in range(3)])
    reports = [
        plain("".join(long_sents), "long", entity="甲镇", year=2023),
        plain(short, "short", entity="乙镇", year=2023),
    ]
    found = find_similar(reports, min_share=0.5)
    assert {(f.source, f.other) for f in found} == {("short", "long")}
    assert found[0].jaccard < 0.2 and found[0].share > 0.7


@pytest.mark.parametrize(("copied", "status"), [(4, "ok"), (12, "info"), (24, "warning")])
def test_previous_year_tiers(copied: int, status: str) -> None:
    """Of 30 sentences, a few copied from last year: ok; a third: shown (info); most: warning."""
    from pipeline.completeness import check_report, load_checklist
    from pipeline.similarity import check_batch

    rng = random.Random(5)
    last = [_random_sentence(rng) for _ in range(30)]
    this = last[:copied] + [_random_sentence(rng) for _ in range(30 - copied)]
    reports = [
        plain("".join(this), "qingshi-2023", entity="青石镇", year=2023),
        plain("".join(last), "qingshi-2022", entity="青石镇", year=2022),
    ]
    for r in reports:
        check_report(r, load_checklist())
    check_batch(reports)
    r06 = item(reports[0], "R06")
    assert r06.status == status
    assert (r06.evidence is not None) == (status != "ok")


def test_shingles_are_the_same_in_every_process() -> None:
    """Findings must not depend on the process: Python's str hash is salted per run."""
    import subprocess
    import sys

    code = "from pipeline.similarity import _shingle_set; print(sorted(_shingle_set('全年开展集中学法十二次化解纠纷', 5)))"
    outs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                       env={**__import__("os").environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2")
    }
    assert len(outs) == 1
