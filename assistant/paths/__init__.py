"""The answer paths and the one place their order is declared: structure first (exact), then
extractive answering over retrieval. A new way of answering is a class with ``name``,
``applies(query)`` and ``answer(query, ctx)``, added to :data:`PATHS`."""

from assistant.paths.base import AnswerPath, Context, Outcome
from assistant.paths.extractive_path import Extractive
from assistant.paths.structured import Duty, Metadata, References, TaskByContent, TaskByReference, TaskList

PATHS: tuple[AnswerPath, ...] = (TaskByReference(), TaskList(), TaskByContent(), Metadata(), References(), Duty(),
                                 Extractive())

__all__ = ["PATHS", "AnswerPath", "Context", "Outcome"]
