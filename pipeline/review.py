"""A self-contained HTML review of a store: one file a reviewer opens in a browser or sends by mail.

Sections: batch summary (the store's one set of counts), completeness matrix
(township × required part, the evidence on hover and on click), the findings a
reviewer can send back (审查意见: missing parts and rules R02–R14 with evidence
and severity), one inline SVG chart per indicator (townships × years), copied
text (R06/R07 findings with their passages side by side), each report's metrics
with their quotes, the documents that are not annual reports (not scored), failed
files. Only annual reports are scored, charted and listed with metrics, each
submission once (``submissions.py``). Every label comes from ``labels.py``. Everything is
inline (CSS, a few lines of JS, SVG): no network at view time. Every piece of
document text goes through :func:`html.escape`; the script only ever sets
``textContent``.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections import defaultdict
from collections.abc import Sequence
from html import escape
from typing import Any

from pipeline import labels
from pipeline.compare import CompareRow, cell_text, compare_store, fmt_number, indicator_name
from pipeline.corrections import reviewed_checks, reviewed_documents, reviewed_findings, reviewed_metrics
from pipeline.labels import page as _t
from pipeline.run import PIPELINE_VERSION
from pipeline.store import Store
from pipeline.submissions import RESUBMITTED_ID, SEVERAL_ID, is_scored, non_report_why

_PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f")

_CSS = """
body{font-family:"Microsoft YaHei","PingFang SC","Noto Sans CJK SC",sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#1f3a5f;color:#fff;padding:16px 24px}header h1{margin:0;font-size:22px}
main{padding:8px 24px 48px}section{margin:24px 0}h2{border-bottom:2px solid #1f3a5f;padding-bottom:4px}
table{border-collapse:collapse;background:#fff}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef2f7;position:sticky;top:0}
.kpis{display:flex;flex-wrap:wrap;gap:12px}.kpi{background:#fff;border:1px solid #ddd;border-radius:6px;padding:8px 16px}
.kpi b{display:block;font-size:24px}
td.ok{background:#e3f4e1;color:#256d1b;text-align:center;cursor:pointer}
td.miss{background:#fde2e1;color:#a61b1b;text-align:center;cursor:pointer}
td.na{color:#999;text-align:center}
td.opt{color:#888;text-align:center;cursor:pointer}
.sim td{max-width:420px}.sim .share{font-weight:bold;white-space:nowrap}.rule-warning{color:#a35d00}
.rule-error{color:#a61b1b}.rule-ok{color:#256d1b}.rule-info{color:#666}
#findings tr.sev-error td,#findings tr.sev-missing td{background:#fde2e1}#findings tr.sev-warning td{background:#fff4e0}
#findings tr.sev-info td{color:#555}
#evidence{position:sticky;bottom:0;background:#fffbe6;border:1px solid #e6d680;padding:8px 12px;margin-top:8px;min-height:1.5em}
.charts{display:flex;flex-wrap:wrap;gap:16px}.chart{background:#fff;border:1px solid #ddd;padding:8px}
.chart h3{font-size:14px;margin:0 0 4px}.muted{color:#777}details{background:#fff;border:1px solid #ddd;margin:6px 0;padding:4px 8px}
summary{cursor:pointer;font-weight:bold}.quote{color:#444}.err{color:#a61b1b}
input[type=search]{padding:4px 8px;width:280px}
"""

_JS = """
(function(){
  var panel=document.getElementById('evidence');
  document.querySelectorAll('#matrix td[data-part]').forEach(function(td){
    td.addEventListener('click',function(){
      panel.textContent=td.dataset.report+' · '+td.dataset.part+' · '+td.dataset.state+
        (td.dataset.evidence?' — 「'+td.dataset.evidence+'」':'');
    });
  });
  var box=document.getElementById('filter');
  if(box){box.addEventListener('input',function(){
    var q=box.value.trim().toLowerCase();
    document.querySelectorAll('#reports details').forEach(function(d){
      d.style.display=(!q||d.textContent.toLowerCase().indexOf(q)>=0)?'':'none';
    });
  });}
  document.body.setAttribute('data-ready','1');
})();
"""


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def _label(d: dict[str, Any]) -> str:
    if d.get("entity"):
        return f"{d['entity']} {d.get('year') or ''}".strip()
    return (d.get("sources") or [d["sha256"][:12]])[0]


def _summary(store: Store, docs: Sequence[dict[str, Any]], n_findings: int) -> str:
    counts = store.counts()
    batches = store.batches()
    last = batches[-1] if batches else None
    reports = [d for d in docs if d["status"] == "ok" and is_scored(d)]
    towns = {(d.get("county"), d.get("entity")) for d in reports if d.get("entity")}
    years = sorted({d["year"] for d in reports if d.get("year")})
    scores = [d["completeness_score"] for d in reports if d.get("completeness_score") is not None]
    kpis = [
        ("files", _t("kpi_files"), counts["files"]), ("submissions", _t("kpi_submissions"), counts["submissions"]),
        ("non_reports", _t("kpi_non_reports"), counts["non_reports"]),
        ("duplicate_files", _t("kpi_duplicates"), counts["duplicate_files"]),
        ("failed_files", _t("kpi_failed"), counts["failed_files"]), ("townships", _t("kpi_townships"), len(towns)),
        ("years", _t("kpi_years"), f"{years[0]}–{years[-1]}" if years else "—"),
        ("metrics", _t("kpi_metrics"), counts["metrics"]), ("findings", _t("kpi_findings"), n_findings),
        ("mean", _t("kpi_mean"), f"{sum(scores) / len(scores):.0%}" if scores else "—"),
    ]
    html = [f'<section id="summary"><h2>{_e(_t("summary"))}</h2><div class="kpis">']
    html += [f'<div class="kpi" data-count="{key}"><b>{_e(v)}</b>{_e(k)}</div>' for key, k, v in kpis]
    html.append("</div>")
    if last:
        when = _dt.datetime.fromtimestamp(last["started_at"]).strftime("%Y-%m-%d %H:%M")
        line = _t("last_batch", folder=last["folder"], when=when, status=last["status"],
                  analysed=last["n_analysed"], cached=last["n_cached"])
        html.append(f'<p class="muted">{_e(line)}</p>')
    html.append("</section>")
    return "".join(html)


def _matrix(docs: Sequence[dict[str, Any]], checks: Sequence[dict[str, Any]]) -> str:
    by_doc: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    parts: dict[str, str] = {}
    for c in checks:
        if c.get("present") is None:
            continue  # only the required parts make the matrix; rules are in each report's details
        by_doc[c["sha256"]][c["item"]] = c
        parts.setdefault(c["item"], c.get("label") or c["item"])
    rows = sorted((d for d in docs if d["status"] == "ok" and is_scored(d)),
                  key=lambda d: (d.get("entity") or "\uffff", d.get("year") or 0, d["sources"][0]))
    html = [f'<section><h2>{_e(_t("matrix"))}</h2><p class="muted">{_e(_t("matrix_help"))}</p>',
            f'<table id="matrix"><thead><tr><th>{_e(_t("report"))}</th><th>{_e(labels.column("county"))}</th>'
            f'<th>{_e(_t("score"))}</th>']
    html += [f'<th title="{_e(label)}">{_e(label)}</th>' for label in parts.values()]
    html.append("</tr></thead><tbody>")
    for d in rows:
        label = _label(d)
        score = d.get("completeness_score")
        html.append(f'<tr><td title="{_e("; ".join(d["sources"]))}">{_e(label)}</td><td>{_e(d.get("county") or "")}</td>'
                    f'<td>{"" if score is None else f"{score:.0%}"}</td>')
        for item, plabel in parts.items():
            check = by_doc.get(d["sha256"], {}).get(item)
            if check is None:
                html.append('<td class="na">·</td>')
                continue
            present = bool(check["present"])
            evidence = check.get("evidence") or check.get("message") or ""
            # An absent optional part (e.g. "other matters") is not a defect: the checker marks it info.
            optional = not present and check.get("status") not in ("missing", "error", "warning")
            state = _t("present") if present else (_t("not_required") if optional else _t("missing"))
            css, mark = ("ok", "✓") if present else (("opt", "—") if optional else ("miss", "✗"))
            html.append(
                f'<td class="{css}" data-report="{_e(label)}" data-part="{_e(plabel)}" '
                f'data-state="{state}" data-evidence="{_e(evidence)}" title="{_e(evidence or state)}">'
                f'{mark}</td>'
            )
        html.append("</tr>")
    html.append("</tbody></table>")
    if not parts:
        html.append(f'<p class="muted">{_e(_t("matrix_none"))}</p>')
    html.append(f'<div id="evidence" class="muted">{_e(_t("matrix_click"))}</div></section>')
    return "".join(html)


def _nice_max(v: float) -> float:
    if v <= 0:
        return 1.0
    mag = 10 ** (len(str(int(v))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if v <= step * mag:
            return step * mag
    return 10.0 * mag


def chart_svg(rows: Sequence[CompareRow]) -> str:
    """A grouped bar chart: one group per township, one bar per year; gaps drawn as a grey dash."""
    towns = sorted({r.township for r in rows})
    years = sorted({r.year for r in rows})
    values = {(r.township, r.year): r for r in rows}
    vmax = _nice_max(max((r.value or 0.0) for r in rows))
    bar, gap, left, top, plot_h = 14, 18, 48, 20, 160
    group_w = len(years) * bar + gap
    width = left + len(towns) * group_w + 10
    height = top + plot_h + 60
    parts = [f'<svg width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" font-size="11">']
    for frac in (0, 0.5, 1):
        y = top + plot_h - frac * plot_h
        parts.append(f'<line x1="{left}" x2="{width - 5}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
                     f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="#666">{_e(fmt_number(vmax * frac))}</text>')
    for i, town in enumerate(towns):
        gx = left + i * group_w + gap / 2
        for j, year in enumerate(years):
            r = values.get((town, year))
            x = gx + j * bar
            color = _PALETTE[j % len(_PALETTE)]
            if r is None or r.value is None:
                tip = f"{town} {year}: {cell_text(r) if r else _t('no_data')}"
                parts.append(f'<rect x="{x:.1f}" y="{top + plot_h - 2}" width="{bar - 2}" height="2" fill="#bbb">'
                             f"<title>{_e(tip)}</title></rect>")
                continue
            h = plot_h * (r.value / vmax) if vmax else 0
            tip = f"{town} {year}: {cell_text(r)} {r.unit or ''}" + (f"\n「{r.quotes[0]}」" if r.quotes else "")
            parts.append(f'<rect class="bar" x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar - 2}" height="{h:.1f}" '
                         f'fill="{color}"><title>{_e(tip)}</title></rect>')
        parts.append(f'<text x="{gx + len(years) * bar / 2:.1f}" y="{top + plot_h + 16}" text-anchor="middle">{_e(town)}</text>')
    for j, year in enumerate(years):
        lx = left + j * 60
        parts.append(f'<rect x="{lx}" y="{height - 18}" width="10" height="10" fill="{_PALETTE[j % len(_PALETTE)]}"/>'
                     f'<text x="{lx + 14}" y="{height - 9}">{_e(year)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _charts(rows: Sequence[CompareRow]) -> str:
    groups: dict[tuple[str, str, str], list[CompareRow]] = defaultdict(list)
    for r in rows:
        groups[(r.indicator, r.county, r.level)].append(r)
    html = [f'<section id="charts"><h2>{_e(_t("charts"))}</h2><div class="charts">']
    n = 0
    for (ind, county, level), members in groups.items():
        if not any(r.status == "reported" for r in members):
            continue
        n += 1
        units = "/".join(sorted({r.unit for r in members if r.unit}))
        first = members[0]
        html.append(f'<div class="chart" data-indicator="{_e(ind)}"><h3>{_e(first.indicator_name)} '
                    f'<span class="muted">{_e(ind)} {_e(first.direction)} {_e(units)} · {_e(county)} {_e(level)}</span></h3>'
                    f"{chart_svg(members)}</div>")
    html.append("</div>")
    if not n:
        html.append(f'<p class="muted">{_e(_t("charts_none"))}</p>')
    html.append("</section>")
    return "".join(html)


_SIMILARITY_RULES = ("R06", "R07")


def _similarity(findings: Sequence[dict[str, Any]]) -> str:
    """Each finding with its most similar passages side by side (this report | the other)."""
    html = [f'<section id="similarity"><h2>{_e(_t("similarity"))}</h2><p class="muted">{_e(_t("similarity_help"))}</p>']
    if not findings:
        html.append(f'<p class="muted">{_e(_t("similarity_none"))}</p></section>')
        return "".join(html)
    # One finding per pair of reports (A→B and B→A show the same passages) and per report
    # and rule, highest share first: a county whose reports share one template would
    # otherwise fill the page; the export lists every finding.
    shown: list[dict[str, Any]] = []
    pairs: set[tuple[str, frozenset[str]]] = set()
    firsts: set[tuple[str, str]] = set()
    for f in sorted(findings, key=lambda f: (f["rule"], -f["share"], f["source"], f["other_source"])):
        pair = (f["rule"], frozenset((f["sha256"], f["other_sha256"])))
        if pair in pairs or (f["rule"], f["sha256"]) in firsts:
            continue
        pairs.add(pair)
        firsts.add((f["rule"], f["sha256"]))
        shown.append(f)
    rest = len(findings) - len(shown)
    html.append(f'<p>{_e(_t("similarity_count", n=len(findings), rest=_t("similarity_rest", rest=rest) if rest else ""))}</p>')
    opened = " open" if len(shown) <= 20 else ""  # many: click to open
    for f in shown:
        this = f"{f.get('entity') or ''} {f.get('year') or ''}".strip() or f["source"]
        other = f"{f.get('other_entity') or ''} {f.get('other_year') or ''}".strip() or f["other_source"]
        html.append(
            f'<details class="sim" data-rule="{_e(f["rule"])}"{opened}><summary>{_e(f["rule"])} · {_e(this)} → {_e(other)} '
            f'<span class="share">{f["share"]:.0%}</span> <span class="muted">{_e(labels.value(f["kind"]))}'
            "</span></summary>"
            f'<table><tr><th>{_e(this)} <span class="muted">{_e(f["source"])}</span></th>'
            f'<th>{_e(other)} <span class="muted">{_e(f["other_source"])}</span></th><th>{_e(_t("match"))}</th></tr>'
        )
        for p in f.get("passages") or []:
            html.append(f'<tr><td class="quote">{_e(p.get("quote"))}</td><td class="quote">{_e(p.get("other_quote"))}</td>'
                        f'<td>{float(p.get("score") or 0):.0%}</td></tr>')
        html.append("</table></details>")
    html.append("</section>")
    return "".join(html)


def _findings(docs: Sequence[dict[str, Any]], findings: Sequence[dict[str, Any]],
              checks: Sequence[dict[str, Any]]) -> str:
    """Every report's findings with their evidence and severity (审查意见), then the submission flags."""
    label = {d["sha256"]: _label(d) for d in docs}
    flags = [c for c in checks if c["item"] in (RESUBMITTED_ID, SEVERAL_ID) and c["sha256"] in label]
    html = [f'<section id="findings"><h2>{_e(_t("findings"))}</h2><p class="muted">{_e(_t("findings_help"))}</p>']
    if not findings and not flags:
        html.append(f'<p class="muted">{_e(_t("findings_none"))}</p></section>')
        return "".join(html)
    html.append(f'<p>{_e(_t("findings_count", n=len(findings)))}</p>')
    html.append(f'<table><thead><tr><th>{_e(_t("report"))}</th><th>{_e(_t("rule"))}</th><th>{_e(_t("severity"))}</th>'
                f'<th>{_e(_t("message"))}</th><th>{_e(_t("evidence"))}</th></tr></thead><tbody>')
    for f in [*findings, *({**c, "source": None} for c in flags)]:
        who = label.get(f["sha256"]) or f.get("source") or f["sha256"][:12]
        status = f.get("status") or "info"
        html.append(
            f'<tr class="finding sev-{_e(status)}" data-rule="{_e(f["item"])}"><td>{_e(who)}</td>'
            f'<td>{_e(f["item"])} {_e(f.get("label"))}</td><td>{_e(labels.severity(status))}</td>'
            f'<td>{_e(f.get("message"))}</td><td class="quote">'
            + (f"「{_e(f['evidence'])}」" if f.get("evidence") else "") + "</td></tr>"
        )
    html.append("</tbody></table></section>")
    return "".join(html)


def _metric_value(m: dict[str, Any]) -> str:
    """A metric's value as the report wrote it (近2000, 每村4名), else the number."""
    written = m.get("value_text") or fmt_number(m.get("value"))
    return f"{labels.text('per_prefix')}{m['per']}{written}" if m.get("per") else written


def _reports(docs: Sequence[dict[str, Any]], metrics: Sequence[dict[str, Any]],
             checks: Sequence[dict[str, Any]] = ()) -> str:
    by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for m in metrics:
        by_doc[m["sha256"]].append(m)
    rules: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in checks:
        if c["item"] in _SIMILARITY_RULES:
            rules[c["sha256"]].append(c)
    html = [f'<section id="reports"><h2>{_e(_t("reports"))}</h2>',
            f'<input type="search" id="filter" placeholder="{_e(_t("filter"))}">']
    for d in docs:
        if d["status"] != "ok" or not is_scored(d):
            continue
        ms = by_doc.get(d["sha256"], [])
        score = d.get("completeness_score")
        ocr = _ocr_confidence(d)
        notes = [_t("metrics_n", n=len(ms))]
        if score is not None:
            notes.append(_t("completeness", score=f"{score:.0%}"))
        if ocr is not None:
            notes.append(_t("ocr", conf=f"{ocr:.0%}"))
        if d.get("missing"):
            notes.append(_t("missing_parts", parts="、".join(labels.category(x) for x in d["missing"])))
        html.append(f"<details><summary>{_e(_label(d))} — {_e(d.get('title') or '')} "
                    f'<span class="muted">（{_e("，".join(notes))}）</span>'
                    # a copied report is flagged without opening it
                    + "".join(f' <span class="rule-{_e(c["status"])}">⚠ {_e(c["item"])} 雷同</span>'
                              for c in rules.get(d["sha256"], []) if c.get("status") in ("warning", "error"))
                    + f'</summary><p class="muted">{_e(_t("files", files="；".join(d["sources"])))}</p>')
        for c in rules.get(d["sha256"], []):
            html.append(f'<p class="rule rule-{_e(c.get("status"))}" data-rule="{_e(c["item"])}">{_e(c["item"])} '
                        f'{_e(c.get("label"))}: <b>{_e(labels.severity(c.get("status")))}</b> — {_e(c.get("message"))}'
                        + (f' <span class="quote">「{_e(c["evidence"])}」</span>' if c.get("evidence") else "") + "</p>")
        if ms:
            html.append(f"<table><tr><th>{_e(_t('indicator'))}</th><th>{_e(_t('value'))}</th><th>{_e(_t('unit'))}</th>"
                        f"<th>{_e(_t('qualifier'))}</th><th>{_e(_t('part'))}</th><th>{_e(_t('quote'))}</th></tr>")
            for m in ms:
                html.append(
                    f'<tr><td title="{_e(m["indicator"])}">{_e(indicator_name(m["indicator"]))}</td>'
                    f"<td>{_e(_metric_value(m))}</td><td>{_e(m.get('unit'))}</td>"
                    f"<td>{_e(labels.value(m.get('qualifier')))}</td><td>{_e(labels.category(m.get('category')))}</td>"
                    f'<td class="quote" title="{_e(m.get("sentence"))}">{_e(m.get("quote"))}'
                    + (' <span class="rule-warning" title="OCR 识别置信度低，请对照扫描件核对">⚠ OCR</span>'
                       if m.get("low_confidence") else "")
                    + (' <span class="corrected" title="corrected by a reviewer">人工更正</span>'
                       if m.get("origin") == "corrected" else "")
                    + "</td></tr>"
                )
            html.append("</table>")
        html.append("</details>")
    html.append("</section>")
    return "".join(html)


def _non_reports(store: Store, docs: Sequence[dict[str, Any]]) -> str:
    """Documents judged not to be annual reports: kept with their type and the reason, never scored."""
    rows = [d for d in docs if d["status"] == "ok" and not is_scored(d)]
    html = [f'<section id="non-reports"><h2>{_e(_t("non_reports"))} ({len(rows)})</h2>']
    if not rows:
        html.append(f'<p class="muted">{_e(_t("non_reports_none"))}</p></section>')
        return "".join(html)
    html.append(f"<table><tr><th>{_e(_t('file'))}</th><th>{_e(_t('doc_type'))}</th><th>{_e(_t('title'))}</th>"
                f"<th>{_e(_t('why'))}</th></tr>")
    for d in rows:
        why = non_report_why(store.record(d["sha256"]) or {})
        html.append(f'<tr><td>{_e("；".join(d["sources"]))}</td><td>{_e(labels.value(d.get("doc_type")))}</td>'
                    f'<td>{_e(d.get("title") or "")}</td><td>{_e(why)}</td></tr>')
    html.append("</table></section>")
    return "".join(html)


def _ocr_confidence(doc: dict[str, Any]) -> float | None:
    """The document's mean OCR confidence from its stored record (None: not a scan)."""
    try:
        value = json.loads(doc.get("record") or "{}").get("ocr_confidence")
    except (TypeError, ValueError):
        return None
    return float(value) if isinstance(value, (int, float)) else None


def _failures(failures: Sequence[dict[str, Any]]) -> str:
    html = [f'<section id="failures"><h2>{_e(_t("failures"))} ({len(failures)})</h2>']
    if failures:
        html.append(f"<table><tr><th>{_e(_t('file'))}</th><th>{_e(_t('error'))}</th><th>{_e(_t('error_message'))}</th></tr>")
        html += [f'<tr><td>{_e(f["name"])}</td><td class="err">{_e(f["code"])}</td><td>{_e(f["message"])}</td></tr>'
                 for f in failures]
        html.append("</table>")
    else:
        html.append(f'<p class="muted">{_e(_t("failures_none"))}</p>')
    html.append("</section>")
    return "".join(html)


def render_review(store: Store, *, compare: Sequence[CompareRow] | None = None, title: str = "govreport review") -> str:
    """The review page of ``store`` as one HTML string."""
    docs = reviewed_documents(store)  # the scores as reviewed (overruled findings, re-categorised headings)
    failures = store.failures()
    checks = reviewed_checks(store)
    findings = reviewed_findings(store)
    rows = compare if compare is not None else compare_store(store)
    generated = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    body = "".join([
        _summary(store, docs, len(findings)),
        _matrix(docs, checks),
        _findings(docs, findings, checks),
        _charts(rows),
        _similarity(store.similarity()),
        _reports(docs, reviewed_metrics(store), checks),
        _non_reports(store, docs),
        _failures(failures),
    ])
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>"
        f'<header><h1>{_e(title)} · {_e(_t("heading"))}</h1>'
        f'<div>{_e(_t("generated", when=generated, version=PIPELINE_VERSION))}</div></header>'
        f"<main>{body}</main><script>{_JS}</script></body></html>"
    )
