"""Importing uninvoiced items: Cashboard's own sample projects worked by hand, the
project and date filters, flat fees, the rounding of minutes to hours, refusals,
and a property that exactly the uninvoiced, billable, in-range items are imported."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from invoicecalc import (
    Amount,
    Currency,
    Expense,
    ImportedItems,
    Invoice,
    LineKind,
    Policy,
    Price,
    Rounding,
    Task,
    TimeEntry,
    calculate,
    import_uninvoiced_items,
)
from invoicecalc.errors import InvalidTypeError, InvalidValueError
from invoicecalc.vendors._xml import parse_xml

D = Decimal
USD = Currency("USD")
day = dt.date
SAMPLES = Path(__file__).resolve().parent / "fixtures" / "cashboard"
INVOICE = Invoice(USD, day(2010, 7, 31), day(2010, 8, 30))


def _records(name: str) -> list[dict[str, str]]:
    root = parse_xml((SAMPLES / name).read_bytes())
    return [{child.tag: (child.text or "").strip() for child in item} for item in root]


def _sample() -> tuple[list[Task], list[TimeEntry], list[Expense]]:
    """Cashboard's sample line items, time entries and expenses as import inputs.

    The samples do not say whether a task's flat fee was invoiced; here it was when
    some of the task's time was (Cashboard bills the fee with the first import).
    """
    entries = [
        TimeEntry(
            r["id"], r["line_item_id"], dt.date.fromisoformat(r["created_on"][:10]),
            int(r["minutes"]), billable=r["is_billable"] == "true",
            invoiced=bool(r["invoice_line_item_id"]), description=r["description"],
        )
        for r in _records("time_entries.xml")
    ]  # fmt: skip
    billed = {entry.task_id for entry in entries if entry.invoiced}
    tasks = [
        Task(
            r["id"], r["project_id"] or None, title=r["title"],
            hourly_rate=USD.price(r["price_per"], "price_per"),
            flat_fee=USD.amount(r["flat_fee"], "flat_fee"),
            taxable=r["is_taxable"] == "true", invoiced=r["id"] in billed,
        )
        for r in _records("line_items.xml")
    ]  # fmt: skip
    expenses = [
        Expense(
            r["id"], dt.date.fromisoformat(r["created_on"][:10]),
            USD.amount(r["amount"]), project_id=r["project_id"] or None,
            billable=r["is_billable"] == "true", invoiced=bool(r["invoice_line_item_id"]),
            category=r["category"], description=r["description"],
        )
        for r in _records("expenses.xml")
    ]  # fmt: skip
    return tasks, entries, expenses


TASKS, ENTRIES, EXPENSES = _sample()


def _import(**kwargs: object) -> ImportedItems:
    kwargs.setdefault("tasks", TASKS)
    kwargs.setdefault("time_entries", ENTRIES)
    kwargs.setdefault("expenses", EXPENSES)
    return import_uninvoiced_items(kwargs.pop("invoice", INVOICE), **kwargs)  # type: ignore[arg-type]


def _summary(result: ImportedItems) -> list[tuple[str, Decimal, int, int]]:
    totals = calculate(result.invoice, as_of=result.invoice.invoice_date)
    return [
        (line.title, line.quantity, line.flat_fee, actual.actual)
        for line, actual in zip(result.lines, totals.lines, strict=True)
    ]


def test_one_sample_project() -> None:
    # Project 317862090 ("Auctions Redesign"):
    # - Competition Research: of its five entries one is not billable and three were
    #   invoiced; 917722452 (30 min) is left: 0.5 h x 60.00 = 30.00 (fee already billed).
    # - User scenarios: 28599751 (90 min) = 1.5 h x 60.00 = 90.00.
    # - Expenses: 304580248 (100.00, no category) and 568463538 (2,500.00); 700279589
    #   is not billable.
    result = _import(project_ids=["317862090"])
    assert _summary(result) == [
        ("Competition Research", D("0.5"), 0, 3_000),
        ("User scenarios", D("1.5"), 0, 9_000),
        ("Expense", D(1), 0, 10_000),
        ("purchase order", D(1), 0, 250_000),
    ]
    assert result.time_entry_ids == ("917722452", "28599751")
    assert (result.expense_ids, result.task_ids) == (("304580248", "568463538"), ())
    assert [line.taxable for line in result.lines] == [False, True, True, True]
    assert result.lines[0].kind is LineKind.TASK
    assert result.lines[2].description == "Uncategorized but added notes"
    # 30.00 + 90.00 + 100.00 + 2,500.00 = 2,720.00, appended to the invoice's lines.
    assert calculate(result.invoice, as_of=day(2010, 7, 31)).total == 272_000
    assert result.invoice.lines == result.lines


def test_every_sample_project() -> None:
    # Without filters, besides the lines above: UNCATEGORIZED 60 min at 0.00;
    # Inactive task item 100 + 60 = 160 min = 2.6667 h (2.66666... half up) x 60.00 =
    # 160.002 -> 160.00; Employee rate item 60 + 60 min = 2 h at 0.00; the dining
    # expense 84.50. The invoiced "weaponry" expense and the non-billable ones are
    # skipped, and nothing comes from the estimates' lines (no project).
    result = _import()
    assert _summary(result) == [
        ("Competition Research", D("0.5"), 0, 3_000),
        ("UNCATEGORIZED", D(1), 0, 0),
        ("User scenarios", D("1.5"), 0, 9_000),
        ("Inactive task item", D("2.6667"), 0, 16_000),
        ("Employee rate item", D(2), 0, 0),
        ("Expense", D(1), 0, 10_000),
        ("dining", D(1), 0, 8_450),
        ("purchase order", D(1), 0, 250_000),
    ]
    assert result.time_entry_ids == (
        "200482051", "917722452", "28599751", "350357096", "10069123", "800636155", "965291090",
    )  # fmt: skip
    assert result.expense_ids == ("304580248", "762764203", "568463538")
    # 30 + 90 + 160 + 100 + 84.50 + 2,500 = 2,964.50
    assert calculate(result.invoice, as_of=day(2010, 7, 31)).total == 296_450


def test_a_date_range_includes_both_ends() -> None:
    # 2008: only the three entries of 22 May 2008: Inactive task item 60 min = 60.00,
    # Employee rate item 120 min at 0.00; the expenses are from 2010.
    result = _import(start_date=day(2008, 1, 1), end_date=day(2008, 12, 31))
    assert _summary(result) == [
        ("Inactive task item", D(1), 0, 6_000),
        ("Employee rate item", D(2), 0, 0),
    ]
    # The range's last day counts: the 5 Apr 2007 entries of the project.
    result = _import(project_ids=["317862090"], end_date=day(2007, 4, 5))
    assert result.time_entry_ids == ("917722452", "28599751")
    assert result.expense_ids == ()
    # And its first day: the expenses of 28 Jul 2010.
    result = _import(start_date=day(2010, 7, 28))
    assert (result.time_entry_ids, result.expense_ids) == ((), ("304580248", "568463538"))


def test_nothing_to_import() -> None:
    result = _import(project_ids=["660985040"])  # its only expense was invoiced
    assert (result.lines, result.invoice) == ((), INVOICE)


@pytest.mark.parametrize(
    ("rounding", "cost"),
    [
        # 160 min / 60 = 2.666666...: half up and half even give 2.6667 h, 160.002 -> 160.00;
        (Rounding.HALF_UP, 16_000),
        (Rounding.HALF_EVEN, 16_000),
        # down gives 2.6666 h: 159.996 -> 159.99 (down again).
        (Rounding.DOWN, 15_999),
    ],
)
def test_hours_are_rounded_with_the_invoices_mode(rounding: Rounding, cost: int) -> None:
    invoice = attrs.evolve(INVOICE, policy=Policy(rounding=rounding))
    result = _import(invoice=invoice, project_ids=["198381282"], expenses=[])
    totals = calculate(result.invoice, as_of=invoice.invoice_date)
    assert totals.lines[0].cost == cost


def test_twenty_minutes() -> None:
    # 20 min = 0.3333 h; x 75.00 = 24.9975 -> 25.00.
    task = Task("t", "p", hourly_rate=USD.price("75.00"))
    result = import_uninvoiced_items(
        INVOICE, tasks=[task], time_entries=[TimeEntry("e", "t", day(2010, 7, 1), 20)]
    )
    assert result.lines[0].quantity == D("0.3333")
    assert calculate(result.invoice, as_of=INVOICE.invoice_date).total == 2_500


def test_minutes_are_summed_before_rounding() -> None:
    # Three entries of 20 min: 60 min = exactly 1 h (three times 0.3333 would be 0.9999).
    task = Task("t", "p", hourly_rate=USD.price("75.00"))
    entries = [TimeEntry(f"e{i}", "t", day(2010, 7, i + 1), 20) for i in range(3)]
    result = import_uninvoiced_items(INVOICE, tasks=[task], time_entries=entries)
    assert result.lines[0].quantity == D(1)


def test_flat_fees_are_imported_once() -> None:
    tasks = [
        Task("fee", "p", title="Setup", flat_fee=USD.amount("500.00")),  # no time: 0 h + 500.00
        Task(
            "both",
            "p",
            title="Design",
            hourly_rate=USD.price("60.00"),
            flat_fee=USD.amount("20.00"),
        ),
        Task("billed", "p", title="Old", flat_fee=USD.amount("99.00"), invoiced=True),
        Task("later", "p", title="Launch", flat_fee=USD.amount("70.00"), date=day(2010, 9, 1)),
        Task("loose", None, title="Estimate line", flat_fee=USD.amount("10.00")),
    ]
    entries = [TimeEntry("e", "both", day(2010, 7, 1), 90)]
    result = import_uninvoiced_items(INVOICE, tasks=tasks, time_entries=entries,
                                     end_date=day(2010, 7, 31))  # fmt: skip
    # Design: 1.5 h x 60.00 + 20.00 = 110.00; Launch falls after the range; Old was
    # invoiced; the estimate's line has no project.
    assert _summary(result) == [
        ("Setup", D(0), 50_000, 50_000),
        ("Design", D("1.5"), 2_000, 11_000),
    ]
    assert result.task_ids == ("fee", "both")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"tasks": [Task("t", "p"), Task("t", "q")]}, "tasks[1].id"),
        ({"time_entries": [TimeEntry("e", "nobody", day(2010, 7, 1), 5)]},
         "time_entries[0].task_id"),
        ({"expenses": [Expense("x", day(2010, 7, 1), USD.amount("0.01")),
                       Expense("x", day(2010, 7, 2), USD.amount("0.01"))]},
         "expenses[1].id"),
        ({"start_date": day(2010, 8, 1), "end_date": day(2010, 7, 1)}, "end_date"),
    ],
)  # fmt: skip
def test_refusals(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidValueError) as caught:
        import_uninvoiced_items(INVOICE, **kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("build", "error"),
    [
        (lambda: TimeEntry("e", "t", day(2010, 7, 1), -5), InvalidValueError),
        (lambda: TimeEntry("e", "t", day(2010, 7, 1), 1.5), InvalidTypeError),
        (lambda: TimeEntry("", "t", day(2010, 7, 1), 5), InvalidValueError),
        (lambda: Task("t", "p", hourly_rate=60.0), InvalidTypeError),
        (lambda: Expense("x", day(2010, 7, 1), 1, billable="yes"), InvalidTypeError),
        (lambda: import_uninvoiced_items(INVOICE, tasks=["t"]), InvalidTypeError),
    ],
)
def test_bad_items_are_refused(build: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        build()  # type: ignore[operator]


@pytest.mark.parametrize("field", ["start_date", "end_date"])
@pytest.mark.parametrize("value", ["2010-07-01", dt.datetime(2010, 7, 1, 12)])
def test_a_range_end_that_is_not_a_date_is_refused(field: str, value: object) -> None:
    # Both raised a bare TypeError comparing it with the first item's date.
    entries = [TimeEntry("e", "t", day(2010, 7, 1), 5)]
    with pytest.raises(InvalidTypeError) as caught:
        import_uninvoiced_items(INVOICE, tasks=[Task("t", "p")], time_entries=entries,
                                **{field: value})  # type: ignore[arg-type]  # fmt: skip
    assert (caught.value.field, caught.value.value) == (field, value)


def test_project_ids_given_as_one_text_are_refused() -> None:
    # "p" is a collection of its characters: project_ids="web" kept the projects "w",
    # "e" and "b" and imported nothing of project "web", silently.
    entries = [TimeEntry("e", "t", day(2010, 7, 1), 5)]
    with pytest.raises(InvalidTypeError) as caught:
        import_uninvoiced_items(INVOICE, tasks=[Task("t", "web")], time_entries=entries,
                                project_ids="web")  # fmt: skip
    assert (caught.value.field, caught.value.value) == ("project_ids", "web")


def test_hours_beyond_the_supported_range_are_refused_not_a_decimal_error() -> None:
    # 6 * 10**29 minutes are 10**28 hours, 29 digits: turning them into a whole
    # Decimal raised decimal.InvalidOperation (past its 28 digits) before the
    # quantity's range check could refuse them.
    entries = [TimeEntry("e", "t", day(2010, 7, 1), 6 * 10**29)]
    with pytest.raises(InvalidValueError) as caught:
        import_uninvoiced_items(INVOICE, tasks=[Task("t", "p")], time_entries=entries)
    assert (caught.value.field, caught.value.value) == ("quantity", D(10**28))


# -- property ---------------------------------------------------------------------

PROJECTS = ("p1", "p2", "p3")
POOL = [Task(f"{p}-t{i}", p, hourly_rate=Price(4500 * i, "USD")) for p in PROJECTS for i in (1, 2)]
FIRST = day(2024, 1, 1)
days = st.integers(0, 60).map(lambda n: FIRST + dt.timedelta(days=n))


@st.composite
def work(draw: st.DrawFn) -> tuple[list[TimeEntry], list[Expense]]:
    entries = [
        TimeEntry(f"e{i}", draw(st.sampled_from(POOL)).id, draw(days), draw(st.integers(0, 600)),
                  billable=draw(st.booleans()), invoiced=draw(st.booleans()))
        for i in range(draw(st.integers(0, 12)))
    ]  # fmt: skip
    expenses = [
        Expense(f"x{i}", draw(days), Amount(draw(st.integers(-5_000, 50_000)), "USD"),
                project_id=draw(st.sampled_from(PROJECTS) | st.none()),
                billable=draw(st.booleans()), invoiced=draw(st.booleans()))
        for i in range(draw(st.integers(0, 6)))
    ]  # fmt: skip
    return entries, expenses


@given(
    work(),
    st.none() | st.lists(st.sampled_from(PROJECTS), unique=True),
    st.none() | days,
    st.none() | days,
)
def test_exactly_the_uninvoiced_billable_items_in_range_are_imported(
    found: tuple[list[TimeEntry], list[Expense]],
    projects: list[str] | None,
    start: dt.date | None,
    end: dt.date | None,
) -> None:
    entries, expenses = found
    if start and end and start > end:
        start, end = end, start
    project_of = {task.id: task.project_id for task in POOL}

    def keep(billable: bool, invoiced: bool, project: str | None, date: dt.date) -> bool:
        return (
            billable and not invoiced and project is not None
            and (projects is None or project in projects)
            and (start is None or start <= date) and (end is None or date <= end)
        )  # fmt: skip

    result = import_uninvoiced_items(
        INVOICE, tasks=POOL, time_entries=entries, expenses=expenses,
        project_ids=projects, start_date=start, end_date=end,
    )  # fmt: skip
    kept = [e for e in entries if keep(e.billable, e.invoiced, project_of[e.task_id], e.date)]
    assert result.time_entry_ids == tuple(e.id for e in kept)
    assert result.expense_ids == tuple(
        x.id for x in expenses if keep(x.billable, x.invoiced, x.project_id, x.date)
    )
    # One line per task with time, in the tasks' order, its hours within 0.00005 of
    # the exact minutes / 60; then one line per expense at its amount.
    with_time = [t for t in POOL if any(e.task_id == t.id for e in kept)]
    time_lines = result.lines[: len(with_time)]
    for task, line in zip(with_time, time_lines, strict=True):
        minutes = sum(e.minutes for e in kept if e.task_id == task.id)
        assert abs(line.quantity - D(minutes) / 60) <= D("0.00005")
        assert line.unit_price == task.hourly_rate
    assert len(result.lines) == len(with_time) + len(result.expense_ids)
