"""`govreport serve`: safety (token, host, CSRF, escaping, paths, upload limits), decisions and conflicts.

The server runs for real (uvicorn on 127.0.0.1, a free port, in a thread that
always stops); requests go through urllib like a browser's would.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

from pipeline.batch import run_batch  # noqa: E402
from pipeline.serve import ServeConfig, ServeError, check_config, create_app, is_loopback  # noqa: E402
from pipeline.serve.app import safe_name  # noqa: E402
from pipeline.store import Store  # noqa: E402
from tests.test_corrections import copy_sample_corpus  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

# A fictional township's report with markup in its text (a portal page pasted as text).
HOSTILE = """云杉镇人民政府关于2024年法治政府建设情况的报告
一、主要举措和成效
全年开展集体学法8次。<script>document.title="pwned"</script>
<img src=x onerror="document.title='pwned'">调解纠纷15件。
二、存在的不足和原因
学法形式较单一。
三、下一步工作安排
继续加强学法。
"""


@contextmanager
def running(cfg: ServeConfig, bind: str = "127.0.0.1") -> Iterator[str]:
    """Serve ``cfg`` on a free port of ``bind`` in a thread; yield the base URL; always stop."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((bind, 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(cfg), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the server did not start")
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


class Client:
    """A browser-like client: cookies kept, redirects followed unless asked."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(self, path: str, data: dict[str, str] | None = None, headers: dict[str, str] | None = None,
                *, raw: bytes | None = None) -> tuple[int, str, dict[str, str]]:
        body = raw if raw is not None else (None if data is None else urllib.parse.urlencode(data).encode())
        path = urllib.parse.quote(path, safe="/?&=%:")  # Chinese query values, as a browser sends them
        req = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        try:
            with self.opener.open(req, timeout=120) as resp:
                return resp.status, resp.read().decode("utf-8"), dict(resp.headers)
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8"), dict(exc.headers)

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)


def _sha_links(html: str) -> list[str]:
    return re.findall(r'href="/report/([0-9a-f]{64})"', html)


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store built from the sample corpus, with one hostile report beside it."""
    folder = copy_sample_corpus(tmp_path_factory.mktemp("subs"))
    (folder / "2024" / "云杉镇2024年报告.txt").write_text(HOSTILE, encoding="utf-8")
    db = folder.parent / "store.db"
    with Store(db) as store:
        run_batch(folder, store, workers=1)
    return db


@pytest.mark.parametrize(
    ("host", "token", "ok"),
    [
        ("127.0.0.1", None, True),
        ("localhost", None, True),
        ("::1", None, True),
        ("0.0.0.0", None, False),          # every interface: needs a token
        ("192.168.10.5", None, False),
        ("0.0.0.0", "s3cret-token-1", True),
        ("127.0.0.1", "short", False),     # a token too short to be one
    ],
)
def test_only_loopback_runs_without_a_token(tmp_path: Path, host: str, token: str | None, ok: bool) -> None:
    cfg = ServeConfig(db=tmp_path / "g.db", host=host, token=token)
    if ok:
        check_config(cfg)
    else:
        with pytest.raises(ServeError):
            check_config(cfg)
    assert is_loopback(host) == (host in ("127.0.0.1", "localhost", "::1"))


def test_beyond_localhost_every_request_needs_the_token(corpus_db: Path) -> None:
    token = "county-office-7f3a9"
    with running(ServeConfig(db=corpus_db, host="0.0.0.0", token=token), bind="0.0.0.0") as base:
        anon = Client(base)
        for path in ("/", "/static/app.css", "/report/" + "0" * 64):
            status, body, _ = anon.request(path)
            assert status == 401 and "访问令牌" in body
        assert anon.request("/", headers={"Authorization": "Bearer wrong-token-123"})[0] == 401
        assert anon.request("/?token=wrong-token-123")[0] == 401
        status, body, _ = anon.request("/", headers={"Authorization": f"Bearer {token}"})
        assert status == 200 and "报送情况总览" in body
        browser = Client(base)
        status, body, _ = browser.request(f"/?token={token}")  # once in the address, then a cookie
        assert status == 200 and browser.cookie("govreport_token") == token
        assert browser.request("/")[0] == 200


def test_script_in_a_report_is_shown_as_text(corpus_db: Path) -> None:
    with running(ServeConfig(db=corpus_db)) as base:
        c = Client(base)
        status, html, headers = c.request("/?township=云杉镇")
        assert status == 200
        (sha,) = _sha_links(html)
        status, page, headers = c.request(f"/report/{sha}")
    assert status == 200
    assert "<script>document" not in page and "<img src=x" not in page
    assert "&lt;script&gt;document.title=&#34;pwned&#34;&lt;/script&gt;" in page or "&lt;script&gt;" in page
    assert "script-src 'self'" in headers["content-security-policy"]


def test_foreign_hosts_paths_and_forms_are_refused(corpus_db: Path) -> None:
    with running(ServeConfig(db=corpus_db)) as base:
        c = Client(base)
        status, html, _ = c.request("/")
        sha = _sha_links(html)[0]
        # DNS rebinding: a loopback server answers loopback names only
        assert c.request("/", headers={"Host": "evil.example:80"})[0] == 403
        # no request path reaches the file system
        for path in ("/static/../../store.db", "/static/app.py", "/report/..%2F..%2Fstore.db", "/report/abc"):
            assert c.request(path)[0] == 404
        form = {"kind": "review", "version": "0", "status": "reviewed"}
        assert c.request(f"/report/{sha}/decide", form)[0] == 403  # no CSRF token
        assert c.request(f"/report/{sha}/decide", {**form, "csrf": "guess"})[0] == 403
        csrf = c.cookie("govreport_csrf")
        assert csrf
        assert c.request(f"/report/{sha}/decide", {**form, "csrf": csrf},
                         headers={"Origin": "http://evil.example"})[0] == 403
        # the reviewer's name (Chinese, with quotes) goes with the decision
        c.request("/reviewer", {"csrf": csrf, "name": '张"三\\', "back": "//evil.example/"})
        status, page, _ = c.request(f"/report/{sha}/decide", {**form, "csrf": csrf})
        assert status == 200 and "已保存" in page and 'data-testid="status">已审' in page
    with Store(corpus_db) as store:
        from pipeline.corrections import decisions

        assert decisions(store, sha)[-1]["reviewer"] == '张"三\\'


def test_two_reviewers_editing_one_report_lose_nothing(corpus_db: Path) -> None:
    with running(ServeConfig(db=corpus_db)) as base:
        a, b = Client(base), Client(base)
        html = a.request("/?township=柳溪乡&year=2024")[1]
        sha = _sha_links(html)[0]
        page_a, page_b = a.request(f"/report/{sha}")[1], b.request(f"/report/{sha}")[1]
        version = re.search(r'name="version" value="(\d+)"', page_a).group(1)  # type: ignore[union-attr]
        key = re.search(r'data-testid="metric-(\d+:\d+)"', page_a).group(1)  # type: ignore[union-attr]
        assert f'name="version" value="{version}"' in page_b
        edit = {"kind": "metric", "action": "edit", "key": key, "version": version, "value": "77", "unit": "次",
                "qualifier": "exact", "indicator": "other", "comment": "甲的更正"}
        status, after_a, _ = a.request(f"/report/{sha}/decide", {**edit, "csrf": a.cookie("govreport_csrf") or ""})
        assert status == 200 and "已保存" in after_a
        status, after_b, _ = b.request(f"/report/{sha}/decide", {
            **edit, "value": "88", "comment": "乙的更正", "csrf": b.cookie("govreport_csrf") or ""})
        assert status == 409
        assert "已被其他审核人修改" in after_b and "88" in after_b and "乙的更正" in after_b  # shown back, not lost
        assert "甲的更正" in after_b  # and the first reviewer's change is there
    with Store(corpus_db) as store:
        from pipeline.corrections import decisions

        log = [d for d in decisions(store, sha) if d["target"] == "metric"]
        assert [d["new"]["value"] for d in log] == [77.0]


def test_uploads_are_limited_and_analysed_like_a_batch(corpus_db: Path, tmp_path: Path) -> None:
    cfg = ServeConfig(db=corpus_db, upload_dir=tmp_path / "up", max_upload_mb=0.01, max_upload_files=3)
    with running(cfg) as base:
        c = Client(base)
        c.request("/")
        csrf = c.cookie("govreport_csrf") or ""

        def post(files: list[tuple[str, bytes]]) -> tuple[int, str]:
            boundary = "----govreport-test"
            parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{csrf}\r\n'.encode()]
            for name, body in files:
                parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
                             "Content-Type: application/octet-stream\r\n\r\n".encode() + body + b"\r\n")
            parts.append(f"--{boundary}--\r\n".encode())
            status, html, _ = c.request("/upload", raw=b"".join(parts),
                                        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
            return status, html

        report = HOSTILE.replace("云杉镇", "红枫乡").encode("utf-8")
        status, html = post([("../../红枫乡 2024.txt", report), ("空白.txt", b""), ("宏.xlsm", b"PK")])
        assert status == 200
        assert "✓ 已分析入库" in html and "空文件" in html and "不支持的文件类型" in html
        saved = list((tmp_path / "up").rglob("*.txt"))
        assert [p.name for p in saved] == ["红枫乡_2024.txt"] and saved[0].parent.parent == tmp_path / "up"
        assert "红枫乡" in c.request("/")[1]  # in the overview, from the same pipeline
        assert post([("a.txt", b"x" * 150_000)])[0] == 413  # refused before it is read
        status, html = post([("a.txt", b"x"), ("b.txt", b"y"), ("c.txt", b"z"), ("d.txt", b"w")])
        assert status == 400 and "一次最多上传 3 个文件" in html
        status, html = post([("大.txt", "二".encode() * 4000)])
        assert status == 200 and "上限" in html


def test_a_file_changed_after_review_is_shown_as_changed(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    path = folder / "云杉镇2024年报告.txt"
    path.write_text(HOSTILE, encoding="utf-8")
    db = tmp_path / "g.db"
    with Store(db) as store:
        run_batch(folder, store, workers=1)
    with running(ServeConfig(db=db)) as base:
        c = Client(base)
        sha = _sha_links(c.request("/")[1])[0]
        c.request(f"/report/{sha}/decide", {"csrf": c.cookie("govreport_csrf") or "", "kind": "review",
                                            "version": "0", "status": "reviewed"})
        path.write_text(HOSTILE.replace("8次", "9次"), encoding="utf-8")
        with Store(db) as store:
            run_batch(folder, store, workers=1)
        html = c.request("/")[1]
        (new_sha,) = _sha_links(html)
        assert new_sha != sha and "文件已更改" in html and "待审" in html
        assert 'data-testid="changed"' in c.request(f"/report/{new_sha}")[1]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\报告.docx", "报告.docx"),
        ("云杉镇 2024年报告.pdf", "云杉镇_2024年报告.pdf"),
        ("a\x00b.txt", "a_b.txt"),
        ("...", "upload"),
        ("<script>.html", "_script_.html"),
    ],
)
def test_uploaded_names_are_made_safe(given: str, expected: str) -> None:
    assert safe_name(given) == expected


def test_serve_refuses_another_host_without_a_token_and_other_commands_stay_light(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "cli", "serve", "--db", str(tmp_path / "g.db"), "--host", "0.0.0.0"],
                         capture_output=True, text=True, cwd=ROOT, timeout=60, env=_env_without_token())
    assert out.returncode == 2 and "--token" in out.stderr
    probe = subprocess.run([sys.executable, "-c", "import cli, sys; cli.app(['--help'], standalone_mode=False);"
                            "print(json.dumps(sorted(m for m in ('starlette', 'uvicorn', 'jinja2') if m in sys.modules)))"
                            .replace("import cli", "import cli, json")],
                           capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert json.loads(probe.stdout.strip().splitlines()[-1]) == []


def _env_without_token() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "GOVREPORT_TOKEN"}


def test_a_reviewer_corrects_a_heading_category_and_the_verdict_follows(tmp_path: Path) -> None:
    from tests.test_corrections import qs_batch

    _folder, db = qs_batch(tmp_path)
    with running(ServeConfig(db=db, default_reviewer="赵审核")) as base:
        c = Client(base)
        overview = c.request("/")[1]
        sha = _sha_links(overview)[0]
        assert "下一步安排" in overview and ">plans<" not in overview  # the missing part, in Chinese
        page = c.request(f"/report/{sha}")[1]
        assert "章节结构" in page and 'data-testid="heading-' in page
        key = re.search(r'data-testid="heading-(\d+:\d+)">\s*<td class="lv lv-1">四、着力点', page).group(1)  # type: ignore[union-attr]
        form = {"kind": "heading", "action": "category", "key": key, "category": "plans", "version": "0",
                "comment": "第四部分是明年的安排", "csrf": c.cookie("govreport_csrf") or ""}
        status, html = c.request(f"/report/{sha}/decide", {**form, "category": "future"})[:2]
        assert status == 400 and "未知的章节类别" in html
        status, html = c.request(f"/report/{sha}/decide", form)[:2]
        assert status == 200 and "已保存" in html
        row = re.search(rf'data-testid="heading-{key}">(.*?)</tr>', html, re.S).group(1)  # type: ignore[union-attr]
        assert 'value="plans" selected' in row and "人工更正" in row and "赵审核" in row
        plans = re.search(r'data-testid="finding-plans">(.*?)</tr>', html, re.S).group(1)  # type: ignore[union-attr]
        assert "符合" in plans and "按章节类别更正" in plans and "赵审核" in plans
        assert "更正章节类别" in html  # in the log
        assert "审核后：" in html and "下一步安排" not in html.split('data-testid="reviewed-summary"')[1].split("</p>")[0]
        status, html = c.request(f"/report/{sha}/decide", form)[:2]  # the page of version 0 again
        assert status == 409 and "已被其他审核人修改" in html
        with Store(db) as store:
            from pipeline.corrections import reviewed_documents

            (doc,) = reviewed_documents(store)
            stored = store.documents()[0]["completeness_score"]
        # the overview's score follows: the missing part's deduction is given back
        assert "plans" not in doc["missing"] and doc["completeness_score"] == round(stored + 0.2, 2)
        assert f'{round(doc["completeness_score"] * 100)}%' in c.request("/")[1]
