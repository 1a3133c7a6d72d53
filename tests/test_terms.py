"""Payment terms: hand-worked due dates (month ends, leap years), the cash discount
mapped onto the engine's early-payment periods, and refusals naming the text."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from invoicecalc import (
    Currency,
    Invoice,
    LineItem,
    Payment,
    Terms,
    apply_terms,
    calculate,
    due_date,
)
from invoicecalc.errors import InvalidTypeError, InvalidValueError, UnsupportedError

D = Decimal
USD = Currency("USD")
day = dt.date


@pytest.mark.parametrize(
    ("invoice_date", "terms", "due"),
    [
        (day(2024, 3, 15), "Due on receipt", day(2024, 3, 15)),
        (day(2024, 3, 15), "Due upon receipt", day(2024, 3, 15)),
        (day(2024, 3, 15), "Net 0", day(2024, 3, 15)),
        # 31 Jan + 29 days = 29 Feb (leap), + 1 = 1 Mar.
        (day(2024, 1, 31), "Net 30", day(2024, 3, 1)),
        # 31 Jan + 28 days = 28 Feb (2023), + 2 = 2 Mar.
        (day(2023, 1, 31), "Net 30", day(2023, 3, 2)),
        # 20 Dec + 11 days = 31 Dec, + 19 = 19 Jan of the next year.
        (day(2024, 12, 20), "Net 30", day(2025, 1, 19)),
        # End of February 2024 is the 29th; + 15 days = 15 March.
        (day(2024, 2, 10), "Net 15 EOM", day(2024, 3, 15)),
        # End of December + 10 days crosses the year.
        (day(2024, 12, 31), "Net 10 EOM", day(2025, 1, 10)),
        (day(2024, 2, 1), "EOM", day(2024, 2, 29)),
        (day(2023, 2, 28), "EOM", day(2023, 2, 28)),
        # 2100 is not a leap year (divisible by 100, not by 400); 2000 is.
        (day(2100, 2, 5), "EOM", day(2100, 2, 28)),
        (day(2000, 2, 5), "EOM", day(2000, 2, 29)),
        (day(2024, 1, 31), "15th of next month", day(2024, 2, 15)),
        (day(2024, 12, 20), "15th of next month", day(2025, 1, 15)),
        (day(2024, 5, 2), "1st of next month", day(2024, 6, 1)),
        # A day the next month lacks is its last day.
        (day(2024, 1, 15), "31st of next month", day(2024, 2, 29)),
        (day(2023, 1, 15), "30th of next month", day(2023, 2, 28)),
        (day(2024, 3, 31), "31st of next month", day(2024, 4, 30)),
        (day(2024, 1, 31), "2/10 Net 30", day(2024, 3, 1)),
    ],
)
def test_due_dates(invoice_date: dt.date, terms: str, due: dt.date) -> None:
    assert due_date(invoice_date, terms) == due
    assert Terms(terms).due_date(invoice_date) == due


@pytest.mark.parametrize("text", ["net 30", "NET 30", "  Net\t 30  ", "Net 30\n"])
def test_case_and_whitespace_do_not_matter(text: str) -> None:
    assert Terms(text).due_date(day(2024, 3, 1)) == day(2024, 3, 31)


@pytest.mark.parametrize(
    ("text", "day_of_month"),
    [("1st", 1), ("2nd", 2), ("3rd", 3), ("4th", 4), ("11th", 11), ("12th", 12),
     ("13th", 13), ("21st", 21), ("22nd", 22), ("23rd", 23), ("31st", 31)],
)  # fmt: skip
def test_ordinals(text: str, day_of_month: int) -> None:
    assert Terms(f"{text} of next month").day_of_next_month == day_of_month


@pytest.mark.parametrize(
    "text",
    [
        "Net thirty",
        "Net 30 days",
        "net-30",
        "N30",
        "Payment due in 30 days.",  # FreshBooks' recurring.create sample
        "Net 30 EOM please",
        "2% 10 Net 30",
        "2/10, Net 30",
        "Net \uff13\uff10",  # full-width digits are not ASCII digits
        "",
        "Due on receipt or whenever",
    ],
)
def test_unknown_terms_are_refused_naming_the_text(text: str) -> None:
    with pytest.raises(InvalidValueError) as caught:
        Terms(text)
    assert caught.value.field == "terms"
    assert caught.value.value == text
    assert repr(text) in str(caught.value)


@pytest.mark.parametrize(
    "text",
    ["0th of next month", "32nd of next month", "1th of next month", "11st of next month",
     "22th of next month", "Net 3651", "0/10 Net 30", "101/10 Net 30", "2/30 Net 30",
     "2/40 Net 30"],
)  # fmt: skip
def test_out_of_range_terms_are_refused(text: str) -> None:
    with pytest.raises(InvalidValueError, match="terms"):
        Terms(text)


def test_longest_term() -> None:
    assert Terms("Net 3650").net_days == 3650


def test_terms_must_be_text() -> None:
    with pytest.raises(InvalidTypeError):
        Terms(30)  # type: ignore[arg-type]


@pytest.mark.parametrize("invoice_date", ["2024-01-31", None, dt.datetime(2024, 1, 31, 12)])
def test_the_due_date_method_refuses_what_is_not_a_date(invoice_date: object) -> None:
    # Text and None raised a bare TypeError from the date arithmetic, and a datetime
    # came back a datetime; due_date() refused all three as invoice_date.
    with pytest.raises(InvalidTypeError) as caught:
        Terms("Net 30").due_date(invoice_date)  # type: ignore[arg-type]
    assert (caught.value.field, caught.value.value) == ("invoice_date", invoice_date)


def test_a_due_date_past_the_calendar_is_refused() -> None:
    with pytest.raises(InvalidValueError, match="terms"):
        due_date(day(9999, 12, 20), "Net 30")


# -- the cash discount --------------------------------------------------------


def test_two_ten_net_thirty_is_one_early_period_of_twenty_days() -> None:
    # 2/10 Net 30: due = invoice + 30; early_period P = 30 - 10 = 20;
    # k_max = floor(30 / 20) = 1, and that period's deadline is due - 20 = invoice + 10.
    terms = Terms("2/10 Net 30")
    assert (terms.discount_percentage, terms.discount_days) == (D(2), 10)
    assert (terms.net_days, terms.early_period_in_days) == (30, 20)
    assert Terms("Net 30").early_period_in_days is None


def _two_ten(**kwargs: object) -> Invoice:
    # 1,000.00 dated 31 Jan 2024 on 2/10 Net 30: due 1 Mar, discount deadline 10 Feb.
    return apply_terms(
        Invoice(
            USD,
            day(2024, 1, 31),
            day(2024, 3, 1),
            lines=[LineItem(unit_price=USD.price("1000.00"))],
            terms="2/10 Net 30",
            **kwargs,  # type: ignore[arg-type]
        )
    )


def test_the_discount_is_offered_through_day_ten_and_not_after() -> None:
    invoice = _two_ten()
    # Day 10 (10 Feb): k_offer = floor((1 Mar - 10 Feb) / 20) = floor(20 / 20) = 1 -> 2% = 20.00.
    on_day_ten = calculate(invoice, as_of=day(2024, 2, 10))
    assert (on_day_ten.discount, on_day_ten.total) == (2000, 98_000)
    # Day 11: floor(19 / 20) = 0 -> no discount.
    assert calculate(invoice, as_of=day(2024, 2, 11)).total == 100_000


@pytest.mark.parametrize(
    ("paid_on", "balance"),
    [
        # 980.00 paid exactly on the deadline settles the discounted total: balance 0.
        (day(2024, 2, 10), 0),
        # A day late, the full 1,000.00 is owed: 20.00 remains.
        (day(2024, 2, 11), 2000),
    ],
)
def test_a_payment_on_the_deadline_earns_the_discount(paid_on: dt.date, balance: int) -> None:
    invoice = _two_ten(payments=[Payment(paid_on, USD.amount("980.00"))])
    assert calculate(invoice, as_of=day(2024, 3, 15)).balance == balance


def test_one_and_a_half_ten_net_sixty() -> None:
    # P = 60 - 10 = 50, k_max = floor(60 / 50) = 1.
    terms = Terms("1.5/10 Net 60")
    assert (terms.discount_percentage, terms.early_period_in_days) == (D("1.5"), 50)


@pytest.mark.parametrize("text", ["2/15 Net 30", "2/20 Net 30", "1/45 Net 60"])
def test_discounts_the_engine_cannot_express_are_refused(text: str) -> None:
    # 2/15 Net 30: P = 15 and k_max = floor(30 / 15) = 2, so the engine would also
    # give 4% for paying 30 days before the due date: refused, not approximated.
    with pytest.raises(UnsupportedError, match="D/N Net M needs N below M/2") as caught:
        Terms(text)
    assert caught.value.value == text


# -- apply_terms ----------------------------------------------------------------


def _invoice(terms: str | None, due: dt.date, **kwargs: object) -> Invoice:
    return Invoice(USD, day(2024, 1, 31), due, terms=terms, **kwargs)  # type: ignore[arg-type]


def test_without_terms_nothing_changes() -> None:
    invoice = _invoice(None, day(2024, 2, 1))
    assert apply_terms(invoice) is invoice


def test_consistent_terms_change_nothing() -> None:
    invoice = _invoice("Net 15 EOM", day(2024, 2, 15))
    assert apply_terms(invoice) is invoice


def test_a_due_date_the_terms_disagree_with_is_refused() -> None:
    with pytest.raises(InvalidValueError, match="2024-03-01") as caught:
        apply_terms(_invoice("Net 30", day(2024, 3, 2)))
    assert (caught.value.field, caught.value.value) == ("due_date", "2024-03-02")


def test_a_cash_discount_fills_in_the_early_discount() -> None:
    applied = apply_terms(_invoice("2/10 Net 30", day(2024, 3, 1)))
    assert (applied.discount_percentage, applied.early_period_in_days) == (D(2), 20)


def test_a_stated_discount_must_agree() -> None:
    same = _invoice("2/10 Net 30", day(2024, 3, 1), discount_percentage=D("2.0"),
                    early_period_in_days=20)  # fmt: skip
    assert apply_terms(same) is same
    for kwargs in ({"discount_percentage": D(5)}, {"discount_percentage": D(2),
                   "early_period_in_days": 10}):  # fmt: skip
        with pytest.raises(InvalidValueError, match="disagrees with terms") as caught:
            apply_terms(_invoice("2/10 Net 30", day(2024, 3, 1), **kwargs))
        assert caught.value.field == "discount_percentage"


def test_unknown_terms_on_an_invoice_are_refused() -> None:
    with pytest.raises(InvalidValueError, match="Net thirty"):
        apply_terms(_invoice("Net thirty", day(2024, 3, 1)))


# -- properties -----------------------------------------------------------------

dates = st.dates(dt.date(1900, 1, 1), dt.date(2200, 12, 31))


@given(dates, st.integers(0, 3650))
def test_net_n_is_n_days(invoice_date: dt.date, days: int) -> None:
    assert (due_date(invoice_date, f"Net {days}") - invoice_date).days == days


@given(dates, st.integers(0, 400))
def test_net_n_eom_counts_from_the_last_day_of_the_month(invoice_date: dt.date, days: int) -> None:
    last = calendar.monthrange(invoice_date.year, invoice_date.month)[1]
    month_end = invoice_date.replace(day=last)
    assert due_date(invoice_date, "EOM") == month_end
    assert (due_date(invoice_date, f"Net {days} EOM") - month_end).days == days


@given(dates, st.integers(1, 31))
def test_nth_of_next_month(invoice_date: dt.date, nth: int) -> None:
    suffix = "th" if nth in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(nth % 10, "th")
    due = due_date(invoice_date, f"{nth}{suffix} of next month")
    next_month = invoice_date.replace(day=1) + dt.timedelta(days=32)  # some day of it
    assert (due.year, due.month) == (next_month.year, next_month.month)
    assert due.day == min(nth, calendar.monthrange(due.year, due.month)[1])


@given(st.integers(1, 100), st.integers(0, 300), st.integers(1, 600))
def test_every_accepted_cash_discount_has_exactly_one_period(
    percent: int, within: int, net: int
) -> None:
    text = f"{percent}/{within} Net {net}"
    if not 2 * within < net:
        with pytest.raises((InvalidValueError, UnsupportedError)):
            Terms(text)
        return
    terms = Terms(text)
    period = terms.early_period_in_days
    assert period is not None
    # k_max = floor(net / P) == 1, and the deadline due - P is the invoice date + N.
    assert net // period == 1
    assert net - period == within
