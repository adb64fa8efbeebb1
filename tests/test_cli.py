"""The command line against the fake server: global options, output formats, messages, pipes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Iterator

import pytest

from instantly_async import __version__
from instantly_async._cli import main
from instantly_async.testing import FakeInstantly

from .cli_support import clean_env, cli, fake_server, run_cli
from .conftest import API_KEY


@pytest.fixture
def fake() -> Iterator[FakeInstantly]:
    yield from fake_server()


@pytest.fixture
def production() -> Iterator[FakeInstantly]:
    """Where the environment points: it must not be reached when the flags say otherwise."""
    yield from fake_server(api_key="production-key")


# -- global options: every position, flag > environment > default -------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["--api-key", API_KEY, "--base-url", "{url}", "campaigns", "list"],
        ["campaigns", "--api-key", API_KEY, "--base-url", "{url}", "list"],
        ["campaigns", "list", "--api-key", API_KEY, "--base-url", "{url}"],
        ["--api-key", API_KEY, "campaigns", "list", "--base-url", "{url}"],
    ],
    ids=["before", "between", "after", "split"],
)
def test_global_options_work_in_every_position_over_the_environment(
    argv: list[str],
    fake: FakeInstantly,
    production: FakeInstantly,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("INSTANTLY_API_KEY", "production-key")
    monkeypatch.setenv("INSTANTLY_BASE_URL", production.base_url)
    fake.seed_campaigns(2, name_prefix="Staging")
    production.seed_campaigns(2, name_prefix="Production")
    code = main([a.replace("{url}", fake.base_url) for a in argv] + ["-o", "jsonl"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert [json.loads(line)["name"] for line in out.splitlines()] == ["Staging 1", "Staging 2"]
    assert len(fake.requests) == 1 and len(production.requests) == 0


def test_the_environment_is_used_when_no_flag_is_given(
    fake: FakeInstantly, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INSTANTLY_API_KEY", API_KEY)
    monkeypatch.setenv("INSTANTLY_BASE_URL", fake.base_url)
    fake.seed_campaigns(1)
    assert main(["campaigns", "list", "-o", "jsonl"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1
    # A flag beats its variable: the key given is wrong, so the fake says 401.
    assert main(["campaigns", "list", "--api-key", "wrong-key"]) == 1
    assert capsys.readouterr().err.startswith("error: 401")


def test_global_options_after_the_command_in_a_real_process(
    fake: FakeInstantly, production: FakeInstantly
) -> None:
    fake.seed_campaigns(3, status=1)
    env = clean_env(INSTANTLY_API_KEY="production-key", INSTANTLY_BASE_URL=production.base_url)
    done = run_cli(
        "campaigns", "pause", "--status", "active", "--base-url", fake.base_url,
        "--api-key", API_KEY, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "succeeded:     3" in done.stderr
    assert fake.stats.transitions["campaign.pause"] == 3 and not production.requests


# -- output formats ----------------------------------------------------------------------


def test_list_in_every_format(fake: FakeInstantly, capsys: pytest.CaptureFixture[str]) -> None:
    fake.seed_campaigns(3, status=1, name_prefix="Spring")
    fake.seed_campaigns(2, status=2, name_prefix="Autumn")
    ids = list(fake.campaigns)

    code, out, _ = cli(fake, capsys, "campaigns", "list", "--status", "active")
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == ["ID", "NAME", "STATUS", "CREATED"]
    assert len(lines) == 4 and all(line.split()[-3] == "active" for line in lines[1:])

    code, out, _ = cli(fake, capsys, "campaigns", "list", "-o", "json", "--limit", "2")
    assert code == 0 and [c["id"] for c in json.loads(out)] == ids

    code, out, _ = cli(fake, capsys, "campaigns", "list", "--output", "jsonl")
    assert [json.loads(line)["id"] for line in out.splitlines()] == ids

    code, out, _ = cli(fake, capsys, "campaigns", "list", "-o", "csv", "--max-items", "4")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["id"] for r in rows] == ids[:4] and rows[3]["status"] == "paused"
    assert rows[0]["name"] == "Spring 1" and rows[0]["created"].startswith("20")

    code, out, _ = cli(fake, capsys, "campaigns", "list", "-o", "json", "--search", "nothing")
    assert code == 0 and json.loads(out) == []


def test_get_and_sending_status_in_every_format(
    fake: FakeInstantly, capsys: pytest.CaptureFixture[str]
) -> None:
    (c,) = fake.seed_campaigns(1, status=2, name_prefix="Paused")
    (s,) = fake.seed_subsequences(c["id"], 1, status=2)
    code, out, _ = cli(fake, capsys, "campaigns", "get", c["id"], "-o", "json")
    assert code == 0 and json.loads(out)["id"] == c["id"]
    code, out, _ = cli(fake, capsys, "campaigns", "get", c["id"])
    rows = dict(line.split(None, 1) for line in out.splitlines()[1:])
    assert out.split()[:2] == ["FIELD", "VALUE"] and rows["name"] == "Paused 1"
    code, out, _ = cli(fake, capsys, "campaigns", "get", c["id"], "-o", "csv")
    assert dict(csv.reader(io.StringIO(out)))["id"] == c["id"]

    # sending-status is data only: no "status:" line before the JSON.
    for resource, target in (("campaigns", c["id"]), ("subsequences", s["id"])):
        code, out, _ = cli(fake, capsys, resource, "sending-status", target, "-o", "json")
        assert code == 0 and json.loads(out)["summary"]["status"] == "campaign_paused"
        code, out, _ = cli(fake, capsys, resource, "sending-status", target, "-o", "jsonl")
        assert len(out.splitlines()) == 1 and json.loads(out).get("diagnostics") is None
    assert [r.path for r in fake.requests if r.path.endswith("sending-status")] == [
        f"/api/v2/campaigns/{c['id']}/sending-status",
        f"/api/v2/campaigns/{c['id']}/sending-status",
        f"/api/v2/subsequences/{s['id']}/sending-status",
        f"/api/v2/subsequences/{s['id']}/sending-status",
    ]


def test_tables_fit_the_width_truncate_names_and_escape_newlines(
    fake: FakeInstantly, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake.add_campaign(name="A very long campaign name that goes on\nand on\tand on", status=1)
    fake.add_campaign(name="Short", status=1)
    monkeypatch.setenv("COLUMNS", "72")
    code, out, _ = cli(fake, capsys, "campaigns", "list")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 3 and all(len(line) <= 72 for line in lines)
    assert "A very long campaign" in lines[1] and lines[1].split()[-1] == "active"
    assert "…" in lines[1] and "\t" not in out
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = cli(fake, capsys, "campaigns", "list")
    assert "goes on\\nand on\\tand on" in out and len(out.splitlines()) == 3
    monkeypatch.setenv("COLUMNS", "50")
    code, out, _ = cli(fake, capsys, "campaigns", "list")
    assert all(len(line) <= 50 for line in out.splitlines())
    assert [line.split()[0] for line in out.splitlines()[1:]] == list(fake.campaigns)  # whole ids


def test_a_dry_run_pipes_into_a_bulk_command(fake: FakeInstantly) -> None:
    fake.seed_campaigns(4, status=1)
    fake.seed_campaigns(2, status=2)
    env = clean_env(INSTANTLY_API_KEY=API_KEY, INSTANTLY_BASE_URL=fake.base_url)
    command = [sys.executable, "-m", "instantly_async", "campaigns"]
    dry = subprocess.Popen(
        [*command, "pause", "--status", "active", "--dry-run"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    pause = subprocess.run(
        [*command, "pause", "--from-file", "-", "--yes"],
        stdin=dry.stdout,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert dry.stdout is not None and dry.stderr is not None
    dry.stdout.close()
    assert dry.wait(30) == 0 and b"would pause 4 campaigns" in dry.stderr.read()
    dry.stderr.close()
    assert pause.returncode == 0, pause.stderr
    assert "succeeded:     4" in pause.stderr and "failed:        0" in pause.stderr
    assert all(c["status"] == 2 for c in fake.campaigns.values())


def test_a_closed_pipe_ends_quietly(fake: FakeInstantly) -> None:
    fake.seed_campaigns(3000)
    env = clean_env(INSTANTLY_API_KEY=API_KEY, INSTANTLY_BASE_URL=fake.base_url)
    listing = subprocess.Popen(
        [sys.executable, "-m", "instantly_async", "campaigns", "list", "-o", "jsonl"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert listing.stdout is not None and listing.stderr is not None
    first = listing.stdout.readline()
    listing.stdout.close()  # what `| head -1` does
    code = listing.wait(30)
    err = listing.stderr.read().decode()
    listing.stderr.close()
    assert json.loads(first)["name"] == "Campaign 1"
    assert code == 141 and err == ""
    # It stopped reading pages when the reader went away.
    assert len(fake.requests) < 30


# -- help, version, verbosity and messages ------------------------------------------------


def test_no_arguments_prints_help_and_version_prints_the_version(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: instantly-async") and "campaigns" in out and "--api-key" in out
    assert main(["campaigns"]) == 0
    out = capsys.readouterr().out
    assert "sending-status" in out and "pause" in out and "delete" in out
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"instantly-async {__version__}"
    done = run_cli()
    assert done.returncode == 0 and done.stdout.startswith("usage: instantly-async")


def test_verbose_logs_retries_and_quiet_prints_nothing_but_data(
    fake: FakeInstantly, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = [c["id"] for c in fake.seed_campaigns(3, status=1)]
    fake.faults.fail_next(1, status=503)
    code, out, err = cli(fake, capsys, "-v", "campaigns", "get", ids[0], "-o", "json")
    assert code == 0 and json.loads(out)["id"] == ids[0]
    assert "instantly-async: GET /api/v2/campaigns/" in err and "503" in err
    assert "retrying in" in err
    code, out, err = cli(fake, capsys, "campaigns", "get", ids[0], "-o", "json")
    assert code == 0 and err == ""

    code, out, err = cli(fake, capsys, "campaigns", "pause", *ids[:2], "--quiet")
    assert code == 0 and out == "" and err == ""
    code, out, err = cli(fake, capsys, "campaigns", "pause", ids[2], "missing-id", "-q")
    assert code == 1 and out == ""
    assert err.splitlines() == ["error: 1 failed, 0 not attempted of 2"]


def test_messages_name_flags_and_variables_not_python(
    fake: FakeInstantly, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("INSTANTLY_API_KEY", raising=False)
    monkeypatch.delenv("INSTANTLY_BASE_URL", raising=False)
    assert main(["campaigns", "list", "--base-url", fake.base_url]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "error: no API key: pass --api-key or set INSTANTLY_API_KEY"
    ]
    assert main(["campaigns", "list", "--api-key", "k", "--base-url", "http://example.com"]) == 2
    err = capsys.readouterr().err
    assert "--base-url / INSTANTLY_BASE_URL uses plain http" in err
    assert "allow_insecure_http" not in err
    url = fake.base_url + "/api/v2"
    assert main(["campaigns", "list", "--api-key", "k", "--base-url", url]) == 2
    assert capsys.readouterr().err.strip() == (
        "error: --base-url / INSTANTLY_BASE_URL is the origin only (the CLI adds /api/v2): "
        f"use {fake.base_url}"
    )
    assert not fake.requests  # nothing was sent, let alone to a doubled path
    for bad in (["--max-items", "0"], ["--limit", "101"], ["--status", "sideways"]):
        assert main(["campaigns", "list", *bad]) == 2
        err = capsys.readouterr().err
        assert f"argument {bad[0]}:" in err and "max_items" not in err and "Traceback" not in err
    code, _, err = cli(fake, capsys, "campaigns", "get", "a/b")
    assert code == 2 and "not a valid id" in err and "Traceback" not in err
    code, _, err = cli(fake, capsys, "campaigns", "pause")
    assert code == 2 and err.startswith("error: give exactly one source of targets")


def test_a_wrong_key_is_one_line_and_never_echoed(
    fake: FakeInstantly, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["campaigns", "get", "x", "--api-key", "wrong-1234", "--base-url", fake.base_url])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("error: 401") and "wrong-1234" not in err
    assert len(err.splitlines()) == 1


def test_subsequence_commands(fake: FakeInstantly, capsys: pytest.CaptureFixture[str]) -> None:
    (campaign,) = fake.seed_campaigns(1)
    subs = [s["id"] for s in fake.seed_subsequences(campaign["id"], 3, status=1)]
    code, out, _ = cli(
        fake, capsys, "subsequences", "list", "--campaign", campaign["id"], "-o", "jsonl"
    )
    assert code == 0 and [json.loads(line)["id"] for line in out.splitlines()] == subs
    code, out, _ = cli(fake, capsys, "subsequences", "get", subs[0], "-o", "json")
    assert json.loads(out)["parent_campaign"] == campaign["id"]
    code, _, err = cli(fake, capsys, "subsequences", "pause", "--campaign", campaign["id"])
    assert code == 0 and "succeeded:     3" in err
    code, _, _ = cli(fake, capsys, "subsequences", "resume", *subs)
    assert code == 0 and all(s["status"] == 1 for s in fake.subsequences.values())
    code, _, _ = cli(fake, capsys, "subsequences", "delete", subs[0], "--yes")
    assert code == 0 and len(fake.subsequences) == 2
