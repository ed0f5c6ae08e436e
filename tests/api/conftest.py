"""Fixtures: an app over the FakeBackend, and a factory for apps with other settings."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest
from fastapi.testclient import TestClient

from api.config import ApiSettings
from api.main import create_app
from tests.api.fakes import FakeBackend

ADMIN_KEY = "test-admin-key"
ORIGIN = "https://langson.gov.vn"


def make_settings(**overrides: object) -> ApiSettings:
    values: dict[str, object] = {
        "admin_key": ADMIN_KEY,
        "cors_origins": [ORIGIN],
        "rate_limit_per_minute": 0,
        "workers": 2,
    }
    values.update(overrides)
    return ApiSettings(**values)  # type: ignore[arg-type]


@pytest.fixture
def backend() -> FakeBackend:
    return FakeBackend()


@pytest.fixture
def make_client() -> Iterator[Callable[..., TestClient]]:
    """``make_client(backend=..., **settings)`` -> a started TestClient (lifespan run)."""
    with ExitStack() as stack:

        def factory(backend: FakeBackend | None = None, **overrides: object) -> TestClient:
            app = create_app(make_settings(**overrides), backend if backend is not None else FakeBackend())
            return stack.enter_context(TestClient(app))

        yield factory


@pytest.fixture
def client(make_client: Callable[..., TestClient], backend: FakeBackend) -> TestClient:
    return make_client(backend)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def api_logs() -> Iterator[list[logging.LogRecord]]:
    """Records of the ``api`` loggers (which do not propagate to the root, so caplog misses them)."""
    handler = _Collect()
    logger = logging.getLogger("api")
    logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)
