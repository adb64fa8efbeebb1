"""A local server that answers what a test plans and checks every request against the spec.

Real HTTP on 127.0.0.1 (aiohttp.web).  Each request is routed and validated
against the vendor's OpenAPI document itself (query parameters as Fastify
coerces them, the JSON body, no body where none is declared), so a test using
it also proves that what the SDK sent was spec-valid.  The answer is whatever
the test planned: a status and a JSON body.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web

from instantly_async.testing._schema import SchemaViolation, format_error
from instantly_async.testing._spec import Spec

from .test_properties import SPEC

VENDOR = Spec(SPEC)
NO_CONTENT: Any = object()


class SpecServer:
    """Plan an answer with :meth:`answer`; read ``violations`` and ``operations`` after."""

    def __init__(self) -> None:
        self.url = ""
        self.status = 200
        self.body: Any = None
        self.violations: list[str] = []
        self.operations: list[str] = []
        self.bodies: list[Any] = []  # the JSON bodies received, in order

    def answer(self, body: Any, status: int = 200) -> None:
        self.status, self.body = status, body

    async def _handle(self, request: web.Request) -> web.Response:
        found = VENDOR.router.match(request.method, request.path)
        if found is None:
            self.violations.append(f"{request.method} {request.path}: no such operation")
            return web.json_response({"message": "no route"}, status=404)
        op, _ = found
        self.operations.append(op.operation_id)
        where = f"{op.operation_id} ({request.method} {request.path_qs})"
        query = {k: request.query.getall(k) for k in request.query}
        _, error = op.parse_query(query, validate=True)
        if error:
            self.violations.append(f"{where}: {error}")
        unknown = set(query) - {p.name for p in op.params}
        if unknown:
            self.violations.append(f"{where}: undeclared query parameters {sorted(unknown)}")
        raw = await request.read()
        if raw:
            if op.body_check is None:
                self.violations.append(f"{where}: a body where none is declared")
            elif request.content_type != "application/json":
                self.violations.append(f"{where}: body sent as {request.content_type}")
            else:
                self.bodies.append(json.loads(raw))
                try:
                    op.body_check(json.loads(raw))
                except SchemaViolation as exc:
                    self.violations.append(f"{where}: {format_error('body', exc)}")
        elif op.body_required:
            self.violations.append(f"{where}: the required body is missing")
        elif request.headers.get("Content-Type", "").startswith("application/json"):
            self.violations.append(f"{where}: an empty body declared as JSON")
        if self.body is NO_CONTENT:
            return web.Response(status=self.status)
        return web.json_response(self.body, status=self.status)


@contextlib.asynccontextmanager
async def spec_server() -> AsyncIterator[SpecServer]:
    server = SpecServer()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", server._handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    server.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield server
    finally:
        await runner.cleanup()
