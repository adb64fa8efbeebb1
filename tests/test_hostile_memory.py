"""A response can never take the process down: huge and endless bodies, deep or non-JSON numbers.

Memory is measured in a child process (its peak resident set, VmHWM, against
its resident set just before the call), so the figure is the client's alone.
The server streams from this process without holding the body.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

import instantly_async as ia
from instantly_async import AsyncInstantly
from instantly_async._cli import main as cli_main

from .conftest import API_KEY, FAST_RETRY, serve_route

MB = 1024 * 1024
CHUNK = b"[" + b"0," * (32 * 1024 - 1) + b"0"  # 64 KiB of a JSON array's inside
CHILD = r"""
import asyncio, json, os, sys
from instantly_async import AsyncInstantly, InstantlyError

def status(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024

async def main():
    async with AsyncInstantly(base_url=sys.argv[1], max_retries=0, rate_limit=None) as client:
        await client.request("GET", "/api/v2/small", safe_to_retry=True)  # pool, imports warm
        before = status("VmRSS")
        try:
            await client.request("GET", "/api/v2/huge", safe_to_retry=True)
            outcome = "returned"
        except InstantlyError as exc:
            outcome = type(exc).__name__ + ": " + exc.message
        print(json.dumps({"outcome": outcome, "growth": status("VmHWM") - before}))

asyncio.run(main())
"""


@contextlib.asynccontextmanager
async def huge_server(*, status: int, size: int | None, declared: bool) -> AsyncIterator[str]:
    """``/api/v2/huge`` streams ``size`` bytes (None: forever), with or without Content-Length."""

    async def small(request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    async def huge(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(status=status, headers={"Content-Type": "application/json"})
        if declared:
            assert size is not None
            response.content_length = size
        else:
            response.enable_chunked_encoding()
        await response.prepare(request)
        sent = 0
        with contextlib.suppress(ConnectionError):
            while size is None or sent < size:
                await response.write(CHUNK)  # drains: the server holds one chunk at a time
                sent += len(CHUNK)
        return response

    app = web.Application()
    app.router.add_get("/api/v2/small", small)
    app.router.add_get("/api/v2/huge", huge)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


async def run_child(base_url: str) -> dict[str, Any]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        CHILD,
        base_url,
        env={**os.environ, "INSTANTLY_API_KEY": API_KEY},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), 120)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode == 0, err.decode()[-2000:]
    result: dict[str, Any] = json.loads(out)
    return result


@pytest.mark.parametrize(
    ("status", "size", "declared"),
    [
        (200, 200 * MB, True),  # a 200 MB body, declared
        (200, 200 * MB, False),  # a 200 MB body, chunked: counted while reading
        (500, 200 * MB, True),  # a 200 MB error body, declared
        (500, 200 * MB, False),  # a 200 MB error body, chunked
        (200, None, False),  # an endless chunked body
    ],
    ids=["200MB", "200MB-chunked", "200MB-error", "200MB-error-chunked", "endless"],
)
async def test_a_huge_body_ends_in_an_sdk_error_with_bounded_memory(
    status: int, size: int | None, declared: bool
) -> None:
    async with huge_server(status=status, size=size, declared=declared) as base_url:
        result = await run_child(base_url)
    assert result["outcome"].startswith("APIResponseValidationError: the response body is larger")
    assert result["growth"] < 64 * MB, result


async def test_max_response_bytes_is_a_client_option_and_is_not_retried() -> None:
    calls = [0]

    async def handler(request: web.Request) -> web.Response:
        calls[0] += 1
        return web.json_response({"items": ["x" * 100] * 20})  # about 2 KB

    async with serve_route("GET", "/api/v2/page", handler) as base_url:
        async with AsyncInstantly(
            api_key=API_KEY, base_url=base_url, retry_policy=FAST_RETRY, max_response_bytes=1000
        ) as small:
            with pytest.raises(ia.APIResponseValidationError) as info:
                await small.request("GET", "/api/v2/page", safe_to_retry=True)
        async with AsyncInstantly(
            api_key=API_KEY, base_url=base_url, max_response_bytes=4000
        ) as roomy:
            page = await roomy.request("GET", "/api/v2/page", safe_to_retry=True)
    assert calls[0] == 2  # one refused attempt, not four
    assert info.value.status_code == 200 and info.value.attempts == 1
    assert (info.value.method, info.value.path, info.value.body) == ("GET", "/api/v2/page", "")
    assert info.value.message == (
        "the response body is larger than max_response_bytes (1000 bytes); it was not read"
    )
    assert len(page["items"]) == 20


@pytest.mark.parametrize("value", [0, -1, 1.5, True, "32"])
def test_max_response_bytes_must_be_a_positive_integer(value: Any) -> None:
    with pytest.raises(ia.InvalidArgumentError, match="max_response_bytes"):
        AsyncInstantly(api_key=API_KEY, max_response_bytes=value)


DEEP = b"[" * 100_000 + b"]" * 100_000


@pytest.mark.parametrize(
    "body",
    [
        DEEP,
        b'{"a": ' * 100_000 + b"1" + b"}" * 100_000,
        b'{"value": NaN}',
        b'{"value": Infinity}',
        b'{"value": -Infinity}',
        b'{"value": 1e400}',
        b'{"value": -1e400}',
    ],
    ids=["deep-list", "deep-object", "NaN", "Infinity", "-Infinity", "1e400", "-1e400"],
)
async def test_every_undecodable_success_body_is_a_validation_error(body: bytes) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=body, content_type="application/json")

    async with (
        serve_route("GET", "/api/v2/x", handler) as base_url,
        AsyncInstantly(api_key=API_KEY, base_url=base_url, retry_policy=FAST_RETRY) as client,
    ):
        with pytest.raises(ia.APIResponseValidationError) as info:
            await client.request("GET", "/api/v2/x", safe_to_retry=True)
    assert info.value.__cause__ is None and info.value.__context__ is None
    assert "not valid JSON" in info.value.message


async def test_large_finite_numbers_still_decode() -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(
            body=b'{"a": 1e300, "b": -2.5e-300, "c": 12}', content_type="application/json"
        )

    async with (
        serve_route("GET", "/api/v2/x", handler) as base_url,
        AsyncInstantly(api_key=API_KEY, base_url=base_url) as client,
    ):
        assert await client.request("GET", "/api/v2/x", safe_to_retry=True) == {
            "a": 1e300,
            "b": -2.5e-300,
            "c": 12,
        }


@pytest.mark.parametrize("body", [DEEP, b'{"message": NaN}', b'{"message": 1e400}'])
async def test_an_undecodable_error_body_is_still_the_status_error(body: bytes) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=400, body=body, content_type="application/json")

    async with (
        serve_route("GET", "/api/v2/x", handler) as base_url,
        AsyncInstantly(api_key=API_KEY, base_url=base_url) as client,
    ):
        with pytest.raises(ia.BadRequestError) as info:
            await client.request("GET", "/api/v2/x", safe_to_retry=True)
    assert info.value.status_code == 400


async def test_the_cli_reports_a_deep_body_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=DEEP, content_type="application/json")

    async with serve_route("GET", "/api/v2/campaigns/{id}", handler) as base_url:
        argv = ["campaigns", "get", "c1", "--api-key", API_KEY, "--base-url", base_url]
        code = await asyncio.to_thread(cli_main, [*argv, "--max-retries", "0"])
    err = capsys.readouterr().err
    assert code == 1
    assert "Traceback" not in err and "RecursionError" not in err
    assert err.startswith("error: the response body is not valid JSON"), err[:300]


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
async def test_nan_and_infinity_are_never_sent(bad: float) -> None:
    seen = [0]

    async def handler(request: web.Request) -> web.Response:
        seen[0] += 1
        return web.json_response({})

    async with (
        serve_route("POST", "/api/v2/x", handler) as base_url,
        AsyncInstantly(api_key=API_KEY, base_url=base_url) as client,
    ):
        with pytest.raises(ia.InvalidArgumentError) as info:
            await client.request(
                "POST", "/api/v2/x", body={"nested": [1, {"v": bad}]}, safe_to_retry=True
            )
        assert str(info.value) == (
            "POST /api/v2/x: the request body holds NaN or an infinity, which JSON cannot "
            "carry; nothing was sent"
        )
        await client.request("POST", "/api/v2/x", body={"v": 1.5}, safe_to_retry=True)
    assert seen[0] == 1  # only the finite one reached the server


def chunked_handler(chunks: list[bytes], status: int = 200, gap: float = 0.0) -> Any:
    """A handler that streams ``chunks`` with no Content-Length (chunked encoding)."""

    async def handler(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(status=status, headers={"Content-Type": "application/json"})
        resp.enable_chunked_encoding()
        await resp.prepare(request)
        for chunk in chunks:
            await resp.write(chunk)
            if gap:
                await asyncio.sleep(gap)  # a trickle: the client reads it piece by piece
        await resp.write_eof()
        return resp

    return handler


@pytest.mark.parametrize("extra", [0, 1])
async def test_an_undeclared_body_is_counted_across_chunks_up_to_the_limit(extra: int) -> None:
    # 1000 bytes exactly is read whole and decoded (every chunk, in order);
    # one byte more is refused, with the response's own status and the limit.
    body = json.dumps({"items": ["x" * 90] * 10})
    body = body[:-1] + " " * (1000 - len(body) + extra) + "}"
    raw = body.encode()
    chunks = [raw[i : i + 97] for i in range(0, len(raw), 97)]
    async with (
        serve_route("GET", "/api/v2/page", chunked_handler(chunks, gap=0.01)) as base_url,
        AsyncInstantly(
            api_key=API_KEY, base_url=base_url, retry_policy=FAST_RETRY, max_response_bytes=1000
        ) as client,
    ):
        if extra:
            with pytest.raises(ia.APIResponseValidationError) as info:
                await client.request("GET", "/api/v2/page", safe_to_retry=True)
            assert (info.value.status_code, info.value.attempts) == (200, 1)
            assert "max_response_bytes (1000 bytes)" in info.value.message
        else:
            assert await client.request("GET", "/api/v2/page", safe_to_retry=True) == {
                "items": ["x" * 90] * 10
            }


@pytest.mark.parametrize("declared", [True, False])
async def test_a_too_large_error_body_keeps_its_status(declared: bool) -> None:
    big = b'{"message": "' + b"y" * 3000 + b'"}'

    async def declared_handler(request: web.Request) -> web.Response:
        return web.Response(status=503, body=big, content_type="application/json")

    handler = declared_handler if declared else chunked_handler([big[:1500], big[1500:]], 503)
    async with (
        serve_route("GET", "/api/v2/page", handler) as base_url,
        AsyncInstantly(
            api_key=API_KEY, base_url=base_url, retry_policy=FAST_RETRY, max_response_bytes=1000
        ) as client,
    ):
        with pytest.raises(ia.APIResponseValidationError) as info:
            await client.request("GET", "/api/v2/page", safe_to_retry=True)
    assert (info.value.status_code, info.value.attempts) == (503, 1)
    assert "max_response_bytes (1000 bytes)" in info.value.message


async def test_a_too_large_body_on_a_retry_counts_every_attempt() -> None:
    calls = [0]

    async def handler(request: web.Request) -> web.Response:
        calls[0] += 1
        if calls[0] == 1:
            return web.json_response({"message": "busy"}, status=503)
        return web.json_response({"items": ["x" * 100] * 20})  # about 2 KB

    async with (
        serve_route("GET", "/api/v2/page", handler) as base_url,
        AsyncInstantly(
            api_key=API_KEY, base_url=base_url, retry_policy=FAST_RETRY, max_response_bytes=1000
        ) as client,
    ):
        with pytest.raises(ia.APIResponseValidationError) as info:
            await client.request("GET", "/api/v2/page", safe_to_retry=True)
    assert calls[0] == 2 and (info.value.status_code, info.value.attempts) == (200, 2)


async def test_a_trickled_body_is_counted_whole_not_piece_by_piece() -> None:
    # Five pieces of 400 bytes, each under the limit of 1000: their sum is not.
    raw = json.dumps({"items": ["z" * 1990]}).encode()
    pieces = [raw[i : i + 400] for i in range(0, len(raw), 400)]
    async with (
        serve_route("GET", "/api/v2/page", chunked_handler(pieces, gap=0.02)) as base_url,
        AsyncInstantly(
            api_key=API_KEY, base_url=base_url, retry_policy=FAST_RETRY, max_response_bytes=1000
        ) as client,
    ):
        with pytest.raises(ia.APIResponseValidationError, match="max_response_bytes"):
            await client.request("GET", "/api/v2/page", safe_to_retry=True)


async def test_a_declared_body_of_exactly_the_limit_is_read() -> None:
    body = json.dumps({"items": ["x" * 90] * 10})
    raw = (body[:-1] + " " * (1000 - len(body)) + "}").encode()
    assert len(raw) == 1000

    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=raw, content_type="application/json")

    async with (
        serve_route("GET", "/api/v2/page", handler) as base_url,
        AsyncInstantly(
            api_key=API_KEY, base_url=base_url, retry_policy=FAST_RETRY, max_response_bytes=1000
        ) as client,
    ):
        assert await client.request("GET", "/api/v2/page", safe_to_retry=True) == {
            "items": ["x" * 90] * 10
        }
