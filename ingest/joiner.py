"""A paragraph being re-joined line by line, in time linear in its length.

Re-joining wrapped lines used to grow one string: every join copied it, and every decision
(open quotation? code cut after '-'? sentence end?) scanned it again, so a paragraph of N
lines cost O(N²) — 10 s for 20,000 one-word lines. :class:`Paragraph` keeps the pieces in a
list, running counts of the brackets that decide joining, and its last few characters; the
text is built once when it is needed (and only short paragraphs are ever read whole while
joining). The joined text is exactly what folding :func:`ingest.text.join_fragments` over the
pieces gives.
"""

from __future__ import annotations

from ingest.text import ends_with_code_tail

_TAIL = 8  # characters kept to answer endswith(...) questions


class Paragraph:
    """Pieces of one paragraph, joined like :func:`ingest.text.join_fragments` does."""

    __slots__ = ("_parts", "_length", "_tail", "_open_quotes", "_open_parens", "_raw_first")

    def __init__(self, first: str) -> None:
        self._parts: list[str] = []
        self._length = 0
        self._tail = ""
        self._open_quotes = 0
        self._open_parens = 0
        self._add("", first)
        # join_fragments strips its left side: a first piece with outer white space loses it on the first join
        self._raw_first = first != first.strip()

    def append(self, right: str) -> None:
        """Join ``right`` on, with a space, or with none after a code cut at '-' (``29/KH-`` + ``UBND``)."""
        if self._raw_first:
            self.__init__(self.text.strip())  # type: ignore[misc]
        right = right.strip()
        if not right:
            return
        if not self._length:
            self._add("", right)
        elif ends_with_code_tail(self._tail) and (right[:1].isupper() or right[:1].isdigit()):
            self._add("", right)
        else:
            self._add(" ", right)

    def _add(self, sep: str, piece: str) -> None:
        if sep:
            self._parts.append(sep)
        if piece:
            self._parts.append(piece)
        self._length += len(sep) + len(piece)
        self._tail = (self._tail + sep + piece[-_TAIL:])[-_TAIL:]
        self._open_quotes += piece.count("“") - piece.count("”")
        self._open_parens += piece.count("(") - piece.count(")")

    def __len__(self) -> int:
        return self._length

    @property
    def text(self) -> str:
        """The joined text (built at most once per append)."""
        if len(self._parts) != 1:
            self._parts = ["".join(self._parts)]
        return self._parts[0]

    def endswith(self, suffix: str | tuple[str, ...]) -> bool:
        """``text.endswith(suffix)`` for suffixes of up to eight characters, without building the text."""
        return self._tail.endswith(suffix)

    def ends_with_code_tail(self) -> bool:
        """The text ends with a letter or digit and '-' (``29/KH-``): a code cut by a line break."""
        return ends_with_code_tail(self._tail)

    def unbalanced(self) -> bool:
        """More opening than closing quotation marks “ ” or parentheses (the sentence goes on)."""
        return self._open_quotes > 0 or self._open_parens > 0
