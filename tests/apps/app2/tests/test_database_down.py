"""A database that is down gives 503s, never a crash, and the service recovers when it is back."""

from dataclasses import replace

import pytest

from conftest import db_config
from support import Client, start_server, stop_server


@pytest.fixture
def server_on(request):
    started = []

    def start(port, host="127.0.0.1"):
        config = replace(db_config(), db_host=host, db_port=port, db_connect_timeout=2)
        server, thread = start_server(config)
        started.append((server, thread))
        return Client(server.server_address[1])

    yield start
    for server, thread in started:
        stop_server(server, thread)


def test_healthcheck_is_503_when_the_database_is_unreachable(server_on, closed_port):
    client = server_on(closed_port)

    response = client.get("/healthcheck")

    assert response.status == 503
    assert response.headers["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "unavailable"
    assert "database" in body["error"]


def test_notes_are_503_when_the_database_is_unreachable_and_the_server_keeps_serving(server_on, closed_port):
    client = server_on(closed_port)

    assert client.post_json("/notes", {"text": "never stored"}).status == 503
    assert client.get("/notes").status == 503
    assert client.get("/notes/1").status == 503
    assert client.get("/healthcheck").status == 503
    assert client.get("/version").status == 200


def test_the_service_is_healthy_again_when_the_database_comes_back(server_on, relay, marker):
    client = server_on(relay.port)
    assert client.get("/healthcheck").status == 200

    relay.stop()
    assert client.get("/healthcheck").status == 503
    assert client.post_json("/notes", {"text": f"{marker} while down"}).status == 503

    relay.start()
    assert client.get("/healthcheck").status == 200
    assert client.post_json("/notes", {"text": f"{marker} after"}).status == 201
