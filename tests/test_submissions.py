"""Submissions: one report sent as TXT, DOCX and PDF is one submission; non-reports are kept but never scored.

The fixture documents are written here for a fictional 明川县 (no sentence of a real report).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from pipeline.batch import run_batch
from pipeline.compare import compare_store
from pipeline.export import export
from pipeline.review import render_review
from pipeline.run import analyze_text
from pipeline.store import Store
from pipeline.submissions import RESUBMITTED_ID, SEVERAL_ID, Candidate, group
from tests.test_batch import _SAMPLES, sample_report

NOTICE = """青石镇人民政府关于开展2024年“法律进乡村”宣传月活动的通知

各村（社区）、镇属各单位：
为深入推进全民普法，镇政府决定于2024年5月开展“法律进乡村”宣传月活动，现将有关事项通知如下。
一、活动时间
2024年5月1日至5月31日。
二、活动内容
各村至少举办法治讲座2场，发放宣传资料不少于500份，组织法律明白人入户宣讲。
三、工作要求
各单位要高度重视，明确专人负责，活动结束后5日内报送工作总结。

青石镇人民政府
2024年4月20日
"""

WORK_SUMMARY = """青石镇2024年农业农村工作总结

2024年，青石镇围绕粮食安全和农民增收，扎实做好各项农业农村工作，现总结如下。
一、粮食生产稳中有升
全镇粮食播种面积3.2万亩，总产量1.4万吨，新建高标准农田2000亩。
二、特色产业加快发展
新发展茶叶基地800亩，培育家庭农场15家，农民合作社新增6家。
三、人居环境持续改善
完成农村改厕320户，清理沟渠46公里。

青石镇人民政府
2024年12月28日
"""


def _cand(sha: str, text: str, entity: str | None = "青石镇", year: int | None = 2024, *, score: float = 0.9,
          fmt: str = "txt", is_report: bool = True) -> Candidate:
    return Candidate(sha, text, entity, year, is_report, score, 10, fmt, f"{sha}.{fmt}")


BODY = "".join(f"第{i}项工作按计划推进，全年开展法治讲座{i + 3}次，群众满意度持续提升。" for i in range(40))


@pytest.mark.parametrize(
    ("candidates", "copies", "several"),
    [
        # identical after normalisation (line breaks, spaces, a PDF page number): one submission
        ([_cand("a", BODY, fmt="txt"), _cand("b", BODY.replace("。", "。\n") + "\n- 1 -\n", fmt="pdf")], {"b": "a"}, set()),
        # near-identical, same entity and year (a heading lost in one rendering): one submission
        ([_cand("a", BODY, fmt="docx"), _cand("b", BODY[:-30], fmt="pdf")], {"b": "a"}, set()),
        # the best analysis stands for the submission, whatever the order
        ([_cand("a", BODY, fmt="pdf", score=0.8), _cand("b", BODY, fmt="docx", score=0.95)], {"a": "b"}, set()),
        # near-identical but another township: two submissions
        ([_cand("a", BODY), _cand("b", BODY[:-30], entity="柳溪乡")], {}, set()),
        # two different reports of one township and year: both kept, flagged for the reviewer
        ([_cand("a", BODY), _cand("b", BODY[: len(BODY) // 2] + "另起炉灶的内容" * 80)], {}, {"a", "b"}),
        # a non-report is never folded into a report by near-identity
        ([_cand("a", BODY), _cand("b", BODY[:-30], is_report=False)], {}, set()),
    ],
)
def test_group(candidates: list[Candidate], copies: dict[str, str], several: set[str]) -> None:
    got = group(candidates)
    assert {c: p for c, (p, _why) in got.copies.items()} == copies
    assert set(got.several) == several


def _folder(tmp_path: Path) -> tuple[Path, str]:
    """One report in TXT, DOCX and PDF, two other townships' reports, two documents that are not reports."""
    from pipeline.render import text_to_docx, text_to_pdf

    folder = tmp_path / "明川县"
    folder.mkdir()
    town, kind, year, n, drop = _SAMPLES[1]  # 青石镇 2024
    text = sample_report(town, kind, year, n, drop)
    (folder / "青石镇2024.txt").write_text(text, "utf-8")
    text_to_docx(text, folder / "青石镇2024.docx")
    text_to_pdf(text, folder / "青石镇2024（盖章版）.pdf")
    for sample in (_SAMPLES[3], _SAMPLES[4]):  # 柳溪乡 2024, 云岭街道 2024
        (folder / f"{sample[0]}{sample[2]}.txt").write_text(sample_report(*sample), "utf-8")
    (folder / "宣传月通知.txt").write_text(NOTICE, "utf-8")
    (folder / "农业农村工作总结.txt").write_text(WORK_SUMMARY, "utf-8")
    return folder, text


def _csv(path: Path) -> list[dict[str, str]]:
    rows = list(csv.reader(io.StringIO(path.read_bytes()[3:].decode("utf-8"), newline="")))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


NON_REPORTS = {"宣传月通知.txt", "农业农村工作总结.txt"}


@pytest.fixture(scope="module")
def batch_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    tmp = tmp_path_factory.mktemp("submissions")
    folder, text = _folder(tmp)
    with Store(tmp / "g.db") as store:
        result = run_batch(folder, store, workers=1)
    assert not result.failures
    return tmp / "g.db", text


def _score_with_the_txt_alone(tmp_path: Path) -> float:
    folder, _ = _folder(tmp_path)
    (folder / "青石镇2024.docx").unlink()
    (folder / "青石镇2024（盖章版）.pdf").unlink()
    with Store(tmp_path / "alone.db") as store:
        run_batch(folder, store, workers=1)
        (sub,) = [d for d in store.documents() if d.get("entity") == "青石镇" and d.get("is_report")]
        return float(sub["completeness_score"])


def test_one_report_in_three_formats_is_one_submission(batch_store: tuple[Path, str], tmp_path: Path) -> None:
    db, text = batch_store
    alone = analyze_text(text, "青石镇2024.txt")
    assert len(alone.metrics) >= 10  # a real test: the report has many figures
    with Store(db) as s:
        counts = s.counts()
        assert (counts["files"], counts["submissions"], counts["non_reports"], counts["copies"]) == (7, 3, 2, 2)
        assert counts["files"] == (counts["submissions"] + counts["non_reports"] + counts["duplicate_files"]
                                   + counts["failed_files"])
        (sub,) = [d for d in s.documents() if d.get("entity") == "青石镇" and d.get("is_report")]
        assert sub["sources"] == ["青石镇2024.docx", "青石镇2024.txt", "青石镇2024（盖章版）.pdf"]
        assert sub["formats"] == ["docx", "pdf", "txt"]
        # all its metric rows, once
        assert sum(m["sha256"] == sub["sha256"] for m in s.metrics()) == len(alone.metrics)
        # a non-report the township sent keeps its sender, and its rows say they are not a report's
        assert len([m for m in s.metrics() if m.get("entity") == "青石镇" and m.get("is_report")]) == len(alone.metrics)
        # no 雷同 between the copies (the fixture townships share a template: peers may be flagged)
        assert not [f for f in s.similarity() if f.get("entity") == "青石镇" and f.get("other_entity") == "青石镇"]
        checks = {c["item"]: c for c in s.checks() if c["sha256"] == sub["sha256"]}
        assert "青石镇2024" not in (checks["R07"]["message"] or "")
        assert checks[RESUBMITTED_ID]["status"] == "info" and "3个文件" in checks[RESUBMITTED_ID]["message"]
        assert SEVERAL_ID not in checks
        score = sub["completeness_score"]
    # and no score lost to them: the same as when the TXT came alone
    assert score == pytest.approx(_score_with_the_txt_alone(tmp_path))


def test_non_reports_are_kept_but_never_scored_or_compared(batch_store: tuple[Path, str], tmp_path: Path) -> None:
    db, _ = batch_store
    with Store(db) as s:
        docs = {d["sources"][0]: d for d in s.documents()}
        for name in NON_REPORTS:
            assert docs[name]["is_report"] == 0 and docs[name]["completeness_score"] is None
        assert docs["宣传月通知.txt"]["doc_type"] == "notice" and docs["宣传月通知.txt"]["title"]
        rows = compare_store(s)
        assert rows and not {r.source for r in rows} & NON_REPORTS
        page = render_review(s)
        export(s, "csv", tmp_path / "default")
        export(s, "csv", tmp_path / "all", include_all=True)
        en = export(s, "csv", tmp_path / "en", lang="en")
        scores = [d["completeness_score"] for d in s.documents() if d["is_report"]]
    # the review: not in the matrix nor the mean, listed apart with the reason
    matrix = page[page.index('id="matrix"'):page.index("</table>", page.index('id="matrix"'))]
    assert matrix.count("<tr>") == 1 + 3 and not any(n in matrix for n in NON_REPORTS)
    mean = re.search(r'data-count="mean"><b>([^<]*)</b>', page)
    assert mean and mean.group(1) == f"{sum(scores) / len(scores):.0%}"
    others = page[page.index('id="non-reports"'):]
    assert "宣传月通知.txt" in others and "不是法治政府建设年度报告（识别为：通知）" in others
    # the exports: absent by default, present with --all, every row says is_report / doc_type
    files = {r["来源文件"] for r in _csv(tmp_path / "default" / "metrics.csv")}
    assert files and not files & NON_REPORTS
    reports = _csv(tmp_path / "default" / "reports.csv")
    assert len(reports) == 3 and not {r["来源文件"] for r in reports} & NON_REPORTS
    (qs,) = [r for r in reports if r["乡镇"] == "青石镇"]
    assert (qs["文件数"], qs["文件格式"], qs["标记"]) == ("3", "docx, pdf, txt", "重复报送")
    everything = _csv(tmp_path / "all" / "reports.csv")
    kept = {r["来源文件"]: r for r in everything if r["来源文件"] in NON_REPORTS}
    assert set(kept) == NON_REPORTS
    assert {(r["是否年度报告"], r["完整性得分"]) for r in kept.values()} == {("FALSE", "")}
    assert {r["文件类型"] for r in kept.values()} == {"通知", "工作总结"}
    assert {r["来源文件"] for r in _csv(tmp_path / "all" / "metrics.csv")} >= NON_REPORTS
    assert all(r["是否年度报告"] in ("TRUE", "FALSE") and r["文件类型"] for r in _csv(tmp_path / "all" / "metrics.csv"))
    assert [p.name for p in en][-1] == "findings.csv" and "is_report" in _csv(en[0])[0]


def test_findings_are_counted_and_exported(batch_store: tuple[Path, str], tmp_path: Path) -> None:
    db, _ = batch_store
    with Store(db) as s:
        export(s, "csv", tmp_path / "out")
    findings = _csv(tmp_path / "out" / "findings.csv")
    reports = {r["乡镇"]: r for r in _csv(tmp_path / "out" / "reports.csv")}
    # 柳溪乡 2024 leaves out the 第一责任人 part: a finding, counted on its row
    liuxi = [f for f in findings if f["乡镇"] == "柳溪乡"]
    assert liuxi and any(f["规则"] == "responsibility" and f["严重程度"] == "缺失" for f in liuxi)
    for town, row in reports.items():
        assert int(row["审查意见数"]) == sum(f["乡镇"] == town for f in findings)


def test_verdict_items_name_the_files() -> None:
    from pipeline.submissions import verdict_items

    cands = [_cand("a", BODY, fmt="docx"), _cand("b", BODY + "\n- 2 -", fmt="pdf"),
             _cand("c", BODY[: len(BODY) // 2] + "另起炉灶的内容" * 80)]
    got = verdict_items(group(cands), {"a": "甲.docx", "b": "甲.pdf", "c": "乙.txt"},
                        {"a": "docx", "b": "pdf", "c": "txt"}, {"a": "青石镇2024年", "c": "青石镇2024年"})
    assert [i["id"] for i in got["a"]] == [RESUBMITTED_ID, SEVERAL_ID]
    assert "2个文件报送（DOCX、PDF）：甲.docx；甲.pdf" in got["a"][0]["message"]
    assert got["c"][0]["message"] == "青石镇2024年另有1份内容不同的报告（甲.docx），请审核人确定采用哪一份"
    assert "b" not in got and {i["status"] for items in got.values() for i in items} == {"info"}
