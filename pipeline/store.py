"""The embedded store: SQLite (standard library), documents keyed by content hash.

Layout
------
- ``documents``: one row per distinct content (sha256) with status, error,
  metadata, completeness score, the pipeline/model version that produced it and
  the full JSON record (output.md, without the text).
- ``sources``: one row per file path seen, pointing at a document. The same
  report submitted twice under two names is two ``sources`` rows and one
  ``documents`` row. ``size``/``mtime_ns`` let a re-run skip unchanged files
  without hashing them. A file that cannot even be read has a row here with no
  document and its error.
- ``headings``, ``metrics``, ``checks``: child rows of a document (one row per
  heading, per metric, per completeness item) so exports and comparisons are
  plain SQL.
- ``batches``: one row per ``govreport batch`` run.
- ``texts`` (schema v2): each document's text, zlib-compressed, for the
  batch-level similarity check; ``similarity``: the findings of the last
  similarity pass (R06 copied from the previous year, R07 shared with peers),
  with their passages; ``meta``: key/value, e.g. the fingerprint of the last
  similarity pass (set of documents + checklist), so an unchanged folder does
  not pay for it again.
- ``reviews``, ``corrections`` (schema v4): the reviewer's side (``govreport
  serve``, pipeline/corrections.py). They have no foreign key on purpose: a
  re-analysis (``batch --force``) replaces a document's child rows but never
  these, and a document dropped from the folder keeps its review history.

Writes are one transaction per document (``save_document``): a batch killed at
any moment leaves either the whole document or none of it, so the next run
finishes the job with no duplicate and no lost row. The journal is WAL so
readers (export, review) never block a running batch.

The schema is versioned with ``PRAGMA user_version``; :data:`store_schema.MIGRATIONS` maps
each version to the function that brings a store from the previous version.

Whose file it is: a store carries govreport's ``PRAGMA application_id``
(:data:`APPLICATION_ID`). Before anything is written, :func:`identify` reads
the header: a file of another program (another application id, or tables that
are not ours) is refused and never modified. A store from before application
ids is recognised by its tables and gets the id on its first writable open.
An empty database (a 0-byte file, as ``touch`` or ``mktemp`` make) becomes a
store only when opened for writing, which only ``govreport batch`` does: it is
the target that batch was told to create. ``export``, ``compare`` and
``review`` open the store read-only (``readonly=True``), so they work on a
read-only file or a store on read-only media, and refuse an empty file.
"""

from __future__ import annotations

import json
import sqlite3
import time
import urllib.parse
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import TRANSIENT_CODES, StoreError
from pipeline.store_schema import APPLICATION_ID, SCHEMA_VERSION, identify, migrate
from pipeline.submissions import is_scored, not_report_title

DEFAULT_DB_NAME = "govreport.db"


@dataclass(frozen=True)
class SourceState:
    """What the store knows about one path."""

    path: str
    sha256: str | None
    size: int | None
    mtime_ns: int | None
    pipeline_version: str | None


# An ok document stored without its text (analysed before schema v2) counts as
# not analysed: the batch analyses it again, which stores the text the
# similarity pass needs.
# A document stored with an error of the moment (by a govreport that cached those)
# counts as not analysed either: the file is tried again.
_VERSION_IF_COMPLETE = (
    "CASE WHEN d.status = 'ok' AND NOT EXISTS (SELECT 1 FROM texts t WHERE t.sha256 = d.sha256) THEN NULL "
    f"WHEN d.error_code IN ({', '.join(repr(c) for c in sorted(TRANSIENT_CODES))}) THEN NULL "
    "ELSE d.pipeline_version END"
)


# SQL condition on a row aliased ``d`` with a sha256: it is no copy of another submission.
_NOT_A_COPY = "AND NOT EXISTS (SELECT 1 FROM submissions c WHERE c.sha256 = d.sha256)"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class Store:
    """A govreport SQLite store. Use as a context manager, or call :meth:`close`.

    ``readonly=True`` (export, compare, review) never writes, not even the
    journal mode, and works on a read-only file.
    """

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = Path(path)
        self.readonly = readonly
        if readonly:
            self.conn = self._connect_readonly()
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: we issue BEGIN/COMMIT ourselves.
            self.conn = sqlite3.connect(str(self.path), isolation_level=None, timeout=30.0)
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"cannot open the store: {exc}", path) from exc
        self.conn.row_factory = sqlite3.Row
        try:
            kind = identify(self.conn, path)  # before any write: a foreign file stays as it was
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable at checkpoint, never corrupt
            self.conn.execute("PRAGMA foreign_keys=ON")
            migrate(self.conn)
            if kind != "store":
                self.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        except StoreError:
            self.conn.close()
            raise
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise StoreError(f"is not a govreport store ({exc})", path) from exc

    def _connect_readonly(self) -> sqlite3.Connection:
        """Open for reading only; a read-only file or folder falls back to SQLite's ``immutable`` mode."""
        if not self.path.is_file():
            raise StoreError("no such store file", self.path)
        if self.path.stat().st_size == 0:
            raise StoreError("is an empty file, not a govreport store (run `govreport batch FOLDER --db` to make one)",
                             self.path)
        uri = "file:" + urllib.parse.quote(str(self.path.resolve()))
        last: Exception | None = None
        # mode=ro still needs the -shm file of a WAL store, which a read-only folder cannot hold;
        # immutable=1 then reads the file as it is (a closed store has no pending WAL).
        for suffix in ("?mode=ro", "?mode=ro&immutable=1"):
            conn: sqlite3.Connection | None = None
            try:
                conn = sqlite3.connect(uri + suffix, uri=True, isolation_level=None, timeout=30.0)
                conn.row_factory = sqlite3.Row
                kind = identify(conn, self.path)
                version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            except StoreError:
                if conn is not None:
                    conn.close()
                raise
            except sqlite3.Error as exc:
                if conn is not None:
                    conn.close()
                last = exc
                continue
            if kind == "empty":
                conn.close()
                raise StoreError("is an empty database, not a govreport store", self.path)
            if version < SCHEMA_VERSION:
                conn.close()
                raise StoreError(f"store schema {version} is older than this govreport's ({SCHEMA_VERSION}); "
                                 "run `govreport batch` on it once to upgrade it", self.path)
            return conn
        raise StoreError(f"cannot open the store for reading: {last}", self.path)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception (KeyboardInterrupt too)."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # -- reads used by the batch ---------------------------------------------
    def source_state(self, path: str) -> SourceState | None:
        row = self.conn.execute(
            f"SELECT s.path, s.sha256, s.size, s.mtime_ns, {_VERSION_IF_COMPLETE} AS pipeline_version FROM sources s "
            "LEFT JOIN documents d ON d.sha256 = s.sha256 WHERE s.path = ?",
            (path,),
        ).fetchone()
        if row is None:
            return None
        return SourceState(row["path"], row["sha256"], row["size"], row["mtime_ns"], row["pipeline_version"])

    def document_version(self, sha256: str) -> str | None:
        """The pipeline version that analysed this content, or None if never analysed (or stored without its text)."""
        row = self.conn.execute(f"SELECT {_VERSION_IF_COMPLETE} FROM documents d WHERE d.sha256 = ?", (sha256,)).fetchone()
        return None if row is None or row[0] is None else str(row[0])

    # -- writes --------------------------------------------------------------
    def save_document(
        self,
        record: dict[str, Any],
        sources: Iterable[dict[str, Any]],
        *,
        model_version: str | None = None,
        seconds: float | None = None,
        batch_id: int | None = None,
    ) -> None:
        """Replace the document ``record['sha256']`` and its child rows, and link its sources; one transaction."""
        sha = record["sha256"]
        with self.transaction() as c:
            # Re-analysis replaces the child rows; the parent is upserted (not
            # REPLACEd, which would delete it and unlink its sources).
            for table in ("headings", "metrics", "checks"):
                c.execute(f"DELETE FROM {table} WHERE sha256 = ?", (sha,))
            c.execute(
                """INSERT INTO documents (sha256, status, error_code, error_message, is_report, doc_type, title,
                entity, entity_full, county, level, year, issue_date, format, encoding, extractor, pages, n_chars,
                completeness_score, missing, n_headings, n_paragraphs, n_metrics, n_warnings, pipeline_version,
                model_version, analysed_at, seconds, record)
                VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                ON CONFLICT(sha256) DO UPDATE SET status=excluded.status, error_code=excluded.error_code,
                error_message=excluded.error_message, is_report=excluded.is_report, doc_type=excluded.doc_type,
                title=excluded.title, entity=excluded.entity, entity_full=excluded.entity_full,
                county=excluded.county, level=excluded.level, year=excluded.year, issue_date=excluded.issue_date,
                format=excluded.format, encoding=excluded.encoding, extractor=excluded.extractor,
                pages=excluded.pages, n_chars=excluded.n_chars, completeness_score=excluded.completeness_score,
                missing=excluded.missing, n_headings=excluded.n_headings, n_paragraphs=excluded.n_paragraphs,
                n_metrics=excluded.n_metrics, n_warnings=excluded.n_warnings,
                pipeline_version=excluded.pipeline_version, model_version=excluded.model_version,
                analysed_at=excluded.analysed_at, seconds=excluded.seconds, record=excluded.record""",
                _document_row(record, model_version, seconds),
            )
            _insert_children(c, sha, record)
            # The text, for the similarity pass (the record itself stays without it).
            if record.get("text"):
                c.execute("INSERT OR REPLACE INTO texts (sha256, text) VALUES (?, ?)",
                          (sha, zlib.compress(str(record["text"]).encode("utf-8"), 6)))
            else:
                c.execute("DELETE FROM texts WHERE sha256 = ?", (sha,))
            for src in sources:
                self._upsert_source(c, {**src, "sha256": sha, "pipeline_version": record.get("pipeline_version")}, batch_id)

    def link_source(self, source: dict[str, Any], *, batch_id: int | None = None) -> None:
        """Record a path whose content is already stored (unchanged, renamed or duplicate file)."""
        with self.transaction() as c:
            self._upsert_source(c, source, batch_id)

    def save_unreadable(self, source: dict[str, Any], code: str, message: str, *, batch_id: int | None = None) -> None:
        """Record a file that could not be read at all (no content, so no document)."""
        with self.transaction() as c:
            self._upsert_source(c, {**source, "sha256": None, "error_code": code, "error_message": message}, batch_id)

    @staticmethod
    def _upsert_source(c: sqlite3.Connection, s: dict[str, Any], batch_id: int | None) -> None:
        c.execute(
            """INSERT INTO sources (path, name, sha256, size, mtime_ns, error_code, error_message, pipeline_version,
            batch_id, seen_at) VALUES (?,?,?,?,?,?,?,?,?,?)
            ON CONFLICT(path) DO UPDATE SET name=excluded.name, sha256=excluded.sha256, size=excluded.size,
            mtime_ns=excluded.mtime_ns, error_code=excluded.error_code, error_message=excluded.error_message,
            pipeline_version=excluded.pipeline_version, batch_id=excluded.batch_id, seen_at=excluded.seen_at""",
            (
                s["path"], s.get("name") or s["path"], s.get("sha256"), s.get("size"), s.get("mtime_ns"),
                s.get("error_code"), s.get("error_message"), s.get("pipeline_version"), batch_id, time.time(),
            ),
        )

    def begin_batch(self, folder: str, pipeline_version: str) -> int:
        with self.transaction() as c:
            cur = c.execute(
                "INSERT INTO batches (folder, started_at, pipeline_version, status) VALUES (?,?,?,'running')",
                (folder, time.time(), pipeline_version),
            )
            return int(cur.lastrowid or 0)

    def end_batch(self, batch_id: int, *, status: str, n_files: int, n_analysed: int, n_cached: int, n_failed: int) -> None:
        with self.transaction() as c:
            c.execute(
                "UPDATE batches SET finished_at=?, status=?, n_files=?, n_analysed=?, n_cached=?, n_failed=? WHERE id=?",
                (time.time(), status, n_files, n_analysed, n_cached, n_failed, batch_id),
            )

    def forget_missing(self, folder: str, seen: set[str]) -> int:
        """Drop source rows below ``folder`` whose file was not seen, then documents left without a source.

        Only called after a batch that went through the whole folder, so an
        interrupted run never forgets anything.
        """
        prefix = folder.rstrip("/\\")
        rows = self.conn.execute(
            "SELECT path FROM sources WHERE path = ? OR substr(path, 1, ?) IN (?, ?)",
            (prefix, len(prefix) + 1, prefix + "/", prefix + "\\"),
        ).fetchall()
        gone = [r[0] for r in rows if r[0] not in seen]
        with self.transaction() as c:
            c.executemany("DELETE FROM sources WHERE path = ?", [(p,) for p in gone])
            c.execute("DELETE FROM documents WHERE sha256 NOT IN (SELECT sha256 FROM sources WHERE sha256 IS NOT NULL)")
        return len(gone)

    def mark_batch_interrupted(self, batch_id: int) -> None:
        """A batch left ``running`` by a process that died (see ``batch.recover_batches``)."""
        with self.transaction() as c:
            c.execute("UPDATE batches SET status = 'interrupted' WHERE id = ? AND status = 'running'", (batch_id,))

    # -- the batch-level similarity pass (batch.py) ------------------------------
    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def set_meta(self, key: str, value: str | None) -> None:
        """Set (or, with None, delete) one key of ``meta``."""
        with self.transaction() as c:
            if value is None:
                c.execute("DELETE FROM meta WHERE key = ?", (key,))
            else:
                c.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def similarity_inputs(self) -> list[dict[str, Any]]:
        """Current ok documents: sha256, first source name, metadata, ``analysed_at`` and ``has_text``."""
        rows = self.conn.execute(
            """SELECT d.sha256, d.title, d.entity, d.county, d.level, d.year, d.analysed_at,
            EXISTS (SELECT 1 FROM texts t WHERE t.sha256 = d.sha256) AS has_text,
            (SELECT min(s.name) FROM sources s WHERE s.sha256 = d.sha256) AS name
            FROM documents d WHERE d.status = 'ok' AND EXISTS (SELECT 1 FROM sources s WHERE s.sha256 = d.sha256)
            ORDER BY d.sha256"""
        ).fetchall()
        return [dict(r) for r in rows]

    def text(self, sha256: str) -> str | None:
        """The document's text (None when it was stored without it, before schema v2)."""
        row = self.conn.execute("SELECT text FROM texts WHERE sha256 = ?", (sha256,)).fetchone()
        return None if row is None else zlib.decompress(row[0]).decode("utf-8")

    def save_similarity(self, findings: Iterable[dict[str, Any]], records: dict[str, dict[str, Any]],
                        fingerprint: str, copies: dict[str, tuple[str, str]] | None = None) -> None:
        """Replace the similarity table, rewrite the given records' verdicts, remember the pass; one transaction.

        ``findings`` rows: sha256, other_sha256, kind, rule, share, jaccard,
        passages (list). ``records`` maps a sha256 to its full record whose
        ``completeness`` now holds R06/R07: the score, missing parts and
        ``checks`` rows follow it.
        """
        with self.transaction() as c:
            if copies is not None:
                c.execute("DELETE FROM submissions")
                c.executemany("INSERT INTO submissions (sha256, primary_sha256, reason) VALUES (?,?,?)",
                              [(sha, primary, reason) for sha, (primary, reason) in copies.items()])
            c.execute("DELETE FROM similarity")
            c.executemany(
                "INSERT OR REPLACE INTO similarity (sha256, other_sha256, kind, rule, share, jaccard, passages) "
                "VALUES (?,?,?,?,?,?,?)",
                [(f["sha256"], f["other_sha256"], f["kind"], f["rule"], f["share"], f.get("jaccard"),
                  _json(f.get("passages") or [])) for f in findings],
            )
            for sha, record in records.items():
                comp = record.get("completeness") or {}
                scored = is_scored(record)
                c.execute("UPDATE documents SET completeness_score = ?, missing = ?, record = ? WHERE sha256 = ?",
                          (comp.get("score") if scored else None, _json(comp.get("missing") or []) if scored else None,
                           _json({k: v for k, v in record.items() if k != "text"}), sha))
                c.execute("DELETE FROM checks WHERE sha256 = ?", (sha,))
                c.executemany(
                    """INSERT INTO checks (sha256, idx, item, label, status, present, severity, evidence, "where",
                    start, message) VALUES (?,?,?,?,?,?,?,?,?,?,?)""",
                    [
                        (
                            sha, i, it.get("id") or "", it.get("label"), it.get("status"),
                            None if it.get("present") is None else int(bool(it["present"])),
                            it.get("severity"), it.get("evidence"), it.get("where"), it.get("start"),
                            it.get("message"),
                        )
                        for i, it in enumerate(comp.get("items") or [])
                    ],
                )
            c.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('similarity_fingerprint', ?)", (fingerprint,))

    def similarity(self) -> list[dict[str, Any]]:
        """Findings of the last similarity pass between current documents, with both sides' names; passages parsed."""
        rows = self.conn.execute(
            """SELECT m.*, a.entity, a.year, a.county, b.entity AS other_entity, b.year AS other_year,
            (SELECT min(s.name) FROM sources s WHERE s.sha256 = m.sha256) AS source,
            (SELECT min(s.name) FROM sources s WHERE s.sha256 = m.other_sha256) AS other_source
            FROM similarity m JOIN documents a ON a.sha256 = m.sha256 JOIN documents b ON b.sha256 = m.other_sha256
            ORDER BY m.rule, m.share DESC, source, other_source"""
        ).fetchall()
        out = []
        for r in rows:
            if r["source"] is None or r["other_source"] is None:
                continue  # a document no current file points at
            d = dict(r)
            d["passages"] = json.loads(d["passages"] or "[]")
            out.append(d)
        return out

    # -- reads used by export / compare / review ------------------------------
    def copies(self) -> dict[str, tuple[str, str]]:
        """Documents that repeat another's report: copy sha256 -> (primary sha256, reason)."""
        rows = self.conn.execute("SELECT sha256, primary_sha256, reason FROM submissions").fetchall()
        return {r[0]: (r[1], r[2]) for r in rows}

    def documents(self, *, include_copies: bool = False) -> list[dict[str, Any]]:
        """One row per submission: every document some current file points at, copies folded into their primary.

        A primary lists the files of its copies too (``sources``, ``files`` with
        each file's format, ``copies``); a copy (``primary`` set) appears only
        with ``include_copies``.
        """
        rows = self.conn.execute(
            """SELECT d.*, group_concat(s.name, char(10)) AS names, min(s.name) AS first_name
            FROM documents d JOIN sources s ON s.sha256 = d.sha256
            GROUP BY d.sha256 ORDER BY d.county, d.entity, d.year, first_name"""
        ).fetchall()
        copies = self.copies()
        out: list[dict[str, Any]] = []
        by_sha: dict[str, dict[str, Any]] = {}
        for r in rows:
            d = dict(r)
            names = sorted((d.pop("names") or "").split("\n"))
            d["missing"] = json.loads(d["missing"]) if d.get("missing") else []
            d["files"] = [{"name": n, "format": d.get("format"), "sha256": d["sha256"]} for n in names]
            d["primary"], d["copy_reason"] = copies.get(d["sha256"], (None, None))
            d["copies"] = []
            by_sha[d["sha256"]] = d
            out.append(d)
        for sha, (primary, _reason) in copies.items():
            if sha in by_sha and primary in by_sha:
                by_sha[primary]["copies"].append(sha)
                by_sha[primary]["files"] += by_sha[sha]["files"]
        for d in out:
            d["files"].sort(key=lambda f: f["name"])
            d["sources"] = [f["name"] for f in d["files"]]
            d["formats"] = sorted({f["format"] for f in d["files"] if f["format"]})
        return out if include_copies else [d for d in out if d["primary"] is None or d["primary"] not in by_sha]

    def record(self, sha256: str) -> dict[str, Any] | None:
        row = self.conn.execute("SELECT record FROM documents WHERE sha256 = ?", (sha256,)).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def metrics(self, *, include_copies: bool = False) -> list[dict[str, Any]]:
        """Metric rows of current documents (a submission's once: copies left out) with the document's metadata."""
        rows = self.conn.execute(
            f"""SELECT m.*, d.entity, d.county, d.level, d.year, d.title, d.is_report, d.doc_type,
            (SELECT min(s.name) FROM sources s WHERE s.sha256 = d.sha256) AS source
            FROM metrics m JOIN documents d ON d.sha256 = m.sha256
            WHERE EXISTS (SELECT 1 FROM sources s WHERE s.sha256 = d.sha256) {"" if include_copies else _NOT_A_COPY}
            ORDER BY d.county, d.entity, d.year, source, m.idx"""
        ).fetchall()
        return [dict(r) for r in rows]

    def checks(self, *, include_copies: bool = False) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            f"SELECT * FROM checks d WHERE 1 {'' if include_copies else _NOT_A_COPY} ORDER BY sha256, idx"
        ).fetchall()
        return [dict(r) for r in rows]

    def findings(self, *, include_all: bool = False) -> list[dict[str, Any]]:
        """What a reviewer sends back: each submission's missing parts and rules in warning or error, with evidence.

        Copies are left out (their submission's primary carries the verdict); so are
        non-reports unless ``include_all``.
        """
        rows = self.conn.execute(
            f"""SELECT d.sha256, c.item, c.idx, c.label, c.status, c.severity, c.evidence, c."where", c.start, c.message,
            d.entity, d.county, d.year, d.is_report, d.doc_type,
            (SELECT min(s.name) FROM sources s WHERE s.sha256 = d.sha256) AS source
            FROM checks c JOIN documents d ON d.sha256 = c.sha256
            WHERE c.status IN ('missing', 'warning', 'error') AND d.status = 'ok'
            AND EXISTS (SELECT 1 FROM sources s WHERE s.sha256 = d.sha256) {_NOT_A_COPY}
            {"" if include_all else "AND coalesce(d.is_report, 1) != 0"}
            ORDER BY d.county, d.entity, d.year, source, c.idx"""
        ).fetchall()
        return [dict(r) for r in rows]

    def failures(self) -> list[dict[str, Any]]:
        """Every current file whose document failed, or that could not be read."""
        rows = self.conn.execute(
            """SELECT s.name, s.path, coalesce(d.error_code, s.error_code) AS code,
            coalesce(d.error_message, s.error_message) AS message
            FROM sources s LEFT JOIN documents d ON d.sha256 = s.sha256
            WHERE (d.status IS NOT NULL AND d.status != 'ok') OR (s.sha256 IS NULL)
            ORDER BY s.name"""
        ).fetchall()
        return [dict(r) for r in rows]

    def batches(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.conn.execute("SELECT * FROM batches ORDER BY id").fetchall()]

    def counts(self) -> dict[str, int]:
        """The one set of counts that progress, summary and review print.

        files: current file paths; documents: distinct contents; ok: contents
        analysed without error; submissions: ok reports once each (a report sent
        as TXT, DOCX and PDF counts once); non_reports: ok documents that are no
        annual report; copies: documents folded into another's submission;
        failed_files: files that failed or could not be read; duplicate_files:
        ok files that repeat a submission (so files = submissions + non_reports
        + duplicate_files + failed_files); metrics: metric rows of the submissions.
        """
        q = self.conn.execute
        current = "EXISTS (SELECT 1 FROM sources s WHERE s.sha256=d.sha256)"
        ok_subs = f"SELECT count(*) FROM documents d WHERE status='ok' AND {current} {_NOT_A_COPY}"
        return {
            "files": int(q("SELECT count(*) FROM sources").fetchone()[0]),
            "documents": int(q("SELECT count(DISTINCT sha256) FROM sources WHERE sha256 IS NOT NULL").fetchone()[0]),
            "ok": int(q(f"SELECT count(*) FROM documents d WHERE status='ok' AND {current}").fetchone()[0]),
            "submissions": int(q(ok_subs + " AND coalesce(d.is_report, 1) != 0").fetchone()[0]),
            "non_reports": int(q(ok_subs + " AND d.is_report = 0").fetchone()[0]),
            "copies": int(q(f"SELECT count(*) FROM documents d WHERE {current} AND NOT (1 {_NOT_A_COPY})").fetchone()[0]),
            "failed_files": len(self.failures()),
            # ok files that do not stand for a submission of their own: the same bytes under
            # another name, or a copy of a report in another format.
            "duplicate_files": int(q(
                "SELECT count(*) FROM sources s JOIN documents d ON d.sha256 = s.sha256 WHERE d.status = 'ok'"
            ).fetchone()[0]) - int(q(ok_subs).fetchone()[0]),
            "metrics": int(q(
                f"SELECT count(*) FROM metrics m JOIN documents d ON d.sha256 = m.sha256 WHERE {current} {_NOT_A_COPY} "
                "AND coalesce(d.is_report, 1) != 0"
            ).fetchone()[0]),
        }


def _document_row(record: dict[str, Any], model_version: str | None, seconds: float | None) -> tuple[Any, ...]:
    """The ``documents`` row of an analysis record (the column order of :meth:`Store.save_document`)."""
    sha = record["sha256"]
    error = record.get("error") or {}
    comp = record.get("completeness") or {}
    slim = {k: v for k, v in record.items() if k != "text"}
    return (
        sha,
        record.get("status") or "ok",
        error.get("code"),
        error.get("message"),
        None if record.get("is_report") is None else int(bool(record["is_report"])),
        record.get("doc_type"),
        record.get("title") or not_report_title(record),
        record.get("entity"),
        record.get("entity_full"),
        record.get("county"),
        record.get("level"),
        record.get("year"),
        record.get("issue_date"),
        record.get("format"),
        record.get("encoding"),
        record.get("extractor"),
        record.get("pages"),
        len(record.get("text") or "") or record.get("n_chars"),
        comp.get("score") if comp and is_scored(record) else None,
        _json(comp.get("missing") or []) if comp and is_scored(record) else None,
        len(record.get("headings") or []),
        len(record.get("paragraphs") or []),
        len(record.get("metrics") or []),
        len(record.get("warnings") or []),
        record.get("pipeline_version") or "",
        model_version,
        time.time(),
        seconds,
        _json(slim),
    )


def _insert_children(c: sqlite3.Connection, sha: str, record: dict[str, Any]) -> None:
    """The headings, metrics and checks rows of an analysis record."""
    c.executemany(
        'INSERT INTO headings (sha256, idx, text, level, category, start, "end") VALUES (?,?,?,?,?,?,?)',
        [
            (sha, i, h.get("text") or "", h.get("level"), h.get("category"), h.get("start"), h.get("end"))
            for i, h in enumerate(record.get("headings") or [])
        ],
    )
    c.executemany(
        """INSERT INTO metrics (sha256, idx, indicator, value, unit, qualifier, per, quote, sentence, category,
        start, "end", low_confidence, value_text) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
        [
            (
                sha, i, m.get("indicator") or "other", m.get("value"), m.get("unit"), m.get("qualifier"),
                m.get("per"), m.get("quote"), m.get("sentence"), m.get("category"), m.get("start"),
                m.get("end"), int(bool(m.get("low_confidence"))), m.get("value_text"),
            )
            for i, m in enumerate(record.get("metrics") or [])
        ],
    )
    c.executemany(
        """INSERT INTO checks (sha256, idx, item, label, status, present, severity, evidence, "where", start,
        message) VALUES (?,?,?,?,?,?,?,?,?,?,?)""",
        [
            (
                sha, i, it.get("id") or "", it.get("label"), it.get("status"),
                None if it.get("present") is None else int(bool(it["present"])),
                it.get("severity"), it.get("evidence"), it.get("where"), it.get("start"), it.get("message"),
            )
            for i, it in enumerate((record.get("completeness") or {}).get("items") or [])
        ],
    )


def default_db_path(folder: str | Path) -> Path:
    """``govreport.db`` beside the folder (not inside it, so it is never mistaken for a submission)."""
    folder = Path(folder).resolve()
    return folder.parent / DEFAULT_DB_NAME
