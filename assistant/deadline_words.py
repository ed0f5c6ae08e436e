"""The words ``assistant.deadlines`` reads a deadline with (data, no logic).

All entries are accent-folded and lower-case (``ingest.text.fold``), because deadlines and
questions are matched folded: ``Thường xuyên`` and ``thuong xuyen`` read the same.
"""

from __future__ import annotations

#: Roman and Arabic quarter numbers.
QUARTERS: dict[str, int] = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}

#: Words that join two items of a list: "Quý II, III/2026", "tháng 5 và 6/2026".
LIST_SEPARATORS: tuple[str, ...] = (",", ";", "va", "and", "&")

#: Words that join the two ends of a range: "Quý II - III/2026", "từ 2026 đến 2030".
RANGE_SEPARATORS: tuple[str, ...] = ("-", "–", "—", "den", "toi", "to", "through", "until")

#: Spans of a year named by words: the first and last month (1..12).
YEAR_PARTS: dict[str, tuple[int, int]] = {
    "6 thang dau nam": (1, 6),
    "sau thang dau nam": (1, 6),
    "nua dau nam": (1, 6),
    "6 thang cuoi nam": (7, 12),
    "sau thang cuoi nam": (7, 12),
    "nua cuoi nam": (7, 12),
    "first half of": (1, 6),
    "second half of": (7, 12),
}

#: A deadline that repeats or never ends ("understood by meaning": they answer one another).
RECURRING: tuple[str, ...] = (
    "thuong xuyen", "hang nam", "hang quy", "hang thang", "hang tuan", "dinh ky", "lien tuc",
    "cac nam tiep theo", "moi nam", "ongoing", "on going", "regularly", "regular", "continuous", "continuously",
    "annually", "every year", "quarterly", "monthly", "periodic", "periodically", "recurring",
)

#: A task the plan marks as already done.
DONE: tuple[str, ...] = ("da hoan thanh", "completed", "already done")

#: In a question, a year alone ("năm 2026") names a deadline only after one of these words;
#: otherwise it usually names the plan ("kế hoạch CCHC năm 2026").
YEAR_CUES: tuple[str, ...] = (
    "trong", "vao", "den", "truoc", "cuoi", "dau", "het", "han", "thoi han", "thoi gian", "hoan thanh", "xong",
    "thuc hien", "tu", "in", "by", "during", "due", "before", "until",
)
