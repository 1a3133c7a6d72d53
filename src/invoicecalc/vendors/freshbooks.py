"""FreshBooks classic API 2.1: invoices as its XML requests and responses.

The surface every vendor module shares: :func:`write` gives the
``invoice.get`` response of one ``(Entry, Totals)`` result (the read-only
``amount``, ``amount_outstanding``, ``paid`` and each line's ``amount``
filled from the engine's totals), or one ``invoice.list`` page with
``array``; :func:`read` takes ``invoice.get`` / ``invoice.list`` responses
and ``invoice.create`` requests (estimates read the same way) into a
:class:`~invoicecalc.document.Document` whose entries' ``stated`` totals
``invoicecalc check`` compares; a ``status="fail"`` response raises
:class:`~invoicecalc.errors.VendorError`. Besides those, ``invoice.create``
and ``invoice.update`` requests and ``payment.create`` / ``tax.create``
requests. Whatever FreshBooks cannot carry exactly is refused with
:class:`~invoicecalc.errors.UnsupportedError` (``docs/vendors.md`` has the
table).

>>> import datetime as dt
>>> from decimal import Decimal
>>> from invoicecalc import Currency, Invoice, LineItem, Tax, calculate
>>> from invoicecalc.document import Entry
>>> invoice = Invoice(
...     Currency("USD"), dt.date(2024, 3, 1), dt.date(2024, 3, 1),
...     lines=[LineItem(title="Yard work", quantity=Decimal(4), unit_price=Decimal(1000))],
...     taxes=[Tax("GST", Decimal(5))],
... )
>>> xml = write([(Entry(invoice), calculate(invoice, as_of=dt.date(2024, 3, 1)))])
>>> for line in xml.splitlines():
...     if "<amount" in line:
...         print(line.strip())
<amount>42.00</amount>
<amount_outstanding>42.00</amount_outstanding>
<amount>40.00</amount>
>>> read(xml).entries[0].stated
(('total', 4200), ('payment_total', 0), ('balance', 4200))
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs

from .._calculate import Totals
from .._model import Invoice, Tax
from ..document import Document, Entry
from ..errors import InvalidValueError, InvoiceCalcError, UnsupportedError
from . import _freshbooks_xml as fx
from ._freshbooks_doc import POLICY, to_entry
from ._freshbooks_write import from_invoice

__all__ = [
    "POLICY",
    "canonical",
    "invoice_create_request",
    "invoice_update_request",
    "payment_create_requests",
    "read",
    "read_taxes",
    "tax_create_requests",
    "write",
]


def read(data: bytes | str, *, base_currency: str = "USD") -> Document:
    """The invoices of an ``invoice.get``/``invoice.list`` response or ``invoice.create`` request.

    Estimates (``estimate.get``, ``estimate.create``, lists) read as invoices.
    ``base_currency`` stands in for a missing ``currency_code`` (FreshBooks
    leaves it out for the account's base currency). Every invoice is read
    with :data:`POLICY`, its due date is its date, and ``paid`` becomes one
    payment on that date. Other requests and responses are refused.
    """
    found = fx.parse(data)
    entries = []
    for path, doc in found.invoices:
        try:
            entries.append(to_entry(doc, base_currency))
        except InvoiceCalcError as exc:
            raise exc.within(path) from None
    return Document(tuple(entries), array=found.array)


def read_taxes(data: bytes | str) -> tuple[Tax, ...]:
    """The taxes (name, rate, compound) of a ``tax.list`` response or ``tax.create`` request."""
    return fx.parse_taxes(data)


def canonical(invoice: Invoice, *, as_of: dt.date) -> Invoice:
    """``invoice`` as FreshBooks holds it on ``as_of`` (what reading its response gives).

    The same totals as ``invoice`` on that date, or :class:`UnsupportedError`.
    """
    return to_entry(from_invoice(invoice, as_of), invoice.currency.code).invoice


def write(
    results: Sequence[tuple[Entry, Totals]],
    *,
    array: bool = False,
    invoice_id: str | None = None,
) -> str:
    """The ``invoice.get`` response of one result; with ``array``, one ``invoice.list`` page.

    Each invoice as it stands on its totals' ``as_of``. ``invoice_id`` is
    written in the ``invoice.get`` response; it names one invoice, so it is
    refused with ``array``. An error names the invoice's index when ``array``.
    """
    if not array:
        if len(results) != 1:
            problem = "one invoice.get response needs exactly one invoice"
            raise InvalidValueError("invoices", len(results), problem)
        ((entry, totals),) = results
        doc = attrs.evolve(from_invoice(entry.invoice, totals.as_of), invoice_id=invoice_id)
        return fx.response(fx.write_invoice(doc, fx.GET_FIELDS, fx.GET_LINE_FIELDS, "  "))
    if invoice_id is not None:
        raise InvalidValueError("invoice_id", invoice_id, "names one invoice: not with array")
    body = []
    for index, (entry, totals) in enumerate(results):
        try:
            doc = from_invoice(entry.invoice, totals.as_of)
        except InvoiceCalcError as exc:
            raise exc.within(f"[{index}]") from None
        body += fx.write_invoice(doc, fx.GET_FIELDS, fx.GET_LINE_FIELDS, "    ")
    return fx.response(fx.listing(body, len(results)))


def _request(
    invoice: Invoice,
    as_of: dt.date,
    method: str,
    *,
    invoice_id: str | None = None,
    client_id: str | None = None,
) -> str:
    if invoice.payments:
        raise UnsupportedError(
            "payments",
            f"an {method} request carries no payments: send payment_create_requests() "
            "once FreshBooks has the invoice",
            len(invoice.payments),
        )
    doc = attrs.evolve(from_invoice(invoice, as_of), invoice_id=invoice_id, client_id=client_id)
    return fx.request(
        method, fx.write_invoice(doc, fx.REQUEST_FIELDS, fx.REQUEST_LINE_FIELDS, "  ")
    )


def invoice_create_request(
    invoice: Invoice, *, as_of: dt.date, client_id: str | None = None
) -> str:
    """The ``invoice.create`` request (FreshBooks needs ``client_id``; fill it in or pass it).

    ``as_of`` dates the late fees written as a line; payments are refused
    (FreshBooks takes them in separate ``payment.create`` requests).
    """
    return _request(invoice, as_of, "invoice.create", client_id=client_id)


def invoice_update_request(invoice: Invoice, *, invoice_id: str, as_of: dt.date) -> str:
    """The ``invoice.update`` request: every field and line of ``invoice``, for ``invoice_id``."""
    return _request(invoice, as_of, "invoice.update", invoice_id=invoice_id)


def payment_create_requests(invoice: Invoice, *, invoice_id: str | None = None) -> tuple[str, ...]:
    """One ``payment.create`` request per payment of ``invoice``, in its order."""
    money = invoice.currency.format
    return tuple(
        fx.request(
            "payment.create",
            fx.record(
                "payment",
                [
                    ("invoice_id", invoice_id),
                    ("date", payment.date.isoformat()),
                    ("amount", money(payment.amount)),
                    ("currency_code", invoice.currency.code),
                    ("notes", payment.note or None),
                ],
            ),
        )
        for payment in invoice.payments
    )


def tax_create_requests(invoice: Invoice) -> tuple[str, ...]:
    """One ``tax.create`` request per tax of ``invoice``, with its ``compound`` flag."""
    return tuple(
        fx.request(
            "tax.create",
            fx.record(
                "tax",
                [
                    ("name", tax.name),
                    ("rate", f"{tax.rate:f}"),
                    ("compound", "1" if tax.compound else "0"),
                ],
            ),
        )
        for tax in invoice.taxes
    )
