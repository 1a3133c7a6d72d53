"""Writing and reading each vendor format, beside the core calculation, as ratios.

    .venv/bin/python benchmarks/bench_vendors.py            # about a minute
    .venv/bin/python benchmarks/bench_vendors.py --rigorous

Every format is timed on the same invoices in one run: 10 lines, and 100 lines
(cost per line), with ``calculate`` on the same invoice as the yardstick. Each
ratio says how many calculations one write or one read costs. The invoice has
no markup and whole-cent prices, so every vendor can express it; each writer
checks that before it writes, and that check is part of what is timed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pyperf

from invoicecalc import Currency, Invoice, LineItem, LineKind, Payment, Tax, calculate
from invoicecalc.document import Entry
from invoicecalc.vendors import cashboard, freshbooks, kashoo

USD = Currency("USD")
AS_OF = dt.date(2024, 3, 10)


def make_invoice(lines: int) -> Invoice:
    return Invoice(
        USD,
        dt.date(2024, 3, 1),
        dt.date(2024, 3, 31),
        lines=[
            LineItem(
                kind=LineKind.TASK,
                title=f"Line {i}",
                quantity=Decimal(f"{1 + i % 7}.25"),
                unit_price=USD.price(f"{80 + i % 10}.00"),
            )
            for i in range(lines)
        ],
        taxes=[Tax("GST", Decimal(5))],
        discount_percentage=Decimal(10),
        payments=[Payment(dt.date(2024, 3, 5), USD.amount("100.00"))],
    )


def formats(invoice: Invoice) -> dict[str, tuple[Callable[[], object], Callable[[], object]]]:
    """Each vendor's ``write`` and ``read`` of this invoice, as calls without arguments."""
    results = [(Entry(invoice), calculate(invoice, as_of=AS_OF))]
    cashboard_documents = (
        cashboard.write(results),
        cashboard.write_invoice_lines(results),
        cashboard.write_invoice_payments(results),
        cashboard.write_payments(results),
    )
    freshbooks_text = freshbooks.write(results)
    kashoo_text = kashoo.write(results)
    return {
        "cashboard": (
            lambda: [write(results) for write in CASHBOARD_WRITERS],
            lambda: cashboard.read(*cashboard_documents, currency=USD),
        ),
        "freshbooks": (lambda: freshbooks.write(results), lambda: freshbooks.read(freshbooks_text)),
        "kashoo": (lambda: kashoo.write(results), lambda: kashoo.read(kashoo_text)),
    }


#: Cashboard serves an invoice as four documents; writing one means all four.
CASHBOARD_WRITERS = (
    cashboard.write,
    cashboard.write_invoice_lines,
    cashboard.write_invoice_payments,
    cashboard.write_payments,
)


def main() -> None:
    runner = pyperf.Runner(processes=4, values=3, warmups=1)
    results: dict[tuple[str, int], pyperf.Benchmark | None] = {}
    for size in (10, 100):
        invoice = make_invoice(size)
        benches = {"calculate": (lambda inv=invoice: calculate(inv, as_of=AS_OF),)}
        for name, (write, read) in formats(invoice).items():
            benches[f"{name} write"] = (write,)
            benches[f"{name} read"] = (read,)
        for name, (call,) in benches.items():
            results[name, size] = runner.bench_func(f"{name}, {size} lines", call)
    if any(result is None for result in results.values()):
        return  # a worker process: the parent prints the report
    times = {key: result.mean() for key, result in results.items() if result is not None}
    print()
    heading = ("operation", "10 lines (us)", "x calculate", "100 lines (us)", "x calculate")
    print(f"{heading[0]:<20} {heading[1]:>14} {heading[2]:>12} {heading[3]:>15} {heading[4]:>12}")
    for name in sorted({name for name, _ in times}):
        cells = []
        for size in (10, 100):
            cells.append(f"{times[name, size] * 1e6:>14.1f}")
            cells.append(f"{times[name, size] / times['calculate', size]:>12.1f}")
        print(f"{name:<20} {cells[0]} {cells[1]} {cells[2]:>15} {cells[3]}")


if __name__ == "__main__":
    main()
