"""How much a single file may hold: checked before the work that the size would make expensive.

A hostile or careless file can be small on disk and huge once read (a zipped .docx of 342 KB
that expands to 300 MB, 3 million paragraphs in a 49 KB upload). Each limit is checked as
early as the format allows — zip members by their declared sizes before anything is
decompressed, PDF pages before any text is extracted, paragraphs before they are walked — and
each refusal names the limit and the ``CCHC_*`` variable that raises it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IngestLimits:
    """Limits of one document; ``assistant.settings.Settings`` fills them from ``CCHC_*`` variables."""

    max_file_bytes: int = 50_000_000
    max_unzipped_bytes: int = 100_000_000  # all members of a zipped format (.docx), as declared
    max_zip_ratio: float = 100.0  # uncompressed / compressed size of one member ...
    zip_ratio_grace_bytes: int = 1_000_000  # ... once it is larger than this (small XML parts compress well)
    max_pages: int = 2_000
    max_paragraphs: int = 200_000  # lines of text: .docx paragraphs and table rows, lines of a text or PDF
    max_chars: int = 5_000_000

    def over(self, what: str, value: float, limit: float, variable: str, unit: str = "", *,
             at_least: bool = False) -> str:
        """The refusal message: what was found (or a lower bound of it), the limit, and the setting that changes it."""
        found = f"{'at least ' if at_least else ''}{_fmt(value)}{unit}"
        return f"{what} ({found}) is over the limit of {_fmt(limit)}{unit}; raise {variable} to accept it"


DEFAULT_LIMITS = IngestLimits()


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
