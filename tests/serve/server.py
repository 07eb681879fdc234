"""`metagen serve` as a user starts it, a process on a free localhost port, and the plain
HTTP requests (standard library only) that the tests send it."""

from __future__ import annotations

import http.client
import json
import re
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.e2e.runs import METAGEN

STARTED = re.compile(r"serving .* on http://127\.0\.0\.1:(\d+)/")
START_TIMEOUT_S = 120  # importing torch and loading the model, on a busy 2-core machine


@contextmanager
def serving(run: Path, log: Path, *flags: str) -> Iterator[int]:
    """`metagen serve RUN --port 0 FLAGS` running (its output in `log`); yields its port."""
    with log.open("w") as output:
        process = subprocess.Popen([METAGEN, "serve", str(run), "--port", "0", *flags],
                                   stdout=output, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not (found := STARTED.search(log.read_text())):
            assert process.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.2)
        port = int(found.group(1))
        while not responds(port):
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def responds(port: int) -> bool:
    try:
        return request(port, "GET", "/health")[0] == 200
    except OSError:
        return False


def request(
    port: int, method: str, path: str, body=None, headers: dict | None = None
) -> tuple[int, dict | str]:
    """The status and the answer (parsed when it is JSON) of one request."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        # http.client sends an iterable body chunked, as it streams in
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        text = response.read().decode("utf-8")
        is_json = response.getheader("content-type", "").startswith("application/json")
        return response.status, json.loads(text) if is_json else text
    finally:
        connection.close()


def multipart(name: str, content: bytes) -> tuple[bytes, dict]:
    """A form upload of one file (field "file"), as a browser sends it."""
    boundary = uuid.uuid4().hex
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"'
            "\r\nContent-Type: application/octet-stream\r\n\r\n")  # fmt: skip
    body = head.encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def upload(port: int, name: str, content: bytes) -> tuple[int, dict | str]:
    body, headers = multipart(name, content)
    return request(port, "POST", "/predict", body, headers)
