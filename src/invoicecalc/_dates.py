"""Calendar arithmetic for terms, schedules and series: one place that uses dateutil.

Months and years go through dateutil's ``relativedelta``, which clamps to the
last day of a shorter month (31 January + 1 month is 29 February in a leap
year). A result outside years 1 to 9999 is refused with an error naming the field.

>>> shifted(dt.date(2024, 1, 31), "step", months=1)
datetime.date(2024, 2, 29)
>>> end_of_month(dt.date(2023, 2, 10))
datetime.date(2023, 2, 28)
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta  # type: ignore[import-untyped, unused-ignore]

from .errors import InvalidValueError

__all__ = ["end_of_month", "shifted"]


def shifted(
    start: dt.date, field: str, *, months: int = 0, days: int = 0, day: int | None = None
) -> dt.date:
    """``start`` moved by ``months`` then ``days``; ``day`` sets the day of the month,
    clamped to the month's last day. Dates outside years 1-9999 are refused as ``field``."""
    try:
        result: dt.date = start + relativedelta(months=months, days=days, day=day)
    except (OverflowError, ValueError):
        problem = "gives a date outside years 1 to 9999"
        raise InvalidValueError(field, start.isoformat(), problem) from None
    return result


def end_of_month(date: dt.date) -> dt.date:
    """The last day of ``date``'s month."""
    return shifted(date, "date", day=31)
