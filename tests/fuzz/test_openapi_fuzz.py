"""Schemathesis over the OpenAPI spec: no 5xx, every 4xx a problem body, rejected input stores nothing."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from adapters.http.main import create_app

PROBLEM = "application/problem+json"
# The spec needs no database: build it once to enumerate operations at collection time.
SPEC = create_app(lambda: None).openapi()
OPERATIONS = [(method.upper(), path) for path, methods in SPEC["paths"].items()
              for method in methods if method in {"get", "post", "put", "patch", "delete"}]


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_api_never_fails_and_refusals_store_nothing(client, count_events, method, path):
    operation = schemathesis.openapi.from_asgi("/openapi.json", client.app)[path][method]
    auth = {"Authorization": client.headers["Authorization"]}

    cases = st.one_of(operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
                      operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))

    @given(case=cases)
    @settings(max_examples=25, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case):
        before = count_events()
        response = case.call(headers=auth)
        assert response.status_code < 500, (case.method, case.formatted_path, response.text[:300])
        if 400 <= response.status_code < 500:
            content_type = response.headers.get("content-type", [""])
            content_type = content_type[0] if isinstance(content_type, list) else content_type
            assert content_type.startswith(PROBLEM), response.text[:200]
            body = response.json()
            assert body["status"] == response.status_code and body["title"]
            assert count_events() == before, f"{method} {path} stored on refusal"

    check()
