"""kill -9 of a batch: no worker outlives its parent, and the next run finishes the store."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.hostile import builders as b
from tests.hostile.conftest import ROOT, alive, children, govreport, rows

N_FILES = 80


def folder_of_reports(folder: Path) -> None:
    folder.mkdir()
    towns = ("青石镇", "柳溪乡", "云岭街道", "白沙镇")
    for i in range(N_FILES):
        b.good_report(folder / f"{towns[i % 4]}{1950 + i}.txt", towns[i % 4], 1950 + i)
    for i in range(4):  # a few longer files, so the workers are busy when the parent is killed
        (folder / f"长篇{i}.txt").write_text(f"松山乡{1900 + i}年法治政府建设情况报告\n" + b.PARAGRAPH * 3000 * (i + 1), "utf-8")


@pytest.mark.slow
def test_sigkill_of_the_parent_takes_every_worker_along(tmp_path: Path) -> None:
    folder, db = tmp_path / "submissions", tmp_path / "g.db"
    folder_of_reports(folder)
    proc = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "batch", str(folder), "--db", str(db), "--workers", "2"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        workers: list[int] = []
        saved = 0
        # Mid-analysis: the workers are up and some, not all, documents are saved.
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
            workers = children(proc.pid)
            try:
                saved = rows(db, "SELECT count(*) FROM documents")[0][0] if db.exists() else 0
            except Exception:  # noqa: BLE001 - the schema is being created
                saved = 0
            if len(workers) >= 2 and saved >= 1:
                break
        assert proc.poll() is None and len(workers) >= 2 and 1 <= saved < N_FILES + 4, (saved, workers)
        os.kill(proc.pid, signal.SIGKILL)  # the parent only: the workers must notice on their own
        proc.wait()
        t_kill = time.monotonic()
        while any(alive(w) for w in workers) and time.monotonic() - t_kill < 5:
            time.sleep(0.05)
        survivors = [w for w in workers if alive(w)]
        assert not survivors, f"workers {survivors} outlived their parent by more than 5 s"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        for w in children(proc.pid):
            os.kill(w, signal.SIGKILL)

    assert rows(db, "SELECT status FROM batches") == [("running",)]  # it never got to say goodbye
    again = govreport("batch", str(folder), "--db", str(db), "--workers", "2")
    assert again.returncode == 0, again.stderr
    # The next run marked the dead batch and completed the store.
    assert rows(db, "SELECT status FROM batches ORDER BY id") == [("interrupted",), ("done",)]
    assert rows(db, "SELECT count(*) FROM sources WHERE sha256 IS NOT NULL") == [(N_FILES + 4,)]
    assert rows(db, "SELECT count(*) FROM documents WHERE status = 'ok'") == [(N_FILES + 4,)]


def test_a_running_batch_of_a_live_process_is_left_alone(tmp_path: Path) -> None:
    from pipeline.batch import _owner_key, _process_token, recover_batches
    from pipeline.store import Store

    with Store(tmp_path / "g.db") as store:
        live = store.begin_batch("/a", "v")
        store.set_meta(_owner_key(live), _process_token(os.getpid()))  # this very process: alive
        dead = store.begin_batch("/b", "v")
        store.set_meta(_owner_key(dead), _process_token(os.getpid()).rsplit(" ", 1)[0] + " 1")  # our pid, another start
        orphan = store.begin_batch("/c", "v")  # no owner: left by a govreport from before owners were recorded
        assert sorted(recover_batches(store)) == [dead, orphan]
        assert [b["status"] for b in store.batches()] == ["running", "interrupted", "interrupted"]
