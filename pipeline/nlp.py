"""STUB (foundation): replaced by the owned jieba tokenizer and spaCy pipeline (issue 3)."""
from __future__ import annotations


class JiebaTokenizer:
    def warm(self) -> None:
        pass

    def cut(self, text: str) -> list[str]:
        return list(text)
