"""The lexicon is one place, read as data: no key written twice, no corpus's own words in code."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import assistant

ASSISTANT = Path(assistant.__file__).parent


def test_no_dictionary_of_the_lexicon_repeats_a_key():
    tree = ast.parse((ASSISTANT / "lexicon.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
            assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def test_no_year_or_place_of_the_shipped_plans_in_the_code():
    """Words of one corpus ("lạng sơn", "2026") belong to the data; the code reads them from it.
    Docstrings and the CLI's help may show real values as examples."""
    pattern = re.compile(r"\b(?:lang son|lạng sơn|2026|2025|2030)\b", re.IGNORECASE)
    for path in sorted(p for p in ASSISTANT.glob("*.py") if p.name != "cli.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
                assert not pattern.search(node.value), f"{path.name}:{node.lineno}: {node.value[:80]!r}"
