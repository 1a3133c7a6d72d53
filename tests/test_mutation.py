"""Hand-worked values that kill the engine's mutants (issue 12, docs/mutation.md).

Each test asserts a value worked out by hand, with the arithmetic in a comment, or
the field, value and problem text of an error. The seeded-bug tests name in their
docstring the bug they catch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

import attrs
import pytest

from invoicecalc import (
    Amount,
    CashRounding,
    Currency,
    HomeCurrency,
    Invoice,
    LineItem,
    LineKind,
    Payment,
    Policy,
    Price,
    Tax,
    TaxRounding,
    calculate,
    explain,
    sales_taxes,
)
from invoicecalc._calculate import early_discount_rate, early_periods_available, late_fees
from invoicecalc._money import allocate, allocation, exact_decimal, in_range, shown
from invoicecalc.errors import InvalidTypeError, InvalidValueError, InvoiceCalcError

D = Decimal
USD = Currency("USD")
MARCH_1 = dt.date(2024, 3, 1)
MARCH_31 = dt.date(2024, 3, 31)


def day(n: int) -> dt.date:
    """March ``n``, 2024 (``day(32)`` is April 1)."""
    return MARCH_1 + dt.timedelta(days=n - 1)


def invoice(*lines: LineItem, **kwargs: object) -> Invoice:
    kwargs.setdefault("invoice_date", MARCH_1)
    kwargs.setdefault("due_date", MARCH_31)
    return Invoice(kwargs.pop("currency", USD), lines=lines, **kwargs)  # type: ignore[arg-type]


def refusal(error: pytest.ExceptionInfo[InvoiceCalcError]) -> tuple[str, object, str]:
    return error.value.field, error.value.value, error.value.problem


def hundred(**kwargs: object) -> Invoice:
    """One 100.00 line (10000 minor units)."""
    return invoice(LineItem(unit_price=USD.price("100.00")), **kwargs)


# -- the seeded bugs of issue 12 ---------------------------------------------------------------


@pytest.mark.parametrize("policy", [TaxRounding.PER_DOCUMENT, TaxRounding.PER_LINE])
def test_taxes_whose_rates_have_different_denominators(policy: TaxRounding) -> None:
    """Catches ``scale = den`` for ``scale *= den`` in ``_prepare.prepare`` (the common
    denominator of the taxes' rates), which leaves a tax one minor unit off.

    0.5% is 1/200 and 0.2% is 1/500: the common scale is 200 * 500 = 100000. With
    ``scale = den`` it is the last one, 500, and 0.5% becomes 500 * 1 // 200 = 2 / 500 = 0.4%.
    """
    inv = invoice(
        LineItem(unit_price=USD.price("10.00")),
        taxes=[Tax("A", D("0.5")), Tax("B", D("0.2"), compound=True)],
        policy=Policy(tax_rounding=policy),
    )
    totals = calculate(inv, as_of=MARCH_1)
    # A = 1000 * 0.005 = 5 (the bug: 1000 * 0.004 = 4);
    # B = (1000 + 1000 * 0.005) * 0.002 = 1005 * 0.002 = 2.01 -> 2, on a base of 1005.
    assert totals.tax_amounts == (5, 2)
    assert totals.tax_bases == (1000, 1005)
    assert totals.total == 1007


def early(**kwargs: object) -> Invoice:
    """100.00 due March 31, 2% off for each 10 days early: k_max = 30 // 10 = 3, the
    deadlines are March 1 (k = 3, 6%), March 11 (k = 2, 4%) and March 21 (k = 1, 2%)."""
    return hundred(discount_percentage=D(2), early_period_in_days=10, **kwargs)


def test_the_early_search_tries_every_period() -> None:
    """Catches the early-payment search stepping every other period
    (``range(first, k_offer, -2)``) and the deadline taken as ``due + k*P``.

    1.00 on March 10 and 97.00 on March 15: by March 11 (k = 2) 100 is paid, less than
    the 9600 owed at 4%; by March 21 (k = 1) 9800 is paid, exactly what is owed at 2%.
    Stepping by 2 tries only k = 2; with deadlines after the due date, k = 2's deadline
    (April 20) has all 9800 paid, more than 9600.
    """
    payments = [Payment(day(10), USD.amount("1.00")), Payment(day(15), USD.amount("97.00"))]
    totals = calculate(early(payments=payments), as_of=day(40))
    assert (totals.early_periods, totals.discount_percentage) == (1, D(2))
    assert (totals.discount, totals.total, totals.balance) == (200, 9800, 0)


@pytest.mark.parametrize(
    ("paid_on", "periods", "total"),
    [
        (day(20), 1, 9800),  # the day before March 21's deadline: 2% off
        (day(21), 1, 9800),  # on the deadline
        (day(22), 0, 10000),  # the day after: nothing off
        (day(11), 2, 9600),  # on k = 2's deadline: 4% off, and 98.00 covers 96.00
        (day(12), 1, 9800),  # the day after it: k = 1 only
    ],
)
def test_a_payment_after_an_early_deadline_does_not_earn_its_period(
    paid_on: dt.date, periods: int, total: int
) -> None:
    """Catches a payment made one day after an early-payment deadline still earning that
    period's discount (``day <= deadline + 1``, or the first settlable period counted
    from the day after the payment).

    98.00 in one payment, and the same 98.00 as 1.00 on March 1 and 97.00 on ``paid_on``
    (so that the search starts at k = 3 and has to refuse the later periods on the sums).
    """
    for payments in (
        [Payment(paid_on, USD.amount("98.00"))],
        [Payment(day(1), USD.amount("1.00")), Payment(paid_on, USD.amount("97.00"))],
    ):
        totals = calculate(early(payments=payments), as_of=day(45))
        assert (totals.early_periods, totals.total) == (periods, total), payments
        assert totals.balance == total - 9800


@pytest.mark.parametrize(
    ("as_of", "periods"),
    # k_offer = (31 - day) // 10, at most 3: March 1 -> 3, March 11 -> 2, March 12 -> 1,
    # March 21 -> 1, March 22 -> 0, the due date and later -> 0.
    [(day(1), 3), (day(11), 2), (day(12), 1), (day(21), 1), (day(22), 0), (day(31), 0)],
)
def test_the_offered_periods_end_on_their_deadlines(as_of: dt.date, periods: int) -> None:
    """An unpaid invoice is offered the periods whose deadline is on or after ``as_of``."""
    totals = calculate(early(), as_of=as_of)
    assert totals.early_periods == periods
    # 10000 less 2% per period: 9400, 9600, 9800 or 10000.
    assert totals.total == 10000 - 200 * periods


def test_a_price_is_converted_exactly() -> None:
    """Catches ``Currency.price`` without its exact context (``EXACT``): the default
    context (28 digits) rounds 0.4999999999999999999999999999999 cents (31 digits) up
    to 0.5, which then rounds half up to a whole cent."""
    price = USD.price("0.004999999999999999999999999999999")
    assert price == D("0.4999999999999999999999999999999")
    totals = calculate(invoice(LineItem(unit_price=price)), as_of=MARCH_1)
    assert (totals.item_cost, totals.total) == (0, 0)  # 0.4999... cents rounds to 0


def test_one_minor_unit_outstanding_earns_a_late_fee() -> None:
    """Catches no late fee when exactly one minor unit is outstanding (``outstanding > 1``).

    99.99 paid on March 31 leaves 1 cent at the first boundary, April 30; 50% of it is
    0.5 cent, half up 1 cent. The next boundary (May 30) is after ``as_of``.
    """
    inv = hundred(
        late_percentage=D(50),
        late_period_in_days=30,
        payments=[Payment(MARCH_31, USD.amount("99.99"))],
    )
    totals = calculate(inv, as_of=dt.date(2024, 5, 1))
    assert (totals.late_fee, totals.total, totals.balance) == (1, 10001, 2)
    # The day before the boundary nothing is due yet.
    assert calculate(inv, as_of=dt.date(2024, 4, 29)).late_fee == 0


@pytest.mark.parametrize(
    "text",
    ["1e18", "-1e18", "1000000000000000000", "-1000000000000000000", "1e-19", "-1e-19", "1e-20"],
)
def test_numbers_beyond_the_range_are_refused(text: str) -> None:
    """Catches the range off by one: magnitudes from 10**-18 up to, not including, 10**18."""
    with pytest.raises(InvalidValueError) as error:
        exact_decimal(text, "quantity")
    assert refusal(error) == ("quantity", text, "is out of the supported range")


@pytest.mark.parametrize(
    "text",
    ["999999999999999999", "-999999999999999999", "1e-18", "-1e-18", "9.99e17", "0e-18", "0e18"],
)
def test_numbers_at_the_range_are_accepted(text: str) -> None:
    """The other side of the same bounds (-1e18 is refused, 1e-18 accepted)."""
    assert exact_decimal(text, "quantity") == D(text)


def test_number_text_of_sixty_characters_is_accepted_and_of_sixty_one_refused() -> None:
    """Catches the 60-character limit off by one (``< 60`` or ``<= 61``)."""
    sixty = "1." + "0" * 58
    assert len(sixty) == 60
    assert exact_decimal(sixty, "rate") == 1
    with pytest.raises(InvalidValueError) as error:
        exact_decimal(sixty + "0", "rate")
    assert refusal(error) == ("rate", sixty + "0", "is not a decimal number")


def test_numbers_of_sixty_digits_are_accepted_and_of_sixty_one_refused() -> None:
    """The digit limit: 60 significant digits, whatever the text (a ``Decimal``)."""
    sixty = D("1." + "0" * 59)
    assert exact_decimal(sixty, "rate") == 1
    sixty_one = D("1." + "0" * 60)
    with pytest.raises(InvalidValueError) as error:
        exact_decimal(sixty_one, "rate")
    assert refusal(error) == ("rate", sixty_one, "has more than 60 digits")


@pytest.mark.parametrize(
    ("fields", "field", "value", "problem"),
    [
        ({"taxable": "no"}, "taxable", "no", "must be true or false"),
        ({"taxable": 0}, "taxable", 0, "must be true or false"),
        ({"title": 5}, "title", 5, "must be text"),
        ({"description": 5}, "description", 5, "must be text"),
        ({"title": None}, "title", None, "must be text"),
    ],
)
def test_a_line_refuses_fields_of_the_wrong_type(
    fields: dict[str, object], field: str, value: object, problem: str
) -> None:
    """Catches ``LineItem(taxable="no")`` and ``LineItem(title=5)`` accepted."""
    with pytest.raises(InvalidTypeError) as error:
        LineItem(**fields)  # type: ignore[arg-type]
    assert refusal(error) == (field, value, problem)


# -- the errors: the field, the value and the problem each names --------------------------------

EUR = Currency("EUR")
AMOUNT = "must be an Amount, made by its currency: Currency('USD').amount('150.00')"
PRICE = "must be a Price, made by its currency: Currency('USD').price('85.00')"
FLOAT = "a float is not exact; use Decimal or text"
DAYS = "must be a positive number of days"
WHOLE = "must be a whole number (int)"
NOT_DECIMAL = "is not a decimal number"
NOT_FINITE = "is not a finite number"
DATE = "must be a datetime.date"
NOW = dt.datetime(2024, 3, 1, 12)


E = InvalidValueError
T = InvalidTypeError
REFUSALS = [
    # Tax
    (lambda: Tax(5, D(1)), T, "name", 5, "must be text"),
    (lambda: Tax("  ", D(1)), E, "name", "  ", "a tax needs a name"),
    (lambda: Tax("VAT", D(-1)), E, "rate", D(-1), "must be at least 0"),
    (lambda: Tax("VAT", 0.5), T, "rate", 0.5, FLOAT),
    (lambda: Tax("VAT", D(1), compound=[5]), T, "compound", 5, "must name a tax"),
    (lambda: Tax("B", D(1), compound=["A", "A"]), E, "compound", ("A", "A"), "names a tax twice"),
    (
        lambda: Tax("VAT", D(1), compound="yes"),
        T,
        "compound",
        "yes",
        "must be true, false or a list of earlier taxes",
    ),
    (lambda: Tax("VAT", D(1), withholding="no"), T, "withholding", "no", "must be true or false"),
    (
        lambda: Tax("IRPF", D(15), compound=True, withholding=True),
        E,
        "compound",
        True,
        "a withholding tax cannot compound",
    ),
    # LineKind
    (
        lambda: LineKind.from_type_code(3),
        E,
        "type_code",
        3,
        "is not 0 (custom), 1 (task) or 2 (product)",
    ),
    # LineItem
    (lambda: LineItem(kind="custom"), T, "kind", "custom", "must be a LineKind"),
    (lambda: LineItem(quantity=0.5), T, "quantity", 0.5, FLOAT),
    (lambda: LineItem(unit_price=D(1)), T, "unit_price", D(1), PRICE),
    (
        lambda: LineItem(markup_percentage="x"),
        E,
        "markup_percentage",
        "x",
        "is not a decimal number",
    ),
    (lambda: LineItem(flat_fee=150), T, "flat_fee", 150, AMOUNT),
    (lambda: LineItem(taxes=[5]), T, "taxes", 5, "must name a tax"),
    (
        lambda: LineItem(taxes=["A"], taxable=False),
        E,
        "taxes",
        ("A",),
        "a non-taxable line cannot carry taxes",
    ),
    (lambda: LineItem(taxes=["A", "A"]), E, "taxes", ("A", "A"), "names a tax twice"),
    (lambda: LineItem(taxes="A"), T, "taxes", "A", "must be a list or tuple"),
    (
        lambda: LineItem(discount_percentage=101),
        E,
        "discount_percentage",
        101,
        "must be at most 100",
    ),
    (lambda: LineItem(discount_percentage=-1), E, "discount_percentage", -1, "must be at least 0"),
    (
        lambda: LineItem(discount_percentage=5, discount_amount=USD.amount("1.00")),
        E,
        "discount_amount",
        USD.amount("1.00"),
        "a line has a discount percentage or a discount amount, not both",
    ),
    (
        lambda: LineItem(discount_amount=USD.amount("-1.00")),
        E,
        "discount_amount",
        "-1.00",
        "must not be negative",
    ),
    (lambda: LineItem(discount_amount=100), T, "discount_amount", 100, AMOUNT),
    (lambda: LineItem(quantity_low=0.5), T, "quantity_low", 0.5, FLOAT),
    (lambda: LineItem(quantity_high=0.5), T, "quantity_high", 0.5, FLOAT),
    # Payment
    (lambda: Payment("2024-03-01", USD.amount("1")), T, "date", "2024-03-01", DATE),
    (lambda: Payment(NOW, USD.amount("1")), T, "date", NOW, DATE),
    (lambda: Payment(MARCH_1, 100), T, "amount", 100, AMOUNT),
    (lambda: Payment(MARCH_1, USD.amount("1"), note=5), T, "note", 5, "must be text"),
    # Policy
    (lambda: Policy(rounding="half_up"), T, "rounding", "half_up", "must be a Rounding"),
    (
        lambda: Policy(tax_rounding="per_line"),
        T,
        "tax_rounding",
        "per_line",
        "must be a TaxRounding",
    ),
    (
        lambda: Policy(discount_base="pre_tax"),
        T,
        "discount_base",
        "pre_tax",
        "must be a DiscountBase",
    ),
    # CashRounding
    (
        lambda: CashRounding(USD.amount("0")),
        E,
        "cash_rounding.increment",
        "0.00",
        "must be at least one minor unit",
    ),
    (lambda: CashRounding(5), T, "cash_rounding.increment", 5, AMOUNT),
    (
        lambda: CashRounding(USD.amount("0.05"), rounding="up"),
        T,
        "rounding",
        "up",
        "must be a Rounding or None",
    ),
    # HomeCurrency
    (lambda: HomeCurrency("EUR", D(1)), T, "currency", "EUR", "must be a Currency"),
    (lambda: HomeCurrency(EUR, D(0)), E, "home_currency.rate", D(0), "must be positive"),
    (lambda: HomeCurrency(EUR, D(-1)), E, "home_currency.rate", D(-1), "must be positive"),
    (lambda: HomeCurrency(EUR, 0.5), T, "rate", 0.5, FLOAT),
    # Invoice
    (lambda: Invoice("USD", MARCH_1, MARCH_31), T, "currency", "USD", "must be a Currency"),
    (lambda: Invoice(USD, "2024-03-01", MARCH_31), T, "invoice_date", "2024-03-01", DATE),
    (lambda: Invoice(USD, MARCH_1, NOW), T, "due_date", NOW, DATE),
    (lambda: invoice(LineItem(), 5), T, "lines[1]", 5, "must be a LineItem"),
    (lambda: invoice(taxes=[5]), T, "taxes[0]", 5, "must be a Tax"),
    (lambda: invoice(payments=[5]), T, "payments[0]", 5, "must be a Payment"),
    (
        lambda: invoice(discount_percentage=101),
        E,
        "discount_percentage",
        101,
        "must be at most 100",
    ),
    (lambda: invoice(discount_percentage=-1), E, "discount_percentage", -1, "must be at least 0"),
    (lambda: invoice(early_period_in_days=0), E, "early_period_in_days", 0, DAYS),
    (lambda: invoice(early_period_in_days=True), T, "early_period_in_days", True, WHOLE),
    (lambda: invoice(early_period_in_days=1.5), T, "early_period_in_days", 1.5, WHOLE),
    (
        # March 1 + 100001 days, one period a day: 100001 periods.
        lambda: invoice(due_date=MARCH_1 + dt.timedelta(days=100_001), early_period_in_days=1),
        E,
        "early_period_in_days",
        1,
        "gives 100001 early-payment periods; at most 100000 are supported",
    ),
    (
        lambda: invoice(late_percentage=D(1)),
        E,
        "late_percentage",
        D(1),
        "needs late_period_in_days",
    ),
    (
        lambda: invoice(late_percentage=D(-1), late_period_in_days=30),
        E,
        "late_percentage",
        D(-1),
        "must be at least 0",
    ),
    (lambda: invoice(late_period_in_days=-30), E, "late_period_in_days", -30, DAYS),
    (lambda: invoice(policy="x"), T, "policy", "x", "must be a Policy"),
    (lambda: invoice(number=5), T, "number", 5, "must be text or None"),
    (lambda: invoice(po_number=5), T, "po_number", 5, "must be text or None"),
    (lambda: invoice(terms=5), T, "terms", 5, "must be text or None"),
    (lambda: invoice(notes=None), T, "notes", None, "must be text"),
    (lambda: invoice(pre_reminder_in_days=0), E, "pre_reminder_in_days", 0, DAYS),
    (lambda: invoice(post_reminder_in_days=0), E, "post_reminder_in_days", 0, DAYS),
    (
        lambda: invoice(discount_amount=USD.amount("-1.00")),
        E,
        "discount_amount",
        "-1.00",
        "must not be negative",
    ),
    (lambda: invoice(discount_amount=1), T, "discount_amount", 1, AMOUNT),
    (lambda: invoice(tax_inclusive="yes"), T, "tax_inclusive", "yes", "must be true or false"),
    (lambda: invoice(cash_rounding="x"), T, "cash_rounding", "x", "must be a CashRounding or None"),
    (lambda: invoice(home_currency="x"), T, "home_currency", "x", "must be a HomeCurrency or None"),
    (
        lambda: invoice(home_currency=HomeCurrency(USD, D(2))),
        E,
        "home_currency.rate",
        D(2),
        "must be 1 when the home currency is the invoice's own",
    ),
    (
        lambda: invoice(LineItem(unit_price=EUR.price("1"))),
        E,
        "lines[0].unit_price",
        EUR.price("1"),
        "is in EUR; the invoice is in USD",
    ),
    (
        # The first line's price, checked beside a later line and the invoice's amounts.
        lambda: invoice(LineItem(unit_price=EUR.price("1")), LineItem()),
        E,
        "lines[0].unit_price",
        EUR.price("1"),
        "is in EUR; the invoice is in USD",
    ),
    (
        lambda: invoice(LineItem(), discount_amount=EUR.amount("1")),
        E,
        "discount_amount",
        EUR.amount("1"),
        "is in EUR; the invoice is in USD",
    ),
    (
        lambda: invoice(LineItem(), LineItem(flat_fee=EUR.amount("1"))),
        E,
        "lines[1].flat_fee",
        EUR.amount("1"),
        "is in EUR; the invoice is in USD",
    ),
    (
        lambda: invoice(LineItem(discount_amount=EUR.amount("1"))),
        E,
        "lines[0].discount_amount",
        EUR.amount("1"),
        "is in EUR; the invoice is in USD",
    ),
    (
        lambda: invoice(discount_amount=EUR.amount("1")),
        E,
        "discount_amount",
        EUR.amount("1"),
        "is in EUR; the invoice is in USD",
    ),
    (
        lambda: invoice(cash_rounding=CashRounding(EUR.amount("0.05"))),
        E,
        "cash_rounding.increment",
        EUR.amount("0.05"),
        "is in EUR; the invoice is in USD",
    ),
    (
        lambda: invoice(payments=[Payment(MARCH_1, EUR.amount("1"))]),
        E,
        "payments[0].amount",
        EUR.amount("1"),
        "is in EUR; the invoice is in USD",
    ),
    (
        lambda: invoice(taxes=[Tax("A", D(1)), Tax("A", D(2))]),
        E,
        "taxes[1].name",
        "A",
        "is defined twice",
    ),
    (
        lambda: invoice(taxes=[Tax("W", D(15), withholding=True)], tax_inclusive=True),
        E,
        "taxes[0].withholding",
        True,
        "a withholding tax cannot be tax-inclusive",
    ),
    (
        lambda: invoice(taxes=[Tax("B", D(1), compound=["A"]), Tax("A", D(1))]),
        E,
        "taxes[0].compound",
        "A",
        "is not an earlier tax of this invoice",
    ),
    (
        lambda: invoice(taxes=[Tax("W", D(15), withholding=True), Tax("B", D(1), compound=["W"])]),
        E,
        "taxes[1].compound",
        "W",
        "is a withholding tax",
    ),
    (
        lambda: invoice(LineItem(), LineItem(taxes=["X"]), taxes=[Tax("A", D(1))]),
        E,
        "lines[1].taxes",
        "X",
        "is not a tax this invoice defines",
    ),
    # _prepare: a line's and the document's discount amounts, amounts beyond the range
    (
        lambda: invoice(LineItem(unit_price=USD.price("1.00"), discount_amount=USD.amount("2.00"))),
        E,
        "lines[0].discount_amount",
        "2.00",
        "is more than the line's amount of 1.00",
    ),
    (
        lambda: invoice(
            LineItem(unit_price=USD.price("1.00")),
            LineItem(unit_price=USD.price("-5.00")),
            discount_amount=USD.amount("2.00"),
        ),
        E,
        "discount_amount",
        "2.00",
        "is more than the lines' positive amounts, 1.00",
    ),
    (
        lambda: invoice(LineItem(), LineItem(quantity=D(10) ** 17, unit_price=USD.price("100"))),
        E,
        "lines[1].cost",
        10**21,
        "is beyond the supported 10**18 minor units",
    ),
    # _calculate
    (lambda: calculate(invoice(), as_of=NOW), T, "as_of", NOW, DATE),
    (lambda: calculate(invoice(), as_of="2024-03-01"), T, "as_of", "2024-03-01", DATE),
]


@pytest.mark.parametrize(("build", "error", "field", "value", "problem"), REFUSALS)
def test_each_refusal_names_its_field_value_and_problem(
    build: Callable[[], object],
    error: type[InvoiceCalcError],
    field: str,
    value: object,
    problem: str,
) -> None:
    with pytest.raises(error) as caught:
        build()
    assert type(caught.value) is error
    assert refusal(caught) == (field, value, problem)


MONEY_REFUSALS = [
    (lambda: exact_decimal(True, "rate"), T, "rate", True, "a bool is not a number"),
    (lambda: exact_decimal([1], "rate"), T, "rate", [1], "is not a number"),
    (lambda: exact_decimal(None, "rate"), T, "rate", None, "is not a number"),
    (lambda: exact_decimal(D("NaN"), "rate"), E, "rate", "NaN", NOT_FINITE),
    (
        lambda: exact_decimal(D("-Infinity"), "rate"),
        E,
        "rate",
        "-Infinity",
        "is not a finite number",
    ),
    (lambda: exact_decimal("NaN", "rate"), E, "rate", "NaN", NOT_DECIMAL),
    (lambda: exact_decimal("1_000", "rate"), E, "rate", "1_000", NOT_DECIMAL),
    (lambda: exact_decimal("\u0661", "rate"), E, "rate", "\u0661", NOT_DECIMAL),
    (lambda: exact_decimal("1e99", "rate"), E, "rate", "1e99", "is out of the supported range"),
    (lambda: Amount(True, "USD"), T, "amount", True, "must be a whole number of minor units"),
    (lambda: Amount(1.5, "USD"), T, "amount", 1.5, "must be a whole number of minor units"),
    (lambda: Amount(1, "usd"), E, "currency", "usd", "is not an ISO 4217 code"),
    (lambda: Amount(1, ""), E, "currency", "", "is not an ISO 4217 code"),
    (lambda: Price(1, 840), E, "currency", 840, "is not an ISO 4217 code"),
    (lambda: Price(0.5, "USD"), T, "unit_price", 0.5, FLOAT),
    (lambda: Currency(840), T, "currency", 840, "is not a currency code"),
    (lambda: Currency("usd"), E, "currency", "usd", "is not an ISO 4217 code"),
    (lambda: Currency("XYZ"), E, "currency", "XYZ", "is not a known currency"),
    (lambda: USD.amount("10.001", "flat_fee"), E, "flat_fee", "10.001", "is finer than USD allows"),
    (lambda: USD.amount("0.001"), E, "amount", "0.001", "is finer than USD allows"),
    (lambda: USD.amount("x", "flat_fee"), E, "flat_fee", "x", NOT_DECIMAL),
    (lambda: USD.price("x"), E, "unit_price", "x", NOT_DECIMAL),
    (lambda: USD.price("x", "rate"), E, "rate", "x", NOT_DECIMAL),
    (
        lambda: USD.format(100, locale="xx_XX"),
        E,
        "locale",
        "xx_XX",
        "is not a locale babel knows",
    ),
]


@pytest.mark.parametrize(("build", "error", "field", "value", "problem"), MONEY_REFUSALS)
def test_each_money_refusal_names_its_field_value_and_problem(
    build: Callable[[], object],
    error: type[InvoiceCalcError],
    field: str,
    value: object,
    problem: str,
) -> None:
    with pytest.raises(error) as caught:
        build()
    assert type(caught.value) is error
    shown_value = caught.value.value
    if isinstance(shown_value, Decimal):  # NaN is not equal to itself: compare the text
        shown_value = str(shown_value)
    assert (caught.value.field, shown_value, caught.value.problem) == (field, value, problem)


# -- _money: values ---------------------------------------------------------------------------


def test_exact_decimal_keeps_subclasses_out() -> None:
    class Text(str):
        pass

    class Number(Decimal):
        pass

    # A subclass comes back as the plain type's value, never as itself.
    assert type(exact_decimal(Number("1.5"), "rate")) is Decimal
    assert exact_decimal(Number("1.5"), "rate") == D("1.5")
    assert exact_decimal(Text("2.5"), "rate") == D("2.5")
    with pytest.raises(InvalidValueError) as error:
        exact_decimal(Text("x"), "rate")
    assert refusal(error) == ("rate", "x", NOT_DECIMAL)
    assert type(exact_decimal(7, "rate")) is Decimal
    assert exact_decimal(-7, "rate") == -7


def test_in_range_shows_the_number_unless_told_otherwise() -> None:
    with pytest.raises(InvalidValueError) as error:
        in_range(D("1e99"), "rate")
    assert refusal(error) == ("rate", D("1e99"), "is out of the supported range")
    with pytest.raises(InvalidValueError) as error:
        in_range(D("1e99"), "rate", "1e99 as written")
    assert refusal(error) == ("rate", "1e99 as written", "is out of the supported range")


@pytest.mark.parametrize(
    ("text", "exponent"),
    # A zero keeps its exponent within +-18; beyond, it becomes plain 0 (exponent 0).
    [("0e-18", -18), ("0e18", 18), ("0e-19", 0), ("0e19", 0), ("0e-999999", 0), ("0.00", -2)],
)
def test_a_zero_keeps_a_sane_exponent(text: str, exponent: int) -> None:
    zero = exact_decimal(text, "rate")
    assert zero == 0
    assert zero.as_tuple().exponent == exponent


def test_allocation_with_no_weight_allocates_nothing() -> None:
    assert allocation(5, [0, 0]) == ([0, 0], [0, 0], [0, 0], [])
    assert allocation(5, []) == ([], [], [], [])


def test_allocation_by_largest_remainder() -> None:
    # 10 over weights 1, 2, 3 (sum 6): exact shares 10/6, 20/6, 30/6 -> floors 1, 3, 5
    # (9 in all), remainders 4, 2, 0; the one unit left goes to the largest remainder.
    assert allocation(10, [1, 2, 3]) == ([2, 3, 5], [1, 3, 5], [4, 2, 0], [0])
    # 2 over three equal weights: remainders tie, the earlier weights first.
    assert allocation(2, [1, 1, 1]) == ([1, 1, 0], [0, 0, 0], [2, 2, 2], [0, 1])
    # 5 over 1, 3 (sum 4): 5/4 and 15/4 -> floors 1, 3, remainders 1, 3: the unit goes to
    # the later, larger remainder, and ``extra`` lists positions in order.
    assert allocation(5, [1, 3]) == ([1, 4], [1, 3], [1, 3], [1])
    assert allocation(7, [2, 1, 2, 1]) == ([3, 1, 2, 1], [2, 1, 2, 1], [2, 1, 2, 1], [0])
    assert allocate(201, [1005, 1005]) == [101, 100]


def test_shown_writes_an_amount_as_its_currency_does() -> None:
    assert shown(Amount(-100, "USD")) == "-1.00"
    assert shown(Amount(5, "JPY")) == "5"
    assert shown(Amount(1250, "BHD")) == "1.250"
    assert shown(Amount(0, "")) == "0"


@pytest.mark.parametrize(
    ("code", "minor", "text"),
    [
        ("USD", -1250, "-12.50"),
        ("USD", 5, "0.05"),
        ("USD", -5, "-0.05"),
        ("USD", 0, "0.00"),
        ("JPY", -1250, "-1250"),
        ("BHD", 1, "0.001"),
        ("BHD", -1250, "-1.250"),
    ],
)
def test_format_and_to_decimal(code: str, minor: int, text: str) -> None:
    currency = Currency(code)
    assert currency.format(minor) == text
    assert str(currency.to_decimal(minor)) == text


def test_format_with_a_locale() -> None:
    assert Currency("EUR").format(123456, locale="de_DE") == "1.234,56\xa0€"
    assert Currency("JPY").format(1250, locale="en_US") == "¥1,250"


def test_price_and_amount_from_major_units() -> None:
    # 0.125 USD is 12.5 cents; 1.5 JPY is 1.5 yen; 2 BHD is 2000 fils.
    assert repr(USD.price("0.125")) == "Price('12.5', 'USD')"
    assert repr(Currency("JPY").price("1.5")) == "Price('1.5', 'JPY')"
    assert repr(Currency("BHD").price(2)) == "Price('2000', 'BHD')"
    assert repr(USD.price("1.50")) == "Price('150', 'USD')"
    assert repr(Price("1.5", "USD")) == "Price('1.5', 'USD')"
    assert repr(Currency("BHD").amount("-1.25")) == "Amount(-1250, 'BHD')"
    assert str(Amount(-150, "USD")) == "-150"
    assert f"{Amount(7, 'USD')}" == "7"


# -- _model and _calculate: values -----------------------------------------------------------


def test_sales_taxes_as_cashboard_gives_them() -> None:
    assert sales_taxes(None, None) == ()
    assert sales_taxes(D(8), None) == (Tax("sales_tax", D(8)),)
    # Only sales_tax_2: tax 1 is 0; not cumulative unless the flag says so.
    assert sales_taxes(None, D(5)) == (Tax("sales_tax", D(0)), Tax("sales_tax_2", D(5)))
    assert sales_taxes(D(8), D(5)) == (Tax("sales_tax", D(8)), Tax("sales_tax_2", D(5)))
    assert sales_taxes(D(8), D(5), True)[1] == Tax("sales_tax_2", D(5), compound=True)


def test_line_kinds_and_their_type_codes() -> None:
    assert [LineKind.from_type_code(code) for code in (0, 1, 2)] == [
        LineKind.CUSTOM,
        LineKind.TASK,
        LineKind.PRODUCT,
    ]
    assert [kind.type_code for kind in LineKind] == [0, 1, 2]


def test_cash_rounding_of_a_currency() -> None:
    # CLDR: CHF cash to 0.05 (5 rappen), SEK cash to whole kronor (100 öre), USD none (1).
    increments = [
        CashRounding.of_currency(Currency(code)).increment for code in ("CHF", "SEK", "USD", "JPY")
    ]
    assert [repr(amount) for amount in increments] == [
        "Amount(5, 'CHF')",
        "Amount(100, 'SEK')",
        "Amount(1, 'USD')",
        "Amount(1, 'JPY')",
    ]


def test_early_periods_available_and_their_rates() -> None:
    assert early_periods_available(hundred()) == 0  # no early terms
    assert early_periods_available(early()) == 3  # 30 days // 10
    # Due before it is issued: none.
    assert early_periods_available(early(invoice_date=day(40))) == 0
    assert early_discount_rate(early(), 3) == D(6)
    # 40% a period for 3 periods is capped at 100.
    assert early_discount_rate(hundred(discount_percentage=D(40)), 3) == D(100)
    totals = calculate(hundred(discount_percentage=D(40), early_period_in_days=10), as_of=MARCH_1)
    assert (totals.discount_percentage, totals.early_periods, totals.total) == (D(100), 3, 0)


def test_late_fees_lists_each_boundary() -> None:
    """``late_fees`` yields ``(day, fee, outstanding after it)`` at each boundary.

    100.00 due March 31, 1.5% every 30 days: boundaries April 30, May 30, June 29.
    April 30: 10000 outstanding, fee 150 -> 10150; May 30: 10150 * 0.015 = 152.25 -> 152,
    10302; June 29: 10302 * 0.015 = 154.53 -> 155, 10457. A 50.00 payment on May 30
    counts from that boundary on: 10150 - 5000 = 5150, fee 77.25 -> 77, 5227.
    """
    inv = hundred(late_percentage=D("1.5"), late_period_in_days=30)
    june_29 = dt.date(2024, 6, 29)
    assert list(late_fees(inv, 10000, june_29.toordinal())) == [
        (dt.date(2024, 4, 30).toordinal(), 150, 10150),
        (dt.date(2024, 5, 30).toordinal(), 152, 10302),
        (june_29.toordinal(), 155, 10457),
    ]
    paid = attrs.evolve(inv, payments=[Payment(dt.date(2024, 5, 30), USD.amount("50.00"))])
    assert [fee[1:] for fee in late_fees(paid, 10000, june_29.toordinal())] == [
        (150, 10150),
        (77, 5227),  # 5150 * 0.015 = 77.25
        (78, 5305),  # 5227 * 0.015 = 78.405
    ]
    totals = calculate(paid, as_of=june_29)
    assert (totals.late_fee, totals.total, totals.balance) == (305, 10305, 5305)
    # No late terms, or a period without a percentage: no boundary at all.
    assert list(late_fees(hundred(), 10000, june_29.toordinal())) == []
    assert list(late_fees(hundred(late_period_in_days=30), 10000, june_29.toordinal())) == []


def test_at_most_the_supported_late_fee_periods() -> None:
    """100000 daily boundaries up to ``as_of`` are worked out; one more is refused.

    Due March 31, 2024, one day a period: the first boundary is April 1, 2024, and the
    100000th is April 1, 2024 + 99999 days. Paid before it is due: every fee is 0.
    """
    inv = hundred(
        late_percentage=D(1),
        late_period_in_days=1,
        payments=[Payment(MARCH_1, USD.amount("100.00"))],
    )
    last = dt.date(2024, 4, 1) + dt.timedelta(days=99_999)
    assert calculate(inv, as_of=last).late_fee == 0
    with pytest.raises(InvalidValueError) as error:
        calculate(inv, as_of=last + dt.timedelta(days=1))
    assert refusal(error) == (
        "late_period_in_days",
        1,
        f"gives more than 100000 late-fee periods up to {last + dt.timedelta(days=1)}",
    )


def cents(major: str) -> LineItem:
    """A line of one unit at ``major`` USD."""
    return LineItem(unit_price=USD.price(major))


BEYOND = "is beyond the supported 10**18 minor units"


@pytest.mark.parametrize(
    ("build", "field", "value"),
    [
        # item_profit: 4e15 USD at 100% markup, three times (markups 1.2e18 cents), beside a
        # -8e15 USD line: item_cost 1.2e18 - 8e17 = 4e17 passes; item_profit does not.
        (
            lambda: invoice(
                *[LineItem(unit_price=USD.price("4e15"), markup_percentage=D(100))] * 3,
                cents("-8e15"),
            ),
            "item_profit",
            12 * 10**17,
        ),
        # item_actual: 1e15 USD at 500% (cost 1e17, markup 5e17, actual 6e17) and 5e15 USD:
        # costs 6e17 and markups 5e17 pass, their sum 1.1e18 does not.
        (
            lambda: invoice(
                LineItem(unit_price=USD.price("1e15"), markup_percentage=D(500)), cents("5e15")
            ),
            "item_actual",
            11 * 10**17,
        ),
        # subtotal: 9e15 + 8e15 - 8e15 USD is 9e17 cents of actual, but the -8e15 line's
        # 100% discount makes its net 0: the nets add up to 1.7e18.
        (
            lambda: invoice(
                cents("9e15"),
                cents("8e15"),
                LineItem(unit_price=USD.price("-8e15"), discount_percentage=D(100)),
            ),
            "subtotal",
            17 * 10**17,
        ),
    ],
)
def test_sums_beyond_the_range_name_their_field(
    build: Callable[[], object], field: str, value: int
) -> None:
    with pytest.raises(InvalidValueError) as error:
        build()
    assert refusal(error) == (field, value, BEYOND)


def _paid(*majors: str) -> list[Payment]:
    return [Payment(MARCH_1, USD.amount(major)) for major in majors]


@pytest.mark.parametrize(
    ("payments", "field", "value"),
    [
        # One payment of 1e16 USD: 1e18 cents.
        (_paid("1e16"), "payments[0].amount", 10**18),
        # Two of 6e15 USD: each 6e17 cents passes, together 1.2e18 do not. A payment of
        # int64's largest read from Kashoo gave a payment total past the range, and
        # two of them a Kashoo totalPaid past int64.
        (_paid("6e15", "6e15"), "payment_total", 12 * 10**17),
        # A refund counts as money too: 6e17 paid and 6e17 refunded, 1.2e18 moved.
        (_paid("6e15", "-6e15"), "payment_total", 12 * 10**17),
    ],
)
def test_payments_beyond_the_range_name_their_field(
    payments: list[Payment], field: str, value: int
) -> None:
    with pytest.raises(InvalidValueError) as error:
        invoice(cents("1.00"), payments=payments)
    assert refusal(error) == (field, value, BEYOND)
    invoice(cents("1.00"), payments=_paid("4e15", "-5e15"))  # 9e17 moved: inside


def test_a_total_beyond_the_range_with_its_late_fee() -> None:
    # 9e15 USD = 9e17 cents; 25% late on April 30: fee 2.25e17, total 1.125e18.
    inv = invoice(cents("9e15"), late_percentage=D(25), late_period_in_days=30)
    assert calculate(inv, as_of=dt.date(2024, 4, 29)).total == 9 * 10**17
    with pytest.raises(InvalidValueError) as error:
        calculate(inv, as_of=dt.date(2024, 4, 30))
    assert refusal(error) == ("total", 1125 * 10**15, BEYOND)


@pytest.mark.parametrize(
    ("price", "rates", "paid", "field", "value"),
    # Converted at 1e13 EUR per USD, so that 1 cent is 1e13 home cents; each amount is
    # converted on its own, in this order: subtotal, each tax, tax total, total, balance.
    [
        # 1000.00 USD: subtotal 100000 cents -> 1e18.
        ("1000.00", [], "0", "home.subtotal", 10**18),
        # 1.00 at 100000%: the tax is 100000 cents -> 1e18 (the subtotal is 1e15).
        ("1.00", ["100000"], "0", "home.taxes[0].amount", 10**18),
        # 1.00 at 60000% twice: each tax 60000 cents (6e17), together 1.2e18.
        ("1.00", ["60000", "60000"], "0", "home.tax_total", 12 * 10**17),
        # 500.00 at 120%: subtotal 5e17 and tax 6e17, the total 110000 cents 1.1e18.
        ("500.00", ["120"], "0", "home.total", 11 * 10**17),
        # 500.00 and a refund of 500.00: total 5e17, balance 100000 cents 1e18.
        ("500.00", [], "-500.00", "home.balance", 10**18),
    ],
)
def test_home_amounts_beyond_the_range_name_their_field(
    price: str, rates: list[str], paid: str, field: str, value: int
) -> None:
    inv = invoice(
        cents(price),
        taxes=[Tax(f"T{j}", D(rate)) for j, rate in enumerate(rates)],
        payments=[Payment(MARCH_1, USD.amount(paid))],
        home_currency=HomeCurrency(EUR, D("1e13")),
    )
    with pytest.raises(InvalidValueError) as error:
        calculate(inv, as_of=MARCH_1)
    assert refusal(error) == (field, value, BEYOND)


def test_home_amounts_are_converted_half_up_between_exponents() -> None:
    # 10.00 USD + 20% VAT = 12.00 USD, to JPY at 151.235 (exponent 0: a cent is
    # 1.51235 yen): subtotal 1000 * 1.51235 = 1512.35 -> 1512; tax 200 -> 302.47 -> 302;
    # total 1200 -> 1814.82 -> 1815; to BHD (exponent 3, 0.377 BHD per USD: a cent is
    # 3.77 fils): 1000 -> 3770, 200 -> 754, 1200 -> 4524.
    for code, rate, expected in (
        ("JPY", "151.235", (1512, (302,), 302, 1815, 1815)),
        ("BHD", "0.377", (3770, (754,), 754, 4524, 4524)),
    ):
        inv = invoice(
            cents("10.00"),
            taxes=[Tax("VAT", D(20))],
            home_currency=HomeCurrency(Currency(code), D(rate)),
        )
        home = calculate(inv, as_of=MARCH_1).home
        assert home is not None
        assert home.currency == Currency(code)
        amounts = (home.subtotal, home.tax_amounts, home.tax_total, home.total, home.balance)
        assert amounts == expected, code


def test_totals_carry_the_currency_and_the_date() -> None:
    totals = calculate(hundred(), as_of=day(5))
    assert (totals.currency, totals.as_of) == (USD, day(5))
    assert (totals.home, totals.total_quantity) == (None, 1)


def test_what_prepare_hands_the_calculator() -> None:
    """``Invoice.prepared``, the documented interface: per document, each tax's exact sum;
    per line, the taxes each line carries (and no sums)."""
    lines = (cents("10.00"), cents("5.00"))
    # Per document: 10% is 10/100, so the tax is 1500 * 10 / 100 = 150 on a base of 1500.
    per_document = invoice(*lines, taxes=[Tax("A", D(10))]).prepared
    assert per_document.line_taxes == ()
    assert [Fraction(*pair) for pair in per_document.tax_sums] == [150]
    assert [Fraction(*pair) for pair in per_document.base_sums] == [1500]
    per_line = invoice(
        *lines, taxes=[Tax("A", D(10))], policy=Policy(tax_rounding=TaxRounding.PER_LINE)
    ).prepared
    assert (per_line.tax_sums, per_line.base_sums) == ((), ())
    assert per_line.line_taxes == (((0, 10, 100, ()),), ((0, 10, 100, ()),))


def test_a_discount_amount_of_one_minor_unit() -> None:
    # A 0.01 line with a 0.01 discount amount: net 0; the same as the document's discount.
    cent = USD.amount("0.01")
    own = calculate(
        invoice(LineItem(unit_price=USD.price("0.01"), discount_amount=cent)), as_of=MARCH_1
    )
    assert (own.line_discount, own.total) == (1, 0)
    document = calculate(invoice(cents("0.01"), discount_amount=cent), as_of=MARCH_1)
    assert (document.discount, document.total) == (1, 0)
    # A credit line of -0.01 with 0.01 off: its discount is -1, its net 0.
    credit_line = LineItem(unit_price=USD.price("-0.01"), discount_amount=cent)
    credit = calculate(invoice(credit_line), as_of=MARCH_1)
    assert (credit.line_discount, credit.total) == (-1, 0)


def test_early_periods_are_whole_periods() -> None:
    # 200001 days at 2 days a period: 100000 whole periods (the limit), accepted.
    inv = invoice(due_date=MARCH_1 + dt.timedelta(days=200_001), early_period_in_days=2)
    assert early_periods_available(inv) == 100_000


def test_explain_shows_each_line_of_a_per_line_invoice() -> None:
    # Per line, 10% off and 20% VAT on 10.00 and 5.00: discounts 100 and 50, nets 900 and
    # 450, taxes 180 and 90. explain() records each line's own steps.
    inv = invoice(
        cents("10.00"),
        cents("5.00"),
        taxes=[Tax("VAT", D(20))],
        discount_percentage=D(10),
        policy=Policy(tax_rounding=TaxRounding.PER_LINE),
    )
    explanation = explain(inv, as_of=MARCH_1)
    shown = {
        id: explanation.step(id).amount
        for id in (
            "lines[0].percentage_discount",
            "lines[1].percentage_discount",
            "lines[0].taxes[0]",
            "lines[1].taxes[0]",
        )
    }
    assert shown == {
        "lines[0].percentage_discount": 100,
        "lines[1].percentage_discount": 50,
        "lines[0].taxes[0]": 180,
        "lines[1].taxes[0]": 90,
    }
    assert explanation.totals.total == 900 + 450 + 180 + 90


# -- the fast paths check what the full checks check ---------------------------------
#
# A value of the common exact types takes a constructor's fast path; these hold it to
# the same refusals and the same stored values as the full checks.


def test_a_fast_path_tax_refuses_an_absurd_rate_naming_it() -> None:
    with pytest.raises(InvalidValueError) as caught:
        Tax("VAT", D("1E+19"))
    assert refusal(caught) == ("rate", D("1E+19"), "is out of the supported range")


def test_a_fast_path_tax_stores_a_zero_of_absurd_exponent_as_plain_zero() -> None:
    # in_range gives Decimal(0) for 0E-1000 (exponent beyond 18): the tax keeps that.
    rate = Tax("VAT", D("0E-1000")).rate
    assert (rate, rate.as_tuple().exponent) == (D(0), 0)


def test_a_fast_path_line_refuses_an_absurd_quantity_naming_it() -> None:
    # Every field of the exact type (the defaults are): the fast path.
    with pytest.raises(InvalidValueError) as caught:
        LineItem(quantity=D("1E+18"))
    assert refusal(caught) == ("quantity", D("1E+18"), "is out of the supported range")


def test_a_line_has_no_title_or_description_unless_given() -> None:
    line = LineItem()
    assert (line.title, line.description) == ("", "")


@pytest.mark.parametrize("sign", [1, -1])
def test_a_line_whose_actual_is_exactly_the_bound_is_refused_naming_it(sign: int) -> None:
    # Cost 5e17 cents (5e15 USD) at 100% markup: actual 1e18 cents, the first amount
    # outside the range; the line is refused, before any sum of the lines.
    line = LineItem(unit_price=USD.price(f"{sign * 5}e15"), markup_percentage=D(100))
    with pytest.raises(InvalidValueError) as caught:
        invoice(line)
    assert refusal(caught) == ("lines[0].actual", sign * 10**18, BEYOND)


def test_sixty_one_digits_at_the_smallest_magnitude_are_refused_as_digits() -> None:
    # 1.000...0001E-18: adjusted() is -18 (in range), 61 digits (one too many).
    number = D("1." + "0" * 59 + "1E-18")
    assert len(number.as_tuple().digits) == 61
    assert number.adjusted() == -18
    with pytest.raises(InvalidValueError) as caught:
        in_range(number, "rate")
    assert refusal(caught) == ("rate", number, "has more than 60 digits")


def test_a_currency_that_is_not_text_is_refused_naming_it() -> None:
    with pytest.raises(InvalidValueError) as caught:
        Amount(1, ["USD"])  # type: ignore[arg-type]
    assert refusal(caught) == ("currency", ["USD"], "is not an ISO 4217 code")
