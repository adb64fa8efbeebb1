"""Client configuration and lifecycle: key, base URL, sessions, loops, options."""

from __future__ import annotations

import asyncio
import gc
import warnings

import aiohttp
import pytest

from instantly_async import AsyncInstantly, AuthenticationError, InvalidArgumentError
from instantly_async.testing import FakeInstantly

from .conftest import API_KEY


async def test_key_from_the_environment(
    fake: FakeInstantly, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake.seed_campaigns(1, status=1)
    monkeypatch.setenv("INSTANTLY_API_KEY", API_KEY)
    monkeypatch.setenv("INSTANTLY_BASE_URL", fake.base_url)
    async with AsyncInstantly(rate_limit=None) as client:
        assert await client.campaigns.count_launched() == 1
    # The key the server saw is the environment's, as a bearer token.
    assert fake.requests[-1].headers["Authorization"] == f"Bearer {API_KEY}"
    # An explicit key wins over the environment.
    async with AsyncInstantly(api_key="explicit-key", rate_limit=None) as client:
        with pytest.raises(AuthenticationError):
            await client.campaigns.count_launched()
    assert fake.requests[-1].headers["Authorization"] == "Bearer explicit-key"
    monkeypatch.delenv("INSTANTLY_API_KEY")
    with pytest.raises(InvalidArgumentError, match="INSTANTLY_API_KEY"):
        AsyncInstantly()
    with pytest.raises(InvalidArgumentError, match="api_key"):
        AsyncInstantly(api_key="   ")


@pytest.mark.parametrize(
    "url",
    ["http://api.instantly.ai", "ftp://x", "https://", "http://10.0.0.5:80", "https://h/?q=1"],
)
def test_unsafe_or_invalid_base_urls_are_refused(url: str) -> None:
    with pytest.raises(InvalidArgumentError, match="base_url"):
        AsyncInstantly(api_key=API_KEY, base_url=url)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:9"])
def test_loopback_http_is_allowed(url: str) -> None:
    assert (
        repr(AsyncInstantly(api_key=API_KEY, base_url=url)) == f"<AsyncInstantly base_url={url!r}>"
    )


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
async def test_loopback_http_reaches_the_server(fake: FakeInstantly, host: str) -> None:
    fake.seed_campaigns(3, status=1)
    port = fake.base_url.rsplit(":", 1)[1]
    async with AsyncInstantly(
        api_key=API_KEY, base_url=f"http://{host}:{port}", rate_limit=None
    ) as client:
        assert await client.campaigns.count_launched() == 3


def test_insecure_http_needs_an_explicit_opt_in() -> None:
    with pytest.raises(InvalidArgumentError, match="plain http"):
        AsyncInstantly(api_key=API_KEY, base_url="http://proxy.internal")
    client = AsyncInstantly(
        api_key=API_KEY, base_url="http://proxy.internal/", allow_insecure_http=True
    )
    assert repr(client) == "<AsyncInstantly base_url='http://proxy.internal'>"


async def test_owned_session_is_created_lazily_and_closed(fake: FakeInstantly) -> None:
    fake.seed_campaigns(1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client = AsyncInstantly(api_key=API_KEY, base_url=fake.base_url, rate_limit=None)
        async with client:
            assert [c async for c in client.campaigns.list()]
        del client
        gc.collect()


async def test_a_borrowed_session_is_never_closed(fake: FakeInstantly) -> None:
    fake.seed_campaigns(1)
    async with aiohttp.ClientSession() as session:
        async with AsyncInstantly(
            api_key=API_KEY, base_url=fake.base_url, session=session
        ) as client:
            await client.campaigns.count_launched()
        assert not session.closed
        # And the session's own requests still work.
        async with session.get(fake.base_url + "/api/v2/campaigns/count-launched") as resp:
            assert resp.status == 401


async def test_with_options_shares_the_pool_and_does_not_close_it(fake: FakeInstantly) -> None:
    async with AsyncInstantly(api_key=API_KEY, base_url=fake.base_url, rate_limit=None) as client:
        view = client.with_options(timeout=5, max_retries=0)
        assert await view.campaigns.count_launched() == 0
        await view.close()
        assert await client.campaigns.count_launched() == 0
        with pytest.raises(InvalidArgumentError):
            client.with_options(timeout=0)
        with pytest.raises(InvalidArgumentError):
            client.with_options(max_retries=-1)


async def test_many_tasks_share_one_client(fake: FakeInstantly) -> None:
    ids = [c["id"] for c in fake.seed_campaigns(200, status=1)]
    async with AsyncInstantly(api_key=API_KEY, base_url=fake.base_url, rate_limit=None) as client:
        results = await asyncio.gather(*(client.campaigns.pause(i) for i in ids))
    assert sorted(r.id for r in results) == sorted(ids)
    assert fake.stats.transitions["campaign.pause"] == 200


def test_a_client_bound_to_one_loop_refuses_another() -> None:
    fake = FakeInstantly(api_key=API_KEY)

    async def first() -> AsyncInstantly:
        await fake.start()
        client = AsyncInstantly(api_key=API_KEY, base_url=fake.base_url, rate_limit=None)
        await client.campaigns.count_launched()
        return client

    loop1 = asyncio.new_event_loop()
    client = loop1.run_until_complete(first())

    async def second() -> None:
        with pytest.raises(
            RuntimeError,
            match=r"^this AsyncInstantly client is bound to another event loop; "
            r"create one client per event loop$",
        ):
            await client.campaigns.count_launched()

    loop2 = asyncio.new_event_loop()
    try:
        loop2.run_until_complete(second())
    finally:
        loop2.close()

    async def finish() -> None:
        await client.close()
        await fake.close()

    loop1.run_until_complete(finish())
    loop1.close()


async def test_user_agent_is_always_explicit(client: AsyncInstantly, fake: FakeInstantly) -> None:
    await client.campaigns.count_launched()
    headers = fake.requests[-1].headers
    assert headers["User-Agent"].startswith("instantly-async/")
    assert headers["Accept"] == "application/json"
    assert "Content-Type" not in headers  # no body, so no body type
    async with AsyncInstantly(
        api_key=API_KEY, base_url=fake.base_url, user_agent="my-app/2"
    ) as custom:
        await custom.campaigns.count_launched()
    assert fake.requests[-1].headers["User-Agent"] == "my-app/2"


async def test_wrong_key_is_an_authentication_error(fake: FakeInstantly) -> None:
    from instantly_async import AuthenticationError

    async with AsyncInstantly(api_key="wrong-key", base_url=fake.base_url) as client:
        with pytest.raises(AuthenticationError) as info:
            await client.campaigns.count_launched()
    assert info.value.status_code == 401
    assert "wrong-key" not in str(info.value)
