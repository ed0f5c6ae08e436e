"""Question answering over CCHC plans: understand, retrieve, answer, cite."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from assistant.core import Assistant

__all__ = ["Assistant"]


def __getattr__(name: str):
    # Lazy: importing assistant.schema (the API does) must not load the index stack.
    if name == "Assistant":
        from assistant.core import Assistant

        return Assistant
    raise AttributeError(name)
