"""Starting a server as a child process, waiting until it answers, and stopping it."""

from __future__ import annotations

import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from test_support.paths import ROOT


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


class ServerProcess:
    """What the test servers share: a port, a child process, its log, start-and-wait and stop.

    Subclasses (dataclasses) define ``port``, ``process`` and ``workdir`` fields, ``log`` and
    ``start()``, which calls :meth:`launch`.
    """

    port: int
    process: subprocess.Popen[bytes] | None
    workdir: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        raise NotImplementedError

    def launch(self, command: list[str], env: dict[str, str], ready_path: str, name: str, timeout_s: float,
               any_status: bool = False) -> None:
        """Start ``command`` in the project folder, output to the log, and wait until ``ready_path`` answers."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=self.log.open("ab"), stderr=subprocess.STDOUT,
                                        env=env)
        wait_until_answering(self.process, f"{self.url}{ready_path}", name, self.log, timeout_s, any_status)

    def stop(self) -> None:
        """Terminate the server (kill it if it does not stop in time)."""
        stop_process(self.process)
