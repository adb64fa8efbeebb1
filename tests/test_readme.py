"""README stays honest: its set-up commands are what CI runs, and every Python block runs."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks._redisproc import redis_server
from instantly_async.testing import FakeInstantly

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL)
SETUP = re.search(r"## Set-up: the two commands(.*?)\n## ", README, flags=re.DOTALL)


def setup_commands() -> list[str]:
    assert SETUP is not None, "README lost its set-up section"
    return [c.strip() for c in re.findall(r"```sh\n(.*?)```", SETUP.group(1), flags=re.DOTALL)]


def test_ci_runs_exactly_the_readme_test_command() -> None:
    demo, tests = setup_commands()
    assert "instantly-async demo" in demo
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert tests in ci, f"{tests!r} is not a line of .ci/run"


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
