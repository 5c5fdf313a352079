"""Every date-time the API accepts (body field or query parameter), found in the OpenAPI spec,
sent as year 1 and year 9999: never a 5xx. A business time in a body is a 422 naming it and
stores nothing; a query window is clamped to the years any ticket can have (not refused)."""

from typing import Any

import pytest

from tests.e2e.registry_helpers import make_lift, make_unit

from adapters.http.main import create_app

SPEC = create_app(lambda: None).openapi()
SCHEMAS = SPEC["components"]["schemas"]
EXTREMES = ["0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-05:00",
            "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59.999999-12:00"]
ALARM = {"lift": "44030000000000012345", "source": "96333", "source_ref": "fuzz-dates"}


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def is_datetime(schema: dict[str, Any]) -> bool:
    schema = resolve(schema)
    return schema.get("format") == "date-time" or any(
        is_datetime(option) for option in schema.get("anyOf", []))


def date_inputs() -> list[tuple[str, str, str, str]]:
    """(method, path, "query" or "body", name) for every top-level date-time input."""
    found = []
    for path, methods in SPEC["paths"].items():
        for method, operation in methods.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and is_datetime(parameter.get("schema", {})):
                    found.append((method.upper(), path, "query", parameter["name"]))
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            for name, prop in resolve(body["schema"]).get("properties", {}).items() if body else []:
                if is_datetime(prop):
                    found.append((method.upper(), path, "body", name))
    return found


INPUTS = date_inputs()


def test_the_spec_has_date_inputs_and_every_body_with_one_has_an_example():
    assert {"received_at", "at", "new", "from", "to"} <= {name for *_, name in INPUTS}
    for method, path, where, _ in INPUTS:
        if where == "body":
            body = SPEC["paths"][path][method.lower()]["requestBody"]["content"]
            assert resolve(body["application/json"]["schema"]).get("examples"), path


@pytest.mark.parametrize(("method", "path", "where", "name"), INPUTS,
                         ids=[f"{m} {p} {n}" for m, p, _, n in INPUTS])
def test_extreme_dates_are_refused_by_name(client, count_events, method, path, where, name):
    ticket = client.post("/v1/alarms", json=ALARM)
    assert ticket.status_code == 201, ticket.text
    lift = make_lift(client, make_unit(client), 1) if "{registration_code}" in path else ""
    url = path.replace("{ticket_id}", ticket.json()["ticket_id"]).replace(
        "{registration_code}", lift)
    for value in EXTREMES:
        before = count_events()
        if where == "query":
            response = client.request(method, url, params={name: value})
        else:
            operation = SPEC["paths"][path][method.lower()]
            schema = resolve(operation["requestBody"]["content"]["application/json"]["schema"])
            body = dict(schema["examples"][0]) | {name: value}
            if path == "/v1/alarms":
                body["source_ref"] = f"fuzz-{name}"
            response = client.request(method, url, json=body)
        assert response.status_code < 500, (method, url, name, value, response.text[:300])
        if response.status_code >= 400:
            assert response.headers["content-type"].startswith("application/problem+json")
        if where == "query" and response.status_code == 422:  # e.g. another required parameter
            fields = [e.get("field", "") for e in response.json().get("errors", [])]
            assert not any(name in f for f in fields), (method, url, name, response.text[:300])
        if where == "body":
            assert name in response.json()["detail"], response.text[:300]
            assert response.status_code == 422, (method, url, name, value, response.text[:300])
            assert count_events() == before, f"{method} {url} stored {name}={value}"
