"""Invariants of the calculator over generated invoices (every exponent, every policy)."""

from __future__ import annotations

import datetime as dt

import attrs
from hypothesis import given
from hypothesis import strategies as st

from invoicecalc import Invoice, LineItem, Rounding, TaxRounding, Totals, calculate
from invoicecalc.testing import as_of_dates, invoices

invoice_and_date = st.data()


def draw(data: st.DataObject, **switches: bool) -> tuple[Invoice, dt.date]:
    invoice = data.draw(invoices(**switches), label="invoice")
    return invoice, data.draw(as_of_dates(invoice), label="as_of")


def amounts(totals: Totals) -> list[int]:
    """Every money amount of the totals, in a fixed order."""
    return [
        totals.item_cost,
        totals.item_profit,
        totals.item_actual,
        totals.item_taxable,
        totals.discount,
        *(tax.amount for tax in totals.taxes),
        totals.late_fee,
        totals.total,
        totals.payment_total,
        totals.balance,
        *(amount for line in totals.lines for amount in (line.cost, line.markup, line.actual)),
    ]


@given(invoice_and_date)
def test_totals_add_up(data: st.DataObject) -> None:
    invoice, as_of = draw(data)
    totals = calculate(invoice, as_of=as_of)
    assert totals.item_actual == totals.item_cost + totals.item_profit
    assert totals.item_actual == sum(line.actual for line in totals.lines)
    assert all(line.actual == line.cost + line.markup for line in totals.lines)
    assert totals.total == totals.item_actual - totals.discount + totals.tax_total + totals.late_fee
    assert totals.balance == totals.total - totals.payment_total
    assert totals.has_been_paid == (totals.balance <= 0)
    assert totals.payment_total == sum(p.amount for p in invoice.payments if p.date <= as_of)
    assert totals.total_quantity == sum(line.quantity for line in invoice.lines)


@given(invoice_and_date)
def test_line_order_does_not_change_any_total(data: st.DataObject) -> None:
    invoice, as_of = draw(data)
    shuffled = data.draw(st.permutations(invoice.lines), label="order")
    before = calculate(invoice, as_of=as_of)
    after = calculate(attrs.evolve(invoice, lines=shuffled), as_of=as_of)
    assert attrs.evolve(after, line_amounts=()) == attrs.evolve(before, line_amounts=())
    assert sorted(after.line_amounts) == sorted(before.line_amounts)


def negated(line: LineItem, field: str) -> LineItem:
    return attrs.evolve(line, flat_fee=-line.flat_fee, **{field: -getattr(line, field)})


@given(
    invoice_and_date,
    st.sampled_from([Rounding.HALF_UP, Rounding.HALF_EVEN]),
    st.sampled_from(["quantity", "unit_price"]),
)
def test_negating_lines_negates_every_amount(
    data: st.DataObject, mode: Rounding, field: str
) -> None:
    # Each line's amount is negated by negating its flat fee and its quantity or its unit
    # price (negating both would leave quantity * price as it was).
    invoice, as_of = draw(data, payments=False, discount=False, late=False)
    invoice = attrs.evolve(invoice, policy=attrs.evolve(invoice.policy, rounding=mode))
    credit = attrs.evolve(invoice, lines=[negated(line, field) for line in invoice.lines])
    assert amounts(calculate(credit, as_of=as_of)) == [
        -amount for amount in amounts(calculate(invoice, as_of=as_of))
    ]


@given(invoice_and_date, st.integers(min_value=0, max_value=400))
def test_late_fee_never_decreases_with_time(data: st.DataObject, days: int) -> None:
    invoice, as_of = draw(data)
    earlier = calculate(invoice, as_of=as_of)
    later = calculate(invoice, as_of=as_of + dt.timedelta(days=days))
    assert later.late_fee >= earlier.late_fee


@given(invoice_and_date)
def test_results_are_deterministic(data: st.DataObject) -> None:
    invoice, as_of = draw(data)
    rebuilt = Invoice(**{f.name: getattr(invoice, f.name) for f in attrs.fields(Invoice) if f.init})
    assert rebuilt is not invoice
    assert calculate(invoice, as_of=as_of) == calculate(rebuilt, as_of=as_of)
    assert calculate(invoice, as_of=as_of) == calculate(invoice, as_of=as_of)


@given(invoice_and_date)
def test_per_line_and_per_document_taxes_stay_close(data: st.DataObject) -> None:
    # Rounding each line instead of the sum moves a tax by at most one minor unit per line
    # for each rounding that feeds it: the line's own, and under a pre-tax discount the
    # rounded net, and for a compound tax the rounded earlier taxes (rates stay <= 30%).
    invoice, as_of = draw(data, early=False)
    document = calculate(
        attrs.evolve(
            invoice, policy=attrs.evolve(invoice.policy, tax_rounding=TaxRounding.PER_DOCUMENT)
        ),
        as_of=as_of,
    )
    per_line = calculate(
        attrs.evolve(
            invoice, policy=attrs.evolve(invoice.policy, tax_rounding=TaxRounding.PER_LINE)
        ),
        as_of=as_of,
    )
    for j, (doc_tax, line_tax) in enumerate(zip(document.taxes, per_line.taxes, strict=True)):
        lines = sum(1 for carried in invoice._carried if j in carried)
        assert abs(doc_tax.amount - line_tax.amount) <= lines * (j + 1)


@given(invoice_and_date)
def test_payments_after_as_of_change_nothing(data: st.DataObject) -> None:
    invoice, as_of = draw(data)
    kept = [payment for payment in invoice.payments if payment.date <= as_of]
    assert calculate(invoice, as_of=as_of) == calculate(
        attrs.evolve(invoice, payments=kept), as_of=as_of
    )
