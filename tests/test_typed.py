"""The speedups' fast path (bytes to models) gives what the usual path gives, or steps aside.

The usual path (JSON to dicts, then ``structure``) is the reference: for every
body the fast path either returns None or a model that is the same in every
respect: field values and their types, explicit nulls, ``extra``, and what
``to_dict`` gives back.  Without msgspec there is no fast path at all, and the
second pass of ``test_json_codec`` checks that here too.
"""

from __future__ import annotations

import functools
import json
import logging
import os
from collections.abc import Iterator
from typing import Any

import attrs
import pytest
from aiohttp import web
from hypothesis import given
from hypothesis import strategies as st

from benchmarks._fixtures import full_campaign
from instantly_async import APIResponseValidationError, AsyncInstantly
from instantly_async._converter import structure, to_dict
from instantly_async._json import CODEC, loads
from instantly_async._typed import (
    LEARN_LIMIT,
    REST,
    DecodedPage,
    _make,
    locate,
    model_decoder,
    page_decoder,
    unknown_key,
)
from instantly_async.models import (
    Campaign,
    CampaignStatus,
    SendingStatus,
    Subsequence,
    Timing,
)
from instantly_async.testing import FakeInstantly

from ._strategies import from_schema
from .conftest import API_KEY, serve_route
from .test_json_codec import WITHOUT
from .test_properties import COMPONENTS, SETTINGS

SPEEDUPS = not os.environ.get(WITHOUT)


def test_the_fast_path_exists_exactly_when_msgspec_does() -> None:
    assert {"msgspec": True, "json": False}[CODEC] is SPEEDUPS
    for cls in (Campaign, Subsequence, SendingStatus):
        assert (model_decoder(cls) is not None) is SPEEDUPS
        assert (page_decoder(cls) is not None) is SPEEDUPS
    # Only attrs models have one: a list body takes the usual way.
    assert model_decoder(list[Campaign]) is None


# The second pass (without msgspec) runs only the test above.


class Decoders:
    """A fresh pair of decoder factories: their learned keys are this test's alone."""

    def __init__(self) -> None:
        import msgspec

        self.model, self.page = _make(msgspec)


@pytest.fixture
def own() -> Decoders:
    return Decoders()


def _fresh(decoder: Any) -> Any:
    # Start each check from a rested decoder.
    decoder._rest = 0
    return decoder


def _usual(body: bytes, cls: type, *, strict: bool = False) -> Any:
    return structure(loads(body), cls, method="GET", path="/x", strict=strict)


def _same(fast: Any, usual: Any) -> None:
    """Equal in every field, with values of the same types (120 is not 120.0, nor 1 a member).

    Only the order of the keys in ``extra`` may differ (JSON objects have none):
    the fast path keeps learned keys in the order it learned them.
    """
    assert type(fast) is type(usual)
    if attrs.has(type(fast)):
        assert fast._nulls == usual._nulls
        for name in attrs.fields_dict(type(fast)):
            a, b = getattr(fast, name), getattr(usual, name)
            if name == "extra":
                assert a == b and json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
            else:
                _same(a, b)
    elif isinstance(fast, list):
        assert len(fast) == len(usual)
        for a, b in zip(fast, usual, strict=True):
            _same(a, b)
    elif isinstance(fast, dict):
        assert list(fast) == list(usual)
        for key in fast:
            _same(fast[key], usual[key])
    else:
        assert fast == usual


def _body(value: Any) -> bytes:
    return json.dumps(value).encode()


def _campaign(**changes: Any) -> dict[str, Any]:
    """The benchmark's fully populated Campaign (every field of the schema), changed."""
    data = full_campaign(7)
    data.update(changes)
    return data


def test_a_fully_populated_campaign_and_page_take_the_fast_path(own: Decoders) -> None:
    body = _body(_campaign())
    fast = _fresh(own.model(Campaign))(body)
    assert isinstance(fast, Campaign)
    _same(fast, _usual(body, Campaign))
    assert fast.daily_limit == 120 and type(fast.daily_limit) is int  # sent as 120
    assert fast.pl_value == 250.0 and type(fast.pl_value) is float

    items = [full_campaign(n) for n in range(1, 6)]
    page = _fresh(own.page(Campaign))(_body({"items": items, "next_starting_after": "c5"}))
    assert isinstance(page, DecodedPage) and page.next_starting_after == "c5"
    assert len(page.items) == 5
    for got, item in zip(page.items, items, strict=True):
        _same(got, _usual(_body(item), Campaign))


def test_explicit_nulls_absent_keys_and_unknown_enum_values_take_the_fast_path(
    own: Decoders,
) -> None:
    data = _campaign(pl_value=None, timestamp_updated=None, status=77, ai_sdr_id=None)
    for key in ("email_gap", "cc_list", "auto_variant_select"):
        del data[key]
    data["campaign_schedule"]["start_date"] = None
    body = _body(data)
    fast = _fresh(own.model(Campaign))(body)
    assert fast is not None
    _same(fast, _usual(body, Campaign))
    assert fast._nulls == ("timestamp_updated", "pl_value", "ai_sdr_id")
    assert fast.campaign_schedule._nulls == ("start_date",)
    assert fast.email_gap is None and "email_gap" not in to_dict(fast)
    assert fast.status == 77 and fast.status.name == "UNKNOWN_77"
    assert isinstance(fast.status, CampaignStatus)


# Each of these is valid for the usual path but not in the exact JSON type the
# fast path takes, so it must step aside and leave the result to the usual path.
STEP_ASIDE = {
    "a number in a string field": {"name": 42},
    "a whole float in an integer field": {"daily_max_leads": 40.0},
    "a float enum code": {"status": 1.0},
    "an epoch date-time": {"timestamp_created": 1767225600000},
    "a loose date-time that does not parse": {"timestamp_updated": "yesterday"},
    "a string in a boolean field": {"text_only": "yes"},
    "a lone surrogate": {"name": "\ud800"},
}


@pytest.mark.parametrize("changes", STEP_ASIDE.values(), ids=list(STEP_ASIDE))
def test_what_the_fast_path_cannot_match_takes_the_usual_way(
    changes: dict[str, Any], own: Decoders
) -> None:
    decoder = _fresh(own.model(Campaign))
    misses = decoder.misses
    body = _body(_campaign(**changes))
    assert decoder(body) is None
    assert decoder.misses == misses + 1
    usual = _usual(body, Campaign)  # the usual path takes every one of them
    assert usual.id == full_campaign(7)["id"]


def test_both_forms_of_a_schedule_date_decode_to_the_calendar_date(own: Decoders) -> None:
    # The vendor's docs show both; the fast path parses them with the usual path's function.
    for sent in ("2025-09-13", "2025-09-13T12:09:51.520Z"):
        data = _campaign()
        data["campaign_schedule"]["start_date"] = sent
        body = _body(data)
        fast = _fresh(own.model(Campaign))(body)
        assert fast is not None
        assert str(fast.campaign_schedule.start_date) == "2025-09-13"
        _same(fast, _usual(body, Campaign))


def test_after_a_miss_the_fast_path_rests_then_tries_again(own: Decoders) -> None:
    decoder = _fresh(own.model(Campaign))
    good, odd = _body(_campaign()), _body(_campaign(name=42))
    assert decoder(odd) is None
    # Resting: even a body it could take goes the usual way, without an attempt.
    misses = decoder.misses
    assert [decoder(good) for _ in range(REST)] == [None] * REST
    assert decoder.misses == misses
    assert isinstance(decoder(good), Campaign)


@functools.cache
def _property_decoders() -> Decoders:
    # Shared by the examples of the property tests: keys learned from drawn
    # bodies stay, which the property must hold with too.
    return Decoders()


@SETTINGS
@given(
    st.one_of(
        from_schema(COMPONENTS["Campaign"], COMPONENTS),
        from_schema(COMPONENTS["Campaign"], COMPONENTS, vendor_formats=True),
        from_schema(COMPONENTS["Campaign"], COMPONENTS, vendor_formats=True, unknown_keys=False),
    ),
    st.booleans(),
)
def test_any_campaign_the_spec_allows_decodes_as_the_usual_path_does(
    data: dict[str, Any], strict: bool
) -> None:
    body = _body(data)
    fast = _fresh(_property_decoders().model(Campaign))(body)
    if fast is None:
        return  # stepped aside: the usual path's result is the only one
    # Whatever the fast path takes, the usual path takes the same way, strict or not.
    _same(fast, _usual(body, Campaign, strict=strict))


@SETTINGS
@given(from_schema(COMPONENTS["CampaignSubsequence"], COMPONENTS, vendor_formats=True))
def test_any_subsequence_decodes_as_the_usual_path_does(data: dict[str, Any]) -> None:
    body = _body(data)
    fast = _fresh(_property_decoders().model(Subsequence))(body)
    if fast is not None:
        _same(fast, _usual(body, Subsequence))


def test_the_drawn_campaigns_do_take_the_fast_path(own: Decoders) -> None:
    # The two property tests above would pass with a decoder that never decodes.
    taken = 0

    @SETTINGS
    @given(from_schema(COMPONENTS["Campaign"], COMPONENTS, vendor_formats=True, unknown_keys=False))
    def count(data: dict[str, Any]) -> None:
        nonlocal taken
        taken += _fresh(own.model(Campaign))(_body(data)) is not None

    count()
    assert taken >= 10


def test_an_unknown_key_is_learned_and_kept_in_extra(own: Decoders) -> None:
    decoder = _fresh(own.model(Campaign))
    body = _body(_campaign(added_by_the_vendor={"a": [1, None]}))
    fast = decoder(body)  # learned on the first body: no miss
    assert isinstance(fast, Campaign) and decoder.misses == 0
    assert fast.extra == {"added_by_the_vendor": {"a": [1, None]}}
    _same(fast, _usual(body, Campaign))
    # Still the fast path with or without the key (or with it as null).
    for changes in ({}, {"added_by_the_vendor": None}, {"added_by_the_vendor": 5}):
        body = _body(_campaign(**changes))
        _same(decoder(body), _usual(body, Campaign))
    assert decoder.misses == 0


def test_unknown_keys_deep_in_a_page_are_learned_for_their_model(own: Decoders) -> None:
    items = [full_campaign(n) for n in range(1, 4)]
    items[1]["campaign_schedule"]["schedules"][0]["timing"]["tz`note.x"] = "local"
    items[2]["sequences"][0]["steps"][0]["variants"][1]["score"] = 0.5
    items[2]["new_top_level"] = True
    decoder = _fresh(own.page(Campaign))
    page = decoder(_body({"items": items, "next_starting_after": None}))
    assert isinstance(page, DecodedPage) and decoder.misses == 0
    for got, item in zip(page.items, items, strict=True):
        _same(got, _usual(_body(item), Campaign))
    assert page.items[1].campaign_schedule.schedules[0].timing.extra == {"tz`note.x": "local"}
    assert page.items[2].extra == {"new_top_level": True}
    # Learned for the model, so a single Campaign's decoder knows them too.
    single = _fresh(own.model(Campaign))(_body(items[2]))
    assert single is not None and single.sequences[0].steps[0].variants[1].extra == {"score": 0.5}


def test_a_server_inventing_keys_cannot_grow_the_models_without_bound(own: Decoders) -> None:
    decoder = _fresh(own.model(Campaign))
    results = []
    for i in range(LEARN_LIMIT + 5):
        body = _body(_campaign(**{f"invented_{i}": i}))
        decoder._rest = 0
        results.append(decoder(body))
        usual = _usual(body, Campaign)
        if results[-1] is not None:
            _same(results[-1], usual)
    # The first LEARN_LIMIT are learned, then the usual path takes the rest.
    assert all(r is not None for r in results[:LEARN_LIMIT])
    assert results[LEARN_LIMIT:] == [None] * 5
    assert decoder.misses == 5


@pytest.mark.parametrize("key", ['say "hi"', "back\\slash", "tab\there"])
def test_a_key_msgspec_cannot_rename_to_is_not_learned_and_still_kept(
    key: str, own: Decoders
) -> None:
    decoder = _fresh(own.model(Campaign))
    body = _body(_campaign(**{key: 1}))
    assert decoder(body) is None and decoder.misses == 1
    assert _usual(body, Campaign).extra == {key: 1}
    # The decoder still works for everything else.
    assert isinstance(_fresh(decoder)(_body(_campaign(other_new_key=2))), Campaign)


def test_msgspec_unknown_field_messages_are_read_exactly() -> None:
    assert unknown_key("Object contains unknown field `a`") == ("a", [])
    assert unknown_key("Object contains unknown field `w`x` - at `$.items[0].t[3]`") == (
        "w`x",
        ["items", None, "t", None],
    )
    assert unknown_key("Object contains unknown field `q` - at `$.d[...]`") == ("q", ["d", None])
    assert unknown_key("Expected `str`, got `int` - at `$.name`") is None
    assert locate(Campaign, ["campaign_schedule", "schedules", None, "timing"]) is Timing
    assert locate(Campaign, ["no_such_field"]) is None
    assert locate(Campaign, ["name"]) is None  # not a model


@pytest.fixture
def fresh_decoders() -> Iterator[None]:
    for cls in (Campaign, Subsequence):
        _fresh(model_decoder(cls))
        _fresh(page_decoder(cls))
    yield


async def test_a_listing_with_new_fields_and_odd_values_loses_nothing(
    fake: FakeInstantly, client: AsyncInstantly, fresh_decoders: None
) -> None:
    # 250 campaigns, pages of 100: one with a field the SDK does not know (page 2),
    # one whose name came as a number (page 3), which only the usual path takes.
    seeded = fake.seed_campaigns(250)
    fake.campaigns[seeded[150]["id"]]["sent_by_ai_test_typed"] = True
    fake.campaigns[seeded[220]["id"]]["name"] = 42
    pages = page_decoder(Campaign)
    assert pages is not None
    misses = pages.misses
    got = [c async for c in client.campaigns.list(limit=100)]
    assert [c.id for c in got] == [c["id"] for c in seeded]
    assert got[150].extra == {"sent_by_ai_test_typed": True}
    assert got[220].name == "42"
    assert all(c.extra == {} for i, c in enumerate(got) if i != 150)
    assert pages.misses == misses + 1  # the new field was learned; page 3 went the usual way


async def test_a_strict_client_still_names_the_field_that_does_not_fit(
    fake: FakeInstantly, client: AsyncInstantly, fresh_decoders: None
) -> None:
    (seeded,) = fake.seed_campaigns(1)
    fake.campaigns[seeded["id"]]["timestamp_created"] = "not a date"
    with pytest.raises(APIResponseValidationError, match=r"\$\.timestamp_created"):
        await client.campaigns.get(seeded["id"])  # the fixture's client is strict
    async with AsyncInstantly(api_key=API_KEY, base_url=fake.base_url, rate_limit=None) as lenient:
        got = await lenient.campaigns.get(seeded["id"])
    assert got.timestamp_created is None
    assert got.extra == {"timestamp_created": "not a date"}


async def test_one_campaign_from_the_server_is_the_same_either_way(
    fake: FakeInstantly, client: AsyncInstantly, fresh_decoders: None, caplog: Any
) -> None:
    (seeded,) = fake.seed_campaigns(1)
    decoder = model_decoder(Campaign)
    assert decoder is not None
    misses = decoder.misses
    with caplog.at_level(logging.WARNING, logger="instantly_async"):
        got = await client.campaigns.get(seeded["id"])
    assert decoder.misses == misses  # taken by the fast path
    _same(got, _usual(_body(seeded), Campaign))
    assert not caplog.records


@pytest.mark.parametrize("depth", [50, 100_000])
async def test_a_new_key_holding_deep_json_is_kept_or_refused_as_before(depth: int) -> None:
    # A hostile server: a key the SDK does not know, holding nested arrays.  Moderate
    # depth is learned and kept in ``extra``; past what JSON decoders take it is the
    # same clear error as any undecodable body, never a RecursionError.
    campaign = _body(_campaign())[:-1] + b', "nested_%d": ' % depth
    body = campaign + b"[" * depth + b"]" * depth + b"}"

    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=body, content_type="application/json")

    async with (
        serve_route("GET", "/api/v2/campaigns/{id}", handler) as base_url,
        AsyncInstantly(api_key=API_KEY, base_url=base_url, max_retries=0) as client,
    ):
        if depth == 50:
            got = await client.campaigns.get("c1")
            assert json.dumps(got.extra[f"nested_{depth}"]) == "[" * depth + "]" * depth
        else:
            with pytest.raises(APIResponseValidationError, match="not valid JSON"):
                await client.campaigns.get("c1")
