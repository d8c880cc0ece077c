"""CPU time and memory of the processes a benchmark drives (read from /proc)."""

from __future__ import annotations

import os
import time
from pathlib import Path

CLIENT = "client"  # this process, the load generator, shares the two cores with the servers


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a live process and its live descendants."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(cpu_seconds(int(child)) for child in children)


class CpuMeter:
    """CPU used by named processes (and this one) over a stretch of wall time, in % of one core."""

    def __init__(self, processes: dict[str, int]) -> None:
        self.processes = processes
        self.started = time.perf_counter()
        self.before = self._now()

    def _now(self) -> dict[str, float]:
        return {**{name: cpu_seconds(pid) for name, pid in self.processes.items()}, CLIENT: time.process_time()}

    def shares(self) -> dict[str, float]:
        """Per process, CPU seconds used since the start divided by the wall seconds, as a percentage."""
        wall = time.perf_counter() - self.started
        return {name: 100 * (used - self.before[name]) / wall for name, used in self._now().items()}


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")
