"""The notes API over real HTTP against a real PostgreSQL."""

import json

import pytest

MAX_BODY = 64 * 1024


def test_create_answers_201_with_the_stored_note(client, marker, db):
    response = client.post_json("/notes", {"text": f"{marker} first"})

    assert response.status == 201
    assert response.headers["Content-Type"] == "application/json"
    note = response.json()
    assert note["text"] == f"{marker} first"
    assert isinstance(note["id"], int)
    assert db.execute("SELECT text FROM notes WHERE id = %s", (note["id"],)).fetchone() == (f"{marker} first",)


def test_a_created_note_is_read_back_by_id(client, marker):
    created = client.post_json("/notes", {"text": f"{marker} read me"}).json()

    response = client.get(f"/notes/{created['id']}")

    assert response.status == 200
    assert response.json() == {"id": created["id"], "text": f"{marker} read me"}


def test_text_round_trips_unicode_and_newlines(client, marker):
    text = f"{marker} naïve café ☕ 日本語\nsecond line \"quoted\""
    created = client.post_json("/notes", {"text": text}).json()

    assert client.get(f"/notes/{created['id']}").json()["text"] == text


def test_list_holds_the_created_notes_newest_first(client, marker):
    ids = [client.post_json("/notes", {"text": f"{marker} {n}"}).json()["id"] for n in range(3)]

    response = client.get("/notes")

    assert response.status == 200
    mine = [note for note in response.json() if note["text"].startswith(marker)]
    assert [note["id"] for note in mine] == sorted(ids, reverse=True)
    assert [note["text"] for note in mine] == [f"{marker} {n}" for n in (2, 1, 0)]


def test_list_limit_caps_the_number_of_notes(client, marker):
    ids = [client.post_json("/notes", {"text": f"{marker} {n}"}).json()["id"] for n in range(2)]

    notes = client.get("/notes?limit=1").json()

    # Newest first: the one note is ours or one another client wrote after it, never an older one.
    assert len(notes) == 1
    assert notes[0]["id"] >= max(ids)


@pytest.mark.parametrize("query", ["limit=0", "limit=1001", "limit=abc", "limit=-1"])
def test_list_rejects_a_bad_limit(client, query):
    response = client.get(f"/notes?{query}")

    assert response.status == 400
    assert "limit" in response.json()["error"]


@pytest.mark.parametrize("path", [
    "/notes/9223372036854775807",   # the largest bigint: a valid id no note has
    "/notes/99999999999999999999",  # beyond bigint: not a note, not a database error
    "/notes/abc",
    "/notes/-1",
    "/notes/",
])
def test_an_unknown_note_is_404(client, path):
    response = client.get(path)

    assert response.status == 404
    assert response.headers["Content-Type"] == "application/json"
    assert "error" in response.json()


def test_a_deleted_note_is_404(client, marker, db):
    created = client.post_json("/notes", {"text": f"{marker} gone"}).json()
    db.execute("DELETE FROM notes WHERE id = %s", (created["id"],))

    assert client.get(f"/notes/{created['id']}").status == 404


# Bodies as templates: where a note could come out of one, it would carry the test's marker, so "stores nothing"
# is checked on this test's rows only, and holds while other clients write to the same database.
@pytest.mark.parametrize("body", [
    "{",
    "not json",
    "",
    "[]",
    '"{marker}"',
    "{}",
    '{"text": 5}',
    '{"text": null}',
    '{"text": ""}',
    '{"text": ["{marker}"]}',
    '{"note": "{marker} wrong key"}',
    '{"text": "{marker} nul \\u0000 inside"}',
    '{"text": "{marker} truncated',
])
def test_a_bad_body_is_400_and_stores_nothing(client, db, marker, body):
    response = client.request("POST", "/notes", body.replace("{marker}", marker).encode(), {"Content-Type": "application/json"})

    assert response.status == 400
    assert "error" in response.json()
    assert db.execute("SELECT count(*) FROM notes WHERE text LIKE %s", (marker + "%",)).fetchone()[0] == 0


def test_a_body_that_is_not_utf8_is_400(client):
    response = client.request("POST", "/notes", b'{"text": "caf\xe9"}', {"Content-Type": "application/json"})  # Latin-1, not UTF-8

    assert response.status == 400


def test_a_body_over_64_kib_is_413_and_stores_nothing(client, marker, db):
    text = marker + "x" * MAX_BODY
    body = json.dumps({"text": text}).encode()
    assert len(body) > MAX_BODY

    response = client.request("POST", "/notes", body, {"Content-Type": "application/json"})

    assert response.status == 413
    assert "error" in response.json()
    assert db.execute("SELECT count(*) FROM notes WHERE text LIKE %s", (marker + "%",)).fetchone()[0] == 0


def test_a_body_of_exactly_64_kib_is_accepted(client, marker):
    overhead = len(json.dumps({"text": marker}).encode())
    body = json.dumps({"text": marker + "y" * (MAX_BODY - overhead)}).encode()
    assert len(body) == MAX_BODY

    response = client.request("POST", "/notes", body, {"Content-Type": "application/json"})

    assert response.status == 201
    assert len(response.json()["text"]) == MAX_BODY - overhead + len(marker)


def test_healthcheck_is_ok_when_the_database_answers(client):
    response = client.get("/healthcheck")

    assert response.status == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}


def test_version_is_app_version_as_plain_text(client):
    response = client.get("/version")

    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    assert response.body == b"9.8.7-test"


def test_an_unknown_path_is_404(client):
    assert client.get("/nope").status == 404


@pytest.mark.parametrize("method, path, allow", [
    ("DELETE", "/notes", "GET, POST"),
    ("PUT", "/notes/1", "GET"),
    ("POST", "/healthcheck", "GET"),
])
def test_a_wrong_method_is_405_with_allow(client, method, path, allow):
    response = client.request(method, path, b"{}")

    assert response.status == 405
    assert response.headers["Allow"] == allow
