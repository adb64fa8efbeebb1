"""The benchmark suite runs: a --quick pass of the scenarios that need no peer SDK.

Only that it runs and reports is checked here; how fast anything is belongs to
``python -m benchmarks`` itself, never to a unit test.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_quick_suite_runs_and_writes_every_table(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--runs", "1", "--json", str(out),
         "--only", "ratelimit", "latency", "pagination", "models"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    # Exit status 1 only says a target was missed, which a shared CI box may well do.
    assert proc.returncode in (0, 1), proc.stderr
    assert "### targets" in proc.stdout
    report = json.loads(out.read_text())
    scenarios = {row["scenario"].split(".")[0] for row in report["rows"]}
    assert scenarios == {"2", "3", "4", "4a", "4b", "5"}
    targets = {t["name"] for t in report["targets"]}
    assert {"latency: sdk achieved / ideal", "models: sdk time / pydantic time"} <= targets
    rate = next(r for r in report["rows"] if r["scenario"].startswith("2."))
    assert rate["median"]["requests (fake)"] >= 100  # the --quick count, each one answered
    assert report["machine"]["python"] == sys.version.split()[0]
