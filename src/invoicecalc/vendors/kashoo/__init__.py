"""Kashoo / TrulySmall invoice records (``docs/vendors.md``, section Kashoo).

The surface every vendor module shares: :func:`write` gives the JSON
invoice records of ``(Entry, Totals)`` results and :func:`read` gives them
back as a :class:`~invoicecalc.document.Document`, with the totals each
record states for ``invoicecalc check``. :func:`invoice_record` gives one
record as Python values.

A record (``type: "INVOICE"``; ``"invoice"`` as real clients post it is
read too) has every amount in integer minor units (the engine's bound of
10**18 keeps them inside Kashoo's ``int64``) and ``lineItems`` of
``quantity``, ``rate`` and ``taxCode``. The payments are ``INVOICE_PAYMENT``
records nested under ``invoicePayments`` when written; on reading they may
also be records beside the invoice whose ``allocations`` name its ``id``.
Kashoo has no markup, flat fee, discount, cash rounding, late-fee terms or
rounding policy, so :func:`canonical` expresses them as lines where that
keeps every total exact and refuses them, naming the concept, where it
would not; withholding taxes are taxes of a negative rate, the home
currency is ``homeCurrency`` and ``exchangeRate``. Reading gives back the
invoice :func:`canonical` wrote.

>>> import datetime as dt
>>> from invoicecalc import Currency, Invoice, LineItem, calculate
>>> from invoicecalc.document import Entry
>>> usd = Currency("USD")
>>> invoice = Invoice(usd, dt.date(2024, 3, 1), dt.date(2024, 3, 31),
...                   lines=[LineItem(unit_price=usd.price("12.50"))])
>>> text = write([(Entry(invoice), calculate(invoice, as_of=dt.date(2024, 3, 1)))])
>>> [(key, value) for key, value in read(text).entries[0].stated if key == "total"]
[('total', 1250)]
"""

from ._read import entry_from_record, read, read_files
from ._shape import POLICY, canonical, line_taxes
from ._write import Exchange, invoice_record, write

__all__ = [
    "POLICY",
    "Exchange",
    "canonical",
    "entry_from_record",
    "invoice_record",
    "line_taxes",
    "read",
    "read_files",
    "write",
]
