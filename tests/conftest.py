"""Shared fixtures: one Resources per test session, and the shared corpus when present."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from pipeline.run import Resources

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"


def shared_root() -> Path:
    """../shared beside the checkout (CI lays it there), or $GOVREPORT_SHARED."""
    return Path(os.environ.get("GOVREPORT_SHARED", ROOT.parent / "shared"))


def dev_dir() -> Path:
    return shared_root() / "corpus" / "dev"


def load_dev_docs() -> list[dict[str, Any]]:
    """Every dev gold document, or an empty list when the corpus is absent."""
    d = dev_dir()
    if not d.is_dir():
        return []
    return [json.loads(p.read_text("utf-8")) for p in sorted(d.glob("*.json"))]


@pytest.fixture(scope="session")
def resources() -> Resources:
    """Built once: jieba's dictionary and the classifier are slow to load."""
    return Resources()


@pytest.fixture(scope="session")
def shared() -> Path:
    root = shared_root()
    if not (root / "corpus").is_dir():
        pytest.skip("../shared/corpus is not present")
    return root


@pytest.fixture(scope="session")
def dev_docs() -> list[dict[str, Any]]:
    docs = load_dev_docs()
    if not docs:
        pytest.skip("../shared/corpus/dev is not present")
    return docs
