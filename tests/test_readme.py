"""README stays honest: its set-up commands are what CI runs, and every Python block runs."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks._redisproc import redis_server
from instantly_async.testing import FakeInstantly

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
SHELL = re.findall(r"```sh\n(.*?)```", README, flags=re.DOTALL)
BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL)
SETUP = re.search(r"## Set-up: the two commands(.*?)\n## ", README, flags=re.DOTALL)


def setup_commands() -> list[str]:
    assert SETUP is not None, "README lost its set-up section"
    return [c.strip() for c in re.findall(r"```sh\n(.*?)```", SETUP.group(1), flags=re.DOTALL)]


def test_ci_runs_exactly_the_readme_test_command() -> None:
    demo, tests = setup_commands()
    assert demo.endswith(".venv/bin/instantly-async demo") and "'.[cli]'" in demo
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert tests in ci, f"{tests!r} is not a line of .ci/run"
    assert tests.endswith("-m pytest -q") and "'.[test]'" in tests


def test_setup_commands_never_install_into_the_system_python() -> None:
    # PEP 668: Debian and Ubuntu refuse `pip install` outside a virtual environment.
    for command in setup_commands():
        steps = command.split(" && ")
        assert steps[0] == "python3 -m venv .venv", command
        assert all(step.startswith(".venv/bin/") for step in steps[1:]), command


def test_the_readme_pipeline_runs(tmp_path: Path) -> None:
    block = next(b for b in SHELL if "--dry-run | instantly-async" in b)
    fake = FakeInstantly(api_key="readme-key")
    fake.seed_campaigns(6, status=1)
    fake.seed_campaigns(2, status=2)
    done = _run_with_fake(fake, ["bash", "-euo", "pipefail", "-c", block], tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "to-pause.txt").read_text().split() == list(fake.campaigns)[:6]
    assert all(c["status"] == 2 for c in fake.campaigns.values())
    assert fake.stats.transitions["campaign.pause"] == 6  # the third line found none left


def _run_with_fake(
    fake: FakeInstantly, argv: list[str], cwd: Path
) -> subprocess.CompletedProcess[str]:
    import threading

    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        base_url = asyncio.run_coroutine_threadsafe(fake.start(), loop).result(10)
        bindir = str(Path(sys.executable).parent)
        env = {
            **os.environ,
            "PATH": bindir + os.pathsep + os.environ.get("PATH", ""),
            "INSTANTLY_API_KEY": "readme-key",
            "INSTANTLY_BASE_URL": base_url,
        }
        return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    finally:
        asyncio.run_coroutine_threadsafe(fake.close(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


def test_there_are_examples_to_run() -> None:
    assert len(BLOCKS) >= 6


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    """The local Redis the shared rate-limit example expects (as $REDIS_URL)."""
    with redis_server() as server:
        yield server.url


@pytest.mark.parametrize("index", range(len(BLOCKS)))
async def test_readme_block_runs(index: int, tmp_path: Path, redis_url: str) -> None:
    fake = FakeInstantly(api_key="readme-key")
    fake.seed_campaigns(8, status=1)
    fake.seed_campaigns(4, status=2)
    script = tmp_path / f"block_{index}.py"
    script.write_text(BLOCKS[index])
    async with fake.run() as base_url:
        env = {
            **os.environ,
            "INSTANTLY_API_KEY": "readme-key",
            "INSTANTLY_BASE_URL": base_url,
            "REDIS_URL": redis_url,
        }
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            str(script),
            env=env,
            cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    assert proc.returncode == 0, f"README block {index} failed:\n{BLOCKS[index]}\n{err.decode()}"
    assert out.strip(), f"README block {index} printed nothing"
