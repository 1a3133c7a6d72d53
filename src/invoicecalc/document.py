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
import gc
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, cast

import attrs

from ._calculate import Totals, calculate
from ._documents import Document, Entry, RefusedEntry, document_of
from ._model import (
    CashRounding,
    DiscountBase,
    HomeCurrency,
    Invoice,
    LineItem,
    LineKind,
    Payment,
    Policy,
    Tax,
    TaxRounding,
    plain_line,
    sales_taxes,
)
from ._money import NO_AMOUNT, NO_PRICE, Currency, Rounding, exact_decimal
from ._parse import (
    array,
    choice,
    days,
    flag,
    known_object,
    names,
    parse_date,
    parse_day,
    parse_json,
    string,
)
from .errors import InvalidTypeError, InvalidValueError, InvoiceCalcError

__all__ = [
    "Document",
    "Entry",
    "RefusedEntry",
    "calculate_document",
    "document_of",
    "dumps",
    "invoice_from_dict",
    "parse_date",
    "parse_day",
    "parse_json",
    "paused_gc",
    "preview",
    "read",
    "totals_json",
    "totals_to_dict",
]


# -- reading ------------------------------------------------------------------


def _items(
    raw: dict[str, Any], key: str, parse: Callable[[Any, Parsers], Any], parsers: Parsers
) -> tuple[Any, ...]:
    """Each object of the array ``raw[key]`` parsed; an error names it as ``key[i]``."""
    items = []
    for index, item in enumerate(array(raw.get(key, []), key)):
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
    return LineItem(**_parsed(known_object(value, parsers), parsers))


def _tax(value: object, parsers: Parsers) -> Tax:
    raw = known_object(value, _TAX_KEYS, required=("name", "rate"))
    return Tax(**_parsed(raw, _TAX_KEYS))


def _line_parsers(currency: Currency) -> Parsers:
    """The parsers of a line's keys, its money in ``currency``."""
    return {
        **_LINE_KEYS,
        "unit_price": currency.price,
        "flat_fee": currency.amount,
        "discount_amount": currency.amount,
    }


def _policy(value: object) -> Policy:
    try:
        return Policy(**_parsed(known_object(value, _POLICY_KEYS), _POLICY_KEYS))
    except InvoiceCalcError as exc:
        raise exc.within("policy") from None


def _compound(value: object, field: str) -> bool | tuple[str, ...]:
    """``true``, ``false``, or a list of earlier taxes' names (an empty list is ``false``)."""
    if isinstance(value, list):
        return names(value, field)
    if not isinstance(value, bool):
        raise InvalidTypeError(
            field, value, "must be true, false or a list of earlier taxes' names"
        )
    return value


def _within(prefix: str, parse: Callable[[], Any]) -> Any:
    """``parse()``, an error inside it named under ``prefix`` (``cash_rounding.increment``)."""
    try:
        return parse()
    except InvoiceCalcError as exc:
        raise exc.within(prefix) from None


def _cash_rounding(currency: Currency) -> Parser:
    """``"currency"`` (the currency's own cash rounding), or ``{"increment", "rounding"}``."""

    def parse(value: object, field: str) -> CashRounding:
        if value == "currency":
            return CashRounding.of_currency(currency)
        if isinstance(value, str):
            raise InvalidValueError(
                field, value, 'must be "currency" or an object {"increment", "rounding"}'
            )
        if not isinstance(value, dict):
            raise InvalidTypeError(
                field, value, 'must be "currency" or an object {"increment", "rounding"}'
            )
        keys = {**_CASH_KEYS, "increment": currency.amount}
        raw = _within(field, lambda: known_object(value, keys, required=("increment",)))
        parsed = _within(field, lambda: _parsed(raw, keys))
        # CashRounding names its own field, cash_rounding.increment, when it refuses one.
        return CashRounding(**parsed)

    return parse


def _home_code(value: object, field: str) -> Currency:
    code = string(value, field)
    try:
        return Currency(code)
    except InvoiceCalcError as exc:
        raise InvalidValueError(field, code, exc.problem) from None


def _home_currency(value: object, field: str) -> HomeCurrency:
    """``{"code": "EUR", "rate": "0.9134"}``: home units per one invoice-currency unit."""
    raw = _within(field, lambda: known_object(value, _HOME_KEYS, required=("code", "rate")))
    parsed = _within(field, lambda: _parsed(raw, _HOME_KEYS))
    # HomeCurrency names its own field, home_currency.rate, when it refuses one.
    return HomeCurrency(parsed["code"], parsed["rate"])


def _payment(value: object, parsers: Parsers) -> Payment:
    raw = known_object(value, parsers, required=("date", "amount"))
    return Payment(**_parsed(raw, parsers))


_LINE_KEYS: dict[str, Parser] = {
    "title": string,
    "description": string,
    "kind": choice(LineKind),
    "quantity": exact_decimal,
    "markup_percentage": exact_decimal,
    "taxable": flag,
    "taxes": names,
    "quantity_low": exact_decimal,
    "quantity_high": exact_decimal,
    "discount_percentage": exact_decimal,
    # unit_price, flat_fee and discount_amount are parsed in the invoice's currency
}
_TAX_KEYS: dict[str, Parser] = {
    "name": string,
    "rate": exact_decimal,
    "compound": _compound,
    "withholding": flag,
}
_CASH_KEYS: dict[str, Parser] = {
    "rounding": choice(Rounding),
    # increment is parsed in the invoice's currency
}
_HOME_KEYS: dict[str, Parser] = {"code": _home_code, "rate": exact_decimal}
_POLICY_KEYS: dict[str, Parser] = {
    "rounding": choice(Rounding),
    "tax_rounding": choice(TaxRounding),
    "discount_base": choice(DiscountBase),
}
_SALES_TAX_KEYS = ("sales_tax", "sales_tax_2", "sales_tax_2_cumulative")
_INVOICE_KEYS: dict[str, Parser] = {
    "invoice_date": parse_date,
    "due_date": parse_date,
    "as_of": parse_date,
    "id": string,
    "sales_tax": exact_decimal,
    "sales_tax_2": exact_decimal,
    "sales_tax_2_cumulative": flag,
    "discount_percentage": exact_decimal,
    "early_period_in_days": days,
    "late_percentage": exact_decimal,
    "late_period_in_days": days,
    "number": string,
    "po_number": string,
    "notes": string,
    "terms": string,
    "pre_reminder_in_days": days,
    "post_reminder_in_days": days,
    "tax_inclusive": flag,
    "home_currency": _home_currency,
}
#: Keys parsed in the invoice's currency: each key to its parser given the currency.
_MONEY_KEYS: dict[str, Callable[[Currency], Parser]] = {
    "discount_amount": lambda currency: currency.amount,
    "cash_rounding": _cash_rounding,
}
#: Keys whose values are parsed by invoice_from_dict itself.
_STRUCTURED = ("currency", "lines", "taxes", "payments", "policy", *_MONEY_KEYS)
_ALL_INVOICE_KEYS = dict.fromkeys((*_INVOICE_KEYS, *_STRUCTURED))


# -- the quick reader -------------------------------------------------------------
#
# The common invoice (lines of text, exact numbers and flags; payments; the
# sales-tax keys) read in one pass, through bounded caches of what its text
# parses to: every value is still parsed by the full reader's own parser (on a
# cache miss) and checked by the same constructors, and only what parsed
# cleanly is remembered. A taxes list, a policy, cash rounding, a home currency
# and a line of another shape (its own taxes or discount) are read by the full
# reader's own parsers. Anything else (an error, a key it does not know, a
# null, payments of another shape) gives None, and the full reader below reads
# the invoice again, so every refusal is the full reader's.

_CACHE_SIZE = 4096
_DECIMALS: dict[str, Decimal] = {}
_DATES: dict[str, dt.date] = {}
_MONEY: dict[tuple[str, str, bool], Any] = {}
_CURRENCIES: dict[str, Currency] = {}
_SALES: dict[tuple[object, ...], tuple[Tax, ...]] = {}
_LINES: dict[tuple[object, ...], LineItem] = {}
#: The longest text a remembered line holds in any one value (a title, a quantity):
#: at most 4,096 lines of 7 such values, some 30 MB held at worst.
_REMEMBERED_TEXT = 1024
_KINDS = {kind.value: kind for kind in LineKind}
_CUSTOM = LineKind.CUSTOM.value  # an enum member's value is a descriptor lookup each time
_TEXT_TYPES = (str, bool, type(None))
#: The line's own defaults (the very objects, which its checks know).
_ONE = cast(Decimal, attrs.fields(LineItem).quantity.default)
_ZERO = cast(Decimal, attrs.fields(LineItem).markup_percentage.default)
_QUICK_LINE_KEYS = dict.fromkeys(
    ("title", "description", "kind", "quantity", "unit_price", "flat_fee", "markup_percentage")
)
_QUICK_LINE_KEYS["taxable"] = None
_PAYMENT_KEYS = dict.fromkeys(("date", "amount", "note"))


def _remember(cache: dict[Any, Any], key: object, value: Any) -> Any:
    if len(cache) >= _CACHE_SIZE:
        cache.clear()
    cache[key] = value
    return value


def _number(value: object, field: str) -> Decimal:
    """``exact_decimal(value, field)``, remembered for text."""
    if type(value) is str:
        found = _DECIMALS.get(value)
        return (
            found if found is not None else _remember(_DECIMALS, value, exact_decimal(value, field))
        )
    return exact_decimal(value, field)


def _date(value: object, field: str) -> dt.date:
    """``parse_date(value, field)``, remembered for text."""
    if type(value) is str:
        found = _DATES.get(value)
        return found if found is not None else _remember(_DATES, value, parse_date(value, field))
    return parse_date(value, field)


def _money(currency: Currency, value: object, field: str, price: bool) -> Any:
    """``currency.price(value, field)`` or ``currency.amount(value, field)``, remembered
    for text."""
    if type(value) is not str:
        return currency.price(value, field) if price else currency.amount(value, field)
    key = (currency.code, value, price)
    found = _MONEY.get(key)
    if found is None:
        found = currency.price(value, field) if price else currency.amount(value, field)
        _remember(_MONEY, key, found)
    return found


def _quick_text(value: object, field: str) -> str:
    return value if type(value) is str and value.isascii() else string(value, field)


def _quick_line(value: object, currency: Currency) -> LineItem | None:
    if type(value) is not dict:
        return None
    # A line of text and flags only is remembered whole (a LineItem is immutable),
    # under its currency, its keys and its values in order. Only str and bool values
    # are remembered, and of a line's keys only "taxable" reads a bool (every other
    # refuses one), so the one value that can equal a remembered one without being
    # of its type is a 1 or a 0 given for taxable's true or false: checked on a hit.
    key = (currency.code, *value, *value.values())
    try:
        found = _LINES.get(key)
    except TypeError:  # a list or an object among the values: read below, not remembered
        found = None
    if found is not None and type(value.get("taxable", True)) is bool:
        return found
    if not value.keys() <= _QUICK_LINE_KEYS.keys():
        return None
    # Only a line of short text: the cache holds each key whole, and 4,096 long titles
    # would stay in memory for as long as the process runs.
    remember = all(
        type(item) is bool or (type(item) is str and len(item) <= _REMEMBERED_TEXT)
        for item in value.values()
    )
    get = value.get
    kind = get("kind", _CUSTOM)
    taxable = get("taxable", True)
    if type(kind) is not str or kind not in _KINDS or type(taxable) is not bool:
        return None
    line = plain_line(
        _KINDS[kind],
        _quick_text(get("title", ""), "title"),
        _quick_text(get("description", ""), "description"),
        _number(value["quantity"], "quantity") if "quantity" in value else _ONE,
        _money(currency, value["unit_price"], "unit_price", True)
        if "unit_price" in value
        else NO_PRICE,
        _money(currency, value["flat_fee"], "flat_fee", False)
        if "flat_fee" in value
        else NO_AMOUNT,
        _number(value["markup_percentage"], "markup_percentage")
        if "markup_percentage" in value
        else _ZERO,
        taxable,
    )
    return _remember(_LINES, key, line) if remember else line


def _quick_payment(value: object, currency: Currency) -> Payment | None:
    if (
        type(value) is not dict
        or not value.keys() <= _PAYMENT_KEYS.keys()
        or "date" not in value
        or "amount" not in value
    ):
        return None
    return Payment(
        _date(value["date"], "date"),
        _money(currency, value["amount"], "amount", False),
        _quick_text(value.get("note", ""), "note"),
    )


def _quick_sales(raw: dict[str, Any], fields: dict[str, Any]) -> tuple[Tax, ...]:
    sales = [fields.pop(key, None) for key in _SALES_TAX_KEYS]
    # Remembered by the text given (Decimal("5") == Decimal("5.0"), but the rates differ).
    given = tuple(raw.get(k) for k in _SALES_TAX_KEYS)
    key = given if all(type(item) in _TEXT_TYPES for item in given) else None
    if key is not None:
        found = _SALES.get(key)
        if found is not None:
            return found
    for name, rate in zip(_SALES_TAX_KEYS, sales[:2], strict=False):
        if rate is not None and rate < 0:
            raise InvalidValueError(name, raw[name], "must be at least 0")
    taxes = sales_taxes(sales[0], sales[1], False if sales[2] is None else sales[2])
    return taxes if key is None else _remember(_SALES, key, taxes)


#: The quick reader's parsers of the invoice's own keys (the full reader's, remembered).
_QUICK_PARSERS: dict[str, Parser] = {
    key: _date if parse is parse_date else _number if parse is exact_decimal else parse
    for key, parse in _INVOICE_KEYS.items()
}


def _quick_entry(raw: Any) -> Entry | None:
    """The invoice as :func:`invoice_from_dict` reads it, or None (see above)."""
    if (
        type(raw) is not dict
        or not raw.keys() <= _ALL_INVOICE_KEYS.keys()
        or "currency" not in raw
        or "invoice_date" not in raw
        or "due_date" not in raw
        or None in raw.values()
    ):
        return None
    code = raw["currency"]
    currency = _CURRENCIES.get(code) if type(code) is str else None
    if currency is None:
        currency = _remember(_CURRENCIES, code, Currency(string(code, "currency")))
    fields: dict[str, Any] = {"currency": currency}
    for key, item in raw.items():
        parse = _QUICK_PARSERS.get(key)
        if parse is not None:
            fields[key] = parse(item, key)
        elif key == "discount_amount":
            fields[key] = _money(currency, item, key, False)
        elif key == "cash_rounding":
            fields[key] = _cash_rounding(currency)(item, key)
    as_of = fields.pop("as_of", None)
    if "taxes" not in raw:
        fields["taxes"] = _quick_sales(raw, fields)
    elif any(key in raw for key in _SALES_TAX_KEYS):
        return None  # refused by the full reader
    else:
        fields["taxes"] = _items(raw, "taxes", _tax, _TAX_KEYS)
    if "policy" in raw:
        fields["policy"] = _policy(raw["policy"])
    lines = raw.get("lines", [])
    payments = raw.get("payments", [])
    if type(lines) is not list or type(payments) is not list:
        return None
    items = []
    parsers = None
    for item in lines:
        line = _quick_line(item, currency)
        if line is None:  # a line of another shape, read by the full reader's parsers
            parsers = parsers or _line_parsers(currency)
            line = _line(item, parsers)
        items.append(line)
    fields["lines"] = items
    paid = []
    for item in payments:
        payment = _quick_payment(item, currency)
        if payment is None:
            return None
        paid.append(payment)
    fields["payments"] = paid
    identifier = fields.pop("id", None)
    return Entry(Invoice(**fields), as_of, id=identifier)


def invoice_from_dict(value: object) -> Entry:
    """One invoice object (already parsed from JSON) as an :class:`Entry`."""
    try:
        entry = _quick_entry(value)
    except InvoiceCalcError:
        # The full reader reads it again, and names the error as it always does. Only
        # a refusal is handed over: anything else would be a bug of the quick reader's
        # (one such, a TypeError on "id", once sent every invoice with an id here).
        entry = None
    if entry is not None:
        return entry
    raw = known_object(value, _ALL_INVOICE_KEYS, required=("currency", "invoice_date", "due_date"))
    currency = Currency(string(raw["currency"], "currency"))
    fields = {
        key: _INVOICE_KEYS[key](item, key) for key, item in raw.items() if key not in _STRUCTURED
    }
    fields |= {
        key: money(currency)(raw[key], key) for key, money in _MONEY_KEYS.items() if key in raw
    }
    fields["currency"] = currency
    as_of = fields.pop("as_of", None)
    identifier = fields.pop("id", None)
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
    fields["lines"] = _items(raw, "lines", _line, _line_parsers(currency))
    payment_keys: dict[str, Parser] = {
        "date": parse_date,
        "amount": currency.amount,
        "note": string,
    }
    fields["payments"] = _items(raw, "payments", _payment, payment_keys)
    if "policy" in raw:
        fields["policy"] = _policy(raw["policy"])
    return Entry(Invoice(**fields), as_of, id=identifier)


def read(data: str | bytes) -> Document:
    """A neutral JSON document (one invoice object, or an array of them).

    An error inside an array names the invoice by its index: ``[3].lines[0].quantity``.
    """
    return document_of(parse_json(data), invoice_from_dict)


def totals_to_dict(totals: Totals, entry: Entry | None = None) -> dict[str, Any]:
    """The totals document for one invoice; amounts as exact decimal strings.

    Given the ``entry`` the totals are of, the document starts with its ``id``
    and its invoice's ``number`` (each ``null`` when the invoice has none), so
    results can be matched without relying on position. Every amount is
    signed as it enters the total: a withholding tax's amount is negative (its
    base positive), discounts are positive amounts taken off.
    ``home`` is there only when the invoice has a home currency.
    """
    if not isinstance(totals, Totals):
        raise InvalidTypeError("totals", totals, "must be a Totals")
    money = totals.currency.format
    result: dict[str, Any] = {}
    if entry is not None:
        result["id"] = entry.id
        result["number"] = entry.invoice.number
    result |= {
        "currency": totals.currency.code,
        "as_of": totals.as_of.isoformat(),
        "item_cost": money(totals.item_cost),
        "item_profit": money(totals.item_profit),
        "item_actual": money(totals.item_actual),
        "item_taxable": money(totals.item_taxable),
        "line_discount": money(totals.line_discount),
        "discount": money(totals.discount),
        "discount_percentage": f"{totals.discount_percentage:f}",
        "early_periods": totals.early_periods,
        "subtotal": money(totals.subtotal),
        "sales_tax": money(totals.sales_tax),
        "sales_tax_2": money(totals.sales_tax_2),
        "taxes": [
            {
                "name": tax.name,
                "rate": f"{tax.rate:f}",
                "compound": list(tax.compound) if isinstance(tax.compound, tuple) else tax.compound,
                "withholding": tax.withholding,
                "base": money(tax.base),
                "amount": money(tax.amount),
            }
            for tax in totals.taxes
        ],
        "tax_total": money(totals.tax_total),
        "cash_rounding": money(totals.cash_rounding),
        "total_before_fees": money(totals.total_before_fees),
        "late_fee": money(totals.late_fee),
        "total": money(totals.total),
        "payment_total": money(totals.payment_total),
        "balance": money(totals.balance),
        "has_been_paid": totals.has_been_paid,
        "total_quantity": f"{totals.total_quantity:f}",
        "lines": [
            {
                "cost": money(cost),
                "markup": money(markup),
                "actual": money(actual),
                "discount": money(discount),
                "net": money(net),
            }
            for cost, markup, actual, discount, net in totals.line_amounts
        ],
    }
    if totals.home is not None:
        home = totals.home
        local = home.currency.format
        result["home"] = {
            "currency": home.currency.code,
            "subtotal": local(home.subtotal),
            "taxes": [
                {"name": tax.name, "amount": local(amount)}
                for tax, amount in zip(totals.invoice_taxes, home.tax_amounts, strict=True)
            ],
            "tax_total": local(home.tax_total),
            "total": local(home.total),
            "balance": local(home.balance),
        }
    return result


_encode = json.encoder.encode_basestring  # what json.dumps(..., ensure_ascii=False) writes


#: Placeholders in the shapes below: where a value already written as JSON goes
#: (``%s``), and where text goes inside quotes (``"%s"``: amounts and dates).
_JSON, _TEXT = "\x01", "\x02"
_HEAD = {
    "currency": _JSON,
    "as_of": _TEXT,
    **dict.fromkeys(
        ("item_cost", "item_profit", "item_actual", "item_taxable", "line_discount", "discount"),
        _TEXT,
    ),
    "discount_percentage": _JSON,
    "early_periods": _JSON,
    **dict.fromkeys(("subtotal", "sales_tax", "sales_tax_2"), _TEXT),
    "taxes": _JSON,
    **dict.fromkeys(
        ("tax_total", "cash_rounding", "total_before_fees", "late_fee", "total"), _TEXT
    ),
    **dict.fromkeys(("payment_total", "balance"), _TEXT),
    **dict.fromkeys(("has_been_paid", "total_quantity", "lines"), _JSON),
}
_TAX = {
    **dict.fromkeys(("name", "rate", "compound", "withholding"), _JSON),
    **dict.fromkeys(("base", "amount"), _TEXT),
}
_LINE = dict.fromkeys(("cost", "markup", "actual", "discount", "net"), _TEXT)
_HOME = {
    "currency": _JSON,
    "subtotal": _TEXT,
    "taxes": _JSON,
    **dict.fromkeys(("tax_total", "total", "balance"), _TEXT),
}
_HOME_TAX = {"name": _JSON, "amount": _TEXT}


@attrs.frozen
class _Templates:
    """The totals document's text around its values, made from ``json.dumps`` itself
    with one ``indent`` and pair of ``separators``, so that filling them in writes what
    ``json.dumps(totals_to_dict(...))`` does. Each is at the depth it sits in the
    document (``depth`` levels in); an object's text leaves out its closing."""

    indent: int | None
    separators: tuple[str, str]
    head: str  # the totals object, up to its last member
    echoed: str  # the same, starting with its entry's id and number
    tax: str
    line: str
    home: str  # the member "home", with the separator before it
    home_tax: str
    close: str  # what closes the totals object

    @classmethod
    def of(cls, indent: int | None, separators: tuple[str, str]) -> _Templates:
        def text(shape: Mapping[str, object], depth: int = 0) -> str:
            written = json.dumps(shape, indent=indent, separators=separators)
            if indent is not None:
                written = written.replace("\n", "\n" + " " * (indent * depth))
            return written.replace('"\\u0001"', "%s").replace("\\u0002", "%s")

        close = "}" if indent is None else "\n}"
        whole = text({**_HEAD, "home": _HOME})
        head = text(_HEAD)[: -len(close)]
        return cls(
            indent=indent,
            separators=separators,
            head=head,
            echoed=text({"id": _JSON, "number": _JSON, **_HEAD})[: -len(close)],
            tax=text(_TAX, 2),
            line=text(_LINE, 2),
            home=whole[len(head) : -len(close)],
            home_tax=text(_HOME_TAX, 3),
            close=close,
        )

    def array(self, items: list[str], depth: int) -> str:
        """A JSON array of ``items`` (each already written at ``depth + 1``) at ``depth``."""
        if not items:
            return "[]"
        if self.indent is None:
            return "[" + self.separators[0].join(items) + "]"
        inner = "\n" + " " * (self.indent * (depth + 1))
        return "[" + inner + ("," + inner).join(items) + "\n" + " " * (self.indent * depth) + "]"


_LAYOUTS: dict[tuple[int | None, bool], _Templates] = {}


def _layout(indent: int | None, compact: bool) -> _Templates:
    """The templates of ``json.dumps(..., indent=indent)``, compact or with its default
    separators; made once each."""
    found = _LAYOUTS.get((indent, compact))
    if found is None:
        separators = (
            (",", ":") if compact else ((",", ": ") if indent is not None else (", ", ": "))
        )
        found = _LAYOUTS[(indent, compact)] = _Templates.of(indent, separators)
    return found


_BOOL = {True: "true", False: "false"}


_WRITERS: dict[int, Callable[[int], str]] = {}


def _writer(currency: Currency) -> Callable[[int], str]:
    """``currency.format`` without its locale branch, for the template writer."""
    found = _WRITERS.get(currency.exponent)
    if found is None:
        found = _WRITERS[currency.exponent] = _new_writer(currency)
    return found


def _new_writer(currency: Currency) -> Callable[[int], str]:
    if not currency.exponent:
        return str
    scale = 10**currency.exponent
    # Each possible minor part written once ("00" to "99" for cents): an f-string
    # joining two ready texts is quicker than "%d.%02d" % divmod(...), and // with %
    # quicker than divmod's tuple.
    minor_digits = [f"{part:0{currency.exponent}d}" for part in range(scale)]

    def write(minor: int) -> str:
        if minor < 0:
            minor = -minor
            return f"-{minor // scale}.{minor_digits[minor % scale]}"
        return f"{minor // scale}.{minor_digits[minor % scale]}"

    return write


def totals_json(
    totals: Totals,
    entry: Entry | None = None,
    *,
    compact: bool = False,
    indent: int | None = None,
) -> str:
    """``json.dumps(totals_to_dict(totals, entry), ensure_ascii=False, indent=indent)``,
    written from templates (the writer of :func:`preview` and the command line's
    ``--output json``; ``tests/test_document.py`` holds the two equal); with
    ``compact``, with ``separators=(",", ":")`` (the writer of ``--output jsonl``)."""
    t = _layout(indent, compact)
    money = _writer(totals.currency)
    amounts = totals.tax_amounts
    tax_total = sum(amounts)
    taxes = t.array(
        [
            t.tax
            % (
                _encode(tax.name),
                _encode(f"{tax.rate:f}"),
                t.array([_encode(name) for name in tax.compound], 3)
                if isinstance(tax.compound, tuple)
                else _BOOL[tax.compound],
                _BOOL[tax.withholding],
                money(base),
                money(amount),
            )
            for tax, amount, base in zip(
                totals.invoice_taxes, amounts, totals.tax_bases, strict=True
            )
        ],
        1,
    )
    # A line with no discount of its own (nearly all) writes its actual once, as its
    # net too (net = actual - discount), and the zero discount as it is.
    zero = money(0)
    rows = []
    for cost, markup, actual, discount, net in totals.line_amounts:
        shown = money(actual)
        rows.append(
            t.line
            % (
                money(cost),
                money(markup),
                shown,
                zero if not discount else money(discount),
                shown if not discount else money(net),
            )
        )
    values = (
        _encode(totals.currency.code),
        totals.as_of.isoformat(),
        money(totals.item_cost),
        money(totals.item_profit),
        money(totals.item_actual),
        money(totals.item_taxable),
        money(totals.line_discount),
        money(totals.discount),
        _encode(f"{totals.discount_percentage:f}"),
        totals.early_periods,
        money(totals.subtotal),
        money(amounts[0] if amounts else 0),
        money(amounts[1] if len(amounts) > 1 else 0),
        taxes,
        money(tax_total),
        money(totals.cash_rounding),
        money(totals.total - totals.late_fee),
        money(totals.late_fee),
        money(totals.total),
        money(totals.payment_total),
        money(totals.balance),
        _BOOL[totals.balance <= 0],
        _encode(f"{totals.total_quantity:f}"),
        t.array(rows, 1),
    )
    if entry is None:
        text = t.head % values
    else:  # the id and the number come first
        text = t.echoed % (_text(entry.id), _text(entry.invoice.number), *values)
    home = totals.home
    if home is not None:
        local = _writer(home.currency)
        text += t.home % (
            _encode(home.currency.code),
            local(home.subtotal),
            t.array(
                [
                    t.home_tax % (_encode(tax.name), local(amount))
                    for tax, amount in zip(totals.invoice_taxes, home.tax_amounts, strict=True)
                ],
                2,
            ),
            local(home.tax_total),
            local(home.total),
            local(home.balance),
        )
    return text + t.close


def _text(value: str | None) -> str:
    """``value`` as ``json.dumps`` writes it: a string, or ``null``."""
    if type(value) is str:
        return _encode(value)
    if value is None:  # most invoices have no id or number: not a json.dumps call each
        return "null"
    return json.dumps(value, ensure_ascii=False)


def calculate_document(document: Document, *, as_of: dt.date | None = None) -> list[Totals]:
    """Every invoice's totals; ``as_of`` wins over each entry's own ``as_of``.

    An entry with no ``as_of`` of its own needs one from the caller.
    """
    if not isinstance(document, Document):
        raise InvalidTypeError("document", document, "must be a Document (see read)")
    results = []
    for index, entry in enumerate(document.entries):
        when = as_of or entry.as_of
        if when is None:
            field = f"[{index}].as_of" if document.array else "as_of"
            raise InvalidValueError(field, None, "is needed: give one in the document or the call")
        results.append(calculate(entry.invoice, as_of=when))
    return results


def dumps(
    totals: Sequence[Totals],
    *,
    array: bool = False,
    indent: int | None = None,
    entries: Sequence[Entry] | None = None,
) -> str:
    """The totals document as JSON text: one object, or an array when ``array``.

    With ``entries`` (the entries the totals are of, in the same order) each
    object echoes its entry's ``id`` and ``number``.
    """
    if not isinstance(totals, Sequence) or isinstance(totals, str):
        raise InvalidTypeError("totals", totals, "must be a list of Totals")
    for index, item in enumerate(totals):
        if not isinstance(item, Totals):
            raise InvalidTypeError(f"totals[{index}]", item, "must be a Totals")
    if not array and len(totals) != 1:
        raise InvalidValueError("totals", len(totals), "one object needs exactly one invoice")
    if entries is not None and len(entries) != len(totals):
        raise InvalidValueError("entries", len(entries), "must be one per totals")
    echoed: Sequence[Entry | None] = [None] * len(totals) if entries is None else entries
    texts = [totals_json(t, e, indent=indent) for t, e in zip(totals, echoed, strict=True)]
    if not array:
        return texts[0]
    if indent is None:
        return "[" + ", ".join(texts) + "]"
    if not texts:
        return "[]"
    pad = "\n" + " " * indent  # each object one level in, as json.dumps writes an array
    return "[" + pad + ("," + pad).join(text.replace("\n", pad) for text in texts) + "\n]"


@contextmanager
def paused_gc() -> Iterator[None]:
    """The cyclic garbage collector paused for a batch (and resumed if it was running):
    reading builds many small objects and no cycles, so its passes find nothing."""
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()


def preview(data: str | bytes, *, as_of: dt.date | None = None) -> str:
    """Neutral JSON text in, totals JSON text out: the document ``invoicecalc preview
    --output json`` prints, on one line with ``json.dumps``' default separators (the
    command indents it by two spaces)."""
    with paused_gc():
        return _preview(data, as_of)


def _preview(data: str | bytes, as_of: dt.date | None) -> str:
    # Its own frame, so that the invoices are freed as it returns, before the collector
    # resumes (which would otherwise walk every one of them once).
    document = read(data)
    return dumps(
        calculate_document(document, as_of=as_of), array=document.array, entries=document.entries
    )
