"""The v2 values: every invalid one in the contract's list is refused, naming field and value."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import attrs
import pytest

from invoicecalc import (
    CashRounding,
    Currency,
    HomeCurrency,
    Invoice,
    LineItem,
    Payment,
    Policy,
    Rounding,
    Tax,
    calculate,
)
from invoicecalc.errors import InvalidTypeError, InvalidValueError, InvoiceCalcError

D = Decimal
USD = Currency("USD")
DAY = dt.date(2024, 3, 1)


def build(**kwargs: object) -> Invoice:
    kwargs.setdefault("currency", USD)
    kwargs.setdefault("invoice_date", DAY)
    kwargs.setdefault("due_date", DAY)
    return Invoice(**kwargs)  # type: ignore[arg-type]


TEN = LineItem(unit_price=USD.price("10.00"))
MINUS_FOUR = LineItem(unit_price=USD.price("-4.00"))
CASES: list[tuple[Callable[[], object], type[InvoiceCalcError], str, object]] = [
    # a line with both a discount percentage and a discount amount
    (
        lambda: LineItem(discount_percentage=D(5), discount_amount=USD.amount("1.00")),
        InvalidValueError,
        "discount_amount",
        USD.amount("1.00"),
    ),
    (lambda: LineItem(discount_percentage=D(101)), InvalidValueError, "discount_percentage", 101),
    (lambda: LineItem(discount_percentage=D(-1)), InvalidValueError, "discount_percentage", -1),
    (
        lambda: LineItem(discount_amount=USD.amount("-0.01")),
        InvalidValueError,
        "discount_amount",
        "-0.01",
    ),
    # a line discount amount above the line's amount: 10.01 off a 10.00 line (and off a
    # -4.00 credit, whose size is 4.00)
    (
        lambda: build(
            lines=[LineItem(unit_price=USD.price("10"), discount_amount=USD.amount("10.01"))]
        ),
        InvalidValueError,
        "lines[0].discount_amount",
        "10.01",
    ),
    (
        lambda: build(
            lines=[TEN, LineItem(unit_price=USD.price("-4"), discount_amount=USD.amount("4.01"))]
        ),
        InvalidValueError,
        "lines[1].discount_amount",
        "4.01",
    ),
    # a document discount amount above the lines' positive nets: 10.00 + (-4.00 ignored)
    (
        lambda: build(lines=[TEN, MINUS_FOUR], discount_amount=USD.amount("10.01")),
        InvalidValueError,
        "discount_amount",
        "10.01",
    ),
    # ... in every mode: post-tax too, and with no positive line at all
    (
        lambda: build(
            lines=[TEN],
            discount_amount=USD.amount("10.01"),
            policy=Policy(discount_base=Policy().discount_base.POST_TAX),
        ),
        InvalidValueError,
        "discount_amount",
        "10.01",
    ),
    (
        lambda: build(lines=[MINUS_FOUR], discount_amount=USD.amount("0.01")),
        InvalidValueError,
        "discount_amount",
        "0.01",
    ),
    # a compound list naming a tax that is not earlier (later, itself, or unknown)
    (
        lambda: build(taxes=[Tax("A", D(5), compound=["B"]), Tax("B", D(5))]),
        InvalidValueError,
        "taxes[0].compound",
        "B",
    ),
    (
        lambda: build(taxes=[Tax("A", D(5), compound=["A"])]),
        InvalidValueError,
        "taxes[0].compound",
        "A",
    ),
    (
        lambda: build(taxes=[Tax("A", D(5)), Tax("B", D(5), compound=["Z"])]),
        InvalidValueError,
        "taxes[1].compound",
        "Z",
    ),
    (lambda: Tax("B", D(5), compound=["A", "A"]), InvalidValueError, "compound", ("A", "A")),
    (lambda: Tax("B", D(5), compound=[5]), InvalidTypeError, "compound", 5),  # type: ignore[list-item]
    # a withholding tax that is compound, or on a tax-inclusive invoice
    (
        lambda: Tax("IRPF", D(15), compound=True, withholding=True),
        InvalidValueError,
        "compound",
        True,
    ),
    (
        lambda: Tax("IRPF", D(15), compound=["IVA"], withholding=True),
        InvalidValueError,
        "compound",
        ("IVA",),
    ),
    (
        lambda: build(taxes=[Tax("IRPF", D(15), withholding=True)], tax_inclusive=True),
        InvalidValueError,
        "taxes[0].withholding",
        True,
    ),
    # a compound list naming a withholding tax
    (
        lambda: build(
            taxes=[Tax("IRPF", D(15), withholding=True), Tax("IVA", D(21), compound=["IRPF"])]
        ),
        InvalidValueError,
        "taxes[1].compound",
        "IRPF",
    ),
    (lambda: Tax("IRPF", D(-15), withholding=True), InvalidValueError, "rate", -15),
    (lambda: Tax("IRPF", D(15), withholding="yes"), InvalidTypeError, "withholding", "yes"),  # type: ignore[arg-type]
    # a cash-rounding increment finer than the currency, or not positive
    (lambda: CashRounding(USD.amount("0.001")), InvalidValueError, "amount", "0.001"),
    (lambda: CashRounding(USD.amount("0")), InvalidValueError, "cash_rounding.increment", "0.00"),
    (
        lambda: CashRounding(USD.amount("-0.05")),
        InvalidValueError,
        "cash_rounding.increment",
        "-0.05",
    ),
    (lambda: CashRounding(5), InvalidTypeError, "cash_rounding.increment", 5),  # type: ignore[arg-type]
    (
        lambda: CashRounding(USD.amount("0.05"), "up"),  # type: ignore[arg-type]
        InvalidTypeError,
        "rounding",
        "up",
    ),
    (
        lambda: build(cash_rounding=CashRounding(Currency("EUR").amount("0.05"))),
        InvalidValueError,
        "cash_rounding.increment",
        5,
    ),
    # an unknown home currency, or a home-currency rate that is not positive
    (lambda: HomeCurrency(Currency("XYZ"), D(1)), InvalidValueError, "currency", "XYZ"),
    (lambda: HomeCurrency(Currency("EUR"), D(0)), InvalidValueError, "home_currency.rate", 0),
    (lambda: HomeCurrency(Currency("EUR"), D(-1)), InvalidValueError, "home_currency.rate", -1),
    (lambda: HomeCurrency("EUR", D(1)), InvalidTypeError, "currency", "EUR"),  # type: ignore[arg-type]
    # two taxes of one name
    (
        lambda: build(taxes=[Tax("VAT", D(5)), Tax("VAT", D(7))]),
        InvalidValueError,
        "taxes[1].name",
        "VAT",
    ),
    (lambda: build(tax_inclusive="yes"), InvalidTypeError, "tax_inclusive", "yes"),
    (lambda: build(discount_amount=100), InvalidTypeError, "discount_amount", 100),
    # a home currency that is the invoice's own converts nothing: its rate must be 1
    (
        lambda: build(home_currency=HomeCurrency(USD, D(2))),
        InvalidValueError,
        "home_currency.rate",
        2,
    ),
]


@pytest.mark.parametrize(("make", "error", "field", "value"), CASES)
def test_invalid_v2_values_are_refused_naming_the_field(
    make: Callable[[], object], error: type[InvoiceCalcError], field: str, value: object
) -> None:
    with pytest.raises(error) as caught:
        make()
    assert (caught.value.field, caught.value.value) == (field, value)


def test_compound_forms_normalise() -> None:
    # A list becomes a tuple; an empty list means "not compound".
    assert Tax("B", D(5), compound=["A"]).compound == ("A",)
    assert Tax("B", D(5), compound=[]).compound is False
    assert Tax("B", D(5), compound=[]) == Tax("B", D(5))


def test_a_compound_list_naming_a_tax_the_line_does_not_carry_adds_nothing() -> None:
    # B compounds on A, but the line carries B only: B's base is the net, 100.00, so
    # B = 10% of 100.00 = 10.00 (not 10% of 105.00).
    invoice = build(
        lines=[LineItem(unit_price=USD.price("100"), taxes=["B"])],
        taxes=[Tax("A", D(5)), Tax("B", D(10), compound=["A"])],
    )
    totals = calculate(invoice, as_of=DAY)
    assert totals.tax_amounts == (0, 1000)
    assert totals.tax_bases == (0, 10000)


def test_cash_rounding_of_the_currency_follows_cldr() -> None:
    # The increments this project relies on, in minor units, from CLDR through babel:
    # CHF 0.05, SEK 1.00, DKK 0.50, CAD 0.05, HUF 5 (exponent 0), NOK and CZK 1.00;
    # USD, JPY, EUR, BHD none (one minor unit). A babel upgrade that moves one fails here.
    increments = {
        code: int(CashRounding.of_currency(Currency(code)).increment)
        for code in ("CHF", "SEK", "DKK", "CAD", "HUF", "NOK", "CZK", "USD", "JPY", "EUR", "BHD")
    }
    assert increments == {
        "CHF": 5, "SEK": 100, "DKK": 50, "CAD": 5, "HUF": 5, "NOK": 100, "CZK": 100,
        "USD": 1, "JPY": 1, "EUR": 1, "BHD": 1,
    }  # fmt: skip


def test_too_many_periods_are_refused() -> None:
    # 100,001 one-day early periods between the invoice date and the due date
    far = DAY + dt.timedelta(days=100_001)
    with pytest.raises(InvalidValueError) as caught:
        build(due_date=far, discount_percentage=D("0.001"), early_period_in_days=1)
    assert (caught.value.field, caught.value.value) == ("early_period_in_days", 1)
    # a daily late fee of 0.01% on 10,000.00 (1.00 a day, compounding) looked at
    # 100,001 days after the due date
    late = build(
        lines=[LineItem(unit_price=USD.price("10000"))],
        late_percentage=D("0.01"),
        late_period_in_days=1,
    )
    with pytest.raises(InvalidValueError) as caught:
        calculate(late, as_of=DAY + dt.timedelta(days=100_001))
    assert caught.value.field == "late_period_in_days"
    # exactly 100,000 boundaries are still worked out
    assert calculate(late, as_of=DAY + dt.timedelta(days=100_000)).late_fee > 0


def test_a_runaway_late_fee_is_refused_not_grown_without_bound() -> None:
    # 100% a day doubles the balance daily: 10.00 * 2**57 > 10**18 minor units, so the
    # fee overflows the supported range within 57 days and is refused, quickly; past
    # 100,000 days the period count is refused before any fee is worked out.
    late = build(lines=[TEN], late_percentage=D(100), late_period_in_days=1)
    assert calculate(late, as_of=DAY + dt.timedelta(days=10)).total == 1000 * 2**10
    with pytest.raises(InvalidValueError) as caught:
        calculate(late, as_of=DAY + dt.timedelta(days=1000))
    assert caught.value.field == "late_fee"
    with pytest.raises(InvalidValueError) as caught:
        calculate(late, as_of=dt.date(9999, 12, 31))
    assert caught.value.field == "late_period_in_days"


def test_a_tax_offset_by_a_withholding_tax_stays_within_the_bound() -> None:
    # 5 * 10**17 minor units at 300% is a tax of 1.5 * 10**18, past the range, though a
    # 300% withholding tax brings the total back to 5 * 10**17: the tax is refused.
    big = LineItem(unit_price=USD.price("5000000000000000.00"))
    invoice = build(lines=[big], taxes=[Tax("A", D(300)), Tax("B", D(300), withholding=True)])
    with pytest.raises(InvalidValueError) as caught:
        calculate(invoice, as_of=DAY)
    assert (caught.value.field, caught.value.value) == ("taxes[0].amount", 15 * 10**17)
    # Just inside: 3 * 10**17 at 300% is 9 * 10**17 each way, a total of 3 * 10**17.
    inside = attrs.evolve(invoice, lines=[LineItem(unit_price=USD.price("3000000000000000.00"))])
    assert calculate(inside, as_of=DAY).tax_amounts == (9 * 10**17, -9 * 10**17)
    # A base alone: 5 * 10**17 at A 150% is 7.5 * 10**17; C (0%, on A) has a base of
    # 1.25 * 10**18; an untaxed credit of 8 * 10**17 keeps the total at 4.5 * 10**17.
    based = build(
        lines=[big, LineItem(unit_price=USD.price("-8000000000000000.00"), taxable=False)],
        taxes=[Tax("A", D(150)), Tax("C", D(0), compound=["A"])],
    )
    with pytest.raises(InvalidValueError) as caught:
        calculate(based, as_of=DAY)
    assert (caught.value.field, caught.value.value) == ("taxes[1].base", 125 * 10**16)


def test_up_rounding_goes_away_from_zero_on_lines_and_taxes() -> None:
    # 1 x 0.125 USD = 12.5 cents -> 13 up; tax 7% of 13 = 0.91 -> 1 up; credit mirrors it.
    for sign in (1, -1):
        invoice = build(
            lines=[LineItem(unit_price=USD.price(D("0.125") * sign))],
            taxes=[Tax("T", D(7))],
            policy=Policy(rounding=Rounding.UP),
        )
        totals = calculate(invoice, as_of=DAY)
        assert (totals.item_actual, totals.tax_total, totals.total) == (13 * sign, sign, 14 * sign)


def test_home_amounts_stay_within_the_bound() -> None:
    # 10.00 USD at 10**17 JPY per dollar is 10**18 yen: one past the supported range.
    invoice = build(lines=[TEN], home_currency=HomeCurrency(Currency("JPY"), D(10**17)))
    with pytest.raises(InvalidValueError) as caught:
        calculate(invoice, as_of=DAY)
    assert (caught.value.field, caught.value.value) == ("home.subtotal", 10**18)
    same = build(lines=[TEN], home_currency=HomeCurrency(USD, D(1)))
    assert calculate(same, as_of=DAY).home.total == 1000  # type: ignore[union-attr]


def test_results_are_plain_ints_not_amounts() -> None:
    # Inputs are typed money; every result is a plain int of minor units (an Amount given
    # as a line's discount, a flat fee or a payment must not leak into the totals).
    invoice = build(
        lines=[
            LineItem(flat_fee=USD.amount("5.00"), discount_amount=USD.amount("1.00")),
            LineItem(unit_price=USD.price("-3.00"), discount_amount=USD.amount("1.00")),
        ],
        taxes=[Tax("T", D(10))],
        discount_amount=USD.amount("0.50"),
        payments=[Payment(DAY, USD.amount("2.00"))],
        cash_rounding=CashRounding(USD.amount("0.05")),
        home_currency=HomeCurrency(Currency("EUR"), D("0.9")),
    )
    totals = calculate(invoice, as_of=DAY)
    home = totals.home
    assert home is not None
    amounts = [
        *(getattr(totals, name) for name in ("item_cost", "item_profit", "item_actual",
          "item_taxable", "line_discount", "discount", "subtotal", "cash_rounding",
          "late_fee", "total", "payment_total", "balance")),
        *totals.tax_amounts, *totals.tax_bases, *(a for line in totals.line_amounts for a in line),
        home.subtotal, *home.tax_amounts, home.tax_total, home.total, home.balance,
    ]  # fmt: skip
    assert {type(amount) for amount in amounts} == {int}
