"""Open enums: known values are members, unknown server values still structure.

Instantly adds enum values without notice (see the API notes, section 9), and
cattrs structures an enum by calling ``EnumType(value)``.  A closed enum would
make one new status value fail a whole page of results, so ``_missing_``
mints a pseudo-member instead.  Pseudo-members compare equal to their raw value,
keep the enum's type (so annotations stay honest) and are reported by
``is_known``.  Request validation uses ``known_values`` to stay strict on the
way out while parsing stays lenient on the way in.
"""

from __future__ import annotations

import enum
from typing import Any, TypeVar

_E = TypeVar("_E", bound=enum.Enum)


def _mint(cls: type[_E], value: Any, base: Any) -> _E:
    member: Any = base.__new__(cls, value)
    member._name_ = f"UNKNOWN_{value}"
    member._value_ = value
    # Cache so later lookups of the same unknown value are as fast as known ones.
    cls._value2member_map_[value] = member
    return member  # type: ignore[no-any-return]


class OpenIntEnum(enum.IntEnum):
    """An ``IntEnum`` that accepts any integer the server sends."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None
        if isinstance(value, float):
            if not value.is_integer():
                return None
            value = int(value)
            if value in cls._value2member_map_:
                return cls._value2member_map_[value]
        return _mint(cls, value, int)


class OpenStrEnum(str, enum.Enum):
    """A string enum that accepts any string the server sends."""

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        return _mint(cls, value, str)


def is_known(member: enum.Enum) -> bool:
    """True when ``member`` is a documented value rather than a pseudo-member."""
    return member._name_ in type(member).__members__


def known_values(cls: type[enum.Enum]) -> frozenset[Any]:
    return frozenset(m.value for m in cls.__members__.values())
