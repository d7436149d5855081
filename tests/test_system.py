"""Health, vocabulary and the error shape in OpenAPI."""

import pytest

from core.config import get_settings
from db import session as session_module


def test_readyz_reports_database_and_in_process_worker(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "in-process"}


def test_healthz_answers_without_the_database(client, monkeypatch):
    def no_database():
        raise AssertionError("liveness must not touch the database")

    monkeypatch.setattr(session_module, "new_session", no_database)
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert client.get("/readyz").status_code == 503  # readiness does look


@pytest.fixture
def broker_url(monkeypatch):
    """Configure a broker URL for the duration of a test."""

    def configure(url: str) -> None:
        monkeypatch.setenv("KOPPEL_REDIS_URL", url)
        get_settings.cache_clear()

    yield configure
    monkeypatch.delenv("KOPPEL_REDIS_URL", raising=False)
    get_settings.cache_clear()


def test_readyz_reports_a_reachable_broker(client, broker_url):
    broker_url("redis://127.0.0.1:6379/15")
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json()["broker"] == "ok"


def test_readyz_is_503_when_the_broker_is_down(client, broker_url):
    broker_url("redis://127.0.0.1:1/0")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "degraded", "database": "ok", "broker": "unreachable"}


def test_vocabulary_lists_codes_with_dutch_labels(client):
    body = client.get("/api/v1/vocabulary").json()
    assert body["version"]
    themes = {item["code"]: item["label"] for item in body["lenses"]["themes"]}
    assert themes["caregiver_support"] == "Ondersteuning mantelzorg"
    actor = {item["code"]: item for item in body["lenses"]["actor_types"]}
    assert {"code": "care_collective", "label": "Sociaal en zorgcollectief"} in \
        actor["collective"]["subtypes"]
    assert [b["code"] for b in body["lenses"]["bucket_volunteers"]][0] == "0-2"
    assert {"administration", "handyman", "ict"} <= {s["code"] for s in body["lenses"]["skills"]}


def test_openapi_documents_the_error_shape(client):
    spec = client.get("/openapi.json").json()
    post = spec["paths"]["/api/v1/initiatives"]["post"]["responses"]
    assert post["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
    get = spec["paths"]["/api/v1/initiatives/{initiative_id}"]["get"]["responses"]
    assert get["404"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
    params = {p["name"] for p in spec["paths"]["/api/v1/initiatives"]["get"]["parameters"]}
    assert {"q", "municipality", "theme", "life_group", "actor_type", "phase", "need_kind",
            "pc4", "radius_km", "limit", "cursor"} <= params


def test_security_headers_on_api_and_pages(client):
    for path in ("/", "/api/v1/vocabulary"):
        headers = client.get(path).headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"], path
        assert "'unsafe-inline'" not in headers["content-security-policy"].split("script-src")[1]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"]
