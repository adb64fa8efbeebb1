"""Separate OS processes sharing one workspace budget through a real Redis.

Each case starts the counting fake in its own process (enforcing sliding 1 s
and 60 s windows, 100/s and 6,000/min, and noting every request's arrival),
a real redis-server, and worker processes that each pause their share of the
campaigns with a bulk job (``benchmarks/_multiproc.py``).  Every process is
stopped by its pid.  About a minute in all; the 20 s case is the issue's own.

The wall-time bounds carry the issue's margins (10% over the ideal); on a
machine that other work keeps busy they may be missed, which is the machine's
verdict, not a flake to retry: CI runs alone.
"""

from __future__ import annotations

import itertools

import pytest

from benchmarks._multiproc import Context, Run, max_in_window, run_processes
from benchmarks._redisproc import RedisServer

pytestmark = pytest.mark.slow


def accounted(run: Run) -> None:
    """Every surviving worker accounts for each of its items exactly once."""
    for report in run.reports():
        assert report["succeeded"] + report["failed"] + report["not_attempted"] == report["items"]
    # Nothing was changed that the job did not report, and nothing reported that did not happen.
    assert run.server["paused"] == run.succeeded


def test_four_processes_keep_to_one_budget_at_full_speed(redis_server: RedisServer) -> None:
    run = run_processes(processes=4, items=2_000, redis_url=redis_server.url)
    accounted(run)
    assert run.succeeded == 2_000
    assert run.rate_limited == 0
    assert run.max_per(1.0) <= 100
    assert run.wall <= run.ideal * 1.10, f"{run.wall:.1f}s for an ideal of {run.ideal:.0f}s"
    # Fair: while all four were at work, each got within about 20% of the others.
    first_done = min(r["finished"] for r in run.reports()) - run.go
    shares = run.share(first_done)
    mean = sum(shares.values()) / len(shares)
    assert max(shares.values()) - min(shares.values()) <= 0.2 * mean, shares
    # One process never logged a fallback: Redis was there all along.
    assert all(r["warnings"] == 0 for r in run.reports())


def test_the_control_four_local_limiters_meet_429s() -> None:
    # The same four processes, each pacing itself alone to the whole budget:
    # together they ask for four times the limit.  (Proves the case above can
    # fail; half the items are plenty to show it.)
    run = run_processes(processes=4, items=1_000, redis_url=None)
    accounted(run)
    assert run.rate_limited > 0
    assert run.max_per(1.0) > 100


def test_redis_stopped_and_started_again_mid_run(redis_server: RedisServer) -> None:
    def stop(ctx: Context) -> None:
        redis_server.stop()

    def start(ctx: Context) -> None:
        redis_server.start()

    run = run_processes(
        processes=4,
        items=1_200,
        redis_url=redis_server.url,
        events=[(3.0, "stop", stop), (6.0, "start", start)],
    )
    assert set(run.event_times) == {"stop", "start"}
    accounted(run)
    assert sum(r["items"] for r in run.reports()) == 1_200
    for report in run.reports():
        # One warning each for the outage; back on the shared budget after it.
        assert report["warnings"] == 1, report["messages"]
        assert any("back to the shared budget" in m for m in report["messages"])
    # Degraded to a quarter each, the four together stay near the limit.
    assert run.max_per(1.0) <= 150


def test_a_process_killed_mid_run_holds_nobody_back(redis_server: RedisServer) -> None:
    run = run_processes(
        processes=4,
        items=1_200,
        redis_url=redis_server.url,
        events=[(3.0, "kill", lambda ctx: ctx.kill(0))],
    )
    killed_at = run.event_times["kill"]
    survivors = run.reports()
    assert len(survivors) == 3
    assert all(r["succeeded"] == r["items"] for r in survivors)
    assert run.rate_limited == 0
    # No stall: the survivors' requests never stop for more than a second ...
    after = sorted(t for w in ("worker-1", "worker-2", "worker-3") for t in run.times(w))
    after = [t for t in after if t >= killed_at]
    gaps = [b - a for a, b in itertools.pairwise(after)]
    assert max(gaps) < 1.0
    # ... and from a second after the kill they use the whole budget between them.
    end = max(r["finished"] for r in survivors) - run.go
    steady = [t for t in after if killed_at + 1.0 <= t <= end - 0.5]
    assert steady, "the survivors finished within a second of the kill"
    rate = len(steady) / (steady[-1] - steady[0])
    assert rate >= 85, f"{rate:.0f}/s after the kill"
    assert max_in_window(after, 1.0) <= 100
