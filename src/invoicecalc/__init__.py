"""invoicecalc: exact invoice totals in integer minor units.

>>> import datetime as dt
>>> from decimal import Decimal
>>> from invoicecalc import Currency, Invoice, LineItem, calculate
>>> usd = Currency("USD")
>>> line = LineItem(quantity=Decimal("0.3334"), unit_price=usd.price("75.00"))
>>> invoice = Invoice(usd, dt.date(2024, 3, 1), dt.date(2024, 3, 31), lines=[line])
>>> usd.format(calculate(invoice, as_of=dt.date(2024, 3, 1)).total)
'25.01'
"""

from importlib.metadata import version as _version

from ._calculate import HomeTotals, LineTotals, TaxTotal, Totals, calculate
from ._estimate import Bound, EstimateTotals, accept_estimate, estimate
from ._explain import Explanation, Step, explain
from ._model import (
    CashRounding,
    DiscountBase,
    HomeCurrency,
    Invoice,
    LineItem,
    LineKind,
    Payment,
    Policy,
    Tax,
    TaxRounding,
    sales_taxes,
)
from ._money import Amount, Currency, Price, Rounding
from ._recurring import Frequency, occurrence_dates, recur
from ._schedule import EarlyDeadline, LateFee, Reminder, ReminderKind, Schedule, schedule
from ._terms import Terms, apply_terms, due_date
from ._uninvoiced import Expense, ImportedItems, Task, TimeEntry, import_uninvoiced_items

__version__ = _version("invoicecalc")

__all__ = [
    "Amount",
    "Bound",
    "CashRounding",
    "Currency",
    "DiscountBase",
    "EarlyDeadline",
    "EstimateTotals",
    "Expense",
    "Explanation",
    "Frequency",
    "HomeCurrency",
    "HomeTotals",
    "ImportedItems",
    "Invoice",
    "LateFee",
    "LineItem",
    "LineKind",
    "LineTotals",
    "Payment",
    "Policy",
    "Price",
    "Reminder",
    "ReminderKind",
    "Rounding",
    "Schedule",
    "Step",
    "Task",
    "Tax",
    "TaxRounding",
    "TaxTotal",
    "Terms",
    "TimeEntry",
    "Totals",
    "accept_estimate",
    "apply_terms",
    "calculate",
    "due_date",
    "estimate",
    "explain",
    "import_uninvoiced_items",
    "occurrence_dates",
    "recur",
    "sales_taxes",
    "schedule",
]
