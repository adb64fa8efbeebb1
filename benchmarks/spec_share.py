"""Share of random spec-valid answers the SDK takes, per operation (all 30).

    python -m benchmarks.spec_share [--per-op 100] [--vendor-formats]

Draws ``--per-op`` bodies from each operation's success schema in the vendor's
OpenAPI document (``tests/_strategies.py``, fixed seed), serves each from a
local aiohttp server and calls the operation through the SDK's public API
with default settings.  Counts a body as *parsed* when the call returns, and
as *whole* when ``to_dict`` of the result equals it as JSON (dates as
instants).  Only public names are used, so pointing ``PYTHONPATH`` at another
checkout of ``instantly_async`` measures that one with the same bodies.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

from aiohttp import web
from hypothesis import HealthCheck, Phase, given, seed, settings

ROOT = Path(__file__).resolve().parents[1]


def _load(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, ROOT / "tests" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _document() -> dict[str, Any]:
    # The vendor's document as the tests keep it (with its examples).
    path = ROOT / "tests" / "vendor" / "openapi.json"
    loaded: dict[str, Any] = json.loads(path.read_text())
    return loaded


def _draw(strategy: Any, count: int) -> list[Any]:
    drawn: list[Any] = []

    @seed(20261129)
    @settings(
        max_examples=count,
        database=None,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(body: Any) -> None:
        drawn.append(body)

    collect()
    return drawn[:count]


async def _measure(per_op: int, vendor_formats: bool) -> dict[str, tuple[int, int, int]]:
    from instantly_async import AsyncInstantly

    strategies, calls = _load("_strategies"), _load("_spec_calls")
    document = _document()
    components = document["components"]["schemas"]
    answer: dict[str, Any] = {}

    async def handle(request: web.Request) -> web.Response:
        if answer["status"] == 204:
            return web.Response(status=204)
        return web.json_response(answer["body"], status=answer["status"])

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    results: dict[str, tuple[int, int, int]] = {}
    try:
        async with AsyncInstantly(api_key="k", base_url=url, rate_limit=None, max_retries=0) as c:
            for item in document["paths"].values():
                for op in item.values():
                    if not isinstance(op, dict) or "operationId" not in op:
                        continue
                    op_id = op["operationId"]
                    status = min(int(s) for s in op["responses"] if int(s) < 300)
                    schema = op["responses"][str(status)]["content"]["application/json"]
                    strategy = strategies.from_schema(
                        schema.get("schema") or {}, components, vendor_formats=vendor_formats
                    )
                    bodies = [None] * per_op if status == 204 else _draw(strategy, per_op)
                    parsed = whole = 0
                    for body in bodies:
                        answer.update(status=status, body=body)
                        try:
                            result = await calls.CALLS[op_id][0](c)
                        except Exception:
                            continue
                        parsed += 1
                        try:
                            got, sent = calls.ANSWERS[op_id](result, body)
                            whole += strategies.same(sent, got)
                        except Exception:
                            pass
                    results[op_id] = (len(bodies), parsed, whole)
    finally:
        await runner.cleanup()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-op", type=int, default=100)
    parser.add_argument("--vendor-formats", action="store_true")
    args = parser.parse_args()
    import logging

    logging.disable(logging.WARNING)  # one warning per loose field is expected, and noisy here
    results = asyncio.run(_measure(args.per_op, args.vendor_formats))
    total = parsed = whole = 0
    for op_id, (n, p, w) in sorted(results.items()):
        print(f"{op_id:32s} {p:4d}/{n:<4d} parsed  {w:4d}/{n:<4d} whole")
        total, parsed, whole = total + n, parsed + p, whole + w
    print(
        f"ALL ({len(results)} operations): parsed {parsed}/{total} = {parsed / total:.1%}, "
        f"whole {whole}/{total} = {whole / total:.1%}"
    )


if __name__ == "__main__":
    main()
