"""Argument checks that run before any request: exact bounds and exact messages."""

from __future__ import annotations

import copy
import pickle
from datetime import date, datetime, timezone
from types import SimpleNamespace
from typing import Any

import pytest

from instantly_async import NOT_GIVEN, CampaignStatus, InvalidArgumentError, NotGiven
from instantly_async._params import (
    MAX_ID_LENGTH,
    date_param,
    enum_value,
    optional_id,
    page_limit,
    path_id,
    string_list,
)


def refused(call: Any, *args: Any) -> str:
    with pytest.raises(InvalidArgumentError) as info:
        call(*args)
    return str(info.value)


def test_page_limit_bounds() -> None:
    assert [page_limit(n) for n in (1, 2, 99, 100)] == [1, 2, 99, 100]
    assert refused(page_limit, 0) == "limit must be from 1 to 100, got 0"
    assert refused(page_limit, 101) == "limit must be from 1 to 100, got 101"
    assert refused(page_limit, 1.0) == "limit must be an integer from 1 to 100, got 1.0"
    assert refused(page_limit, "5") == "limit must be an integer from 1 to 100, got '5'"
    assert refused(page_limit, True) == "limit must be an integer from 1 to 100, got True"


def test_path_id_length_and_messages() -> None:
    assert path_id("a" * MAX_ID_LENGTH, "campaign") == "a" * MAX_ID_LENGTH
    longest_escaped = "é" * MAX_ID_LENGTH  # at the limit and needing escapes
    assert path_id(longest_escaped, "campaign") == "%C3%A9" * MAX_ID_LENGTH
    assert refused(path_id, "é" * (MAX_ID_LENGTH + 1), "campaign") == (
        f"campaign is {MAX_ID_LENGTH + 1} characters long; ids are at most {MAX_ID_LENGTH}"
    )
    assert refused(path_id, 42, "campaign") == (
        "campaign must be a string id or an object with an 'id', got int"
    )
    for bad in (".", "..", "a/b"):
        assert refused(path_id, bad, "subsequence") == (
            f"subsequence {bad!r} is not a valid id: ids may not contain '/', '?', '#', '\\', "
            "'%', control characters, or be '.' or '..'"
        )
    # Everything but unreserved characters is escaped, '/' and '~' decisions included.
    assert path_id("a b~c", "campaign") == "a%20b~c"
    assert path_id("a:b@c", "campaign") == "a%3Ab%40c"


def test_optional_id() -> None:
    assert optional_id(None, "campaign") is None
    assert optional_id("a b", "campaign") == "a b"  # a query value: aiohttp encodes it
    assert optional_id(SimpleNamespace(id="c1"), "campaign") == "c1"
    message = "campaign must be a non-empty string id or an object with an 'id'"
    for bad in ("", "  ", 5, SimpleNamespace(name="no id")):
        assert refused(optional_id, bad, "campaign") == message


def test_enum_value_names_every_member() -> None:
    message = refused(enum_value, 99, CampaignStatus, "status")
    members = ", ".join(f"{m.name} ({m.value!r})" for m in CampaignStatus.__members__.values())
    assert message == f"status must be a CampaignStatus: one of {members}; got 99"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2026, 1, 31), "2026-01-31"),
        ("2026-01-31", "2026-01-31"),
        ("2026-01-31T10:00:00Z", "2026-01-31T10:00:00Z"),
        ("2026-01-31T10:00:00.000Z", "2026-01-31T10:00:00.000Z"),
        ("2026-01-31T10:00:00+02:00", "2026-01-31T10:00:00+02:00"),
    ],
)
def test_date_param_accepts(value: Any, expected: str) -> None:
    assert date_param(value, "start_date") == expected


def test_date_param_datetimes_and_refusals() -> None:
    stamp = datetime(2026, 1, 31, 10, 0, tzinfo=timezone.utc)
    assert date_param(stamp, "start_date") == "2026-01-31T10:00:00.000Z"
    assert date_param(None, "start_date") is None
    for bad in ("2026-13-01", "2026-01-31X", "31/01/2026", "2026-01-31T25:00:00Z", "Z"):
        assert refused(date_param, bad, "end_date") == (
            f"end_date must be a date (YYYY-MM-DD) or an ISO-8601 date-time, got {bad!r}"
        )
    assert refused(date_param, 20260131, "end_date") == (
        "end_date must be a date, datetime or ISO string, got 20260131"
    )


def test_not_given_is_a_falsy_singleton_that_survives_pickling_and_copying() -> None:
    assert NotGiven() is NOT_GIVEN
    assert not NOT_GIVEN and bool(NOT_GIVEN) is False
    assert repr(NOT_GIVEN) == "NOT_GIVEN" and str(NOT_GIVEN) == "NOT_GIVEN"
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        data = pickle.dumps(NOT_GIVEN, protocol=protocol)
        assert b"NOT_GIVEN" in data  # pickled by reference to the module's singleton
        assert pickle.loads(data) is NOT_GIVEN
    assert copy.copy(NOT_GIVEN) is NOT_GIVEN and copy.deepcopy(NOT_GIVEN) is NOT_GIVEN
    assert copy.deepcopy({"name": NOT_GIVEN})["name"] is NOT_GIVEN


def test_string_list_items_and_messages() -> None:
    assert string_list(["a", "b c"], "ids") == ["a", "b c"]
    assert string_list(("a",), "ids") == ["a"]
    assert string_list(iter(["x", "y"]), "ids") == ["x", "y"]
    assert string_list([], "ids") == []
    assert refused(string_list, ["a", ""], "ids") == "ids must contain non-empty strings, got ''"
    assert refused(string_list, ["a", 1], "ids") == "ids must contain non-empty strings, got 1"
    assert refused(string_list, [None], "tags") == "tags must contain non-empty strings, got None"
    assert refused(string_list, [b"a"], "ids") == "ids must contain non-empty strings, got b'a'"
    single = "ids must be a list of strings, not a single string"
    assert refused(string_list, "abc", "ids") == single
    assert refused(string_list, b"abc", "ids") == single
