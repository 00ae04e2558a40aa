"""Typed errors of the govreport library.

Every failure a user can cause has its own class with a stable ``code``. The
CLI and the batch layer turn these into error records (``status: error``) and
exit codes; library code never prints or exits.
"""

from __future__ import annotations

from pathlib import Path


class GovReportError(Exception):
    """Base class: a document or an input that govreport cannot process."""

    code: str = "error"

    def __init__(self, message: str, path: str | Path | None = None) -> None:
        self.path = str(path) if path is not None else None
        self.reason = message
        super().__init__(f"{self.path}: {message}" if self.path else message)

    def to_record(self) -> dict[str, str]:
        """The ``error`` object of the output contract."""
        return {"code": self.code, "message": str(self)}


class FileMissing(GovReportError):
    """The path does not exist (or vanished between listing and reading)."""

    code = "file_not_found"


class FileUnreadable(GovReportError):
    """The operating system refused to read the file (permissions, a folder...)."""

    code = "unreadable"


class EmptyDocument(GovReportError):
    """Zero bytes, or no visible text after extraction."""

    code = "empty"


class UnsupportedFormat(GovReportError):
    """A format govreport does not read (legacy .doc/.wps, spreadsheets, archives...)."""

    code = "unsupported_format"


class EncodingError(GovReportError):
    """A text file in none of the supported Chinese encodings, or binary junk."""

    code = "bad_encoding"


class CorruptDocument(GovReportError):
    """A PDF or DOCX whose container cannot be parsed."""

    code = "corrupt"


class EncryptedDocument(GovReportError):
    """A password-protected PDF or DOCX."""

    code = "encrypted"


class NoTextLayer(GovReportError):
    """A PDF (or image) with no extractable text: it needs OCR."""

    code = "needs_ocr"


class GarbledText(GovReportError):
    """Extraction produced only garbage ((cid:NNN), replacement characters) in every extractor."""

    code = "garbled_text"


class ConfigError(GovReportError):
    """A malformed lexicon, checklist or other user-editable configuration file."""

    code = "bad_config"


class ModelError(GovReportError):
    """A saved model that cannot be loaded (missing, incompatible, corrupt)."""

    code = "model_error"


class StoreError(GovReportError):
    """A store file that cannot be opened or is newer than this version of govreport."""

    code = "bad_store"


class GoldFormatError(GovReportError):
    """A gold annotation file that does not follow gold-format.md."""

    code = "bad_gold"


class TooLarge(GovReportError):
    """A file (or its unpacked content, or its text) over a size limit of :class:`pipeline.limits.Limits`."""

    code = "too_large"


class TooManyPages(GovReportError):
    """A document with more pages (or more pages to OCR) than :class:`pipeline.limits.Limits` allows."""

    code = "too_many_pages"


class TimeLimit(GovReportError):
    """A document whose analysis took longer than the per-file time budget."""

    code = "timeout"


class OutsideRoot(GovReportError):
    """A symbolic link below a batch folder that points outside it: not followed."""

    code = "outside_root"


class BrokenLink(GovReportError):
    """A symbolic link that points nowhere (dangling) or at itself through a loop."""

    code = "broken_link"


# Errors that depend on the moment, not on the file's bytes: never cached as the
# content's result (the next run tries the file again).
TRANSIENT_CODES: frozenset[str] = frozenset(
    {FileMissing.code, FileUnreadable.code, TimeLimit.code, OutsideRoot.code, BrokenLink.code, "internal"}
)
