"""``python -m instantly_async.testing``: the standalone fake server's command line."""

from __future__ import annotations

import asyncio
import re
import signal
import socket
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator

import pytest

from instantly_async import AsyncInstantly
from instantly_async.testing.__main__ import _parser, _rate_limit

from .cli_support import clean_env, run_cli


@pytest.fixture
def server() -> Iterator[tuple[subprocess.Popen[str], str]]:
    """The fake started as users start it; yields the process and its start-up line."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "instantly_async.testing", "--seed-campaigns", "40",
         "--api-key", "standalone-key", "--rate-limit", "50"],
        env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    line = proc.stdout.readline()
    try:
        yield proc, line
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=30)


def test_help_documents_every_flag_and_the_default_key() -> None:
    done = run_cli("--help", python=[sys.executable, "-m", "instantly_async.testing"])
    assert done.returncode == 0
    flags = [a.option_strings[-1] for a in _parser()._actions if a.option_strings]
    assert len(flags) >= 9
    for action in _parser()._actions:
        if action.option_strings and action.dest != "help":
            assert action.help, f"{action.option_strings} has no help"
            assert action.option_strings[-1] in done.stdout
    assert "(default: test-key)" in done.stdout


def test_startup_line_names_url_and_key_and_the_seed_is_a_mix(
    server: tuple[subprocess.Popen[str], str],
) -> None:
    _, line = server
    match = re.search(r"listening on (http://127\.0\.0\.1:\d+) with API key standalone-key", line)
    assert match, line
    base_url = match.group(1)

    async def look() -> tuple[Counter[str], int]:
        async with AsyncInstantly(api_key="standalone-key", base_url=base_url) as client:
            statuses = Counter([c.status.name async for c in client.campaigns.list()])
            subs = [s async for s in client.subsequences.list()]
        return statuses, len(subs)

    statuses, subs = asyncio.run(look())
    assert statuses == {"ACTIVE": 20, "PAUSED": 8, "DRAFT": 8, "COMPLETED": 4}
    assert 20 <= subs <= 60
    done = run_cli(
        "campaigns", "list", "--status", "draft", "-o", "jsonl",
        env=clean_env(INSTANTLY_API_KEY="standalone-key", INSTANTLY_BASE_URL=base_url),
    )  # fmt: skip
    assert done.returncode == 0 and len(done.stdout.splitlines()) == 8


def test_a_port_in_use_is_one_line() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = run_cli(
            "--port", str(port), python=[sys.executable, "-m", "instantly_async.testing"]
        )
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"error: cannot listen on 127.0.0.1:{port}: Address already in use"
    ]


def test_rate_limit_takes_the_cli_forms() -> None:
    assert _rate_limit("100,6000") == (100, 6000)
    assert _rate_limit("20") == (20, 1200)
    assert _rate_limit("None") is None
    for bad in ("0", "1,2,3", "fast", "2.5", "-1,10"):
        done = run_cli(
            "--rate-limit", bad, python=[sys.executable, "-m", "instantly_async.testing"]
        )
        assert done.returncode == 2 and "argument --rate-limit:" in done.stderr
    cli = run_cli("--rate-limit", "1,2,3", "campaigns", "list")
    assert cli.returncode == 2 and "argument --rate-limit: expected PER_SECOND[,PER_MINUTE]" in (
        cli.stderr
    )
