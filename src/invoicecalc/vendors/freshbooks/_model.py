"""A FreshBooks 2.1 invoice as the text its XML holds, and how it reads as the engine's.

:class:`FbInvoice` and :class:`FbLine` hold each element's text, so the XML
layer stays a plain mapping; :func:`to_entry` is the one reading of that
text as an :class:`~invoicecalc.Invoice` (the writer reads its own output
back through it too).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from ..._documents import Entry
from ..._model import Invoice, LineItem, LineKind, Payment, Policy, Tax
from ..._money import Amount, Currency, exact_decimal
from ..._parse import parse_day
from ...errors import InvalidValueError, InvoiceCalcError, UnsupportedError
from ._taxes import Slots, taxes_from_slots

__all__ = ["POLICY", "FbInvoice", "FbLine", "known_as", "to_entry"]

#: How FreshBooks does its arithmetic (see docs/vendors.md, "FreshBooks").
POLICY = Policy()

_KINDS = {"Item": LineKind.CUSTOM, "Time": LineKind.TASK}


@attrs.frozen
class FbLine:
    """One ``<line>``: each field the element's text (``None`` when absent)."""

    amount: str | None = None
    name: str | None = None
    description: str | None = None
    unit_cost: str | None = None
    quantity: str | None = None
    tax1_name: str | None = None
    tax2_name: str | None = None
    tax1_percent: str | None = None
    tax2_percent: str | None = None
    type: str | None = None


@attrs.frozen
class FbInvoice:
    """One ``<invoice>`` (or ``<estimate>``, ``<recurring>``): the fields invoicecalc reads
    or writes."""

    invoice_id: str | None = None
    client_id: str | None = None
    number: str | None = None
    amount: str | None = None
    amount_outstanding: str | None = None
    paid: str | None = None
    status: str | None = None
    date: str | None = None
    po_number: str | None = None
    discount: str | None = None
    notes: str | None = None
    terms: str | None = None
    currency_code: str | None = None
    # A recurring profile's: how often, how many invoices (0: until stopped), stopped.
    frequency: str | None = None
    occurrences: str | None = None
    stopped: str | None = None
    lines: tuple[FbLine, ...] = ()


# -- reading -------------------------------------------------------------------


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def known_as(doc: FbInvoice) -> tuple[str | None, str | None]:
    """The id and number the invoice's entry carries (also a refused invoice's)."""
    return (None if _blank(doc.invoice_id) else doc.invoice_id), doc.number


def _build(factory: Callable[..., Any], fields: dict[str, Any], prefix: str) -> Any:
    try:
        return factory(**fields)
    except InvoiceCalcError as exc:
        raise (exc.within(prefix) if prefix else exc) from None


def _slot(
    line: FbLine, number: int, prefix: str, account: Mapping[str, Tax]
) -> tuple[str, Decimal] | None:
    name = getattr(line, f"tax{number}_name")
    percent = getattr(line, f"tax{number}_percent")
    field = f"{prefix}tax{number}_percent"
    rate = None if _blank(percent) else exact_decimal(percent, field)
    if _blank(name):
        if rate:
            raise UnsupportedError(f"{prefix}tax{number}_name", "is missing: a tax needs a name")
        return None
    if rate is None:
        if name in account:
            return name, account[name].rate  # FreshBooks takes the account's rate
        raise UnsupportedError(
            field,
            f"is missing: FreshBooks would take {name}'s rate from the account's taxes, "
            "and no tax list given names it",
        )
    if rate < 0:
        raise InvalidValueError(field, percent, "must be at least 0")
    return name, rate


def _slots(line: FbLine, index: int, account: Mapping[str, Tax] | None) -> Slots:
    prefix = f"lines[{index}]."
    known = account or {}
    slots = Slots(_slot(line, 1, prefix, known), _slot(line, 2, prefix, known))
    if slots.tax1 is not None and slots.tax2 is not None and slots.tax2[0] not in known:
        first, second = slots.tax1[0], slots.tax2[0]
        where = "no tax list was given" if account is None else "the tax list does not name it"
        raise UnsupportedError(
            prefix + "tax2_name",
            f"is a second tax, and nothing says whether the second compounds (FreshBooks "
            f"charges it on {first} too when the account's {second} is compound): {where}; "
            "give the account's tax.list response beside the invoice",
            second,
        )
    return slots


def _line(
    line: FbLine, index: int, currency: Currency, names: tuple[str, ...], taxed: bool
) -> LineItem:
    prefix = f"lines[{index}]."
    kind = (line.type or "").strip() or "Item"
    if kind not in _KINDS:
        raise InvalidValueError(prefix + "type", line.type, "must be Item or Time")
    fields = {
        "kind": _KINDS[kind],
        "title": line.name or "",
        "description": line.description or "",
        "quantity": Decimal(0),  # FreshBooks' default
        "taxable": bool(names) or not taxed,
        "taxes": names,
    }
    if not _blank(line.quantity):
        fields["quantity"] = exact_decimal(line.quantity, prefix + "quantity")
    if not _blank(line.unit_cost):
        fields["unit_price"] = currency.price(line.unit_cost, prefix + "unit_cost")
    item: LineItem = _build(LineItem, fields, prefix.rstrip("."))
    return item


def _amount(currency: Currency, text: str | None, field: str) -> int | None:
    """A stated amount as plain ``int`` minor units, as every other reader states them."""
    return None if _blank(text) else int(currency.amount(text, field))


def to_entry(
    doc: FbInvoice,
    base_currency: str,
    account: Mapping[str, Tax] | None = None,
    *,
    only_base: bool = False,
) -> Entry:
    """The invoice ``doc`` describes, with the totals it states.

    ``account`` is the account's taxes by name (``None``: no tax list was
    given): whether a second tax compounds is the account's tax's, and a line
    with two taxes needs it. ``paid`` (or, without it, ``amount -
    amount_outstanding``, refused when it has the other sign than ``amount``)
    becomes one payment dated the invoice date; the due
    date is the invoice date; empty ``terms`` are none. With ``only_base``
    a ``currency_code`` other than ``base_currency`` is refused.
    """
    code = base_currency if _blank(doc.currency_code) else (doc.currency_code or "").strip()
    try:
        currency = Currency(code)
    except InvoiceCalcError as exc:
        raise InvalidValueError("currency_code", code, exc.problem) from None
    if only_base and code != base_currency:
        raise InvalidValueError(
            "currency_code", code, f"differs from the currency given, {base_currency}"
        )
    if doc.date is None or _blank(doc.date):
        raise InvalidValueError(
            "date",
            doc.date,
            "is required: FreshBooks would use today, and invoicecalc reads no clock",
        )
    date = parse_day(doc.date.strip(), "date")
    slots = [_slots(line, i, account) for i, line in enumerate(doc.lines)]
    compound = {name for name, tax in (account or {}).items() if tax.compound}
    taxes, names = taxes_from_slots(slots, compound)
    lines = tuple(
        _line(line, i, currency, names[i], bool(taxes)) for i, line in enumerate(doc.lines)
    )
    total = _amount(currency, doc.amount, "amount")
    balance = _amount(currency, doc.amount_outstanding, "amount_outstanding")
    paid = _amount(currency, doc.paid, "paid")
    received = paid
    if received is None and total is not None and balance is not None:
        received = total - balance
        if received * total < 0:  # money moving against the invoice: a guess, not a payment
            raise InvalidValueError(
                "amount_outstanding",
                doc.amount_outstanding,
                f"leaves a payment of the other sign than amount ({doc.amount}), "
                "and no paid says so",
            )
    stated = [
        *(
            (f"lines[{i}].actual", _amount(currency, line.amount, f"lines[{i}].amount"))
            for i, line in enumerate(doc.lines)
        ),
        ("total", total),
        ("payment_total", paid),
        ("balance", balance),
    ]
    fields = {
        "currency": currency,
        "invoice_date": date,
        "due_date": date,
        "lines": lines,
        "taxes": taxes,
        "discount_percentage": Decimal(0),
        "payments": (Payment(date, Amount(received, currency.code)),) if received else (),
        "policy": POLICY,
        "number": known_as(doc)[1],
        "po_number": doc.po_number,
        "notes": doc.notes or "",
        "terms": None if _blank(doc.terms) else doc.terms,
    }
    if not _blank(doc.discount):
        discount = exact_decimal(doc.discount, "discount")
        if not 0 <= discount <= 100:
            raise InvalidValueError("discount", doc.discount, "must be a percentage from 0 to 100")
        fields["discount_percentage"] = discount
    invoice: Invoice = _build(Invoice, fields, "")
    return Entry(
        invoice,
        None,
        tuple((key, value) for key, value in stated if value is not None),
        id=known_as(doc)[0],
    )
