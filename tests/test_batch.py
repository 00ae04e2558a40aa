"""Batch: the county workflow end to end (batch → export → compare → review), caching, broken files, a real kill.

The fixture reports are written here, in our own words, for fictional
townships of a fictional 明川县 (design rule: no sentence of a real report).
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from pipeline.batch import Progress, ProgressPrinter, run_batch
from pipeline.run import PIPELINE_VERSION
from pipeline.store import Store

ROOT = Path(__file__).resolve().parents[1]

# (township, year, figures, drop the responsibility part?)
_SAMPLES: tuple[tuple[str, str, int, dict[str, int], bool], ...] = (
    ("青石镇", "镇", 2023, {"a": 4, "b": 10, "c": 6, "d": 320, "e": 18, "f": 25, "g": 96, "h": 90, "i": 22, "j": 3000, "k": 3}, False),
    ("青石镇", "镇", 2024, {"a": 5, "b": 12, "c": 8, "d": 410, "e": 21, "f": 31, "g": 104, "h": 101, "i": 28, "j": 4200, "k": 4}, False),
    ("柳溪乡", "乡", 2023, {"a": 3, "b": 8, "c": 4, "d": 150, "e": 9, "f": 12, "g": 48, "h": 45, "i": 15, "j": 1800, "k": 2}, False),
    ("柳溪乡", "乡", 2024, {"a": 2, "b": 9, "c": 5, "d": 180, "e": 11, "f": 10, "g": 52, "h": 50, "i": 17, "j": 2100, "k": 2}, True),
    ("云岭街道", "街道", 2024, {"a": 6, "b": 12, "c": 10, "d": 560, "e": 30, "f": 44, "g": 130, "h": 126, "i": 35, "j": 6500, "k": 5}, False),
)


def sample_report(town: str, kind: str, year: int, n: dict[str, int], drop_duty: bool = False) -> str:
    """A short annual report of a fictional township, written for the tests."""
    office = "办事处" if kind == "街道" else "人民政府"
    duty = (
        ""
        if drop_duty
        else f"三、党政主要负责人履行推进法治建设第一责任人职责情况\n"
        f"党委书记和{kind}长（主任）带头讲法治课，主持召开法治建设专题会议{n['k']}次，对重点工作逐项过问。\n\n"
    )
    return (
        f"{town}{office}关于{year}年法治政府建设情况的报告\n\n"
        f"中共明川县委、明川县人民政府：\n"
        f"{year}年，{town}围绕全县法治建设部署，扎实推进依法行政，现将有关情况报告如下。\n\n"
        f"一、主要举措和成效\n"
        f"（一）抓实领导干部学法。全年召开党委会专题研究法治建设{n['a']}次，组织会前学法{n['b']}次，"
        f"举办法治讲座{n['c']}场，参训干部职工{n['d']}人次。\n"
        f"（二）规范执法行为。综合执法队伍中持有行政执法证人员{n['e']}名，依法办理行政处罚案件{n['f']}件。\n"
        f"（三）做实矛盾化解。全年排查矛盾纠纷{n['g']}件，成功化解{n['h']}件，调解成功率{round(100 * n['h'] / n['g'], 1)}%。\n"
        f"（四）推动全民普法。开展普法宣传活动{n['i']}场，发放宣传资料{n['j']}份。\n\n"
        f"二、存在的不足和原因\n"
        f"一是少数村干部学法的主动性还不强；二是执法人员数量与任务不相适应，专业力量偏弱。\n\n"
        f"{duty}"
        f"{'四' if not drop_duty else '三'}、{year + 1}年主要安排\n"
        f"计划举办法治培训{n['c'] + 2}次，修订完善村规民约，继续开展“法律明白人”培养。\n\n"
        f"{'五' if not drop_duty else '四'}、其他需要报告的情况\n无。\n\n"
        f"{town}{office}\n{year + 1}年2月{10 + n['a']}日\n"
    )


def write_sample_corpus(folder: Path, *, broken: bool = True) -> dict[str, Path]:
    """Five reports (3 townships, 2 years, one GB18030), a duplicate under another name, and broken files."""
    folder.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for town, kind, year, n, drop in _SAMPLES:
        text = sample_report(town, kind, year, n, drop)
        p = folder / f"{year}" / f"{town}{year}年法治政府建设情况报告.txt"
        p.parent.mkdir(exist_ok=True)
        encoding = "gb18030" if (town, year) == ("柳溪乡", 2023) else "utf-8"
        p.write_bytes(text.encode(encoding))
        paths[f"{town}{year}"] = p
    dup = folder / "2024" / "重复提交-青石镇.txt"
    dup.write_bytes(paths["青石镇2024"].read_bytes())
    paths["duplicate"] = dup
    if broken:
        (folder / "broken").mkdir(exist_ok=True)
        paths["empty"] = folder / "broken" / "空文件.txt"
        paths["empty"].write_bytes(b"")
        paths["junk"] = folder / "broken" / "乱码.txt"
        paths["junk"].write_bytes(bytes(range(256)) * 8)
        paths["doc"] = folder / "broken" / "旧格式报告.doc"
        paths["doc"].write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    return paths


def govreport(*args: str, cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run the real command line in a child process."""
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], cwd=cwd or ROOT, capture_output=True,
                          text=True, encoding="utf-8", timeout=timeout)


def table(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return [tuple(r) for r in conn.execute(sql).fetchall()]


def snapshot(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """The store's content without run-dependent columns (times, batch ids)."""
    return {
        "documents": table(db, "SELECT sha256, status, error_code, entity, county, level, year, completeness_score, "
                               "missing, n_headings, n_paragraphs, n_metrics, pipeline_version, record "
                               "FROM documents ORDER BY sha256"),
        "sources": table(db, "SELECT name, sha256, size, error_code FROM sources ORDER BY name"),
        "metrics": table(db, 'SELECT sha256, idx, indicator, value, unit, qualifier, quote, start, "end" '
                             "FROM metrics ORDER BY sha256, idx"),
        "headings": table(db, "SELECT * FROM headings ORDER BY sha256, idx"),
        "checks": table(db, "SELECT * FROM checks ORDER BY sha256, idx"),
    }


# -- library -------------------------------------------------------------------


@pytest.mark.parametrize("workers", [1, 2])
def test_run_batch_records_everything_and_caches(tmp_path: Path, workers: int) -> None:
    paths = write_sample_corpus(tmp_path / "in")
    events: list[Progress] = []
    with Store(tmp_path / "g.db") as store:
        first = run_batch(tmp_path / "in", store, workers=workers, on_progress=events.append)
        assert (first.files, first.analysed, first.duplicates, first.cached) == (9, 8, 1, 0)
        assert not first.interrupted
        codes = {f["name"]: f["code"] for f in first.failures}
        assert codes == {"broken/空文件.txt": "empty", "broken/乱码.txt": "bad_encoding",
                         "broken/旧格式报告.doc": "unsupported_format"}
        assert events[-1].done == events[-1].total == 8 and events[-1].failed == 3
        # the duplicate is one document with two paths
        dup_sha = table(store.path, f"SELECT sha256 FROM sources WHERE name = '{paths['duplicate'].relative_to(tmp_path / 'in').as_posix()}'")
        assert table(store.path, f"SELECT count(*) FROM sources WHERE sha256 = '{dup_sha[0][0]}'") == [(2,)]
        assert table(store.path, "SELECT count(*) FROM documents") == [(8,)]
        assert table(store.path, "SELECT DISTINCT pipeline_version FROM documents") == [(PIPELINE_VERSION,)]

        second = run_batch(tmp_path / "in", store, workers=workers)
        assert (second.analysed, second.cached) == (0, 9)
        assert len(second.failures) == 3  # failing files stay listed, without being retried


def test_rerun_picks_up_new_changed_renamed_and_deleted_files(tmp_path: Path) -> None:
    paths = write_sample_corpus(tmp_path / "in", broken=False)
    with Store(tmp_path / "g.db") as store:
        run_batch(tmp_path / "in", store, workers=1)
        before = snapshot(store.path)
        # changed content, a renamed file, a new file and a deleted file
        changed = paths["柳溪乡2024"]
        changed.write_text(changed.read_text("utf-8").replace("无。", "本年度无其他需要报告的事项。"), "utf-8")
        paths["云岭街道2024"].rename(paths["云岭街道2024"].with_name("云岭街道-更名.txt"))
        (tmp_path / "in" / "新增.txt").write_text(sample_report("青石镇", "镇", 2022, _SAMPLES[0][3]), "utf-8")
        paths["青石镇2023"].unlink()
        r = run_batch(tmp_path / "in", store, workers=1)
        assert r.analysed == 2  # the changed file and the new one; the renamed one is recognised by its hash
        names = [n for (n, *_rest) in snapshot(store.path)["sources"]]
        assert "2024/云岭街道-更名.txt" in names and "2024/云岭街道2024年法治政府建设情况报告.txt" not in names
        assert "2023/青石镇2023年法治政府建设情况报告.txt" not in names
        # documents no file points at any more are gone: no stale row in exports
        assert table(store.path, "SELECT count(*) FROM documents WHERE sha256 NOT IN (SELECT sha256 FROM sources)") == [(0,)]
        assert len(snapshot(store.path)["documents"]) == len(before["documents"])  # -1 deleted, -1 changed, +1 changed, +1 new


def test_pipeline_version_change_reanalyses_everything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_sample_corpus(tmp_path / "in", broken=False)
    with Store(tmp_path / "g.db") as store:
        run_batch(tmp_path / "in", store, workers=1)
        import pipeline.batch as batch_mod
        import pipeline.run as run_mod

        monkeypatch.setattr(batch_mod, "PIPELINE_VERSION", "9.9.9")
        monkeypatch.setattr(run_mod, "PIPELINE_VERSION", "9.9.9")
        r = run_batch(tmp_path / "in", store, workers=1)
        assert (r.analysed, r.cached, r.duplicates) == (5, 0, 1)
        assert table(store.path, "SELECT DISTINCT pipeline_version FROM documents") == [("9.9.9",)]


def test_internal_errors_are_not_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_sample_corpus(tmp_path / "in", broken=False)
    import pipeline.batch as batch_mod

    def boom(path: Any, res: Any) -> Any:
        raise RuntimeError("a stage bug")

    with Store(tmp_path / "g.db") as store:
        monkeypatch.setattr(batch_mod, "analyze_path", boom)
        r = run_batch(tmp_path / "in", store, workers=1)
        assert r.failed == 5 and all(f["code"] == "internal" for f in r.failures)
        monkeypatch.undo()
        r = run_batch(tmp_path / "in", store, workers=1)
        assert r.analysed == 5 and not r.failures


@pytest.mark.parametrize(
    ("tty", "expected"),
    [
        (True, "\r[1/4]  25.0%  failed 1  cached 2  0.5 files/s  left 0m06s  a.txt"),
        (False, "[1/4]  25.0%  failed 1  cached 2  0.5 files/s  left 0m06s\n"),
    ],
)
def test_progress_printer_degrades_off_a_terminal(tty: bool, expected: str) -> None:
    out = io.StringIO()
    printer = ProgressPrinter(out, tty=tty)
    printer(Progress(total=4, done=1, failed=1, cached=2, elapsed=2.0, name="a.txt", error="is empty", rate=0.5))
    assert "✗ a.txt: is empty\n" in out.getvalue()
    assert out.getvalue().endswith(expected)


# -- the command line, end to end ---------------------------------------------------


def sample_folder(tmp_path: Path) -> Path:
    """The project's sample corpus when it has reports, plus our fixtures and broken files."""
    folder = tmp_path / "reports"
    write_sample_corpus(folder / "fixtures")
    shipped = ROOT / "corpus"
    if shipped.is_dir():
        for p in sorted(shipped.rglob("*")):
            if p.is_file() and not p.name.startswith("."):
                dest = folder / "corpus" / p.relative_to(shipped)
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(p.read_bytes())
    return folder


@pytest.mark.slow
def test_cli_batch_export_compare_review(tmp_path: Path) -> None:
    folder = sample_folder(tmp_path)
    db = tmp_path / "govreport.db"  # the default: beside the folder

    r = govreport("batch", str(folder), "--workers", "2")
    assert r.returncode == 1, r.stderr  # broken files make the exit code 1, the batch went on
    assert db.is_file()
    assert "旧格式报告.doc" in r.stderr and "failed" in r.stderr
    n_files = table(db, "SELECT count(*) FROM sources")[0][0]
    assert n_files >= 9
    assert table(db, "SELECT count(*) FROM sources WHERE sha256 IS NULL") == [(0,)]
    assert table(db, "SELECT status, count(*) FROM documents GROUP BY status") [-1][0] == "ok"
    assert table(db, "PRAGMA integrity_check") == [("ok",)]
    assert table(db, "SELECT status FROM batches") == [("done",)]

    again = govreport("batch", str(folder), "--db", str(db))
    assert again.returncode == 1
    assert table(db, "SELECT n_analysed, n_cached FROM batches WHERE id = 2") == [(0, n_files)]

    out = tmp_path / "out"
    for fmt in ("csv", "xlsx", "jsonl"):
        e = govreport("export", "--db", str(db), "--format", fmt, "--output", str(out))
        assert e.returncode == 0, e.stderr
    for name in ("metrics.csv", "reports.csv", "compare.csv", "govreport.xlsx", "metrics.jsonl", "reports.jsonl", "compare.jsonl"):
        assert (out / name).is_file(), name
    with (out / "reports.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == table(db, "SELECT count(*) FROM documents")[0][0]
    assert {"旧格式报告.doc", "空文件.txt"} <= {Path(s).name for row in rows for s in row["source_files"].split("; ")}
    with (out / "metrics.csv").open(encoding="utf-8-sig", newline="") as fh:
        metrics = list(csv.DictReader(fh))
    assert {"青石镇", "柳溪乡", "云岭街道"} <= {m["township"] for m in metrics}
    assert len(metrics) == table(db, "SELECT count(*) FROM metrics")[0][0]
    reports = [json.loads(line) for line in (out / "reports.jsonl").read_text("utf-8").splitlines()]
    assert all(rec["pipeline_version"] == PIPELINE_VERSION for rec in reports)

    c = govreport("compare", "--db", str(db))
    assert c.returncode == 0, c.stderr
    assert "law_study_sessions" in c.stdout and "青石镇" in c.stdout and "#1/" in c.stdout
    assert "· no report" in c.stdout  # 云岭街道 has no 2023 report
    c = govreport("compare", "--db", str(db), "--indicator", "publicity_events", "--years", "2024")
    assert c.returncode == 0 and "publicity_events" in c.stdout and "law_study_sessions" not in c.stdout
    c = govreport("compare", "--db", str(db), "--years", "2024-2023")
    assert c.returncode == 2  # a reversed range is a usage error
    c = govreport("compare", "--db", str(db), "--indicator", "no_such_indicator")
    assert c.returncode == 2 and "law_study_sessions" in c.stderr

    html = tmp_path / "review.html"
    v = govreport("review", "--db", str(db), "--output", str(html))
    assert v.returncode == 0, v.stderr
    page = html.read_text("utf-8")
    assert "旧格式报告.doc" in page and 'id="matrix"' in page
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "") and "https://" not in page


def test_cli_usage_errors(tmp_path: Path) -> None:
    assert govreport("batch", str(tmp_path / "nowhere")).returncode == 2
    assert govreport("export", "--db", str(tmp_path / "none.db"), "--format", "csv").returncode == 2
    assert govreport("review", "--db", str(tmp_path / "none.db")).returncode == 2


# -- a real kill, a real Ctrl-C ------------------------------------------------------------


def many_reports(folder: Path, n: int = 240) -> None:
    towns = ("青石镇", "柳溪乡", "云岭街道", "白沙镇", "松山乡", "东湖街道")
    for i in range(n):
        town = towns[i % len(towns)]
        figures = {k: v + i for k, v in _SAMPLES[0][3].items()}
        (folder / town).mkdir(parents=True, exist_ok=True)
        (folder / town / f"{town}{2000 + i}.txt").write_text(sample_report(town, "镇", 2000 + i, figures, i % 5 == 0), "utf-8")


def start_batch_and_wait(folder: Path, db: Path, min_saved: int) -> tuple[subprocess.Popen[bytes], int]:
    """Start `govreport batch` in its own process group; return once it has saved ``min_saved`` documents."""
    proc = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "batch", str(folder), "--db", str(db),
                             "--workers", "2"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    saved = 0
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None and saved < min_saved:
        time.sleep(0.005)
        if db.exists():
            try:
                saved = table(db, "SELECT count(*) FROM documents")[0][0]
            except sqlite3.OperationalError:  # schema not created yet, or busy
                pass
    return proc, saved


@pytest.mark.slow
def test_killed_batch_is_completed_by_the_next_run(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    many_reports(folder)
    killed_db, clean_db = tmp_path / "killed.db", tmp_path / "clean.db"

    proc, saved = start_batch_and_wait(folder, killed_db, 5)
    os.killpg(proc.pid, signal.SIGKILL)  # the whole batch, workers included, at once
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert 5 <= saved < 240, "the batch finished before it could be killed"
    assert table(killed_db, "PRAGMA integrity_check") == [("ok",)]
    assert table(killed_db, "SELECT status FROM batches") == [("running",)]  # it never got to say goodbye

    resumed = govreport("batch", str(folder), "--db", str(killed_db), "--workers", "2")
    assert resumed.returncode == 0, resumed.stderr
    # the uninterrupted reference runs in-process (workers=1): pool and inline give the same store
    clean = govreport("batch", str(folder), "--db", str(clean_db), "--workers", "1")
    assert clean.returncode == 0, clean.stderr
    done = table(killed_db, "SELECT n_analysed, n_cached FROM batches WHERE id = 2")[0]
    assert done[0] + done[1] == 240 and done[1] >= saved  # nothing saved before the kill was redone
    a, b = snapshot(killed_db), snapshot(clean_db)
    assert len(a["documents"]) == 240 and len(a["sources"]) == 240
    assert a == b


@pytest.mark.slow
def test_ctrl_c_stops_cleanly_and_keeps_what_is_done(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    many_reports(folder)
    db = tmp_path / "g.db"
    proc, saved = start_batch_and_wait(folder, db, 5)
    assert 5 <= saved < 240, "the batch finished before it could be interrupted"
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal sends to the whole job on Ctrl-C
    _, err = proc.communicate(timeout=60)
    stderr = err.decode("utf-8")
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert table(db, "SELECT status FROM batches") == [("interrupted",)]
    kept = table(db, "SELECT count(*) FROM documents")[0][0]
    assert kept >= saved
    assert table(db, "SELECT count(*) FROM sources") == [(kept,)]  # nothing half-written
    again = govreport("batch", str(folder), "--db", str(db), "--workers", "2")
    assert again.returncode == 0, again.stderr
    assert table(db, "SELECT n_analysed, n_cached FROM batches WHERE id = 2") == [(240 - kept, kept)]
