"""Drive headless Chromium through its DevTools protocol over a pipe, with the standard library only (no tests here).

``--remote-debugging-pipe`` makes Chromium read commands from fd 3 and write answers and events to fd 4, as JSON
messages ended by a NUL byte: no port to open, no websocket client, no browser download (the system's Chromium,
which .ci/run installs). The browser runs with networking extras off, in a fresh profile, and is killed on close.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import queue
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--mute-audio",
)


class CdpError(RuntimeError):
    pass


class Browser:
    """One Chromium with one page attached; ``send`` runs a protocol command, ``events`` collects what it reports."""

    def __init__(self, exe: str, profile: Path, width: int = 1280, height: int = 1000, timeout: float = 60.0):
        self.timeout = timeout
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def fds() -> None:  # in the child: the two pipe ends as fds 3 and 4, kept open across exec
            a, b = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(a, 3)
            os.dup2(b, 4)
            os.set_inheritable(3, True)
            os.set_inheritable(4, True)

        self.proc = subprocess.Popen(
            [exe, *FLAGS, "--remote-debugging-pipe", f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            preexec_fn=fds,  # noqa: PLW1509 - the tests start no threads before this
            pass_fds=(3, 4),
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._next = 0
        self._answers: dict[int, queue.Queue[dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self.events: list[dict[str, Any]] = []
        self._event_added = threading.Condition()
        self._stderr: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        self.session = ""
        try:
            targets = self.send("Target.getTargets")["targetInfos"]
            page = next(t for t in targets if t["type"] == "page")
            self.session = self.send("Target.attachToTarget", targetId=page["targetId"], flatten=True)["sessionId"]
            for domain in ("Page", "Runtime", "Network", "Log"):
                self.send(f"{domain}.enable")
            self.send(
                "Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False
            )
        except BaseException:
            self.close()
            raise

    # --- the pipe ---------------------------------------------------------------------------------------------
    def _read(self) -> None:
        buf = b""
        while True:
            try:
                chunk = os.read(self._from_chrome, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                break
            buf += chunk
            while b"\0" in buf:
                raw, buf = buf.split(b"\0", 1)
                msg = json.loads(raw)
                if "id" in msg:
                    with self._lock:
                        box = self._answers.get(msg["id"])
                    if box is not None:
                        box.put(msg)
                else:
                    with self._event_added:
                        self.events.append(msg)
                        self._event_added.notify_all()

    def _drain_stderr(self) -> None:
        assert self.proc.stderr is not None
        for line in iter(self.proc.stderr.readline, b""):
            self._stderr.append(line.decode("utf-8", "replace"))

    def send(self, method: str, session: bool = True, **params: Any) -> dict[str, Any]:
        with self._lock:
            self._next += 1
            n = self._next
            box: queue.Queue[dict[str, Any]] = queue.Queue()
            self._answers[n] = box
        msg: dict[str, Any] = {"id": n, "method": method, "params": params}
        if session and self.session:
            msg["sessionId"] = self.session
        os.write(self._to_chrome, json.dumps(msg).encode() + b"\0")
        try:
            answer = box.get(timeout=self.timeout)
        except queue.Empty:
            stderr = "".join(self._stderr)[-2000:]
            raise CdpError(f"{method}: no answer in {self.timeout} s; stderr: {stderr}") from None
        finally:
            with self._lock:
                self._answers.pop(n, None)
        if "error" in answer:
            raise CdpError(f"{method}: {answer['error']}")
        return answer.get("result", {})

    def wait_event(self, method: str, since: int = 0) -> dict[str, Any]:
        """The first event ``method`` at or after index ``since`` of ``events``, waiting for it if need be."""
        deadline = time.monotonic() + self.timeout
        with self._event_added:
            while True:
                for e in self.events[since:]:
                    if e.get("method") == method:
                        return e
                left = deadline - time.monotonic()
                if left <= 0:
                    raise CdpError(f"no {method} event in {self.timeout} s")
                self._event_added.wait(left)

    # --- what the tests use -----------------------------------------------------------------------------------
    def open(self, url: str) -> None:
        since = len(self.events)
        self.send("Page.navigate", url=url)
        self.wait_event("Page.loadEventFired", since)

    def js(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (a thrown exception fails the call)."""
        r = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            raise CdpError(f"{expression[:200]}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def mouse(self, x: float, y: float, kind: str = "mouseMoved", button: str = "none") -> None:
        clicks = 0 if button == "none" else 1
        self.send("Input.dispatchMouseEvent", type=kind, x=x, y=y, button=button, clickCount=clicks)

    def click(self, x: float, y: float) -> None:
        self.mouse(x, y)
        self.mouse(x, y, "mousePressed", "left")
        self.mouse(x, y, "mouseReleased", "left")

    def key(self, key: str, code: str, keycode: int, text: str = "") -> None:
        """Press and release a key (``text``: what it types, e.g. "\\r" for Enter, so that it activates a button)."""
        down: dict[str, Any] = {"type": "keyDown", "text": text} if text else {"type": "rawKeyDown"}
        self.send("Input.dispatchKeyEvent", key=key, code=code, windowsVirtualKeyCode=keycode, **down)
        self.send("Input.dispatchKeyEvent", type="keyUp", key=key, code=code, windowsVirtualKeyCode=keycode)

    def type(self, text: str) -> None:
        self.send("Input.insertText", text=text)

    def frame(self) -> None:
        """Let the page draw a frame (the explorer hit-tests once per animation frame)."""
        self.js("new Promise(function (r) { requestAnimationFrame(function () { requestAnimationFrame(r); }); })")

    def screenshot(self, path: Path, clip: dict[str, float] | None = None) -> None:
        """A PNG of the viewport, or of ``clip`` (page coordinates, inside the viewport: capturing beyond it lays
        the page out again, and the page would see the mouse move)."""
        params: dict[str, Any] = {"format": "png", "captureBeyondViewport": False}
        if clip:
            params["clip"] = {**clip, "scale": 1}
        path.write_bytes(base64.b64decode(self.send("Page.captureScreenshot", **params)["data"]))

    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events if e.get("method") == "Network.requestWillBeSent"]

    def console(self) -> list[dict[str, Any]]:
        """Console calls, uncaught exceptions and logged errors or warnings, as the protocol reports them."""
        kinds = ("Runtime.consoleAPICalled", "Runtime.exceptionThrown", "Page.javascriptDialogOpening")
        out = [e for e in self.events if e.get("method") in kinds]
        out += [
            e
            for e in self.events
            if e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] in ("error", "warning")
        ]
        return out

    def close(self) -> None:
        try:
            if self.proc.poll() is None:
                with contextlib.suppress(CdpError, OSError):
                    self.send("Browser.close", session=False)
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(timeout=10)
        finally:
            for fd in (self._to_chrome, self._from_chrome):
                with contextlib.suppress(OSError):
                    os.close(fd)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
