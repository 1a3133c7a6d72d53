"""Schedules: hand-worked deadlines, late fees and reminders across month ends and a
leap day, a payment exactly on a boundary, and properties tying every row to the
calculator."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from invoicecalc import (
    Amount,
    Currency,
    Invoice,
    LineItem,
    Payment,
    ReminderKind,
    Tax,
    calculate,
    schedule,
)
from invoicecalc.errors import InvalidTypeError
from invoicecalc.testing import as_of_dates, decimals, invoices

D = Decimal
USD = Currency("USD")
day = dt.date
BEFORE, AFTER = ReminderKind.BEFORE_DUE, ReminderKind.AFTER_DUE


def test_early_deadlines_across_a_leap_february() -> None:
    # 1,000.00 + 10% tax, dated 31 Jan 2024, due 1 Mar 2024 (30 days), 1% per 5 days early.
    # k_max = floor(30 / 5) = 6; deadline k = 1 Mar - 5k days: 29 Feb exists, so
    # k=1 25 Feb, k=2 20 Feb, k=3 15 Feb, k=4 10 Feb, k=5 5 Feb, k=6 31 Jan.
    # At k percent: discount = 1000.00 x k%, tax = (1000.00 - discount) x 10%,
    # total = (1000.00 - discount) x 1.1: k=6 -> 60.00, 940.00 + 94.00 = 1,034.00.
    invoice = Invoice(
        USD, day(2024, 1, 31), day(2024, 3, 1),
        lines=[LineItem(unit_price=USD.price("1000.00"))], taxes=[Tax("VAT", D(10))],
        discount_percentage=D(1), early_period_in_days=5,
    )  # fmt: skip
    rows = schedule(invoice, as_of=day(2024, 1, 31)).early_deadlines
    assert [(r.date, r.periods, r.discount_percentage, r.discount, r.total) for r in rows] == [
        (day(2024, 1, 31), 6, D(6), 6000, 103_400),
        (day(2024, 2, 5), 5, D(5), 5000, 104_500),
        (day(2024, 2, 10), 4, D(4), 4000, 105_600),
        (day(2024, 2, 15), 3, D(3), 3000, 106_700),
        (day(2024, 2, 20), 2, D(2), 2000, 107_800),
        (day(2024, 2, 25), 1, D(1), 1000, 108_900),
    ]
    assert all(r.balance == r.total for r in rows)  # nothing paid


def _late(*payments: Payment) -> Invoice:
    # 1,000.00 dated 31 Jan 2024, due 29 Feb 2024 (leap day), 2% per 30 days late,
    # reminders every 7 days before the due date and every 10 days after it.
    return Invoice(
        USD, day(2024, 1, 31), day(2024, 2, 29),
        lines=[LineItem(unit_price=USD.price("1000.00"))],
        late_percentage=D(2), late_period_in_days=30,
        pre_reminder_in_days=7, post_reminder_in_days=10,
        payments=payments,
    )  # fmt: skip


def test_late_fees_with_a_payment_exactly_on_a_boundary() -> None:
    # Boundaries: 29 Feb + 30 = 30 Mar, + 60 = 29 Apr, + 90 = 29 May.
    # 30 Mar: outstanding 1000.00 -> fee 20.00, balance 1020.00.
    # 29 Apr: the 500.00 paid that day counts: 1020.00 - 500.00 = 520.00 -> fee 10.40,
    #         balance 530.40.
    # 29 May: 530.40 x 2% = 10.608 -> 10.61, balance 541.01.
    invoice = _late(Payment(day(2024, 4, 29), USD.amount("500.00")))
    found = schedule(invoice, as_of=day(2024, 5, 31))
    assert [(r.date, r.fee, r.late_fee, r.balance) for r in found.late_fees] == [
        (day(2024, 3, 30), 2000, 2000, 102_000),
        (day(2024, 4, 29), 1040, 3040, 53_040),
        (day(2024, 5, 29), 1061, 4101, 54_101),
    ]
    # The calculator agrees: late_fee 41.01, balance 541.01 on 31 May.
    totals = calculate(invoice, as_of=day(2024, 5, 31))
    assert (
        (totals.late_fee, totals.balance)
        == (4101, 54_101)
        == (
            found.totals.late_fee,
            found.totals.balance,
        )
    )


def test_a_payment_one_day_after_the_boundary_is_late() -> None:
    # Paid 30 Apr instead: 29 Apr outstanding 1020.00 -> fee 20.40, balance 1040.40;
    # 29 May: 1040.40 - 500.00 = 540.40 -> 10.808 -> 10.81, balance 551.21.
    found = schedule(_late(Payment(day(2024, 4, 30), USD.amount("500.00"))), as_of=day(2024, 5, 31))
    assert [(r.fee, r.balance) for r in found.late_fees] == [
        (2000, 102_000),
        (2040, 104_040),
        (1081, 55_121),
    ]


def test_reminders_before_and_after_the_due_date() -> None:
    # Before 29 Feb every 7 days, after the invoice date: 22, 15, 8 and 1 Feb
    # (25 Jan is before 31 Jan). After it every 10 days up to 31 May:
    # 10, 20, 30 Mar, 9, 19, 29 Apr, 9, 19, 29 May, each with the balance that day
    # (the fees and the 29 Apr payment of the test above).
    found = schedule(_late(Payment(day(2024, 4, 29), USD.amount("500.00"))), as_of=day(2024, 5, 31))
    assert [(r.date, r.kind, r.balance) for r in found.reminders] == [
        (day(2024, 2, 1), BEFORE, 100_000),
        (day(2024, 2, 8), BEFORE, 100_000),
        (day(2024, 2, 15), BEFORE, 100_000),
        (day(2024, 2, 22), BEFORE, 100_000),
        (day(2024, 3, 10), AFTER, 100_000),
        (day(2024, 3, 20), AFTER, 100_000),
        (day(2024, 3, 30), AFTER, 102_000),
        (day(2024, 4, 9), AFTER, 102_000),
        (day(2024, 4, 19), AFTER, 102_000),
        (day(2024, 4, 29), AFTER, 53_040),
        (day(2024, 5, 9), AFTER, 53_040),
        (day(2024, 5, 19), AFTER, 53_040),
        (day(2024, 5, 29), AFTER, 54_101),
    ]


def test_reminders_and_fees_stop_once_paid() -> None:
    # 1,000.00 paid on 25 Mar (before the first fee on 30 Mar): reminders on 10 and
    # 20 Mar, none from 30 Mar on; no late fee is ever charged.
    found = schedule(
        _late(Payment(day(2024, 3, 25), USD.amount("1000.00"))), as_of=day(2024, 5, 31)
    )
    assert [r.date for r in found.reminders if r.kind is AFTER] == [
        day(2024, 3, 10),
        day(2024, 3, 20),
    ]
    assert found.late_fees == ()
    assert found.totals.balance == 0


def test_a_schedule_before_the_due_date_projects_to_it() -> None:
    # As of 10 Feb: the four reminders before the due date are listed (what will be
    # sent if nothing is paid); nothing after the due date yet.
    found = schedule(_late(), as_of=day(2024, 2, 10))
    assert [r.date for r in found.reminders] == [
        day(2024, 2, 1), day(2024, 2, 8), day(2024, 2, 15), day(2024, 2, 22)
    ]  # fmt: skip
    assert (found.late_fees, found.until) == ((), day(2024, 2, 29))


def test_payments_after_as_of_are_not_known() -> None:
    paid_later = _late(Payment(day(2024, 6, 15), USD.amount("1000.00")))
    assert schedule(paid_later, as_of=day(2024, 5, 31)) == attrs.evolve(
        schedule(_late(), as_of=day(2024, 5, 31)),
        totals=calculate(paid_later, as_of=day(2024, 5, 31)),
    )


def test_as_of_must_be_a_date() -> None:
    with pytest.raises(InvalidTypeError):
        schedule(_late(), as_of=dt.datetime(2024, 5, 31))


# -- properties: every row is the calculator's ----------------------------------


@st.composite
def invoice_and_date(draw: st.DrawFn) -> tuple[Invoice, dt.date]:
    """Any invoice, or (half the time) one with late fees and payments sized to its
    total, so that fees, partial payments and settling all happen often."""
    reminders = st.none() | st.integers(3, 30)
    if draw(st.booleans()):
        invoice = draw(invoices(max_lines=3))
    else:
        invoice = draw(invoices(min_lines=1, max_lines=3, negative=False, payments=False))
        total = calculate(invoice, as_of=invoice.due_date).total
        paid = st.builds(
            Payment,
            date=st.dates(invoice.invoice_date, invoice.due_date + dt.timedelta(days=200)),
            amount=st.integers(1, 120).map(
                lambda percent: Amount(max(1, total * percent // 100), invoice.currency.code)
            ),
        )
        invoice = attrs.evolve(
            invoice,
            late_percentage=draw(decimals(1, 10, 2)),
            late_period_in_days=draw(st.integers(5, 45)),
            payments=draw(st.lists(paid, max_size=3)),
        )
    invoice = attrs.evolve(
        invoice, pre_reminder_in_days=draw(reminders), post_reminder_in_days=draw(reminders)
    )
    return invoice, draw(as_of_dates(invoice))


def _known(invoice: Invoice, as_of: dt.date) -> Invoice:
    return attrs.evolve(invoice, payments=[p for p in invoice.payments if p.date <= as_of])


@given(invoice_and_date())
def test_every_late_fee_row_is_the_calculators_balance_that_day(
    case: tuple[Invoice, dt.date],
) -> None:
    invoice, as_of = case
    found = schedule(invoice, as_of=as_of)
    for row in found.late_fees:
        assert row.date <= as_of
        totals = calculate(invoice, as_of=row.date)
        assert (totals.late_fee, totals.balance) == (row.late_fee, row.balance)
    if found.late_fees:
        last = found.late_fees[-1]
        paid_since = sum(p.amount for p in invoice.payments if last.date < p.date <= as_of)
        # The last row's balance is the calculator's on as_of, less what was paid since.
        assert found.totals.balance == last.balance - paid_since
    else:
        assert found.totals.late_fee == 0


@given(invoice_and_date())
def test_every_early_deadline_is_the_calculators_total_that_day(
    case: tuple[Invoice, dt.date],
) -> None:
    invoice, as_of = case
    known = _known(invoice, as_of)
    for row in schedule(invoice, as_of=as_of).early_deadlines:
        totals = calculate(known, as_of=row.date)
        assert (row.discount_percentage, row.discount, row.total, row.balance) == (
            totals.discount_percentage,
            totals.discount,
            totals.total,
            totals.balance,
        )
        assert invoice.invoice_date <= row.date < invoice.due_date


def _reminder_days(invoice: Invoice, as_of: dt.date) -> list[tuple[dt.date, ReminderKind]]:
    """Every day a reminder is due if unpaid, worked out by date arithmetic alone."""
    days = []
    due, every = invoice.due_date, invoice.pre_reminder_in_days
    if every:
        n = 1
        while due - dt.timedelta(days=every * n) > invoice.invoice_date:
            days.insert(0, (due - dt.timedelta(days=every * n), BEFORE))
            n += 1
    every = invoice.post_reminder_in_days
    if every:
        n = 1
        while due + dt.timedelta(days=every * n) <= max(as_of, due):
            days.append((due + dt.timedelta(days=every * n), AFTER))
            n += 1
    return days


@given(invoice_and_date())
def test_reminders_are_sent_on_exactly_the_unpaid_days(case: tuple[Invoice, dt.date]) -> None:
    invoice, as_of = case
    known = _known(invoice, as_of)
    sent = [
        (date, kind, calculate(known, as_of=date).balance)
        for date, kind in _reminder_days(invoice, as_of)
    ]
    found = schedule(invoice, as_of=as_of)
    assert [(r.date, r.kind, r.balance) for r in found.reminders] == [
        row for row in sent if row[2] > 0
    ]


@given(invoice_and_date())
def test_reminders_stop_once_paid(case: tuple[Invoice, dt.date]) -> None:
    # Payments are positive here, so once a reminder day finds the invoice paid,
    # no later day finds it unpaid: the reminders stop for good.
    invoice, as_of = case
    known = _known(invoice, as_of)
    found = schedule(invoice, as_of=as_of)
    paid = [date for date, _ in _reminder_days(invoice, as_of)
            if calculate(known, as_of=date).balance <= 0]  # fmt: skip
    if paid:
        assert all(reminder.date < paid[0] for reminder in found.reminders)


# -- early payment: each deadline is the calculator's, in linear time -------------------


@st.composite
def early_invoice_and_date(draw: st.DrawFn) -> tuple[Invoice, dt.date]:
    """An early-payment invoice with payments sized to its total, so that earlier
    periods are settled (or nearly) by payments made before their deadlines."""
    invoice = draw(invoices(min_lines=1, max_lines=3, negative=False, payments=False))
    span = draw(st.integers(1, 60))
    invoice = attrs.evolve(
        invoice,
        due_date=invoice.invoice_date + dt.timedelta(days=span),
        discount_percentage=draw(decimals(0, 5, 2)),
        early_period_in_days=draw(st.integers(1, 7)),
        pre_reminder_in_days=draw(st.none() | st.integers(1, 5)),
    )
    total = calculate(invoice, as_of=invoice.due_date).total
    paid = st.builds(
        Payment,
        date=st.dates(invoice.invoice_date, invoice.due_date + dt.timedelta(days=10)),
        amount=st.integers(1, 110).map(
            lambda percent: Amount(max(1, total * percent // 100), invoice.currency.code)
        ),
    )
    invoice = attrs.evolve(invoice, payments=draw(st.lists(paid, max_size=3)))
    return invoice, draw(as_of_dates(invoice))


@given(early_invoice_and_date())
def test_every_early_row_and_reminder_is_the_calculators_on_its_day(
    case: tuple[Invoice, dt.date],
) -> None:
    invoice, as_of = case
    known = _known(invoice, as_of)
    found = schedule(invoice, as_of=as_of)
    expected = []
    if invoice.discount_percentage:
        period = invoice.early_period_in_days
        assert period is not None
        for k in range((invoice.due_date - invoice.invoice_date).days // period, 0, -1):
            date = invoice.due_date - dt.timedelta(days=k * period)
            totals = calculate(known, as_of=date)
            expected.append(
                (
                    date,
                    totals.early_periods,
                    totals.discount_percentage,
                    totals.discount,
                    totals.total,
                    totals.balance,
                )
            )
    assert [
        (r.date, r.periods, r.discount_percentage, r.discount, r.total, r.balance)
        for r in found.early_deadlines
    ] == expected
    sent = [
        (date, kind, calculate(known, as_of=date).balance)
        for date, kind in _reminder_days(invoice, as_of)
    ]
    assert [(r.date, r.kind, r.balance) for r in found.reminders] == [
        row for row in sent if row[2] > 0
    ]


def _daily_terms(days: int, payments: list[Payment]) -> Invoice:
    return Invoice(
        USD,
        day(2024, 1, 1),
        day(2024, 1, 1) + dt.timedelta(days=days),
        lines=[LineItem(unit_price=USD.price("100.00"))],
        discount_percentage=D("0.01"),
        early_period_in_days=1,
        pre_reminder_in_days=1,
        payments=payments,
    )


@pytest.mark.parametrize("paid", ["0.00", "50.00", "99.50"])
def test_a_schedule_is_linear_in_its_periods(paid: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """1,000 one-day early periods and daily reminders: each period is calculated and
    tried for settling at most once (the search used to be repeated per deadline).
    The two calculations of the whole invoice (as of ``as_of`` and after the due date)
    each search once more, so at most three settlements per period."""
    import invoicecalc._calculate as calculator
    import invoicecalc._schedule as schedules

    counts = {"calculate": 0, "settle": 0}

    def counting(name: str, function: object) -> object:
        def wrapper(*args: object, **kwargs: object) -> object:
            counts[name] += 1
            return function(*args, **kwargs)  # type: ignore[operator]

        return wrapper

    monkeypatch.setattr(schedules, "calculate", counting("calculate", schedules.calculate))
    monkeypatch.setattr(calculator, "_settle", counting("settle", calculator._settle))
    payments = [Payment(day(2024, 6, 1), USD.amount(paid))] if paid != "0.00" else []
    for periods in (500, 1_000):
        counts.update(calculate=0, settle=0)
        found = schedule(_daily_terms(periods, payments), as_of=day(2027, 1, 1))
        assert len(found.early_deadlines) == periods
        assert counts["calculate"] <= periods + 3
        assert counts["settle"] <= 3 * periods + 3
