"""Recurring series: every frequency by hand across month ends and leap days, the
occurrences as invoices, and the property that a series never drifts."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from invoicecalc import (
    Currency,
    Frequency,
    Invoice,
    LineItem,
    Payment,
    calculate,
    occurrence_dates,
    recur,
)
from invoicecalc.errors import InvalidTypeError, InvalidValueError

D = Decimal
USD = Currency("USD")
day = dt.date


def test_a_monthly_series_from_31_january_lands_on_each_months_last_day() -> None:
    # Counted from the start, never from the previous date: after 29 Feb comes
    # 31 Mar, not 29 Mar.
    dates = occurrence_dates(day(2024, 1, 31), Frequency.MONTHLY, count=13)
    assert dates == (
        day(2024, 1, 31), day(2024, 2, 29), day(2024, 3, 31), day(2024, 4, 30),
        day(2024, 5, 31), day(2024, 6, 30), day(2024, 7, 31), day(2024, 8, 31),
        day(2024, 9, 30), day(2024, 10, 31), day(2024, 11, 30), day(2024, 12, 31),
        day(2025, 1, 31),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("start", "frequency", "expected"),
    [
        # 2023 is not a leap year.
        (day(2023, 1, 31), Frequency.MONTHLY, [day(2023, 2, 28), day(2023, 3, 31)]),
        # 26 Feb + 7 days in a leap year: 29 Feb is day 3, so 4 Mar.
        (day(2024, 2, 26), Frequency.WEEKLY, [day(2024, 3, 4), day(2024, 3, 11)]),
        (day(2024, 12, 23), Frequency.TWO_WEEKS, [day(2025, 1, 6), day(2025, 1, 20)]),
        # 1 Jan + 28 = 29 Jan, + 56 = 26 Feb, + 84 = 25 Mar (31 + 29 + 25 = 85th day).
        (day(2024, 1, 1), Frequency.FOUR_WEEKS, [day(2024, 1, 29), day(2024, 2, 26)]),
        (day(2024, 12, 31), Frequency.TWO_MONTHS, [day(2025, 2, 28), day(2025, 4, 30)]),
        (day(2024, 11, 30), Frequency.THREE_MONTHS, [day(2025, 2, 28), day(2025, 5, 30)]),
        (day(2024, 8, 31), Frequency.SIX_MONTHS, [day(2025, 2, 28), day(2025, 8, 31)]),
        # A leap day recurs on 28 Feb, and on 29 Feb again in the next leap year.
        (day(2024, 2, 29), Frequency.YEARLY, [day(2025, 2, 28), day(2026, 2, 28)]),
        (day(2024, 2, 29), Frequency.TWO_YEARS, [day(2026, 2, 28), day(2028, 2, 29)]),
    ],
)
def test_every_frequency(start: dt.date, frequency: Frequency, expected: list[dt.date]) -> None:
    assert occurrence_dates(start, frequency, count=3) == (start, *expected)


def test_yearly_from_a_leap_day_comes_back_to_it() -> None:
    dates = occurrence_dates(day(2024, 2, 29), Frequency.YEARLY, count=5)
    assert [d.day for d in dates] == [29, 28, 28, 28, 29]


def test_an_end_date_is_included() -> None:
    start = day(2024, 1, 31)
    assert occurrence_dates(start, Frequency.MONTHLY, until=day(2024, 4, 30))[-1] == day(
        2024, 4, 30
    )
    assert len(occurrence_dates(start, Frequency.MONTHLY, until=day(2024, 4, 29))) == 3
    assert occurrence_dates(start, Frequency.MONTHLY, until=day(2024, 1, 30)) == ()


def test_count_and_end_date_whichever_comes_first() -> None:
    start = day(2024, 1, 31)
    assert len(occurrence_dates(start, Frequency.MONTHLY, count=2, until=day(2024, 12, 31))) == 2
    assert len(occurrence_dates(start, Frequency.MONTHLY, count=20, until=day(2024, 3, 31))) == 3


def test_an_end_date_at_the_end_of_the_calendar() -> None:
    dates = occurrence_dates(day(9999, 10, 31), Frequency.MONTHLY, until=day(9999, 12, 31))
    assert dates == (day(9999, 10, 31), day(9999, 11, 30), day(9999, 12, 31))


@pytest.mark.parametrize(
    ("kwargs", "error", "field"),
    [
        ({}, InvalidValueError, "count"),
        ({"count": 0}, InvalidValueError, "count"),
        ({"count": True}, InvalidTypeError, "count"),
        ({"count": 12, "frequency": "monthly"}, InvalidTypeError, "frequency"),
        ({"count": 1, "start": dt.datetime(2024, 1, 1)}, InvalidTypeError, "start"),
        ({"until": "2024-12-31"}, InvalidTypeError, "until"),
        # Leaving the calendar is refused before any of the series is built.
        ({"count": 12, "start": day(9999, 6, 30)}, InvalidValueError, "start"),
    ],
)
def test_refusals(kwargs: dict[str, object], error: type[Exception], field: str) -> None:
    start = kwargs.pop("start", day(2024, 1, 31))
    frequency = kwargs.pop("frequency", Frequency.MONTHLY)
    with pytest.raises(error) as caught:
        occurrence_dates(start, frequency, **kwargs)  # type: ignore[arg-type]
    assert getattr(caught.value, "field", None) == field


# -- the occurrences as invoices ------------------------------------------------


def _template(**kwargs: object) -> Invoice:
    kwargs.setdefault("due_date", day(2024, 2, 15))
    return Invoice(
        USD,
        day(2024, 1, 31),
        lines=[LineItem(quantity=D(3), unit_price=USD.price("25.00"))],
        **kwargs,  # type: ignore[arg-type]
    )


def test_each_occurrence_is_due_by_its_terms() -> None:
    # Net 15 EOM: the end of each occurrence's month + 15 days.
    series = recur(_template(terms="Net 15 EOM"), Frequency.MONTHLY, count=4)
    assert [(i.invoice_date, i.due_date) for i in series] == [
        (day(2024, 1, 31), day(2024, 2, 15)),
        (day(2024, 2, 29), day(2024, 3, 15)),
        (day(2024, 3, 31), day(2024, 4, 15)),
        (day(2024, 4, 30), day(2024, 5, 15)),
    ]


def test_without_terms_the_days_to_the_due_date_are_kept() -> None:
    # The template is due 15 days after its date: so is every occurrence.
    series = recur(_template(), Frequency.MONTHLY, count=3)
    assert [i.due_date for i in series] == [day(2024, 2, 15), day(2024, 3, 15), day(2024, 4, 15)]


def test_occurrences_are_new_invoices() -> None:
    template = _template(
        number="2024-001", payments=[Payment(day(2024, 2, 1), USD.amount("75.00"))]
    )
    series = recur(template, Frequency.WEEKLY, count=2, start=day(2024, 3, 4))
    assert [i.invoice_date for i in series] == [day(2024, 3, 4), day(2024, 3, 11)]
    for occurrence in series:
        assert (occurrence.payments, occurrence.number) == ((), None)
        assert occurrence.lines == template.lines
        # 3 x 25.00 = 75.00, unpaid.
        assert calculate(occurrence, as_of=occurrence.invoice_date).balance == 7500


def test_a_cash_discount_carries_to_every_occurrence() -> None:
    series = recur(_template(terms="2/10 Net 30", due_date=day(2024, 3, 1)), Frequency.MONTHLY,
                   count=2)  # fmt: skip
    assert [(i.due_date, i.discount_percentage, i.early_period_in_days) for i in series] == [
        (day(2024, 3, 1), D(2), 20),
        (day(2024, 3, 30), D(2), 20),  # 29 Feb + 30 days
    ]


def test_free_text_terms_cannot_recur() -> None:
    with pytest.raises(InvalidValueError, match=r"Payment due in 30 days\."):
        recur(_template(terms="Payment due in 30 days."), Frequency.MONTHLY, count=2)


def test_the_template_must_be_an_invoice() -> None:
    with pytest.raises(InvalidTypeError):
        recur("invoice", Frequency.MONTHLY, count=2)  # type: ignore[arg-type]


# -- properties -------------------------------------------------------------------

MONTHS = {f: f.months for f in Frequency if f.months}
WEEKS = {f: f.days for f in Frequency if f.days}


@given(
    st.dates(dt.date(1900, 1, 1), dt.date(2200, 12, 31)),
    st.sampled_from(sorted(MONTHS)),
    st.integers(1, 60),
)
def test_monthly_series_never_drift(start: dt.date, frequency: Frequency, count: int) -> None:
    # Occurrence n falls in the month n x step after the start, on the start's day of
    # the month, or that month's last day when it is shorter: never any earlier.
    for n, date in enumerate(occurrence_dates(start, frequency, count=count)):
        year, month = divmod(start.year * 12 + start.month - 1 + n * MONTHS[frequency], 12)
        assert (date.year, date.month) == (year, month + 1)
        assert date.day == min(start.day, calendar.monthrange(date.year, date.month)[1])


@given(
    st.dates(dt.date(1900, 1, 1), dt.date(2200, 12, 31)),
    st.sampled_from(sorted(WEEKS)),
    st.integers(1, 200),
)
def test_weekly_series_never_drift(start: dt.date, frequency: Frequency, count: int) -> None:
    dates = occurrence_dates(start, frequency, count=count)
    assert [(d - start).days for d in dates] == [n * WEEKS[frequency] for n in range(count)]
