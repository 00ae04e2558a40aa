"""pipeline/limits.py: the limits file, the checks that name their limit, the time budget."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from pipeline.errors import ConfigError, GovReportError
from pipeline.limits import DEFAULT_LIMITS, Limits, TimeBudget, load_limits


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ("[limits]\nmax_file_mb = 80\n", Limits(max_file_mb=80.0)),
        ("[limits]\nmax_pages = 50\nfile_seconds = 30\n", Limits(max_pages=50, file_seconds=30.0)),
        ("# 县里没有改动\n", DEFAULT_LIMITS),
    ],
)
def test_limits_file(tmp_path: Path, toml: str, expected: Limits) -> None:
    path = tmp_path / "limits.toml"
    path.write_text(toml, "utf-8")
    got = load_limits(path)
    assert got == expected
    assert isinstance(got.max_pages, int)


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[limits]\nmax_size = 5\n", "unknown limit 'max_size'"),
        ("[limits]\nmax_pages = -1\n", "must be a number >= 0"),
        ("[limits]\nmax_pages = \"五百\"\n", "must be a number >= 0"),
        ("[limits]\nfile_seconds = true\n", "must be a number >= 0"),
        ("limits = 3\n", "must be a table"),
        ("[limits\n", "malformed TOML"),
    ],
)
def test_a_bad_limits_file_names_the_problem(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "limits.toml"
    path.write_text(toml, "utf-8")
    with pytest.raises(ConfigError, match=message) as info:
        load_limits(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize(
    ("check", "value", "code", "name"),
    [
        ("check_file_size", 51 << 20, "too_large", "max_file_mb"),
        ("check_chars", 2_000_001, "too_large", "max_chars"),
        ("check_pages", 501, "too_many_pages", "max_pages"),
        ("check_ocr_pages", 201, "too_many_pages", "max_ocr_pages"),
    ],
)
def test_each_check_names_its_limit(check: str, value: int, code: str, name: str) -> None:
    getattr(DEFAULT_LIMITS, check)(value - 1 if code != "too_large" or check != "check_file_size" else 50 << 20, "x")
    with pytest.raises(GovReportError) as info:
        getattr(DEFAULT_LIMITS, check)(value, "青石镇2024.pdf")
    assert info.value.code == code and name in str(info.value) and "青石镇2024.pdf" in str(info.value)


def test_only_changed_limits_enter_the_cache_version() -> None:
    assert DEFAULT_LIMITS.cache_key() == ""
    assert Limits(file_seconds=5).cache_key() == ""  # a timeout is never cached
    assert Limits(max_pages=10).cache_key() == "max_pages=10"


def test_time_budget_fires_again_after_library_code_swallowed_it() -> None:
    t0 = time.perf_counter()
    with TimeBudget(0.3, "slow.txt") as budget:
        try:
            while time.perf_counter() - t0 < 10:
                sum(range(10_000))
        except Exception:  # noqa: BLE001 - library code that eats every error (a PDF page reader does)
            pass
        while time.perf_counter() - t0 < 10:  # ... and goes on working: the timer fires again
            sum(range(10_000))
    assert budget.expired and time.perf_counter() - t0 < 3
    assert budget.error().code == "timeout"


def test_time_budget_leaves_a_fast_block_alone() -> None:
    with TimeBudget(5, "fast.txt") as budget:
        total = sum(range(1000))
    assert not budget.expired and total == 499500
    time.sleep(0.1)  # no stray alarm after the block
