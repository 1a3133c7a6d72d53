"""The public API as users write it, for ``mypy --strict`` (``.ci/run``); not a test to run.

Every call here is one the runtime accepts. If mypy refuses a line, the
annotations are narrower than the runtime (or wider, for ``assert_type``):
fix the annotations, not this file. pytest ignores this folder
(``--ignore=tests/typing`` in pyproject.toml).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import assert_type

import invoicecalc
from invoicecalc import (
    Amount,
    CashRounding,
    Currency,
    Expense,
    Invoice,
    LineItem,
    LineTotals,
    Payment,
    Policy,
    Price,
    Rounding,
    Task,
    Tax,
    TaxRounding,
    TaxTotal,
    Totals,
    calculate,
)
from invoicecalc.document import Document, Entry
from invoicecalc.errors import InvoiceCalcError
from invoicecalc.vendors import cashboard, freshbooks, kashoo

assert_type(invoicecalc.__version__, str)

# -- values ---------------------------------------------------------------------

usd = Currency("USD")
assert_type(usd.code, str)
assert_type(usd.exponent, int)

# A rate or a quantity as a Decimal, an int or decimal text: all exact.
vat = Tax("VAT", Decimal("20"))
gst = Tax("GST", "5")
pst = Tax("PST", 7, compound=True)
assert_type(vat.rate, Decimal)

# Money carries its currency: an Amount of whole minor units, a Price possibly finer.
fee = usd.amount("150.00")
rate = usd.price("85.00")
assert_type(fee, Amount)
assert_type(rate, Price)
assert_type(fee.currency, str)
assert_type(Amount(1999, "USD"), Amount)
assert_type(Price("12.5", "USD"), Price)
assert_type(fee + 1, int)  # sums are plain minor units
assert_type(usd.amount("10.00", "flat_fee"), Amount)  # the field an error would name

design = LineItem(
    title="Design",
    quantity=Decimal("10.5"),
    unit_price=rate,
    flat_fee=fee,
    taxes=["VAT"],
)
discounted = LineItem(unit_price=usd.price("12.50"), discount_amount=usd.amount("1.00"))
assert_type(design.unit_price, Price)
assert_type(design.flat_fee, Amount)
assert_type(discounted.discount_amount, Amount | None)
two = LineItem(quantity=2)
half = LineItem(quantity="1.5", markup_percentage="10")
assert_type(design.quantity, Decimal)
assert_type(design.taxes, tuple[str, ...])

invoice = Invoice(
    usd,
    invoice_date=dt.date(2024, 3, 1),
    due_date=dt.date(2024, 3, 31),
    lines=[design, two, half, discounted],
    taxes=(vat, gst, pst),
    discount_percentage="2",
    early_period_in_days=10,
    payments=[Payment(dt.date(2024, 3, 5), usd.amount("100.00"))],
    policy=Policy(rounding=Rounding.HALF_EVEN, tax_rounding=TaxRounding.PER_LINE),
    discount_amount=usd.amount("5.00"),
    cash_rounding=CashRounding(usd.amount("0.05")),
)
assert_type(invoice.payments[0].amount, Amount)
assert_type(invoice.discount_amount, Amount)
assert_type(CashRounding.of_currency(usd).increment, Amount)
task = Task("t1", "p1", hourly_rate=usd.price("60.00"), flat_fee=usd.amount("20.00"))
expense = Expense("x1", dt.date(2024, 3, 2), usd.amount("12.34"))
assert_type(task.hourly_rate, Price)
assert_type(expense.amount, Amount)
assert_type(invoice.lines, tuple[LineItem, ...])
assert_type(invoice.taxes, tuple[Tax, ...])

# -- totals ---------------------------------------------------------------------

totals = calculate(invoice, as_of=dt.date(2024, 3, 10))
assert_type(totals, Totals)
assert_type(totals.item_actual, int)
assert_type(totals.tax_total, int)
assert_type(totals.discount, int)
assert_type(totals.late_fee, int)
assert_type(totals.total, int)
assert_type(totals.payment_total, int)
assert_type(totals.balance, int)
assert_type(totals.has_been_paid, bool)
assert_type(totals.total_quantity, Decimal)
assert_type(totals.lines, tuple[LineTotals, ...])
assert_type(totals.taxes, tuple[TaxTotal, ...])
assert_type(totals.lines[0].actual, int)
assert_type(totals.taxes[0].amount, int)

assert_type(usd.format(totals.total), str)
assert_type(usd.format(totals.total, locale="de_DE"), str)

# -- vendor formats ---------------------------------------------------------------

# What every vendor can carry: one taxed line, the default policy.
simple = Invoice(usd, dt.date(2024, 3, 1), dt.date(2024, 3, 31), lines=[design], taxes=[vat])
results = [(Entry(simple), calculate(simple, as_of=dt.date(2024, 3, 10)))]

cashboard_xml = cashboard.write(results)
assert_type(cashboard_xml, str)
assert_type(cashboard.write(results, form="json", array=True, financial=False), str)
assert_type(cashboard.write_invoice_lines(results), str)
assert_type(cashboard.write_invoice_payments(results), str)
assert_type(cashboard.write_payments(results), str)
# An invoice comes with its lines; the currency is the account document's, or given.
cashboard_lines = cashboard.write_invoice_lines(results)
account_xml = "<account><currency_type_code>USD</currency_type_code></account>"
assert_type(cashboard.read(cashboard_xml, cashboard_lines, currency=usd), Document)
assert_type(cashboard.read(cashboard_xml.encode(), cashboard_lines, account_xml), Document)
assert_type(cashboard.read_account(account_xml), Currency)
assert_type(
    cashboard.read_files(
        [("invoice.xml", cashboard_xml), ("lines.xml", cashboard_lines)], currency=usd
    ),
    list[tuple[str, Document]],
)

freshbooks_xml = freshbooks.write(results)
assert_type(freshbooks_xml, str)
assert_type(freshbooks.read(freshbooks_xml), Document)
assert_type(freshbooks.read(freshbooks_xml.encode(), base_currency="USD"), Document)
assert_type(freshbooks.canonical(simple, as_of=dt.date(2024, 3, 10)), Invoice)

kashoo_json = kashoo.write(results, locale="en_US", exchange=kashoo.Exchange.parse("CAD", "1.35"))
assert_type(kashoo_json, str)
assert_type(kashoo.read(kashoo_json), Document)

document = kashoo.read(kashoo_json)
assert_type(document.entries, tuple[Entry, ...])
assert_type(document.entries[0].invoice, Invoice)
assert_type(document.entries[0].as_of, dt.date | None)

# -- errors -------------------------------------------------------------------------

try:
    Tax("VAT", "-1")
except InvoiceCalcError as error:
    assert_type(error, InvoiceCalcError)
    assert_type(str(error), str)
