"""The service as the image runs it (`python3 -m notes`, a subprocess): one log line per request, and SIGTERM
stops it gracefully: no new connections, the request in flight finished, exit code 0."""

import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from support import Client

APP_DIR = Path(__file__).resolve().parent.parent
STOP_LIMIT = 5


class ServiceProcess:
    def __init__(self):
        env = dict(os.environ, HOST="127.0.0.1", PORT="0", APP_VERSION="subprocess-test", PYTHONUNBUFFERED="1")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "notes"], cwd=APP_DIR, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines = []
        self._queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        listening = self.wait_for(r"listening on 127\.0\.0\.1:(\d+)")
        self.port = int(listening.group(1))

    def _read(self):
        for line in self.process.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for(self, pattern, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                break
            self.lines.append(line)
            if match := re.search(pattern, line):
                return match
        raise AssertionError(f"no line matching {pattern!r} within {timeout} s; output so far: {self.lines}")

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(STOP_LIMIT)
        for line in iter(self._queue.get, None):
            self.lines.append(line)
        return code


@pytest.fixture
def service(db):
    service = ServiceProcess()
    yield service
    if service.process.poll() is None:
        service.process.kill()
        service.process.wait()


def test_sigterm_stops_the_service_with_exit_code_0(service):
    client = Client(service.port)
    assert client.get("/healthcheck").status == 200
    assert client.get("/version").body == b"subprocess-test"

    assert service.stop() == 0
    assert any("received SIGTERM" in line for line in service.lines)
    assert service.lines[-1].endswith("stopped")


def test_each_request_is_logged_on_one_line(service):
    client = Client(service.port)
    client.get("/healthcheck")
    client.get("/notes/abc")

    service.stop()

    requests = [line for line in service.lines if '"GET ' in line]
    assert len(requests) == 2
    assert '"GET /healthcheck HTTP/1.1" 200' in requests[0]
    assert '"GET /notes/abc HTTP/1.1" 404' in requests[1]


def test_sigterm_finishes_the_request_in_flight_and_refuses_new_ones(service, marker):
    body = json.dumps({"text": f"{marker} in flight"}).encode()
    half = len(body) // 2
    conn = socket.create_connection(("127.0.0.1", service.port), timeout=10)
    try:
        conn.sendall(b"POST /notes HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                     + f"Content-Length: {len(body)}\r\n\r\n".encode() + body[:half])
        # The signal must come once a handler thread holds the connection, so the request is truly in flight
        # (a connection still in the listen backlog would just be reset).
        assert _threads_within(service.process.pid, 2, 5), "the service never picked up the connection"
        service.process.send_signal(signal.SIGTERM)
        service.wait_for("received SIGTERM")

        assert _refused_within(service.port, 5), "the service still accepts connections after SIGTERM"
        assert service.process.poll() is None, "the service exited with a request in flight"

        conn.sendall(body[half:])
        response = _read_all(conn)
    finally:
        conn.close()

    assert response.startswith(b"HTTP/1.0 201 "), response[:200]
    assert json.loads(response.split(b"\r\n\r\n", 1)[1])["text"] == f"{marker} in flight"
    assert service.process.wait(STOP_LIMIT) == 0


def _threads_within(pid, count, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = Path(f"/proc/{pid}/status").read_text()
        if int(re.search(r"^Threads:\s+(\d+)", status, re.M).group(1)) >= count:
            return True
        time.sleep(0.02)
    return False


def _refused_within(port, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        # Reset: the probe reached the backlog just as the listening socket closed; it was not served either.
        except (ConnectionRefusedError, ConnectionResetError):
            return True
        time.sleep(0.05)
    return False


def _read_all(conn):
    chunks = []
    while chunk := conn.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)
