"""Reading Cashboard documents into invoices.

The API serves an invoice in pieces: the invoice, its line items and its
invoice payments (amounts), each its own document, and the payments (with
their dates) in a fourth. :func:`read_files` reads any set of them together
and matches the pieces by invoice id. Every number goes through
:func:`~invoicecalc._money.exact_decimal`; a value that does not parse is
refused with the element's path (``invoice[2].sales_tax``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from decimal import Decimal
from typing import Any

from ..._documents import Document
from ..._model import Invoice, LineItem, LineKind, Payment, sales_taxes
from ..._money import Amount, Currency, exact_decimal
from ..._parse import parse_date, parse_day
from ...errors import InvalidValueError, InvoiceCalcError, ParseError
from ._model import CashboardEntry, CashboardLineItem, CashboardRecord
from ._schema import (
    INVOICE,
    INVOICE_LINE_ITEM,
    INVOICE_PAYMENT,
    LINE_ITEM,
    PAYMENT,
    Raw,
    parse_document,
)

__all__ = ["MAPPED", "STATED", "read", "read_files", "read_line_items"]

_USD = Currency("USD")
_ZERO = Decimal(0)

#: The totals an invoice document states, compared by ``invoicecalc check``.
STATED = (
    "item_cost",
    "item_profit",
    "item_actual",
    "item_taxable",
    "discount",
    "late_fee",
    "total",
    "payment_total",
    "balance",
    "has_been_paid",
    "total_quantity",
)

#: Per resource, the elements that map to the domain or are recomputed; a
#: :class:`CashboardRecord` keeps every other element it had.
MAPPED = {
    INVOICE.tag: frozenset(
        {
            "assigned_id",
            "discount_percentage",
            "due_date",
            "early_period_in_days",
            "invoice_date",
            "late_percentage",
            "late_period_in_days",
            "notes",
            "po_number",
            "post_reminder_in_days",
            "pre_reminder_in_days",
            "sales_tax",
            "sales_tax_2",
            "sales_tax_2_cumulative",
            *STATED,
        }
    ),
    INVOICE_LINE_ITEM.tag: frozenset(
        {
            "description",
            "flat_fee",
            "invoice_id",
            "is_taxable",
            "markup_percentage",
            "price_per",
            "quantity",
            "title",
            "total",
        }
    ),
    INVOICE_PAYMENT.tag: frozenset({"invoice_id", "amount"}),
    PAYMENT.tag: frozenset({"notes"}),
    LINE_ITEM.tag: frozenset(
        {
            "description",
            "flat_fee",
            "is_taxable",
            "markup_percentage",
            "price_actual",
            "price_per",
            "quantity_low",
            "quantity_high",
            "title",
            "type_code",
        }
    ),
}

Naming = Callable[[str], AbstractContextManager[None]]


@contextlib.contextmanager
def _unnamed(source: str) -> Iterator[None]:
    """Name ``source`` in an error about the whole document (``document 2: is not ...``)."""
    try:
        yield
    except InvoiceCalcError as exc:
        if exc.field:
            raise
        raise exc.within(source) from None


# -- values ------------------------------------------------------------------------


def _present(raw: Raw, *tags: str) -> None:
    """Financial input must be there (even empty): the employee view cannot be computed."""
    for tag in tags:
        if not raw.has(tag):
            raise ParseError(
                raw.field(tag), "is missing: a view without financial access cannot be computed"
            )


def _required(raw: Raw, tag: str) -> str:
    text = raw.text(tag)
    if text is None:
        raise ParseError(raw.field(tag), "is required")
    return text


def _decimal(raw: Raw, tag: str) -> Decimal | None:
    text = raw.text(tag)
    return None if text is None else exact_decimal(text, raw.field(tag))


def _rate(raw: Raw, tag: str) -> Decimal | None:
    rate = _decimal(raw, tag)
    if rate is not None and rate < 0:
        raise InvalidValueError(raw.field(tag), raw.text(tag), "must be at least 0")
    return rate


def _whole(raw: Raw, tag: str) -> int | None:
    number = _decimal(raw, tag)
    if number is None:
        return None
    num, den = number.as_integer_ratio()
    if den != 1:
        raise InvalidValueError(raw.field(tag), raw.text(tag), "must be a whole number")
    return num


def _flag(raw: Raw, tag: str, default: bool) -> bool:
    text = raw.text(tag)
    if text is None:
        return default
    if text not in ("true", "false"):
        raise InvalidValueError(raw.field(tag), text, "must be true or false")
    return text == "true"


def _day(raw: Raw, tag: str) -> dt.date | None:
    """A date, or the date of a date and time (``2010-07-27 00:00:00``)."""
    text = raw.text(tag)
    return None if text is None else parse_day(text, raw.field(tag))


def _string(raw: Raw, tag: str) -> str | None:
    """Text as written (nothing stripped); ``None`` when missing or empty."""
    return raw.raw(tag) or None


def _stated_money(raw: Raw, tag: str, currency: Currency) -> int | Decimal | None:
    """A stated amount in minor units; one finer than the currency stays a ``Decimal``
    of major units, so ``check`` reports it rather than the read failing."""
    number = _decimal(raw, tag)
    if number is None:
        return None
    num, den = number.as_integer_ratio()
    minor, rest = divmod(num * 10**currency.exponent, den)
    return number if rest else minor


def _record(raw: Raw) -> CashboardRecord:
    for field in raw.resource.fields:
        if field.boolean:
            _flag(raw, field.tag, False)  # a kept flag must still be one
    mapped = MAPPED[raw.resource.tag]
    kept = [(tag, text) for tag, text in raw.values.items() if tag not in mapped]
    return CashboardRecord(raw.links, kept)


def _build(factory: Callable[..., Any], raw: Raw, **fields: Any) -> Any:
    try:
        return factory(**fields)
    except InvoiceCalcError as exc:
        raise exc.within(raw.path) from None


def _line(raw: Raw, currency: Currency, kind: LineKind, **more: Any) -> LineItem:
    _present(raw, "flat_fee", "markup_percentage", "price_per")
    line: LineItem = _build(
        LineItem,
        raw,
        kind=kind,
        title=raw.raw("title") or "",
        description=raw.raw("description") or "",
        unit_price=currency.price(raw.text("price_per") or "0", raw.field("price_per")),
        flat_fee=currency.amount(raw.text("flat_fee") or "0", raw.field("flat_fee")),
        markup_percentage=_decimal(raw, "markup_percentage") or _ZERO,
        taxable=_flag(raw, "is_taxable", True),
        **more,
    )
    return line


# -- the records -----------------------------------------------------------------------


def _invoice_line(raw: Raw, currency: Currency) -> tuple[str | None, LineItem, CashboardRecord]:
    quantity = exact_decimal(_required(raw, "quantity"), raw.field("quantity"))
    line = _line(raw, currency, LineKind.CUSTOM, quantity=quantity)
    _stated_money(raw, "total", currency)  # recomputed, but it must be a number
    return raw.text("invoice_id"), line, _record(raw)


def _invoice_payment(raw: Raw, currency: Currency) -> tuple[str | None, str | None, int]:
    _present(raw, "amount")
    amount = currency.amount(_required(raw, "amount"), raw.field("amount"))
    return raw.text("invoice_id"), raw.text("payment_id"), amount


def _payment(raw: Raw, currency: Currency) -> tuple[str, dt.date | None, str, CashboardRecord]:
    _present(raw, "amount")
    key = _required(raw, "id")
    if raw.text("amount") is not None:
        currency.amount(raw.text("amount"), raw.field("amount"))
    return key, _day(raw, "created_on"), raw.raw("notes") or "", _record(raw)


def _invoice(
    raw: Raw,
    currency: Currency,
    lines: Sequence[tuple[LineItem, CashboardRecord]],
    payments: Sequence[tuple[Payment, tuple[CashboardRecord, CashboardRecord]]],
) -> CashboardEntry:
    _present(raw, "discount_percentage", "sales_tax", "sales_tax_2", "sales_tax_2_cumulative")
    taxes = sales_taxes(
        _rate(raw, "sales_tax"),
        _rate(raw, "sales_tax_2"),
        _flag(raw, "sales_tax_2_cumulative", False),
    )
    invoice = _build(
        Invoice,
        raw,
        currency=currency,
        invoice_date=parse_date(_required(raw, "invoice_date"), raw.field("invoice_date")),
        due_date=parse_date(_required(raw, "due_date"), raw.field("due_date")),
        lines=[line for line, _ in lines],
        taxes=taxes,
        discount_percentage=_decimal(raw, "discount_percentage") or _ZERO,
        early_period_in_days=_whole(raw, "early_period_in_days"),
        late_percentage=_decimal(raw, "late_percentage"),
        late_period_in_days=_whole(raw, "late_period_in_days"),
        payments=[payment for payment, _ in payments],
        number=_string(raw, "assigned_id"),
        po_number=_string(raw, "po_number"),
        notes=raw.raw("notes") or "",
        pre_reminder_in_days=_whole(raw, "pre_reminder_in_days"),
        post_reminder_in_days=_whole(raw, "post_reminder_in_days"),
    )
    stated: list[tuple[str, object]] = []
    for tag in STATED:
        if tag == "has_been_paid":
            value: object = None if raw.text(tag) is None else _flag(raw, tag, False)
        elif tag == "total_quantity":
            value = _decimal(raw, tag)
        else:
            value = _stated_money(raw, tag, currency)
        if value is not None:
            stated.append((tag, value))
    return CashboardEntry(
        invoice,
        stated=tuple(stated),
        record=_record(raw),
        line_records=tuple(record for _, record in lines),
        payment_records=tuple(records for _, records in payments),
    )


# -- documents -----------------------------------------------------------------------------

_Dated = tuple[dt.date | None, str, CashboardRecord]
_Share = tuple[str, Raw, str | None, int]  # file, invoice_payment, payment id, amount


def read_files(
    sources: Sequence[tuple[str, bytes | str]],
    *,
    currency: Currency = _USD,
    naming: Naming = _unnamed,
) -> list[tuple[str, Document]]:
    """Cashboard documents read together: one :class:`Document` per invoice document.

    ``sources`` are ``(name, data)``, XML or JSON, in any order, recognised
    by their root element: ``invoices``/``invoice``, ``invoice_line_items``,
    ``invoice_payments`` and ``payments`` (which holds the payments' dates).
    Lines and payments are matched to invoices by ``invoice_id``; those
    naming no invoice given (an invoice schedule's lines) are read and
    checked, not used. An invoice without an ``<id>`` is known by its
    position among the invoices read (1, 2, ...), as the writers number it.
    ``naming(name)`` wraps the work on each file, so errors can name it.
    """
    parsed = []
    for name, data in sources:
        with naming(name):
            resource, array, raws = parse_document(data, "")
            if resource is LINE_ITEM:
                raise ParseError(
                    "",
                    "is a line_items document (items of estimates and projects), not part of "
                    "an invoice; read it with read_line_items",
                )
        parsed.append((name, resource, array, raws))

    dated: dict[str, _Dated] = {}
    lines: defaultdict[str, list[tuple[LineItem, CashboardRecord]]] = defaultdict(list)
    shares: defaultdict[str, list[_Share]] = defaultdict(list)
    for name, resource, _, raws in parsed:
        with naming(name):
            for raw in raws:
                if resource is PAYMENT:
                    key, day, note, record = _payment(raw, currency)
                    if key in dated:
                        raise InvalidValueError(raw.field("id"), key, "names a payment read before")
                    dated[key] = (day, note, record)
                elif resource is INVOICE_LINE_ITEM:
                    invoice_id, line, record = _invoice_line(raw, currency)
                    if invoice_id is not None:
                        lines[invoice_id].append((line, record))
                elif resource is INVOICE_PAYMENT:
                    invoice_id, payment_id, amount = _invoice_payment(raw, currency)
                    if invoice_id is not None:
                        shares[invoice_id].append((name, raw, payment_id, amount))

    documents = []
    seen: set[str] = set()
    for name, resource, array, raws in parsed:
        if resource is not INVOICE:
            continue
        entries = []
        with naming(name):
            for raw in raws:
                key = raw.text("id") or str(len(seen) + 1)
                if key in seen:
                    raise InvalidValueError(raw.field("id"), key, "names an invoice read before")
                seen.add(key)
                payments = [_paid(share, dated, currency, naming) for share in shares[key]]
                entries.append(_invoice(raw, currency, lines[key], payments))
        documents.append((name, Document(tuple(entries), array)))
    if not documents:
        raise ParseError("", "holds no invoice document (<invoices> or <invoice>)")
    return documents


def _paid(
    share: _Share, dated: dict[str, _Dated], currency: Currency, naming: Naming
) -> tuple[Payment, tuple[CashboardRecord, CashboardRecord]]:
    """One invoice payment with its date from the payments document."""
    name, raw, payment_id, amount = share
    with naming(name):
        day, note, record = dated.get(payment_id or "", (None, "", CashboardRecord()))
        if day is None:
            raise InvalidValueError(
                raw.field("payment_id"),
                payment_id,
                "has no dated payment: give the payments document that holds its created_on",
            )
        return Payment(day, Amount(amount, currency.code), note), (_record(raw), record)


def read(*documents: bytes | str, currency: Currency = _USD) -> Document:
    """The invoices in a set of Cashboard documents, read together (see :func:`read_files`).

    The result is an array when any invoice document is one, or there are several.
    """
    found = read_files(
        [(f"document {index + 1}", data) for index, data in enumerate(documents)],
        currency=currency,
    )
    entries = tuple(entry for _, document in found for entry in document.entries)
    return Document(entries, array=len(found) > 1 or found[0][1].array)


def read_line_items(
    data: bytes | str, *, currency: Currency = _USD, source: str = "document"
) -> tuple[CashboardLineItem, ...]:
    """``line_item`` resources: each a line of quantity 1 with its range and kind."""
    resource, _, raws = parse_document(data, source)
    if resource is not LINE_ITEM:
        raise ParseError(source, f"is an {resource.plural} document, not line_items")
    items = []
    for raw in raws:
        _present(raw, "is_taxable")
        code = _whole(raw, "type_code")
        kind = _build(LineKind.from_type_code, raw, code=0 if code is None else code)
        line = _line(
            raw,
            currency,
            kind,
            quantity_low=_decimal(raw, "quantity_low"),
            quantity_high=_decimal(raw, "quantity_high"),
        )
        _stated_money(raw, "price_actual", currency)
        items.append(CashboardLineItem(line, _record(raw)))
    return tuple(items)
