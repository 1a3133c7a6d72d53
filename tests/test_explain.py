# ruff: noqa: RUF001
# The explanation quotes docs/calculation.md, multiplication and minus signs included.
"""invoicecalc.explain: every amount of calculate(), step by step, from the engine's own code.

The property tests check over generated invoices (every v2 feature, every policy and
exponent) that each final amount the explanation shows is the one calculate() returns,
and that every exact value shown rounds, in the mode shown, to the amount shown.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D
from fractions import Fraction

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from invoicecalc import (
    CashRounding,
    Currency,
    Explanation,
    HomeCurrency,
    Invoice,
    LineItem,
    Payment,
    Policy,
    Rounding,
    Tax,
    TaxRounding,
    Totals,
    calculate,
    explain,
)
from invoicecalc.errors import InvalidTypeError
from invoicecalc.testing import as_of_dates, boundary_invoices, invoices

USD = Currency("USD")
MARCH_1, MARCH_31 = dt.date(2024, 3, 1), dt.date(2024, 3, 31)


def final_amounts(totals: Totals) -> dict[str, int]:
    """Every amount of the totals, under the id of the step that gives it."""
    found = {
        name: getattr(totals, name)
        for name in (
            "item_cost",
            "item_profit",
            "item_actual",
            "item_taxable",
            "line_discount",
            "discount",
            "subtotal",
            "tax_total",
            "cash_rounding",
            "total_before_fees",
            "late_fee",
            "total",
            "payment_total",
            "balance",
        )
    }
    for i, line in enumerate(totals.lines):
        for field in ("cost", "markup", "actual", "discount", "net"):
            found[f"lines[{i}].{field}"] = getattr(line, field)
    for j, tax in enumerate(totals.taxes):
        found[f"taxes[{j}].amount"] = tax.amount
        found[f"taxes[{j}].base"] = tax.base
    if totals.home is not None:
        home = totals.home
        found |= {
            "home.subtotal": home.subtotal,
            "home.tax_total": home.tax_total,
            "home.total": home.total,
            "home.balance": home.balance,
        }
        for j, amount in enumerate(home.tax_amounts):
            found[f"home.taxes[{j}].amount"] = amount
    return found


def rounds_to(exact: Fraction, mode: Rounding, increment: int) -> int:
    """``exact`` rounded in ``mode`` to a multiple of ``increment``, worked out here."""
    scaled = exact / increment
    floor = scaled.numerator // scaled.denominator
    below, above = floor, floor + 1
    if scaled == floor:
        return floor * increment
    toward_zero = below if scaled > 0 else above
    away = above if scaled > 0 else below
    if mode is Rounding.DOWN:
        chosen = toward_zero
    elif mode is Rounding.UP:
        chosen = away
    elif scaled - below != Fraction(1, 2):
        chosen = below if scaled - below < Fraction(1, 2) else above
    elif mode is Rounding.HALF_UP:
        chosen = away
    else:
        chosen = below if below % 2 == 0 else above
    return chosen * increment


def check(invoice: Invoice, as_of: dt.date) -> Explanation:
    totals = calculate(invoice, as_of=as_of)
    explanation = explain(invoice, as_of=as_of)
    assert explanation.totals == totals
    ids = [step.id for step in explanation.steps]
    assert len(ids) == len(set(ids)), "every step has its own id"
    for id, amount in final_amounts(totals).items():
        assert explanation.step(id).amount == amount, id
    rate = explanation.steps[ids.index("early.rate")] if "early.rate" in ids else None
    if rate is not None:
        assert rate.amount == totals.early_periods
    for step in explanation.steps:
        assert step.rule, step
        assert step.section, step
        assert step.detail, step
        if step.exact is None or step.amount is None or step.unit == "periods":
            continue
        if step.rounding is None:
            assert step.exact == step.amount, step
        else:
            assert rounds_to(step.exact, step.rounding, step.increment) == step.amount, step
    return explanation


@given(st.data())
def test_every_amount_is_calculates_and_every_exact_value_rounds_to_it(data: st.DataObject) -> None:
    invoice = data.draw(invoices())
    check(invoice, data.draw(as_of_dates(invoice)))


@given(st.data())
def test_per_line_and_tax_inclusive_invoices_too(data: st.DataObject) -> None:
    policy = data.draw(
        st.builds(
            Policy, rounding=st.sampled_from(Rounding), tax_rounding=st.just(TaxRounding.PER_LINE)
        )
    )
    invoice = data.draw(invoices(policy=policy, tax_inclusive=data.draw(st.booleans())))
    check(invoice, data.draw(as_of_dates(invoice)))


@given(boundary_invoices())
def test_invoices_on_the_boundaries(drawn: tuple[Invoice, dt.date]) -> None:
    check(*drawn)


def test_the_traced_preparation_is_the_invoices_own() -> None:
    invoice = Invoice(USD, MARCH_1, MARCH_31, lines=[LineItem(unit_price=USD.price("1.00"))])
    explanation = explain(invoice, as_of=MARCH_1)
    assert explanation.totals == calculate(invoice, as_of=MARCH_1)
    with pytest.raises(InvalidTypeError):
        explain(invoice, as_of=dt.datetime(2024, 3, 1))  # type: ignore[arg-type]


def test_an_explanation_is_immutable() -> None:
    explanation = explain(Invoice(USD, MARCH_1, MARCH_31), as_of=MARCH_1)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        explanation.totals = explanation.totals  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        explanation.steps[0].amount = 1  # type: ignore[misc]


# -- what each kind of step says -------------------------------------------------------------


def test_a_line_its_cost_markup_discount_and_net() -> None:
    design = LineItem(
        quantity=D("10.5"),
        unit_price=USD.price("85"),
        flat_fee=USD.amount("25.00"),
        markup_percentage=D(15),
        discount_percentage=D(10),
    )
    explanation = explain(Invoice(USD, MARCH_1, MARCH_31, lines=[design]), as_of=MARCH_1)
    product = explanation.step("lines[0].quantity_price")
    assert (product.rule, product.exact, product.amount) == (
        "cost = f + round(q × p)",
        89250,
        89250,
    )
    assert product.detail == "10.5 × 85.00 = 892.50"
    assert explanation.step("lines[0].cost").detail == "25.00 + 892.50 = 917.50"
    markup = explanation.step("lines[0].markup")
    assert (markup.exact, markup.amount, markup.rounding) == (Fraction(27525, 2), 13763, "half_up")
    assert markup.detail == "917.50 × 15% = 137.625, rounded half_up to 137.63"
    discount = explanation.step("lines[0].discount")
    assert discount.rule == "line discount = round(actual × ld / 100)"
    assert discount.detail == "1055.13 × 10% = 105.513, rounded half_up to 105.51"
    assert explanation.step("lines[0].net").amount == 94962


def test_the_shares_of_a_discount_amount_say_who_got_the_units_left_over() -> None:
    ones = [LineItem(unit_price=USD.price("1.00"), taxes=[name]) for name in ("T1", "T2", "T3")]
    invoice = Invoice(
        USD, MARCH_1, MARCH_31, lines=ones, taxes=[Tax(n, D(10)) for n in ("T1", "T2", "T3")],
        discount_amount=USD.amount("0.02"),
    )  # fmt: skip
    explanation = explain(invoice, as_of=MARCH_1)
    shares = [explanation.step(f"allocation[{i}]") for i in range(3)]
    assert [s.exact for s in shares] == [Fraction(2, 3)] * 3
    assert [s.amount for s in shares] == [1, 1, 0]
    assert "one unit left over" in shares[0].detail
    assert "one unit left over" not in shares[2].detail
    assert (
        explanation.step("allocation.left_over").detail
        == "2 unit(s) left over, to lines[0], lines[1]"
    )
    assert "earlier line first on a tie" in shares[0].rule


def test_the_early_payment_decision() -> None:
    invoice = Invoice(
        USD, MARCH_1, MARCH_31, lines=[LineItem(unit_price=USD.price("1000"))],
        discount_percentage=D(1), early_period_in_days=5,
        payments=[Payment(dt.date(2024, 3, 12), USD.amount("970.00"))],
    )  # fmt: skip
    explanation = explain(invoice, as_of=dt.date(2024, 6, 1))
    assert explanation.step("early.k_max").amount == 6
    tried = [s for s in explanation.steps if s.id.startswith("early.tried")]
    assert [s.id for s in tried] == [
        "early.tried[3]"
    ]  # the first payment is after period 4's deadline
    assert (
        "2024-03-16; 1 payment(s) by then, 970.00, against total_before_fees 970.00"
        in tried[0].detail
    )
    assert tried[0].detail.endswith("covered")
    assert explanation.step("early.k_offer").amount == 0
    assert explanation.step("early.k_settled").amount == 3
    assert explanation.step("early.rate").detail == "k = 3: min(100, 3 × 1%) = 3%"


def test_tax_inclusive_shows_the_extraction_factor() -> None:
    invoice = Invoice(
        USD, MARCH_1, MARCH_31, lines=[LineItem(unit_price=USD.price("24900.00"))],
        tax_inclusive=True, taxes=[Tax("Tax 1", D(14)), Tax("Tax 2", D(14))],
    )  # fmt: skip
    explanation = explain(invoice, as_of=MARCH_1)
    policy = explanation.step("taxes.policy")
    assert "Tax 1 on lines carrying Tax 1+Tax 2: c_j / F = 0.109375" in policy.detail
    assert "G × c_j / F" in policy.rule
    tax = explanation.step("taxes[0].amount")
    assert (tax.exact, tax.amount) == (Fraction(1089375, 4), 272344)


def test_cash_rounding_late_fees_payments_and_home_currency() -> None:
    chf = Currency("CHF")
    swiss = Invoice(
        chf, dt.date(2024, 1, 1), dt.date(2024, 1, 31),
        lines=[LineItem(unit_price=chf.price("99.90"))],
        taxes=[Tax("MWST", D("8.1"))], cash_rounding=CashRounding.of_currency(chf),
        late_percentage=D(2), late_period_in_days=30,
        payments=[Payment(dt.date(2024, 1, 2), chf.amount("8.00")),
                  Payment(dt.date(2024, 5, 2), chf.amount("1.00"))],
        home_currency=HomeCurrency(USD, D("1.1")),
    )  # fmt: skip
    explanation = explain(swiss, as_of=dt.date(2024, 3, 1))
    cash = explanation.step("cash_rounding.total")
    assert (cash.exact, cash.increment, cash.amount) == (10799, 5, 10800)
    assert explanation.step("cash_rounding").amount == 1
    fee = explanation.step("late_fees[0]")
    assert fee.detail == (
        "2024-03-01: outstanding 100.00 (payments so far 8.00); fee 100.00 × 2% = 2.00"
    )
    assert explanation.step("late_fees[0].running").amount == 200
    assert (
        explanation.step("payments[1]").detail == "1.00 on 2024-05-02: ignored, dated after as_of"
    )
    home = explanation.step("home.total")
    assert (home.unit, home.rounding, home.amount) == ("home", "half_up", 12100)


def test_the_json_structure_is_stable(tmp_path: object) -> None:
    invoice = Invoice(
        USD, MARCH_1, MARCH_31, lines=[LineItem(quantity=D(3), unit_price=USD.price("0.125"))],
        taxes=[Tax("VAT", D(20))],
    )  # fmt: skip
    data = json.loads(json.dumps(explain(invoice, as_of=MARCH_1).to_dict()))
    assert list(data) == ["version", "currency", "as_of", "steps", "totals"]
    assert data["version"] == 1
    cost = data["steps"][0]
    assert cost == {
        "id": "lines[0].cost",
        "section": "Lines",
        "rule": "cost = f + round(q × p)",
        "detail": "3 × 0.125 = 0.375, rounded half_up to 0.38",
        "unit": "money",
        "exact": "0.375",
        "rounding": "half_up",
        "increment": "0.01",
        "amount": "0.38",
    }
    assert data["totals"]["total"] == "0.46"
