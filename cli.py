"""govreport command line: parse options, call the library, print, exit.

The only module that prints or exits. Library imports happen inside the
commands so ``govreport --help`` stays fast.

Exit codes: 0 all documents ok, 1 some documents failed, 2 usage error
(bad option, missing path, malformed configuration).
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

app = typer.Typer(
    name="govreport",
    help="Read Chinese rule-of-law government reports (法治政府建设情况报告) into checked, comparable data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain click help: rendering it with rich imports rich and markdown-it, which
    # more than doubles the start-up of `govreport --help` (0.18 s -> 0.07 s CPU).
    rich_markup_mode=None,
)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class OutputFormat(str, Enum):
    json = "json"
    table = "table"


def _usage_error(message: str) -> typer.Exit:
    typer.echo(f"govreport: error: {message}", err=True)
    return typer.Exit(EXIT_USAGE)


def _resources(checklist: Path | None = None, lexicon: Path | None = None, model: Path | None = None, no_model: bool = False,  # type: ignore[no-untyped-def]
               limits: Path | None = None):
    """Build the per-process resources, turning configuration errors into usage errors."""
    from pipeline.errors import ConfigError
    from pipeline.run import Resources

    res = Resources(checklist_path=checklist, lexicon_path=lexicon, classifier_path=model, use_model=not no_model,
                    limits=_limits(limits))
    try:
        _ = res.lexicon, res.checklist
    except ConfigError as exc:
        raise _usage_error(str(exc)) from exc
    return res


def _limits(path: Path | None):  # type: ignore[no-untyped-def]
    """The limits of one file (pipeline/limits.py), changed by a county's TOML file; a bad file is a usage error."""
    from pipeline.errors import ConfigError
    from pipeline.limits import load_limits

    try:
        return load_limits(path)
    except ConfigError as exc:
        raise _usage_error(str(exc)) from exc


def _writable_folder(folder: Path) -> None:
    """Create ``folder`` if needed and make sure files can be written there, else a usage error naming it."""
    import os

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _usage_error(f"cannot create the output folder {folder}: {exc.strerror or exc}") from exc
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        raise _usage_error(f"cannot write to the output folder {folder} (permission denied); choose another with --output")


def _open_output(output: Path | None):  # type: ignore[no-untyped-def]
    """The stream for --output (standard output when None); an unwritable place is a usage error."""
    if output is None:
        return sys.stdout
    _writable_folder(output.parent)
    try:
        return output.open("w", encoding="utf-8")
    except OSError as exc:
        raise _usage_error(f"cannot write {output}: {exc.strerror or exc}") from exc


_LIMITS_HELP = ("TOML file with a [limits] table (max_file_mb, max_chars, max_pages, max_ocr_pages, max_xml_mb, "
                "max_paragraphs, max_tags, file_seconds).")


def _ocr_progress(path: Path):  # type: ignore[no-untyped-def]
    """A callback that shows OCR of a scan page by page (seconds a page) on standard error."""

    def show(done: int, total: int) -> None:
        end = "\n" if done >= total or not sys.stderr.isatty() else "\r"
        sys.stderr.write(f"OCR {path.name}: page {done}/{total}{end}")
        sys.stderr.flush()

    return show


# ==== analyse and check documents: analyze, check ====


@app.command()
def analyze(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (folders are searched recursively).")],
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="json: JSON Lines (output.md); table: a readable summary.")] = OutputFormat.json,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to this file instead of standard output.")] = None,
    checklist: Annotated[Optional[Path], typer.Option(help="County checklist TOML (default: the packaged one).")] = None,
    lexicon: Annotated[Optional[Path], typer.Option(help="Indicator lexicon TOML (default: the packaged one).")] = None,
    model: Annotated[Optional[Path], typer.Option(help="Section classifier file (default: models/section_classifier.pkl.gz).")] = None,
    no_model: Annotated[bool, typer.Option("--no-model", help="Categorise sections by the keyword rules only.")] = False,
    no_text: Annotated[bool, typer.Option("--no-text", help="Leave the full extracted text out of the JSON.")] = False,
    limits: Annotated[Optional[Path], typer.Option("--limits", help=_LIMITS_HELP)] = None,
) -> None:
    """Analyse reports: title, metadata, headings, metrics and completeness, one JSON object per document."""
    from pipeline.ingest import describe_skipped, iter_files
    from pipeline.present import table_row
    from pipeline.run import analyze_path, failed_report, report_record

    missing = [p for p in paths if not p.exists() and not p.is_symlink()]
    skipped: list[Path] = []
    refused: list = []  # type: ignore[type-arg]
    files = list(iter_files((p for p in paths if p not in missing), skipped, refused))
    if skipped:
        typer.echo(describe_skipped(skipped), err=True)
    if not files and not missing and not refused:
        raise _usage_error("no supported files found in " + ", ".join(map(str, paths)))
    res = _resources(checklist, lexicon, model, no_model, limits)
    out = _open_output(output)
    failed = 0
    try:
        # A path that does not exist is a document that failed, not a usage error: the batch goes on.
        # Links a folder walk refused (outside the folder, dangling, looping) are named too.
        todo = [(p, None) for p in [*missing, *files]] + [(Path(str(e.path)), e) for e in refused]
        for path, refusal in todo:
            report = failed_report(path, refusal) if refusal else analyze_path(path, res, progress=_ocr_progress(path))
            failed += report.status != "ok"
            if format is OutputFormat.json:
                out.write(json.dumps(report_record(report, include_text=not no_text), ensure_ascii=False) + "\n")
            else:
                out.write(table_row(report) + "\n\n")
            out.flush()
    finally:
        if output:
            out.close()
    if format is OutputFormat.table:
        n = len(missing) + len(files) + len(refused)
        typer.echo(f"{n}份文件，{failed}个处理失败", err=True)
    raise typer.Exit(EXIT_FAILED if failed else EXIT_OK)


@app.command()
def check(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (folders are searched recursively).")],
    checklist: Annotated[Optional[Path], typer.Option(help="County checklist TOML (default: the packaged one).")] = None,
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="table: readable verdicts; json: one JSON object per document.")] = OutputFormat.table,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to this file instead of standard output.")] = None,
    similarity: Annotated[bool, typer.Option("--similarity/--no-similarity", help="Compare the reports with each other (copied and template text).")] = True,
    limits: Annotated[Optional[Path], typer.Option("--limits", help=_LIMITS_HELP)] = None,
) -> None:
    """Check reports: the five required parts, quality rules and copied text, with a verdict per report."""
    from pipeline.ingest import iter_files
    from pipeline.present import check_record, duplicate_note, format_verdict
    from pipeline.run import analyze_path, failed_report
    from pipeline.similarity import check_batch
    from pipeline.submissions import compared, group_reports

    missing = [p for p in paths if not p.exists() and not p.is_symlink()]
    refused: list = []  # type: ignore[type-arg]
    files = list(iter_files((p for p in paths if p not in missing), None, refused))
    if not files and not missing and not refused:
        raise _usage_error("no supported files found in " + ", ".join(map(str, paths)))
    res = _resources(checklist, limits=limits)
    reports = [analyze_path(path, res) for path in missing + files] + [failed_report(str(e.path), e) for e in refused]
    # The same report in several files is compared once, never with itself (submissions.py).
    grouping = group_reports(reports)
    findings = check_batch(compared(reports, grouping), res.checklist) if similarity else []
    source_of = {r.sha256 or r.source: r.source for r in reports}
    out = _open_output(output)
    try:
        for report in reports:
            primary = grouping.copies.get(report.sha256 or report.source, (None, None))[0]
            duplicate_of = source_of.get(primary) if primary else None
            if format is OutputFormat.json:
                out.write(json.dumps(check_record(report, findings, duplicate_of), ensure_ascii=False) + "\n")
            else:
                out.write(format_verdict(report) + "\n" + duplicate_note(duplicate_of) + "\n")
    finally:
        if output:
            out.close()
    failed = sum(r.status != "ok" for r in reports)
    if format is OutputFormat.table:
        typer.echo(f"已检查{len(reports)}份文件，{failed}个处理失败", err=True)
    raise typer.Exit(EXIT_FAILED if failed else EXIT_OK)


# ==== the county workflow: batch, export, compare, review, serve ====
# Exit codes of `batch`: 0 every file ok, 1 some files failed (they are in the
# store and the review), 2 usage error, 130 interrupted by Ctrl-C (what was
# done is kept; the next run goes on from there).
EXIT_INTERRUPTED = 130


def _open_store(db: Path, *, must_exist: bool = True, readonly: bool = False):  # type: ignore[no-untyped-def]
    """The store at ``db``; ``readonly`` for the commands that only read it (never a write, not even a pragma)."""
    from pipeline.errors import StoreError
    from pipeline.store import Store

    if must_exist and not db.is_file():
        raise _usage_error(f"no store at {db} (run `govreport batch FOLDER` first, or pass --db)")
    try:
        return Store(db, readonly=readonly)
    except StoreError as exc:
        raise _usage_error(str(exc)) from exc


@app.command()
def batch(
    folder: Annotated[Path, typer.Argument(help="Folder of submitted reports (searched recursively).")],
    db: Annotated[Optional[Path], typer.Option("--db", help="SQLite store (default: govreport.db beside FOLDER).")] = None,
    workers: Annotated[Optional[int], typer.Option("--workers", "-j", min=1, help="Worker processes (default: CPUs, at most 8); 1 runs in-process.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Analyse every file again, even unchanged ones.")] = False,
    checklist: Annotated[Optional[Path], typer.Option(help="County checklist TOML (default: the packaged one).")] = None,
    lexicon: Annotated[Optional[Path], typer.Option(help="Indicator lexicon TOML (default: the packaged one).")] = None,
    limits: Annotated[Optional[Path], typer.Option("--limits", help=_LIMITS_HELP)] = None,
) -> None:
    """Analyse every report below FOLDER into the store; unchanged files are skipped on a re-run.

    Exit codes: 0 every file ok; 1 some files failed (recorded, the batch went on);
    2 usage error; 130 interrupted by Ctrl-C (what was done is kept: run it again to finish).
    """
    from pipeline.batch import run_batch
    from pipeline.present import ProgressPrinter
    from pipeline.store import default_db_path

    if not folder.is_dir():
        raise _usage_error(f"{folder} is not a folder")
    from pipeline.ingest import iter_files

    if next(iter_files([folder]), None) is None:
        # As `analyze` does: nothing to read is a usage error, and no store is created.
        raise _usage_error(f"no supported files found in {folder}")
    if checklist or lexicon:
        _resources(checklist, lexicon)  # a malformed county file is a usage error, before any work
    options = {k: v for k, v in (("checklist_path", checklist), ("lexicon_path", lexicon)) if v is not None}
    options["limits"] = _limits(limits)
    db = db or default_db_path(folder)
    progress = ProgressPrinter(sys.stderr)
    with _open_store(db, must_exist=False) as store:
        try:
            result = run_batch(folder, store, workers=workers, force=force, resources_options=options,
                               on_progress=progress)
        except KeyboardInterrupt:  # a second Ctrl-C during the bookkeeping
            progress.close()
            typer.echo("已中断（interrupted）", err=True)
            raise typer.Exit(EXIT_INTERRUPTED) from None
    progress.close()
    c = result.counts
    if c:
        typer.echo(
            f"{c['files']}个文件：{c['submissions']}份报告，{c['non_reports']}份非年度报告，"
            f"{c['duplicate_files']}个重复报送文件，{c['failed_files']}个处理失败"
            f"（本次分析{result.analysed}个，未变化{result.cached}个，{result.seconds:.1f}秒）→ {db}",
            err=True,
        )
    if result.similar:
        typer.echo(f"雷同文本：{result.similar}处相似（R06/R07），见 govreport review", err=True)
    if result.skipped:
        from pipeline.ingest import describe_skipped

        typer.echo(describe_skipped([Path(p) for p in result.skipped]), err=True)
    if result.interrupted:
        typer.echo("已中断（interrupted）：已完成的部分已保存，再次运行同一命令即可继续", err=True)
        raise typer.Exit(EXIT_INTERRUPTED)
    raise typer.Exit(EXIT_FAILED if result.failures else EXIT_OK)


class ExportFormat(str, Enum):
    csv = "csv"
    xlsx = "xlsx"
    jsonl = "jsonl"
    gold = "gold"


def _years(spec: Optional[str]):  # type: ignore[no-untyped-def]
    from pipeline.compare import parse_years

    try:
        return parse_years(spec)
    except ValueError as exc:
        raise _usage_error(str(exc)) from exc


class Lang(str, Enum):
    zh = "zh"
    en = "en"


_LANG_HELP = "zh: Chinese headers and labels (default); en: the stable English ids, for scripts."


@app.command()
def export(
    format: Annotated[ExportFormat, typer.Option("--format", "-f", help="csv (UTF-8 with BOM), xlsx, jsonl, or gold (reviewed reports as gold JSON for evaluate/train).")] = ExportFormat.csv,
    db: Annotated[Path, typer.Option("--db", help="SQLite store written by `govreport batch`.")] = Path("govreport.db"),
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the files (created).")] = Path("govreport-export"),
    lang: Annotated[Lang, typer.Option("--lang", help=_LANG_HELP)] = Lang.zh,
    all_documents: Annotated[bool, typer.Option("--all", help="Also export documents that are not annual reports (notices, work summaries...).")] = False,
) -> None:
    """Export metrics (long form, reviewers' corrections applied), reports, the comparison, copied text and findings (审查意见) from the store."""
    from pipeline.export import export as do_export

    with _open_store(db, readonly=True) as store:
        _writable_folder(output)
        try:
            written = do_export(store, format.value, output, lang=lang.value, include_all=all_documents)
        except PermissionError as exc:
            raise _usage_error(f"cannot write to the output folder {output}: {exc.strerror or exc}") from exc
    for path in written:
        typer.echo(str(path))
    if format is ExportFormat.gold and not written:
        typer.echo("no reviewed (已审) report in the store: nothing written", err=True)


@app.command()
def compare(
    indicator: Annotated[Optional[list[str]], typer.Option("--indicator", "-i", help="Indicator id (repeatable; default: all found).")] = None,
    years: Annotated[Optional[str], typer.Option("--years", help="Year range A-B, or one year.")] = None,
    level: Annotated[str, typer.Option("--level", help="township, county, ... or 'any'.")] = "township",
    db: Annotated[Path, typer.Option("--db", help="SQLite store written by `govreport batch`.")] = Path("govreport.db"),
    lang: Annotated[Lang, typer.Option("--lang", help=_LANG_HELP)] = Lang.zh,
) -> None:
    """Township × year tables per indicator: values, year-on-year change, rank among peers, gaps."""
    from pipeline.compare import compare_store, format_tables, indicator_catalogue

    span = _years(years)
    unknown = sorted(set(indicator or []) - set(indicator_catalogue()))
    if unknown:
        raise _usage_error(f"unknown indicator {', '.join(unknown)}; ids: {', '.join(sorted(indicator_catalogue()))}")
    with _open_store(db, readonly=True) as store:
        rows = compare_store(store, indicators=indicator or None, years=span, level=None if level == "any" else level)
    typer.echo(format_tables(rows, lang.value))


@app.command()
def review(
    db: Annotated[Path, typer.Option("--db", help="SQLite store written by `govreport batch`.")] = Path("govreport.db"),
    output: Annotated[Path, typer.Option("--output", "-o", help="The HTML file to write.")] = Path("review.html"),
) -> None:
    """Write one self-contained HTML review (summary, completeness matrix, charts, metrics, failed files)."""
    from pipeline.review import render_review

    _writable_folder(output.parent)
    with _open_store(db, readonly=True) as store:
        page = render_review(store)
    try:
        output.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise _usage_error(f"cannot write {output}: {exc.strerror or exc}") from exc
    typer.echo(str(output))


@app.command()
def serve(
    db: Annotated[Path, typer.Option("--db", help="SQLite store written by `govreport batch` (created if absent).")] = Path("govreport.db"),
    host: Annotated[str, typer.Option("--host", help="Address to listen on; anything but loopback needs --token.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
    token: Annotated[Optional[str], typer.Option("--token", envvar="GOVREPORT_TOKEN", help="Access token every request must carry (open http://HOST:PORT/?token=TOKEN once).")] = None,
    max_upload_mb: Annotated[float, typer.Option("--max-upload-mb", help="Largest file a reviewer may upload.")] = 20.0,
    max_upload_files: Annotated[int, typer.Option("--max-upload-files", min=1, help="Most files in one upload.")] = 20,
    reviewer: Annotated[str, typer.Option("--reviewer", help="Name recorded with decisions until a reviewer sets theirs.")] = "审核人",
) -> None:
    """Open the review workspace in a browser: confirm or correct every number and finding."""
    try:
        from pipeline.serve import ServeConfig, ServeError, check_config, run
    except ImportError as exc:  # the web stack is the optional `serve` extra
        raise _usage_error(f"govreport serve needs the serve extra: pip install 'govreport[serve]' ({exc})") from exc

    cfg = ServeConfig(db=db, host=host, port=port, token=token, max_upload_mb=max_upload_mb,
                      max_upload_files=max_upload_files, default_reviewer=reviewer)
    try:
        check_config(cfg)
    except ServeError as exc:
        raise _usage_error(str(exc)) from exc
    _open_store(db, must_exist=False).close()  # a bad store is a usage error before the server starts
    where = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
    typer.echo(f"govreport serve: {db} at {where}" + ("?token=…" if token else "") + " (Ctrl-C stops)", err=True)
    run(cfg)


# ==== development: evaluate against gold files, train the models ====


@app.command()
def evaluate(
    corpus_dir: Annotated[Path, typer.Argument(help="Folder of gold JSON files (gold-format.md).")],
    render: Annotated[str, typer.Option(help="Feed the texts as txt (default), docx or pdf renderings.")] = "txt",
    errors: Annotated[bool, typer.Option("--errors/--no-errors", help="List every error, not only the totals.")] = True,
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Also write the scorecard as JSON here.")] = None,
    lexicon: Annotated[Optional[Path], typer.Option(help="Score an edited indicator lexicon instead of the packaged one.")] = None,
    cv: Annotated[int, typer.Option("--cv", min=0, help="Also score K-fold cross-validation grouped by website host (the figure that counts); 0: in-sample only.")] = 0,
    perturb: Annotated[Optional[str], typer.Option("--perturb", help="Score the texts under one perturbation (web_furniture, traditional, …) or 'all' for a table of every one beside the unperturbed run.")] = None,
    seed: Annotated[int, typer.Option(help="Seed of --perturb (each document is perturbed by seed and id).")] = 0,
) -> None:
    """Score the pipeline against gold annotations and list its errors."""
    from pipeline.errors import GoldFormatError
    from pipeline.evaluate import evaluate_dir, format_scorecard

    if not corpus_dir.is_dir():
        raise _usage_error(f"{corpus_dir} is not a folder")
    res = _resources(lexicon=lexicon)
    if perturb is not None:
        _evaluate_perturbed(corpus_dir, perturb, seed=seed, render=render, cv=cv, show_errors=errors, json_out=json_out, res=res)
        return
    try:
        card = evaluate_dir(corpus_dir, render=render, resources=res)
    except GoldFormatError as exc:
        raise _usage_error(str(exc)) from exc
    typer.echo(format_scorecard(card, show_errors=errors))
    if cv:
        from pipeline.crossval import cross_validate, format_side_by_side
        from pipeline.training import load_gold_dir

        if render != "txt":
            raise _usage_error("--cv scores the texts as txt; drop --render")
        shared = _default_corpus("dev").parent.parent
        result = cross_validate(load_gold_dir(corpus_dir), cv, base=res, shared=shared if shared.is_dir() else None, progress=lambda m: typer.echo(m, err=True))
        typer.echo("")
        typer.echo(format_side_by_side(card, result, show_errors=errors))
        card = {"in_sample": card, "cross_validated": result}
    if json_out:
        json_out.write_text(json.dumps(card, ensure_ascii=False, indent=1), encoding="utf-8")


def _evaluate_perturbed(
    corpus_dir: Path, name: str, *, seed: int, render: str, cv: int, show_errors: bool, json_out: Optional[Path], res: Any
) -> None:
    """``evaluate --perturb``: one perturbation's scorecard, or the table of all of them."""
    from pipeline.errors import GoldFormatError
    from pipeline.evaluate import evaluate_docs, evaluate_perturbed, format_perturbation_table, format_scorecard, load_gold_docs
    from pipeline.perturb import perturb_docs, perturbation_names

    if render != "txt" or cv:
        raise _usage_error("--perturb scores the texts as txt in-sample; drop --render and --cv")
    names = perturbation_names()
    if name != "all" and name not in names:
        raise _usage_error(f"unknown perturbation {name!r}: all, {', '.join(names)}")
    try:
        docs = load_gold_docs(corpus_dir)
    except GoldFormatError as exc:
        raise _usage_error(str(exc)) from exc
    if name == "all":
        rows = evaluate_perturbed(docs, names, seed=seed, resources=res)
        typer.echo(format_perturbation_table(rows))
        out: Any = {n: c for n, c in rows}
    else:
        out = evaluate_docs(perturb_docs(docs, name, seed=seed), resources=res)
        typer.echo(f"perturbation: {name} (seed {seed})")
        typer.echo(format_scorecard(out, show_errors=show_errors))
    if json_out:
        json_out.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")


def _default_corpus(part: str) -> Path:
    """../shared/corpus/PART beside the checkout, or under $GOVREPORT_SHARED."""
    import os

    root = Path(os.environ.get("GOVREPORT_SHARED", Path(__file__).resolve().parent.parent / "shared"))
    return root / "corpus" / part


@app.command()
def train(
    dev: Annotated[Optional[Path], typer.Option(help="Gold JSON folder (default: ../shared/corpus/dev).")] = None,
    ext: Annotated[Optional[Path], typer.Option(help="Extra full texts, folder with text/ (default: ../shared/corpus/ext).")] = None,
    gold: Annotated[Optional[list[Path]], typer.Option(help="More gold folders to learn from, e.g. a county's corrected reports (export --format gold); repeatable.")] = None,
    out_dir: Annotated[Optional[Path], typer.Option("--out-dir", "-o", help="Folder for the model files and cards (default: models/).")] = None,
    folds: Annotated[int, typer.Option(min=2, help="Site-grouped folds for the scores in the model cards.")] = 5,
    cv: Annotated[bool, typer.Option("--cv/--no-cv", help="Cross-validate for the model cards (slower).")] = True,
) -> None:
    """Train the section classifier, the indicator linker and the report-type classifier, with their model cards."""
    from pipeline.errors import GovReportError
    from pipeline.modelio import model_dir
    from pipeline.training import train_all

    dev = dev or _default_corpus("dev")
    ext = ext if ext is not None else _default_corpus("ext")
    if not dev.is_dir():
        raise _usage_error(f"{dev} is not a folder of gold files")
    for g in gold or []:
        if not g.is_dir():
            raise _usage_error(f"{g} is not a folder of gold files")
    out_dir = out_dir or model_dir()
    shared = dev.parent.parent
    try:
        train_all(
            dev, out_dir, ext_dir=ext if ext.is_dir() else None, extra_gold=gold or [], shared=shared if (shared / "docs").is_dir() else None,
            folds=folds, cv=cv, progress=lambda m: typer.echo(m, err=True),
        )
    except GovReportError as exc:
        raise _usage_error(str(exc)) from exc
    for name in sorted(p.name for p in out_dir.glob("*.npz")):
        typer.echo(f"saved {out_dir / name} ({(out_dir / name).stat().st_size / 1e3:.0f} kB) with its header and card")


def main() -> None:  # pragma: no cover - console entry for `python cli.py`
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
