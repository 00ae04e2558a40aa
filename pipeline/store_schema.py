"""The store's schema: its tables, the migrations between versions, and how a govreport store is known.

:class:`pipeline.store.Store` opens a file with :func:`identify` (before any
write, so a foreign file stays as it was) and brings it to
:data:`SCHEMA_VERSION` with :func:`migrate`; each migration is one function
that runs in one transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from pipeline.errors import StoreError

SCHEMA_VERSION = 4
# PRAGMA application_id of a govreport store: "GVRP" (a signed 32-bit integer in the header).
APPLICATION_ID = 0x47565250
# Tables every govreport store has had since schema 1: how a store from before application ids is known.
_MARKER_TABLES = frozenset({"documents", "sources", "batches"})


_SCHEMA_V1 = """
CREATE TABLE documents (
    sha256 TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    error_code TEXT,
    error_message TEXT,
    is_report INTEGER,
    doc_type TEXT,
    title TEXT,
    entity TEXT,
    entity_full TEXT,
    county TEXT,
    level TEXT,
    year INTEGER,
    issue_date TEXT,
    format TEXT,
    encoding TEXT,
    extractor TEXT,
    pages INTEGER,
    n_chars INTEGER,
    completeness_score REAL,
    missing TEXT,            -- JSON list of missing required parts
    n_headings INTEGER NOT NULL DEFAULT 0,
    n_paragraphs INTEGER NOT NULL DEFAULT 0,
    n_metrics INTEGER NOT NULL DEFAULT 0,
    n_warnings INTEGER NOT NULL DEFAULT 0,
    pipeline_version TEXT NOT NULL,
    model_version TEXT,
    analysed_at REAL NOT NULL,
    seconds REAL,
    record TEXT NOT NULL     -- the JSON record of output.md (no text)
);
CREATE INDEX documents_entity_year ON documents(county, level, entity, year);

CREATE TABLE sources (
    path TEXT PRIMARY KEY,   -- absolute path of the file
    name TEXT NOT NULL,      -- path relative to the batch folder, for people
    sha256 TEXT REFERENCES documents(sha256) ON DELETE SET NULL,
    size INTEGER,
    mtime_ns INTEGER,
    error_code TEXT,         -- only for a file that could not be read at all
    error_message TEXT,
    pipeline_version TEXT,
    batch_id INTEGER,
    seen_at REAL NOT NULL
);
CREATE INDEX sources_sha ON sources(sha256);

CREATE TABLE headings (
    sha256 TEXT NOT NULL REFERENCES documents(sha256) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    text TEXT NOT NULL,
    level INTEGER,
    category TEXT,
    start INTEGER,
    "end" INTEGER,
    PRIMARY KEY (sha256, idx)
);

CREATE TABLE metrics (
    sha256 TEXT NOT NULL REFERENCES documents(sha256) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    indicator TEXT NOT NULL,
    value REAL,
    unit TEXT,
    qualifier TEXT,
    per TEXT,
    quote TEXT,
    sentence TEXT,
    category TEXT,
    start INTEGER,
    "end" INTEGER,
    low_confidence INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (sha256, idx)
);
CREATE INDEX metrics_indicator ON metrics(indicator);

CREATE TABLE checks (
    sha256 TEXT NOT NULL REFERENCES documents(sha256) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    item TEXT NOT NULL,
    label TEXT,
    status TEXT,
    present INTEGER,
    severity TEXT,
    evidence TEXT,
    "where" TEXT,
    start INTEGER,
    message TEXT,
    PRIMARY KEY (sha256, idx)
);

CREATE TABLE batches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    folder TEXT NOT NULL,
    started_at REAL NOT NULL,
    finished_at REAL,
    pipeline_version TEXT NOT NULL,
    n_files INTEGER,
    n_analysed INTEGER,
    n_cached INTEGER,
    n_failed INTEGER,
    status TEXT NOT NULL     -- running | done | interrupted
);
"""


def _migrate_0_to_1(conn: sqlite3.Connection) -> None:
    _run_script_in_tx(conn, _SCHEMA_V1)


# v2: the batch-level similarity check (R06/R07) compares documents with each
# other, so each document's text is kept (zlib-compressed UTF-8), with the
# findings of the last pass and a key/value table for the pass's fingerprint.
_SCHEMA_V2 = """
CREATE TABLE texts (
    sha256 TEXT PRIMARY KEY REFERENCES documents(sha256) ON DELETE CASCADE,
    text BLOB NOT NULL       -- zlib(UTF-8 of Report.text)
);
CREATE TABLE similarity (
    sha256 TEXT NOT NULL REFERENCES documents(sha256) ON DELETE CASCADE,       -- the report that shares text
    other_sha256 TEXT NOT NULL REFERENCES documents(sha256) ON DELETE CASCADE, -- the report it shares it with
    kind TEXT NOT NULL,      -- previous_year | peer | duplicate
    rule TEXT NOT NULL,      -- R06 | R07
    share REAL NOT NULL,     -- share of sha256's text found in other_sha256 (names masked, figures folded)
    jaccard REAL,
    passages TEXT NOT NULL,  -- JSON list of {quote, other_quote, score, start, other_start}
    PRIMARY KEY (sha256, other_sha256, kind)
);
CREATE INDEX similarity_other ON similarity(other_sha256);
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT
);
"""


def _migrate_1_to_2(conn: sqlite3.Connection) -> None:
    """Add texts, similarity and meta.

    Documents analysed under v1 have no stored text: :meth:`Store.source_state`
    and :meth:`Store.document_version` report them as not analysed by any
    version, so the next batch analyses them again (and stores their text);
    until then the similarity pass leaves them out.
    """
    _run_script_in_tx(conn, _SCHEMA_V2)


# v3: one submission per township and year. A document whose text is the same
# report as another's (the same report sent as TXT, DOCX and PDF) is a copy in
# ``submissions``; its primary stands for the submission in metrics, comparisons
# and exports (pipeline/submissions.py decides). Metrics keep the value as written.
_SCHEMA_V3 = """
CREATE TABLE submissions (
    sha256 TEXT PRIMARY KEY REFERENCES documents(sha256) ON DELETE CASCADE,   -- a copy
    primary_sha256 TEXT NOT NULL REFERENCES documents(sha256) ON DELETE CASCADE,
    reason TEXT NOT NULL     -- identical | near_identical
);
CREATE INDEX submissions_primary ON submissions(primary_sha256);
ALTER TABLE metrics ADD COLUMN value_text TEXT;
DELETE FROM meta WHERE key = 'similarity_fingerprint'
"""


def _migrate_2_to_3(conn: sqlite3.Connection) -> None:
    """Add submissions and metrics.value_text; forget the similarity fingerprint so the next batch groups copies."""
    _run_script_in_tx(conn, _SCHEMA_V3)


# v4: the review workspace. ``reviews`` holds one row per reviewed document
# (status and the optimistic-locking version); ``corrections`` is the
# append-only log of every decision (who, when, old, new, comment). The latest
# row per (sha256, target, key) is in force; pipeline/corrections.py applies it.
_SCHEMA_V4 = """
CREATE TABLE reviews (
    sha256 TEXT PRIMARY KEY,  -- no foreign key: a decision outlives re-analysis
    status TEXT NOT NULL DEFAULT 'pending',  -- pending | reviewed | returned
    version INTEGER NOT NULL DEFAULT 0,      -- +1 per decision, a stale form is refused
    paths TEXT NOT NULL DEFAULT '[]',        -- JSON list of the file paths reviewed (a changed file is spotted)
    updated_by TEXT,
    updated_at REAL
);
CREATE TABLE corrections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sha256 TEXT NOT NULL,
    target TEXT NOT NULL,    -- metric | finding | report
    key TEXT NOT NULL,       -- metric: 'start:end' of its number in the text, finding: item id, report: ''
    action TEXT NOT NULL,    -- edit | reject | add | restore | accept | overrule | comment | status
    old TEXT,                -- JSON: what was there before
    new TEXT,                -- JSON: what the reviewer decided
    comment TEXT,
    reviewer TEXT NOT NULL,
    created_at REAL NOT NULL,
    version INTEGER NOT NULL -- the report's review version this decision made
);
CREATE INDEX corrections_doc ON corrections(sha256, target, key);
"""


def _migrate_3_to_4(conn: sqlite3.Connection) -> None:
    """Add reviews and corrections (nothing else changes)."""
    _run_script_in_tx(conn, _SCHEMA_V4)


# version reached -> the step from the version before. A new schema adds
# ``N: _migrate_<N-1>_to_<N>`` (ALTER TABLE ...) and bumps SCHEMA_VERSION.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    1: _migrate_0_to_1, 2: _migrate_1_to_2, 3: _migrate_2_to_3, 4: _migrate_3_to_4,
}


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the store to :data:`SCHEMA_VERSION`, one transaction per step; return the version."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise StoreError(f"store schema {version} is newer than this govreport (schema {SCHEMA_VERSION}); upgrade govreport")
    while version < SCHEMA_VERSION:
        step = MIGRATIONS[version + 1]
        conn.execute("BEGIN IMMEDIATE")
        try:
            step(conn)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        version += 1
    return version


def _run_script_in_tx(conn: sqlite3.Connection, script: str) -> None:
    # executescript() commits first; run the statements one by one so the
    # schema and its user_version land in the same transaction.
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def identify(conn: sqlite3.Connection, path: str | Path) -> str:
    """What the database behind ``conn`` is, without writing: "store", "empty" or "legacy".

    Raises :class:`StoreError` for a file that is not a govreport store (not
    SQLite at all, another program's database) or a store newer than this
    govreport. "legacy": a store from before application ids (schema >= 1,
    our tables); "empty": a database with no table and no version.
    """
    try:
        app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"is not a govreport store ({exc})", path) from exc
    if app_id not in (0, APPLICATION_ID):
        raise StoreError(f"is not a govreport store (the SQLite database of another program, application id "
                         f"{app_id:#x}); govreport never writes to it: pass another --db", path)
    if version > SCHEMA_VERSION:
        raise StoreError(f"store schema {version} is newer than this govreport (schema {SCHEMA_VERSION}); upgrade govreport", path)
    if app_id == APPLICATION_ID:
        return "store"
    if not tables and version == 0:
        return "empty"
    if version >= 1 and _MARKER_TABLES <= tables:
        return "legacy"
    shown = ", ".join(sorted(tables)[:8]) + (", …" if len(tables) > 8 else "")
    raise StoreError(f"is not a govreport store (a SQLite database of another program, tables: {shown or 'none'}); "
                     "govreport never writes to it: pass another --db", path)
