"""Building the domain values: every invalid value is refused, naming the field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pytest

from invoicecalc import (
    Currency,
    Invoice,
    LineItem,
    LineKind,
    Payment,
    Policy,
    Tax,
    calculate,
    sales_taxes,
)
from invoicecalc.errors import InvalidTypeError, InvalidValueError, InvoiceCalcError

D = Decimal
USD = Currency("USD")
DAY = dt.date(2024, 3, 1)
MARCH_1, MARCH_31 = DAY, dt.date(2024, 3, 31)


def build(**kwargs: object) -> Invoice:
    kwargs.setdefault("currency", USD)
    kwargs.setdefault("invoice_date", DAY)
    kwargs.setdefault("due_date", DAY)
    return Invoice(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("make", "error", "field", "value"),
    [
        (lambda: Currency("usd"), InvalidValueError, "currency", "usd"),
        (lambda: Currency("ZZZ"), InvalidValueError, "currency", "ZZZ"),
        (lambda: LineItem(quantity=1.5), InvalidTypeError, "quantity", 1.5),  # type: ignore[arg-type]
        (lambda: LineItem(unit_price=D("NaN")), InvalidValueError, "unit_price", D("NaN")),
        (
            lambda: LineItem(markup_percentage=D("Infinity")),
            InvalidValueError,
            "markup_percentage",
            D("Infinity"),
        ),
        (lambda: LineItem(flat_fee=True), InvalidTypeError, "flat_fee", True),
        (lambda: LineItem(flat_fee=D("1.5")), InvalidTypeError, "flat_fee", D("1.5")),  # type: ignore[arg-type]
        (lambda: LineItem(taxable=False, taxes=["GST"]), InvalidValueError, "taxes", ("GST",)),
        (lambda: LineItem(taxes=["GST", "GST"]), InvalidValueError, "taxes", ("GST", "GST")),
        (lambda: LineItem(kind="task"), InvalidTypeError, "kind", "task"),  # type: ignore[arg-type]
        (lambda: Tax("GST", D(-1)), InvalidValueError, "rate", D(-1)),
        (lambda: Tax(" ", D(1)), InvalidValueError, "name", " "),
        (
            lambda: Payment(dt.datetime(2024, 3, 1, 9), 100),
            InvalidTypeError,
            "date",
            dt.datetime(2024, 3, 1, 9),
        ),
        (lambda: Payment(DAY, 1.0), InvalidTypeError, "amount", 1.0),  # type: ignore[arg-type]
        (lambda: Policy(rounding="half_up"), InvalidTypeError, "rounding", "half_up"),  # type: ignore[arg-type]
        (lambda: build(discount_percentage=D(-1)), InvalidValueError, "discount_percentage", D(-1)),
        (
            lambda: build(discount_percentage=D("100.01")),
            InvalidValueError,
            "discount_percentage",
            D("100.01"),
        ),
        (lambda: build(early_period_in_days=0), InvalidValueError, "early_period_in_days", 0),
        (
            lambda: build(late_percentage=D(1), late_period_in_days=-30),
            InvalidValueError,
            "late_period_in_days",
            -30,
        ),
        (
            lambda: build(late_percentage=D(-1), late_period_in_days=30),
            InvalidValueError,
            "late_percentage",
            D(-1),
        ),
        (lambda: build(late_percentage=D("1.5")), InvalidValueError, "late_percentage", D("1.5")),
        (lambda: build(pre_reminder_in_days=0), InvalidValueError, "pre_reminder_in_days", 0),
        (
            lambda: build(lines=[LineItem(taxes=["PST"])], taxes=[Tax("GST", D(5))]),
            InvalidValueError,
            "lines[0].taxes",
            "PST",
        ),
        (
            lambda: build(taxes=[Tax("GST", D(5)), Tax("GST", D(6))]),
            InvalidValueError,
            "taxes[1].name",
            "GST",
        ),
        (lambda: build(lines=[object()]), InvalidTypeError, "lines[0]", None),
        (lambda: build(invoice_date="2024-03-01"), InvalidTypeError, "invoice_date", "2024-03-01"),
        (lambda: build(currency="USD"), InvalidTypeError, "currency", "USD"),
        (lambda: build(lines="abc"), InvalidTypeError, "", "abc"),
    ],
)
def test_invalid_values_are_refused(make, error, field, value) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error) as caught:
        make()
    assert isinstance(caught.value, InvoiceCalcError)
    assert caught.value.field == field
    if value is not None:
        assert repr(caught.value.value) == repr(value)  # NaN is not equal to itself
    assert field in str(caught.value)


def test_errors_are_also_the_builtins_they_refine() -> None:
    with pytest.raises(TypeError):
        LineItem(quantity=0.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="finer than USD"):
        USD.amount("10.001", "flat_fee")


def test_whole_numbers_become_decimals() -> None:
    line = LineItem(quantity=3, unit_price=250)  # type: ignore[arg-type]
    assert (line.quantity, line.unit_price) == (D(3), D(250))
    assert type(line.quantity) is Decimal


def test_values_are_frozen_and_hashable() -> None:
    line = LineItem(title="a", quantity=D(2))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        line.title = "b"  # type: ignore[misc]
    assert hash(line) == hash(LineItem(title="a", quantity=D(2)))
    inv = build(lines=[line])
    assert {inv: 1}[build(lines=[LineItem(title="a", quantity=D(2))])] == 1


def test_due_date_before_invoice_date_is_accepted() -> None:
    # A real Cashboard server returned one (tests/fixtures/cashboard/invoices.xml).
    build(invoice_date=dt.date(2010, 7, 28), due_date=dt.date(2010, 7, 21))


def test_late_period_without_a_percentage_is_accepted() -> None:
    assert build(late_period_in_days=30).late_percentage is None


def test_type_codes() -> None:
    assert [kind.type_code for kind in LineKind] == [0, 1, 2]
    assert LineKind.from_type_code(1) is LineKind.TASK
    with pytest.raises(InvalidValueError, match="type_code"):
        LineKind.from_type_code(3)


def test_sales_tax_fields() -> None:
    assert sales_taxes(None, None) == ()
    assert sales_taxes(D("8.25"), None) == (Tax("sales_tax", D("8.25")),)
    assert sales_taxes(D(8), D(5), True) == (
        Tax("sales_tax", D(8)),
        Tax("sales_tax_2", D(5), compound=True),
    )


@pytest.mark.parametrize(
    ("lines", "field", "value"),
    [
        # 10**16 x 100 cents = 10**18 minor units: one past the largest amount supported
        ([LineItem(quantity=Decimal(10**16), unit_price=Decimal(100))], "lines[0].cost", 10**18),
        (
            [LineItem(quantity=Decimal(-(10**16)), unit_price=Decimal(100))],
            "lines[0].cost",
            -(10**18),
        ),
        # 10**17 x 10**15 = 10**32: refused, never handed to the text output
        ([LineItem(quantity=Decimal(10**17), unit_price=Decimal(10**15))], "lines[0].cost", 10**32),
        # each line fits, their sum does not
        ([LineItem(flat_fee=10**18 - 1), LineItem(flat_fee=1)], "item_cost", 10**18),
        # markup lifts a line past the bound
        (
            [LineItem(flat_fee=6 * 10**17, markup_percentage=Decimal(100))],
            "lines[0].actual",
            12 * 10**17,
        ),
    ],
)
def test_amounts_beyond_the_bound_are_refused_naming_the_field(
    lines: list[LineItem], field: str, value: int
) -> None:
    with pytest.raises(InvalidValueError) as caught:
        Invoice(USD, MARCH_1, MARCH_31, lines=lines)
    assert (caught.value.field, caught.value.value) == (field, value)


def test_the_largest_supported_amount_is_accepted() -> None:
    invoice = Invoice(USD, MARCH_1, MARCH_31, lines=[LineItem(flat_fee=10**18 - 1)])
    assert calculate(invoice, as_of=MARCH_1).total == 10**18 - 1
