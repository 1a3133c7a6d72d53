"""Writing Kashoo invoice records: amounts as integer minor units, rates as exact JSON numbers."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from json.encoder import encode_basestring_ascii
from typing import Any

import attrs
from babel import UnknownLocaleError
from babel.numbers import format_currency

from ..._calculate import Totals, calculate
from ..._documents import Entry
from ..._model import HomeCurrency, Invoice, LineItem, Payment, Tax
from ..._money import EXACT, Currency, Rounding, exact_decimal, round_div
from ...errors import InvalidTypeError, InvalidValueError, InvoiceCalcError
from ._schema import (
    INVOICE,
    INVOICE_TYPE,
    LINE,
    PAYMENT,
    PAYMENT_TYPE,
    TAX,
    TAX_AMOUNT,
    Keys,
    keys_in_order,
)
from ._shape import shape, tax_code

__all__ = ["Exchange", "invoice_record", "write"]


@attrs.frozen
class Exchange:
    """A home currency and the rate to it: ``rate`` home units per one invoice-currency unit.

    Gives a record its ``homeCurrency``, ``exchangeRate`` and ``totalLocalDue``.

    >>> Exchange.parse("CAD", "1.3512").convert(10825, Currency("USD"))
    14627
    """

    home: Currency
    rate: Decimal

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.home, Currency):
            raise InvalidTypeError("home_currency", self.home, "must be a Currency")
        rate = exact_decimal(self.rate, "exchange_rate")
        if rate <= 0:
            raise InvalidValueError("exchange_rate", self.rate, "must be positive")
        object.__setattr__(self, "rate", rate)

    @classmethod
    def parse(cls, home_currency: str, exchange_rate: object) -> Exchange:
        """From a code and a decimal rate; errors name ``home_currency`` or ``exchange_rate``."""
        try:
            home = Currency(home_currency)
        except InvoiceCalcError as exc:
            raise InvalidValueError("home_currency", home_currency, exc.problem) from None
        return cls(home, exact_decimal(exchange_rate, "exchange_rate"))

    def convert(self, minor: int, currency: Currency) -> int:
        """``minor`` units of ``currency`` in minor units of the home currency, rounded half up.

        Half up (away from zero) is the engine's default mode and symmetric in sign.
        """
        num, den = self.rate.as_integer_ratio()
        return round_div(
            minor * num * 10**self.home.exponent, den * 10**currency.exponent, Rounding.HALF_UP
        )


def _ordered(keys: Keys, values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` (by attribute name) under the schema's keys, in its order; ``None`` left out."""
    pairs = keys_in_order(keys)
    unknown = set(values) - {name for name, _ in pairs}
    assert not unknown, f"not in the schema: {unknown}"
    return {key: values[name] for name, key in pairs if values.get(name) is not None}


def _major(minor: Decimal, currency: Currency) -> Decimal:
    return minor.scaleb(-currency.exponent, EXACT)


def _formatted(minor: int, currency: Currency, locale: str) -> str:
    try:
        text: str = format_currency(currency.to_decimal(minor), currency.code, locale=locale)
    except (UnknownLocaleError, ValueError, TypeError):
        raise InvalidValueError("locale", locale, "is not a locale babel knows") from None
    return text


def _line(
    line: LineItem, actual: int, names: tuple[str, ...], currency: Currency
) -> dict[str, Any]:
    if not line.taxable:
        carried: tuple[str, ...] = ()
    else:
        carried = tuple(line.taxes or names)
    return _ordered(
        LINE,
        {
            "name": line.title,
            "description": line.description,
            "kind": line.kind.value,
            "quantity": line.quantity,
            "quantity_low": line.quantity_low,
            "quantity_high": line.quantity_high,
            "rate": _major(line.unit_price, currency),
            "amount": actual,
            "tax_code": tax_code(carried, names),
        },
    )


def _payment(payment: Payment, currency: Currency) -> dict[str, Any]:
    return _ordered(
        PAYMENT,
        {
            "memo": payment.note or None,
            "currency": currency.code,
            "date": payment.date.isoformat(),
            "amount": payment.amount,
            "type": PAYMENT_TYPE,
        },
    )


def _tax(tax: Tax) -> dict[str, Any]:
    """A tax entry; a withholding tax is a tax of the negated rate (half up is symmetric)."""
    compound = list(tax.compound) if isinstance(tax.compound, tuple) else tax.compound
    rate = -tax.rate if tax.withholding else tax.rate
    return _ordered(TAX, {"name": tax.name, "rate": rate, "compound": compound})


def _home(shaped: Invoice, exchange: Exchange | None) -> Exchange | None:
    """The invoice's own home currency, or else the one given to the writer; not two."""
    home = shaped.home_currency
    if home is None:
        return exchange
    own = Exchange(home.currency, home.rate)
    if exchange is not None and exchange != own:
        raise InvalidValueError(
            "exchange_rate",
            exchange.rate,
            f"the invoice has its own home currency ({home.currency.code} at {home.rate:f})",
        )
    return own


def _local_due(shaped: Invoice, totals: Totals, exchange: Exchange) -> int:
    """``totalLocalDue`` by ``exchange``: read back, the record is an invoice in that home
    currency, so every amount the engine converts must stay inside its bound (and so
    inside Kashoo's ``int64``); else the rate is refused."""
    home = HomeCurrency(exchange.home, exchange.rate)
    try:
        converted = calculate(attrs.evolve(shaped, home_currency=home), as_of=totals.as_of)
    except InvoiceCalcError as exc:
        raise InvalidValueError(
            "exchange_rate", exchange.rate, f"cannot give the record's totalLocalDue: {exc}"
        ) from None
    assert converted.home is not None
    return converted.home.total


def _record(shaped: Invoice, totals: Totals, locale: str, given: Exchange | None) -> dict[str, Any]:
    currency = shaped.currency
    names = tuple(tax.name for tax in shaped.taxes)
    exchange = _home(shaped, given)
    local = None
    if totals.home is not None:
        local = totals.home.total
    elif exchange is not None:
        local = _local_due(shaped, totals, exchange)
    return _ordered(
        INVOICE,
        {
            "memo": shaped.notes or None,
            "exchange_rate": exchange.rate if exchange else None,
            "currency": currency.code,
            "date": shaped.invoice_date.isoformat(),
            "number": shaped.number,
            "home_currency": exchange.home.code if exchange else None,
            "terms": shaped.terms,
            "due_date": shaped.due_date.isoformat(),
            "po_number": shaped.po_number,
            "taxes": [_tax(tax) for tax in shaped.taxes],
            "total_due": totals.total,
            "balance_due": totals.balance,
            "paid": totals.has_been_paid,
            "balance_due_formatted": _formatted(totals.balance, currency, locale),
            "total_due_formatted": _formatted(totals.total, currency, locale),
            "total_before_taxes": totals.subtotal,
            "tax_amounts": [
                _ordered(TAX_AMOUNT, {"name": tax.name, "amount": tax.amount})
                for tax in totals.taxes
            ],
            "total_local_due": local,
            "type": INVOICE_TYPE,
            "total_paid": totals.payment_total,
            "lines": [
                _line(line, line_totals.actual, names, currency)
                for line, line_totals in zip(shaped.lines, totals.lines, strict=True)
            ],
            "payments": [_payment(payment, currency) for payment in shaped.payments],
        },
    )


def _check_exchange(exchange: Exchange | None, invoices: Sequence[Invoice]) -> None:
    """One rate converts one currency; to the invoices' own currency the rate is 1."""
    if exchange is None:
        return
    codes = sorted({invoice.currency.code for invoice in invoices})
    if len(codes) > 1:
        problem = f"one rate cannot convert {' and '.join(codes)}"
        raise InvalidValueError("exchange_rate", exchange.rate, problem)
    if codes == [exchange.home.code] and exchange.rate != 1:
        problem = f"must be 1 when the home currency is the invoice's ({exchange.home.code})"
        raise InvalidValueError("exchange_rate", exchange.rate, problem)


def invoice_record(
    invoice: Invoice,
    *,
    as_of: dt.date,
    locale: str = "en_US",
    exchange: Exchange | None = None,
) -> dict[str, Any]:
    """The Kashoo invoice record of ``invoice`` as it stands on ``as_of``.

    Amounts are ``int`` minor units; rates and quantities exact ``Decimal``
    (written as JSON numbers). ``*Formatted`` amounts are formatted with babel
    for ``locale``. With an ``exchange``, the record also states the home
    currency, the rate and ``totalLocalDue``. What Kashoo cannot carry exactly
    is refused (see :func:`canonical`). Every amount fits Kashoo's ``int64``: the
    engine bounds amounts below 10**18 minor units. An invoice's own
    ``home_currency`` gives the home-currency fields; an ``exchange`` beside a
    different one is refused.
    """
    _check_exchange(exchange, [invoice])
    return _record(*shape(invoice, as_of), locale, exchange)


# -- JSON text: json.dumps cannot write a Decimal as a number ----------------


def _number(value: Decimal) -> str:
    """A JSON number with every digit of ``value``; a negative zero is written ``0``."""
    return format(value if value else abs(value), "f")


def _encode(value: object, indent: str) -> str:
    if isinstance(value, (bool, type(None))):
        return json.dumps(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return _number(value)
    if isinstance(value, str):
        return encode_basestring_ascii(value)
    inner = indent + "  "
    if isinstance(value, dict):
        items = [
            f"{inner}{encode_basestring_ascii(key)}: {_encode(item, inner)}"
            for key, item in value.items()
        ]
        return "{\n" + ",\n".join(items) + f"\n{indent}}}" if items else "{}"
    if isinstance(value, list):
        items = [inner + _encode(item, inner) for item in value]
        return "[\n" + ",\n".join(items) + f"\n{indent}]" if items else "[]"
    raise InvalidTypeError("", value, "cannot be written as JSON")  # pragma: no cover


def write(
    results: Sequence[tuple[Entry, Totals]],
    *,
    array: bool = False,
    locale: str = "en_US",
    exchange: Exchange | None = None,
) -> str:
    """JSON text of the records of ``(Entry, Totals)`` results: one object, or an array.

    Each record is the entry's invoice as it stands on ``totals.as_of``; its
    amounts are computed for the Kashoo shape (:func:`canonical`), which keeps
    every total the engine's.
    Deterministic (same input, same bytes) and ASCII only. One ``exchange``
    converts invoices of one currency; an error names the invoice's index
    when ``array``.
    """
    if not array and len(results) != 1:
        raise InvalidValueError("invoices", len(results), "one object needs exactly one invoice")
    _check_exchange(exchange, [entry.invoice for entry, _ in results])
    records = []
    for index, (entry, totals) in enumerate(results):
        try:
            records.append(
                invoice_record(entry.invoice, as_of=totals.as_of, locale=locale, exchange=exchange)
            )
        except InvoiceCalcError as exc:
            raise exc.within(f"[{index}]") if array else exc from None
    return _encode(records if array else records[0], "")
