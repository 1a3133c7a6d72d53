"""Invariants of the calculator over generated invoices (every exponent, every policy,
every v2 feature). Each property checks the engine against something worked out
independently of it: the inputs, another invoice, another process."""

from __future__ import annotations

import datetime as dt
import math
import os
import pickle
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import pytest
from hypothesis import given, reject, settings
from hypothesis import strategies as st

from invoicecalc import (
    Amount,
    CashRounding,
    DiscountBase,
    Invoice,
    LineItem,
    Payment,
    Rounding,
    Tax,
    TaxRounding,
    Totals,
    calculate,
)
from invoicecalc.errors import InvalidValueError
from invoicecalc.testing import (
    V1_ONLY,
    as_of_dates,
    boundary_invoices,
    decimals,
    home_currencies,
    invoices,
)
from test_reference import rnd

invoice_and_date = st.data()


def draw(data: st.DataObject, **switches: Any) -> tuple[Invoice, dt.date]:
    invoice = data.draw(invoices(**switches), label="invoice")
    return invoice, data.draw(as_of_dates(invoice), label="as_of")


@st.composite
def invoices_and_dates(draw: st.DrawFn) -> tuple[Invoice, dt.date]:
    invoice = draw(invoices())
    return invoice, draw(as_of_dates(invoice))


def with_policy(invoice: Invoice, **fields: object) -> Invoice:
    return attrs.evolve(invoice, policy=attrs.evolve(invoice.policy, **fields))


def amounts(totals: Totals) -> list[int]:
    """Every money amount of the totals, in a fixed order."""
    home = totals.home
    return [
        totals.item_cost,
        totals.item_profit,
        totals.item_actual,
        totals.item_taxable,
        totals.line_discount,
        totals.discount,
        totals.subtotal,
        totals.cash_rounding,
        *totals.tax_amounts,
        *totals.tax_bases,
        totals.late_fee,
        totals.total,
        totals.payment_total,
        totals.balance,
        *(amount for line in totals.line_amounts for amount in line),
        *(
            []
            if home is None
            else [home.subtotal, *home.tax_amounts, home.tax_total, home.total, home.balance]
        ),
    ]


def carried(invoice: Invoice) -> list[list[int]]:
    """The taxes (positions) each line carries, from the spec's rule."""
    names = [tax.name for tax in invoice.taxes]
    return [
        []
        if not line.taxable
        else sorted(names.index(name) for name in line.taxes)
        if line.taxes
        else list(range(len(names)))
        for line in invoice.lines
    ]


# -- amounts derived from the inputs ----------------------------------------------------------


@given(invoice_and_date)
def test_line_amounts_and_sums_follow_from_the_inputs(data: st.DataObject) -> None:
    # Each line's cost, markup, actual, own discount and net worked out here from its
    # fields; the item sums, the counted payments and the home amounts likewise.
    invoice, as_of = draw(data)
    totals = calculate(invoice, as_of=as_of)
    mode = invoice.policy.rounding
    expected = []
    for line in invoice.lines:
        cost = line.flat_fee + rnd(Fraction(line.quantity) * Fraction(line.unit_price), mode)
        markup = rnd(cost * Fraction(line.markup_percentage) / 100, mode)
        actual = cost + markup
        if line.discount_percentage is not None:
            own = rnd(actual * Fraction(line.discount_percentage) / 100, mode)
        elif line.discount_amount is not None:
            own = int(math.copysign(line.discount_amount, actual)) if actual else 0
        else:
            own = 0
        expected.append((cost, markup, actual, own, actual - own))
    assert [tuple(line) for line in totals.line_amounts] == expected
    assert totals.item_cost == sum(line[0] for line in expected)
    assert totals.item_profit == sum(line[1] for line in expected)
    assert totals.item_actual == sum(line[2] for line in expected)
    assert totals.item_taxable == sum(
        line[2] for line, item in zip(expected, invoice.lines, strict=True) if item.taxable
    )
    assert totals.line_discount == sum(line[3] for line in expected)
    assert totals.total_quantity == sum(line.quantity for line in invoice.lines)
    counted = sum(p.amount for p in invoice.payments if p.date <= as_of)
    assert totals.payment_total == counted
    assert totals.balance == totals.total - counted
    assert totals.has_been_paid == (totals.total <= counted)
    if not invoice.taxes:
        assert totals.tax_amounts == ()
    if invoice.home_currency is None:
        assert totals.home is None
    else:
        home = invoice.home_currency
        scale = Fraction(home.rate) * Fraction(10) ** (
            home.currency.exponent - invoice.currency.exponent
        )

        def convert(amount: int) -> int:
            return rnd(amount * scale, Rounding.HALF_UP)

        assert totals.home is not None
        assert totals.home.currency == home.currency
        assert totals.home.subtotal == convert(totals.subtotal)
        assert list(totals.home.tax_amounts) == [convert(a) for a in totals.tax_amounts]
        assert totals.home.tax_total == convert(sum(totals.tax_amounts))
        assert totals.home.total == convert(totals.total)
        assert totals.home.balance == convert(totals.balance)


@given(invoice_and_date)
def test_per_line_totals_are_the_sums_of_one_line_invoices(data: st.DataObject) -> None:
    # Under per_line every amount is a sum over lines, so each line billed on its own
    # invoice adds up to the whole (without what is worked out over the whole invoice:
    # an amount discount, cash rounding, payments and late fees).
    invoice, as_of = draw(
        data, payments=False, late=False, discount_amount=False, cash_rounding=False
    )
    invoice = with_policy(invoice, tax_rounding=TaxRounding.PER_LINE)
    whole = calculate(invoice, as_of=as_of)
    parts = [calculate(attrs.evolve(invoice, lines=[line]), as_of=as_of) for line in invoice.lines]
    for field in ("item_actual", "line_discount", "discount", "subtotal", "total"):
        assert getattr(whole, field) == sum(getattr(part, field) for part in parts), field
    for j in range(len(invoice.taxes)):
        assert whole.tax_amounts[j] == sum(part.tax_amounts[j] for part in parts)
        assert whole.tax_bases[j] == sum(part.tax_bases[j] for part in parts)
    assert list(whole.line_amounts) == [part.line_amounts[0] for part in parts]


# -- the total --------------------------------------------------------------------------------


@given(invoice_and_date)
def test_subtotal_taxes_and_cash_rounding_make_the_total(data: st.DataObject) -> None:
    invoice, as_of = draw(data)
    totals = calculate(invoice, as_of=as_of)
    assert totals.total_before_fees == totals.subtotal + sum(totals.tax_amounts) + (
        totals.cash_rounding
    )
    assert totals.total == totals.total_before_fees + totals.late_fee
    taxes_in_prices = sum(totals.tax_amounts) if invoice.tax_inclusive else 0
    assert totals.subtotal == (
        totals.item_actual - totals.line_discount - totals.discount - taxes_in_prices
    )


@given(invoice_and_date)
def test_tax_inclusive_extraction_never_changes_the_gross(data: st.DataObject) -> None:
    # The gross is what the prices say, less the discounts; and it cannot depend on the
    # tax rates at all: the same invoice with every rate at 0 has the same totals.
    invoice, as_of = draw(data, tax_inclusive=True)
    try:
        totals = calculate(invoice, as_of=as_of)
    except InvalidValueError as error:
        # Daily late fees compounding for a year can pass the supported range: refused.
        if error.field != "late_fee":
            raise
        reject()
    assert totals.total_before_fees == (
        totals.item_actual - totals.line_discount - totals.discount + totals.cash_rounding
    )
    untaxed = attrs.evolve(
        invoice, taxes=[attrs.evolve(tax, rate=Decimal(0)) for tax in invoice.taxes]
    )
    zero = calculate(untaxed, as_of=as_of)
    for field in ("discount", "cash_rounding", "total_before_fees", "late_fee", "total"):
        assert getattr(totals, field) == getattr(zero, field), field
    assert totals.subtotal + sum(totals.tax_amounts) == zero.subtotal


# -- the amount discount ----------------------------------------------------------------------


@given(invoice_and_date, st.booleans())
def test_amount_discount_shares_are_whole_and_add_up(data: st.DataObject, inclusive: bool) -> None:
    # Give every line a tax of its own at 0%: the tax's base is then exactly the line's
    # net less its share of the amount discount, so the shares can be read off the bases.
    drawn, _ = draw(
        data, discount=False, payments=False, late=False, max_taxes=0, tax_inclusive=inclusive
    )
    # Each line twice, sometimes: equal nets make equal remainders, which the tie rule
    # (the earlier line first) decides.
    twice = data.draw(st.booleans(), label="each line twice")
    drawn_lines = [*drawn.lines, *drawn.lines] if twice else list(drawn.lines)
    lines = [
        attrs.evolve(line, taxable=True, taxes=(f"L{i}",)) for i, line in enumerate(drawn_lines)
    ]
    own_taxes = [Tax(f"L{i}", Decimal(0)) for i in range(len(lines))]
    nothing = Amount(0, drawn.currency.code)
    plain = attrs.evolve(drawn, lines=lines, taxes=own_taxes, discount_amount=nothing)
    plain = with_policy(plain, discount_base=DiscountBase.PRE_TAX)
    nets = [line[4] for line in calculate(plain, as_of=plain.invoice_date).line_amounts]
    bound = sum(net for net in nets if net > 0)
    amount = data.draw(st.sampled_from([0, bound]) | st.integers(0, bound), label="amount")
    invoice = attrs.evolve(plain, discount_amount=Amount(amount, plain.currency.code))
    totals = calculate(invoice, as_of=invoice.invoice_date)
    shares = [net - base for net, base in zip(nets, totals.tax_bases, strict=True)]
    assert sum(shares) == amount
    assert totals.discount == amount
    for net, share in zip(nets, shares, strict=True):
        if net <= 0:
            assert share == 0
        else:
            assert abs(share - Fraction(amount * net, bound)) < 1
    # Largest remainder exactly: the floors, then one unit each to the largest remainders,
    # an earlier line first on a tie.
    if amount:
        exact = [Fraction(amount * net, bound) if net > 0 else Fraction(0) for net in nets]
        floors = [math.floor(x) for x in exact]
        order = sorted(
            (i for i, net in enumerate(nets) if net > 0), key=lambda i: (floors[i] - exact[i], i)
        )
        for i in order[: amount - sum(floors)]:
            floors[i] += 1
        assert shares == floors


# -- cash rounding ----------------------------------------------------------------------------


@given(invoice_and_date, st.integers(1, 500), st.sampled_from([None, *Rounding]))
def test_cash_rounding_rounds_only_the_total(
    data: st.DataObject, increment: int, mode: Rounding | None
) -> None:
    # Without payments (so the early-payment periods do not depend on the rounding), the
    # cash-rounded invoice is the plain one with its total rounded to the increment.
    drawn, as_of = draw(data, payments=False, cash_rounding=False)
    plain = calculate(drawn, as_of=as_of)
    rule = CashRounding(Amount(increment, drawn.currency.code), mode)
    totals = calculate(attrs.evolve(drawn, cash_rounding=rule), as_of=as_of)
    before = plain.total_before_fees
    assert totals.total_before_fees % increment == 0
    assert totals.total_before_fees == before + totals.cash_rounding
    for field in ("subtotal", "discount", "tax_amounts", "tax_bases", "line_amounts"):
        assert getattr(totals, field) == getattr(plain, field), field
    used = drawn.policy.rounding if mode is None else mode
    moved = totals.cash_rounding
    if used in (Rounding.HALF_UP, Rounding.HALF_EVEN):
        assert 2 * abs(moved) <= increment
    else:
        assert abs(moved) < increment
        assert (abs(totals.total_before_fees) >= abs(before)) == (used == "up" or moved == 0)


# -- withholding ------------------------------------------------------------------------------


@given(invoice_and_date)
def test_withholding_amounts_are_never_positive(data: st.DataObject) -> None:
    invoice, as_of = draw(data, negative=False, tax_inclusive=False)
    totals = calculate(invoice, as_of=as_of)
    for tax, amount, base in zip(invoice.taxes, totals.tax_amounts, totals.tax_bases, strict=True):
        assert base >= 0
        if tax.withholding:
            assert amount <= 0


@given(invoice_and_date)
def test_a_withheld_tax_is_the_same_tax_negated(data: st.DataObject) -> None:
    # Withholding only turns the sign: the same tax, not withheld, has the opposite amount
    # and the same base (credit lines included). Without payments, so that the
    # early-payment periods cannot change with the total.
    invoice, as_of = draw(data, tax_inclusive=False)
    unpaid = calculate(attrs.evolve(invoice, payments=[]), as_of=as_of)
    for j, tax in enumerate(invoice.taxes):
        if tax.withholding:
            others = list(invoice.taxes)
            others[j] = attrs.evolve(tax, withholding=False)
            flipped = calculate(attrs.evolve(invoice, taxes=others, payments=[]), as_of=as_of)
            assert flipped.tax_amounts[j] == -unpaid.tax_amounts[j]
            assert flipped.tax_bases[j] == unpaid.tax_bases[j]
            if invoice.policy.tax_rounding is TaxRounding.PER_DOCUMENT:
                # Rounded once: the amount is never of the base's sign.
                assert unpaid.tax_amounts[j] * unpaid.tax_bases[j] <= 0


# -- symmetry and order -----------------------------------------------------------------------


def negated(line: LineItem, field: str) -> LineItem:
    return attrs.evolve(line, flat_fee=-line.flat_fee, **{field: -getattr(line, field)})


@given(
    invoice_and_date, st.sampled_from(list(Rounding)), st.sampled_from(["quantity", "unit_price"])
)
def test_negating_lines_negates_every_amount(
    data: st.DataObject, mode: Rounding, field: str
) -> None:
    # Each line's amount is negated by negating its flat fee and its quantity or its unit
    # price (negating both would leave quantity * price as it was). Every mode rounds
    # symmetrically (half_up and up away from zero, down toward it), so every amount turns:
    # line discounts, the percentage discount, taxes, bases, withholding, tax-inclusive
    # extraction, cash rounding, home amounts. (An amount discount needs positive nets,
    # and payments and late fees are not symmetric.)
    # (The mode is drawn with the invoice: a line discount amount is bounded by the
    # line's amount in that mode.)
    invoice, as_of = draw(
        data, payments=False, late=False, early=False, discount_amount=False, roundings=(mode,)
    )
    credit = attrs.evolve(invoice, lines=[negated(line, field) for line in invoice.lines])
    assert amounts(calculate(credit, as_of=as_of)) == [
        -amount for amount in amounts(calculate(invoice, as_of=as_of))
    ]


@given(invoice_and_date)
def test_line_order_does_not_change_any_total(data: st.DataObject) -> None:
    # (Not with an amount discount: its ties go to the earlier line.)
    invoice, as_of = draw(data, discount_amount=False)
    shuffled = data.draw(st.permutations(invoice.lines), label="order")
    before = calculate(invoice, as_of=as_of)
    after = calculate(attrs.evolve(invoice, lines=shuffled), as_of=as_of)
    assert attrs.evolve(after, line_amounts=()) == attrs.evolve(before, line_amounts=())
    assert sorted(after.line_amounts) == sorted(before.line_amounts)


@given(invoice_and_date)
def test_per_line_and_per_document_taxes_stay_close(data: st.DataObject) -> None:
    # Rounding each line instead of the sum moves tax j (rates <= 30%) by less than
    # 1 + 0.3 * (1 + the earlier errors in its base) per line, plus one for the sum:
    # under pre_tax the rounded line share of the percentage discount, and for a compound
    # tax the rounded earlier taxes; extracted taxes (c/F < 1) by less than 2 per line.
    # At most lines * (j + 2) either way.
    invoice, as_of = draw(data, early=False)
    document = calculate(with_policy(invoice, tax_rounding=TaxRounding.PER_DOCUMENT), as_of=as_of)
    per_line = calculate(with_policy(invoice, tax_rounding=TaxRounding.PER_LINE), as_of=as_of)
    lines = carried(invoice)
    for j, (doc_tax, line_tax) in enumerate(
        zip(document.tax_amounts, per_line.tax_amounts, strict=True)
    ):
        count = sum(1 for carries in lines if j in carries)
        assert abs(doc_tax - line_tax) <= count * (j + 2)
    # Everything but the taxes, their bases and what follows from them is the same.
    assert document.line_amounts == per_line.line_amounts


# -- dates ------------------------------------------------------------------------------------


@given(invoice_and_date, st.integers(min_value=0, max_value=400))
def test_late_fee_never_decreases_with_time(data: st.DataObject, days: int) -> None:
    invoice, as_of = draw(data)
    earlier = calculate(invoice, as_of=as_of)
    later = calculate(invoice, as_of=as_of + dt.timedelta(days=days))
    assert later.late_fee >= earlier.late_fee


def total_at(invoice: Invoice, rate: Decimal, as_of: dt.date) -> int:
    """The invoice's total with ``rate`` as a plain discount, no payment and no fee."""
    plain = attrs.evolve(
        invoice,
        discount_percentage=rate,
        early_period_in_days=None,
        late_percentage=None,
        late_period_in_days=None,
        payments=(),
    )
    return calculate(plain, as_of=as_of).total


@given(invoice_and_date, st.data())
def test_a_larger_rate_never_raises_the_total_without_credit_nets_or_withholding(
    data: st.DataObject, rates: st.DataObject
) -> None:
    # What the early-payment search relies on to try one period per run of periods with
    # the same payments by their deadlines (every policy, inclusive, cash rounding).
    invoice, as_of = draw(data, negative=False, withholding=False)
    assert min(invoice.prepared.discounted, default=0) >= 0
    low, high = sorted(rates.draw(st.lists(decimals(0, 100, 3), min_size=2, max_size=2)))
    assert total_at(invoice, high, as_of) <= total_at(invoice, low, as_of)


@given(boundary_invoices() | invoices_and_dates(), st.integers(1, 3), st.data())
def test_the_early_search_finds_what_trying_every_period_finds(
    case: tuple[Invoice, dt.date], period: int, data: st.DataObject
) -> None:
    # Brute force, as docs/calculation.md states it: the largest k (of any) whose
    # deadline's payments, at least one, cover the total at min(100, k*d); then
    # max(k_settled, k_offer). Short periods and extra payments (refunds among them)
    # make long runs of periods with the same payments, which the search skips.
    invoice, as_of = case
    code = invoice.currency.code
    extra = data.draw(
        st.lists(
            st.builds(
                Payment,
                st.dates(invoice.invoice_date, invoice.due_date + dt.timedelta(days=5)),
                st.integers(-(10**4), 10**6).map(lambda minor: Amount(minor, code)),
            ),
            max_size=4,
        )
    )
    invoice = attrs.evolve(
        invoice,
        early_period_in_days=period,
        discount_percentage=data.draw(decimals(0, 5, 2)),
        payments=[*invoice.payments, *extra],
    )
    days = (invoice.due_date - invoice.invoice_date).days
    k_max = max(0, days // period)
    counted = [p for p in invoice.payments if p.date <= as_of]
    k_settled = 0
    for k in range(1, k_max + 1):
        deadline = invoice.due_date - dt.timedelta(days=k * period)
        by = [int(p.amount) for p in counted if p.date <= deadline]
        rate = min(Decimal(100), invoice.discount_percentage * k)
        if by and sum(by) >= total_at(invoice, rate, as_of):
            k_settled = k
    k_offer = 0
    if as_of < invoice.due_date and k_max:
        k_offer = min(k_max, (invoice.due_date - as_of).days // period)
    assert calculate(invoice, as_of=as_of).early_periods == max(k_settled, k_offer)


@given(boundary_invoices(negative=False, withholding=False))
def test_paying_a_day_later_never_costs_less(case: tuple[Invoice, dt.date]) -> None:
    # Payments on, before and after each deadline and boundary: moving every payment one
    # day later can lose an early-payment period or add a late fee, never the reverse
    # (with no credit lines and no withholding, a larger discount never raises the total;
    # a withheld amount shrinks with its base).
    invoice, as_of = case
    later = attrs.evolve(
        invoice,
        payments=[attrs.evolve(p, date=p.date + dt.timedelta(days=1)) for p in invoice.payments],
    )
    on_time = calculate(invoice, as_of=as_of)
    late = calculate(later, as_of=as_of)
    assert late.early_periods <= on_time.early_periods
    assert late.total >= on_time.total
    assert late.balance >= on_time.balance


@given(invoice_and_date)
def test_payments_after_as_of_change_nothing(data: st.DataObject) -> None:
    invoice, as_of = draw(data)
    kept = [payment for payment in invoice.payments if payment.date <= as_of]
    assert calculate(invoice, as_of=as_of) == calculate(
        attrs.evolve(invoice, payments=kept), as_of=as_of
    )


# -- v1 invoices and neutral v2 settings ------------------------------------------------------


@given(invoice_and_date)
def test_neutral_v2_settings_change_nothing(data: st.DataObject) -> None:
    # A v1 invoice, and the same with every v2 feature present but doing nothing: a 0%
    # or 0.00 line discount, a zero amount discount, a one-minor-unit cash rounding, a
    # compound list that is empty; a home currency adds its amounts and changes no other.
    invoice, as_of = draw(data, **V1_ONLY)
    totals = calculate(invoice, as_of=as_of)
    nothing = Amount(0, invoice.currency.code)
    neutral_lines = [
        attrs.evolve(line, discount_amount=nothing)
        if i % 2
        else attrs.evolve(line, discount_percentage=Decimal(0))
        for i, line in enumerate(invoice.lines)
    ]
    neutral = attrs.evolve(
        invoice,
        lines=neutral_lines,
        taxes=[tax if tax.compound else attrs.evolve(tax, compound=()) for tax in invoice.taxes],
        discount_amount=nothing,
        cash_rounding=CashRounding(Amount(1, invoice.currency.code)),
    )
    assert calculate(neutral, as_of=as_of) == totals
    assert totals.subtotal == totals.item_actual - totals.discount
    assert totals.line_discount == totals.cash_rounding == 0
    home = data.draw(
        home_currencies().filter(lambda home: home.currency != invoice.currency),
        label="home currency",
    )
    at_home = calculate(attrs.evolve(invoice, home_currency=home), as_of=as_of)
    assert at_home.home is not None
    assert attrs.evolve(at_home, home=None) == totals


# -- determinism across processes -------------------------------------------------------------

_CHILD = """
import pickle, sys
from invoicecalc import calculate
cases = pickle.loads(sys.stdin.buffer.read())
sys.stdout.write(repr([calculate(invoice, as_of=as_of) for invoice, as_of in cases]))
"""


@settings(max_examples=5)
@given(st.lists(invoices_and_dates(), min_size=1, max_size=20))
def test_results_are_the_same_in_other_processes_and_hash_seeds(
    cases: list[tuple[Invoice, dt.date]],
) -> None:
    # Nothing may depend on set or dict order of strings (hash randomisation), on object
    # identity or on state left behind by earlier calls: fresh interpreters with other
    # hash seeds give the same totals, to the repr.
    expected = repr([calculate(invoice, as_of=as_of) for invoice, as_of in cases])
    blob = pickle.dumps(cases)
    for seed in ("0", "1", "271828"):
        child = subprocess.run(
            [sys.executable, "-c", _CHILD],
            input=blob,
            capture_output=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
        )
        assert child.stdout.decode() == expected, seed


@pytest.mark.parametrize("seed", ["0", "99"])
def test_strategies_draw_the_same_in_other_hash_seeds(seed: str) -> None:
    # The ci profile is derandomized: the same invoices must be drawn whatever the hash
    # seed, or a red build would not reproduce.
    script = (
        "from hypothesis import given, reject, settings, strategies as st\n"
        "from invoicecalc.testing import invoices\n"
        "seen = []\n"
        "@settings(derandomize=True, max_examples=20, database=None)\n"
        "@given(invoices())\n"
        "def f(invoice): seen.append(repr(invoice))\n"
        "f()\n"
        "print('\\n'.join(seen))\n"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            env={**os.environ, "PYTHONHASHSEED": s},
            check=True,
        ).stdout
        for s in (seed, "12345")
    ]
    assert runs[0] == runs[1]
