"""Reading FreshBooks documents: invoices (and estimates) and taxes."""

from __future__ import annotations

from ..._documents import Document
from ..._model import Tax
from ..._money import exact_decimal
from ...errors import InvoiceCalcError
from . import _schema as fx
from ._model import to_entry


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
            for index, line in enumerate(doc.lines):
                # a line's amount is recomputed, never read; it must still be a number
                if line.amount is not None and line.amount.strip():
                    exact_decimal(line.amount.strip(), f"lines[{index}].amount")
            entries.append(to_entry(doc, base_currency))
        except InvoiceCalcError as exc:
            raise exc.within(path) from None
    return Document(tuple(entries), array=found.array)


def read_taxes(data: bytes | str) -> tuple[Tax, ...]:
    """The taxes (name, rate, compound) of a ``tax.list`` response or ``tax.create`` request."""
    return fx.parse_taxes(data)
