"""The review workspace in headless Chromium, end to end on the sample corpus.

A reviewer corrects a metric, adds one the pipeline missed by selecting its
text, puts a heading in another part, overrules a finding and signs the report off; `batch --force` analyses
everything again; the decisions are still there, and in the CSV and XLSX
exports. Skips cleanly without Chromium (CI installs Debian's) or playwright.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette")
sync_api = pytest.importorskip("playwright.sync_api")

from pipeline import labels  # noqa: E402
from pipeline.batch import run_batch  # noqa: E402
from pipeline.serve import ServeConfig  # noqa: E402
from pipeline.store import Store  # noqa: E402
from tests.test_corrections import copy_sample_corpus  # noqa: E402
from tests.test_serve import HOSTILE, running  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-dev-shm-usage"]
# A quantity the reviewer may find unmarked: a number with a measure word (not a year or a heading number).
_QUANTITY = re.compile(r"\d+(?:\.\d+)?(?:分|人次|人|次|件|个|场|期|名|户|家)")


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _plan(db: Path) -> dict[str, Any]:
    """What to do, read from the store (so the test follows the pipeline as it improves)."""
    with Store(db) as store:
        docs = [d for d in store.documents() if d["status"] == "ok"]
        missed = None
        for d in docs:
            text, rec = store.text(d["sha256"]) or "", store.record(d["sha256"]) or {}
            covered = {i for m in rec.get("metrics") or [] for i in range(m["start"], m["end"])}
            for mo in _QUANTITY.finditer(text):
                if not covered & set(range(mo.start(), mo.end())) and rec.get("metrics"):
                    missed = (d["sha256"], max(0, mo.start() - 4), mo.end())
                    break
            if missed:
                break
        findings = store.conn.execute(
            "SELECT sha256, item FROM checks WHERE status IN ('missing', 'warning', 'error') ORDER BY sha256, idx"
        ).fetchone()
        hostile = next(d["sha256"] for d in docs if d.get("entity") == "云杉镇")
    assert missed and findings, "the sample corpus should have an unmarked quantity and a finding"
    return {"missed": missed, "finding": (findings["sha256"], findings["item"]), "hostile": hostile}


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    out = copy_sample_corpus(tmp_path / "subs")
    (out / "2024" / "云杉镇2024年报告.txt").write_text(HOSTILE, encoding="utf-8")
    return out


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cli", *args], capture_output=True, text=True, cwd=ROOT, timeout=600)


def test_review_in_the_browser_survives_batch_force_and_reaches_the_exports(folder: Path, tmp_path: Path) -> None:
    browser_path = _chromium()
    if browser_path is None:
        pytest.skip("no Chromium installed (apt-get install -y chromium)")
    db = tmp_path / "store.db"
    with Store(db) as store:
        run_batch(folder, store, workers=1)
    plan = _plan(db)
    sha, start, end = plan["missed"]
    with running(ServeConfig(db=db, default_reviewer="测试审核人")) as base, sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=browser_path, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            dialogs: list[str] = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(base + "/")
            assert "报送情况总览" in page.content()
            page.click(f'a[href="/report/{sha}"]')

            # 1. correct the first metric
            row = page.locator("table.metrics tr.o-extracted").first
            key = row.get_attribute("data-testid").removeprefix("metric-")  # type: ignore[union-attr]
            row.locator("summary").click()
            row.locator('input[name="value"]').fill("99")
            row.locator('input[name="comment"]').fill("原文为99")
            row.locator('button[value="edit"]').click()
            page.wait_for_selector('[data-testid="saved"]')
            fixed = page.locator(f'[data-testid="metric-{key}"]')
            assert "o-corrected" in (fixed.get_attribute("class") or "") and "99" in fixed.inner_text()

            # 2. add the missed one by selecting its text
            page.evaluate(
                """([start, end]) => {
                  const runs = [...document.querySelectorAll('#doc-text [data-o]')];
                  const at = pos => { const r = runs.filter(e => +e.dataset.o <= pos).pop();
                                      return [r.firstChild, pos - +r.dataset.o]; };
                  const range = document.createRange();
                  range.setStart(...at(start)); range.setEnd(...at(end));
                  const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
                  document.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
                }""",
                [start, end],
            )
            quote = page.locator('[data-testid="add-quote"]').inner_text()
            assert re.search(r"\d", quote) and page.locator("#add-value").input_value()
            page.select_option('#add-form select[name="indicator"]', "other")
            page.click('#add-form button[type="submit"]')
            page.wait_for_selector('[data-testid="saved"]')
            added = page.locator("table.metrics tr.o-corrected", has_text=quote)
            assert added.count() == 1

            # 3. sign it off
            page.select_option('[data-testid="review-form"] select[name="status"]', "reviewed")
            page.click('[data-testid="review-form"] button')
            page.wait_for_selector('[data-testid="saved"]')
            assert page.locator('[data-testid="status"]').inner_text() == "已审"

            # 3b. put a heading in another part of the report (章节结构)
            heading = page.locator('table.headings tr.o-extracted').last
            h_key = heading.get_attribute("data-testid").removeprefix("heading-")  # type: ignore[union-attr]
            was = heading.locator('select[name="category"]').input_value()
            to = "plans" if was != "plans" else "shortcomings"
            heading.locator('select[name="category"]').select_option(to)
            heading.locator('button[value="category"]').click()
            page.wait_for_selector('[data-testid="saved"]')
            moved = page.locator(f'[data-testid="heading-{h_key}"]')
            assert "o-corrected" in (moved.get_attribute("class") or "") and "人工更正" in moved.inner_text()
            assert moved.locator('select[name="category"]').input_value() == to

            # 4. overrule a finding (maybe in another report)
            f_sha, item = plan["finding"]
            page.goto(f"{base}/report/{f_sha}")
            finding = page.locator(f'[data-testid="finding-{item}"]')
            finding.locator('input[name="comment"]').fill("该部分在第三段已写明")
            finding.locator('button[value="overrule"]').click()
            page.wait_for_selector('[data-testid="saved"]')
            assert "已否决" in page.locator(f'[data-testid="finding-{item}"]').inner_text()

            # 5. a script in a report's text is text
            page.goto(f"{base}/report/{plan['hostile']}")
            assert "<script>document.title" in page.locator("#doc-text").inner_text()
            assert page.title() != "pwned" and not dialogs

            # 6. a new file dropped on the overview is analysed into the store
            page.goto(base + "/")
            page.set_input_files('[data-testid="upload-files"]', files=[{
                "name": "红枫乡2024年报告.txt", "mimeType": "text/plain",
                "buffer": HOSTILE.replace("云杉镇", "红枫乡").encode("utf-8")}])
            page.click('#upload button[type="submit"]')
            page.wait_for_selector("text=已分析入库")
            page.goto(base + "/")
            assert page.locator("#overview tr", has_text="红枫乡").count() == 1

            # 7. analyse everything again: the decisions stay
            out = _cli("batch", str(folder), "--db", str(db), "--force", "-j", "1")
            assert out.returncode == 0, out.stderr
            n_files = sum(1 for p in folder.rglob("*") if p.is_file())
            assert f"[{n_files}/{n_files}] 100.0%  失败 0  未变化 0" in out.stderr  # everything again
            page.goto(f"{base}/report/{sha}")
            assert "99" in page.locator(f'[data-testid="metric-{key}"]').inner_text()
            assert page.locator("table.metrics tr.o-corrected", has_text=quote).count() == 1
            assert page.locator('[data-testid="status"]').inner_text() == "已审"
            moved = page.locator(f'[data-testid="heading-{h_key}"]')
            assert moved.locator('select[name="category"]').input_value() == to
            page.goto(f"{base}/report/{f_sha}")
            assert "已否决" in page.locator(f'[data-testid="finding-{item}"]').inner_text()
        finally:
            browser.close()

    # 8. ... and in the exports
    for fmt in ("csv", "xlsx"):
        out = _cli("export", "--format", fmt, "--db", str(db), "--output", str(tmp_path / fmt))
        assert out.returncode == 0, out.stderr
    # what a reviewer opens: Chinese headers and values (labels.toml)
    sha_col, src, val, quo = (labels.column(c) for c in ("sha256", "value_source", "value", "quote"))
    with (tmp_path / "csv" / "metrics.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r[sha_col] == sha]
    corrected = [r for r in rows if r[src] == labels.value("corrected") == "人工更正"]
    assert any(r[val] == "99" for r in corrected) and any(r[quo] == quote for r in corrected)
    assert len(corrected) == 2
    from openpyxl import load_workbook

    ws = load_workbook(tmp_path / "xlsx" / "govreport.xlsx", read_only=True)[labels.sheet("metrics")]
    table = list(ws.iter_rows(values_only=True))
    head = list(table[0])
    xrows = [dict(zip(head, r)) for r in table[1:] if r[head.index(sha_col)] == sha]
    xcorrected = [r for r in xrows if r[src] == "人工更正"]
    assert len(xcorrected) == 2 and 99 in [r[val] for r in xcorrected]
    assert quote in [r[quo] for r in xcorrected]
