"""Speed of the core, side by side with baselines in the same run, reported as ratios.

    .venv/bin/python benchmarks/bench_core.py            # about a minute
    .venv/bin/python benchmarks/bench_core.py --rigorous # slower, steadier

pyperf runs every benchmark in fresh worker processes with calibration and
warm-ups, so one noisy moment does not decide a figure; the parent process
then prints each ratio beside its target. Nothing here is a test: no figure
fails the build.

Baselines, written here and not in the library:
- ``bare_int``: the same 10-line invoice as straight-line integer arithmetic on
  pre-converted integers (cost, markup, discount, two compound taxes rounded
  once), the floor for any exact implementation in Python.
- ``plain_decimal``: the same invoice with ``Decimal`` and ``quantize``, the
  way such code is usually written.
- ``json_only``: ``json.loads`` + ``json.dumps`` of the same documents.

Two floors show how far down each target is reachable at all in Python:
- ``unchecked_lines``: the ten lines' inputs made by the same calls
  (``USD.price``, ``Amount``, ``Decimal``, the titles) into plain slotted objects
  with no check and no work; with ``calculate()`` of a built invoice beside it,
  the least that building and calculating can cost (it leaves out ``prepare``,
  the half of the calculation done as the invoice is built).
- ``calculate_and_write``: the totals of an already read document, worked out
  and written as ``preview`` writes them; with ``json.loads`` of the text
  beside it, JSON end to end with no reading, checking or building at all
  (``prepare`` is left out here too: it runs as each invoice is built).
Neither floor is a target; each says what is left for every check the
library makes once the interpreter's own costs are paid.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pyperf

from invoicecalc import (
    Amount,
    CashRounding,
    Currency,
    Invoice,
    LineItem,
    LineKind,
    Payment,
    Tax,
    calculate,
    sales_taxes,
    schedule,
)
from invoicecalc.document import Document, calculate_document, dumps, preview, read

USD = Currency("USD")
AS_OF = dt.date(2024, 3, 10)
LINE_SPECS = [
    (Decimal(f"{10 + i}.5"), Decimal("85.00") + i, 100 * i, i % 3 != 0) for i in range(10)
]


def make_invoice(lines: int) -> Invoice:
    specs = [LINE_SPECS[i % 10] for i in range(lines)]
    return Invoice(
        USD,
        dt.date(2024, 3, 1),
        dt.date(2024, 3, 31),
        lines=[
            LineItem(
                kind=LineKind.TASK,
                title=f"Line {i}",
                quantity=q,
                unit_price=USD.price(p),
                flat_fee=Amount(f, "USD"),
                markup_percentage=Decimal(15),
                taxable=taxable,
            )
            for i, (q, p, f, taxable) in enumerate(specs)
        ],
        taxes=sales_taxes(Decimal("8.25"), Decimal(5), True),
        discount_percentage=Decimal(2),
        payments=[Payment(dt.date(2024, 3, 5), USD.amount("100.00"))],
    )


CHF = Currency("CHF")


def make_v2_invoice() -> Invoice:
    """Ten tax-inclusive CHF lines, every other one with its own discount (percentage or
    amount), a document discount amount beside a 2% discount, two taxes (the second
    compound on the first only) and Swiss cash rounding to 0.05."""
    return Invoice(
        CHF,
        dt.date(2024, 3, 1),
        dt.date(2024, 3, 31),
        lines=[
            LineItem(
                kind=LineKind.TASK,
                title=f"Line {i}",
                quantity=q,
                unit_price=CHF.price(p),
                flat_fee=Amount(f, "CHF"),
                markup_percentage=Decimal(15),
                taxable=taxable,
                discount_percentage=Decimal(5) if i % 4 == 1 else None,
                discount_amount=CHF.amount("3.00") if i % 4 == 3 else None,
            )
            for i, (q, p, f, taxable) in enumerate(LINE_SPECS)
        ],
        taxes=[Tax("VAT", Decimal("8.1")), Tax("CITY", Decimal(1), compound=["VAT"])],
        discount_percentage=Decimal(2),
        discount_amount=CHF.amount("25.00"),
        tax_inclusive=True,
        cash_rounding=CashRounding.of_currency(CHF),
        payments=[Payment(dt.date(2024, 3, 5), CHF.amount("100.00"))],
    )


def build_and_calculate(lines: int) -> object:
    return calculate(make_invoice(lines), as_of=AS_OF)


# -- baselines -----------------------------------------------------------------


class _Unchecked:
    """A line's fields and nothing else: no check, no work (the floor, not the library)."""

    __slots__ = ("flat_fee", "kind", "markup", "quantity", "taxable", "title", "unit_price")

    def __init__(
        self,
        kind: LineKind,
        title: str,
        quantity: Decimal,
        unit_price: object,
        flat_fee: object,
        markup: Decimal,
        taxable: bool,
    ) -> None:
        self.kind = kind
        self.title = title
        self.quantity = quantity
        self.unit_price = unit_price
        self.flat_fee = flat_fee
        self.markup = markup
        self.taxable = taxable


def unchecked_lines() -> list[_Unchecked]:
    """:func:`make_invoice`'s ten lines from the same calls, into unchecked objects."""
    return [
        _Unchecked(LineKind.TASK, f"Line {i}", q, USD.price(p), Amount(f, "USD"), Decimal(15), t)
        for i, (q, p, f, t) in enumerate(LINE_SPECS)
    ]


# quantity * 10, price in cents, flat fee in cents, taxable: pre-converted once.
BARE_LINES = [(int(q * 10), int(p * 100), f, t) for q, p, f, t in LINE_SPECS]


def bare_int() -> int:
    """The 10-line invoice in integers only: half-up rounding written inline."""
    item_actual = taxable_net = 0
    actuals = []
    for q10, cents, fee, taxable in BARE_LINES:
        cost = fee + (2 * q10 * cents + 10) // 20  # round(q * p), q = q10 / 10
        markup = (2 * cost * 15 + 100) // 200  # round(cost * 15 / 100)
        actual = cost + markup
        item_actual += actual
        actuals.append(actual)
        if taxable:
            taxable_net += actual
    discount = (2 * item_actual * 2 + 100) // 200  # round(item_actual * 2%)
    net = taxable_net * 98  # exact net, scaled by 100
    tax1 = net * 825  # exact, scaled by 100 * 10000
    tax2 = (net * 10000 + tax1) * 5  # compound, scaled by 100 * 10000 * 100
    tax1 = (2 * tax1 + 1_000_000) // 2_000_000
    tax2 = (2 * tax2 + 100_000_000) // 200_000_000
    return item_actual - discount + tax1 + tax2 - 10000


def plain_decimal() -> Decimal:
    """The same invoice the usual way: Decimal arithmetic with quantize."""
    cent = Decimal("0.01")
    item_actual = taxable_net = Decimal(0)
    for q, p, fee, taxable in LINE_SPECS:
        cost = Decimal(fee) / 100 + (q * p).quantize(cent, ROUND_HALF_UP)
        markup = (cost * Decimal("0.15")).quantize(cent, ROUND_HALF_UP)
        actual = cost + markup
        item_actual += actual
        if taxable:
            taxable_net += actual
    discount = (item_actual * Decimal("0.02")).quantize(cent, ROUND_HALF_UP)
    net = taxable_net * Decimal("0.98")
    tax1_exact = net * Decimal("0.0825")
    tax2 = ((net + tax1_exact) * Decimal("0.05")).quantize(cent, ROUND_HALF_UP)
    tax1 = tax1_exact.quantize(cent, ROUND_HALF_UP)
    return item_actual - discount + tax1 + tax2 - 100


def check_baselines() -> None:
    """The baselines compute what the library computes, or the comparison means nothing."""
    totals = calculate(make_invoice(10), as_of=AS_OF)
    assert bare_int() == totals.balance, (bare_int(), totals.balance)
    assert plain_decimal() * 100 == totals.balance
    documents = json_documents(2)
    assert calculate_and_write(read(documents)) == preview(documents)


# -- documents -------------------------------------------------------------------


def ten_line_invoice(n: int = 0) -> dict[str, Any]:
    """:func:`make_invoice`'s ten lines as a neutral JSON invoice, without an ``as_of``
    (every JSON benchmark's invoice; ``n`` raises each unit price by ``n % 50``)."""
    return {
        "currency": "USD",
        "invoice_date": "2024-03-01",
        "due_date": "2024-03-31",
        "lines": [
            {
                "title": f"Line {i}",
                "kind": "task",
                "quantity": str(q),
                "unit_price": str(p + n % 50),
                "flat_fee": str(Decimal(f) / 100),
                "markup_percentage": "15",
                "taxable": t,
            }
            for i, (q, p, f, t) in enumerate(LINE_SPECS)
        ],
        "sales_tax": "8.25",
        "sales_tax_2": "5",
        "sales_tax_2_cumulative": True,
        "discount_percentage": "2",
        "payments": [{"date": "2024-03-05", "amount": "100.00"}],
    }


def json_documents(count: int) -> str:
    return json.dumps([{**ten_line_invoice(), "as_of": "2024-03-10"}] * count)


#: How many invoices no two alike JSON end to end is measured on: more lines than the
#: reader's caches hold (see distinct_json_documents).
DISTINCT_COUNT = 1_000


def distinct_json_documents(count: int) -> str:
    """``count`` ten-line invoices no two alike (titles, quantities, prices, fees, dates and
    payments differ). The reader's caches hold 4,096 entries each: through 1,000 of
    these invoices (10,000 lines) no line is found again from one run to the next,
    where every one of 100 would be; some amounts and quantities recur, as in real
    batches (about a quarter of the prices and fees, half the quantities)."""
    invoices = []
    for n in range(count):
        lines = [
            {
                "title": f"Line {n}-{i}",
                "kind": "task",
                "quantity": f"{1 + (n * 7 + i) % 40}.{(n + i) % 10}",
                "unit_price": f"{20 + (n * 13 + i * 7) % 900}.{(n * 3 + i) % 100:02d}",
                "flat_fee": f"{(n + i) % 50}.{(n * i) % 100:02d}",
                "markup_percentage": str(5 + (n + i) % 20),
                "taxable": (n + i) % 3 != 0,
            }
            for i in range(10)
        ]
        day = 1 + n % 28
        invoices.append(
            {
                "currency": "USD",
                "invoice_date": f"2023-{1 + n % 12:02d}-{day:02d}",
                "due_date": f"2024-{1 + n % 12:02d}-{day:02d}",
                "as_of": "2024-03-10",
                "lines": lines,
                "sales_tax": f"{5 + n % 5}.{n % 100:02d}",
                "sales_tax_2": str(1 + n % 7),
                "sales_tax_2_cumulative": n % 2 == 0,
                "discount_percentage": str(n % 4),
                "payments": [{"date": "2023-12-05", "amount": f"{100 + n}.00"}],
            }
        )
    return json.dumps(invoices)


def extreme_terms_invoice(periods: int) -> Invoice:
    """One-day early periods up to a due date ``periods`` days out, a reminder every
    day before it and a payment that settles some of them: the extreme terms."""
    start = dt.date(2024, 1, 1)
    return Invoice(
        USD,
        start,
        start + dt.timedelta(days=periods),
        lines=[LineItem(unit_price=USD.price("100.00"))],
        discount_percentage=Decimal("0.01"),
        early_period_in_days=1,
        pre_reminder_in_days=1,
        payments=[Payment(start + dt.timedelta(days=periods // 3), USD.amount("99.50"))],
    )


def schedule_on(invoice: Invoice, as_of: dt.date) -> object:
    return schedule(invoice, as_of=as_of)


def calculate_on(invoice: Invoice, as_of: dt.date) -> object:
    return calculate(invoice, as_of=as_of)


def json_only(text: str) -> str:
    return json.dumps(json.loads(text))


def calculate_and_write(document: Document) -> str:
    """What :func:`preview` does after reading: the totals worked out and written."""
    totals = calculate_document(document)
    return dumps(totals, array=document.array, entries=document.entries)


Row = tuple[str, float, str]


def shared_rows(t: dict[str, float]) -> list[Row]:
    """The figures this file (from times) and bench_instructions.py (from instruction
    counts) both report, from each case's cost by the names of :func:`main`."""
    return [
        (
            "calculate() / bare integer loop (10 lines)",
            t["calculate_10_lines"] / t["bare_int_10_lines"],
            "<= 5",
        ),
        (
            "build Invoice + calculate() / bare integer loop (10 lines)",
            t["build_and_calculate_10_lines"] / t["bare_int_10_lines"],
            "<= 12",
        ),
        (
            "floor: 10 unchecked lines + calculate() / bare integer loop",
            (t["unchecked_lines_10"] + t["calculate_10_lines"]) / t["bare_int_10_lines"],
            "- (under 12?)",
        ),
        (
            "JSON end to end / json.loads+dumps alone",
            t["json_end_to_end_100"] / t["json_only_100"],
            "<= 3 (aim)",
        ),
    ]


def main() -> None:
    runner = pyperf.Runner(processes=4, values=3, warmups=1)
    runner.metadata["description"] = "invoicecalc core"
    check_baselines()
    ten, v2 = make_invoice(10), make_v2_invoice()
    late = Invoice(
        USD,
        dt.date(2024, 1, 1),
        dt.date(2024, 1, 31),
        lines=[LineItem(unit_price=USD.price("1000.00"))],
        # 0.01% a day: 10,000 compounding fees stay inside the 10**18 bound (1.5% did not).
        late_percentage=Decimal("0.01"),
        late_period_in_days=1,
    )
    late_as_of = late.due_date + dt.timedelta(days=10_000)
    batch = 100
    documents = json_documents(batch)
    distinct = distinct_json_documents(DISTINCT_COUNT)
    periods = 1_000
    extreme = extreme_terms_invoice(periods)
    extreme_as_of = extreme.due_date + dt.timedelta(days=30)

    results = {
        "calculate_10_lines": runner.bench_func("calculate 10 lines", calculate_on, ten, AS_OF),
        "calculate_v2_10_lines": runner.bench_func(
            "calculate 10 lines, v2 features", calculate_on, v2, AS_OF
        ),
        "build_and_calculate_10_lines": runner.bench_func(
            "build the Invoice and calculate, 10 lines", build_and_calculate, 10
        ),
        "bare_int_10_lines": runner.bench_func("bare integer loop, 10 lines", bare_int),
        "plain_decimal_10_lines": runner.bench_func("plain Decimal, 10 lines", plain_decimal),
        "build_and_calculate_10000_lines": runner.bench_func(
            "build the Invoice and calculate, 10,000 lines", build_and_calculate, 10_000
        ),
        "late_fees_10000_periods": runner.bench_func(
            "late fees over 10,000 periods", calculate_on, late, late_as_of
        ),
        "json_end_to_end_100": runner.bench_func(
            "JSON text to totals JSON, 100 ten-line invoices", preview, documents
        ),
        "json_only_100": runner.bench_func(
            "json.loads + json.dumps only, same 100 invoices", json_only, documents
        ),
        "json_loads_100": runner.bench_func(
            "json.loads only, same 100 invoices", json.loads, documents
        ),
        "calculate_and_write_100": runner.bench_func(
            "calculate and write 100 read invoices", calculate_and_write, read(documents)
        ),
        "unchecked_lines_10": runner.bench_func(
            "ten lines' inputs into unchecked objects", unchecked_lines
        ),
        "json_distinct": runner.bench_func(
            "JSON text to totals JSON, 1,000 distinct ten-line invoices", preview, distinct
        ),
        "json_only_distinct": runner.bench_func(
            "json.loads + json.dumps only, same 1,000 distinct invoices", json_only, distinct
        ),
        "schedule_1000_periods": runner.bench_func(
            "schedule, 1,000 one-day early periods and daily reminders",
            schedule_on,
            extreme,
            extreme_as_of,
        ),
        "calculate_extreme": runner.bench_func(
            "calculate() of that invoice, once", calculate_on, extreme, extreme.invoice_date
        ),
    }
    if any(result is None for result in results.values()):
        return  # a worker process: the parent prints the report
    t = {name: result.mean() for name, result in results.items()}  # type: ignore[union-attr]
    per_invoice = t["json_end_to_end_100"] / batch
    rows = [
        *shared_rows(t),
        (
            "calculate() v2 invoice / bare integer loop (10 lines)",
            t["calculate_v2_10_lines"] / t["bare_int_10_lines"],
            "<= 8",
        ),
        (
            "calculate() / plain Decimal (10 lines)",
            t["calculate_10_lines"] / t["plain_decimal_10_lines"],
            "-",
        ),
        (
            "build + calculate, cost per line: 10,000 lines / 10 lines",
            (t["build_and_calculate_10000_lines"] / 10_000)
            / (t["build_and_calculate_10_lines"] / 10),
            "~1 (flat)",
        ),
        ("late fees, 10,000 periods (ms)", t["late_fees_10000_periods"] * 1e3, "< 20"),
        ("JSON end to end (ten-line invoices per second)", 1 / per_invoice, ">= 20000"),
        (
            "floor: json.loads + calculate + write, no reading (per second)",
            batch / (t["json_loads_100"] + t["calculate_and_write_100"]),
            "- (over 20000?)",
        ),
        (
            "JSON end to end, distinct invoices (per second)",
            DISTINCT_COUNT / t["json_distinct"],
            ">= 20000",
        ),
        (
            "JSON end to end, distinct / json.loads+dumps alone",
            t["json_distinct"] / t["json_only_distinct"],
            "<= 3 (aim)",
        ),
        (
            "schedule, 1,000 one-day periods / 1,000 calculate() calls",
            t["schedule_1000_periods"] / (periods * t["calculate_extreme"]),
            "<= 3 (linear)",
        ),
        ("schedule, 1,000 one-day periods (ms)", t["schedule_1000_periods"] * 1e3, "< 1000"),
    ]
    report(rows)


def report(rows: list[Row], heading: str = "figure") -> None:
    """Each figure beside its target, one a line."""
    print()
    print(f"{heading:<62} {'measured':>10}  target")
    for label, value, target in rows:
        print(f"{label:<62} {value:>10.2f}  {target}")


if __name__ == "__main__":
    main()
