"""/openapi.json documents what the registry routes answer (typed models, not bare objects)."""

from adapters.http.main import create_app

ANSWERS = {
    ("/v1/units", "post", "201"): "Created",
    ("/v1/units/{unit_id}", "get", "200"): "UnitPublic",
    ("/v1/units/{unit_id}/rescue-info", "put", "200"): "UnitChanged",
    ("/v1/stations", "post", "201"): "Created",
    ("/v1/stations/{station_id}", "get", "200"): "StationPublic",
    ("/v1/stations/{station_id}", "patch", "200"): "StationChanged",
    ("/v1/stations/{station_id}/workers", "post", "201"): "WorkerAdded",
    ("/v1/stations/{station_id}/bind", "post", "200"): "Bound",
    ("/v1/stations/{station_id}/unbind", "post", "200"): "Unbound",
    ("/v1/lifts/{registration_code}", "get", "200"): "LiftPublic",
    ("/v1/lifts/{registration_code}", "put", "200"): "LiftChanged",
    ("/v1/lifts/{registration_code}", "put", "201"): "LiftChanged",
    ("/v1/lifts", "get", "200"): "LiftPage",
    ("/v1/lifts/batch-update", "post", "200"): "Updated",
    ("/v1/data-gaps", "get", "200"): "DataGaps",
}


def test_registry_answers_are_documented_models():
    spec = create_app(lambda: None).openapi()  # the lifespan never runs: nothing connects
    documented = {}
    for path, method, status in ANSWERS:
        content = spec["paths"][path][method]["responses"][status].get("content", {})
        ref = content.get("application/json", {}).get("schema", {}).get("$ref", "")
        documented[(path, method, status)] = ref.rsplit("/", 1)[-1]
    assert documented == ANSWERS
    station = spec["components"]["schemas"]["StationPublic"]["properties"]
    assert list(station) == ["id", "version", "unit_id", "name", "district", "lead", "coverage",
                             "workers"]


def test_after_waits_are_documented():
    spec = create_app(lambda: None).openapi()
    for path in ("/v1/lifts", "/v1/data-gaps", "/v1/tickets", "/v1/dynamics", "/v1/overtime"):
        names = [p["name"] for p in spec["paths"][path]["get"]["parameters"]]
        assert "after" in names and "unit_id" in names, path
