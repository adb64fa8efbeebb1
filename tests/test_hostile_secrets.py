"""The key never leaves, even when the server sends it back.

A raw asyncio server echoes the request's ``Authorization`` header into every
part of a response a client turns into text: JSON ``message`` and ``error``,
an HTML ``<title>``, a plain-text body, the reason phrase, a malformed status
line, a malformed header line, error bodies of each retried status, and
success bodies that fail to decode or to validate.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import pickle
import traceback
from collections.abc import AsyncIterator, Callable

import pytest

import instantly_async as ia
from instantly_async import AsyncInstantly
from instantly_async._cli import main as cli_main

from .conftest import API_KEY, FAST_RETRY

Responder = Callable[[bytes], bytes]


def _response(status: str, body: bytes, content_type: bytes = b"application/json") -> bytes:
    return (
        b"HTTP/1.1 " + status.encode() + b"\r\nContent-Type: " + content_type + b"\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body
    )


def _json(status: int, payload: object) -> bytes:
    return _response(f"{status} Whatever", json.dumps(payload).encode())


# Each case: what the server answers, given the Authorization header value it received.
CASES: dict[str, Responder] = {
    "json_message": lambda auth: _json(
        400,
        {
            "statusCode": 400,
            "error": "Bad Request",
            "message": b"bad header: ".decode() + auth.decode(),
        },
    ),
    "json_error": lambda auth: _json(
        401, {"statusCode": 401, "error": auth.decode(), "message": "no"}
    ),
    "bare_key_in_message": lambda auth: _json(
        403, {"message": "key " + auth.decode().removeprefix("Bearer ") + " lacks scopes"}
    ),
    "html_title": lambda auth: _response(
        "502 Bad Gateway",
        b"<html><head><title>Blocked: "
        + auth
        + b"</title></head><body>"
        + auth
        + b"</body></html>",
        b"text/html",
    ),
    "plain_text": lambda auth: _response("500 Oops", b"upstream said " + auth, b"text/plain"),
    # The key straddles the 200-character cut of a plain-text message and the
    # 2,000-character cut of ``body``: half a key must not survive either.
    "plain_text_at_cuts": lambda auth: _response(
        "500 Oops",
        b"x" * 190 + auth + b"y" * (2000 - 190 - len(auth) - 10) + auth + b"z" * 50,
        b"text/plain",
    ),
    "reason_phrase": lambda auth: _response("500 Echo " + auth.decode(), b""),
    "status_line": lambda auth: b"HTTP/1.1 2x0 " + auth + b"\r\nContent-Length: 0\r\n\r\n",
    "header_line": lambda auth: b"HTTP/1.1 200 OK\r\n" + auth + b"\r\nContent-Length: 0\r\n\r\n",
    "ok_not_json": lambda auth: _response("200 OK", b"not json, but " + auth),
    "ok_wrong_shape": lambda auth: _json(
        200, {"id": auth.decode(), "name": 5, "status": auth.decode(), "note": auth.decode()}
    ),
    "json_escaped": lambda auth: _response(
        "400 Bad", b'{"message": "' + auth.replace(b"-", b"\\u002d") + b'"}'
    ),
}
for _status in (400, 429, 500, 503):
    CASES[f"status_{_status}"] = lambda auth, s=_status: _json(
        s, {"statusCode": s, "error": auth.decode(), "message": "echo " + auth.decode()}
    )


@contextlib.asynccontextmanager
async def echo_server() -> AsyncIterator[str]:
    """Answers ``/api/v2/campaigns/<case>[/...]`` as CASES says, one request per connection."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.split(b"\r\n")
            case = lines[0].split(b" ")[1].split(b"/")[4].decode()
            auth = next(
                line.split(b":", 1)[1].strip()
                for line in lines
                if line.lower().startswith(b"authorization:")
            )
            writer.write(CASES[case](auth))
            await writer.drain()
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.close()
        await server.wait_closed()


def texts_of(exc: BaseException) -> list[str]:
    """Every way an exception is shown, stored or shipped."""
    texts = [str(exc), repr(exc), "".join(traceback.format_exception(exc))]
    texts.append(
        "".join(traceback.TracebackException.from_exception(exc, capture_locals=True).format())
    )
    for name in ("message", "error", "body"):
        texts.append(str(getattr(exc, name, "")))
    copy = pickle.loads(pickle.dumps(exc))
    texts += [str(copy), repr(copy), str(getattr(copy, "body", "")), repr(vars(copy))]
    return texts


@pytest.mark.parametrize("case", sorted(CASES))
async def test_an_echoed_key_is_scrubbed_everywhere(
    case: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="instantly_async"):
        async with (
            echo_server() as base_url,
            AsyncInstantly(api_key=API_KEY, base_url=base_url, retry_policy=FAST_RETRY) as client,
        ):
            with pytest.raises(ia.InstantlyError) as info:
                await client.campaigns.get(case)
    texts = texts_of(info.value)
    records = [r for r in caplog.records if r.name == "instantly_async"]
    texts += [logging.Formatter().format(r) + repr(r.args) + repr(r.msg) for r in records]
    for text in texts:
        assert API_KEY not in text
    # The echo did reach the error: it was scrubbed, not lost.
    assert "<redacted>" in " ".join(texts_of(info.value)), texts[0]
    # No half key survived a cut either.
    assert API_KEY[:12] not in " ".join(texts)


@pytest.mark.parametrize("case", ["json_message", "html_title", "status_line", "reason_phrase"])
async def test_the_cli_never_prints_an_echoed_key(
    case: str, capsys: pytest.CaptureFixture[str]
) -> None:
    async with echo_server() as base_url:
        argv = ["--api-key", API_KEY, "--base-url", base_url, "--max-retries", "0"]
        code = await asyncio.to_thread(cli_main, ["campaigns", "get", case, *argv])
    out, err = capsys.readouterr()
    assert API_KEY not in out + err
    assert code == 1, err
    assert "<redacted>" in err and "Traceback" not in err


async def test_the_cli_summary_of_a_bulk_job_never_prints_an_echoed_key(
    capsys: pytest.CaptureFixture[str],
) -> None:
    async with echo_server() as base_url:
        argv = ["--api-key", API_KEY, "--base-url", base_url, "--max-retries", "0"]
        code = await asyncio.to_thread(
            cli_main, ["campaigns", "pause", "json_message", "html_title", "plain_text", *argv]
        )
    out, err = capsys.readouterr()
    assert API_KEY not in out + err
    assert code == 1, err
    assert err.count("<redacted>") >= 2, err
