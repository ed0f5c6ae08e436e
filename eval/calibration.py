"""How well the assistant's confidence tells right answers from wrong ones, on a question set.

For the answers given (not abstained), the confidence the assistant reported is compared with
whether the answer was right: expected calibration error, a reliability table (bins of
confidence: mean confidence, share right, count) and the curve of right / confidently wrong /
abstained had the assistant abstained below each threshold. Exact lookups the model does not
judge report the certainty of their own checks, as in the answers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from eval.metrics import Record, judge
from eval.questions import Question


@dataclass
class Calibration:
    n_answered: int
    ece: float | None
    reliability: list[tuple[float, float, float, int]] = field(default_factory=list)  # (bin from, mean conf, right, n)
    curve: list[dict[str, float]] = field(default_factory=list)  # threshold, right, confidently_wrong, abstained

    def to_dict(self) -> dict:
        return {"n_answered": self.n_answered, "ece": self.ece, "reliability": self.reliability, "curve": self.curve}


def calibration(questions: Sequence[Question], records: Mapping[str, Record], confidence: Mapping[str, float],
                bins: int = 10) -> Calibration:
    pairs = []
    abstained = 0
    right_abstaining = 0
    for q in questions:
        rec = records.get(q.id)
        if rec is None or rec.get("abstained"):
            abstained += 1
            right_abstaining += int(not q.answerable)
            continue
        pairs.append((float(confidence.get(q.id, 0.0)), bool(judge(q, rec).right)))
    if not pairs:
        return Calibration(0, None)
    table, total = [], 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = [(c, r) for c, r in pairs if lo <= c < hi or (b == bins - 1 and c == 1.0)]
        if not inside:
            continue
        mean_c = sum(c for c, _ in inside) / len(inside)
        share = sum(r for _, r in inside) / len(inside)
        total += len(inside) * abs(mean_c - share)
        table.append((lo, round(mean_c, 3), round(share, 3), len(inside)))
    curve = []
    for step in range(0, 20):
        tau = step / 20
        kept = [(c, r) for c, r in pairs if c >= tau]
        curve.append({"threshold": tau, "right": sum(r for _, r in kept) + right_abstaining,
                      "confidently_wrong": sum(1 for _, r in kept if not r),
                      "abstained": abstained + len(pairs) - len(kept)})
    return Calibration(len(pairs), round(total / len(pairs), 4), table, curve)
