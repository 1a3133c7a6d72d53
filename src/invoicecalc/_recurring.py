"""Recurring invoices: FreshBooks' ``recurring`` profiles as a series of invoices.

Occurrence n (from 0) is dated ``start + n * step``, always counted from the
start and never from the previous date, so a monthly series from 31 January
2024 runs 29 February, 31 March, 30 April: a short month never pulls the
later dates back.
"""

from __future__ import annotations

import datetime as dt
import enum
import itertools

import attrs

from ._checks import check_date
from ._dates import shifted
from ._model import Invoice
from ._terms import apply_terms, redate
from .errors import InvalidTypeError, InvalidValueError

__all__ = ["MAX_OCCURRENCES", "Frequency", "occurrence_dates", "recur"]

#: The most occurrences a series may have (each is a whole invoice to compute).
MAX_OCCURRENCES = 1_000


class Frequency(enum.StrEnum):
    """How often a series recurs, named as FreshBooks' ``frequency``."""

    WEEKLY = "weekly"
    TWO_WEEKS = "2 weeks"
    FOUR_WEEKS = "4 weeks"
    MONTHLY = "monthly"
    TWO_MONTHS = "2 months"
    THREE_MONTHS = "3 months"
    SIX_MONTHS = "6 months"
    YEARLY = "yearly"
    TWO_YEARS = "2 years"

    @property
    def months(self) -> int:
        """The step in months (0 for the weekly frequencies)."""
        return _STEPS[self][0]

    @property
    def days(self) -> int:
        """The step in days (0 for the monthly and yearly frequencies)."""
        return _STEPS[self][1]


_STEPS = {
    Frequency.WEEKLY: (0, 7),
    Frequency.TWO_WEEKS: (0, 14),
    Frequency.FOUR_WEEKS: (0, 28),
    Frequency.MONTHLY: (1, 0),
    Frequency.TWO_MONTHS: (2, 0),
    Frequency.THREE_MONTHS: (3, 0),
    Frequency.SIX_MONTHS: (6, 0),
    Frequency.YEARLY: (12, 0),
    Frequency.TWO_YEARS: (24, 0),
}


def _nth(start: dt.date, frequency: Frequency, n: int) -> dt.date:
    return shifted(start, "start", months=n * frequency.months, days=n * frequency.days)


def occurrence_dates(
    start: dt.date,
    frequency: Frequency,
    *,
    count: int | None = None,
    until: dt.date | None = None,
) -> tuple[dt.date, ...]:
    """The dates of a series: ``count`` of them, or those up to and including
    ``until``, whichever ends first (FreshBooks' occurrences or an end date;
    one of them is needed, as an endless series cannot be listed). A series
    has at most :data:`MAX_OCCURRENCES` dates.

    >>> [d.isoformat() for d in occurrence_dates(dt.date(2024, 1, 31), Frequency.MONTHLY, count=4)]
    ['2024-01-31', '2024-02-29', '2024-03-31', '2024-04-30']
    """
    check_date(start, "start")
    if not isinstance(frequency, Frequency):
        raise InvalidTypeError("frequency", frequency, "must be a Frequency")
    if count is None and until is None:
        raise InvalidValueError("count", None, "a series needs a count or an end date")
    if count is not None:
        if isinstance(count, bool) or not isinstance(count, int):
            raise InvalidTypeError("count", count, "must be a whole number (int)")
        if count < 1:
            raise InvalidValueError("count", count, "must be at least 1")
        if count > MAX_OCCURRENCES:
            raise InvalidValueError("count", count, f"must be at most {MAX_OCCURRENCES}")
    if until is not None:
        check_date(until, "until")
    if count is not None and until is None:
        _nth(start, frequency, count - 1)  # refuse a series leaving the calendar, up front
    dates: list[dt.date] = []
    for n in itertools.count() if count is None else range(count):
        try:
            day = _nth(start, frequency, n)
        except InvalidValueError:
            if until is None:
                raise
            break  # past 9999-12-31, so past until as well
        if until is not None:
            if day > until:
                break
            if len(dates) == MAX_OCCURRENCES:
                raise InvalidValueError(
                    "until", until.isoformat(), f"gives more than {MAX_OCCURRENCES} occurrences"
                )
        dates.append(day)
    return tuple(dates)


def recur(
    template: Invoice,
    frequency: Frequency,
    *,
    count: int | None = None,
    until: dt.date | None = None,
    start: dt.date | None = None,
) -> tuple[Invoice, ...]:
    """The invoices of a recurring profile, one per :func:`occurrence_dates` date.

    ``start`` defaults to the template's invoice date. Each occurrence is the
    template dated on its own day, with its due date from its terms (see
    :func:`apply_terms`; without terms, as many days after its date as the
    template's), no payments and no number (the billing system numbers it).
    """
    if not isinstance(template, Invoice):
        raise InvalidTypeError("template", template, "must be an Invoice")
    base = attrs.evolve(template, payments=(), number=None)
    dates = occurrence_dates(
        template.invoice_date if start is None else start, frequency, count=count, until=until
    )
    return tuple(apply_terms(redate(base, day)) for day in dates)
