"""Cashboard's invoice API: write and read its XML and JSON documents.

The surface every vendor module shares: :func:`write` gives the invoice
document of ``(Entry, Totals)`` results (what ``invoicecalc preview``
computes) and :func:`read` gives back a
:class:`~invoicecalc.document.Document`. Cashboard serves an invoice in
pieces, so :func:`read` takes any set of its documents together, and the
invoice's line items, invoice payments and payments (with their dates) are
written by :func:`write_invoice_lines`, :func:`write_invoice_payments` and
:func:`write_payments`, each its own document as the API serves them.

The entries read are :class:`CashboardEntry` values: the invoice, the totals
Cashboard stated (for ``invoicecalc check``) and the vendor fields, kept so
that writing what was read loses nothing. What Cashboard cannot express is
refused with an :class:`~invoicecalc.errors.UnsupportedError` (see
:func:`canonical` and ``docs/vendors.md``).

Cashboard documents do not state their currency (it is the account's):
readers take it from an ``account`` document read with them
(:func:`read_account` reads one alone) or as ``currency``, and refuse to
read without either; writers use the invoice's. :func:`read_files` with
``estimates=True`` reads estimates with their ``line_items``.
"""

from ._model import (
    POLICY,
    CashboardEntry,
    CashboardLineItem,
    CashboardRecord,
    canonical,
)
from ._read import ESTIMATE_STATED, MAPPED, STATED, read, read_account, read_files, read_line_items
from ._schema import Form
from ._write import (
    error_document,
    write,
    write_invoice_lines,
    write_invoice_payments,
    write_line_items,
    write_payments,
)

__all__ = [
    "ESTIMATE_STATED",
    "MAPPED",
    "POLICY",
    "STATED",
    "CashboardEntry",
    "CashboardLineItem",
    "CashboardRecord",
    "Form",
    "canonical",
    "error_document",
    "read",
    "read_account",
    "read_files",
    "read_line_items",
    "write",
    "write_invoice_lines",
    "write_invoice_payments",
    "write_line_items",
    "write_payments",
]
