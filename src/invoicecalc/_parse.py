"""The strict reading of JSON values every format shares: one rule, one message.

:func:`parse_json` reads JSON text with exact numbers; the other functions
check one value read from it and name its field when they refuse it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from ._money import decimal_text
from .errors import InvalidTypeError, InvalidValueError, ParseError

__all__ = [
    "array",
    "choice",
    "days",
    "flag",
    "known_object",
    "names",
    "parse_date",
    "parse_day",
    "parse_json",
    "string",
]

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_DATE_AND_TIME = re.compile(
    r"(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?\Z"
)
_DAYS = re.compile(r"\d+\Z")
_SURROGATE = re.compile("[\ud800-\udfff]")


class _Constant(Exception):
    """``NaN`` or ``Infinity`` met while parsing; :func:`parse_json` names where."""


def _refuse_constant(name: str) -> Any:
    raise _Constant(name)


_MARK = object()


def _constant_path(data: str | bytes) -> str:
    """Where the first ``NaN`` or ``Infinity`` sits in ``data`` (``lines[2].quantity``).

    Asked only once one was refused, so the path costs nothing on good input.
    """

    def walk(value: object, path: str) -> str | None:
        if value is _MARK:
            return path
        items: list[tuple[str, object]] = []
        if isinstance(value, dict):
            items = [(f"{path}.{key}" if path else key, item) for key, item in value.items()]
        elif isinstance(value, list):
            items = [(f"{path}[{index}]", item) for index, item in enumerate(value)]
        for where, item in items:
            found = walk(item, where)
            if found is not None:
                return found
        return None

    try:
        value = json.loads(data, parse_float=Decimal, parse_constant=lambda _: _MARK)
    except (ValueError, RecursionError):
        return ""
    return walk(value, "") or ""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        key = next(key for key, _ in pairs if key in seen or seen.add(key))  # type: ignore[func-returns-value]
        raise ParseError(key, "appears twice in one object")
    return result


def _decimal_number(text: str) -> Decimal:
    return decimal_text(text, "number")


def _whole_number(text: str) -> int:
    if len(text) > 60:  # before int() is asked to convert it
        raise ParseError("", "has a number too long to be an amount", text[:20] + "...")
    return int(text)


def parse_json(data: str | bytes) -> Any:
    """JSON text as Python values, numbers as exact ``Decimal`` (never ``float``).

    Duplicate keys, ``NaN`` and ``Infinity`` are refused with :class:`ParseError`.
    """
    try:
        return json.loads(
            data,
            parse_float=_decimal_number,
            parse_int=_whole_number,
            parse_constant=_refuse_constant,
            object_pairs_hook=_unique_keys,
        )
    except _Constant as exc:
        raise ParseError(_constant_path(data), f"{exc} is not a number JSON allows") from None
    except json.JSONDecodeError as exc:
        raise ParseError("", f"is not valid JSON: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ParseError("", f"is not UTF-8 text: {exc.reason}") from None
    except RecursionError:
        raise ParseError("", "is nested too deeply") from None


def parse_date(value: object, field: str) -> dt.date:
    """A ``YYYY-MM-DD`` date; anything else is refused."""
    if not isinstance(value, str):
        raise InvalidTypeError(field, value, "must be a date as YYYY-MM-DD text")
    if not _DATE.match(value):
        raise InvalidValueError(field, value, "is not a date as YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidValueError(field, value, "is not a real date") from None


def parse_day(value: object, field: str) -> dt.date:
    """A date, or the day of a date and time as vendors write them.

    ``2024-05-01``, ``2024-05-01 13:45:00`` and ``2024-05-01T13:45:00Z`` all
    give 1 May 2024; the time must be a real one, and is dropped.
    """
    if isinstance(value, str) and (match := _DATE_AND_TIME.match(value)):
        hour, minute, second = match.group(2, 3, 4)
        try:
            dt.time(int(hour), int(minute), int(second or 0))
        except ValueError:
            raise InvalidValueError(field, value, "is not a real time of day") from None
        value = match.group(1)
    return parse_date(value, field)


def days(value: object, field: str) -> int:
    """A whole number of days, as an int or as digits."""
    if isinstance(value, str) and _DAYS.match(value):
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise InvalidTypeError(field, value, "must be a whole number of days")


def flag(value: object, field: str) -> bool:
    """``true`` or ``false``."""
    if not isinstance(value, bool):
        raise InvalidTypeError(field, value, "must be true or false")
    return value


def string(value: object, field: str) -> str:
    """Text, without lone surrogates."""
    if not isinstance(value, str):
        raise InvalidTypeError(field, value, "must be text")
    if not value.isascii() and _SURROGATE.search(value):
        raise InvalidValueError(field, value, "holds a lone surrogate, which is not text")
    return value


def choice(kind: Any) -> Callable[[object, str], Any]:
    """A check that a value is one of ``kind``'s values, giving that member."""
    members = {member.value: member for member in kind}

    def parse(value: object, field: str) -> Any:
        member = members.get(value) if type(value) is str else None
        if member is None:
            raise InvalidValueError(field, value, f"must be one of {', '.join(members)}")
        return member

    return parse


def known_object(value: object, keys: Mapping[str, object]) -> dict[str, Any]:
    """A JSON object whose keys are all known; ``null`` values are left out (absent)."""
    if type(value) is not dict:
        raise InvalidTypeError("", value, "must be a JSON object")
    if not value.keys() <= keys.keys():
        unknown = next(key for key in value if key not in keys)
        raise InvalidValueError(unknown, unknown, "is not a key this document knows")
    if None in value.values():
        return {key: item for key, item in value.items() if item is not None}
    return value


def array(value: object, field: str) -> list[Any]:
    """A JSON array (its items are checked by the caller)."""
    if type(value) is not list:
        raise InvalidTypeError(field, value, "must be a JSON array")
    return value


def names(value: object, field: str) -> tuple[str, ...]:
    """A JSON array of text, as a tuple."""
    return tuple(string(name, f"{field}[{i}]") for i, name in enumerate(array(value, field)))
