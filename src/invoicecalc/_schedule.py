"""The dates of one invoice: early-payment deadlines, late fees and reminders.

Every amount comes from the calculator itself (:func:`~invoicecalc.calculate`
and its :func:`late_fees` generator), so a schedule cannot disagree with it.
The schedule runs from the invoice date to ``max(as_of, due_date)``: early
deadlines and reminders before the due date are listed in full, late fees and
reminders after it up to ``as_of``. Payments dated after ``as_of`` are not
known yet, so a row dated later shows what happens if nothing more is paid.
"""

from __future__ import annotations

import bisect
import datetime as dt
import enum
import itertools
from decimal import Decimal

import attrs

from ._calculate import Totals, calculate, early_periods_available, late_fees
from ._checks import check_date
from ._model import Invoice
from .errors import InvalidTypeError, InvalidValueError

__all__ = [
    "MAX_ROWS",
    "EarlyDeadline",
    "LateFee",
    "Reminder",
    "ReminderKind",
    "Schedule",
    "schedule",
]

#: The most rows of each kind (early deadlines, late fees, reminders) a schedule
#: lists; many rows cost a calculation each, so more is refused, naming the period.
MAX_ROWS = 5_000


def _bounded(count: int, field: str, period: int, rows: str) -> None:
    if count > MAX_ROWS:
        raise InvalidValueError(field, period, f"gives more than {MAX_ROWS} {rows} to list")


@attrs.frozen
class EarlyDeadline:
    """Pay by ``date`` for ``periods`` early periods: the discount and total that gives.

    ``total`` is the invoice total paid by then and ``balance`` what is left
    of it after the payments known by then.
    """

    date: dt.date
    periods: int
    discount_percentage: Decimal
    discount: int
    total: int
    balance: int


@attrs.frozen
class LateFee:
    """A late-fee boundary: the ``fee`` added there, ``late_fee`` the fees so far,
    and the ``balance`` after it (the calculator's balance as of ``date``)."""

    date: dt.date
    fee: int
    late_fee: int
    balance: int


class ReminderKind(enum.StrEnum):
    """Cashboard's ``pre_reminder_in_days`` or ``post_reminder_in_days`` reminder."""

    BEFORE_DUE = "before_due"
    AFTER_DUE = "after_due"


@attrs.frozen
class Reminder:
    """A reminder sent on ``date`` because ``balance`` was still owed."""

    date: dt.date
    kind: ReminderKind
    balance: int


@attrs.frozen
class Schedule:
    """The schedule of one invoice as of ``totals.as_of``, rows in date order."""

    totals: Totals
    due_date: dt.date
    until: dt.date
    early_deadlines: tuple[EarlyDeadline, ...]
    late_fees: tuple[LateFee, ...]
    reminders: tuple[Reminder, ...]

    @property
    def as_of(self) -> dt.date:
        return self.totals.as_of


def schedule(invoice: Invoice, *, as_of: dt.date) -> Schedule:
    """The early-payment deadlines, late fees and reminders of ``invoice``.

    - Early deadlines: for each early period k (``k_max`` down to 1) the
      deadline ``due_date - k * early_period_in_days`` with the calculator's
      discount and total as of that date.
    - Late fees: each boundary ``due_date + j * late_period_in_days`` up to
      ``as_of`` at which a balance was outstanding, with the fee and balance.
    - Reminders: every ``pre_reminder_in_days`` before the due date (after the
      invoice date) and every ``post_reminder_in_days`` after it (up to
      ``as_of``), on each date the invoice is unpaid (balance above 0).

    >>> from decimal import Decimal
    >>> from invoicecalc import Currency, Invoice, LineItem
    >>> usd = Currency("USD")
    >>> invoice = Invoice(
    ...     usd, dt.date(2024, 1, 1), dt.date(2024, 1, 31),
    ...     lines=[LineItem(unit_price=usd.price("100.00"))],
    ...     late_percentage=Decimal(1), late_period_in_days=30,
    ... )
    >>> [(row.date.isoformat(), row.fee, row.balance)
    ...  for row in schedule(invoice, as_of=dt.date(2024, 4, 1)).late_fees]
    [('2024-03-01', 100, 10100), ('2024-03-31', 101, 10201)]
    """
    if not isinstance(invoice, Invoice):
        raise InvalidTypeError("invoice", invoice, "must be an Invoice")
    check_date(as_of, "as_of")
    known = attrs.evolve(invoice, payments=[p for p in invoice.payments if p.date <= as_of])
    due = invoice.due_date
    until = max(as_of, due)
    after_due = calculate(known, as_of=until)
    fees = _late_fees(known, after_due)
    before_due = _BeforeDue(known)
    return Schedule(
        totals=calculate(invoice, as_of=as_of),
        due_date=due,
        until=until,
        early_deadlines=_early_deadlines(known, before_due),
        late_fees=tuple(fee for fee in fees if fee.balance - fee.fee > 0),
        reminders=_reminders(known, after_due, fees, before_due),
    )


class _BeforeDue:
    """``calculate(invoice, as_of=day)`` for days before the due date, in time linear in
    the number of early periods however many days are asked about.

    The calculator settles early periods by searching, for each ``as_of``, the
    periods from the first payment's down to the one on offer, for the largest
    that the payments made by its deadline cover. Whether they cover period k
    depends on k alone (the payments by its deadline, the total at its rate),
    not on ``as_of``: so each k is tried at most once per invoice, largest
    first, and the largest that settles answers every later day. The totals at
    k periods are the calculator's on the same invoice without payments, on the
    deadline of k (where the search has nothing to try), worked out once per k.
    """

    def __init__(self, invoice: Invoice) -> None:
        self.period = invoice.early_period_in_days
        self.due = invoice.due_date.toordinal()
        self.k_max = early_periods_available(invoice)
        self.invoice = invoice
        self.unpaid: Invoice | None = None if invoice.payments else invoice
        payments = invoice.prepared.payments_by_day
        self.paid_days = [day for day, _ in payments]
        self.paid = list(itertools.accumulate(amount for _, amount in payments))
        # The highest period a payment can settle: its deadline is on or after the first payment.
        first = self.paid_days[0] if payments else None
        self.first_payment = first
        period = self.period or 1
        self.top = min(self.k_max, (self.due - first) // period) if first is not None else 0
        self.untried = self.top  # periods above this were tried, largest first
        self.settled = 0  # the largest period that settles, once found (0: none yet)
        self.at: dict[int, Totals] = {}

    def totals(self, periods: int) -> Totals:
        """The calculator's totals for ``periods`` early periods, before any payment."""
        found = self.at.get(periods)
        if found is None:
            assert self.period is not None
            if self.unpaid is None:
                self.unpaid = attrs.evolve(self.invoice, payments=())
            deadline = dt.date.fromordinal(self.due - periods * self.period)
            found = self.at[periods] = calculate(self.unpaid, as_of=deadline)
        return found

    def paid_by(self, day: int) -> int:
        index = bisect.bisect_right(self.paid_days, day)
        return self.paid[index - 1] if index else 0

    def periods(self, day: int) -> int:
        """The early periods the calculator gives on ``day`` (before the due date)."""
        assert self.period is not None
        offer = min(self.k_max, (self.due - day) // self.period) if self.k_max >= 1 else 0
        if self.first_payment is None or self.first_payment > day:
            return offer  # no payment known yet: nothing to settle
        if self.settled:
            return self.settled if self.settled > offer else offer
        while self.untried > offer:
            k = self.untried
            self.untried -= 1
            if self.paid_by(self.due - k * self.period) >= self.totals(k).total:
                self.settled = k
                return k
        return offer

    def on(self, day: int) -> tuple[Totals, int]:
        """The totals and the balance the calculator gives on ``day``."""
        totals = self.totals(self.periods(day))
        return totals, totals.total - self.paid_by(day)


def _early_deadlines(invoice: Invoice, before_due: _BeforeDue) -> tuple[EarlyDeadline, ...]:
    period = invoice.early_period_in_days
    if period is None or not invoice.discount_percentage:
        return ()
    rows = []
    available = early_periods_available(invoice)
    _bounded(available, "early_period_in_days", period, "early-payment deadlines")
    due = invoice.due_date.toordinal()
    for k in range(available, 0, -1):
        day = due - k * period
        totals, balance = before_due.on(day)
        rows.append(
            EarlyDeadline(
                dt.date.fromordinal(day),
                totals.early_periods,
                totals.discount_percentage,
                totals.discount,
                totals.total,
                balance,
            )
        )
    return tuple(rows)


def _late_fees(invoice: Invoice, after_due: Totals) -> tuple[LateFee, ...]:
    """Every boundary up to ``after_due.as_of``, zero fees included."""
    rows = []
    so_far = 0
    period = invoice.late_period_in_days
    if invoice.late_percentage and period is not None:
        boundaries = (after_due.as_of - invoice.due_date).days // period
        _bounded(boundaries, "late_period_in_days", period, "late-fee boundaries")
    for day, fee, balance in late_fees(
        invoice, after_due.total_before_fees, after_due.as_of.toordinal()
    ):
        so_far += fee
        rows.append(LateFee(dt.date.fromordinal(day), fee, so_far, balance))
    return tuple(rows)


def _reminders(
    invoice: Invoice, after_due: Totals, fees: tuple[LateFee, ...], before_due: _BeforeDue
) -> tuple[Reminder, ...]:
    due = invoice.due_date.toordinal()
    rows = []
    every = invoice.pre_reminder_in_days
    if every is not None:
        # due - j * every for the j that fall after the invoice date, earliest first
        count = (due - invoice.invoice_date.toordinal() - 1) // every
        _bounded(count, "pre_reminder_in_days", every, "reminders before the due date")
        for j in range(count, 0, -1):
            day = due - j * every
            if invoice.early_period_in_days is None:
                balance = calculate(invoice, as_of=dt.date.fromordinal(day)).balance
            else:
                balance = before_due.on(day)[1]
            if balance > 0:
                rows.append(Reminder(dt.date.fromordinal(day), ReminderKind.BEFORE_DUE, balance))
    every = invoice.post_reminder_in_days
    if every is not None:
        # After the due date the total before fees no longer changes, so the
        # balance on a day is that total plus the fees so far less the payments
        # so far: what calculate() gives, without recomputing every day.
        fee_days = [fee.date.toordinal() for fee in fees]
        paid_days = [day for day, _ in invoice.prepared.payments_by_day]
        paid = list(itertools.accumulate(amount for _, amount in invoice.prepared.payments_by_day))
        count = (after_due.as_of.toordinal() - due) // every
        _bounded(count, "post_reminder_in_days", every, "reminders after the due date")
        for ordinal in range(due + every, after_due.as_of.toordinal() + 1, every):
            fee_index = bisect.bisect_right(fee_days, ordinal)
            paid_index = bisect.bisect_right(paid_days, ordinal)
            balance = (
                after_due.total_before_fees
                + (fees[fee_index - 1].late_fee if fee_index else 0)
                - (paid[paid_index - 1] if paid_index else 0)
            )
            if balance > 0:
                rows.append(Reminder(dt.date.fromordinal(ordinal), ReminderKind.AFTER_DUE, balance))
    return tuple(rows)
