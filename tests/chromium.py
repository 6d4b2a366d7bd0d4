"""Open a page in real headless Chromium over the DevTools protocol.

    page = open_page(Path("report.html"))
    page.value("document.title")        # a JavaScript expression's value
    page.errors                         # console errors, uncaught exceptions, failed loads
    page.screenshot()                   # PNG bytes

Chromium is the Debian `chromium` package (`make system-packages` installs it).
The protocol runs over a WebSocket on 127.0.0.1; nothing is mocked.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
import websocket

CANDIDATES = ("chromium", "chromium-browser", "google-chrome")


def chromium_binary() -> str | None:
    return next((found for name in CANDIDATES if (found := shutil.which(name))), None)


@dataclass
class Page:
    socket: websocket.WebSocket
    errors: list[str] = field(default_factory=list)
    _next_id: int = 0

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        self.socket.send(json.dumps({"id": self._next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self._next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message["result"]
                return result
            self._event(message)

    def wait_for(self, event: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = json.loads(self.socket.recv())
            self._event(message)
            if message.get("method") == event:
                return
        raise TimeoutError(event)

    def value(self, expression: str) -> Any:
        reply = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in reply:
            raise RuntimeError(f"{expression}: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def screenshot(self) -> bytes:
        return base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"])

    def _event(self, message: dict[str, Any]) -> None:
        method, params = message.get("method"), message.get("params", {})
        if method == "Runtime.exceptionThrown":
            self.errors.append(f"exception: {params['exceptionDetails'].get('text')}")
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            self.errors.append(f"console.{params['type']}: {params.get('args')}")
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            self.errors.append(f"log: {params['entry'].get('text')}")


@contextmanager
def open_page(file: Path, width: int = 1280, height: int = 900) -> Iterator[Page]:
    binary = chromium_binary()
    if binary is None:
        raise RuntimeError("no chromium binary (make system-packages installs it)")
    with tempfile.TemporaryDirectory(prefix="hipaa-cac-chromium-") as profile:
        process = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",  # CI runs as root, where the sandbox cannot start
                "--disable-gpu",
                "--no-first-run",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            port = _devtools_port(Path(profile), process)
            targets = requests.get(f"http://127.0.0.1:{port}/json/list", timeout=10).json()
            page_target = next(t for t in targets if t["type"] == "page")
            socket = websocket.create_connection(page_target["webSocketDebuggerUrl"], timeout=30)
            try:
                page = Page(socket)
                for domain in ("Page", "Runtime", "Log"):
                    page.call(f"{domain}.enable")
                page.call("Page.navigate", url=file.resolve().as_uri())
                page.wait_for("Page.loadEventFired")
                yield page
            finally:
                socket.close()
        finally:
            process.terminate()
            process.wait(timeout=30)


def _devtools_port(profile: Path, process: subprocess.Popen[bytes]) -> int:
    marker = profile / "DevToolsActivePort"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if marker.is_file() and marker.read_text().strip():
            return int(marker.read_text().splitlines()[0])
        if process.poll() is not None:
            raise RuntimeError(f"chromium exited with {process.returncode} before it listened")
        time.sleep(0.1)
    raise TimeoutError("chromium did not open its DevTools port")
