"""The neutral JSON document: invoices in, totals out (``docs/json.md``).

>>> text = '''{"currency": "USD", "invoice_date": "2024-03-01", "due_date": "2024-03-31",
...            "lines": [{"quantity": 2, "unit_price": "19.99"}], "sales_tax": "8.25"}'''
>>> import datetime as dt
>>> result = json.loads(preview(text, as_of=dt.date(2024, 3, 10)))
>>> result["item_actual"], result["sales_tax"], result["total"]
('39.98', '3.30', '43.28')
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from ._calculate import Totals, calculate
from ._model import (
    DiscountBase,
    Invoice,
    LineItem,
    LineKind,
    Payment,
    Policy,
    Tax,
    TaxRounding,
    sales_taxes,
)
from ._money import Currency, Rounding, decimal_text, exact_decimal
from .errors import InvalidTypeError, InvalidValueError, InvoiceCalcError, ParseError

__all__ = [
    "Document",
    "Entry",
    "calculate_document",
    "document_of",
    "dumps",
    "invoice_from_dict",
    "parse_date",
    "parse_day",
    "parse_json",
    "preview",
    "read",
    "totals_to_dict",
]

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_DATE_AND_TIME = re.compile(
    r"(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?\Z"
)
_DAYS = re.compile(r"\d+\Z")
_SURROGATE = re.compile("[\ud800-\udfff]")


@attrs.frozen
class Entry:
    """One invoice read from a document.

    ``as_of`` is the date the document asks for, if any. ``stated`` holds the
    totals a vendor document states, as ``(name, value)`` pairs named after
    :class:`~invoicecalc.Totals` attributes (``"total"``, ``"balance"``, ...),
    money in minor units; ``invoicecalc check`` compares them with the engine.
    """

    invoice: Invoice
    as_of: dt.date | None = None
    stated: tuple[tuple[str, object], ...] = ()


@attrs.frozen
class Document:
    """What a file held: its invoices, and whether they came as an array."""

    entries: tuple[Entry, ...]
    array: bool = False


# -- reading ------------------------------------------------------------------


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


def _days(value: object, field: str) -> int:
    if isinstance(value, str) and _DAYS.match(value):
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise InvalidTypeError(field, value, "must be a whole number of days")


def _flag(value: object, field: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidTypeError(field, value, "must be true or false")
    return value


def _string(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise InvalidTypeError(field, value, "must be text")
    if not value.isascii() and _SURROGATE.search(value):
        raise InvalidValueError(field, value, "holds a lone surrogate, which is not text")
    return value


def _choice(kind: Any) -> Callable[[object, str], Any]:
    members = {member.value: member for member in kind}

    def parse(value: object, field: str) -> Any:
        member = members.get(value) if type(value) is str else None
        if member is None:
            raise InvalidValueError(field, value, f"must be one of {', '.join(members)}")
        return member

    return parse


def _object(value: object, keys: Mapping[str, object]) -> dict[str, Any]:
    """A JSON object whose keys are all known; ``null`` values are left out (absent)."""
    if type(value) is not dict:
        raise InvalidTypeError("", value, "must be a JSON object")
    if not value.keys() <= keys.keys():
        unknown = next(key for key in value if key not in keys)
        raise InvalidValueError(unknown, unknown, "is not a key this document knows")
    if None in value.values():
        return {key: item for key, item in value.items() if item is not None}
    return value


def _array(value: object, field: str) -> list[Any]:
    if type(value) is not list:
        raise InvalidTypeError(field, value, "must be a JSON array")
    return value


def _names(value: object, field: str) -> tuple[str, ...]:
    return tuple(_string(name, f"{field}[{i}]") for i, name in enumerate(_array(value, field)))


def _items(
    raw: dict[str, Any], key: str, parse: Callable[[Any, Parsers], Any], parsers: Parsers
) -> tuple[Any, ...]:
    """Each object of the array ``raw[key]`` parsed; an error names it as ``key[i]``."""
    items = []
    for index, item in enumerate(_array(raw.get(key, []), key)):
        try:
            items.append(parse(item, parsers))
        except InvoiceCalcError as exc:
            raise exc.within(f"{key}[{index}]") from None
    return tuple(items)


Parser = Callable[[Any, str], Any]
Parsers = Mapping[str, Parser]


def _parsed(raw: dict[str, Any], parsers: Parsers) -> dict[str, Any]:
    return {key: parsers[key](value, key) for key, value in raw.items()}


def _line(value: object, parsers: Parsers) -> LineItem:
    return LineItem(**_parsed(_object(value, parsers), parsers))


def _tax(value: object, parsers: Parsers) -> Tax:
    return Tax(**_parsed(_object(value, _TAX_KEYS), _TAX_KEYS))


def _payment(value: object, parsers: Parsers) -> Payment:
    raw = _object(value, parsers)
    for key in ("date", "amount"):
        if key not in raw:
            raise InvalidValueError(key, None, "is required")
    return Payment(**_parsed(raw, parsers))


_LINE_KEYS: dict[str, Parser] = {
    "title": _string,
    "description": _string,
    "kind": _choice(LineKind),
    "quantity": exact_decimal,
    "markup_percentage": exact_decimal,
    "taxable": _flag,
    "taxes": _names,
    "quantity_low": exact_decimal,
    "quantity_high": exact_decimal,
    # unit_price and flat_fee are parsed in the invoice's currency
}
_TAX_KEYS: dict[str, Parser] = {"name": _string, "rate": exact_decimal, "compound": _flag}
_POLICY_KEYS: dict[str, Parser] = {
    "rounding": _choice(Rounding),
    "tax_rounding": _choice(TaxRounding),
    "discount_base": _choice(DiscountBase),
}
_SALES_TAX_KEYS = ("sales_tax", "sales_tax_2", "sales_tax_2_cumulative")
_INVOICE_KEYS: dict[str, Parser] = {
    "invoice_date": parse_date,
    "due_date": parse_date,
    "as_of": parse_date,
    "sales_tax": exact_decimal,
    "sales_tax_2": exact_decimal,
    "sales_tax_2_cumulative": _flag,
    "discount_percentage": exact_decimal,
    "early_period_in_days": _days,
    "late_percentage": exact_decimal,
    "late_period_in_days": _days,
    "number": _string,
    "po_number": _string,
    "notes": _string,
    "terms": _string,
    "pre_reminder_in_days": _days,
    "post_reminder_in_days": _days,
}
#: Keys whose values are parsed by invoice_from_dict itself.
_STRUCTURED = ("currency", "lines", "taxes", "payments", "policy")
_ALL_INVOICE_KEYS = dict.fromkeys((*_INVOICE_KEYS, *_STRUCTURED))


def invoice_from_dict(value: object) -> Entry:
    """One invoice object (already parsed from JSON) as an :class:`Entry`."""
    raw = _object(value, _ALL_INVOICE_KEYS)
    for key in ("currency", "invoice_date", "due_date"):
        if key not in raw:
            raise InvalidValueError(key, None, "is required")
    currency = Currency(_string(raw["currency"], "currency"))
    fields = {
        key: _INVOICE_KEYS[key](item, key) for key, item in raw.items() if key not in _STRUCTURED
    }
    fields["currency"] = currency
    as_of = fields.pop("as_of", None)
    sales = {key: fields.pop(key) for key in _SALES_TAX_KEYS if key in fields}
    if "taxes" in raw:
        if sales:
            key = next(iter(sales))
            raise InvalidValueError(key, raw[key], "cannot be given with a taxes list")
        fields["taxes"] = _items(raw, "taxes", _tax, _TAX_KEYS)
    else:
        for key in ("sales_tax", "sales_tax_2"):
            if sales.get(key, 0) < 0:
                raise InvalidValueError(key, raw[key], "must be at least 0")
        fields["taxes"] = sales_taxes(
            sales.get("sales_tax"),
            sales.get("sales_tax_2"),
            sales.get("sales_tax_2_cumulative", False),
        )
    line_keys = {
        **_LINE_KEYS,
        "unit_price": currency.parse_price,
        "flat_fee": currency.parse_amount,
    }
    fields["lines"] = _items(raw, "lines", _line, line_keys)
    payment_keys = {"date": parse_date, "amount": currency.parse_amount, "note": _string}
    fields["payments"] = _items(raw, "payments", _payment, payment_keys)
    if "policy" in raw:
        try:
            fields["policy"] = Policy(**_parsed(_object(raw["policy"], _POLICY_KEYS), _POLICY_KEYS))
        except InvoiceCalcError as exc:
            raise exc.within("policy") from None
    return Entry(Invoice(**fields), as_of)


def read(data: str | bytes) -> Document:
    """A neutral JSON document (one invoice object, or an array of them).

    An error inside an array names the invoice by its index: ``[3].lines[0].quantity``.
    """
    return document_of(parse_json(data), invoice_from_dict)


def document_of(value: object, entry_of: Callable[[Any], Entry]) -> Document:
    """A parsed JSON value, one object or an array of them, as a :class:`Document`.

    ``entry_of`` reads one object; an error inside an array names its index.
    """
    if isinstance(value, list):
        entries = []
        for index, item in enumerate(value):
            try:
                entries.append(entry_of(item))
            except InvoiceCalcError as exc:
                raise exc.within(f"[{index}]") from None
        return Document(tuple(entries), array=True)
    return Document((entry_of(value),))


# -- writing ------------------------------------------------------------------


def totals_to_dict(totals: Totals) -> dict[str, Any]:
    """The totals document for one invoice; amounts as exact decimal strings."""
    money = totals.currency.format
    return {
        "currency": totals.currency.code,
        "as_of": totals.as_of.isoformat(),
        "item_cost": money(totals.item_cost),
        "item_profit": money(totals.item_profit),
        "item_actual": money(totals.item_actual),
        "item_taxable": money(totals.item_taxable),
        "discount": money(totals.discount),
        "discount_percentage": f"{totals.discount_percentage:f}",
        "early_periods": totals.early_periods,
        "sales_tax": money(totals.sales_tax),
        "sales_tax_2": money(totals.sales_tax_2),
        "taxes": [
            {
                "name": tax.name,
                "rate": f"{tax.rate:f}",
                "compound": tax.compound,
                "amount": money(tax.amount),
            }
            for tax in totals.taxes
        ],
        "total_before_fees": money(totals.total_before_fees),
        "late_fee": money(totals.late_fee),
        "total": money(totals.total),
        "payment_total": money(totals.payment_total),
        "balance": money(totals.balance),
        "has_been_paid": totals.has_been_paid,
        "total_quantity": f"{totals.total_quantity:f}",
        "lines": [
            {"cost": money(cost), "markup": money(markup), "actual": money(actual)}
            for cost, markup, actual, _, _ in totals.line_amounts
        ],
    }


def calculate_document(document: Document, *, as_of: dt.date | None = None) -> list[Totals]:
    """Every invoice's totals; ``as_of`` wins over each entry's own ``as_of``.

    An entry with no ``as_of`` of its own needs one from the caller.
    """
    results = []
    for index, entry in enumerate(document.entries):
        when = as_of or entry.as_of
        if when is None:
            field = f"[{index}].as_of" if document.array else "as_of"
            raise InvalidValueError(field, None, "is needed: give one in the document or the call")
        results.append(calculate(entry.invoice, as_of=when))
    return results


def dumps(totals: Sequence[Totals], *, array: bool = False, indent: int | None = None) -> str:
    """The totals document as JSON text: one object, or an array when ``array``."""
    if not array and len(totals) != 1:
        raise InvalidValueError("totals", len(totals), "one object needs exactly one invoice")
    payload: Any = [totals_to_dict(t) for t in totals] if array else totals_to_dict(totals[0])
    return json.dumps(payload, indent=indent, ensure_ascii=False)


def preview(data: str | bytes, *, as_of: dt.date | None = None) -> str:
    """Neutral JSON text in, totals JSON text out (``invoicecalc preview --output json``)."""
    document = read(data)
    return dumps(calculate_document(document, as_of=as_of), array=document.array)
