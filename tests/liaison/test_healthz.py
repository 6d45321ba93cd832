import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_healthz_ok(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["broker"] == ("ok" if settings.REDIS_URL else "none")
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_broker_down_is_503(client, settings):
    # A real connection attempt to a port where nothing listens.
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["broker"] == "fail" and body["database"] == "ok"
    assert "broker" in body["errors"]


def test_healthz_database_down_is_503(client, monkeypatch):
    from liaison import views

    class BrokenConnection:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(views, "connection", BrokenConnection())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "fail"
    assert response.json()["errors"]["database"] == "OperationalError"


def test_healthz_is_get_only(client):
    assert client.post("/healthz").status_code == 405
