"""The JSON codec: msgspec (the ``speedups`` extra) and the standard library behave alike.

The suite runs with msgspec installed (the ``test`` extra pulls in
``speedups``); ``test_json_paths_pass_without_speedups`` runs the tests that
exercise JSON on the wire again in a process where msgspec cannot be imported,
so both paths are tested by every run of the suite.
"""

from __future__ import annotations

import datetime
import decimal
import json
import math
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from instantly_async import APIResponseValidationError, AsyncInstantly, InvalidArgumentError
from instantly_async import _json as codec
from instantly_async.testing import FakeInstantly

ROOT = Path(__file__).resolve().parents[1]
WITHOUT = "INSTANTLY_ASYNC_TEST_WITHOUT_SPEEDUPS"  # set by the second pass below, read here only

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=30,
)


def _outcome(fn: Any, arg: Any) -> tuple[str, Any]:
    try:
        return "ok", fn(arg)
    except RecursionError:
        return "error", RecursionError
    except (TypeError, ValueError) as exc:
        # Both libraries must fail alike: the same exception class, not the same wording.
        return "error", type(exc)


def _same(a: Any, b: Any) -> bool:
    """Equal, NaN included, and with the same types (1 is not 1.0, -0.0 is not 0.0)."""
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or (a == b and repr(a) == repr(b))
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    return bool(a == b)


def test_the_codec_in_use_is_the_one_installed() -> None:
    expected = "json" if os.environ.get(WITHOUT) else "msgspec"
    assert expected == codec.CODEC
    if expected == "json":
        assert codec.loads is codec.std_loads and codec.dumps is codec.std_dumps


@settings(max_examples=300, deadline=None)
@given(json_values, st.sampled_from([(",", ":"), (", ", ": ")]), st.booleans())
def test_decoding_any_json_text_matches_the_standard_library(
    value: Any, separators: tuple[str, str], ascii_only: bool
) -> None:
    text = json.dumps(value, separators=separators, ensure_ascii=ascii_only).encode()
    assert _same(codec.loads(text), codec.std_loads(text))
    assert _same(codec.loads(text), json.loads(text))  # finite values: as plain json reads them


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=40) | st.text(max_size=40).map(str.encode))
def test_decoding_any_bytes_matches_the_standard_library(data: bytes) -> None:
    ours, std = _outcome(codec.loads, data), _outcome(codec.std_loads, data)
    assert ours[0] == std[0]
    assert _same(ours[1], std[1]) if ours[0] == "ok" else ours[1] == std[1]


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_encoding_any_json_value_reads_back_equal(value: Any) -> None:
    out = codec.dumps(value)
    assert isinstance(out, bytes)
    assert _same(json.loads(out), json.loads(codec.std_dumps(value)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b"123456789012345678901234567890", 123456789012345678901234567890),
        (b"1" + b"0" * 300, 10**300),
        (b"1e-400", 0.0),
        (b"4.9e-324", 5e-324),
        (b"-9223372036854775809", -9223372036854775809),
        (b'"\\ud800"', "\ud800"),
        (b'{"a":1,"a":2}', {"a": 2}),
        (b"-0", 0),
        (b"-0.0", -0.0),
    ],
)
def test_edge_cases_read_as_the_standard_library_reads_them(text: bytes, expected: Any) -> None:
    assert _same(codec.loads(text), expected)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (b"\xff", UnicodeDecodeError),  # not UTF-8
        (b'"\xed\xa0\x80"', UnicodeDecodeError),  # an encoded surrogate
        (b"\xef\xbb\xbf{}", json.JSONDecodeError),  # a byte-order mark
        (b"[1,]", json.JSONDecodeError),
        (b'{"a":1}x', json.JSONDecodeError),
        (b"", json.JSONDecodeError),
        (b"[" * 100_000 + b"]" * 100_000, RecursionError),
        # Not JSON (RFC 8259), though Python's json would read them as NaN or infinity:
        (b"NaN", ValueError),
        (b"[-Infinity]", ValueError),
        (b"1e400", ValueError),
        (b'{"pl_value": -1.8e308}', ValueError),
        (b"1" + b"0" * 5000, ValueError),  # more digits than Python converts
    ],
)
def test_bad_json_fails_as_in_the_standard_library(text: bytes, error: type) -> None:
    with pytest.raises(error):
        codec.loads(text)
    with pytest.raises(error):
        codec.std_loads(text)


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ({"pl_value": math.nan}, ValueError),
        ([math.inf], ValueError),
        ({"a": [-math.inf]}, ValueError),
        ({"when": datetime.datetime(2026, 1, 1)}, TypeError),
        ({"id": uuid.UUID(int=1)}, TypeError),
        ({"n": decimal.Decimal("1.5")}, TypeError),
        ({"ids": {"a"}}, TypeError),
        ({"raw": b"x"}, TypeError),
        ({"s": "\ud800"}, UnicodeEncodeError),
    ],
)
def test_encoding_refuses_what_the_standard_library_refuses(value: Any, error: type) -> None:
    with pytest.raises(error):
        codec.dumps(value)
    with pytest.raises(error):
        codec.std_dumps(value)


@pytest.mark.parametrize(
    "value",
    [
        {1: "a", None: "b", False: "c"},
        (1, 2),
        {"big": 2**70},
        {"tab": "a\tb", "é": "ü"},
        [1.5e16, -0.0],
    ],
)
def test_encoding_what_json_converts_gives_the_same_json(value: Any) -> None:
    assert json.loads(codec.dumps(value)) == json.loads(codec.std_dumps(value))


async def test_a_nan_in_a_request_body_is_refused_before_sending(
    client: AsyncInstantly, fake: FakeInstantly
) -> None:
    (c,) = fake.seed_campaigns(1)
    with pytest.raises(InvalidArgumentError, match="NaN or an infinity"):
        await client.campaigns.update(c["id"], pl_value=math.nan)
    assert not [r for r in fake.requests if r.method == "PATCH"]


@pytest.mark.parametrize(
    "body", [b'{"id": "x", "name": ', b"\xff\xfe{}", b'{"id": "x", "pl_value": NaN}', b"[1e400]"]
)
async def test_malformed_json_maps_to_the_same_error(
    client: AsyncInstantly, fake: FakeInstantly, body: bytes
) -> None:
    (c,) = fake.seed_campaigns(1)
    fake.faults.fail_next(10, status=200, body=body)
    with pytest.raises(APIResponseValidationError, match="not valid JSON"):
        await client.campaigns.get(c["id"])


# The files whose tests put JSON on the wire or read it back, run again without msgspec.
JSON_PATHS = [
    "tests/test_json_codec.py",
    "tests/test_errors.py",
    "tests/test_faults.py",
    "tests/test_campaigns.py",
    "tests/test_subsequences.py",
    "tests/test_pagination.py",
    # Without msgspec there is no fast path: the rest of that file is about the fast path.
    "tests/test_typed.py::test_the_fast_path_exists_exactly_when_msgspec_does",
]


def test_json_paths_pass_without_speedups() -> None:
    # ``sys.modules["msgspec"] = None`` makes ``import msgspec`` fail, as if not installed.
    runner = (
        "import sys; sys.modules['msgspec'] = None; import pytest; "
        "raise SystemExit(pytest.main(sys.argv[1:]))"
    )
    # Not itself again: the second pass must not start a third.
    itself = "tests/test_json_codec.py::test_json_paths_pass_without_speedups"
    args = ["-q", "-x", "-p", "no:cacheprovider", *JSON_PATHS, "--deselect", itself]
    proc = subprocess.run(
        [sys.executable, "-c", runner, *args],
        cwd=ROOT,
        env={**os.environ, WITHOUT: "1"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout
