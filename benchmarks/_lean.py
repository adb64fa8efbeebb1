"""The lean server: ``python -m benchmarks._lean``, a few tens of us per request.

The project's fake (``instantly_async.testing``) validates, stores and
serialises on every request, which costs two to three times the CPU a client
spends; on two shared cores it, not the client, set the pace, and every
client looked alike.  This server does next to nothing per request so that
the client is the bottleneck: a raw asyncio protocol that reads a request
head, looks the answer up and writes precomputed bytes.

Routes (anything else is a 404):

* ``POST /api/v2/campaigns/{id}/pause``: the campaign (every field of the
  schema set, ``status`` 2), as precomputed JSON;
* ``GET /api/v2/campaigns?limit=N&starting_after=ID``: a page of campaigns
  with ``next_starting_after`` while more remain.  Pages of the benchmarks'
  size are precomputed for every cursor; other sizes are built on first use.

Flags: ``--campaigns N``, ``--latency S`` (each answer is held that long),
``--ids-file PATH`` (written before listening), ``--watch-stdin`` (stop when
stdin closes, so the server cannot outlive a harness killed before it could
stop it by pid).  Prints ``listening on URL``, then ``stats {...}`` on
SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
from urllib.parse import parse_qsl

from ._child import stop_event
from ._fixtures import full_campaign

_PAUSE_PREFIX = b"/api/v2/campaigns/"
_PAUSE_SUFFIX = b"/pause"
_LIST_PATH = b"/api/v2/campaigns"
_PAGE = 100  # the page size the benchmarks ask for: precomputed
_MAX_HEAD = 64 * 1024


def _response(status: str, body: bytes) -> bytes:
    return (
        f"HTTP/1.1 {status}\r\nContent-Type: application/json; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body


_NOT_FOUND = _response("404 Not Found", b'{"statusCode":404,"error":"Not Found"}')
_BAD_REQUEST = _response("400 Bad Request", b'{"statusCode":400,"error":"Bad Request"}')


def _dumps(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


class Answers:
    """Every answer the server can give, as response bytes."""

    def __init__(self, count: int) -> None:
        self.campaigns = [full_campaign(n, status=1) for n in range(1, count + 1)]
        self.ids = [c["id"] for c in self.campaigns]
        self.position = {cid: i for i, cid in enumerate(self.ids)}
        self.paused = {
            cid.encode(): _response("200 OK", _dumps({**c, "status": 2}))
            for cid, c in zip(self.ids, self.campaigns, strict=True)
        }
        self._pages: dict[tuple[int, int], bytes] = {}
        for start in range(0, count, _PAGE):
            self.page(start, _PAGE)
        self.requests = 0

    def page(self, start: int, limit: int) -> bytes:
        answer = self._pages.get((start, limit))
        if answer is None:
            items = self.campaigns[start : start + limit]
            body: dict[str, object] = {"items": items}
            if items and start + limit < len(self.campaigns):
                body["next_starting_after"] = items[-1]["id"]
            answer = self._pages[(start, limit)] = _response("200 OK", _dumps(body))
        return answer

    def answer(self, method: bytes, target: bytes) -> bytes:
        self.requests += 1
        if method == b"POST":
            if target.startswith(_PAUSE_PREFIX) and target.endswith(_PAUSE_SUFFIX):
                found = self.paused.get(target[len(_PAUSE_PREFIX) : -len(_PAUSE_SUFFIX)])
                return _NOT_FOUND if found is None else found
            return _NOT_FOUND
        if method == b"GET":
            path, _, query = target.partition(b"?")
            if path != _LIST_PATH:
                return _NOT_FOUND
            params = dict(parse_qsl(query.decode()))
            try:
                limit = int(params.get("limit", "10"))
            except ValueError:
                return _BAD_REQUEST
            if not 1 <= limit <= 100:
                return _BAD_REQUEST
            cursor = params.get("starting_after")
            start = 0 if cursor is None else self.position.get(cursor, -1) + 1
            if start == 0 and cursor is not None:
                return _NOT_FOUND
            return self.page(start, limit)
        return _NOT_FOUND


class _Protocol(asyncio.Protocol):
    """HTTP/1.1 keep-alive: request heads in, precomputed responses out."""

    def __init__(self, answers: Answers, latency: float) -> None:
        self._answers = answers
        self._latency = latency
        self._buffer = b""
        self._transport: asyncio.Transport | None = None
        self._loop = asyncio.get_running_loop()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        buffer = self._buffer + data if self._buffer else data
        transport = self._transport
        assert transport is not None
        while True:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(buffer) > _MAX_HEAD:
                    transport.close()
                    return
                break
            head = buffer[:end]
            request_line, _, headers = head.partition(b"\r\n")
            length = 0
            lowered = headers.lower()
            at = lowered.find(b"content-length:")
            if at >= 0:
                line_end = lowered.find(b"\r\n", at)
                length = int(lowered[at + 15 : line_end if line_end >= 0 else None])
            if len(buffer) < end + 4 + length:
                break  # wait for the body (ignored: no route reads one)
            buffer = buffer[end + 4 + length :]
            method, _, rest = request_line.partition(b" ")
            target = rest.rpartition(b" ")[0]
            response = self._answers.answer(method, target)
            if self._latency:
                self._loop.call_later(self._latency, self._write, response)
            else:
                transport.write(response)
        self._buffer = buffer

    def _write(self, response: bytes) -> None:
        if self._transport is not None and not self._transport.is_closing():
            self._transport.write(response)

    def connection_lost(self, exc: Exception | None) -> None:
        self._transport = None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks._lean")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--campaigns", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--ids-file", default=None)
    parser.add_argument("--watch-stdin", action="store_true", help="stop when stdin closes")
    return parser


async def _serve(args: argparse.Namespace, answers: Answers) -> None:
    loop = asyncio.get_running_loop()
    stop = stop_event(args.watch_stdin)
    server = await loop.create_server(
        lambda: _Protocol(answers, args.latency), "127.0.0.1", args.port
    )
    port = server.sockets[0].getsockname()[1]
    print(f"listening on http://127.0.0.1:{port}", flush=True)
    async with server:
        await stop.wait()
    with contextlib.suppress(BrokenPipeError):  # the harness may be gone
        print("stats " + json.dumps({"requests": answers.requests}), flush=True)


def main() -> int:
    args = _parser().parse_args()
    answers = Answers(args.campaigns)
    if args.ids_file:
        with open(args.ids_file, "w", encoding="utf-8") as out:
            out.writelines(f"{i}\n" for i in answers.ids)
    asyncio.run(_serve(args, answers))
    return 0


if __name__ == "__main__":
    sys.exit(main())
