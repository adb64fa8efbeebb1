"""The command line shares its rate limit through Redis: --redis-url and --rate-limit-name."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis

from benchmarks._redisproc import RedisServer
from instantly_async._cli import main
from instantly_async._shared_limit import default_name, key_for
from instantly_async.testing import FakeInstantly

from .cli_support import fake_server
from .conftest import API_KEY


@pytest.fixture
def fake() -> Iterator[FakeInstantly]:
    yield from fake_server()


@pytest.fixture
def keys(redis_server: RedisServer) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_server.url)
    try:
        yield client
    finally:
        client.close()


def get(fake: FakeInstantly, *extra: str) -> int:
    (campaign,) = fake.seed_campaigns(1)
    argv = ["campaigns", "get", campaign["id"], "--api-key", API_KEY, "--base-url", fake.base_url]
    return main([*argv, *extra])


def test_the_flags_share_the_budget(
    fake: FakeInstantly,
    redis_server: RedisServer,
    keys: redis.Redis,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert get(fake, "--redis-url", redis_server.url, "--rate-limit-name", "from-cli") == 0
    assert keys.keys("*") == [key_for("from-cli").encode()]
    # --rate-limit none means no pacing at all, shared or not.
    keys.flushall()
    assert get(fake, "--redis-url", redis_server.url, "--rate-limit", "none") == 0
    assert keys.keys("*") == []
    assert API_KEY not in capsys.readouterr().err


def test_the_environment_shares_it_too(
    fake: FakeInstantly,
    redis_server: RedisServer,
    keys: redis.Redis,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("INSTANTLY_RATE_LIMIT_REDIS_URL", redis_server.url)
    monkeypatch.delenv("INSTANTLY_RATE_LIMIT_NAME", raising=False)
    assert get(fake) == 0
    assert keys.keys("*") == [key_for(default_name(API_KEY)).encode()]  # named by the key's hash
    keys.flushall()
    monkeypatch.setenv("INSTANTLY_RATE_LIMIT_NAME", "from-env")
    assert get(fake, "--rate-limit-name", "from-flag") == 0  # the flag wins
    assert keys.keys("*") == [key_for("from-flag").encode()]


def test_a_bad_redis_url_is_a_usage_error_that_hides_the_password(
    fake: FakeInstantly, capsys: pytest.CaptureFixture[str]
) -> None:
    assert get(fake, "--redis-url", "mysql://root:hunter2@db:3306") == 2
    err = capsys.readouterr().err
    assert "--redis-url" in err and "hunter2" not in err
    assert fake.stats.requests == 0
