"""/healthz: what the load balancer asks every few seconds."""

from __future__ import annotations

import socket

import pytest

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_healthz_answers_200_with_json_when_the_services_answer(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["failed"] == [] and body["database"] == "ok"
    assert body["redis"] == ("ok" if settings.REDIS_URL else "not used")
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_naming_redis_when_redis_does_not(client, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port()}/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing" and body["failed"] == ["redis"]
    assert body["redis"] == "failed: ConnectionError" and body["database"] == "ok"


def test_healthz_needs_no_sign_in_and_sets_no_cookie(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and not response.cookies


def test_healthz_is_exempt_from_the_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301
