"""Stopping the servers the test fixtures start (slapd, Azurite, moto, PostgreSQL)."""

from __future__ import annotations

import signal
import subprocess


def stop_process(
    process: subprocess.Popen[bytes], *, sig: int = signal.SIGTERM, grace: float = 10
) -> None:
    """Ask it to stop, wait `grace` seconds, then kill it; a no-op when it has exited."""
    if process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
