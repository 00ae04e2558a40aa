"""Folder walks never leave the folder; errors of the moment are never cached as the content's result."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from pipeline import batch as batch_mod
from pipeline.batch import run_batch
from pipeline.store import Store
from tests.hostile import builders as b

SECRET = "root:x:0:0:不应出现在任何输出里的一行"


def folder_with_links(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET + "\n", "utf-8")
    b.good_report(outside / "白沙镇2024.txt", "白沙镇")
    folder = tmp_path / "submissions"
    (folder / "sub").mkdir(parents=True)
    b.good_report(folder / "sub" / "青石镇2024.txt")
    os.symlink(outside / "secret.txt", folder / "passwd.txt")  # a file outside the folder
    os.symlink(outside, folder / "elsewhere")  # a folder outside it
    os.symlink(tmp_path / "nothing.txt", folder / "dangling.txt")
    os.symlink(folder / "loop-b.txt", folder / "loop-a.txt")
    os.symlink(folder / "loop-a.txt", folder / "loop-b.txt")
    os.symlink(folder / "sub" / "青石镇2024.txt", folder / "same.txt")  # inside: followed
    os.symlink(folder / "sub", folder / "sub-again")  # a folder inside: read where it is, not twice
    return folder


EXPECTED = {"passwd.txt": "outside_root", "elsewhere": "outside_root", "dangling.txt": "broken_link",
            "loop-a.txt": "broken_link", "loop-b.txt": "broken_link", "same.txt": None, "sub/青石镇2024.txt": None}


def test_batch_refuses_links_that_leave_the_folder_and_names_broken_ones(tmp_path: Path) -> None:
    folder = folder_with_links(tmp_path)
    with Store(tmp_path / "g.db") as store:
        result = run_batch(folder, store, workers=1)
        got = {r["name"]: r["code"] for r in store.failures()}
        assert got == {k: v for k, v in EXPECTED.items() if v}
        assert {d["first_name"] for d in store.documents()} == {"same.txt"}  # one content, two names
        assert result.files == len(EXPECTED)
        texts = [store.text(d["sha256"]) or "" for d in store.documents()]
    assert not any(SECRET[:6] in t for t in texts)
    messages = " ".join(f["message"] for f in result.failures)
    assert "outside the folder" in messages and "dangling" in messages and "loop" in messages


def test_analyze_names_the_refused_links_in_its_output(tmp_path: Path) -> None:
    folder = folder_with_links(tmp_path)
    out = CliRunner().invoke(app, ["analyze", str(folder), "--no-model", "--no-text"])
    assert out.exit_code == 1, out.output
    records = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    codes = {Path(r["source"]).relative_to(folder).as_posix(): (r["error"] or {}).get("code") for r in records}
    assert codes == {k: v for k, v in EXPECTED.items()}
    assert SECRET[:6] not in out.stdout


def test_a_file_that_vanished_mid_batch_is_analysed_once_restored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "submissions"
    folder.mkdir()
    target = b.good_report(folder / "青石镇2024.txt")
    b.good_report(folder / "柳溪乡2024.txt", "柳溪乡")
    saved = target.read_bytes()
    real = batch_mod._analyse

    def vanish_then_analyse(path: str, options: tuple) -> dict:  # type: ignore[type-arg]
        if Path(path) == target and target.exists():
            target.unlink()  # after planning (hashed), before reading
        return real(path, options)

    monkeypatch.setattr(batch_mod, "_analyse", vanish_then_analyse)
    with Store(tmp_path / "g.db") as store:
        run_batch(folder, store, workers=1)
        assert [(f["name"], f["code"]) for f in store.failures()] == [("青石镇2024.txt", "file_not_found")]
        # the moment's error is on the path only, never the content's result
        assert store.conn.execute("SELECT count(*) FROM documents WHERE error_code IS NOT NULL").fetchone()[0] == 0
        monkeypatch.setattr(batch_mod, "_analyse", real)
        target.write_bytes(saved)  # restored ...
        (folder / "副本.txt").write_bytes(saved)  # ... and copied under another name
        again = run_batch(folder, store, workers=1)
        assert again.failures == [] and again.analysed == 1 and again.duplicates == 1
        assert store.counts()["ok"] == 2


def test_a_store_that_cached_a_missing_file_heals(tmp_path: Path) -> None:
    # A store written by a govreport that cached file_not_found under the content hash.
    folder = tmp_path / "submissions"
    folder.mkdir()
    target = b.good_report(folder / "青石镇2024.txt")
    with Store(tmp_path / "g.db") as store:
        run_batch(folder, store, workers=1)
        store.conn.execute("UPDATE documents SET status = 'error', error_code = 'file_not_found'")
        store.conn.execute("UPDATE sources SET size = NULL")  # make the next run look at the file again
        again = run_batch(folder, store, workers=1)
        assert again.analysed == 1 and again.failures == [] and target.exists()


# A worker killed mid-batch: process timing; on a loaded machine it failed twice in full-suite runs (never
# alone). A rerun keeps the check honest (a real regression fails all three) without a flaky CI.
@pytest.mark.flaky(reruns=2)
def test_a_file_that_kills_its_worker_costs_only_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import signal

    folder = tmp_path / "submissions"
    folder.mkdir()
    towns = ("青石镇", "柳溪乡", "云岭街道", "白沙镇", "松山乡", "东湖街道", "南岗镇", "北坡乡")
    for t in towns:
        b.good_report(folder / f"{t}2024.txt", t)
    b.good_report(folder / "崩溃.txt", "西河镇")
    real = batch_mod._analyse

    def killer(path: str, options: tuple) -> dict:  # type: ignore[type-arg]
        if Path(path).name == "崩溃.txt":
            os.kill(os.getpid(), signal.SIGKILL)  # what the kernel does to a worker out of memory
        return real(path, options)

    monkeypatch.setattr(batch_mod, "_analyse", killer)  # forked workers inherit the patch
    monkeypatch.setenv("GOVREPORT_START", "fork")
    with Store(tmp_path / "g.db") as store:
        result = run_batch(folder, store, workers=2)
        assert [(f["name"], f["code"]) for f in store.failures()] == [("崩溃.txt", "internal")]
        assert store.counts()["ok"] == len(towns)  # every other file has its real result
        assert result.analysed == len(towns) + 1
        assert [b_["status"] for b_ in store.batches()] == ["done"]


def test_a_worker_stuck_beyond_its_own_timer_is_killed_and_the_file_recorded(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import signal
    import time

    from pipeline.limits import Limits

    folder = tmp_path / "submissions"
    folder.mkdir()
    towns = ("青石镇", "柳溪乡", "云岭街道", "白沙镇")
    for t in towns:
        b.good_report(folder / f"{t}2024.txt", t)
    b.good_report(folder / "卡住.txt", "西河镇")
    real = batch_mod._analyse

    stuck_pids = tmp_path / "stuck-pids"

    def stuck(path: str, options: tuple) -> dict:  # type: ignore[type-arg]
        if Path(path).name == "卡住.txt":
            with stuck_pids.open("a") as fh:
                fh.write(f"{os.getpid()}\n")
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})  # as C code that never returns to Python
            time.sleep(600)
        return real(path, options)

    monkeypatch.setattr(batch_mod, "_analyse", stuck)
    monkeypatch.setattr(batch_mod, "_HANG_GRACE", 3.0)
    monkeypatch.setenv("GOVREPORT_START", "fork")
    t0 = time.perf_counter()
    with Store(tmp_path / "g.db") as store:
        run_batch(folder, store, workers=2, resources_options={"limits": Limits(file_seconds=1)})
        assert [(f["name"], f["code"]) for f in store.failures()] == [("卡住.txt", "timeout")]
        assert store.counts()["ok"] == len(towns)
        assert [b_["status"] for b_ in store.batches()] == ["done"]
    assert time.perf_counter() - t0 < 120
    from tests.hostile.conftest import alive

    pids = [int(p) for p in stuck_pids.read_text().split()]
    assert len(pids) == 2 and not any(alive(p) for p in pids)  # tried twice (with others, then alone), killed both times
