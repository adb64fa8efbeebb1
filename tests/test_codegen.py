"""The flat structure functions agree with cattrs' own, and step aside where they must."""

from __future__ import annotations

from typing import Any

import attrs
import cattrs
import pytest
from cattrs.gen import make_dict_structure_fn
from hypothesis import given

from instantly_async._codegen import json_key, make_structure_fn
from instantly_async._converter import _detailed, converter, strict_converter
from instantly_async.models import (
    Campaign,
    CampaignStatus,
    Schedule,
    Step,
    Subsequence,
    Timing,
)

from ._strategies import from_schema
from .test_properties import COMPONENTS, SETTINGS


# Plain cattrs knows nothing of ``extra``, so these bodies have no unknown keys; loose
# fields are drawn as the vendor writes them, so that both sides parse them.
def _vendor(name: str) -> Any:
    return from_schema(COMPONENTS[name], COMPONENTS, vendor_formats=True, unknown_keys=False)


@SETTINGS
@given(_vendor("Campaign"))
def test_campaigns_structure_as_cattrs_would(data: dict[str, Any]) -> None:
    # The detailed twin is plain cattrs (make_dict_structure_fn, no generated hooks of ours).
    expected = _detailed.structure(data, Campaign)
    assert converter.structure(data, Campaign) == expected
    assert strict_converter.structure(data, Campaign) == expected


@SETTINGS
@given(_vendor("CampaignSubsequence"))
def test_subsequences_structure_as_cattrs_would(data: dict[str, Any]) -> None:
    expected = _detailed.structure(data, Subsequence)
    assert converter.structure(data, Subsequence) == expected
    assert strict_converter.structure(data, Subsequence) == expected


def test_the_models_use_the_generated_functions() -> None:
    hook = converter.get_structure_hook(Campaign)
    assert hook.__code__.co_filename.startswith("<instantly_async structure")


def test_absent_optional_keys_take_the_default_and_json_keys_are_renamed() -> None:
    schedule = converter.structure(
        {
            "schedules": [
                {
                    "name": "a",
                    "timing": {"from": "09:00", "to": "17:00"},
                    "days": {"1": 1},
                    "timezone": "Etc/GMT+12",
                }
            ]
        },
        Schedule,
    )
    assert schedule.start_date is None and schedule.end_date is None
    slot = schedule.schedules[0]
    assert slot.timing == Timing(from_="09:00", to="17:00")
    assert slot.days == {"1": True} and type(slot.days["1"]) is bool
    assert json_key("from_") == "from" and json_key("_private") == "_private"


def test_missing_required_key_and_wrong_shapes_fail() -> None:
    with pytest.raises(KeyError):
        converter.structure({"from": "09:00"}, Timing)
    with pytest.raises(TypeError):
        converter.structure(["not", "an", "object"], Timing)
    with pytest.raises(ValueError):
        converter.structure({"type": "email", "delay": "soon", "variants": []}, Step)


def test_unknown_enum_values_mint_open_members() -> None:
    status = converter.get_structure_hook(CampaignStatus)(42, CampaignStatus)
    assert status.value == 42 and status not in list(CampaignStatus)


@attrs.define(kw_only=True)
class _Validated:
    n: int = attrs.field(validator=attrs.validators.ge(0))
    label: str | None = None


@attrs.define
class _WithFactory:
    items: list[int] = attrs.Factory(list)


@attrs.define
class _Tree:
    name: str
    children: list[_Tree] | None = None


@attrs.define
class _NonOptionalNoneDefault:
    n: int = None  # type: ignore[assignment]


def _fresh() -> cattrs.Converter:
    conv = cattrs.Converter(detailed_validation=False)
    conv.register_structure_hook_factory(
        attrs.has,
        lambda cls: make_structure_fn(conv, cls) or make_dict_structure_fn(cls, conv),
    )
    return conv


def test_validators_still_run_through_init() -> None:
    conv = _fresh()
    assert conv.structure({"n": "3"}, _Validated) == _Validated(n=3)
    with pytest.raises(ValueError):
        conv.structure({"n": -1}, _Validated)


def test_factory_defaults_are_left_to_cattrs() -> None:
    assert make_structure_fn(_fresh(), _WithFactory) is None
    conv = _fresh()
    a, b = conv.structure({}, _WithFactory), conv.structure({}, _WithFactory)
    assert a.items == [] and a.items is not b.items


def test_a_model_that_contains_itself() -> None:
    tree = _fresh().structure({"name": "a", "children": [{"name": "b"}]}, _Tree)
    assert tree == _Tree("a", [_Tree("b")])


def test_a_none_default_on_a_non_optional_field() -> None:
    conv = _fresh()
    assert conv.structure({}, _NonOptionalNoneDefault).n is None
    assert conv.structure({"n": "7"}, _NonOptionalNoneDefault).n == 7
