"""Starting a server as a child process, waiting until it answers, and stopping it."""

from __future__ import annotations

import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path


def wait_until_answering(process: subprocess.Popen[bytes], url: str, name: str, log: Path, timeout_s: float,
                         any_status: bool = False) -> None:
    """Poll ``url`` until it answers 200 (or any HTTP status with ``any_status``); fail early if the process died."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} stopped while starting; see {log}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except urllib.error.HTTPError:
            if any_status:
                return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    stop_process(process)
    raise RuntimeError(f"{name} did not start within {timeout_s} s; see {log}")


def stop_process(process: subprocess.Popen[bytes] | None, timeout_s: float = 20) -> None:
    """Terminate the process, and kill it if it does not stop in time."""
    if process and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
