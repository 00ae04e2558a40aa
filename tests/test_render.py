"""render: plain text as a PDF whatever CJK fonts the machine has (a font reportlab rejects falls back)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("reportlab")

NOTO = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"

_SCRIPT = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from pipeline import render
    from pipeline.ingest import read_path

    render._TTF_CANDIDATES = tuple(sys.argv[2:])
    out = render.text_to_pdf("青石乡人民政府\\n一、主要举措\\n全年开展法治讲座6次。", Path(sys.argv[1]))
    print(read_path(out)[1].text)
    """
)


def _render_with_fonts(tmp_path: Path, fonts: list[str]) -> str:
    # A fresh interpreter: reportlab's font registry is process-wide.
    done = subprocess.run([sys.executable, "-c", _SCRIPT, str(tmp_path / "r.pdf"), *fonts],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize(
    "font",
    [
        "junk",  # a file that is no font at all
        pytest.param(NOTO, marks=pytest.mark.skipif(not Path(NOTO).exists(), reason="fonts-noto-cjk not installed")),
    ],
)
def test_a_font_reportlab_rejects_falls_back(tmp_path: Path, font: str) -> None:
    if font == "junk":
        font = str(tmp_path / "broken.ttc")
        Path(font).write_bytes(b"OTTO" + bytes(400))
    text = _render_with_fonts(tmp_path, [font])
    assert "法治讲座6次" in text.replace(" ", "")
