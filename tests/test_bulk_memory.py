"""A bulk job's memory with default settings grows by the account of its ids, not by models.

Measured as the peak resident set (VmHWM) of a child process that runs the job
against a lean local server; the child resets its peak after a warm-up job, so
the figure is the job's own.
"""

from __future__ import annotations

import asyncio
import json
import sys
import textwrap

from aiohttp import web

from instantly_async.testing import FakeInstantly

from .conftest import API_KEY, serve_route

CHILD = textwrap.dedent(
    """
    import asyncio, gc, sys

    from instantly_async import AsyncInstantly

    def peak_kb() -> int:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        raise SystemExit("no VmHWM")

    def ids(n, prefix):
        return (f"{prefix}-{i:07d}-0000-7000-8000-000000000000" for i in range(n))

    async def main(base_url: str, key: str, n: int) -> None:
        async with AsyncInstantly(api_key=key, base_url=base_url, rate_limit=None) as client:
            warm = await client.campaigns.pause_many(ids(1_000, "w"))
            assert warm.ok, warm.summary()
            del warm
            gc.collect()
            with open("/proc/self/clear_refs", "w") as refs:
                refs.write("5")  # the peak starts again from the current size
            before = peak_kb()
            result = await client.campaigns.pause_many(ids(n, "j"))
            after = peak_kb()
            assert result.ok and len(result.succeeded) == n, result.summary()
        print(before, after)

    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
    """
)


async def test_default_bulk_job_memory_grows_by_ids_only() -> None:
    # A fully populated campaign (about 1.2 KB of JSON, several KB as a model),
    # as the real API answers a pause with.
    (seeded,) = FakeInstantly(api_key=API_KEY).seed_campaigns(1, status=2)
    head, tail = json.dumps(seeded).split(json.dumps(seeded["id"]), 1)
    served = 0

    async def pause(request: web.Request) -> web.Response:
        nonlocal served
        served += 1
        text = f'{head}"{request.match_info["id"]}"{tail}'
        return web.Response(text=text, content_type="application/json")

    n = 8_000
    async with serve_route("POST", "/api/v2/campaigns/{id}/pause", pause) as base:
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            CHILD,
            base,
            API_KEY,
            str(n),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(child.communicate(), timeout=300)
    assert child.returncode == 0, err.decode()[-2000:]
    assert served == 1_000 + n
    before_kb, after_kb = map(int, out.split())
    per_item = (after_kb - before_kb) * 1024 / n
    print(f"bulk job peak growth: {after_kb - before_kb} KB for {n} items, {per_item:.0f} B/item")
    # The account: an id string (~90 B), a (id, None) pair and the list slots,
    # about 160 B an item; a kept model would be well over 1 KB.
    assert per_item < 400, per_item
