"""Progress tells the truth: it fits, shows done/total, rate, ETA, failures; ends at the summary."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator

import pytest

from instantly_async.testing import FakeInstantly

from .cli_support import PtyRun, clean_env, cli, fake_server
from .conftest import API_KEY

ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


@pytest.fixture
def fake() -> Iterator[FakeInstantly]:
    yield from fake_server(rate_limit=(100, 6000))


def screen_lines(output: bytes) -> list[str]:
    """What was drawn, line by line, with cursor codes removed and redraws split."""
    text = ANSI.sub(b"", output).decode()
    return [part for line in text.split("\n") for part in line.split("\r") if part.strip()]


@pytest.mark.parametrize("columns", [50, 80])
def test_the_rich_bar_fits_the_terminal_and_ends_at_the_summary(
    columns: int, fake: FakeInstantly
) -> None:
    ids = [c["id"] for c in fake.seed_campaigns(150, status=1)]
    env = clean_env(INSTANTLY_API_KEY=API_KEY, INSTANTLY_BASE_URL=fake.base_url, TERM="xterm")
    argv = [sys.executable, "-m", "instantly_async", "campaigns", "pause", *ids, "missing", "--yes"]
    run = PtyRun(argv, env, columns=columns)
    assert run.finish() == 1
    lines = screen_lines(run.output)
    # Every redraw of the bar fits on one line (the summary below may wrap: it is never redrawn).
    bars = [line for line in lines if "/151" in line]
    assert len(bars) >= 2 and all(len(line) <= columns for line in bars), bars
    final = bars[-1]
    assert "151/151" in final and "1 failed" in final and "/s" in final
    assert ("pause campaigns" in final) == (columns >= 72)
    assert "succeeded:     150" in lines and "failed:        1" in lines


def test_an_unknown_total_is_indeterminate_then_ends_full(fake: FakeInstantly) -> None:
    fake.seed_campaigns(120, status=1)
    env = clean_env(INSTANTLY_API_KEY=API_KEY, INSTANTLY_BASE_URL=fake.base_url, TERM="xterm")
    argv = [sys.executable, "-m", "instantly_async", "campaigns", "pause", "--status", "active"]
    run = PtyRun(argv, env, columns=80)
    assert run.finish() == 0
    lines = screen_lines(run.output)
    bars = [line for line in lines if "failed" in line and "/s" in line]
    # No made-up total while running; the final state is the summary's count.
    assert all(re.search(r"━ +\d+ done 0 failed", line) for line in bars), bars
    assert re.search(r"━ 120 done 0 failed", bars[-1]) and "succeeded:     120" in lines


def test_without_rich_a_terminal_gets_plain_lines(fake: FakeInstantly) -> None:
    ids = [c["id"] for c in fake.seed_campaigns(50, status=1)]
    env = clean_env(INSTANTLY_API_KEY=API_KEY, INSTANTLY_BASE_URL=fake.base_url, TERM="xterm")
    blocked = "import sys; sys.modules['rich'] = None; from instantly_async._cli import main; "
    argv = [sys.executable, "-c", blocked + "sys.exit(main())", "campaigns", "pause", *ids]
    run = PtyRun(argv, env, columns=50)
    assert run.finish() == 0
    lines = screen_lines(run.output)
    assert b"\x1b[" not in run.output
    final = [line for line in lines if line.startswith("pause campaigns:")][-1]
    assert final.startswith("pause campaigns: 50/50, 0 failed") and final.endswith("finished")
    assert "succeeded:     50" in lines


def test_plain_progress_ends_at_the_summary(
    fake: FakeInstantly, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = [c["id"] for c in fake.seed_campaigns(5, status=1)]
    code, _, err = cli(fake, capsys, "campaigns", "pause", *ids)
    progress = [line for line in err.splitlines() if line.startswith("pause campaigns:")]
    assert code == 0 and progress[-1].startswith("pause campaigns: 5/5, 0 failed")
    assert "succeeded:     5" in err
    code, _, err = cli(fake, capsys, "campaigns", "activate", "--status", "paused")
    progress = [line for line in err.splitlines() if line.startswith("activate campaigns:")]
    assert progress[-1].startswith("activate campaigns: 5, 0 failed")  # no total was known
