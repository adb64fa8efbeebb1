"""The HTTP side: one catch-all aiohttp handler running the vendor's request pipeline.

Order, per request:

1. on arrival (before any ``await``, so concurrency cannot reorder it): record
   the request, draw its fault and delay, and, unless a ``before`` fault
   pre-empts everything, apply the rate limit and then the API key check;
2. read the body, sleep for latency/delay;
3. answer a ``before`` fault, the 429/401, or route (unknown -> 404), parse the
   body like Fastify, validate, run the operation;
4. an ``after`` fault replaces the answer of an operation that already ran.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from ._faults import Fault, Faults
from ._operations import (
    ABSENT,
    NO_BODY,
    ApiError,
    Call,
    Operations,
    Reply,
    envelope,
    reason_phrase,
)
from ._ratelimit import SlidingWindowLimiter
from ._recording import FakeStats, RecordedRequest
from ._schema import SchemaViolation, format_error
from ._spec import Operation, Spec

__all__ = ["Pipeline", "Settings", "build_app"]

_log = logging.getLogger("instantly_async.testing")

_JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_RATE_LIMITED_MESSAGE = "Rate limit exceeded"


@dataclass(slots=True)
class Settings:
    """Knobs that tests may flip while the fake runs."""

    api_key: str
    validate: bool
    cursor_on_last_page: bool
    retry_after: float | None
    limiter: SlidingWindowLimiter | None


_ENCODER = json.JSONEncoder(separators=(",", ":"), check_circular=False)


def _dumps(payload: Any) -> bytes:
    return _ENCODER.encode(payload).encode()


def _json_response(status: int, payload: Any, extra: dict[str, str] | None = None) -> web.Response:
    if payload is NO_BODY:
        return web.Response(status=status)
    headers = _JSON_HEADERS if extra is None else {**_JSON_HEADERS, **extra}
    return web.Response(status=status, body=_dumps(payload), headers=headers)


def _reject_constant(name: str) -> Any:
    # Python's json accepts NaN/Infinity; JavaScript's JSON.parse does not.
    raise ValueError(f"Unexpected token {name[0]} in JSON")


def _js_json_error(text: str, exc: json.JSONDecodeError) -> str:
    if exc.pos >= len(text.rstrip()):
        return "Unexpected end of JSON input"
    return f"Unexpected token {text[exc.pos]} in JSON at position {exc.pos}"


class _Answer(Exception):
    """Stops the pipeline with a ready answer (an error discovered while parsing)."""

    def __init__(self, status: int, payload: Any) -> None:
        super().__init__(status)
        self.reply = Reply(status, payload)


class Pipeline:
    """Owns nothing but references: state lives in the store, knobs in Settings."""

    def __init__(
        self,
        *,
        spec: Spec,
        operations: Operations,
        settings: Settings,
        stats: FakeStats,
        faults: Faults,
        log: deque[RecordedRequest],
    ) -> None:
        self._router = spec.router
        self._handlers = operations.handlers
        self._settings = settings
        self._stats = stats
        self._faults = faults
        self._log = log
        # aiohttp forgets a handler whose client went away (it is not cancelled),
        # so the fake keeps its own list to cancel them when it closes.
        self._inflight: set[asyncio.Task[Any]] = set()

    async def cancel_inflight(self) -> None:
        """Cancel handlers still running (slow faults) and wait until they are gone."""
        tasks = [t for t in self._inflight if not t.done()]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)

    async def handle(self, request: web.BaseRequest) -> web.StreamResponse:
        task = asyncio.current_task()
        if task is None:  # pragma: no cover - aiohttp always runs handlers in a task
            return await self._handle(request)
        self._inflight.add(task)
        try:
            return await self._handle(request)
        finally:
            self._inflight.discard(task)

    async def _handle(self, request: web.BaseRequest) -> web.StreamResponse:
        stats = self._stats
        stats.requests += 1
        method = request.method
        path = request.path
        match = self._router.match(method, path)
        op, item_id = match if match is not None else (None, None)
        if op is not None:
            stats.attempts[op.operation_id] += 1
        fault, delay = self._faults.take(method, path)
        if fault is not None:
            stats.faults[fault.kind] += 1
        if delay is not None:
            stats.faults["delay"] += 1
        wait = self._faults.latency + (delay or 0.0)

        query: dict[str, list[str]] = {}
        if request.query_string:
            for key, value in request.query.items():
                query.setdefault(key, []).append(value)
        record = RecordedRequest(
            method=method,
            path=path,
            query=query,
            # The request's own header proxy is immutable: no copy needed.
            headers=request.headers,
            operation_id=op.operation_id if op is not None else None,
            time=time.time(),
        )
        self._log.append(record)

        early: web.Response | None = None
        if fault is None or fault.phase == "after":
            early = self._admit(request)

        record.body = await request.read() if request.body_exists else b""
        if wait > 0:
            await asyncio.sleep(wait)

        if fault is not None and fault.phase == "before":
            return self._finish(record, self._fault_response(request, record, fault))
        if early is not None:
            return self._finish(record, early)

        if op is None:
            reply = Reply(404, envelope(404, f"Route {method}:{path} not found"))
        else:
            reply = self._run(op, item_id, request, record, query)
        response = _json_response(reply.status, reply.payload)
        if fault is not None:
            response = self._fault_response(request, record, fault)
        return self._finish(record, response)

    # -- stages --------------------------------------------------------------------------

    def _admit(self, request: web.BaseRequest) -> web.Response | None:
        """Rate limit, then API key: the answer that stops the request, if any."""
        settings = self._settings
        limiter = settings.limiter
        if limiter is not None and not limiter.try_acquire():
            self._stats.rate_limited += 1
            return self._too_many()
        header = request.headers.get("Authorization")
        if header is None:
            return _json_response(401, envelope(401, "Missing Authorization header"))
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return _json_response(401, envelope(401, "Invalid Authorization header"))
        if token.strip() != settings.api_key:
            return _json_response(401, envelope(401, "Invalid API key"))
        return None

    def _too_many(self) -> web.Response:
        retry_after = self._settings.retry_after
        extra = None if retry_after is None else {"Retry-After": f"{retry_after:g}"}
        return _json_response(429, envelope(429, _RATE_LIMITED_MESSAGE), extra)

    def _parse_body(self, request: web.BaseRequest, raw: bytes) -> Any:
        """Fastify's content-type parsing: what the handler sees as ``request.body``."""
        if request.method not in _BODY_METHODS:
            return ABSENT
        content_type = request.headers.get("Content-Type")
        if content_type is None:
            # Fastify ignores an unlabelled DELETE body but refuses one on POST/PUT/PATCH.
            if raw and request.method != "DELETE":
                raise _Answer(415, _unsupported_media_type("undefined"))
            return ABSENT
        mime = content_type.partition(";")[0].strip().lower()
        if mime == "application/json" or mime.endswith("+json"):
            if not raw:
                raise _Answer(400, _EMPTY_JSON_BODY)
            text = raw.decode("utf-8", "replace")
            try:
                return json.loads(text, parse_constant=_reject_constant)
            except json.JSONDecodeError as exc:
                raise _Answer(400, envelope(400, _js_json_error(text, exc))) from None
            except ValueError as exc:
                raise _Answer(400, envelope(400, str(exc))) from None
        if mime == "text/plain":
            return raw.decode("utf-8", "replace")
        raise _Answer(415, _unsupported_media_type(content_type))

    def _run(
        self,
        op: Operation,
        item_id: str | None,
        request: web.BaseRequest,
        record: RecordedRequest,
        query: dict[str, list[str]],
    ) -> Reply:
        validate = self._settings.validate
        try:
            # record.json re-parses the raw bytes on demand: this object is about
            # to gain schema defaults and become part of the stored record.
            body = self._parse_body(request, record.body)
            # Fastify validates params, then body, then querystring.
            if validate and op.body_check is not None:
                if body is ABSENT:
                    if op.body_required:
                        raise _Answer(400, _validation_error("body must be object"))
                else:
                    try:
                        op.body_check(body)
                    except SchemaViolation as exc:
                        raise _Answer(400, _validation_error(format_error("body", exc))) from None
            values, problem = op.parse_query(query, validate=validate)
            if problem is not None:
                raise _Answer(400, _validation_error(problem))
        except _Answer as answer:
            return answer.reply

        self._stats.calls[op.operation_id] += 1
        try:
            return self._handlers[op.operation_id](Call(item_id, values, body))
        except ApiError as exc:
            return Reply(exc.status, exc.payload)
        except Exception:
            _log.exception("fake Instantly failed on %s %s", request.method, request.path)
            return Reply(500, envelope(500, "Internal Server Error"))

    def _fault_response(
        self, request: web.BaseRequest, record: RecordedRequest, fault: Fault
    ) -> web.Response:
        if fault.action == "drop":
            record.dropped = True
            # Closing the transport makes aiohttp's later write fail quietly
            # (it treats it as a client disconnect), so no response goes out.
            request.protocol.force_close()
            return web.Response(status=599)
        status = fault.status
        headers: dict[str, str] = dict(fault.headers or {})
        lowered = {k.lower() for k in headers}
        if fault.content_type is not None and "content-type" not in lowered:
            headers["Content-Type"] = fault.content_type
        if (
            status == 429
            and self._settings.retry_after is not None
            and "retry-after" not in lowered
        ):
            headers["Retry-After"] = f"{self._settings.retry_after:g}"
        body = fault.body
        if body is None:
            message = _RATE_LIMITED_MESSAGE if status == 429 else reason_phrase(status)
            body = _dumps(envelope(status, message))
        return web.Response(status=status, body=body, headers=headers)

    def _finish(self, record: RecordedRequest, response: web.Response) -> web.Response:
        if record.dropped:
            self._stats.dropped += 1
        else:
            record.status = response.status
            self._stats.by_status[response.status] += 1
        return response


_EMPTY_JSON_BODY = {
    "statusCode": 400,
    "code": "FST_ERR_CTP_EMPTY_JSON_BODY",
    "error": "Bad Request",
    "message": "Body cannot be empty when content-type is set to 'application/json'",
}


def _unsupported_media_type(content_type: str) -> dict[str, Any]:
    # Fastify renders a missing header as JavaScript's "undefined".
    return {
        "statusCode": 415,
        "code": "FST_ERR_CTP_INVALID_MEDIA_TYPE",
        "error": "Unsupported Media Type",
        "message": f"Unsupported Media Type: {content_type}",
    }


def _validation_error(message: str) -> dict[str, Any]:
    return {
        "statusCode": 400,
        "code": "FST_ERR_VALIDATION",
        "error": "Bad Request",
        "message": message,
    }


def build_app(pipeline: Pipeline) -> web.Application:
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", pipeline.handle)
    return app
