"""The HTTP service: routes, JSON bodies, one log line per request, graceful stop."""

import json
import re
import signal
import sys
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from .config import MAX_BODY_BYTES, Config
from .db import DatabaseUnavailable, NoteStore

# An over-large body is read and dropped up to this size before the 413 goes out: closing a socket with unread
# data makes the kernel send RST, and the client may then lose the 413 it was about to read.
DRAIN_LIMIT_BYTES = 1024 * 1024
BIGINT_MAX = 2**63 - 1
DEFAULT_LIST_LIMIT = 100
MAX_LIST_LIMIT = 1000
NOTE_PATH = re.compile(r"^/notes/([0-9]{1,19})$")

_log_lock = threading.Lock()


def log(line):
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    with _log_lock:
        sys.stdout.write(f"{stamp} {line}\n")
        sys.stdout.flush()


class BadRequest(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


class NotesHandler(BaseHTTPRequestHandler):
    server_version = "notes"
    # A client that stops sending holds a thread, and a graceful stop waits for it, at most this long.
    timeout = 5

    # ---- routing ----

    def do_GET(self):
        path, query = self._split()
        if path == "/healthcheck":
            return self._healthcheck()
        if path == "/version":
            return self._send(200, self.server.config.version.encode(), "text/plain; charset=utf-8")
        if path == "/notes":
            return self._with_db(lambda: self._send_json(200, self.server.store.list(self._limit(query))))
        match = NOTE_PATH.match(path)
        if match:
            return self._with_db(lambda: self._get_note(int(match.group(1))))
        if path.startswith("/notes/"):
            return self._send_json(404, {"error": "note not found"})
        self._send_json(404, {"error": "not found"})

    def do_POST(self):
        path, _ = self._split()
        if path != "/notes":
            return self._not_allowed(path)
        try:
            text = self._read_note_text()
        except BadRequest as e:
            return self._send_json(e.status, {"error": e.message})
        self._with_db(lambda: self._send_json(201, self.server.store.create(text)))

    def do_PUT(self):
        self._not_allowed(self._split()[0])

    do_DELETE = do_PATCH = do_PUT

    # ---- endpoints ----

    def _healthcheck(self):
        try:
            self.server.store.ping()
        except DatabaseUnavailable as e:
            return self._send_json(503, {"status": "unavailable", "error": f"database: {e}"})
        except Exception as e:  # a misconfigured database is still "not healthy", never a crash
            return self._send_json(503, {"status": "unavailable", "error": f"database: {type(e).__name__}"})
        self._send_json(200, {"status": "ok"})

    def _get_note(self, note_id):
        note = self.server.store.get(note_id) if note_id <= BIGINT_MAX else None
        if note is None:
            return self._send_json(404, {"error": "note not found"})
        self._send_json(200, note)

    def _read_note_text(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self.close_connection = True
            raise BadRequest(411, "send the body with a Content-Length")
        raw_length = self.headers.get("Content-Length", "0").strip()
        if not raw_length.isdigit():
            self.close_connection = True
            raise BadRequest(400, "invalid Content-Length")
        length = int(raw_length)
        if length > MAX_BODY_BYTES:
            self._drain(length)
            raise BadRequest(413, f"body over {MAX_BODY_BYTES} bytes")
        body = self.rfile.read(length)
        if len(body) < length:
            self.close_connection = True
            raise BadRequest(400, "body shorter than Content-Length")
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise BadRequest(400, "body is not valid JSON") from None
        if not isinstance(payload, dict) or not isinstance(payload.get("text"), str) or not payload["text"]:
            raise BadRequest(400, 'expected a JSON object with a non-empty string "text"')
        if "\x00" in payload["text"]:
            raise BadRequest(400, "text must not contain NUL characters")  # PostgreSQL text cannot hold them
        return payload["text"]

    def _drain(self, length):
        if length > DRAIN_LIMIT_BYTES:
            self.close_connection = True
            return
        remaining = length
        while remaining > 0:
            chunk = self.rfile.read(min(remaining, 65536))
            if not chunk:
                break
            remaining -= len(chunk)

    def _limit(self, query):
        values = parse_qs(query).get("limit")
        if not values:
            return DEFAULT_LIST_LIMIT
        if not values[0].isdigit() or not 1 <= int(values[0]) <= MAX_LIST_LIMIT:
            raise BadRequest(400, f"limit must be between 1 and {MAX_LIST_LIMIT}")
        return int(values[0])

    # ---- plumbing ----

    def _with_db(self, action):
        try:
            action()
        except BadRequest as e:
            self._send_json(e.status, {"error": e.message})
        except DatabaseUnavailable as e:
            self._send_json(503, {"error": f"database unavailable: {e}"})
        except Exception as e:
            self.log_message("error: %s: %s", type(e).__name__, e)
            self._send_json(500, {"error": "internal error"})

    def _not_allowed(self, path):
        if path == "/notes" or NOTE_PATH.match(path) or path in ("/healthcheck", "/version"):
            allow = "GET, POST" if path == "/notes" else "GET"
            return self._send_json(405, {"error": "method not allowed"}, {"Allow": allow})
        self._send_json(404, {"error": "not found"})

    def _split(self):
        parts = urlsplit(self.path)
        return parts.path, parts.query

    def _send_json(self, status, payload, headers=None):
        self._send(status, json.dumps(payload).encode(), "application/json", headers)

    def _send(self, status, body, content_type, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def version_string(self):
        return self.server_version

    def handle_one_request(self):
        self._started = time.monotonic()
        super().handle_one_request()

    def log_request(self, code="-", size="-"):
        elapsed = (time.monotonic() - getattr(self, "_started", time.monotonic())) * 1000
        status = code.value if hasattr(code, "value") else code
        log(f'{self.client_address[0]} "{self.requestline}" {status} {elapsed:.1f}ms')

    def log_message(self, format, *args):
        log(f"{self.client_address[0]} {format % args}")


class NotesServer(ThreadingHTTPServer):
    # Request threads are joined on close, so a stop finishes the requests in flight.
    daemon_threads = False
    block_on_close = True
    allow_reuse_address = True

    def __init__(self, config: Config, store=None):
        super().__init__((config.host, config.port), NotesHandler)
        self.config = config
        self.store = store or NoteStore(config)


def serve(config: Config):
    server = NotesServer(config)
    host, port = server.server_address[:2]
    stopping = threading.Event()

    def stop(signum, _frame):
        if stopping.is_set():
            return
        stopping.set()
        log(f"received {signal.Signals(signum).name}: finishing requests in flight, then stopping")
        # shutdown() waits for serve_forever() to return, which runs on this (the main) thread: call it from another.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log(f"notes {config.version} listening on {host}:{port} (database {config.db_host}:{config.db_port}/{config.db_name})")
    try:
        server.serve_forever(poll_interval=0.5)
    finally:
        server.server_close()
    log("stopped")
    return 0
