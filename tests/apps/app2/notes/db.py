"""Database access. One connection per request: a database that goes away and comes back needs no
reconnect logic, and a service this small does not need a pool."""

import psycopg

from .config import Config


class DatabaseUnavailable(Exception):
    """The database could not be reached or failed mid-query; the request answers 503."""


class NoteStore:
    def __init__(self, config: Config):
        self._params = dict(
            host=config.db_host,
            port=config.db_port,
            user=config.db_user,
            password=config.db_password,
            dbname=config.db_name,
            connect_timeout=config.db_connect_timeout,
            application_name="notes",
            # A database created without a locale (SQL_ASCII) would hand text back as bytes: ask for UTF-8 always.
            client_encoding="UTF8",
        )

    def _connect(self):
        try:
            return psycopg.connect(**self._params, autocommit=True)
        except psycopg.Error as e:
            raise DatabaseUnavailable(_first_line(e)) from e

    def _run(self, query, params=(), fetch="all"):
        conn = self._connect()
        try:
            with conn.cursor() as cur:
                cur.execute(query, params)
                return cur.fetchall() if fetch == "all" else cur.fetchone()
        except psycopg.OperationalError as e:
            raise DatabaseUnavailable(_first_line(e)) from e
        finally:
            conn.close()

    def ping(self):
        self._run("SELECT 1", fetch="one")

    def create(self, text):
        note_id, saved = self._run("INSERT INTO notes (text) VALUES (%s) RETURNING id, text", (text,), fetch="one")
        return {"id": note_id, "text": saved}

    def get(self, note_id):
        row = self._run("SELECT id, text FROM notes WHERE id = %s", (note_id,), fetch="one")
        return None if row is None else {"id": row[0], "text": row[1]}

    def list(self, limit):
        rows = self._run("SELECT id, text FROM notes ORDER BY id DESC LIMIT %s", (limit,))
        return [{"id": r[0], "text": r[1]} for r in rows]


def _first_line(error):
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
