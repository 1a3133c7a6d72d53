"""The strict reading of JSON values every format shares: one rule, one message.

:func:`parse_json` reads JSON text with exact numbers; the other functions
check one value read from it and name its field when they refuse it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Collection, Mapping
from decimal import Decimal
from typing import Any

from ._money import MAX_NUMBER_TEXT, decimal_text, in_range
from .errors import InvalidTypeError, InvalidValueError, InvoiceCalcError, ParseError

__all__ = [
    "MAX_JSON_BYTES",
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
    "too_large",
]

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z", re.ASCII)
_DATE_AND_TIME = re.compile(
    r"(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?\Z",
    re.ASCII,
)
_DAYS = re.compile(r"[0-9]+\Z")
_SURROGATE = re.compile("[\ud800-\udfff]")
#: JSON text larger than this (64 MiB) is refused before it is parsed.
MAX_JSON_BYTES = 64 * 1024 * 1024


class _Refused(Exception):
    """A number refused while parsing (out of range, too long, ``NaN``); :func:`parse_json`
    names where it sits and raises ``error`` under that path."""

    def __init__(self, error: InvoiceCalcError) -> None:
        super().__init__(error)
        self.error = error


def _refuse_constant(name: str) -> Any:
    raise _Refused(ParseError("", f"{name} is not a number JSON allows"))


def _decimal_number(text: str) -> Decimal:
    """A JSON number with a fraction or exponent, held to the range every number has:
    ``1e999999999`` is refused here and ``0e-999999999`` is plain 0, before any
    consumer sees it."""
    try:
        return in_range(decimal_text(text, ""), "", text)
    except InvoiceCalcError as exc:
        raise _Refused(exc) from None


def _whole_number(text: str) -> int:
    if len(text) > MAX_NUMBER_TEXT:  # before int() is asked to convert it
        shown = text[:20] + "..."
        raise _Refused(InvalidValueError("", shown, "has a number too long to be an amount"))
    return int(text)


_MARK = object()


class _Duplicated(dict[str, Any]):
    """An object with a key given twice, as :func:`_refused_path` marks it: its own
    items are kept, since a refused number inside it was parsed (and raised) first."""


def _mark_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    return result if len(result) == len(pairs) else _Duplicated(result)


def _marking(parse: Callable[[str], object]) -> Callable[[str], object]:
    def mark(text: str) -> object:
        try:
            parse(text)
        except _Refused:
            return _MARK
        return None

    return mark


def _refused_path(text: str) -> str:
    """Where the first refused number sits in ``text`` (``lines[2].quantity``).

    Asked only once one was refused, so the path costs nothing on good input.
    """
    try:
        value = json.loads(
            text,
            parse_float=_marking(_decimal_number),
            parse_int=_marking(_whole_number),
            parse_constant=_marking(_refuse_constant),
            object_pairs_hook=_mark_duplicates,
        )
    except (ValueError, RecursionError):
        return ""
    # No recursion: any depth the parser took. The parser refuses an object's key given
    # twice once its items are parsed, so such an object is its own mark after them.
    stack: list[tuple[str, object]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if item is _MARK:
            return path
        if isinstance(item, _Duplicated):
            stack.append((path, _MARK))
        if isinstance(item, dict):
            children = [(f"{path}.{key}" if path else key, child) for key, child in item.items()]
        elif isinstance(item, list):
            children = [(f"{path}[{index}]", child) for index, child in enumerate(item)]
        else:
            continue
        stack.extend(reversed(children))  # document order: the first refused number
    return ""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):  # placed under its object's path once the parse is refused
        seen: set[str] = set()
        key = next(key for key, _ in pairs if key in seen or seen.add(key))  # type: ignore[func-returns-value]
        raise _Refused(ParseError(key, "appears twice in one object"))
    return result


def too_large(limit: int) -> ParseError:
    """The refusal of JSON text longer than ``limit`` (:data:`MAX_JSON_BYTES`): a
    document, or an invoice of an array or of JSON Lines."""
    return ParseError("", f"is larger than {limit} bytes")


def parse_json(data: str | bytes) -> Any:
    """JSON text (UTF-8 when bytes) as Python values, numbers exact ``Decimal`` (never ``float``).

    Every number is held to the one range rule as it is parsed
    (:func:`~invoicecalc._money.in_range`; longer than 60 characters, out of
    range, ``NaN`` and ``Infinity`` are refused naming where they sit), and so
    are duplicate keys, nesting deeper than the parser's recursion limit, text
    that is not UTF-8 and documents larger than :data:`MAX_JSON_BYTES`.
    """
    if not isinstance(data, (str, bytes, bytearray)):
        raise InvalidTypeError("data", data, "must be JSON text (str or bytes)")
    if len(data) > MAX_JSON_BYTES:
        raise too_large(MAX_JSON_BYTES)
    if isinstance(data, (bytes, bytearray)):
        try:
            # RFC 8259: JSON exchanged between systems is UTF-8 (a BOM is tolerated).
            text = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ParseError("", f"is not UTF-8 text: {exc.reason}") from None
    else:
        text = data
    try:
        return json.loads(
            text,
            parse_float=_decimal_number,
            parse_int=_whole_number,
            parse_constant=_refuse_constant,
            object_pairs_hook=_unique_keys,
        )
    except _Refused as exc:
        path = _refused_path(text)
        raise (exc.error.within(path) if path else exc.error) from None
    except json.JSONDecodeError as exc:
        raise ParseError("", f"is not valid JSON: {exc}") from None
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
    """A whole number of days, as an int or as ASCII digits (at most 60 of them)."""
    if isinstance(value, str) and _DAYS.match(value):
        if len(value) > MAX_NUMBER_TEXT:  # before int() is asked to convert it
            shown = value[:20] + "..."
            raise InvalidValueError(field, shown, f"has more than {MAX_NUMBER_TEXT} digits")
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


def known_object(
    value: object, keys: Mapping[str, object], required: Collection[str] = ()
) -> dict[str, Any]:
    """A JSON object whose keys are all known and ``required`` ones present;
    ``null`` values are left out (absent, so a required key given ``null`` is missing)."""
    if type(value) is not dict:
        raise InvalidTypeError("", value, "must be a JSON object")
    if not value.keys() <= keys.keys():
        unknown = next(key for key in value if key not in keys)
        raise InvalidValueError(unknown, unknown, "is not a key this document knows")
    if None in value.values():
        value = {key: item for key, item in value.items() if item is not None}
    for key in required:
        if key not in value:
            raise InvalidValueError(key, None, "is required")
    return value


def array(value: object, field: str) -> list[Any]:
    """A JSON array (its items are checked by the caller)."""
    if type(value) is not list:
        raise InvalidTypeError(field, value, "must be a JSON array")
    return value


def names(value: object, field: str) -> tuple[str, ...]:
    """A JSON array of text, as a tuple."""
    return tuple(string(name, f"{field}[{i}]") for i, name in enumerate(array(value, field)))
