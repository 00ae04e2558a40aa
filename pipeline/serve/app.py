"""The review workspace: Starlette routes, security checks and the upload path.

Safety rules (issue 13):

- binds 127.0.0.1 by default; any other address needs a token (``--token`` or
  ``GOVREPORT_TOKEN``), and then every request must carry it (``Authorization:
  Bearer``, the cookie set after the first visit, or ``?token=`` once);
- a loopback server only answers to loopback host names (a web page elsewhere
  cannot reach it by DNS rebinding);
- every state-changing request carries a CSRF token (double submit: cookie and
  form field) and, when the browser sends one, an Origin of this server;
- Jinja2 autoescaping everywhere; the report text is escaped by markup.py;
- no part of a request path is used as a file path: static files are served
  from memory, reports are looked up by their content hash, uploads are stored
  under a name the server makes (hash folder + a sanitised file name);
- uploads are limited in size and number; over the limit the request is refused
  before it is read;
- every decision carries the report's review version; a stale one is refused
  with a Chinese message, and what the reviewer submitted is shown back.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import secrets
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import quote, unquote, urlencode, urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from pipeline import labels
from pipeline.compare import fmt_number, indicator_catalogue, indicator_name
from pipeline.corrections import (
    CORRECTION_LABELS,
    QUALIFIERS,
    STATUSES,
    CorrectionError,
    ReviewConflict,
    apply_to_checks,
    apply_to_metrics,
    changed_files,
    decisions,
    effective_status,
    heading_decision,
    metric_decision,
    record_decisions,
    review_state,
    review_states,
    reviewed_documents,
    reviewed_findings,
    reviewed_score,
    reviewed_sections,
    reviewed_summary,
)
from pipeline.errors import GovReportError
from pipeline.serve.markup import CATEGORY_LABELS, marked_text
from pipeline.store import Store

TOKEN_COOKIE, CSRF_COOKIE, REVIEWER_COOKIE = "govreport_token", "govreport_csrf", "govreport_reviewer"
_SHA = re.compile(r"^[0-9a-f]{64}$")
_STATIC = ("app.css", "app.js")
_CONTENT_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
_SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
_FINDING_STATUS = {"ok": "符合", "missing": "缺失", "warning": "提醒", "error": "问题", "info": "提示"}
_REVIEW_LABELS = {"accepted": "已确认", "overruled": "已否决"}
_ORIGIN_LABELS = {k: labels.value(k) for k in ("extracted", "corrected")}


class ServeError(GovReportError):
    """A server configuration that is not safe or cannot work (e.g. another host without a token)."""

    code = "bad_serve_config"


@dataclass(frozen=True)
class ServeConfig:
    """Where the store is, where to listen, and the limits."""

    db: Path
    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = None
    upload_dir: Path | None = None  # default: govreport-uploads beside the store
    max_upload_mb: float = 20.0
    max_upload_files: int = 20
    default_reviewer: str = "审核人"
    workers: int = 1  # analysis processes for uploads

    @property
    def uploads(self) -> Path:
        return self.upload_dir or self.db.resolve().parent / "govreport-uploads"

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_config(cfg: ServeConfig) -> None:
    """Refuse an unsafe configuration: another address than loopback needs a token."""
    if not is_loopback(cfg.host) and not cfg.token:
        raise ServeError(f"监听 {cfg.host} 会让其他计算机访问审核数据：请用 --token（或环境变量 GOVREPORT_TOKEN）设置访问令牌")
    if cfg.token is not None and len(cfg.token) < 8:
        raise ServeError("访问令牌太短（至少 8 个字符）")
    if cfg.max_upload_files < 1 or cfg.max_upload_mb <= 0:
        raise ServeError("上传数量和大小上限必须为正数")


def _static_files() -> dict[str, bytes]:
    # Read once from the package (never from a request path).
    root = resources.files("pipeline.serve") / "static"
    return {name: (root / name).read_bytes() for name in _STATIC}


def _templates() -> Environment:
    env = Environment(loader=PackageLoader("pipeline.serve", "templates"), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = fmt_number
    env.filters["indicator"] = indicator_name
    env.globals.update(STATUSES=STATUSES, QUALIFIERS=QUALIFIERS, CATEGORY_LABELS=CATEGORY_LABELS,
                       FINDING_STATUS=_FINDING_STATUS, REVIEW_LABELS=_REVIEW_LABELS,
                       CORRECTION_LABELS=CORRECTION_LABELS, ORIGIN_LABELS=_ORIGIN_LABELS)
    return env


def _same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a).encode(), str(b).encode())


class _Workspace:
    """The state every route handler shares (configuration, templates, static files, the upload lock)."""

    def __init__(self, cfg: ServeConfig) -> None:
        self.cfg = cfg
        self.env = _templates()
        self.static = _static_files()
        self.catalogue = sorted(indicator_catalogue().values(), key=lambda i: i.id)
        self.analysing = threading.Lock()  # one batch over the upload folder at a time

    def routes(self) -> list[Route]:
        """The route table of the workspace."""
        return [
            Route("/", self.overview),
            Route("/report/{sha}", self.report),
            Route("/report/{sha}/decide", self.decide, methods=["POST"]),
            Route("/reviewer", self.set_reviewer, methods=["POST"]),
            Route("/upload", self.upload, methods=["POST"]),
            Route("/static/{name}", self.static_file),
        ]

    # -- rendering and request helpers -------------------------------------------
    def page(self, request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        context.update(csrf=request.state.csrf, reviewer=request.state.reviewer, cfg=self.cfg)
        return HTMLResponse(self.env.get_template(template).render(**context), status_code=status_code)

    def message(self, request: Request, title: str, text: str, status_code: int) -> HTMLResponse:
        return self.page(request, "message.html", status_code, title=title, text=text)

    def open_store(self) -> Store:
        return Store(self.cfg.db)

    async def form(self, request: Request) -> Any:
        """The posted form, after the CSRF check (raises a 403 response otherwise)."""
        data = await request.form(max_files=0, max_fields=64)
        if not _csrf_ok(request, data):
            raise _Refused(403, "请求缺少有效的防伪令牌（CSRF）：请刷新页面后重试")
        return data

    # -- pages -----------------------------------------------------------------
    async def overview(self, request: Request) -> Response:
        q = request.query_params
        with self.open_store() as store:
            rows = _overview_rows(store)
            failures = store.failures()
        town, year, status = q.get("township", "").strip(), q.get("year", ""), q.get("status", "")
        years = sorted({r["year"] for r in rows if r["year"]})
        rows = _filter_rows(rows, town, year, status)
        sort = q.get("sort", "township")
        rows.sort(key=_SORT_KEYS.get(sort, _SORT_KEYS["township"]), reverse=q.get("desc") == "1")
        counts = Counter(r["status"] for r in rows)

        def sort_link(key: str) -> str:
            params = {k: v for k, v in q.items() if k not in ("sort", "desc")}
            params["sort"] = key
            if sort == key and q.get("desc") != "1":
                params["desc"] = "1"
            return "/?" + urlencode(params)

        return self.page(request, "overview.html", rows=rows, years=years, f_town=town, f_year=year, f_status=status,
                         sort=sort, sort_link=sort_link, counts=counts, failures=failures,
                         saved=q.get("uploaded"))

    def report_context(self, store: Store, sha: str) -> dict[str, Any] | None:
        doc = store.conn.execute("SELECT * FROM documents WHERE sha256 = ?", (sha,)).fetchone()
        if doc is None:
            return None
        doc = dict(doc)
        doc["sources"] = [r[0] for r in store.conn.execute(
            "SELECT name FROM sources WHERE sha256 = ? ORDER BY name", (sha,)).fetchall()]
        record = store.record(sha) or {}
        text = store.text(sha) or ""
        log = decisions(store, sha)
        metrics = apply_to_metrics(record.get("metrics") or [], log, keep_rejected=True, record=record)
        for m in metrics:
            m["indicator_name"] = indicator_name(str(m.get("indicator") or "other"))
        sections = reviewed_sections(record, log)
        headings = sections["headings"]
        comp = record.get("completeness") or {}
        items = comp.get("items") or []
        checks = apply_to_checks(items, log, headings=record.get("headings") or [])
        return {
            "doc": doc, "record": record, "text": text, "log": list(reversed(log)),
            "metrics": metrics, "checks": checks, "headings": headings,
            "summary": comp.get("summary"), "reviewed_summary": reviewed_summary(items, checks),
            "score": reviewed_score(comp.get("score"), [i.get("status") for i in items],
                                    [effective_status(c) for c in checks]),
            "marked": Markup(marked_text(text, sections, [m for m in metrics if m["origin"] != "rejected"])),
            "state": review_state(store, sha), "changed": changed_files(store).get(sha, []),
            "catalogue": self.catalogue,
            "comments": [d for d in log if d["target"] == "report" and d["action"] == "comment"],
        }

    async def report(self, request: Request) -> Response:
        sha = request.path_params["sha"]
        if not _SHA.match(sha):
            return self.message(request, "未找到", "没有这份报告。", 404)
        with self.open_store() as store:
            ctx = self.report_context(store, sha)
        if ctx is None:
            return self.message(request, "未找到", "没有这份报告（可能已从文件夹中删除）。", 404)
        return self.page(request, "report.html", saved=request.query_params.get("saved"), **ctx)

    # -- state-changing requests -----------------------------------------------
    async def decide(self, request: Request) -> Response:
        """Every decision on one report: metric, finding, comment, status (one form each, one handler)."""
        sha = request.path_params["sha"]
        if not _SHA.match(sha):
            return self.message(request, "未找到", "没有这份报告。", 404)
        data = await self.form(request)
        kind = str(data.get("kind") or "")
        try:
            expected = int(str(data.get("version") or ""))
        except ValueError:
            return self.message(request, "请求无效", "缺少报告版本号：请刷新页面后重试。", 400)
        comment = (str(data.get("comment") or "").strip()[:2000]) or None
        with self.open_store() as store:
            ctx = self.report_context(store, sha)
            if ctx is None:
                return self.message(request, "未找到", "没有这份报告。", 404)
            try:
                items, status, anchor = _decision_items(kind, data, ctx, comment)
                record_decisions(store, sha, expected, request.state.reviewer, items, status=status)
            except ReviewConflict as exc:
                ctx = self.report_context(store, sha) or ctx
                submitted = [(k, str(v)) for k, v in data.multi_items() if k not in ("csrf",)]
                return self.page(request, "report.html", 409, conflict=str(exc), submitted=submitted, **ctx)
            except CorrectionError as exc:
                return self.page(request, "report.html", 400, error=str(exc), **ctx)
        return RedirectResponse(f"/report/{sha}?saved=1#{anchor}", status_code=303)

    async def set_reviewer(self, request: Request) -> Response:
        data = await self.form(request)
        name = unicodedata.normalize("NFC", str(data.get("name") or "")).strip()[:60]
        back = str(data.get("back") or "/")
        if not back.startswith("/") or back.startswith("//"):
            back = "/"  # only pages of this server
        response = RedirectResponse(back, status_code=303)
        response.set_cookie(REVIEWER_COOKIE, quote(name or self.cfg.default_reviewer), httponly=True, samesite="strict")
        return response

    async def upload(self, request: Request) -> Response:
        cfg = self.cfg
        limit = cfg.max_upload_files * cfg.max_upload_bytes + 64 * 1024
        length = request.headers.get("content-length")
        if length is None or not length.isdigit() or int(length) > limit:
            return self.message(request, "上传被拒绝",
                                f"一次最多上传 {cfg.max_upload_files} 个文件，每个不超过 {cfg.max_upload_mb:g} MB。", 413)
        try:
            data = await request.form(max_files=cfg.max_upload_files, max_fields=8)
        except (MultiPartException, HTTPException) as exc:  # too many files, a malformed body: the client's to fix
            return self.message(request, "上传被拒绝", f"一次最多上传 {cfg.max_upload_files} 个文件；上传内容无法读取（{getattr(exc, 'detail', None) or exc}）", 400)
        if not _csrf_ok(request, data):
            return self.message(request, "请求被拒绝", "请求缺少有效的防伪令牌（CSRF）：请刷新页面后重试", 403)
        files = [f for f in data.getlist("files") if isinstance(f, UploadFile) and f.filename]
        if not files:
            return self.message(request, "没有文件", "请选择或拖入要分析的报告文件。", 400)
        outcomes, saved = await _receive(files, cfg)
        if saved:
            result = await run_in_threadpool(_analyse_uploads, cfg, self.analysing)
            failed = {f["name"]: f["message"] for f in result}
            for o in outcomes:
                if o.get("name") in failed:
                    o["error"] = failed[o["name"]]
        return self.page(request, "upload.html", outcomes=outcomes)

    async def static_file(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name not in self.static:
            return PlainTextResponse("未找到", status_code=404)
        return Response(self.static[name], media_type=_CONTENT_TYPES[Path(name).suffix])


def create_app(cfg: ServeConfig) -> Starlette:
    """The ASGI application for ``cfg`` (uvicorn runs it; tests use it directly)."""
    check_config(cfg)
    workspace = _Workspace(cfg)
    app = Starlette(routes=workspace.routes())
    app.add_middleware(_Guard, cfg=cfg, loopback=is_loopback(cfg.host), render=workspace.message)
    return app


def _csrf_ok(request: Request, data: Any) -> bool:
    """Double submit: the form's CSRF field matches the cookie."""
    return _same(data.get("csrf"), request.cookies.get(CSRF_COOKIE))


def _overview_rows(store: Store) -> list[dict[str, Any]]:
    """One row per stored report for the overview table, with its review state and counts."""
    # the missing parts and score as reviewed (overruled findings, re-categorised headings)
    docs = reviewed_documents(store)
    states = review_states(store)
    changed = changed_files(store)
    # a finding the reviewer overruled is no longer an issue
    issues = Counter(f["sha256"] for f in reviewed_findings(store, include_all=True))
    corrected = Counter(r["sha256"] for r in store.conn.execute(
        "SELECT sha256 FROM corrections WHERE target IN ('metric', 'finding', 'heading')").fetchall())
    rows = []
    for d in docs:
        state = states.get(d["sha256"], {})
        rows.append({
            "sha256": d["sha256"], "entity": d.get("entity") or "", "county": d.get("county") or "",
            "year": d.get("year"), "title": d.get("title") or "", "sources": d["sources"],
            "status": state.get("status", "pending"), "score": d.get("completeness_score"),
            "missing": [labels.category(m) for m in d.get("missing") or []], "issues": issues[d["sha256"]], "n_metrics": d.get("n_metrics"),
            "corrections": corrected[d["sha256"]], "changed": d["sha256"] in changed,
            "ok": d["status"] == "ok", "is_report": d.get("is_report"),
            "error": d.get("error_message"), "reviewer": state.get("updated_by"),
        })
    return rows


def _filter_rows(rows: list[dict[str, Any]], town: str, year: str, status: str) -> list[dict[str, Any]]:
    """The overview rows matching the township text, year and review status filters (empty: no filter)."""
    if town:
        rows = [r for r in rows if town in r["entity"] or town in r["title"] or any(town in s for s in r["sources"])]
    if year.isdigit():
        rows = [r for r in rows if r["year"] == int(year)]
    if status in STATUSES:
        rows = [r for r in rows if r["status"] == status]
    return rows


# The overview's sort orders (the entity breaks ties).
_SORT_KEYS: Mapping[str, Callable[[dict[str, Any]], Any]] = MappingProxyType({
    "township": lambda r: (r["entity"], r["year"] or 0), "year": lambda r: (r["year"] or 0, r["entity"]),
    "status": lambda r: (list(STATUSES).index(r["status"]), r["entity"]),
    "score": lambda r: (r["score"] if r["score"] is not None else -1, r["entity"]),
    "issues": lambda r: (r["issues"], r["entity"]), "metrics": lambda r: (r["n_metrics"] or 0, r["entity"]),
})


class _Refused(Exception):
    def __init__(self, status: int, text: str) -> None:
        super().__init__(text)
        self.status, self.text = status, text


def _decision_items(kind: str, data: Any, ctx: dict[str, Any], comment: str | None
                    ) -> tuple[list[dict[str, Any]], str | None, str]:
    """The log items, the new status (or None) and the page anchor for one posted form."""
    action = str(data.get("action") or "")
    if kind == "metric":
        key = str(data.get("key") or "")
        current = next((m for m in ctx["metrics"] if m.get("key") == key), None)
        if action != "add" and current is None:
            raise CorrectionError("这条指标已不存在（报告可能已重新分析）：请刷新页面")
        fields = {k: data.get(k) for k in ("indicator", "value", "unit", "qualifier", "per") if data.get(k) is not None}
        old = None if current is None else {k: v for k, v in current.items()
                                            if k not in ("correction", "origin", "key", "indicator_name")}
        if action == "add" and data.get("start") is not None:
            key = f"{data.get('start')}:{data.get('end')}"
        item = metric_decision(ctx["record"], ctx["text"], action, key, fields, old, comment)
        return [item], None, f"row-{item['key'].replace(':', '-')}"
    if kind == "finding":
        key = str(data.get("item") or "")
        current = next((c for c in ctx["checks"] if str(c.get("id")) == key), None)
        if current is None:
            raise CorrectionError("没有这项检查结果")
        old = {k: current.get(k) for k in ("status", "message", "evidence")}
        return [{"target": "finding", "key": key, "action": action, "old": old,
                 "new": {"review": action}, "comment": comment}], None, f"finding-{key}"
    if kind == "heading":
        key = str(data.get("key") or "")
        item = heading_decision(ctx["headings"], action, key, str(data.get("category") or "") or None, comment)
        return [item], None, f"heading-{key.replace(':', '-')}"
    if kind == "review":
        status = str(data.get("status") or "") or None
        items = [{"target": "report", "key": "", "action": "comment", "old": None, "new": None, "comment": comment}] \
            if comment else []
        if status is None and not items:
            raise CorrectionError("没有要保存的内容")
        return items, status, "review"
    raise CorrectionError("未知的操作")


async def _receive(files: list[UploadFile], cfg: ServeConfig) -> tuple[list[dict[str, Any]], int]:
    """Save each upload under a server-made path; the per-file outcome (refused ones with the reason)."""
    from pipeline.ingest import LEGACY_SUFFIXES, SUPPORTED_SUFFIXES

    outcomes: list[dict[str, Any]] = []
    saved = 0
    for f in files:
        name = safe_name(f.filename or "")
        outcome: dict[str, Any] = {"filename": f.filename, "name": None, "error": None}
        outcomes.append(outcome)
        suffix = Path(name).suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES | LEGACY_SUFFIXES:
            outcome["error"] = f"不支持的文件类型“{suffix or '无扩展名'}”（支持 PDF、DOCX、TXT、HTML、图片等）"
            continue
        body = bytearray()
        while chunk := await f.read(1 << 16):
            body += chunk
            if len(body) > cfg.max_upload_bytes:
                break
        if len(body) > cfg.max_upload_bytes:
            outcome["error"] = f"文件超过 {cfg.max_upload_mb:g} MB 的上限，未保存"
            continue
        if not body:
            outcome["error"] = "空文件，未保存"
            continue
        digest = hashlib.sha256(body).hexdigest()
        folder = cfg.uploads / digest[:16]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(bytes(body))
        outcome["name"] = f"{digest[:16]}/{name}"
        saved += 1
    return outcomes, saved


def safe_name(filename: str) -> str:
    """A file name made from the uploaded one: last path part, no control or path characters, bounded length."""
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", filename))[-1]
    base = "".join(ch if (ch.isalnum() or ch in "._-（）()") and unicodedata.category(ch)[0] != "C" else "_"
                   for ch in base).strip(" .")
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = stem[:80] or "upload"
    return f"{stem}.{suffix[:10]}" if suffix else stem


def _analyse_uploads(cfg: ServeConfig, lock: threading.Lock) -> list[dict[str, Any]]:
    """Run the batch over the upload folder (only new files are analysed); its failures, named as the batch does."""
    from pipeline.batch import run_batch

    with lock, Store(cfg.db) as store:
        result = run_batch(cfg.uploads, store, workers=cfg.workers)
    return [{"name": f["name"], "message": f["message"]} for f in result.failures]


class _Guard:
    """ASGI middleware: host check, token, CSRF cookie, reviewer name, security headers."""

    def __init__(self, app: Any, cfg: ServeConfig, loopback: bool, render: Any) -> None:
        self.app, self.cfg, self.loopback, self.render = app, cfg, loopback, render

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        request.state.csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
        request.state.reviewer = _reviewer(request, self.cfg)
        response = self.check(request)
        if response is None:
            try:
                await self.app(scope, receive, self._headers(send, request))
                return
            except _Refused as exc:
                response = self.render(request, "请求被拒绝", exc.text, exc.status)
        await response(scope, receive, self._headers(send, request))

    def check(self, request: Request) -> Response | None:
        host = (request.headers.get("host") or "").rsplit(":", 1)[0].strip("[]")
        if self.loopback and not is_loopback(host):
            return PlainTextResponse("拒绝访问：此服务只接受本机地址（127.0.0.1 / localhost）", status_code=403)
        token = self.cfg.token
        if token:
            auth = request.headers.get("authorization", "")
            given = auth[7:] if auth.lower().startswith("bearer ") else request.cookies.get(TOKEN_COOKIE)
            query = request.query_params.get("token")
            if _same(query, token) and request.method == "GET":
                # First visit with ?token=: keep it in a cookie and drop it from the address bar.
                target = request.url.path + ("?" + urlencode([(k, v) for k, v in request.query_params.multi_items()
                                                              if k != "token"]) if len(request.query_params) > 1 else "")
                response = RedirectResponse(target, status_code=303)
                response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict")
                return response
            if not _same(given, token):
                return PlainTextResponse("需要访问令牌：请使用管理员给出的完整地址（含 ?token=…）打开", status_code=401)
        if request.method not in ("GET", "HEAD"):
            origin = request.headers.get("origin")
            if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host"):
                return PlainTextResponse("拒绝访问：请求来自其他网站", status_code=403)
        return None

    def _headers(self, send: Any, request: Request) -> Any:
        csrf_new = request.cookies.get(CSRF_COOKIE) != request.state.csrf

        async def wrapped(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                headers += [(k.lower().encode(), v.encode()) for k, v in _SECURITY_HEADERS.items()]
                if csrf_new:
                    headers.append((b"set-cookie", f"{CSRF_COOKIE}={request.state.csrf}; Path=/; HttpOnly; "
                                                   "SameSite=Strict".encode()))
                message = {**message, "headers": headers}
            await send(message)

        return wrapped


def _reviewer(request: Request, cfg: ServeConfig) -> str:
    name = unquote(request.cookies.get(REVIEWER_COOKIE) or "").strip()[:60]
    return name or cfg.default_reviewer


def run(cfg: ServeConfig) -> None:
    """Serve until interrupted (uvicorn)."""
    import uvicorn

    check_config(cfg)
    uvicorn.run(create_app(cfg), host=cfg.host, port=cfg.port, log_level="warning", server_header=False)

