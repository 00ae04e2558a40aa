"""The report text as HTML: everything escaped, offsets kept for the selection script."""

from __future__ import annotations

import re
from html import unescape

import pytest

from pipeline.serve.markup import marked_text

TEXT = "一、主要举措\n全年学法<b>12</b>次&调解5件。\n二、问题"
RECORD = {
    "headings": [{"start": 0, "end": 6, "level": 1, "category": "achievements"},
                 {"start": 28, "end": 32, "level": 1, "category": "shortcomings"}],
    "paragraphs": [{"start": 7, "end": 27, "category": "achievements"}],
}


@pytest.mark.parametrize(
    ("metrics", "marked"),
    [
        ([], []),
        ([{"start": 14, "end": 16, "key": "14:16", "origin": "extracted"}], ["12"]),
        ([{"start": 24, "end": 25, "key": "24:25", "origin": "corrected"}], ["5"]),
        # overlapping or out-of-range spans are left to the table, never break the text
        ([{"start": 14, "end": 16, "key": "a"}, {"start": 15, "end": 17, "key": "b"}, {"start": 90, "end": 99}], ["12"]),
    ],
)
def test_marked_text_escapes_and_keeps_offsets(metrics: list[dict[str, object]], marked: list[str]) -> None:
    html = marked_text(TEXT, RECORD, metrics)
    assert "<b>" not in html and "&lt;b&gt;" in html and "&lt;/b&gt;" in html and "&amp;" in html
    # every character is there once, in order, and each run starts at its data-o offset
    runs = re.findall(r'<span data-o="(\d+)">([^<]*)</span>', html)
    assert "".join(unescape(t) for _, t in runs) == TEXT
    for offset, text in runs:
        assert TEXT[int(offset):int(offset) + len(unescape(text))] == unescape(text)
    assert [unescape(m) for m in re.findall(r'<mark[^>]*><span data-o="\d+">([^<]*)</span></mark>', html)] == marked
    assert 'class="blk h1 sec-achievements"' in html and 'class="blk p sec-achievements"' in html
