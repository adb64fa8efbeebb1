"""CPU instructions per call, by callgrind: ``python -m benchmarks.instructions``.

On a shared machine seconds wander by 30% and more from run to run; the
instructions a client executes do not.  Each figure is the difference between
a client run doing N calls and one doing none (same warm-up), divided by N,
under ``valgrind --tool=callgrind`` with ``PYTHONHASHSEED=0``, against the lean
server (run normally, in its own process).  Workloads: a pause at concurrency
64, and a page of 100 campaigns listed with no consumer work; clients: raw
aiohttp (``resp.json()``), the SDK, and the SDK without the speedups extra.
Needs valgrind; a run takes a few minutes (``--only pause`` or ``--only page``
runs one workload).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile

from ._server import lean_server

PAUSES = 2_000
ITEMS = 2_000
CASES = (
    ("pause", "raw", ()),
    ("pause", "sdk", ()),
    ("pause", "sdk", ("--no-speedups",)),
    ("page", "raw", ()),
    ("page", "sdk", ()),
    ("page", "sdk", ("--no-speedups",)),
)


def _instructions(args: list[str], tmp: str) -> int:
    out = os.path.join(tmp, "callgrind.out")
    cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    subprocess.run([*cmd, "-m", "benchmarks._instr_client", *args], cwd=root, env=env,
                   check=True, capture_output=True, timeout=3600)  # fmt: skip
    with open(out, encoding="utf-8") as f:
        for line in f:
            if line.startswith("summary:"):
                return int(line.split()[1])
    raise RuntimeError("callgrind wrote no summary")


def main() -> int:
    # ``--only pause`` or ``--only page``: one workload (half the time).
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv[1:-1] else None
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (apt-get install valgrind)", file=sys.stderr)
        return 2
    results: dict[tuple[str, str], float] = {}
    with lean_server(campaigns=10_000) as server, tempfile.TemporaryDirectory() as tmp:
        ids_file = os.path.join(tmp, "ids.txt")
        with open(ids_file, "w", encoding="utf-8") as f:
            f.writelines(f"{i}\n" for i in server.ids)
        for workload, kind, flags in CASES:
            if only is not None and workload != only:
                continue
            n, per = (PAUSES, PAUSES) if workload == "pause" else (ITEMS, ITEMS // 100)
            base = [workload, kind]
            tail = [server.base_url, ids_file, *flags]
            idle = _instructions([*base, "0", *tail], tmp)
            busy = _instructions([*base, str(n), *tail], tmp)
            label = kind + (" (no speedups)" if flags else "")
            results[(workload, label)] = (busy - idle) / per
            print(f"{workload:5s} {label:20s} {(busy - idle) / per:12,.0f}", flush=True)
    print()
    print("| workload | client | instructions | raw / client |")
    print("|---|---|---|---|")
    for (workload, label), value in results.items():
        raw = results[(workload, "raw")]
        unit = "per pause (c=64)" if workload == "pause" else "per page of 100"
        print(f"| {unit} | {label} | {value:,.0f} | {raw / value:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
