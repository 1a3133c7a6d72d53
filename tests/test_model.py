"""Building the domain values: every invalid value is refused, naming the field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pytest

from invoicecalc import (
    Amount,
    CashRounding,
    Currency,
    Expense,
    Invoice,
    LineItem,
    LineKind,
    Payment,
    Policy,
    Price,
    Task,
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
        (
            lambda: LineItem(unit_price=Price(D("NaN"), "USD")),
            InvalidValueError,
            "unit_price",
            D("NaN"),
        ),
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
            lambda: Payment(dt.datetime(2024, 3, 1, 9), USD.amount("1.00")),
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
        (lambda: build(lines="abc"), InvalidTypeError, "lines", "abc"),
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
    line = LineItem(quantity=3, unit_price=USD.price("2.50"))
    assert (line.quantity, line.unit_price) == (D(3), USD.price("2.50"))
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
    with pytest.raises(InvalidValueError) as caught:  # the flag would be dropped unread
        sales_taxes(D(8), None, True)
    assert (caught.value.field, caught.value.value) == ("sales_tax_2_cumulative", True)


@pytest.mark.parametrize(
    ("lines", "field", "value"),
    [
        # 10**16 x 100 cents = 10**18 minor units: one past the largest amount supported
        (
            [LineItem(quantity=Decimal(10**16), unit_price=USD.price("1.00"))],
            "lines[0].cost",
            10**18,
        ),
        (
            [LineItem(quantity=Decimal(-(10**16)), unit_price=USD.price("1.00"))],
            "lines[0].cost",
            -(10**18),
        ),
        # 10**17 x 10**15 = 10**32: refused, never handed to the text output
        (
            [LineItem(quantity=Decimal(10**17), unit_price=Price(10**15, "USD"))],
            "lines[0].cost",
            10**32,
        ),
        # each line fits, their sum does not
        (
            [LineItem(flat_fee=Amount(10**18 - 1, "USD")), LineItem(flat_fee=USD.amount("0.01"))],
            "item_cost",
            10**18,
        ),
        # markup lifts a line past the bound
        (
            [LineItem(flat_fee=Amount(6 * 10**17, "USD"), markup_percentage=Decimal(100))],
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
    invoice = Invoice(USD, MARCH_1, MARCH_31, lines=[LineItem(flat_fee=Amount(10**18 - 1, "USD"))])
    assert calculate(invoice, as_of=MARCH_1).total == 10**18 - 1


# -- money carries its currency ---------------------------------------------------

EUR, JPY = Currency("EUR"), Currency("JPY")

#: Every money field, built with a value: (builder, the field the error names, "amount"
#: for a field of whole minor units or "price" for one that may be finer).
MONEY_FIELDS = [
    (lambda v: LineItem(unit_price=v), "unit_price", "price"),
    (lambda v: LineItem(flat_fee=v), "flat_fee", "amount"),
    (lambda v: LineItem(discount_amount=v), "discount_amount", "amount"),
    (lambda v: Payment(DAY, v), "amount", "amount"),
    (lambda v: build(discount_amount=v), "discount_amount", "amount"),
    (lambda v: CashRounding(v), "cash_rounding.increment", "amount"),
    (lambda v: Task("t", "p", hourly_rate=v), "hourly_rate", "price"),
    (lambda v: Task("t", "p", flat_fee=v), "flat_fee", "amount"),
    (lambda v: Expense("x", DAY, v), "amount", "amount"),
]


@pytest.mark.parametrize(("make", "field", "kind"), MONEY_FIELDS)
@pytest.mark.parametrize(
    "value",
    # A bare number does not say its unit (is 1000 ten dollars or a thousand?), a float
    # is not exact, and text is not parsed here; "other" is the other kind of money
    # (a Price where an Amount goes, an Amount where a Price goes).
    [1000, D(1000), D("10.00"), 10.0, "10.00", "other"],
    ids=repr,
)
def test_a_money_field_refuses_anything_but_its_typed_money(  # type: ignore[no-untyped-def]
    make, field, kind, value
) -> None:
    if value == "other":
        value = USD.price("10.00") if kind == "amount" else USD.amount("10.00")
    with pytest.raises(InvalidTypeError) as caught:
        make(value)
    assert (caught.value.field, caught.value.value) == (field, value)
    assert type(caught.value.value) is type(value)
    # ... and the message says how to write it.
    how = {
        "amount": "must be an Amount, made by its currency: Currency('USD').amount('150.00')",
        "price": "must be a Price, made by its currency: Currency('USD').price('85.00')",
    }[kind]
    assert str(caught.value) == f"{field}: {how} (got {value!r})"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"lines": [LineItem(unit_price=EUR.price("10.00"))]}, "lines[0].unit_price"),
        ({"lines": [LineItem(), LineItem(flat_fee=EUR.amount("5.00"))]}, "lines[1].flat_fee"),
        ({"lines": [LineItem(discount_amount=EUR.amount("1.00"))]}, "lines[0].discount_amount"),
        ({"payments": [Payment(DAY, EUR.amount("1.00"))]}, "payments[0].amount"),
        ({"discount_amount": EUR.amount("1.00")}, "discount_amount"),
        ({"cash_rounding": CashRounding(EUR.amount("0.05"))}, "cash_rounding.increment"),
    ],
)
def test_money_in_another_currency_is_refused_naming_the_field(
    fields: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidValueError) as caught:
        build(**fields)
    assert caught.value.field == field
    assert caught.value.value.currency == "EUR"  # type: ignore[attr-defined]
    assert str(caught.value).startswith(f"{field}: is in EUR; the invoice is in USD (got ")


def test_the_same_number_in_another_currency_is_still_refused() -> None:
    # 1000 yen and 10.00 dollars are both 1000 minor units: the currency tells them apart.
    with pytest.raises(InvalidValueError, match="is in JPY; the invoice is in USD"):
        build(lines=[LineItem(unit_price=JPY.price("1000"))])


@pytest.mark.parametrize("markup", [D("-100.01"), "-250", D(-1000)])
def test_a_markup_below_minus_100_is_refused(markup: object) -> None:
    """It would turn a sale into a credit: 100.00 at -250% was an actual of -150.00."""
    for taxes in ((), ("VAT",)):  # the one-pass path, and the checked one
        with pytest.raises(InvalidValueError) as caught:
            LineItem(unit_price=USD.price("100"), markup_percentage=markup, taxes=taxes)
        assert caught.value.field == "markup_percentage"
        assert caught.value.problem == "must be at least -100"


def test_a_markup_of_minus_100_makes_the_line_nothing() -> None:
    # cost 100.00, markup 100.00 x -100% = -100.00, actual 0.00
    invoice = Invoice(
        USD, dt.date(2024, 3, 1), dt.date(2024, 3, 31),
        lines=[LineItem(unit_price=USD.price("100"), markup_percentage=D(-100))],
    )  # fmt: skip
    totals = calculate(invoice, as_of=dt.date(2024, 3, 1))
    assert (totals.item_cost, totals.item_profit, totals.item_actual) == (10000, -10000, 0)


def test_imported_work_in_another_currency_is_refused_naming_the_line() -> None:
    from invoicecalc import TimeEntry, import_uninvoiced_items

    task = Task("t", "p", hourly_rate=EUR.price("60.00"))
    with pytest.raises(InvalidValueError) as caught:
        import_uninvoiced_items(build(), tasks=[task], time_entries=[TimeEntry("e", "t", DAY, 60)])
    assert caught.value.field == "lines[0].unit_price"


def test_the_zero_defaults_belong_to_no_currency_and_fit_every_invoice() -> None:
    line = LineItem()
    assert (repr(line.unit_price), repr(line.flat_fee)) == ("Price('0', '')", "Amount(0, '')")
    for currency in (USD, JPY, Currency("BHD")):
        invoice = Invoice(currency, DAY, DAY, lines=[line, LineItem(flat_fee=Amount(0, ""))])
        assert calculate(invoice, as_of=DAY).total == 0
    assert build().discount_amount == 0
    # Only a zero may go without a currency.
    with pytest.raises(InvalidValueError) as caught:
        Amount(1, "")
    assert (caught.value.field, caught.value.value) == ("currency", "")


def test_money_in_the_invoices_currency_is_kept_as_given() -> None:
    line = LineItem(unit_price=USD.price("0.125"), flat_fee=USD.amount("1.50"))
    invoice = build(lines=[line], payments=[Payment(DAY, USD.amount("1.00"))])
    assert repr(invoice.lines[0].unit_price) == "Price('12.5', 'USD')"
    assert repr(invoice.lines[0].flat_fee) == "Amount(150, 'USD')"
    assert repr(invoice.payments[0].amount) == "Amount(100, 'USD')"
    # the totals are plain int minor units: 12.5 -> 13 (half up) + 150
    totals = calculate(invoice, as_of=DAY)
    assert (totals.total, type(totals.total), type(totals.balance)) == (163, int, int)
