"""What every response model shares: the server's unknown fields and explicit nulls.

The vendor adds fields most months and documents some values loosely, so a
model keeps whatever it could not hold in a typed field:

* ``extra`` maps each key the model does not know (and each loosely documented
  field whose value did not fit, see :data:`LOOSE`) to the value exactly as
  the server sent it;
* the keys that came as an explicit ``null`` are remembered, so
  :func:`~instantly_async.to_dict` can tell "null" from "absent".
"""

from __future__ import annotations

from typing import Any

import attrs

__all__ = ["LOOSE", "Model"]

#: Field metadata marking a loosely documented field: the spec's type is wider
#: than the model's (a date-time in a plain ``string``, an integer code in a
#: ``number``).  A value that does not fit leaves the field ``None`` and is kept
#: unchanged in ``extra`` (one warning per field per process); a strict client
#: raises :class:`~instantly_async.APIResponseValidationError` instead.
LOOSE: dict[str, Any] = {"instantly_async.loose": True}


@attrs.define(kw_only=True)
class Model:
    """Base of the response models.

    ``extra`` holds what the server sent that the model has no typed place
    for: fields added after this SDK version, and raw values of loosely
    documented fields that did not parse.  ``to_dict`` puts them back.
    """

    extra: dict[str, Any] = attrs.field(factory=dict)
    """Unknown keys (and unparsed loose values) exactly as received."""
    _nulls: tuple[str, ...] = attrs.field(default=(), init=False, repr=False, eq=False)
    """JSON keys of fields that came as an explicit ``null``."""
