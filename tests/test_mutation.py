"""Hand-worked values that kill the engine's mutants (issue 12, docs/mutation.md).

Each test asserts a value worked out by hand, with the arithmetic in a comment, or
the field, value and problem text of an error. The seeded-bug tests name in their
docstring the bug they catch.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from invoicecalc import (
    Currency,
    Invoice,
    LineItem,
    Payment,
    Policy,
    Tax,
    TaxRounding,
    calculate,
)
from invoicecalc._money import exact_decimal
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
    assert exact_decimal(" 1." + "0" * 57, "rate") == 1  # the blanks count: 60 in all
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
