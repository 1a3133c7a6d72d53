"""Writing FreshBooks documents: ``invoice.get`` responses and the requests that build one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs

from ..._calculate import Totals
from ..._documents import Entry
from ..._model import Invoice
from ...errors import InvalidValueError, InvoiceCalcError, UnsupportedError
from . import _schema as fx
from ._shape import from_invoice

__all__ = [
    "invoice_create_request",
    "invoice_update_request",
    "payment_create_requests",
    "tax_create_requests",
    "write",
]


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
    """One ``tax.create`` request per tax of ``invoice``, with its ``compound`` flag.

    These set up the account's taxes, which say whether a line's second tax
    compounds; ``read_taxes`` reads each back, to read the invoice with.
    A selective compound tax is compound in FreshBooks (the writer refuses
    the lines where that would change an amount); a withholding tax is refused.
    """
    for index, tax in enumerate(invoice.taxes):
        if tax.withholding:
            raise UnsupportedError(
                f"taxes[{index}].withholding",
                "FreshBooks 2.1 taxes are added to the total, never withheld",
                tax.name,
            )
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
