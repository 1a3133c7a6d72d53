"""The checks the value types share: each refuses a field's value, naming the field.

They take the object being built and the field's name, and normalise the
value in place where that is the rule (numbers become exact ``Decimal``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ._money import Amount, Price, exact_decimal
from .errors import InvalidTypeError, InvalidValueError

__all__ = [
    "amount",
    "check_date",
    "date",
    "number",
    "of_type",
    "optional_number",
    "period",
    "price",
    "sequence",
    "text",
    "whole",
]


def number(
    obj: object, name: str, *, low: Decimal | None = None, high: Decimal | None = None
) -> Decimal:
    """The field as an exact ``Decimal`` within ``low`` and ``high``, stored back if converted."""
    raw = getattr(obj, name)
    value = exact_decimal(raw, name)
    if low is not None and value < low:
        raise InvalidValueError(name, raw, f"must be at least {low}")
    if high is not None and value > high:
        raise InvalidValueError(name, raw, f"must be at most {high}")
    if value is not raw:
        object.__setattr__(obj, name, value)
    return value


def optional_number(obj: object, name: str, *, low: Decimal | None = None) -> None:
    """The field, if it is not ``None``, as :func:`number` makes it."""
    if getattr(obj, name) is not None:
        number(obj, name, low=low)


def period(obj: object, name: str) -> int | None:
    """The field as a positive number of days, or ``None``."""
    value = getattr(obj, name)
    if value is None:
        return None
    if whole(value, name) <= 0:
        raise InvalidValueError(name, value, "must be a positive number of days")
    return int(value)


def whole(value: object, name: str) -> int:
    """``value`` if it is an ``int`` (a ``bool`` is not one here)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidTypeError(name, value, "must be a whole number (int)")
    return value


def of_type(obj: object, name: str, kind: type | tuple[type, ...], what: str) -> None:
    """The field is a ``kind``; ``what`` says what that is in the message."""
    value = getattr(obj, name)
    if not isinstance(value, kind):
        raise InvalidTypeError(name, value, f"must be {what}")


def text(obj: object, name: str, *, optional: bool = False) -> None:
    """The field is text (or ``None`` when ``optional``)."""
    value = getattr(obj, name)
    if not (isinstance(value, str) or (optional and value is None)):
        raise InvalidTypeError(name, value, "must be text" + (" or None" if optional else ""))


def check_date(value: object, field: str) -> dt.date:
    """``value`` if it is a ``datetime.date`` (a ``datetime`` is not one here)."""
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise InvalidTypeError(field, value, "must be a datetime.date")
    return value


def date(obj: object, name: str) -> dt.date:
    """The field, checked with :func:`check_date`."""
    return check_date(getattr(obj, name), name)


def sequence(value: Any, field: str) -> tuple[Any, ...]:
    """A list or tuple as a tuple; the items are checked by the owner."""
    if not isinstance(value, (list, tuple)):
        raise InvalidTypeError(field, value, "must be a list or tuple")
    return tuple(value)


def amount(value: object, name: str) -> Amount:
    """``value`` if it is an :class:`~invoicecalc.Amount`: a bare number does not say its unit."""
    if not isinstance(value, Amount):
        raise InvalidTypeError(
            name, value, "must be an Amount, made by its currency: Currency('USD').amount('150.00')"
        )
    return value


def price(value: object, name: str) -> Price:
    """``value`` if it is a :class:`~invoicecalc.Price`: a bare number does not say its unit."""
    if not isinstance(value, Price):
        raise InvalidTypeError(
            name, value, "must be a Price, made by its currency: Currency('USD').price('85.00')"
        )
    return value
