"""Reading Kashoo invoice records into invoices, with the totals they state.

Numbers go through :func:`invoicecalc.document.parse_json` (exact decimals,
duplicate keys refused). An amount must be a JSON integer within ``int64``;
a rate or quantity a JSON number. Record fields Kashoo documents that change
no total are accepted and left out; any other key is refused, and so is a
field that would change a total silently (a removed record, a payment taken
with the invoice, a payment split across invoices).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from decimal import Decimal
from functools import cache
from typing import Any

from ..._documents import Document, Entry, document_of
from ..._model import Invoice, LineItem, LineKind, Payment, Tax
from ..._money import Amount, Currency, Price, exact_decimal
from ..._parse import array, flag, parse_date, parse_json, string
from ...errors import (
    InvalidTypeError,
    InvalidValueError,
    InvoiceCalcError,
    UnsupportedError,
)
from ._schema import (
    INT64_MAX,
    INT64_MIN,
    INVOICE,
    INVOICE_IGNORED,
    INVOICE_TYPE,
    LINE,
    LINE_IGNORED,
    PAYMENT,
    PAYMENT_IGNORED,
    PAYMENT_TYPE,
    TAX,
    TAX_AMOUNT,
    TAX_IGNORED,
    Keys,
    keys_in_order,
)
from ._shape import line_taxes

__all__ = ["entry_from_record", "read"]


# -- values -------------------------------------------------------------------


def _amount(value: object, field: str) -> int:
    """A Kashoo amount: a JSON integer of minor units within ``int64``."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise InvalidTypeError(field, value, "must be an integer amount in minor units")
    if isinstance(value, Decimal):
        raise InvalidTypeError(
            field, value, "must be an integer amount in minor units, not a fraction or exponent"
        )
    if not INT64_MIN <= value <= INT64_MAX:
        raise InvalidValueError(field, value, "is outside Kashoo's signed 64-bit range")
    return value


def _number(value: object, field: str) -> Decimal:
    """A rate or quantity: a JSON number, read exactly."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise InvalidTypeError(field, value, "must be a JSON number")
    return exact_decimal(value, field)


@cache
def _names_by_key(keys: Keys) -> dict[str, str]:
    return {key: name for name, key in keys_in_order(keys)}


def _object(value: object, path: str, keys: Keys, ignored: Collection[str]) -> dict[str, Any]:
    """The object's fields by schema attribute name; ``null`` counts as absent.

    Keys that are neither in the schema nor ``ignored`` are refused.
    """
    if not isinstance(value, dict):
        raise InvalidTypeError(path, value, "must be a JSON object")
    names = _names_by_key(keys)
    fields = {}
    for key, item in value.items():
        if key in names:
            if item is not None:
                fields[names[key]] = item
        elif key not in ignored:
            where = f"{path}.{key}" if path else key
            raise InvalidValueError(where, key, "is not a Kashoo record field invoicecalc knows")
    return fields


def _currency(code: object, field: str) -> Currency:
    text = string(code, field)
    try:
        return Currency(text)
    except InvoiceCalcError as exc:
        raise InvalidValueError(field, code, exc.problem) from None


def _at(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _required(fields: dict[str, Any], name: str, path: str, keys: object) -> Any:
    if name not in fields:
        raise InvalidValueError(_at(path, getattr(keys, name)), None, "is required")
    return fields[name]


def _record_type(fields: dict[str, Any], path: str, key: str, expected: str) -> None:
    """The record type (written under ``key``) must be ``expected``."""
    found = fields.get("type")
    if found != expected:
        raise InvalidValueError(_at(path, key), found, f"must be {expected!r}")


def _refuse_if(condition: bool, field: str, value: object, problem: str) -> None:
    if condition:
        raise UnsupportedError(field, problem, value)


def _build(factory: Callable[..., Any], path: str, /, *args: Any, **kwargs: Any) -> Any:
    try:
        return factory(*args, **kwargs)
    except InvoiceCalcError as exc:
        raise exc.within(path) if path else exc from None


# -- the parts of a record -----------------------------------------------------


def _taxes(value: object) -> tuple[Tax, ...]:
    taxes = []
    seen: set[str] = set()
    for index, item in enumerate(array(value, INVOICE.taxes)):
        path = f"{INVOICE.taxes}[{index}]"
        fields = _object(item, path, TAX, TAX_IGNORED)
        name = string(_required(fields, "name", path, TAX), _at(path, TAX.name))
        if name in seen:
            raise InvalidValueError(_at(path, TAX.name), name, "is defined twice")
        seen.add(name)
        rate = _number(_required(fields, "rate", path, TAX), _at(path, TAX.rate))
        compound = flag(fields.get("compound", False), _at(path, TAX.compound))
        taxes.append(_build(Tax, path, name, rate, compound))
    return tuple(taxes)


def _line(value: object, index: int, currency: Currency, names: tuple[str, ...]) -> LineItem:
    path = f"{INVOICE.lines}[{index}]"
    fields = _object(value, path, LINE, LINE_IGNORED)
    kind = string(fields.get("kind", LineKind.CUSTOM.value), _at(path, LINE.kind))
    if kind not in {member.value for member in LineKind}:
        raise InvalidValueError(_at(path, LINE.kind), kind, "must be custom, task or product")
    numbers = {
        name: _number(fields[name], _at(path, getattr(LINE, name)))
        for name in ("quantity", "quantity_low", "quantity_high")
        if name in fields
    }
    amount = _amount(fields["amount"], _at(path, LINE.amount)) if "amount" in fields else None
    if "rate" in fields:
        unit_price = currency.price(
            _number(fields["rate"], _at(path, LINE.rate)), _at(path, LINE.rate)
        )
    elif amount is not None and numbers.get("quantity", 1) == 1:
        unit_price = Price(amount, currency.code)  # a line stated by its amount alone
    else:
        raise InvalidValueError(_at(path, LINE.rate), None, "is required (or an amount alone)")
    listed = [
        string(name, f"{_at(path, LINE.taxes)}[{i}]")
        for i, name in enumerate(array(fields.get("taxes", []), _at(path, LINE.taxes)))
    ]
    for name in listed:
        if name not in names:
            raise InvalidValueError(
                _at(path, LINE.taxes), name, "is not a tax this invoice defines"
            )
    if len(set(listed)) != len(listed):
        raise InvalidValueError(_at(path, LINE.taxes), listed, "names a tax twice")
    taxable, taxes = line_taxes(listed, names)
    return _build(  # type: ignore[no-any-return]
        LineItem,
        path,
        kind=LineKind(kind),
        title=string(fields.get("name", ""), _at(path, LINE.name)),
        description=string(fields.get("description", ""), _at(path, LINE.description)),
        unit_price=unit_price,
        taxable=taxable,
        taxes=taxes,
        **numbers,
    )


def _payment(value: object, index: int, currency: Currency) -> Payment:
    path = f"{INVOICE.payments}[{index}]"
    fields = _object(value, path, PAYMENT, PAYMENT_IGNORED)
    _record_type(fields, path, PAYMENT.type, PAYMENT_TYPE)
    code = fields.get("currency", currency.code)
    if code != currency.code:
        raise InvalidValueError(
            _at(path, PAYMENT.currency), code, f"must be the invoice's currency ({currency.code})"
        )
    removed = flag(fields.get("removed", False), _at(path, PAYMENT.removed))
    _refuse_if(removed, _at(path, PAYMENT.removed), True, "a removed payment does not pay")
    unallocated = _amount(
        fields.get("unallocated_amount", 0), _at(path, PAYMENT.unallocated_amount)
    )
    _refuse_if(
        unallocated != 0,
        _at(path, PAYMENT.unallocated_amount),
        unallocated,
        "part of this payment pays no invoice; only a payment wholly for this invoice is read",
    )
    allocations = array(fields.get("allocations", []), _at(path, PAYMENT.allocations))
    _refuse_if(
        bool(allocations),
        _at(path, PAYMENT.allocations),
        len(allocations),
        "a payment nested under its invoice pays that invoice in full; split allocations "
        "are not read",
    )
    date = parse_date(_required(fields, "date", path, PAYMENT), _at(path, PAYMENT.date))
    amount = _amount(_required(fields, "amount", path, PAYMENT), _at(path, PAYMENT.amount))
    note = string(fields.get("memo", ""), _at(path, PAYMENT.memo))
    return _build(Payment, path, date, Amount(amount, currency.code), note)  # type: ignore[no-any-return]


def _stated(fields: dict[str, Any], taxes: tuple[Tax, ...]) -> tuple[tuple[str, object], ...]:
    """The totals the record states, under the names of :class:`~invoicecalc.Totals`."""
    stated: list[tuple[str, object]] = []
    if "total_before_taxes" in fields:
        # A Kashoo invoice is lines and taxes only: its items are its total before taxes.
        stated.append(
            ("item_actual", _amount(fields["total_before_taxes"], INVOICE.total_before_taxes))
        )
    if "tax_amounts" in fields:
        positions = {tax.name: position for position, tax in enumerate(taxes)}
        amounts: dict[int, int] = {}
        for index, item in enumerate(array(fields["tax_amounts"], INVOICE.tax_amounts)):
            path = f"{INVOICE.tax_amounts}[{index}]"
            entry = _object(item, path, TAX_AMOUNT, TAX_IGNORED)
            name = string(_required(entry, "name", path, TAX_AMOUNT), _at(path, TAX_AMOUNT.name))
            if name not in positions:
                raise InvalidValueError(
                    _at(path, TAX_AMOUNT.name), name, "is not a tax this invoice defines"
                )
            if positions[name] in amounts:
                raise InvalidValueError(_at(path, TAX_AMOUNT.name), name, "is stated twice")
            amount = _required(entry, "amount", path, TAX_AMOUNT)
            amounts[positions[name]] = _amount(amount, _at(path, TAX_AMOUNT.amount))
        for position, total_name in enumerate(("sales_tax", "sales_tax_2")):
            if position in amounts:
                stated.append((total_name, amounts[position]))
        if len(amounts) == len(taxes):
            stated.append(("tax_total", sum(amounts.values())))
    for name, total_name in (
        ("total_due", "total"),
        ("total_paid", "payment_total"),
        ("balance_due", "balance"),
    ):
        if name in fields:
            stated.append((total_name, _amount(fields[name], getattr(INVOICE, name))))
    if "paid" in fields:
        stated.append(("has_been_paid", flag(fields["paid"], INVOICE.paid)))
    return tuple(stated)


def _check_home_currency(fields: dict[str, Any]) -> None:
    """Home-currency fields change no invoice total; they must still be well formed."""
    if "exchange_rate" in fields:
        rate = _number(fields["exchange_rate"], INVOICE.exchange_rate)
        if rate <= 0:
            raise InvalidValueError(INVOICE.exchange_rate, rate, "must be positive")
    if "home_currency" in fields:
        _currency(fields["home_currency"], INVOICE.home_currency)
    if "total_local_due" in fields:
        _amount(fields["total_local_due"], INVOICE.total_local_due)
    for name in ("balance_due_formatted", "total_due_formatted"):
        if name in fields:
            string(fields[name], getattr(INVOICE, name))


def entry_from_record(value: object) -> Entry:
    """One Kashoo invoice record (already parsed from JSON) as an :class:`Entry`."""
    fields = _object(value, "", INVOICE, INVOICE_IGNORED)
    _record_type(fields, "", INVOICE.type, INVOICE_TYPE)
    removed = flag(fields.get("removed", False), INVOICE.removed)
    _refuse_if(removed, INVOICE.removed, True, "a removed invoice is not read")
    paid_invoice = flag(fields.get("paid_invoice", False), INVOICE.paid_invoice)
    _refuse_if(
        paid_invoice,
        INVOICE.paid_invoice,
        True,
        "an invoice paid on the spot carries a payment with no payment record",
    )
    immediately = _amount(fields.get("total_paid_immediately", 0), INVOICE.total_paid_immediately)
    _refuse_if(
        immediately != 0,
        INVOICE.total_paid_immediately,
        immediately,
        "a payment taken with the invoice has no payment record (no date) to read",
    )
    currency = _currency(_required(fields, "currency", "", INVOICE), INVOICE.currency)
    taxes = _taxes(fields.get("taxes", []))
    names = tuple(tax.name for tax in taxes)
    lines = tuple(
        _line(line, index, currency, names)
        for index, line in enumerate(array(fields.get("lines", []), INVOICE.lines))
    )
    payments = tuple(
        _payment(payment, index, currency)
        for index, payment in enumerate(array(fields.get("payments", []), INVOICE.payments))
    )
    _check_home_currency(fields)
    optional = {
        name: string(fields[name], getattr(INVOICE, name))
        for name in ("number", "po_number", "terms")
        if name in fields
    }
    invoice = _build(
        Invoice,
        "",
        currency,
        parse_date(_required(fields, "date", "", INVOICE), INVOICE.date),
        parse_date(_required(fields, "due_date", "", INVOICE), INVOICE.due_date),
        lines=lines,
        taxes=taxes,
        payments=payments,
        notes=string(fields.get("memo", ""), INVOICE.memo),
        **optional,
    )
    return Entry(invoice, None, _stated(fields, taxes))


# -- documents -----------------------------------------------------------------


def read(data: str | bytes) -> Document:
    """Kashoo JSON: one invoice record, or an array of them (errors then name ``[index]``)."""
    return document_of(parse_json(data), entry_from_record)
