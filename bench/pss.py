"""The most memory a process and its worker processes hold at once, for the benchmarks.

Forked workers share the caller's pages until they write to them, so summing their
resident sets counts those pages once per process. The proportional set size (PSS,
Linux's /proc/PID/smaps_rollup) splits each shared page between the processes that map
it, so the sum over a process tree is what it holds. A separate process samples it
(a thread in the measured process would keep kb from forking its workers:
deflection.batch).

    with PeakPss() as peak:
        work()
    print(peak.mb)
"""

from __future__ import annotations

import os
import subprocess
import sys

INTERVAL_S = 0.5

_SAMPLER = r"""
import os, select, sys, time
root, me, interval = int(sys.argv[1]), os.getpid(), float(sys.argv[2])

def tree():
    parents = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    parents[int(name)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    found, todo = {root}, [root]
    while todo:
        pid = todo.pop()
        for child, parent in parents.items():
            if parent == pid and child not in found and child != me:
                found.add(child)
                todo.append(child)
    return found

def pss(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0

peak = 0
while True:
    peak = max(peak, sum(pss(pid) for pid in tree()))
    if select.select([sys.stdin], [], [], interval)[0]:
        break
print(peak, time.process_time())
"""


class PeakPss:
    """Samples this process tree's summed PSS every INTERVAL_S while in the `with`."""

    def __init__(self) -> None:
        self.mb = 0.0
        self.cpu_s = 0.0  # the sampler's own
        self._sampler: subprocess.Popen[str] | None = None

    def __enter__(self) -> PeakPss:
        if not os.path.exists("/proc/self/smaps_rollup"):
            return self  # not Linux: no figure
        self._sampler = subprocess.Popen(
            [sys.executable, "-c", _SAMPLER, str(os.getpid()), str(INTERVAL_S)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._sampler is not None:
            out, _ = self._sampler.communicate("stop\n")
            peak, cpu = out.split()
            self.mb, self.cpu_s = int(peak) / 1024, float(cpu)
