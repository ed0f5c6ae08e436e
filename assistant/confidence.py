"""How likely an answer is to be right: evidence features → a calibrated probability.

Each answer path reports what it found (coverage of the question, the margin over the next
candidate, whether the value type asked for was there, the share of asked fields it filled);
the assistant adds what it knows of the question (language, whether a plan was named and the
answer comes from it). A logistic model fitted on labelled question sets, cross-validated by
document (``benchmarks/fit_calibration.py``), turns them into the probability that the answer
is right; below the shipped threshold the assistant abstains. The fitted model is data
(``assistant/data/calibration.json``) with the version and the sets it was fitted on.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

PATHS = ("task-content", "metadata", "references", "duty", "extractive", "extractive-task", "section")
NUMERIC = ("cover", "margin", "retrieval", "rank", "typed_required", "fields_ratio", "plan_named", "doc_in_hinted",
           "plan_exact", "lang_en", "lang_noaccent", "units", "answer_len")


def calibrated(path: str, evidence: dict[str, float]) -> bool:
    """Is this answer judged by the model? Not a record named by its id or a list of records
    filtered by a field (exact lookups), nor the parts of a document named by its number: those
    are right when they are found at all, and the labelled sets hold too few of each kind to
    teach a model otherwise. Everything that rests on how well words cover words is."""
    if path not in PATHS:
        return False
    return not (path == "metadata" and evidence.get("plan_exact"))
FEATURES = tuple(f"path:{p}" for p in PATHS) + NUMERIC
DEFAULT_MODEL = Path(__file__).resolve().parent / "data" / "calibration.json"


def feature_vector(evidence: dict[str, float]) -> list[float]:
    """The model's inputs, in order; a feature a path did not report counts as its neutral value."""
    neutral = {"cover": 1.0, "margin": 1.0, "retrieval": 1.0, "rank": 0.0, "fields_ratio": 1.0}
    return [float(evidence.get(name, neutral.get(name, 0.0))) for name in FEATURES]


def evidence_of(path: str, features: dict[str, float], *, lang: str, plan_named: bool, doc_in_hinted: bool,
                plan_exact: bool, units: int, answer_len: int) -> dict[str, float]:
    """All the evidence of one answer: the path's own features and what the assistant knows."""
    out = {f"path:{path}": 1.0} if path in PATHS else {}
    out.update(features)
    out.update({"plan_named": float(plan_named), "doc_in_hinted": float(doc_in_hinted), "plan_exact": float(plan_exact),
                "lang_en": float(lang == "en"), "lang_noaccent": float(lang == "vi-noaccent"),
                "units": math.log1p(units), "answer_len": math.log1p(answer_len)})
    return out


@dataclass
class Calibrator:
    """A fitted logistic model over standardised features, and the threshold to answer at."""

    features: list[str]
    mean: list[float]
    scale: list[float]
    coef: list[float]
    intercept: float
    threshold: float
    version: str = ""
    extractive_floor: float = 0.45  # the extractive path offers candidates from this coverage up

    @classmethod
    def load(cls, path: Path = DEFAULT_MODEL) -> "Calibrator":
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if list(data["features"]) != list(FEATURES):
            raise ValueError(f"{path}: fitted on features {data['features']}, this code computes {list(FEATURES)}; "
                             "refit with benchmarks/fit_calibration.py")
        return cls(features=data["features"], mean=data["mean"], scale=data["scale"], coef=data["coef"],
                   intercept=data["intercept"], threshold=data["threshold"], version=data.get("version", ""),
                   extractive_floor=data.get("extractive_floor", 0.45))

    def probability(self, evidence: dict[str, float]) -> float:
        x = feature_vector(evidence)
        z = self.intercept + sum(c * (v - m) / (s or 1.0) for c, v, m, s in zip(self.coef, x, self.mean, self.scale))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
