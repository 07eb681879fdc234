"""Headless Chromium driven over the DevTools protocol (a websocket of JSON commands), enough
to open a page, set a file input, click, read the page and take a screenshot."""

from __future__ import annotations

import base64
import itertools
import json
import os
import queue
import re
import signal
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from websockets.sync.client import ClientConnection, connect

LISTENING = re.compile(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/")
START_TIMEOUT_S = 60


class Page:
    """One browser tab: `call` sends a command and returns its result; uncaught page errors
    are kept in `errors`."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket
        self.ids = itertools.count(1)
        self.errors: list[str] = []
        self.call("Runtime.enable")

    def call(self, method: str, **params) -> dict:
        sent = next(self.ids)
        self.socket.send(json.dumps({"id": sent, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv(timeout=60))
            if message.get("method") == "Runtime.exceptionThrown":
                self.errors.append(message["params"]["exceptionDetails"]["text"])
            if message.get("id") == sent:
                assert "error" not in message, f"{method}: {message['error']}"
                return message["result"]

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout_s: float = 60):
        """The value of `expression` once it is truthy."""
        deadline = time.monotonic() + timeout_s
        while not (value := self.evaluate(expression)):
            assert time.monotonic() < deadline, f"{expression} stayed false"
            time.sleep(0.1)
        return value

    def set_files(self, selector: str, files: list[Path]) -> None:
        root = self.call("DOM.getDocument")["root"]["nodeId"]
        node = self.call("DOM.querySelector", nodeId=root, selector=selector)["nodeId"]
        self.call("DOM.setFileInputFiles", nodeId=node, files=[str(f) for f in files])

    def screenshot(self, path: Path) -> None:
        shot = self.call("Page.captureScreenshot", format="png")
        path.write_bytes(base64.b64decode(shot["data"]))


@contextmanager
def chromium_page(chromium: str, url: str, profile: Path) -> Iterator[Page]:
    """Headless Chromium showing `url`; closed (its whole process group) afterwards."""
    process = subprocess.Popen(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-port=0",
         f"--user-data-dir={profile}", "--window-size=1000,900", url],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    said: queue.Queue[str] = queue.Queue()  # its stderr, drained all along so it never blocks
    threading.Thread(
        target=lambda: [said.put(line) for line in process.stderr], daemon=True
    ).start()
    try:
        deadline, heard = time.monotonic() + START_TIMEOUT_S, ""
        while not (found := LISTENING.search(heard)):
            try:
                heard += said.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"Chromium did not start: {heard[-3000:]}") from None
        listing = f"http://127.0.0.1:{found.group(1)}/json/list"
        with urllib.request.urlopen(listing, timeout=30) as answer:
            pages = [t for t in json.load(answer) if t["type"] == "page"]
        with connect(pages[0]["webSocketDebuggerUrl"], max_size=None) as socket:
            yield Page(socket)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
