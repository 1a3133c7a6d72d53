"""Hand-worked examples of every calculation rule (docs/calculation.md).

Each expected value is worked out in the comment above it, in minor units.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pytest

from invoicecalc import (
    Currency,
    DiscountBase,
    Invoice,
    LineItem,
    Payment,
    Policy,
    Rounding,
    Tax,
    TaxRounding,
    calculate,
    explain,
    sales_taxes,
)
from invoicecalc.errors import InvalidValueError

D = Decimal
USD = Currency("USD")
MARCH_1 = dt.date(2024, 3, 1)
MARCH_31 = dt.date(2024, 3, 31)


def invoice(*lines: LineItem, **kwargs: object) -> Invoice:
    kwargs.setdefault("invoice_date", MARCH_1)
    kwargs.setdefault("due_date", MARCH_31)
    return Invoice(kwargs.pop("currency", USD), lines=lines, **kwargs)  # type: ignore[arg-type]


def test_freshbooks_worked_check() -> None:
    # The spec's real FreshBooks invoice: 15.00 at 16% and 34.00 untaxed, 25% off, pre_tax.
    # discount = round(4900 * 0.25) = 1225; tax = round(1500 * 0.75 * 0.16) = round(180) = 180;
    # total = 4900 - 1225 + 180 = 3855; after a 2.00 payment the balance is 3655.
    inv = invoice(
        LineItem(unit_price=USD.price("15.00")),
        LineItem(unit_price=USD.price("34.00"), taxable=False),
        taxes=[Tax("Tax", D(16))],
        discount_percentage=D(25),
        payments=[Payment(dt.date(2024, 3, 5), USD.amount("2.00"))],
    )
    totals = calculate(inv, as_of=dt.date(2024, 3, 10))
    assert (totals.discount, totals.tax_total, totals.total) == (1225, 180, 3855)
    assert (totals.payment_total, totals.balance, totals.has_been_paid) == (200, 3655, False)


@pytest.mark.parametrize(
    ("mode", "cost"),
    [
        # 1 x 0.125 USD = 12.5 cents: half away from zero 13, to even 12, toward zero 12.
        (Rounding.HALF_UP, 13),
        (Rounding.HALF_EVEN, 12),
        (Rounding.DOWN, 12),
    ],
)
def test_sub_minor_unit_price_is_rounded_once_per_line(mode: Rounding, cost: int) -> None:
    inv = invoice(LineItem(unit_price=USD.price("0.125")), policy=Policy(rounding=mode))
    assert calculate(inv, as_of=MARCH_1).item_cost == cost


def test_line_cost_markup_and_profit() -> None:
    # cost = 25.00 flat + round(10.5 * 8500) = 2500 + 89250 = 91750
    # markup = round(91750 * 15 / 100) = round(13762.5) = 13763 (half up)
    # actual = 91750 + 13763 = 105513; the second line, untaxed: 2 * 1999 = 3998.
    inv = invoice(
        LineItem(
            quantity=D("10.5"),
            unit_price=USD.price("85"),
            flat_fee=USD.amount("25.00"),
            markup_percentage=D(15),
        ),
        LineItem(quantity=D(2), unit_price=USD.price("19.99"), taxable=False),
    )
    totals = calculate(inv, as_of=MARCH_1)
    assert [(line.cost, line.markup, line.actual) for line in totals.lines] == [
        (91750, 13763, 105513),
        (3998, 0, 3998),
    ]
    assert (totals.item_cost, totals.item_profit, totals.item_actual) == (95748, 13763, 109511)
    # item_taxable counts taxable lines even though the invoice defines no tax.
    assert totals.item_taxable == 105513
    assert totals.total_quantity == D("12.5")


def test_markup_rounds_with_the_invoice_mode() -> None:
    # 892.50 * 15% = 133.875 -> 133.88 half up, 133.88 half even (7 is odd), 133.87 down.
    line = LineItem(quantity=D("10.5"), unit_price=USD.price("85"), markup_percentage=D(15))
    markups = [
        calculate(invoice(line, policy=Policy(rounding=mode)), as_of=MARCH_1).item_profit
        for mode in (Rounding.HALF_UP, Rounding.HALF_EVEN, Rounding.DOWN)
    ]
    assert markups == [13388, 13388, 13387]


def two_lines_with_compound_tax(tax_rounding: TaxRounding) -> Invoice:
    return invoice(
        LineItem(unit_price=USD.price("10.10")),
        LineItem(unit_price=USD.price("10.10")),
        taxes=[Tax("GST", D(5)), Tax("PST", D(8), compound=True)],
        policy=Policy(tax_rounding=tax_rounding),
    )


def test_compound_tax_per_document() -> None:
    # GST exact = 2020 * 5% = 101.0 -> 101
    # PST base = 2020 + 101.0 (exact GST) = 2121 -> 2121 * 8% = 169.68 -> 170
    totals = calculate(two_lines_with_compound_tax(TaxRounding.PER_DOCUMENT), as_of=MARCH_1)
    assert [tax.amount for tax in totals.taxes] == [101, 170]
    assert totals.total == 2020 + 101 + 170


def test_compound_tax_per_line() -> None:
    # each line: GST = round(1010 * 5%) = round(50.5) = 51
    #            PST = round((1010 + 51) * 8%) = round(84.88) = 85
    # invoice: GST 2 * 51 = 102, PST 2 * 85 = 170
    totals = calculate(two_lines_with_compound_tax(TaxRounding.PER_LINE), as_of=MARCH_1)
    assert [tax.amount for tax in totals.taxes] == [102, 170]
    assert totals.total == 2020 + 102 + 170


def test_lines_carry_the_taxes_they_name() -> None:
    # Line A names only PST (compound, but carries no earlier tax): round(1000 * 8%) = 80.
    # Line B names none, so carries both: GST 2000 * 5% = 100; PST (2000 + 100) * 8% = 168.
    # Line C is not taxable.
    inv = invoice(
        LineItem(unit_price=USD.price("10.00"), taxes=["PST"]),
        LineItem(unit_price=USD.price("20.00")),
        LineItem(unit_price=USD.price("40.00"), taxable=False),
        taxes=[Tax("GST", D(5)), Tax("PST", D(8), compound=True)],
    )
    totals = calculate(inv, as_of=MARCH_1)
    assert [(tax.name, tax.amount) for tax in totals.taxes] == [("GST", 100), ("PST", 80 + 168)]
    assert totals.item_taxable == 3000


def test_cashboard_sales_tax_fields() -> None:
    # sales_tax 8.25, sales_tax_2 5 cumulative, on 100.00:
    # tax 1 = 825; tax 2 = (10000 + 825) * 5% = 541.25 -> 541
    inv = invoice(LineItem(unit_price=USD.price("100")), taxes=sales_taxes(D("8.25"), D(5), True))
    totals = calculate(inv, as_of=MARCH_1)
    assert (totals.sales_tax, totals.sales_tax_2) == (825, 541)


@pytest.mark.parametrize(
    ("base", "rounding", "discount", "taxes"),
    [
        # pre_tax, per_document: discount = round(3334 * 15%) = round(500.1) = 500;
        # exact nets (3333 + 1) * 0.85 = 2833.9; tax = round(2833.9 * 7%) = round(198.373) = 198
        (DiscountBase.PRE_TAX, TaxRounding.PER_DOCUMENT, 500, 198),
        # pre_tax, per_line: discounts round(499.95) = 500 and round(0.15) = 0; nets 2833 and 1;
        # taxes round(198.31) = 198 and round(0.07) = 0
        (DiscountBase.PRE_TAX, TaxRounding.PER_LINE, 500, 198),
        # post_tax, per_document: tax = round(3334 * 7%) = round(233.38) = 233;
        # discount = round((3334 + 233) * 15%) = round(535.05) = 535
        (DiscountBase.POST_TAX, TaxRounding.PER_DOCUMENT, 535, 233),
        # post_tax, per_line: taxes round(233.31) = 233, round(0.07) = 0;
        # discounts round((3333 + 233) * 15%) = round(534.9) = 535, round(1 * 15%) = 0
        (DiscountBase.POST_TAX, TaxRounding.PER_LINE, 535, 233),
    ],
)
def test_discount_bases(
    base: DiscountBase, rounding: TaxRounding, discount: int, taxes: int
) -> None:
    inv = invoice(
        LineItem(unit_price=USD.price("33.33")),
        LineItem(unit_price=USD.price("0.01")),
        taxes=[Tax("VAT", D(7))],
        discount_percentage=D(15),
        policy=Policy(tax_rounding=rounding, discount_base=base),
    )
    totals = calculate(inv, as_of=MARCH_1)
    assert (totals.discount, totals.tax_total) == (discount, taxes)
    assert totals.total == 3334 - discount + taxes


def early(*payments: Payment) -> Invoice:
    # 1000.00, due in 30 days, 1% per full 5 days paid early: k_max = floor(30 / 5) = 6.
    return invoice(
        LineItem(unit_price=USD.price("1000")),
        discount_percentage=D(1),
        early_period_in_days=5,
        payments=payments,
    )


def test_early_discount_offered_before_the_due_date() -> None:
    # As of March 10 there are 21 days left: floor(21 / 5) = 4 periods, 4% = 40.00 off.
    totals = calculate(early(), as_of=dt.date(2024, 3, 10))
    assert (totals.early_periods, totals.discount_percentage, totals.discount) == (4, D(4), 4000)
    # On the due date nothing is offered any more.
    assert calculate(early(), as_of=MARCH_31).discount == 0


def test_early_discount_stays_settled_when_paid_in_full_in_time() -> None:
    # Paid 970.00 on March 12. Period 4's deadline (March 11) is before it; period 3's
    # (March 16) is after it and 1000.00 - 3% = 970.00 is covered: settled at k = 3.
    totals = calculate(
        early(Payment(dt.date(2024, 3, 12), USD.amount("970.00"))), as_of=dt.date(2024, 5, 1)
    )
    assert (totals.early_periods, totals.discount, totals.total, totals.balance) == (
        3,
        3000,
        97000,
        0,
    )
    assert totals.has_been_paid


def test_early_discount_is_not_settled_by_a_short_payment() -> None:
    # 969.99 covers neither 970.00 (k=3), 980.00 (k=2) nor 990.00 (k=1): no discount later,
    # and 1000.00 - 969.99 = 30.01 is still owed.
    totals = calculate(
        early(Payment(dt.date(2024, 3, 12), USD.amount("969.99"))), as_of=dt.date(2024, 5, 1)
    )
    assert (totals.early_periods, totals.discount, totals.balance) == (0, 0, 3001)


def test_early_discount_on_a_deadline_day() -> None:
    # A payment dated exactly on period 3's deadline (March 16) counts for it.
    totals = calculate(
        early(Payment(dt.date(2024, 3, 16), USD.amount("970.00"))), as_of=dt.date(2024, 4, 1)
    )
    assert totals.early_periods == 3
    # One day later it only reaches period 2 (deadline March 21): 980.00 is not covered.
    totals = calculate(
        early(Payment(dt.date(2024, 3, 17), USD.amount("970.00"))), as_of=dt.date(2024, 4, 1)
    )
    assert (totals.early_periods, totals.balance) == (0, 3000)


def test_early_discount_is_capped_at_100_percent() -> None:
    # 30% per 5 days, 6 periods offered on the invoice date: min(100, 6 * 30) = 100.
    inv = invoice(
        LineItem(unit_price=USD.price("10")), discount_percentage=D(30), early_period_in_days=5
    )
    totals = calculate(inv, as_of=MARCH_1)
    assert (totals.discount_percentage, totals.total) == (D(100), 0)


def test_due_date_before_invoice_date_has_no_early_periods() -> None:
    inv = invoice(
        LineItem(unit_price=USD.price("10")),
        discount_percentage=D(1),
        early_period_in_days=1,
        invoice_date=dt.date(2024, 3, 10),
        due_date=dt.date(2024, 3, 5),
    )
    assert calculate(inv, as_of=dt.date(2024, 3, 1)).discount == 0


def daily_early(lines: list[LineItem], paid: str) -> Invoice:
    """``lines`` rounded per line from 1 January 2024, 0.0001% off per one-day period
    for 99,999 periods, and a payment of ``paid`` on the invoice date."""
    start = dt.date(2024, 1, 1)
    return invoice(
        *lines,
        invoice_date=start,
        due_date=start + dt.timedelta(days=99_999),
        discount_percentage=D("0.0001"),
        early_period_in_days=1,
        policy=Policy(tax_rounding=TaxRounding.PER_LINE),
        payments=[Payment(start, USD.amount(paid))],
    )


def test_early_discount_over_many_periods_is_quick() -> None:
    # 99,999 one-day periods, a hundred lines rounded per line and a payment on the
    # invoice date that covers none of them: every period used to be tried (9 s); the
    # periods after the payment's share its payments, so only the first is tried now.
    start = dt.date(2024, 1, 1)
    inv = daily_early([LineItem(unit_price=USD.price("10.00"))] * 100, "0.01")
    explained = explain(inv, as_of=start + dt.timedelta(days=100_000))
    tried = [step.id for step in explained.steps if step.id.startswith("early.")]
    assert tried == [
        "early.k_max", "early.tried[99999]", "early.skipped[99998]", "early.k_offer",
        "early.k_settled", "early.rate",
    ]  # fmt: skip
    assert explained.totals.early_periods == 0
    assert explained.totals.total == 100 * 1000


def test_early_discount_tries_every_period_when_a_larger_rate_can_cost_more() -> None:
    # Worked by hand, half up per line, 5% a period: 0.03 and a credit line of -0.02.
    # At 20% (k = 4) the discounts are round(0.6) = 1 and round(-0.4) = 0: 2 - 2 = 0.
    # At 25% to 45% (k = 5 to 9) the credit line's rounds to -1 too: 2 - 1 = 0.01.
    # A payment of 0.00 on the invoice date covers k = 4 only, though k = 5..9 with the
    # same payments are not covered: the search must not skip them as a run.
    inv = invoice(
        LineItem(unit_price=USD.price("0.03")),
        LineItem(unit_price=USD.price("-0.02")),
        due_date=MARCH_1 + dt.timedelta(days=9),
        discount_percentage=D(5),
        early_period_in_days=1,
        policy=Policy(tax_rounding=TaxRounding.PER_LINE),
        payments=[Payment(MARCH_1, USD.amount("0.00"))],
    )
    totals = calculate(inv, as_of=dt.date(2024, 4, 1))
    assert (totals.early_periods, totals.discount_percentage, totals.total) == (4, D(20), 0)


def test_early_search_period_by_period_is_bounded() -> None:
    # The invoice above, with fifty lines of each and 99,999 one-day periods: no run of
    # periods may be skipped, and 20,000 periods are tried before the search is refused,
    # naming the field, instead of taking minutes: 2,000,000 / (100 lines x (0 taxes
    # + 1)) under per-line rounding.
    start = dt.date(2024, 1, 1)
    pair = [LineItem(unit_price=USD.price("0.03")), LineItem(unit_price=USD.price("-0.02"))]
    inv = daily_early(pair * 50, "0.00")
    with pytest.raises(InvalidValueError) as refused:
        calculate(inv, as_of=start + dt.timedelta(days=100_000))
    assert refused.value.field == "early_period_in_days"
    assert "try more than 20000 periods one by one" in str(refused.value)
    # Looked at ten days in, only the ten periods above the 99,989 on offer are searched.
    assert calculate(inv, as_of=start + dt.timedelta(days=10)).early_periods == 99_989
    # Rounded per document, a settlement is its taxes alone: 2,000,000 / 1 periods may
    # be tried, so all 99,999 are, and none is covered.
    whole = attrs.evolve(inv, policy=Policy())
    assert calculate(whole, as_of=start + dt.timedelta(days=100_000)).early_periods == 0


def late(*payments: Payment) -> Invoice:
    # 1000.00 due January 31 2024; 1.5% every 30 days: boundaries March 1 (2024 is a leap
    # year: January 31 + 30 days), March 31, April 30.
    return invoice(
        LineItem(unit_price=USD.price("1000")),
        invoice_date=dt.date(2024, 1, 1),
        due_date=dt.date(2024, 1, 31),
        late_percentage=D("1.5"),
        late_period_in_days=30,
        payments=payments,
    )


def test_late_fees_compound() -> None:
    # Mar 1: 100000 * 1.5% = 1500; Mar 31: 101500 * 1.5% = 1522.5 -> 1523;
    # Apr 30: 103023 * 1.5% = 1545.345 -> 1545. Fees 1500 + 1523 + 1545 = 4568.
    totals = calculate(late(), as_of=dt.date(2024, 4, 30))
    assert (totals.late_fee, totals.total) == (4568, 104568)
    # The day before the third boundary only two fees are due.
    assert calculate(late(), as_of=dt.date(2024, 4, 29)).late_fee == 3023


def test_late_fees_with_a_payment_between_boundaries() -> None:
    # Mar 1: 1500. 500.00 paid Mar 15. Mar 31: (101500 - 50000) * 1.5% = 772.5 -> 773;
    # Apr 30: (102273 - 50000) * 1.5% = 784.095 -> 784. Fees 3057; balance 103057 - 50000.
    totals = calculate(
        late(Payment(dt.date(2024, 3, 15), USD.amount("500.00"))), as_of=dt.date(2024, 4, 30)
    )
    assert (totals.late_fee, totals.payment_total, totals.balance) == (3057, 50000, 53057)


def test_payment_on_a_boundary_counts_before_the_fee() -> None:
    # Paid in full on March 1, the first boundary: nothing is outstanding there.
    totals = calculate(
        late(Payment(dt.date(2024, 3, 1), USD.amount("1000.00"))), as_of=dt.date(2024, 6, 1)
    )
    assert (totals.late_fee, totals.balance, totals.has_been_paid) == (0, 0, True)


def test_payments_after_as_of_do_not_count() -> None:
    totals = calculate(
        late(Payment(dt.date(2024, 5, 1), USD.amount("1000.00"))), as_of=dt.date(2024, 4, 30)
    )
    assert (totals.payment_total, totals.late_fee) == (0, 4568)


@pytest.mark.parametrize(
    ("code", "unit_price", "total", "text"),
    [
        # JPY (0 digits): 3 x 1200 = 3600; 10% tax = 360; total 3960.
        ("JPY", "1200", 3960, "3960"),
        # BHD (3 digits): 3 x 1.250 = 3.750 = 3750 fils; 5% = 187.5 -> 188; total 3938.
        ("BHD", "1.250", 3938, "3.938"),
        # CLF (4 digits): 3 x 0.3333 = 0.9999 = 9999; 5% = 499.95 -> 500; total 10499.
        ("CLF", "0.3333", 10499, "1.0499"),
    ],
)
def test_currency_exponents(code: str, unit_price: str, total: int, text: str) -> None:
    currency = Currency(code)
    rate = D(10) if code == "JPY" else D(5)
    inv = invoice(
        LineItem(quantity=D(3), unit_price=currency.price(unit_price)),
        currency=currency,
        taxes=[Tax("Tax", rate)],
    )
    totals = calculate(inv, as_of=MARCH_1)
    assert totals.total == total
    assert currency.format(totals.total) == text


def test_credit_note_has_a_negative_balance() -> None:
    # -1 x 50.00 = -5000; 10% tax = -500 (half up is symmetric); total -5500, a credit.
    inv = invoice(LineItem(quantity=D(-1), unit_price=USD.price("50")), taxes=[Tax("T", D(10))])
    totals = calculate(inv, as_of=MARCH_1)
    assert (totals.total, totals.balance, totals.has_been_paid) == (-5500, -5500, True)


def test_empty_invoice_totals_zero() -> None:
    totals = calculate(invoice(), as_of=MARCH_1)
    assert (totals.item_actual, totals.total, totals.total_quantity, totals.lines) == (0, 0, 0, ())


def test_as_of_must_be_a_date() -> None:
    with pytest.raises(TypeError, match="as_of"):
        calculate(invoice(), as_of=dt.datetime(2024, 3, 1, 12))
