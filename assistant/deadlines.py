"""Read a task's deadline ("Quý II, III/2026", "Trong năm 2026", "Thường xuyên") and decide
whether it falls within an asked time ("Quý III/2026", "trong năm 2026", "Tháng 6/2026", "2026-2030").

One function, ``deadline_matches``, serves chat (task lists), ``cchc tasks --deadline`` and
``GET /v1/tasks?deadline=``, so the three never disagree.

Meaning, not substrings: a deadline is read into *units* — the periods it names, at the
granularity written (a quarter, a month, a year; a list or a range gives one unit per item:
"Quý II, III/2026" is Q2/2026 and Q3/2026, "2026-2028" is 2026, 2027 and 2028) — plus two flags:
recurring ("Thường xuyên", "hằng năm", "định kỳ", "… và các năm tiếp theo") and done
("Đã hoàn thành"). A task matches an asked time when one of its units lies *within* it: "Quý
II, III/2026" is within Quý III/2026 and within 2026; "Trong năm 2026" is within 2026 but not
within Quý III/2026 (it may end in December); a recurring task matches an asked "thường xuyên"
(any recurring word), not a dated one. An asked time nothing here understands falls back to an
accent-insensitive substring match, so free text ("lộ trình") still filters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from assistant import deadline_words as W
from ingest.text import fold

__all__ = ["Deadline", "Period", "deadline_in_question", "deadline_matches", "parse_deadline"]


@dataclass(frozen=True, order=True)
class Period:
    """Months ``first..last`` inclusive, as ``year * 12 + month - 1``; for a yearless period
    ("Quý III" with no year) they are months of the year, 0..11."""

    first: int
    last: int
    yearless: bool = False

    def within(self, outer: Period) -> bool:
        if not outer.yearless:
            return not self.yearless and outer.first <= self.first and self.last <= outer.last
        if self.yearless:
            first, last = self.first, self.last
        elif self.first // 12 == self.last // 12:
            first, last = self.first % 12, self.last % 12
        else:  # spans a new year: not within a month range of "any year"
            return False
        return outer.first <= first and last <= outer.last


@dataclass(frozen=True)
class Deadline:
    """What a deadline (or an asked time) says: its periods and whether it recurs or is done."""

    periods: tuple[Period, ...] = ()
    recurring: bool = False
    done: bool = False
    phrases: tuple[str, ...] = field(default=(), compare=False)  # the folded words it was read from

    def __bool__(self) -> bool:
        return bool(self.periods or self.recurring or self.done)

    def covers(self, task: Deadline) -> bool:
        """True when ``task`` (a task's deadline) falls within this asked time."""
        if (self.recurring and task.recurring) or (self.done and task.done):
            return True
        hulls = _merge(self.periods)
        return any(unit.within(hull) for unit in task.periods for hull in hulls)


def _merge(periods: tuple[Period, ...]) -> list[Period]:
    """Adjacent or overlapping asked periods as one ("Quý I, II/2026" holds "6 tháng đầu năm 2026")."""
    out: list[Period] = []
    for p in sorted(periods):
        if out and out[-1].yearless == p.yearless and p.first <= out[-1].last + 1:
            out[-1] = Period(out[-1].first, max(out[-1].last, p.last), p.yearless)
        else:
            out.append(p)
    return out


# -- patterns (over folded text) -------------------------------------------------------------------
_QNUM = r"(?:iv|iii|ii|i|[1-4])(?![a-z0-9])"
_SEP = r"\s*(?:,|;|&|-|–|—|\bva\b|\band\b|\bden\b|\btoi\b|\bto\b)\s*"
_YEAR = r"(?:19|20)\d{2}"
_YEAR_TAIL = rf"(?:\s*/\s*|\s*-\s*|\s+nam\s+|\s+of\s+|\s*,\s*|\s+)({_YEAR})(?![\d/])"

_DATE_RE = re.compile(rf"\b(\d{{1,2}})\s*[/.-]\s*(\d{{1,2}})\s*[/.-]\s*({_YEAR})\b"
                      rf"|\bngay\s+(\d{{1,2}})\s+thang\s+(\d{{1,2}})\s+nam\s+({_YEAR})\b")
_PART_RE = re.compile("(" + "|".join(re.escape(k) for k in sorted(W.YEAR_PARTS, key=len, reverse=True))
                      + rf")\s*({_YEAR})\b")
_QUARTER_RE = re.compile(rf"\b(?:quy\s*|q)({_QNUM}(?:{_SEP}(?:quy\s*|q)?{_QNUM})*)(?:{_YEAR_TAIL})?")
_MONTH_RE = re.compile(rf"\b(?:thang|t)\s*(\d{{1,2}}(?!\d)(?:{_SEP}(?:thang\s*)?\d{{1,2}}(?!\d))*)(?:{_YEAR_TAIL})?")
_YEAR_RANGE_RE = re.compile(rf"(?<![\d/])(?:(?:nam|giai doan)\s+)?({_YEAR})\s*(?:-|–|—|\bden\b|\btoi\b|\bto\b)\s*(?:nam\s+)?({_YEAR})(?![\d/])")
_YEAR_ONLY_RE = re.compile(rf"(?<![\d/])(?:nam\s+)?({_YEAR})(?![\d/])")
_ITEM_SPLIT = re.compile(rf"({_SEP})")
_RANGE_WORDS = {s.strip() for s in W.RANGE_SEPARATORS}


def _items(text: str, number_re: str, value: dict[str, int] | None) -> list[int]:
    """'ii, iii' -> [2, 3]; 'i - iii' -> [1, 2, 3]; '5 va 6' -> [5, 6]."""
    parts = _ITEM_SPLIT.split(text)
    values: list[int] = []
    pending_range = False
    for i, part in enumerate(parts):
        if i % 2:  # a separator
            pending_range = part.strip() in _RANGE_WORDS
            continue
        found = re.search(number_re, part)
        if not found:
            continue
        n = value[found.group(0)] if value else int(found.group(0))
        if pending_range and values and n > values[-1]:
            values.extend(range(values[-1] + 1, n + 1))
        else:
            values.append(n)
        pending_range = False
    return values


def _month_period(year: int | None, first_month: int, last_month: int) -> Period:
    if year is None:
        return Period(first_month - 1, last_month - 1, yearless=True)
    return Period(year * 12 + first_month - 1, year * 12 + last_month - 1)


def _blank(text: str, match: re.Match[str]) -> str:
    return text[: match.start()] + " " * (match.end() - match.start()) + text[match.end():]


def _year_has_cue(folded: str, start: int) -> bool:
    """'… trong năm 2026' names a time; '… kế hoạch CCHC năm 2026' names a plan."""
    before = folded[:start].split()
    while before and before[-1] in ("nam", "giai", "doan", "tu", "of", "the", "year"):
        before.pop()
    tail = " ".join(before[-2:])
    return any(tail == cue or tail.endswith(" " + cue) for cue in W.YEAR_CUES)


def _read(folded: str, *, question: bool) -> Deadline:
    periods: list[Period] = []
    phrases: list[str] = []
    work = folded

    for m in list(_DATE_RE.finditer(work)):
        month, year = (m.group(2), m.group(3)) if m.group(1) else (m.group(5), m.group(6))
        if 1 <= int(month) <= 12:
            periods.append(_month_period(int(year), int(month), int(month)))
            phrases.append(m.group(0))
            work = _blank(work, m)
    for m in list(_PART_RE.finditer(work)):
        first, last = W.YEAR_PARTS[m.group(1)]
        periods.append(_month_period(int(m.group(2)), first, last))
        phrases.append(m.group(0))
        work = _blank(work, m)
    for m in list(_QUARTER_RE.finditer(work)):
        year = int(m.group(2)) if m.group(2) else None
        quarters = [q for q in _items(m.group(1), _QNUM, W.QUARTERS) if 1 <= q <= 4]
        if not quarters or (m.group(0).startswith("q") and not m.group(0).startswith("quy") and year is None):
            continue  # "q3" alone is too weak a signal
        periods += [_month_period(year, 3 * q - 2, 3 * q) for q in quarters]
        phrases.append(m.group(0).strip(" ,-"))
        work = _blank(work, m)
    for m in list(_MONTH_RE.finditer(work)):
        if m.group(0).startswith("t") and not m.group(0).startswith("thang") and not m.group(2):
            continue  # "t6" alone: not a month
        year = int(m.group(2)) if m.group(2) else None
        months = [n for n in _items(m.group(1), r"\d{1,2}", None) if 1 <= n <= 12]
        if not months:
            continue
        periods += [_month_period(year, n, n) for n in months]
        phrases.append(m.group(0).strip(" ,-"))
        work = _blank(work, m)
    for m in list(_YEAR_RANGE_RE.finditer(work)):
        if question and not _year_has_cue(folded, m.start()):
            continue
        lo, hi = int(m.group(1)), int(m.group(2))
        if lo <= hi <= lo + 50:
            periods += [_month_period(y, 1, 12) for y in range(lo, hi + 1)]
            phrases.append(m.group(0))
            work = _blank(work, m)
    for m in list(_YEAR_ONLY_RE.finditer(work)):
        if question and not _year_has_cue(folded, m.start()):
            continue
        periods.append(_month_period(int(m.group(1)), 1, 12))
        phrases.append(m.group(0))

    recurring = [w for w in W.RECURRING if re.search(rf"(?<![a-z0-9]){re.escape(w)}(?![a-z0-9])", folded)]
    done = [w for w in W.DONE if re.search(rf"(?<![a-z0-9]){re.escape(w)}(?![a-z0-9])", folded)]
    return Deadline(tuple(dict.fromkeys(periods)), bool(recurring), bool(done), tuple(phrases + recurring + done))


@lru_cache(maxsize=4096)
def parse_deadline(text: str) -> Deadline:
    """Read a deadline as written in a task table (or an asked time given as a filter)."""
    return _read(fold(text or ""), question=False)


def deadline_in_question(question: str) -> Deadline | None:
    """The time a question asks about ("… hoàn thành trong Quý III/2026?", "… thực hiện thường
    xuyên?"), or None. A year alone counts only after a time word ("trong năm 2026"), since
    "kế hoạch CCHC năm 2026" names a plan. ``phrases`` are substrings of ``fold(question)``."""
    found = _read(fold(question or ""), question=True)
    return found or None


def deadline_matches(task_deadline: str, asked: str | Deadline) -> bool:
    """Does a task's deadline fall within the asked time? (The one test chat, CLI and API use.)"""
    wanted = parse_deadline(asked) if isinstance(asked, str) else asked
    if not wanted:
        needle = fold(asked) if isinstance(asked, str) else ""
        return bool(needle) and needle in fold(task_deadline or "")
    return wanted.covers(parse_deadline(task_deadline or ""))
