"""Writing Cashboard documents from invoices and the engine's totals.

Every writer first checks each invoice as :func:`canonical` does, so what
Cashboard cannot express is refused before anything is written. An invoice
Cashboard has not seen has no id: it is known by its position in the output
(1, 2, ...), which its line-item and payment documents name as
``invoice_id`` and its links use; its payments are numbered the same way.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import NamedTuple
from urllib.parse import quote

from ..._calculate import Totals, calculate
from ..._documents import Entry
from ..._model import Invoice, Tax
from ..._money import Currency
from ...errors import InvalidValueError, InvoiceCalcError, UnsupportedError
from .._xml import attribute, element, printable
from ._model import (
    CashboardEntry,
    CashboardLineItem,
    CashboardRecord,
    cashboard_taxes,
    price_text,
    rate_text,
    records_of,
)
from ._schema import (
    INVOICE,
    INVOICE_LINE_ITEM,
    INVOICE_PAYMENT,
    LINE_ITEM,
    PAYMENT,
    Field,
    Form,
    Resource,
    Written,
    render,
)

__all__ = [
    "error_document",
    "write",
    "write_invoice_lines",
    "write_invoice_payments",
    "write_line_items",
    "write_payments",
]

Results = Sequence[tuple[Entry, Totals]]
Links = tuple[tuple[str, str], ...]
_ID = Field("id")
_ANY_DAY = dt.date(2000, 1, 1)


class _Item(NamedTuple):
    entry: CashboardEntry
    invoice: Invoice
    taxes: tuple[Tax, ...]  # as Cashboard's two
    totals: Totals
    key: str  # the Cashboard id, else the position in the output


def _prepare(results: Results) -> list[_Item]:
    items = []
    for index, (entry, totals) in enumerate(results):
        try:
            taxes = cashboard_taxes(entry.invoice)
        except InvoiceCalcError as exc:
            raise (exc.within(f"[{index}]") if len(results) > 1 else exc) from None
        cash = records_of(entry)
        key = cash.record.get("id") or str(index + 1)
        items.append(_Item(cash, entry.invoice, taxes, totals, key))
    return items


def _url(base_url: str, *parts: str) -> str:
    return "/".join([base_url.rstrip("/"), *(quote(part, safe="") for part in parts)])


def _self_link(record: CashboardRecord, base_url: str | None, collection: str) -> Links:
    """A record's ``self`` link under ``base_url`` (when it has an id), else the kept links."""
    if base_url is None:
        return record.links
    key = record.get("id")
    return (("self", _url(base_url, collection, key)),) if key else ()


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _text(value: object) -> str | None:
    """An optional value as element text; ``None`` and ``""`` are an empty element."""
    return None if value is None or value == "" else str(value)


def _record(
    resource: Resource, mapped: Mapping[str, str | None], record: CashboardRecord, links: Links
) -> Written:
    """Every listed element in order: mapped ones from the invoice, others as ``record`` kept them.

    A flag neither mapped nor kept is ``false``; anything else is empty. Elements
    the record kept beyond the listed ones follow them, ``id`` first, as the server
    writes them.
    """
    listed = {field.tag for field in resource.fields}
    values: list[tuple[Field, str | None]] = []
    kept_id = mapped["id"] if "id" in mapped else record.get("id")
    if "id" not in listed and kept_id is not None:
        values.append((_ID, _text(kept_id)))
    for field in resource.fields:
        if field.tag in mapped:
            text = mapped[field.tag]
        else:
            kept = record.get(field.tag)
            text = ("false" if field.boolean else None) if kept is None else _text(kept)
        values.append((field, text))
    values.extend(
        (Field(tag), _text(text))
        for tag, text in record.fields
        if tag not in listed and tag != "id" and tag not in mapped
    )
    return Written(resource, links, tuple(values))


# -- the invoice ----------------------------------------------------------------


def _invoice_values(item: _Item) -> dict[str, str | None]:
    invoice, totals = item.invoice, item.totals
    money = invoice.currency.format
    taxes = item.taxes
    return {
        "assigned_id": _text(invoice.number),
        "balance": money(totals.balance),
        "discount": money(totals.discount),
        "discount_percentage": (
            rate_text(invoice.discount_percentage) if invoice.discount_percentage else None
        ),
        "due_date": invoice.due_date.isoformat(),
        "early_period_in_days": _text(invoice.early_period_in_days),
        "has_been_paid": _flag(totals.has_been_paid),
        "invoice_date": invoice.invoice_date.isoformat(),
        "item_actual": money(totals.item_actual),
        "item_cost": money(totals.item_cost),
        "item_profit": money(totals.item_profit),
        "item_taxable": money(totals.item_taxable),
        "late_fee": money(totals.late_fee),
        "late_percentage": (
            None if invoice.late_percentage is None else rate_text(invoice.late_percentage)
        ),
        "late_period_in_days": _text(invoice.late_period_in_days),
        "notes": _text(invoice.notes),
        "payment_total": money(totals.payment_total),
        "po_number": _text(invoice.po_number),
        "post_reminder_in_days": _text(invoice.post_reminder_in_days),
        "pre_reminder_in_days": _text(invoice.pre_reminder_in_days),
        "sales_tax": rate_text(taxes[0].rate) if taxes else None,
        "sales_tax_2": rate_text(taxes[1].rate) if len(taxes) > 1 else None,
        "sales_tax_2_cumulative": _flag(len(taxes) > 1 and bool(taxes[1].compound)),
        "total": money(totals.total),
        "total_quantity": rate_text(totals.total_quantity),
    }


def write(
    results: Results,
    *,
    array: bool = False,
    form: Form = "xml",
    financial: bool = True,
    base_url: str | None = None,
) -> str:
    """The invoice document: every data-reference element in order, totals from the engine.

    ``array`` writes ``<invoices type="array">`` (needed for more than one);
    ``financial=False`` is the employee view; ``base_url`` adds the links.
    """
    records = []
    for item in _prepare(results):
        record = item.entry.record
        links = record.links
        if base_url is not None:
            href = _url(base_url, "invoices", item.key)
            links = (
                ("payments", f"{href}/payments"),
                ("self", href),
                ("line_items", f"{href}/line_items"),
                ("import_uninvoiced_items", f"{href}/import_uninvoiced_items"),
            )
        records.append(_record(INVOICE, _invoice_values(item), record, links))
    return render(INVOICE, records, form=form, array=array, financial=financial)


# -- lines and payments ---------------------------------------------------------------


def write_invoice_lines(
    results: Results, *, form: Form = "xml", financial: bool = True, base_url: str | None = None
) -> str:
    """Every invoice's lines as ``<invoice_line_items type="array">``, each with its ``total``."""
    records = []
    for item in _prepare(results):
        money = item.invoice.currency.format
        lines = zip(item.invoice.lines, item.totals.lines, strict=True)
        for index, (line, line_totals) in enumerate(lines):
            record = item.entry.line_record(index)
            mapped = {
                "description": _text(line.description),
                "flat_fee": money(line.flat_fee),
                "invoice_id": item.key,
                "is_taxable": _flag(line.taxable),
                "markup_percentage": (
                    rate_text(line.markup_percentage) if line.markup_percentage else None
                ),
                "price_per": price_text(line.unit_price, item.invoice.currency),
                "quantity": rate_text(line.quantity),
                "title": _text(line.title),
                "total": money(line_totals.actual),
            }
            links = _self_link(record, base_url, "invoice_line_items")
            records.append(_record(INVOICE_LINE_ITEM, mapped, record, links))
    return render(INVOICE_LINE_ITEM, records, form=form, array=True, financial=financial)


def _payment_ids(items: Sequence[_Item]) -> list[list[str]]:
    """Each payment's Cashboard id; payments Cashboard has not seen are numbered 1, 2, ..."""
    counter = 0
    result = []
    for item in items:
        ids = []
        for index in range(len(item.invoice.payments)):
            kept = item.entry.payment_record(index)[0].get("payment_id")
            if not kept:
                counter += 1
                kept = str(counter)
            ids.append(kept)
        result.append(ids)
    return result


def write_invoice_payments(
    results: Results, *, form: Form = "xml", financial: bool = True, base_url: str | None = None
) -> str:
    """Every invoice's payments as ``<invoice_payments type="array">`` (amounts, no dates)."""
    records = []
    items = _prepare(results)
    for item, payment_ids in zip(items, _payment_ids(items), strict=True):
        money = item.invoice.currency.format
        for index, payment in enumerate(item.invoice.payments):
            record = item.entry.payment_record(index)[0]
            mapped = {
                "invoice_id": item.key,
                "payment_id": payment_ids[index],
                "amount": money(payment.amount),
            }
            links = _self_link(record, base_url, "invoice_payments")
            records.append(_record(INVOICE_PAYMENT, mapped, record, links))
    return render(INVOICE_PAYMENT, records, form=form, array=True, financial=financial)


def write_payments(
    results: Results, *, form: Form = "xml", financial: bool = True, base_url: str | None = None
) -> str:
    """The payments themselves as ``<payments type="array">``: where their dates (``created_on``)
    and notes live. A payment shared by several invoices is written once; an undated one
    (read without its payment, :attr:`CashboardEntry.undated`) is not written, or written
    back as read, its ``created_on`` empty."""
    records = []
    seen: dict[str, tuple[CashboardRecord, dt.date]] = {}
    items = _prepare(results)
    for item, payment_ids in zip(items, _payment_ids(items), strict=True):
        money = item.invoice.currency.format
        for index, payment in enumerate(item.invoice.payments):
            key = payment_ids[index]
            record = item.entry.payment_record(index)[1]
            undated = index in item.entry.undated
            if undated and not record.fields:
                continue  # its payment was not read: no date is invented for it
            if key in seen:
                if seen[key] != (record, payment.date):
                    raise InvalidValueError("payment_id", key, "names two different payments")
                continue
            seen[key] = (record, payment.date)
            kept_date = record.get("created_on") or ""
            day = payment.date.isoformat()
            mapped = {
                "id": key,
                "amount": record.get("amount") or money(payment.amount),
                "created_on": kept_date if undated or kept_date[:10] == day else day,
                "notes": _text(payment.note),
            }
            links = record.links
            if base_url is not None:
                href = _url(base_url, "payments", key)
                links = (("invoices", f"{href}/invoices"), ("self", href))
            records.append(_record(PAYMENT, mapped, record, links))
    return render(PAYMENT, records, form=form, array=True, financial=financial)


# -- line_item resources ------------------------------------------------------------


def write_line_items(
    items: Sequence[CashboardLineItem],
    currency: Currency,
    *,
    form: Form = "xml",
    array: bool = True,
    financial: bool = True,
    base_url: str | None = None,
) -> str:
    """``line_item`` resources with ``type_code`` and the quantity range.

    ``price_actual`` is the engine's line total for one unit (the resource has
    no quantity): ``flat_fee + price_per`` plus markup. A line whose quantity
    is not 1, or that names taxes, is refused.
    """
    money = currency.format
    records = []
    for index, resource in enumerate(items):
        line = resource.item
        where = f"[{index}]." if array else ""
        if line.quantity != 1:
            raise UnsupportedError(
                f"{where}quantity",
                "a Cashboard line_item has no quantity, only quantity_low and quantity_high",
                line.quantity,
            )
        if line.taxes:
            raise UnsupportedError(
                f"{where}taxes", "a Cashboard line_item carries every tax or none", line.taxes
            )
        one = Invoice(currency, _ANY_DAY, _ANY_DAY, lines=[line])
        low, high = line.quantity_low, line.quantity_high
        mapped = {
            "description": _text(line.description),
            "flat_fee": money(line.flat_fee),
            "is_taxable": _flag(line.taxable),
            "markup_percentage": (
                rate_text(line.markup_percentage) if line.markup_percentage else None
            ),
            "price_actual": money(calculate(one, as_of=_ANY_DAY).lines[0].actual),
            "price_per": price_text(line.unit_price, currency),
            "quantity_low": None if low is None else rate_text(low),
            "quantity_high": None if high is None else rate_text(high),
            "title": _text(line.title),
            "type_code": str(line.kind.type_code),
        }
        links = _self_link(resource.record, base_url, "line_items")
        records.append(_record(LINE_ITEM, mapped, resource.record, links))
    return render(LINE_ITEM, records, form=form, array=array, financial=financial)


# -- the error document --------------------------------------------------------------


def error_document(error: InvoiceCalcError, *, form: Form = "xml") -> str:
    """Refused input as Cashboard's error document: ``<errors><error field="...">``.

    >>> from invoicecalc.errors import InvalidValueError
    >>> print(error_document(InvalidValueError("price_per", "x", "is not a decimal number")))
    <?xml version="1.0" encoding="UTF-8"?>
    <errors>
      <error field="price_per">is not a decimal number (got 'x')</error>
    </errors>
    """
    message, field = str(error), error.shown_field
    if field and message.startswith(f"{field}: "):
        message = message[len(field) + 2 :]
    message, field = printable(message), printable(field)
    if form == "json":
        payload = {"errors": [{"field": field or None, "message": message}]}
        return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    if form != "xml":
        raise InvalidValueError("form", form, "must be xml or json")
    attributes = attribute("field", field) if field else ""
    return "\n".join(
        [
            '<?xml version="1.0" encoding="UTF-8"?>',
            "<errors>",
            element("error", message, attributes, "  "),
            "</errors>",
            "",
        ]
    )
