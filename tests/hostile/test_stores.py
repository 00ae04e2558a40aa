"""Stores: a foreign or empty file is never turned into ours; read-only stores are readable;
an unwritable output folder is a usage error naming it."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from pipeline.store import APPLICATION_ID, Store, StoreError
from tests.hostile import builders as b
from tests.hostile.conftest import govreport, is_root


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def foreign_db(path: Path, application_id: int = 0) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO customers (name) VALUES ('张三')")
    if application_id:
        conn.execute(f"PRAGMA application_id = {application_id}")
    conn.commit()
    conn.close()
    return path


def made_store(tmp_path: Path) -> Path:
    folder = tmp_path / "submissions"
    folder.mkdir()
    b.good_report(folder / "青石镇2024.txt")
    db = tmp_path / "store" / "g.db"
    done = govreport("batch", str(folder), "--db", str(db), "--workers", "1")
    assert done.returncode == 0, done.stderr
    return db


@pytest.mark.parametrize("application_id", [0, 0x12345678], ids=["tables", "application-id"])
@pytest.mark.parametrize("command", [["export", "-o", "{out}"], ["compare"], ["review", "-o", "{out}/r.html"],
                                     ["batch", "{folder}", "--workers", "1"]])
def test_a_foreign_sqlite_file_is_refused_and_left_untouched(tmp_path: Path, command: list[str], application_id: int) -> None:
    db = foreign_db(tmp_path / "their.db", application_id)
    before = digest(db)
    folder = tmp_path / "submissions"
    folder.mkdir()
    b.good_report(folder / "青石镇2024.txt")
    args = [a.format(out=tmp_path / "out", folder=folder) for a in command]
    done = govreport(*args, "--db", str(db))
    assert done.returncode == 2, done.stderr
    assert "not a govreport store" in done.stderr and "Traceback" not in done.stderr
    assert digest(db) == before
    assert not Path(str(db) + "-wal").exists()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()


def test_a_store_gets_the_govreport_application_id(tmp_path: Path) -> None:
    with Store(tmp_path / "g.db") as s:
        assert s.conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def test_a_zero_byte_file_is_no_store_to_read_but_batch_may_create_one_there(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    for args in (["export", "-o", str(tmp_path / "out")], ["compare"], ["review", "-o", str(tmp_path / "r.html")]):
        done = govreport(*args, "--db", str(empty))
        assert done.returncode == 2 and "empty" in done.stderr, done.stderr
        assert empty.stat().st_size == 0
    with pytest.raises(StoreError, match="empty"):
        Store(empty, readonly=True)
    # `batch --db` names the store it is to create: an empty file there becomes one (documented).
    folder = tmp_path / "submissions"
    folder.mkdir()
    b.good_report(folder / "青石镇2024.txt")
    done = govreport("batch", str(folder), "--db", str(empty), "--workers", "1")
    assert done.returncode == 0, done.stderr
    with Store(empty, readonly=True) as s:
        assert s.counts()["ok"] == 1


def test_a_read_only_store_is_readable_and_unchanged(tmp_path: Path) -> None:
    db = made_store(tmp_path)
    before = digest(db)
    db.chmod(0o444)
    db.parent.chmod(0o555)
    try:
        out = tmp_path / "out"
        for args in (["export", "-o", str(out)], ["export", "-f", "xlsx", "-o", str(out)], ["compare", "--level", "any"],
                     ["review", "-o", str(out / "r.html")]):
            done = govreport(*args, "--db", str(db))
            assert done.returncode == 0, (args, done.stderr)
        assert (out / "r.html").is_file()
        assert digest(db) == before
        wal = db.parent / "g.db-wal"
        assert not wal.exists() or wal.stat().st_size == 0  # nothing written (SQLite may leave its empty side files)
    finally:
        db.parent.chmod(0o755)
        db.chmod(0o644)


def test_an_output_folder_under_a_file_is_a_usage_error(tmp_path: Path) -> None:
    db = made_store(tmp_path)
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    report = b.good_report(tmp_path / "青石镇2024.txt")
    for args in (["export", "-o", str(blocker / "out"), "--db", str(db)], ["review", "-o", str(blocker / "r.html"), "--db", str(db)],
                 ["analyze", str(report), "--no-model", "-o", str(blocker / "out.jsonl")]):
        done = govreport(*args)
        assert done.returncode == 2, done.stderr
        assert str(blocker) in done.stderr and "Traceback" not in done.stderr


def _nobody_can_run_python() -> bool:
    import subprocess
    import sys

    try:
        return subprocess.run([sys.executable, "-c", "pass"], user=65534, group=65534, timeout=60).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def test_an_unwritable_output_folder_is_a_usage_error_naming_it(tmp_path: Path) -> None:
    db = made_store(tmp_path)
    kwargs: dict[str, object] = {}
    if not is_root():
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o555)
    elif _nobody_can_run_python():
        # As root, permissions do not stop writes: run the commands as "nobody".
        # pytest's base folder is private to root: open the path down to the store for reading.
        for p in [*(q for q in tmp_path.parents if q.is_relative_to(tmp_path.parents[2])), tmp_path, db.parent, db]:
            p.chmod(p.stat().st_mode | stat.S_IROTH | stat.S_IXOTH)
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o555)
        kwargs = {"user": 65534, "group": 65534}
    elif not os.access("/proc/sys", os.W_OK):
        locked = Path("/proc/sys")  # read-only even for root (the python here is not runnable by another user)
    else:
        pytest.skip("no folder this user cannot write to")
    for args in (["export", "-o", str(locked / "out")], ["export", "-o", str(locked)],
                 ["review", "-o", str(locked / "r.html")]):
        done = govreport(*args, "--db", str(db), **kwargs)
        assert done.returncode == 2, (args, done.stderr)
        assert str(locked) in done.stderr and "Traceback" not in done.stderr
