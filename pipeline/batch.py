"""Many files over ``run.analyze_path``: a process pool, progress events, error records, the store as cache.

The flow of :func:`run_batch`:

1. list the supported files below the folder (``ingest.iter_files``);
2. plan: a path whose size and mtime match the store, and whose document was
   produced by this pipeline version, is skipped without being read; any
   other file is hashed, and content already analysed by this version (a
   renamed file, the same report submitted twice) is only linked to its new
   path; what is left is analysed, each distinct content once;
3. analyse in a pool of worker processes (each builds :class:`Resources` once,
   in its initializer) or in-process when ``workers == 1``;
4. save every result in its own transaction as it arrives, so a batch killed
   at any moment loses only the documents in flight;
5. after a complete pass, forget paths that disappeared from the folder;
6. compare the store's ok documents with each other (:func:`similarity_pass`:
   R06 copied from the township's previous report, R07 shared with peers) and
   fold the findings into their verdicts, unless nothing changed since the
   last pass (a fingerprint of the documents and the checklist).

A document that fails (empty, unreadable, legacy .doc...) is stored with its
error like any other result, so an unchanged broken file is not retried. An
unexpected exception inside a stage, or a worker that dies, is recorded on the
path only (not cached): the next run tries that file again. When a worker dies
(or is killed for staying silent past its chunk's time budget) the files in
flight are tried again one at a time in a new pool, so only the file that
kills its worker alone is recorded as failed.

Ctrl-C: workers ignore SIGINT; the main process stops submitting, terminates
the workers, marks the batch ``interrupted`` and returns what is done
(:attr:`BatchResult.interrupted`); the CLI exits with 130.

Only a file's own bytes are cached: an error that depends on the moment (the
file vanished, could not be read, ran out of time, a link that cannot be
followed; ``errors.TRANSIENT_CODES``) is recorded on the path only, never as
the content hash's result, so a restored file is analysed by the next run.

``kill -9`` of the main process: each worker watches its parent (the kernel's
parent-death signal where there is one, and a thread that polls the parent
pid) and exits within a second or two, so nothing holds the store open. The
batch row it left ``running`` is marked ``interrupted`` by the next run, which
finishes the work (see :func:`recover_batches`).
"""

from __future__ import annotations

import functools
import os
import signal
import socket
import stat
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.errors import TRANSIENT_CODES, GovReportError
from pipeline.ingest import file_sha256
from pipeline.limits import DEFAULT_LIMITS, Limits
from pipeline.run import PIPELINE_VERSION, Resources, analyze_path, report_record
from pipeline.similarity_pass import similarity_pass
from pipeline.store import Store
from pipeline.versions import analysis_version, model_version

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

# Tasks queued per worker: enough to keep workers busy, few enough that Ctrl-C
# or a crashed worker concerns only a handful of files.
_IN_FLIGHT_PER_WORKER = 2
# Seconds past a chunk's time budget before its silent worker counts as stuck.
_HANG_GRACE = 60.0
# Files per task sent to a worker. Each task costs the main process about half a
# millisecond of pickling and queue handling, as much as saving the result: for
# short reports (3 ms each) that alone kept 2 workers from reaching 1.7x one.
_CHUNK = 4


@dataclass(frozen=True)
class Progress:
    """One progress event: sent after every analysed file (cached files are counted up front)."""

    total: int  # files to analyse in this run (cached ones excluded)
    done: int
    failed: int
    cached: int
    elapsed: float
    name: str | None = None  # the file just finished
    error: str | None = None  # its error message, when it failed
    rate: float = 0.0  # files per second since the first result (worker start-up excluded)

    @property
    def eta(self) -> float | None:
        """Seconds left at the current rate, None before the first file."""
        return (self.total - self.done) / self.rate if self.rate > 0 else None


@dataclass
class BatchResult:
    """What a batch did. ``failures`` lists every current failing file, cached ones included."""

    folder: str
    db: str
    files: int = 0
    analysed: int = 0
    cached: int = 0  # unchanged files, renamed files and duplicates found in the store
    duplicates: int = 0  # files whose content another file of this run also has
    failed: int = 0  # failing files among those analysed in this run
    interrupted: bool = False
    seconds: float = 0.0
    failures: list[dict[str, Any]] = field(default_factory=list)
    # Findings of the similarity pass (R06/R07); None when it was skipped (nothing changed) or interrupted.
    similar: int | None = None
    # Files below the folder that are no report format (scripts, spreadsheets...): not read, but named.
    skipped: list[str] = field(default_factory=list)
    # The store's counts after the batch (Store.counts): what the summary and the review print.
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.interrupted and not self.failures


@dataclass
class _Job:
    path: Path
    sha256: str
    sources: list[dict[str, Any]]  # every path of this content seen in this run


def default_workers() -> int:
    """One worker per CPU, at most 8 (each holds jieba and the model in memory)."""
    return max(1, min(os.cpu_count() or 1, 8))


# -- worker side -------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _worker_resources(options: tuple[tuple[str, Any], ...]) -> Resources:
    """The Resources of this process, built once (lru_cache keeps the one instance per process)."""
    return Resources(**dict(options)).warm()


# How often a worker looks whether its parent is still there (seconds).
_WATCH_INTERVAL = 0.5


def _die_with_parent(parent: int) -> None:
    """Make this worker exit when the batch process ``parent`` dies, even by ``kill -9``.

    Two guards: Linux's parent-death signal (immediate; it fires when the
    thread that forked us ends, which is the parent's main thread), and a
    daemon thread polling the parent pid, for other platforms and for a
    worker busy in C code that ignores nothing but SIGKILL anyway.
    """
    if os.getppid() != parent:
        os._exit(1)  # the parent died before we got here
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):  # not Linux: the thread below suffices
        pass
    if os.getppid() != parent:  # died between the first check and prctl
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_WATCH_INTERVAL)
        os._exit(1)  # no cleanup: the parent's store connection is not ours to close

    threading.Thread(target=watch, name="govreport-parent-watch", daemon=True).start()


def _init_worker(options: tuple[tuple[str, Any], ...], ocr_threads: int = 0, parent: int | None = None) -> None:
    if parent is not None:
        _die_with_parent(parent)
    # Ctrl-C reaches the whole process group: only the main process handles it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if ocr_threads and "GOVREPORT_OCR_THREADS" not in os.environ:
        # Workers share the cores: an OCR engine per worker must not take them all.
        os.environ["GOVREPORT_OCR_THREADS"] = str(ocr_threads)
    _worker_resources(options)


def _analyse_chunk(paths: list[str], options: tuple[tuple[str, Any], ...]) -> list[dict[str, Any]]:
    """Analyse a few files in a worker (one task, one round trip)."""
    return [_analyse(path, options) for path in paths]


def _analyse(path: str, options: tuple[tuple[str, Any], ...]) -> dict[str, Any]:
    """Analyse one file in a worker; never raises (unexpected errors come back as ``internal``)."""
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        res = _worker_resources(options)
        report = analyze_path(path, res)
        record = report_record(report, include_text=False)
        record["n_chars"] = len(report.text)
        record["text"] = report.text  # stored apart from the record, for the similarity pass
        # The worker's pid and CPU time let a benchmark tell when every worker is
        # up (start-up is a fixed cost) and what a file costs apart from the load.
        return {"record": record, "model_version": model_version(res), "seconds": time.perf_counter() - t0,
                "worker": os.getpid(), "cpu": time.process_time() - c0}
    except Exception as exc:  # a bug in a stage must not stop the batch
        return {"internal": f"{type(exc).__name__}: {exc}", "seconds": time.perf_counter() - t0}


# -- main side ---------------------------------------------------------------


def _options(resources_options: dict[str, Any] | None) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted((resources_options or {}).items()))


def run_batch(
    folder: str | Path,
    store: Store,
    *,
    workers: int | None = None,
    force: bool = False,
    resources_options: dict[str, Any] | None = None,
    on_progress: Callable[[Progress], None] | None = None,
) -> BatchResult:
    """Analyse every supported file below ``folder`` into ``store``; see the module docstring."""
    from pipeline.ingest import iter_files

    t_start = time.perf_counter()
    root = Path(folder).resolve()
    result = BatchResult(folder=str(root), db=str(store.path))
    options = _options(resources_options)
    version = analysis_version(options)
    recover_batches(store)
    batch_id = store.begin_batch(str(root), version)
    store.set_meta(_owner_key(batch_id), _process_token(os.getpid()))
    seen: set[str] = set()
    try:
        skipped: list[Path] = []
        refused: list[GovReportError] = []
        jobs = _plan(root, store, iter_files([root], skipped, refused), force, batch_id, result, seen, version,
                     dict(options).get("limits", DEFAULT_LIMITS))
        for err in refused:  # links that leave the folder, dangle or loop: named, never followed
            key = str(err.path)
            seen.add(key)
            result.files += 1
            store.save_unreadable({"path": key, "name": Path(key).relative_to(root).as_posix()}, err.code, str(err),
                                  batch_id=batch_id)
        result.skipped = [p.relative_to(root).as_posix() for p in skipped]
        total = len(jobs)
        # The progress line counts every failing file of the folder, as the summary and the
        # review do: those failed before (unchanged, so not analysed again) and the unreadable.
        queued = {src["path"] for job in jobs for src in job.sources}
        prior_failed = sum(1 for f in store.failures() if f["path"] in seen and f["path"] not in queued)
        t_first: list[float] = []  # when the first result arrived: the rate excludes worker start-up

        def finished(job: _Job, outcome: dict[str, Any]) -> None:
            if "record" in outcome:
                outcome["record"]["pipeline_version"] = version  # what a later run compares against
            error = _save(store, job, outcome, batch_id)
            result.analysed += 1
            result.failed += error is not None
            now = time.perf_counter()
            t_first[:] = t_first or [now]
            rate = (result.analysed - 1) / (now - t_first[0]) if now > t_first[0] else 0.0
            if on_progress is not None:
                on_progress(Progress(total, result.analysed, prior_failed + result.failed, result.cached,
                                     now - t_start, job.sources[0]["name"], error, rate))

        if on_progress is not None:
            on_progress(Progress(total, 0, prior_failed, result.cached, time.perf_counter() - t_start))
        n_workers = min(workers or default_workers(), max(1, total))
        if not jobs:
            pass  # nothing new: do not pay for loading the resources
        elif n_workers <= 1:
            _run_inline(jobs, options, finished)
        else:
            _run_pool(jobs, options, n_workers, finished)
    except KeyboardInterrupt:
        result.interrupted = True
    result.seconds = time.perf_counter() - t_start
    if not result.interrupted:
        store.forget_missing(str(root), seen)
        # Similarity across the whole store (R06/R07), after the forgetting so a
        # deleted report is compared with nothing; also when every file was cached.
        try:
            result.similar = similarity_pass(store, options, force=force)
        except KeyboardInterrupt:  # its one transaction rolled back: the next run redoes it
            result.interrupted = True
        result.seconds = time.perf_counter() - t_start
    result.failures = [f for f in store.failures() if _below(f["path"], root)]
    result.counts = store.counts()
    store.end_batch(batch_id, status="interrupted" if result.interrupted else "done", n_files=result.files,
                    n_analysed=result.analysed, n_cached=result.cached, n_failed=len(result.failures))
    store.set_meta(_owner_key(batch_id), None)
    return result


# -- batches left `running` by a process that died ---------------------------------------


def _owner_key(batch_id: int) -> str:
    return f"batch_owner:{batch_id}"


def _process_token(pid: int) -> str:
    """``host pid start`` of a process: its start time (Linux /proc) tells a reused pid apart."""
    start = ""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            # Field 22 (starttime) counts after the ")" that ends the command name.
            start = fh.read().rsplit(b")", 1)[1].split()[19].decode()
    except (OSError, IndexError):
        pass
    return f"{socket.gethostname()} {pid} {start}"


def _alive(token: str) -> bool:
    """Is the process named by a :func:`_process_token` still running (on this host)?"""
    host, _, rest = token.partition(" ")
    pid_text, _, _ = rest.partition(" ")
    if host != socket.gethostname():
        return True  # another machine's process (a store on a share): not ours to judge
    try:
        pid = int(pid_text)
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, owned by someone else
    except ValueError:
        return False
    return _process_token(pid) == token


def recover_batches(store: Store) -> list[int]:
    """Mark ``interrupted`` every batch left ``running`` by a process that is gone; return their ids.

    A batch row records its owner (host, pid, start time) in ``meta`` while it
    runs; a running batch of a live process (a second batch on the same store)
    is left alone. A row with no owner was left by a govreport from before
    owners were recorded, so it is not running either.
    """
    dead = []
    for b in store.batches():
        if b["status"] != "running":
            continue
        token = store.meta(_owner_key(b["id"]))
        if token is None or not _alive(token):
            dead.append(int(b["id"]))
    for batch_id in dead:
        store.mark_batch_interrupted(batch_id)
        store.set_meta(_owner_key(batch_id), None)
    return dead


def _below(path: str, root: Path) -> bool:
    try:
        Path(path).relative_to(root)
    except ValueError:
        return False
    return True


# -- similarity across the batch (R06 copied from last year, R07 shared with peers) --------


def _plan(root: Path, store: Store, files: Iterable[Path], force: bool, batch_id: int, result: BatchResult,
          seen: set[str], version: str = PIPELINE_VERSION, limits: Limits = DEFAULT_LIMITS) -> list[_Job]:
    """Decide, file by file, what must be analysed; link what is already known."""
    jobs: dict[str, _Job] = {}
    for path in files:
        result.files += 1
        key = str(path)
        seen.add(key)
        source: dict[str, Any] = {"path": key, "name": path.relative_to(root).as_posix()}
        try:
            st = path.stat()
        except OSError as exc:
            store.save_unreadable(source, "unreadable", f"{key}: cannot be read: {exc.strerror or exc}", batch_id=batch_id)
            continue
        source.update(size=st.st_size, mtime_ns=st.st_mtime_ns)
        if not stat.S_ISREG(st.st_mode):  # a pipe would block the hashing below forever
            store.save_unreadable(source, "unreadable", f"{key}: is not a regular file (a pipe, socket or device)",
                                  batch_id=batch_id)
            continue
        if st.st_size > limits.max_file_bytes:  # not even hashed: reading it is what the limit prevents
            try:
                limits.check_file_size(st.st_size, path)
            except GovReportError as exc:
                store.save_unreadable(source, exc.code, str(exc), batch_id=batch_id)
            continue
        known = store.source_state(key)
        if (not force and known is not None and known.sha256 and known.size == st.st_size
                and known.mtime_ns == st.st_mtime_ns and known.pipeline_version == version):
            result.cached += 1  # unchanged since the last run: not even read
            continue
        try:
            sha = file_sha256(path)
        except OSError as exc:
            store.save_unreadable(source, "unreadable", f"{key}: cannot be read: {exc.strerror or exc}", batch_id=batch_id)
            continue
        if sha in jobs:  # same content as another file of this run: analysed once
            jobs[sha].sources.append(source)
            result.duplicates += 1
            continue
        if not force and store.document_version(sha) == version:
            store.link_source({**source, "sha256": sha, "pipeline_version": version}, batch_id=batch_id)
            result.cached += 1
            continue
        jobs[sha] = _Job(path, sha, [source])
    return list(jobs.values())


def _save(store: Store, job: _Job, outcome: dict[str, Any], batch_id: int) -> str | None:
    """Store one outcome (one transaction); return its error message, or None when the document is ok."""
    if "internal" in outcome:
        for src in job.sources:
            store.save_unreadable(src, "internal", outcome["internal"], batch_id=batch_id)
        return str(outcome["internal"])
    record = outcome["record"]
    err = record.get("error") or {}
    if record.get("status") != "ok" and err.get("code") in TRANSIENT_CODES:
        # The moment's failure (vanished, unreadable, out of time), not the content's: on the path only.
        message = str(err.get("message") or err.get("code"))
        for src in job.sources:
            store.save_unreadable(src, str(err["code"]), message, batch_id=batch_id)
        return message.removeprefix(f"{job.path}: ")
    # A document that failed before hashing (empty, unsupported) has no sha256: use the planned one.
    record["sha256"] = record.get("sha256") or job.sha256
    sources = job.sources
    if record["sha256"] != job.sha256:
        # The file changed between planning and reading: what was read is what we store.
        sources = [{**job.sources[0], "size": None, "mtime_ns": None}]
    store.save_document(record, sources, model_version=outcome.get("model_version"),
                        seconds=outcome.get("seconds"), batch_id=batch_id)
    if record.get("status") != "ok":
        err = record.get("error") or {}
        message = str(err.get("message") or err.get("code") or "failed")
        return message.removeprefix(f"{job.path}: ")  # the progress line names the file already
    return None


def _run_inline(jobs: list[_Job], options: tuple[tuple[str, Any], ...],
                finished: Callable[[_Job, dict[str, Any]], None]) -> None:
    _worker_resources(options)  # cost paid once, before the first file
    for job in jobs:
        finished(job, _analyse(str(job.path), options))


def _pool_context(options: tuple[tuple[str, Any], ...]) -> Any:
    """How workers start: fork a warmed parent where that is safe, else spawn.

    A spawned worker imports everything and loads jieba's dictionary and the
    classifier again (0.5-0.7 s each), which is half the run for a county's few
    hundred reports. Forking after warming the resources here gives workers
    that are ready at once and share the dictionary pages. It is safe because
    the pool forks all its workers before it starts its own thread, and a
    worker never touches the parent's SQLite connection (workers leave through
    ``os._exit``, so it is not even closed there). Set GOVREPORT_START=spawn to
    opt out (and on platforms without fork).
    """
    import multiprocessing

    method = os.environ.get("GOVREPORT_START", "fork")
    if method == "fork" and "fork" in multiprocessing.get_all_start_methods():
        _worker_resources(options)  # warm once here; every forked worker inherits it
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _run_pool(jobs: list[_Job], options: tuple[tuple[str, Any], ...], n_workers: int,
              finished: Callable[[_Job, dict[str, Any]], None]) -> None:
    # Imported here: a re-run with nothing to do must not pay for them.
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    # Small batches still spread over every worker: at least 4 tasks per worker before chunking.
    size = max(1, min(_CHUNK, len(jobs) // (n_workers * 4)))
    pending = [jobs[i : i + size] for i in range(0, len(jobs), size)][::-1]
    suspects: list[_Job] = []  # in flight when a worker died: tried again one at a time
    context = _pool_context(options)
    # No result for this long means a worker is stuck where its own timer cannot reach (C code
    # that never returns): the pool is killed and treated as broken. None: no time budget.
    budget = dict(options).get("limits", DEFAULT_LIMITS).file_seconds
    hang_after = size * budget + _HANG_GRACE if budget > 0 else None
    while pending or suspects:
        executor = ProcessPoolExecutor(max_workers=n_workers, mp_context=context,
                                       initializer=_init_worker,
                                       initargs=(options, max(1, (os.cpu_count() or 1) // n_workers), os.getpid()))
        running: dict[Future[list[dict[str, Any]]], list[_Job]] = {}
        try:
            while pending or running or suspects:
                solo = bool(suspects)
                if solo:
                    if not running:
                        job = suspects.pop()
                        running[executor.submit(_analyse_chunk, [str(job.path)], options)] = [job]
                else:
                    while pending and len(running) < n_workers * _IN_FLIGHT_PER_WORKER:
                        chunk = pending.pop()
                        running[executor.submit(_analyse_chunk, [str(job.path) for job in chunk], options)] = chunk
                done, _ = wait(running, timeout=hang_after, return_when=FIRST_COMPLETED)
                broken: list[_Job] = []
                hung = not done
                if hung:
                    _terminate(executor, kill=True)
                    broken.extend(job for chunk in running.values() for job in chunk)
                    running.clear()
                for fut in done:
                    chunk = running.pop(fut)
                    try:
                        outcomes = fut.result()
                    except BrokenProcessPool:
                        broken.extend(chunk)
                        continue
                    except Exception as exc:  # e.g. a result that cannot be pickled
                        outcomes = [{"internal": f"{type(exc).__name__}: {exc}"}] * len(chunk)
                    for job, outcome in zip(chunk, outcomes):
                        finished(job, outcome)
                if broken:
                    # The pool is unusable: a worker died (killed for memory, a crash in C code).
                    # Which file did it is unknown, so every file in flight is tried again alone,
                    # in a new pool: the others are recorded with their real results, and a file
                    # that kills its worker when alone is recorded as such (not cached).
                    broken.extend(job for chunk in running.values() for job in chunk)
                    running.clear()
                    if solo and hung:
                        for job in broken:  # the budget's own error: of the moment, never cached
                            finished(job, {"record": _timeout_record(job, budget)})
                    elif solo:
                        for job in broken:
                            finished(job, {"internal": "the worker process died while analysing this file alone "
                                                       "(out of memory, or a crash in a library)"})
                    else:
                        suspects.extend(reversed(broken))
                    break
        except BaseException:
            _terminate(executor)
            raise
        executor.shutdown(wait=True)


def _timeout_record(job: _Job, budget: float) -> dict[str, Any]:
    """The error record of a file whose worker had to be killed: it overran its time budget."""
    from pipeline.limits import TimeBudget
    from pipeline.run import failed_report

    report = failed_report(job.path, TimeBudget(budget, job.path).error())
    report.sha256 = job.sha256
    return report_record(report, include_text=False)


def _terminate(executor: ProcessPoolExecutor, *, kill: bool = False) -> None:
    """Stop now: cancel what is queued and end the workers (their results would be discarded anyway).

    ``kill``: SIGKILL rather than SIGTERM, for a worker stuck where nothing else reaches it.
    """
    # concurrent.futures has no public "terminate"; the process table is the only handle,
    # taken before shutdown(), which drops it.
    procs = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for proc in procs:
        try:
            proc.kill() if kill else proc.terminate()
        except Exception:  # already gone
            pass
