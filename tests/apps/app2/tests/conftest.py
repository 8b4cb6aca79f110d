"""Fixtures: a real PostgreSQL (POSTGRES_HOST/PORT, as the pipeline sets them), a real server on a free port, and
a unique marker per test whose rows are deleted afterwards, so the suite passes any number of times against the
same database."""

import socket
import uuid
from dataclasses import replace

import psycopg
import pytest

from notes.config import Config
from support import Client, TcpRelay, start_server, stop_server



def db_config():
    # Only the database settings come from the environment; the server always binds loopback on a free port.
    return replace(Config.from_env(), host="127.0.0.1", port=0, version="9.8.7-test")


@pytest.fixture(scope="session")
def db():
    config = db_config()
    try:
        conn = psycopg.connect(
            host=config.db_host, port=config.db_port, user=config.db_user, password=config.db_password,
            dbname=config.db_name, connect_timeout=10, client_encoding="UTF8", autocommit=True)
    except psycopg.OperationalError as e:
        pytest.fail(f"PostgreSQL at {config.db_host}:{config.db_port} is not reachable (set POSTGRES_HOST/PORT): {e}")
    with conn:
        if conn.execute("SELECT to_regclass('notes')").fetchone()[0] is None:
            pytest.fail(f"no notes table in {config.db_name}: import db/schema.sql first (see README.md)")
        yield conn


@pytest.fixture
def marker(db):
    """A string unique to this test; every note a test makes starts with it, and they are deleted after it."""
    value = f"pytest-{uuid.uuid4().hex}"
    yield value
    db.execute("DELETE FROM notes WHERE text LIKE %s", (value + "%",))


@pytest.fixture
def client(db):
    server, thread = start_server(db_config())
    yield Client(server.server_address[1])
    stop_server(server, thread)


@pytest.fixture
def closed_port():
    """A loopback port nothing listens on: connections to it are refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def relay(db):
    config = db_config()
    relay = TcpRelay((config.db_host, config.db_port))
    relay.start()
    yield relay
    relay.stop()
