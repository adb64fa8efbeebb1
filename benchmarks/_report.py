"""Results: per-run values, medians, targets, the printed table and the JSON file."""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
from dataclasses import dataclass, field
from typing import Any

from ._config import json_codec


@dataclass
class Row:
    """One measured thing (a scenario, a case, a client) with one value per run per metric."""

    scenario: str
    case: str
    client: str
    metrics: dict[str, list[float]] = field(default_factory=dict)

    def add(self, **values: float) -> None:
        for name, value in values.items():
            self.metrics.setdefault(name, []).append(value)

    def median(self, name: str) -> float:
        return statistics.median(self.metrics[name])


@dataclass
class Target:
    name: str
    value: float
    goal: str  # human-readable, e.g. ">= 0.85"
    passed: bool
    note: str = ""


@dataclass
class Results:
    runs: int
    quick: bool
    rows: list[Row] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def row(self, scenario: str, case: str, client: str) -> Row:
        for r in self.rows:
            if (r.scenario, r.case, r.client) == (scenario, case, client):
                return r
        r = Row(scenario, case, client)
        self.rows.append(r)
        return r

    def target(self, name: str, value: float, goal: str, passed: bool, note: str = "") -> None:
        self.targets.append(Target(name, value, goal, passed, note))


def machine() -> dict[str, Any]:
    cpu = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "cpu": cpu,
        "platform": platform.platform(),
        "json": json_codec(),
    }


def _fmt(value: float) -> str:
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 100:
        return f"{value:.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    if magnitude >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def _table(headers: list[str], body: list[list[str]]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in body)) for i, h in enumerate(headers)]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |"
    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    out = [line, rule]
    for r in body:
        out.append("| " + " | ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) + " |")
    return out


def render(results: Results) -> str:
    """Markdown tables (medians), one per scenario, then the targets."""
    out: list[str] = []
    scenarios: list[str] = []
    for r in results.rows:
        if r.scenario not in scenarios:
            scenarios.append(r.scenario)
    for scenario in scenarios:
        rows = [r for r in results.rows if r.scenario == scenario]
        metrics: list[str] = []
        for r in rows:
            metrics += [m for m in r.metrics if m not in metrics]
        body = [
            [r.case, r.client, *(_fmt(r.median(m)) if m in r.metrics else "" for m in metrics)]
            for r in rows
        ]
        out.append(f"### {scenario}")
        out.append("")
        out += _table(["case", "client", *metrics], body)
        out.append("")
    if results.targets:
        out.append("### targets")
        out.append("")
        body = [
            [t.name, _fmt(t.value), t.goal, "PASS" if t.passed else "MISS", t.note]
            for t in results.targets
        ]
        out += _table(["target", "median", "goal", "result", "note"], body)
        out.append("")
    for note in results.notes:
        out.append(f"* {note}")
    return "\n".join(out).rstrip() + "\n"


def to_json(results: Results) -> dict[str, Any]:
    return {
        "machine": machine(),
        "runs": results.runs,
        "quick": results.quick,
        "rows": [
            {
                "scenario": r.scenario,
                "case": r.case,
                "client": r.client,
                "median": {m: r.median(m) for m in r.metrics},
                "runs": r.metrics,
            }
            for r in results.rows
        ],
        "targets": [
            {"name": t.name, "value": t.value, "goal": t.goal, "passed": t.passed, "note": t.note}
            for t in results.targets
        ],
        "notes": results.notes,
    }


def write_json(results: Results, path: str) -> None:
    directory = os.path.dirname(path)
    if directory:
        os.makedirs(directory, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(to_json(results), f, indent=2)
        f.write("\n")
