"""TXT ingestion: every common Chinese encoding, strictly, with the codec recorded."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import EmptyDocument, EncodingError
from pipeline.ingest.txt import decode_text, read_txt

SIMPLIFIED = "柳溪乡人民政府关于2024年法治政府建设情况的报告\n一、主要举措和成效\n全年开展会前学法12次，化解矛盾纠纷86件。\n"
TRADITIONAL = "柳溪鄉人民政府關於2024年法治政府建設情況的報告\n一、主要舉措和成效\n全年開展會前學法12次，化解矛盾糾紛86件。\n"


@pytest.mark.parametrize(
    ("data", "text", "codec"),
    [
        (SIMPLIFIED.encode("utf-8"), SIMPLIFIED, "utf-8"),
        (b"\xef\xbb\xbf" + SIMPLIFIED.encode("utf-8"), SIMPLIFIED, "utf-8-sig"),
        (SIMPLIFIED.encode("utf-16"), SIMPLIFIED, "utf-16"),  # BOM written by the codec
        (SIMPLIFIED.encode("utf-16-be").join([b"\xfe\xff", b""]), SIMPLIFIED, "utf-16"),
        (SIMPLIFIED.encode("gb18030"), SIMPLIFIED, "gb18030"),
        (SIMPLIFIED.encode("gbk"), SIMPLIFIED, "gb18030"),  # GBK is a subset of GB18030
        (TRADITIONAL.encode("big5"), TRADITIONAL, "big5"),
        (TRADITIONAL.encode("utf-8"), TRADITIONAL, "utf-8"),
    ],
)
def test_decode_round_trips(data: bytes, text: str, codec: str) -> None:
    assert decode_text(data, "x.txt") == (text, codec)


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x01\x02\x03binary\x00junk" * 20,
        bytes(range(256)) * 4,
        b"\xff\xfe\x00\xd8",  # UTF-16 BOM followed by a lone surrogate
    ],
)
def test_binary_junk_is_rejected(data: bytes) -> None:
    with pytest.raises(EncodingError) as info:
        decode_text(data, "junk.txt")
    assert info.value.code == "bad_encoding"
    assert "junk.txt" in str(info.value)


def test_read_txt_records_codec_and_blocks() -> None:
    ex = read_txt(SIMPLIFIED.encode("gb18030"), Path("柳溪乡.txt"))
    assert ex.encoding == "gb18030" and ex.format == "txt"
    assert [ex.text[b.start:b.end] for b in ex.blocks] == [line for line in SIMPLIFIED.split("\n") if line]


def test_whitespace_only_is_empty() -> None:
    with pytest.raises(EmptyDocument):
        read_txt("  \n\u3000\n".encode(), Path("blank.txt"))
