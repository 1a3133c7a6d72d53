"""invoicecalc: exact invoice totals in integer minor units.

>>> import datetime as dt
>>> from decimal import Decimal
>>> from invoicecalc import Currency, Invoice, LineItem, calculate
>>> usd = Currency("USD")
>>> line = LineItem(quantity=Decimal("0.3334"), unit_price=usd.parse_price("75", "unit_price"))
>>> invoice = Invoice(usd, dt.date(2024, 3, 1), dt.date(2024, 3, 31), lines=[line])
>>> usd.format(calculate(invoice, as_of=dt.date(2024, 3, 1)).total)
'25.01'
"""

from ._calculate import LineTotals, TaxTotal, Totals, calculate
from ._model import (
    DiscountBase,
    Invoice,
    LineItem,
    LineKind,
    Payment,
    Policy,
    Tax,
    TaxRounding,
    sales_taxes,
)
from ._money import Currency, Rounding

__all__ = [
    "Currency",
    "DiscountBase",
    "Invoice",
    "LineItem",
    "LineKind",
    "LineTotals",
    "Payment",
    "Policy",
    "Rounding",
    "Tax",
    "TaxRounding",
    "TaxTotal",
    "Totals",
    "calculate",
    "sales_taxes",
]
