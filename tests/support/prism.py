"""Prism, the OpenAPI mock, serving Twilio's own published spec of its 2010 REST API."""
from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

from tests.support.smtp import free_port

ROOT = Path(__file__).resolve().parents[2]
PRISM = ROOT / ".peers" / "node_modules" / ".bin" / "prism"


def twilio_spec() -> Path | None:
    """shared/peers/twilio_api_v2010.json, found beside the checkout or one of its parents."""
    for parent in ROOT.parents:
        candidate = parent / "shared" / "peers" / "twilio_api_v2010.json"
        if candidate.exists():
            return candidate
    return None


class Prism:
    """A running `prism mock` process on a free port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, spec: Path, timeout: float = 60) -> None:
        self.process = subprocess.Popen(
            [str(PRISM), "mock", "-d", "-h", "127.0.0.1", "-p", str(self.port), str(spec)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "NO_COLOR": "1"})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:  # waiting for a process to listen, not for a schedule
            if self.process.poll() is not None:
                raise RuntimeError("prism exited before listening")
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("prism did not start listening in time")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.process = None
