"""Random inputs never make the API answer 500 (hypothesis; plus schemathesis when it is installed)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.main import create_app
from tests.api.conftest import ADMIN_KEY, make_settings
from tests.api.fakes import DOC_A, FakeBackend

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=50),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
short_text = st.text(max_size=80)
turns = st.fixed_dictionaries(
    {"question": short_text},
    optional={"answer": short_text, "task_id": st.none() | short_text, "doc_id": st.none() | short_text, "x": json_values},
)
chat_bodies = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {"question": st.text(max_size=1200)},
        optional={
            "history": st.none() | st.lists(turns, max_size=25) | json_values,
            "doc_ids": st.none() | st.lists(short_text, max_size=5) | json_values,
        },
    ),
)
query_values = st.one_of(st.text(max_size=60), st.integers(-(10**12), 10**12).map(str), st.sampled_from(["", " ", "0", "-1", "1e9", DOC_A]))


def no_500(response) -> None:
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        body = response.json()
        assert isinstance(body["detail"], str) and body["request_id"]


@pytest.fixture(scope="module")
def fuzz_client() -> Iterator[TestClient]:
    app = create_app(make_settings(max_body_bytes=16_000), FakeBackend())
    with TestClient(app) as client:
        yield client


@FUZZ
@given(body=chat_bodies, stream=st.booleans())
def test_chat_random_json(fuzz_client: TestClient, body: object, stream: bool) -> None:
    no_500(fuzz_client.post("/v1/chat/stream" if stream else "/v1/chat", json=body))


@FUZZ
@given(raw=st.binary(max_size=300), content_type=st.sampled_from(["application/json", "text/plain", "", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded"]))
def test_chat_random_bytes(fuzz_client: TestClient, raw: bytes, content_type: str) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    no_500(fuzz_client.post("/v1/chat", content=raw, headers=headers))


@FUZZ
@given(params=st.dictionaries(st.sampled_from(["q", "k", "doc_id", "extra"]), query_values, max_size=4))
def test_search_random_params(fuzz_client: TestClient, params: dict[str, str]) -> None:
    no_500(fuzz_client.get("/v1/search", params=params))


@FUZZ
@given(params=st.dictionaries(st.sampled_from(["doc_id", "lead", "deadline", "x"]), query_values, max_size=4))
def test_tasks_random_params(fuzz_client: TestClient, params: dict[str, str]) -> None:
    no_500(fuzz_client.get("/v1/tasks", params=params))


@FUZZ
@given(
    doc_id=st.one_of(st.text(min_size=1, max_size=300), st.just(DOC_A)),
    params=st.dictionaries(st.sampled_from(["start", "end", "format"]), query_values, max_size=3),
    text=st.booleans(),
)
def test_document_random_ids(fuzz_client: TestClient, doc_id: str, params: dict[str, str], text: bool) -> None:
    path = f"/v1/documents/{quote(doc_id, safe='')}" + ("/text" if text else "")
    no_500(fuzz_client.get(path, params=params))


@FUZZ
@given(doc_id=st.text(min_size=1, max_size=100), key=st.none() | st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), max_size=20))
def test_delete_random(fuzz_client: TestClient, doc_id: str, key: str | None) -> None:
    headers = {"X-API-Key": key} if key else {}
    r = fuzz_client.delete(f"/v1/documents/{quote(doc_id, safe='')}", headers=headers)
    no_500(r)
    assert r.status_code in (401, 404, 405, 422) or (r.status_code == 200 and key == "test-admin-key")


def test_schemathesis_no_server_errors_and_conformant_responses() -> None:
    """Every operation of the OpenAPI schema, admin ones included (on a throwaway FakeBackend), with
    schemathesis' generated cases: no 5xx, and status codes, content types, headers, bodies and SSE
    events as the schema says (skipped when schemathesis is absent).

    ``positive_data_acceptance`` is left out: it expects every schema-valid request to succeed, and
    some rules cannot be written in the schema (start <= end, a file's extension, a non-blank
    question, a length limit that is a setting). OPTIONS and 405 are probed in test_hardening.py.
    """
    schemathesis = pytest.importorskip("schemathesis")
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (content_type_conformance, missing_required_header,
                                                   negative_data_rejection, response_headers_conformance,
                                                   response_schema_conformance, status_code_conformance)

    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
              response_schema_conformance, negative_data_rejection, missing_required_header]
    app = create_app(make_settings(), FakeBackend())
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []
    with TestClient(app):
        for result in schema.get_all_operations():
            operation = result.ok()

            @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy())
            def run(case) -> None:
                response = case.call(headers={"X-API-Key": ADMIN_KEY})
                try:
                    case.validate_response(response, checks=checks, headers={"X-API-Key": ADMIN_KEY})
                except Exception as exc:  # noqa: BLE001 - schemathesis raises a group of failures; collect them all
                    failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:300]}")

            run()
    assert not failures, "\n".join(failures[:10])


@pytest.mark.parametrize(
    "raw",
    [b'{"question": NaN}', b'{"question": "x", "history": Infinity}', b'{"question": "x", "doc_ids": [-Infinity]}',
     b'{"question": "\\ud800"}', b'{"question": "x"}' + b" " * 10, b"\xef\xbb\xbf{}", b"null", b'"text"', b"[]" * 3],
)
def test_chat_odd_json(fuzz_client: TestClient, raw: bytes) -> None:
    no_500(fuzz_client.post("/v1/chat", content=raw, headers={"Content-Type": "application/json"}))
