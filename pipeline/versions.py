"""What a stored analysis depends on: the pipeline version, the lexicon, the checklist, the models.

A batch reuses a stored result only under the same :func:`analysis_version`;
:func:`model_version` names the models an analysis used (recorded beside it).
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any

from pipeline.ingest import file_sha256
from pipeline.limits import DEFAULT_LIMITS
from pipeline.run import PIPELINE_VERSION, Resources


def _model_paths(options: dict[str, Any]) -> list[Path]:
    """The model files an analysis reads: section classifier, indicator linker, report-type classifier."""
    from pipeline.section_model import default_model_path as section_path
    from pipeline.doctype import default_model_path as doctype_path
    from pipeline.linker import default_model_path as linker_path

    return [
        Path(options.get("classifier_path") or section_path()),
        Path(options.get("linker_path") or linker_path()),
        Path(options.get("doctype_path") or doctype_path()),
    ]


def _versions_of(paths: list[Path]) -> list[str]:
    out = []
    for path in paths:
        try:
            st = path.stat()
        except OSError:
            continue
        out.append(_file_version(str(path), st.st_size, st.st_mtime_ns))
    return out


def model_version(resources: Resources) -> str | None:
    """The models in use, each named by its file's content hash (None when running on rules only)."""
    if not resources.use_model:
        return None
    loaded = (resources.classifier, resources.linker, resources.doctype)
    paths = _model_paths(
        {"classifier_path": resources.classifier_path, "linker_path": resources.linker_path, "doctype_path": resources.doctype_path}
    )
    names = _versions_of([p for p, m in zip(paths, loaded) if m is not None])
    return ",".join(names) or None


@functools.lru_cache(maxsize=8)
def _file_version(path: str, size: int, mtime_ns: int) -> str:
    return f"{Path(path).name}@{file_sha256(Path(path))[:12]}"


def _checklist_bytes(options: tuple[tuple[str, Any], ...]) -> bytes:
    """The checklist file's bytes (the county's, else the packaged one): its thresholds decide the findings."""
    path = dict(options).get("checklist_path")
    if path is not None:
        try:
            return Path(path).read_bytes()
        except OSError:
            return str(path).encode()
    from importlib import resources as importlib_resources

    return importlib_resources.files("pipeline").joinpath("data/checklist.toml").read_bytes()


def _config_bytes(options: tuple[tuple[str, Any], ...], key: str, packaged: str) -> bytes:
    """A county's configuration file's bytes, else the packaged one's."""
    path = dict(options).get(key)
    if path is not None:
        try:
            return Path(path).read_bytes()
        except OSError:
            return str(path).encode()
    from importlib import resources as importlib_resources

    return importlib_resources.files("pipeline").joinpath(packaged).read_bytes()


def analysis_version(options: tuple[tuple[str, Any], ...]) -> str:
    """The version a stored result must match to be reused: pipeline, lexicon, checklist and model.

    A re-run with another ``--lexicon`` or ``--checklist`` (or a retrained model)
    must re-analyse: the same file would give other metrics or verdicts.
    """
    h = hashlib.sha256()
    h.update(_config_bytes(options, "lexicon_path", "data/indicators.toml"))
    h.update(b"\0")
    h.update(_checklist_bytes(options))
    h.update(b"\0")
    if dict(options).get("use_model", True):
        h.update(",".join(_versions_of(_model_paths(dict(options)))).encode() or b"rules-only")
    # Other limits give other results (too_large, too_many_pages); the defaults add nothing,
    # so stores analysed before limits existed stay valid.
    limits_key = dict(options).get("limits", DEFAULT_LIMITS).cache_key()
    if limits_key:
        h.update(b"\0limits:" + limits_key.encode())
    return f"{PIPELINE_VERSION}+{h.hexdigest()[:12]}"
