"""The command line against the fake server: output, exit codes, bulk, dry run, demo."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from instantly_async._cli import main
from instantly_async.testing import FakeInstantly

from .conftest import API_KEY


class ThreadedFake:
    """The fake server on its own event loop in a thread, because ``main`` runs ``asyncio.run``."""

    def __init__(self) -> None:
        self.fake = FakeInstantly(api_key=API_KEY)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def __enter__(self) -> FakeInstantly:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self.fake.start(), self.loop).result(10)
        return self.fake

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self.fake.close(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


@pytest.fixture
def fake() -> Iterator[FakeInstantly]:
    with ThreadedFake() as server:
        yield server


def run(
    fake: FakeInstantly, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    code = main([*args, "--api-key", API_KEY, "--base-url", fake.base_url, "--rate-limit", "none"])
    out, err = capsys.readouterr()
    assert API_KEY not in out and API_KEY not in err
    return code, out, err


def test_list_table_and_jsonl(fake: FakeInstantly, capsys: pytest.CaptureFixture[str]) -> None:
    fake.seed_campaigns(3, status=1, name_prefix="Spring")
    fake.seed_campaigns(2, status=2, name_prefix="Autumn")
    code, out, _ = run(fake, capsys, "campaigns", "list", "--status", "active")
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == ["ID", "NAME", "STATUS", "CREATED"]
    assert len(lines) == 4 and all("active" in line for line in lines[1:])

    code, out, _ = run(fake, capsys, "campaigns", "list", "--jsonl", "--limit", "2")
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(records) == 5
    assert {r["id"] for r in records} == set(fake.campaigns)


def test_get_and_sending_status(fake: FakeInstantly, capsys: pytest.CaptureFixture[str]) -> None:
    (c,) = fake.seed_campaigns(1, status=2)
    code, out, _ = run(fake, capsys, "campaigns", "get", c["id"])
    assert code == 0 and json.loads(out)["id"] == c["id"]
    code, out, _ = run(fake, capsys, "campaigns", "sending-status", c["id"])
    assert code == 0 and out.startswith("status: campaign_paused")


def test_bulk_pause_by_ids_file_stdin_and_filter(
    fake: FakeInstantly,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ids = [c["id"] for c in fake.seed_campaigns(12, status=1)]
    code, _, err = run(fake, capsys, "campaigns", "pause", ids[0], ids[1])
    assert code == 0 and "succeeded:     2" in err

    listing = tmp_path / "ids.txt"
    listing.write_text(f"# campaigns to pause\n{ids[2]}\n\n{ids[3]}\n")
    code, _, err = run(fake, capsys, "campaigns", "pause", "--from-file", str(listing))
    assert code == 0 and "succeeded:     2" in err

    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{ids[4]}\n{ids[5]}\n"))
    code, _, err = run(fake, capsys, "campaigns", "pause", "--from-file", "-")
    assert code == 0 and "succeeded:     2" in err

    code, _, err = run(fake, capsys, "campaigns", "pause", "--status", "active")
    assert code == 0 and "succeeded:     6" in err and "429s seen:     0" in err
    assert all(c["status"] == 2 for c in fake.campaigns.values())
    assert fake.stats.transitions["campaign.pause"] == 12


def test_dry_run_changes_nothing(fake: FakeInstantly, capsys: pytest.CaptureFixture[str]) -> None:
    ids = [c["id"] for c in fake.seed_campaigns(4, status=1)]
    code, out, _ = run(fake, capsys, "campaigns", "pause", "--status", "active", "--dry-run")
    assert code == 0 and "would pause 4 campaigns" in out and all(i in out for i in ids)
    assert all(c["status"] == 1 for c in fake.campaigns.values())
    assert not [r for r in fake.requests if r.method == "POST"]


def test_partial_failure_exits_1_and_names_the_reason(
    fake: FakeInstantly, capsys: pytest.CaptureFixture[str]
) -> None:
    (c,) = fake.seed_campaigns(1, status=1)
    code, _, err = run(fake, capsys, "campaigns", "pause", c["id"], "no-such-id")
    assert code == 1
    assert "succeeded:     1" in err and "failed:        1" in err
    assert "1 x 404 Not Found" in err and "no-such-id" in err


def test_subsequence_commands(fake: FakeInstantly, capsys: pytest.CaptureFixture[str]) -> None:
    (campaign,) = fake.seed_campaigns(1)
    subs = [s["id"] for s in fake.seed_subsequences(campaign["id"], 3, status=1)]
    code, out, _ = run(
        fake, capsys, "subsequences", "list", "--campaign", campaign["id"], "--jsonl"
    )
    assert code == 0 and [json.loads(line)["id"] for line in out.splitlines()] == subs
    code, _, err = run(fake, capsys, "subsequences", "pause", "--campaign", campaign["id"])
    assert code == 0 and "succeeded:     3" in err
    code, _, _ = run(fake, capsys, "subsequences", "resume", *subs)
    assert code == 0 and all(s["status"] == 1 for s in fake.subsequences.values())
    code, _, _ = run(fake, capsys, "subsequences", "delete", subs[0])
    assert code == 0 and len(fake.subsequences) == 2


def test_usage_and_configuration_errors_are_one_line(
    fake: FakeInstantly, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("INSTANTLY_API_KEY", raising=False)
    assert main(["campaigns", "list", "--base-url", fake.base_url]) == 2
    _, err = capsys.readouterr()
    assert err.strip().splitlines() == [
        "error: no API key: pass api_key=... or set the INSTANTLY_API_KEY environment variable"
    ]
    code, _, err = run(fake, capsys, "campaigns", "pause")
    assert code == 2 and err.startswith("error: give exactly one source")
    code, _, err = run(fake, capsys, "campaigns", "get", "a/b")
    assert code == 2 and "not a valid id" in err and "Traceback" not in err
    assert main(["campaigns", "list", "--status", "sideways"]) == 2
    assert "unknown status 'sideways'" in capsys.readouterr().err
    code = main(["campaigns", "get", "x", "--api-key", "wrong", "--base-url", fake.base_url])
    _, err = capsys.readouterr()
    assert code == 1 and err.startswith("error: 401") and "wrong" not in err


def test_the_entry_point_as_a_subprocess(fake: FakeInstantly) -> None:
    fake.seed_campaigns(2, status=1)
    env = {"INSTANTLY_API_KEY": API_KEY, "INSTANTLY_BASE_URL": fake.base_url, "PATH": ""}
    done = subprocess.run(
        [sys.executable, "-m", "instantly_async", "campaigns", "pause", "--status", "active"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "succeeded:     2" in done.stderr and API_KEY not in done.stdout + done.stderr


def test_the_demo_runs_to_the_end(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--campaigns", "200"]) == 0
    out, err = capsys.readouterr()
    assert "seeded 200 campaigns (100 active" in out
    assert "429s seen:     0" in err and "succeeded:     100" in err
    assert "demo finished: every active campaign is paused" in out
