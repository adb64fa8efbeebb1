"""Bulk commands: confirmation, stopping at once, exact accounting, results files, Ctrl-C."""

from __future__ import annotations

import io
import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from instantly_async._cli import main
from instantly_async.testing import FakeInstantly

from .cli_support import (
    PtyRun,
    ThreadedFake,
    clean_env,
    cli,
    fake_server,
    posts,
    run_cli,
    wait_for,
)
from .conftest import API_KEY


@pytest.fixture
def fake() -> Iterator[FakeInstantly]:
    yield from fake_server()


class Terminal(io.StringIO):
    """Typed answers on a stdin that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def summary(err: str) -> dict[str, int]:
    counts = {}
    for line in err.splitlines():
        for key in ("succeeded", "failed", "not attempted", "selected"):
            if line.startswith(key + ":"):
                counts[key] = int(line.split(":", 1)[1].split()[0])
    return counts


def results(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


# -- destructive commands ask first ---------------------------------------------------------


@pytest.mark.parametrize("resource", ["campaigns", "subsequences"])
def test_delete_without_a_terminal_or_yes_sends_nothing(
    resource: str, fake: FakeInstantly, capsys: pytest.CaptureFixture[str]
) -> None:
    (c,) = fake.seed_campaigns(1)
    subs = fake.seed_subsequences(c["id"], 2)
    target = c["id"] if resource == "campaigns" else subs[0]["id"]
    code, _, err = cli(fake, capsys, resource, "delete", target)
    assert code == 2 and "refusing to delete without confirmation" in err and "--yes" in err
    assert not fake.requests
    code, _, err = cli(fake, capsys, resource, "delete", target, "--yes")
    assert code == 0 and "succeeded:     1" in err
    assert posts(fake) == [f"/api/v2/{resource}/{target}"]


def test_delete_asks_on_a_terminal_showing_count_and_names(
    fake: FakeInstantly, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake.seed_campaigns(7, status=0, name_prefix="Old draft")
    fake.seed_campaigns(2, status=1, name_prefix="Live")
    monkeypatch.setattr(sys, "stdin", Terminal("n\n"))
    code, _, err = cli(fake, capsys, "campaigns", "delete", "--search", "Old draft")
    assert code == 1 and "about to delete 7 campaigns" in err
    assert "Old draft 1" in err and "Old draft 5" in err and "... and 2 more" in err
    assert "delete 7 campaigns? [y/N]" in err and "nothing was sent" in err
    assert not posts(fake) and len(fake.campaigns) == 9

    monkeypatch.setattr(sys, "stdin", Terminal("y\n"))
    code, _, err = cli(fake, capsys, "campaigns", "delete", "--search", "Old draft")
    assert code == 0 and "succeeded:     7" in err
    assert sorted(c["name"] for c in fake.campaigns.values()) == ["Live 1", "Live 2"]


def test_delete_ids_from_stdin_needs_yes(
    fake: FakeInstantly, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [c["id"] for c in fake.seed_campaigns(2)]
    monkeypatch.setattr(sys, "stdin", Terminal("\n".join(ids)))
    code, _, err = cli(fake, capsys, "campaigns", "delete", "--from-file", "-")
    assert code == 2 and "refusing to delete" in err and not fake.requests


def test_delete_confirmation_in_a_real_terminal(fake: FakeInstantly) -> None:
    ids = [c["id"] for c in fake.seed_campaigns(3, name_prefix="Doomed")]
    env = clean_env(INSTANTLY_API_KEY=API_KEY, INSTANTLY_BASE_URL=fake.base_url)
    run = PtyRun(
        [sys.executable, "-m", "instantly_async", "campaigns", "delete", *ids], env, columns=80
    )
    run.read_until(b"[y/N] ")
    assert not fake.requests
    run.write(b"y\n")
    assert run.finish() == 0
    assert not fake.campaigns and b"succeeded:     3" in run.output

    # Ctrl-C at the question: exit 130, nothing sent.
    ids = [c["id"] for c in fake.seed_campaigns(2, name_prefix="Spared")]
    fake.requests.clear()
    run = PtyRun(
        [sys.executable, "-m", "instantly_async", "campaigns", "delete", *ids], env, columns=80
    )
    run.read_until(b"[y/N] ")
    run.proc.send_signal(signal.SIGINT)
    assert run.finish() == 130
    assert len(fake.campaigns) == 2 and not fake.requests and b"Traceback" not in run.output


@pytest.mark.parametrize("flag", ["--search", "--status", "--campaign"])
def test_an_empty_filter_is_refused(
    flag: str, fake: FakeInstantly, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.seed_campaigns(3, status=1)
    resource = "subsequences" if flag == "--campaign" else "campaigns"
    code, _, err = cli(fake, capsys, resource, "pause", flag, "")
    assert code == 2 and f"argument {flag}:" in err
    assert not fake.requests


# -- a job that cannot succeed stops at once ------------------------------------------------


@pytest.mark.parametrize(("status", "concurrency"), [(401, "1"), (403, "32"), (402, "8")])
def test_an_auth_permission_or_payment_error_ends_the_job(
    status: int, concurrency: str, fake: FakeInstantly, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = [c["id"] for c in fake.seed_campaigns(300, status=1)]
    fake.faults.fail_next(1000, status=status)
    code, _, err = cli(
        fake, capsys, "campaigns", "pause", *ids, "--concurrency", concurrency, "--yes"
    )
    # The first request goes alone, so one is sent whatever the concurrency.
    assert code == 1 and len(fake.requests) == 1
    assert summary(err) == {"succeeded": 0, "failed": 1, "not attempted": 299}
    assert f"stopped:       at once on {status}" in err


def test_a_wrong_key_sends_one_request_not_three_hundred(fake: FakeInstantly) -> None:
    ids = [c["id"] for c in fake.seed_campaigns(300, status=1)]
    env = clean_env(INSTANTLY_API_KEY="wrong-key", INSTANTLY_BASE_URL=fake.base_url)
    done = run_cli("campaigns", "pause", "--from-file", "-", env=env, stdin="\n".join(ids))
    assert done.returncode == 1
    assert summary(done.stderr) == {"succeeded": 0, "failed": 1, "not attempted": 299}
    assert len(fake.requests) == 1 and "check --api-key / INSTANTLY_API_KEY" in done.stderr


# -- exact accounting ------------------------------------------------------------------------


def test_stop_on_error_accounts_for_all_seven(
    fake: FakeInstantly, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ids = [c["id"] for c in fake.seed_campaigns(6, status=1)]
    ids.insert(1, "no-such-campaign")
    out_file, retry_file = tmp_path / "results.jsonl", tmp_path / "retry.txt"
    code, _, err = cli(
        fake, capsys, "campaigns", "pause", *ids, "--stop-on-error", "--concurrency", "1",
        "--results", str(out_file), "--failed-ids", str(retry_file),
    )  # fmt: skip
    assert code == 1
    assert summary(err) == {"succeeded": 1, "failed": 1, "not attempted": 5}
    assert "stopped:       at the first failure (--stop-on-error)" in err
    lines = results(out_file)
    assert [r["id"] for r in lines] == ids
    assert [r["outcome"] for r in lines] == ["succeeded", "failed"] + ["not_attempted"] * 5
    assert lines[1]["status"] == 404 and "Not Found" in str(lines[1]["error"])
    assert retry_file.read_text().split() == ids[1:]

    # The retry file is a --from-file: the rerun does exactly the rest.
    retry_file.write_text("\n".join(ids[2:]) + "\n")
    code, _, err = cli(fake, capsys, "campaigns", "pause", "--from-file", str(retry_file))
    assert code == 0 and summary(err)["succeeded"] == 5
    assert all(c["status"] == 2 for c in fake.campaigns.values())


def test_results_are_written_as_the_job_runs_one_line_per_target(
    fake: FakeInstantly, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ids = [c["id"] for c in fake.seed_campaigns(40, status=1)]
    out_file = tmp_path / "r.jsonl"
    code, _, err = cli(
        fake, capsys, "campaigns", "pause", *ids, "missing-1", "missing-2",
        "--results", str(out_file), "--failed-ids", str(tmp_path / "f.txt"),
    )  # fmt: skip
    assert code == 1 and summary(err) == {"succeeded": 40, "failed": 2, "not attempted": 0}
    lines = results(out_file)
    assert sorted(str(r["id"]) for r in lines) == sorted([*ids, "missing-1", "missing-2"])
    assert sum(r["outcome"] == "succeeded" for r in lines) == 40
    assert (tmp_path / "f.txt").read_text().split() == ["missing-1", "missing-2"]
    code, _, err = cli(fake, capsys, "campaigns", "pause", "x", "--results", "/no/such/dir/r")
    assert code == 2 and "cannot write /no/such/dir/r" in err


def test_a_filter_that_stops_says_how_many_it_selected(
    fake: FakeInstantly, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.seed_campaigns(250, status=1)
    fake.faults.fail_next(1, status=500, method="POST")
    code, _, err = cli(
        fake, capsys, "campaigns", "pause", "--status", "active", "--stop-on-error",
        "--max-retries", "0", "--concurrency", "4",
    )  # fmt: skip
    counts = summary(err)
    assert code == 1 and counts["failed"] == 1
    assert counts["selected"] == counts["succeeded"] + counts["failed"] + counts["not attempted"]
    assert counts["selected"] < 250 and "the rest of the listing was not read" in err
    assert fake.stats.transitions["campaign.pause"] == counts["succeeded"]


def test_a_listing_that_fails_is_reported_with_what_was_done(
    fake: FakeInstantly, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.seed_campaigns(150, status=1)
    fake.faults.fail_next(1, status=500, method="GET")
    code, _, err = cli(
        fake, capsys, "campaigns", "pause", "--status", "active", "--max-retries", "0"
    )
    assert code == 1 and "stopped:       reading the targets failed: 500" in err
    assert summary(err) == {"succeeded": 0, "failed": 0, "not attempted": 0, "selected": 0}
    assert not posts(fake)


def test_ctrl_c_accounts_for_every_id(fake: FakeInstantly, tmp_path: Path) -> None:
    ids = [c["id"] for c in fake.seed_campaigns(1547, status=1)]
    fake.faults.latency = 0.1  # ~300/s at 32 in flight: the job outlives the signal
    listing = tmp_path / "ids.txt"
    listing.write_text("\n".join(ids) + "\n")
    env = clean_env(INSTANTLY_API_KEY=API_KEY, INSTANTLY_BASE_URL=fake.base_url)
    proc = subprocess.Popen(
        [sys.executable, "-m", "instantly_async", "campaigns", "pause", "--from-file",
         str(listing), "--results", str(tmp_path / "r.jsonl"),
         "--failed-ids", str(tmp_path / "retry.txt"), "--rate-limit", "none"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    wait_for(lambda: fake.stats.transitions["campaign.pause"] >= 100)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    counts = summary(err)
    assert sum(counts.values()) == 1547 and counts["not attempted"] > 0
    assert "stopped:       interrupted" in err and "Traceback" not in err
    lines = results(tmp_path / "r.jsonl")
    assert sorted(str(r["id"]) for r in lines) == sorted(ids)
    retry = (tmp_path / "retry.txt").read_text().split()
    assert len(retry) == counts["failed"] + counts["not attempted"]
    assert set(retry) | {str(r["id"]) for r in lines if r["outcome"] == "succeeded"} == set(ids)


def test_ctrl_c_in_the_demo_prints_its_partial_summary() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "instantly_async", "demo", "--campaigns", "3000"],
        env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    assert proc.stdout.readline().startswith("fake Instantly server on http://127.0.0.1:")
    assert proc.stdout.readline().startswith("seeded 3000 campaigns (1500 active")
    assert proc.stdout.readline().startswith("pausing the 1500 active campaigns")
    assert proc.stderr is not None
    assert proc.stderr.readline().startswith("pause campaigns: ")  # progress has started
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    counts = summary(err)
    assert 0 < counts["succeeded"] < 1500 and "stopped:       interrupted" in err
    assert "demo interrupted: the summary above is partial" in out


def test_the_demo_runs_to_the_end(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--campaigns", "200"]) == 0
    out, err = capsys.readouterr()
    assert "seeded 200 campaigns (100 active" in out
    assert "429s seen:     0" in err and "succeeded:     100" in err
    assert "demo finished: every active campaign is paused" in out


def test_the_summary_counts_every_429_and_request_the_client_saw(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with ThreadedFake(api_key=API_KEY, rate_limit=(10, 600), rate_limit_retry_after=0.2) as fake:
        ids = [c["id"] for c in fake.seed_campaigns(30, status=1)]
        code, _, err = cli(fake, capsys, "campaigns", "pause", *ids, "--max-retries", "20")
        assert code == 0 and summary(err)["succeeded"] == 30
        # Every 429 was retried (none made an item fail), and every one is counted.
        assert fake.stats.rate_limited > 0
        assert f"429s seen:     {fake.stats.rate_limited}\n" in err
        sent = len(fake.requests)
        assert f"requests:      {sent} sent, {sent - 30} retried" in err
