"""The HTML review: self-contained, escaped, and rendered by a real browser without console errors.

The browser test runs headless Chromium (``apt-get install -y chromium``) and
is skipped only when no Chromium is installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.review import chart_svg, render_review
from pipeline.compare import CompareRow
from pipeline.store import Store
from tests.test_store import make_record, put

HOSTILE_TITLE = '<script>alert("x")</script>青石镇'
HOSTILE_QUOTE = '<img src=x onerror=alert(1)>'


def _store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "g.db")
    put(s, make_record("青石镇", 2023, [("law_study_sessions", 10, "次"), ("publicity_events", 20, "场")]))
    put(s, make_record("青石镇", 2024, [("law_study_sessions", 12, "次"), ("publicity_events", 26, "场")],
                       parts={"achievements": True, "shortcomings": True, "responsibility": True}, score=1.0))
    put(s, make_record("柳溪乡", 2024, [("law_study_sessions", 7, "次")], title=HOSTILE_TITLE,
                       quote_prefix=HOSTILE_QUOTE, parts={"achievements": True, "shortcomings": False, "responsibility": False},
                       score=0.6))
    put(s, make_record(status="error", entity="旧格式"), "旧格式报告.doc")
    return s


@pytest.fixture()
def page(tmp_path: Path) -> str:
    with _store(tmp_path) as s:
        return render_review(s)


def test_everything_is_inline(page: str) -> None:
    assert not re.search(r"""<(link|img|iframe)\b|\bsrc\s*=|url\(|@import|https?://""", page.replace(
        "&lt;img src=x", ""))  # the escaped hostile quote is text, not a tag


def test_document_text_is_escaped(page: str) -> None:
    assert HOSTILE_TITLE not in page and "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;青石镇" in page
    assert HOSTILE_QUOTE not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert page.count("<script>") == 1  # ours only


def test_sections_are_all_there(page: str) -> None:
    assert page.count('<svg ') == 2  # law_study_sessions and publicity_events
    matrix = page[page.index('id="matrix"'):page.index("</table>", page.index('id="matrix"'))]
    assert matrix.count("<tr>") == 1 + 3  # header + three ok reports
    assert matrix.count('class="miss"') == 1 + 2 + 0  # 青石镇2023 responsibility; 柳溪乡 shortcomings, responsibility
    assert "responsibility的证据" in matrix  # evidence for hover and click
    assert "旧格式报告.doc" in page[page.index('id="failures"'):]
    assert "会前学法、集体学法、专题学法" in page  # Chinese indicator names


def test_chart_draws_gaps_as_dashes() -> None:
    rows = [
        CompareRow("x", "x", "↑", "明川县", "township", "青石镇", 2023, "reported", value=4, unit="次"),
        CompareRow("x", "x", "↑", "明川县", "township", "青石镇", 2024, "reported", value=8, unit="次"),
        CompareRow("x", "x", "↑", "明川县", "township", "柳溪乡", 2024, "not_stated"),
    ]
    svg = chart_svg(rows)
    assert svg.count('class="bar"') == 2
    heights = [float(h) for h in re.findall(r'class="bar"[^>]*height="([\d.]+)"', svg)]
    assert heights[1] == pytest.approx(2 * heights[0])
    assert "柳溪乡 2023: 无数据" in svg and "柳溪乡 2024: — 未提及" in svg


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"):
        if path := shutil.which(name):
            return path
    return None


def test_review_renders_in_headless_chromium(tmp_path: Path) -> None:
    browser = _chromium()
    if browser is None:
        pytest.skip("no Chromium installed (apt-get install -y chromium)")
    from lxml import html as lhtml

    Image = pytest.importorskip("PIL.Image")  # Pillow comes with reportlab (the test extra)

    with _store(tmp_path) as s:
        (tmp_path / "review.html").write_text(render_review(s), "utf-8")
    url = (tmp_path / "review.html").as_uri()
    common = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
              f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0",
              "--window-size=1280,2000"]
    dom = subprocess.run([*common, "--dump-dom", url], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    console = [line for line in dom.stderr.splitlines() if ":CONSOLE" in line]
    assert console == []  # no error, no warning, no log from the page

    tree = lhtml.fromstring(dom.stdout)
    assert tree.xpath("//body/@data-ready") == ["1"]  # the script ran to its end
    assert len(tree.xpath('//table[@id="matrix"]/tbody/tr')) == 3
    assert len(tree.xpath('//table[@id="matrix"]//td[@class="miss"]')) == 3
    assert len(tree.xpath("//svg")) == 2 and len(tree.xpath('//svg//rect[@class="bar"]')) == 5
    assert "旧格式报告.doc" in "".join(tree.xpath('//section[@id="failures"]//text()'))
    assert not tree.xpath("//script[contains(., 'alert')]")  # the hostile title stayed text

    shot = tmp_path / "review.png"
    run = subprocess.run([*common, f"--screenshot={shot}", url], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and shot.is_file(), run.stderr[-2000:]
    img = Image.open(shot).convert("RGB")
    assert img.size == (1280, 2000)
    colours = {c for _, c in img.getcolors(maxcolors=1 << 20) or []}
    assert (0xE3, 0xF4, 0xE1) in colours  # matrix: a present part
    assert (0xFD, 0xE2, 0xE1) in colours  # matrix: a missing part
    assert (0x4E, 0x79, 0xA7) in colours and (0xF2, 0x8E, 0x2B) in colours  # chart bars of both years


def test_optional_part_absent_reads_not_required(tmp_path: Path) -> None:
    rec = make_record("青石镇", 2024, parts={"achievements": True, "responsibility": False, "other": False})
    for item in rec["completeness"]["items"]:
        if item["id"] == "other":  # what the checker says of an absent optional part
            item["status"], item["message"] = "info", "未单列（非必需）"
    with Store(tmp_path / "g.db") as s:
        put(s, rec)
        page = render_review(s)
    matrix = page[page.index('id="matrix"'):page.index("</table>", page.index('id="matrix"'))]
    cells = re.findall(r'<td class="(\w+)" data-report="[^"]*" data-part="([^"]*)" data-state="([^"]*)"[^>]*>([^<]*)</td>',
                       matrix)
    assert [(c, p, st, m) for c, p, st, m in cells] == [
        ("ok", "主要举措和成效", "有", "✓"), ("miss", "第一责任人职责", "缺", "✗"),
        ("opt", "other", "非必需", "—")]


def test_copied_text_section_sets_passages_side_by_side_escaped(tmp_path: Path) -> None:
    a, b = make_record("青石镇", 2024), make_record("柳溪乡", 2024)
    hostile = {"quote": HOSTILE_QUOTE + "全年调处纠纷", "other_quote": "全年调处纠纷<b>", "score": 0.95,
               "start": 10, "other_start": 12}
    with Store(tmp_path / "g.db") as s:
        put(s, a)
        put(s, b)
        r07 = {"id": "R07", "label": "与同年度其他乡镇报告不雷同", "status": "warning", "present": None,
               "message": "与柳溪乡2024年报告（柳溪乡2024.txt）雷同：88%的文字相同", "evidence": HOSTILE_QUOTE}
        comp = {**a["completeness"], "items": a["completeness"]["items"] + [r07]}
        s.save_similarity([{"sha256": a["sha256"], "other_sha256": b["sha256"], "kind": "peer", "rule": "R07",
                            "share": 0.88, "jaccard": 0.8, "passages": [hostile]}],
                          {a["sha256"]: {**a, "completeness": comp}}, "fp")
        page = render_review(s)
    section = page[page.index('id="similarity"'):page.index("</section>", page.index('id="similarity"'))]
    assert "雷同检查" in section and "88%" in section and "青石镇 2024 → 柳溪乡 2024" in section
    assert HOSTILE_QUOTE not in page and "<b>" not in section
    assert ('<td class="quote">&lt;img src=x onerror=alert(1)&gt;全年调处纠纷</td>'
            '<td class="quote">全年调处纠纷&lt;b&gt;</td><td>95%</td>') in section
    reports = page[page.index('id="reports"'):]
    assert 'data-rule="R07"' in reports and "雷同：88%的文字相同" in reports


def test_no_findings_says_so(page: str) -> None:
    section = page[page.index('id="similarity"'):page.index("</section>", page.index('id="similarity"'))]
    assert "未发现报告之间的雷同文字" in section


def test_scanned_reports_show_ocr_confidence_and_weak_metrics() -> None:
    import json

    from pipeline.review import _reports

    doc = {"sha256": "a" * 64, "status": "ok", "entity": "青石镇", "year": 2024, "title": "青石镇2024年报告",
           "completeness_score": 0.9, "missing": [], "sources": ["scan.pdf"], "county": "明川县",
           "record": json.dumps({"ocr_confidence": 0.87})}
    metrics = [
        {"sha256": "a" * 64, "indicator": "law_study_sessions", "value": 12, "unit": "次", "qualifier": "exact",
         "category": "achievements", "quote": "会前学法12次", "sentence": "全年会前学法12次。", "low_confidence": 0},
        {"sha256": "a" * 64, "indicator": "disputes_resolved", "value": 86, "unit": "件", "qualifier": "exact",
         "category": "achievements", "quote": "化解纠纷86件", "sentence": "化解纠纷86件。", "low_confidence": 1},
    ]
    html = _reports([doc], metrics)
    assert "扫描件：识别置信度 87%" in html
    assert html.count("⚠ OCR") == 1 and html.index("⚠ OCR") > html.index("化解纠纷86件")


def _findings_store(tmp_path: Path) -> Store:
    s = _store(tmp_path)
    rec = make_record("云岭街道", 2024, [("law_study_sessions", 9, "次")], salt="findings")
    rec["completeness"]["items"].append({
        "id": "R03", "label": "下一步工作安排具体可行", "status": "warning", "present": None, "severity": "warning",
        "message": "下一步工作安排只有原则性表述，没有具体措施", "evidence": "进一步加强法治建设",
    })
    put(s, rec)
    return s


def test_findings_are_on_the_page_with_evidence_and_severity(tmp_path: Path) -> None:
    with _findings_store(tmp_path) as s:
        page = render_review(s)
    section = page[page.index('id="findings"'):page.index("</section>", page.index('id="findings"'))]
    assert 'data-rule="R03"' in section and "没有具体措施" in section and "「进一步加强法治建设」" in section
    assert "警告" in section and "缺失" in section  # severities in Chinese


def test_findings_are_visible_in_headless_chromium(tmp_path: Path) -> None:
    """The page as a reviewer sees it (Playwright driving Debian's Chromium; no browser download)."""
    browser_path = _chromium()
    if browser_path is None:
        pytest.skip("no Chromium installed (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with _findings_store(tmp_path) as s:
        (tmp_path / "review.html").write_text(render_review(s), "utf-8")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=browser_path, args=[
            "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            errors: list[str] = []
            page.on("console", lambda msg: errors.append(msg.text) if msg.type in ("error", "warning") else None)
            page.goto((tmp_path / "review.html").as_uri())
            page.wait_for_selector("body[data-ready='1']")
            heading = page.locator("#findings h2")
            assert heading.is_visible() and heading.inner_text() == "审查意见"
            row = page.locator("#findings tr[data-rule='R03']")
            row.scroll_into_view_if_needed()
            assert row.is_visible()
            text = row.inner_text()
            assert "没有具体措施" in text and "进一步加强法治建设" in text and "警告" in text
            # a warning is shaded so it stands out from the rest of the table
            shade = row.locator("td").first.evaluate("td => getComputedStyle(td).backgroundColor")
            assert shade == "rgb(255, 244, 224)"
            assert page.locator("#findings tr.finding").count() >= 4  # R03 and the missing parts
            assert errors == []
        finally:
            browser.close()
