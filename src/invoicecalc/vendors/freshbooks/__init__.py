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
>>> usd = Currency("USD")
>>> invoice = Invoice(
...     usd, dt.date(2024, 3, 1), dt.date(2024, 3, 1),
...     lines=[LineItem(title="Yard work", quantity=Decimal(4), unit_price=usd.price("10.00"))],
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
(('lines[0].actual', 4000), ('total', 4200), ('payment_total', 0), ('balance', 4200))
"""

from ._model import POLICY
from ._read import (
    Profile,
    holds_recurring,
    read,
    read_files,
    read_recurring,
    read_taxes,
    split_files,
)
from ._shape import canonical
from ._write import (
    invoice_create_request,
    invoice_update_request,
    payment_create_requests,
    tax_create_requests,
    write,
)

__all__ = [
    "POLICY",
    "Profile",
    "canonical",
    "holds_recurring",
    "invoice_create_request",
    "invoice_update_request",
    "payment_create_requests",
    "read",
    "read_files",
    "read_recurring",
    "read_taxes",
    "split_files",
    "tax_create_requests",
    "write",
]
