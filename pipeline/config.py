"""Reading the TOML files a reviewer can edit (the indicator lexicon, the county checklist).

One place for the parser import (tomllib, or tomli before Python 3.11) and for
the errors: a missing, unreadable or malformed file is a :class:`ConfigError`
that names the file and the problem, which the CLI turns into exit code 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

__all__ = ["parse_toml", "read_toml", "tomllib"]


def parse_toml(text: str, source: str | Path) -> dict[str, Any]:
    """Parse TOML text; ``source`` names it in the error."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"malformed TOML: {exc}", source) from None


def read_toml(path: str | Path, what: str) -> dict[str, Any]:
    """Read a user's TOML file (``what``: "checklist", "lexicon", ...)."""
    try:
        raw = Path(path).read_text("utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{what} file not found", path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the {what}: {exc}", path) from None
    return parse_toml(raw, path)
