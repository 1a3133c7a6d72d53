"""Cashboard's ``import_uninvoiced_items``: project work into invoice lines.

From the projects' tasks, time entries and expenses, the lines Cashboard
adds to an invoice:

- billable time, grouped per task: one line per task, its minutes summed
  first and turned into hours once, ``hours = minutes / 60`` rounded to 4
  decimal places (0.0001 h is 0.36 s) with the invoice's rounding mode, at
  the task's hourly rate; 20 minutes bill as 0.3333 h under ``half_up``;
- a task's flat fee, once: on the task's line while the task says its flat
  fee has not been invoiced (a task with a fee and no new time gets a line
  of 0 hours carrying the fee);
- each billable expense as a line of its own (quantity 1 at the amount).

Only project work is imported, as in Cashboard: a task or an expense without
a project (an estimate's line, a payroll expense) never is. Items already
invoiced or not billable are skipped. ``project_ids`` keeps items of those
projects only; ``start_date`` and ``end_date`` keep items dated within them,
both days included (a flat fee without a date is imported whatever the range).
Lines come in the order of the tasks given, then of the expenses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from decimal import Decimal
from typing import Any

import attrs

from . import _checks as check
from ._model import Invoice, LineItem, LineKind
from ._money import NO_AMOUNT, NO_PRICE, Amount, Price, round_div
from .errors import InvalidTypeError, InvalidValueError

__all__ = ["Expense", "ImportedItems", "Task", "TimeEntry", "import_uninvoiced_items"]

#: Hours are billed to this many decimal places.
HOUR_PLACES = 4
_ZERO = Decimal(0)


def _flags(obj: object, *names: str) -> None:
    for name in names:
        check.of_type(obj, name, bool, "true or false")


def _identifier(obj: object, name: str) -> None:
    check.text(obj, name)
    if not getattr(obj, name):
        raise InvalidValueError(name, getattr(obj, name), "must not be empty")


@attrs.frozen
class Task:
    """A task (Cashboard line item) that time is billed against, in a project or none.

    ``hourly_rate`` is a :class:`~invoicecalc.Price` per hour (it may be finer
    than a minor unit), ``flat_fee`` an :class:`~invoicecalc.Amount`, both in the
    invoice's currency; ``invoiced`` says the flat fee was invoiced
    already; ``date``, when given, is the day the flat fee falls on.
    """

    id: str
    project_id: str | None = None
    title: str = ""
    description: str = ""
    hourly_rate: Price = NO_PRICE
    flat_fee: Amount = NO_AMOUNT
    markup_percentage: Decimal = _ZERO
    taxable: bool = True
    invoiced: bool = False
    date: dt.date | None = None

    def __attrs_post_init__(self) -> None:
        _identifier(self, "id")
        if self.project_id is not None:
            _identifier(self, "project_id")
        check.text(self, "title")
        check.text(self, "description")
        check.price(self.hourly_rate, "hourly_rate")
        check.amount(self.flat_fee, "flat_fee")
        check.number(self, "markup_percentage")
        _flags(self, "taxable", "invoiced")
        if self.date is not None:
            check.date(self, "date")


@attrs.frozen
class TimeEntry:
    """Time spent on a task: whole ``minutes`` on ``date``."""

    id: str
    task_id: str
    date: dt.date
    minutes: int
    billable: bool = True
    invoiced: bool = False
    description: str = ""

    def __attrs_post_init__(self) -> None:
        _identifier(self, "id")
        _identifier(self, "task_id")
        check.date(self, "date")
        if check.whole(self.minutes, "minutes") < 0:
            raise InvalidValueError("minutes", self.minutes, "must not be negative")
        _flags(self, "billable", "invoiced")
        check.text(self, "description")


@attrs.frozen
class Expense:
    """An expense of ``amount`` (an :class:`~invoicecalc.Amount`, negative for a refund)
    on ``date``."""

    id: str
    date: dt.date
    amount: Amount
    project_id: str | None = None
    billable: bool = True
    invoiced: bool = False
    category: str = ""
    description: str = ""
    taxable: bool = True

    def __attrs_post_init__(self) -> None:
        _identifier(self, "id")
        check.date(self, "date")
        check.amount(self.amount, "amount")
        if self.project_id is not None:
            _identifier(self, "project_id")
        _flags(self, "billable", "invoiced", "taxable")
        check.text(self, "category")
        check.text(self, "description")


@attrs.frozen
class ImportedItems:
    """What an import did: the invoice with the new ``lines`` appended, and the
    ids of the time entries, expenses and flat-fee tasks to mark as invoiced."""

    invoice: Invoice
    lines: tuple[LineItem, ...]
    time_entry_ids: tuple[str, ...]
    expense_ids: tuple[str, ...]
    task_ids: tuple[str, ...]


def _hours(minutes: int, invoice: Invoice) -> Decimal:
    """``minutes / 60`` to :data:`HOUR_PLACES` places with the invoice's rounding mode."""
    units = round_div(minutes * 10**HOUR_PLACES, 60, invoice.policy.rounding)
    whole, fraction = divmod(units, 10**HOUR_PLACES)
    if not fraction:  # exactly, whatever its digits (quantize stops at the context's 28)
        return Decimal(whole)
    return Decimal(units).scaleb(-HOUR_PLACES).normalize()


def _unique(
    items: tuple[Any, ...], field: str, kind: type[Task] | type[TimeEntry] | type[Expense]
) -> None:
    seen: set[str] = set()
    for index, item in enumerate(items):
        if not isinstance(item, kind):
            raise InvalidTypeError(f"{field}[{index}]", item, f"must be a {kind.__name__}")
        if item.id in seen:
            raise InvalidValueError(f"{field}[{index}].id", item.id, "appears twice")
        seen.add(item.id)


def import_uninvoiced_items(
    invoice: Invoice,
    *,
    tasks: Sequence[Task] = (),
    time_entries: Sequence[TimeEntry] = (),
    expenses: Sequence[Expense] = (),
    project_ids: Collection[str] | None = None,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
) -> ImportedItems:
    """Add the uninvoiced, billable work of ``tasks``, ``time_entries`` and
    ``expenses`` to ``invoice`` as Cashboard does (see the module notes).

    >>> from invoicecalc import Currency, Invoice, calculate
    >>> usd = Currency("USD")
    >>> invoice = Invoice(usd, dt.date(2024, 3, 31), dt.date(2024, 4, 30))
    >>> task = Task("t1", "p1", title="Design", hourly_rate=usd.price("60.00"))
    >>> entries = [TimeEntry("e1", "t1", dt.date(2024, 3, 4), 50),
    ...            TimeEntry("e2", "t1", dt.date(2024, 3, 5), 40)]
    >>> result = import_uninvoiced_items(invoice, tasks=[task], time_entries=entries)
    >>> result.lines[0].quantity, result.time_entry_ids
    (Decimal('1.5'), ('e1', 'e2'))
    >>> calculate(result.invoice, as_of=dt.date(2024, 3, 31)).total
    9000
    """
    if not isinstance(invoice, Invoice):
        raise InvalidTypeError("invoice", invoice, "must be an Invoice")
    tasks, time_entries, expenses = (
        check.sequence(value, field)
        for value, field in (
            (tasks, "tasks"),
            (time_entries, "time_entries"),
            (expenses, "expenses"),
        )
    )
    _unique(tasks, "tasks", Task)
    _unique(time_entries, "time_entries", TimeEntry)
    _unique(expenses, "expenses", Expense)
    for value, field in ((start_date, "start_date"), (end_date, "end_date")):
        if value is not None:
            check.check_date(value, field)
    if start_date is not None and end_date is not None and start_date > end_date:
        raise InvalidValueError("end_date", end_date.isoformat(), "is before start_date")
    if isinstance(project_ids, str):
        problem = "must be a collection of project ids (one text is a collection of letters)"
        raise InvalidTypeError("project_ids", project_ids, problem)
    projects = None if project_ids is None else frozenset(project_ids)

    def wanted(project: str | None, day: dt.date | None) -> bool:
        if project is None or (projects is not None and project not in projects):
            return False
        if day is None:
            return True
        return (start_date is None or day >= start_date) and (end_date is None or day <= end_date)

    by_id = {task.id: task for task in tasks}
    minutes: dict[str, int] = {}
    entry_ids = []
    for index, entry in enumerate(time_entries):
        task = by_id.get(entry.task_id)
        if task is None:
            raise InvalidValueError(
                f"time_entries[{index}].task_id", entry.task_id, "is not one of the tasks given"
            )
        if entry.billable and not entry.invoiced and wanted(task.project_id, entry.date):
            minutes[task.id] = minutes.get(task.id, 0) + entry.minutes
            entry_ids.append(entry.id)

    lines, task_ids = [], []
    for task in tasks:
        fee = task.flat_fee != 0 and not task.invoiced and wanted(task.project_id, task.date)
        if task.id not in minutes and not fee:
            continue
        if fee:
            task_ids.append(task.id)
        lines.append(
            LineItem(
                kind=LineKind.TASK,
                title=task.title,
                description=task.description,
                quantity=_hours(minutes.get(task.id, 0), invoice),
                unit_price=task.hourly_rate,
                flat_fee=task.flat_fee if fee else NO_AMOUNT,
                markup_percentage=task.markup_percentage,
                taxable=task.taxable,
            )
        )
    expense_ids = []
    for expense in expenses:
        if expense.billable and not expense.invoiced and wanted(expense.project_id, expense.date):
            expense_ids.append(expense.id)
            lines.append(
                LineItem(
                    title=expense.category or "Expense",
                    description=expense.description,
                    unit_price=Price(expense.amount, expense.amount.currency),
                    taxable=expense.taxable,
                )
            )
    return ImportedItems(
        invoice=attrs.evolve(invoice, lines=invoice.lines + tuple(lines)),
        lines=tuple(lines),
        time_entry_ids=tuple(entry_ids),
        expense_ids=tuple(expense_ids),
        task_ids=tuple(task_ids),
    )
