"""The ``schedule``, ``recur`` and ``estimate`` commands (``docs/cli.md``).

Each reads the files of invoices given (the neutral JSON by default;
Cashboard's documents are read together), applies every invoice's terms
(:func:`~invoicecalc.apply_terms`: unknown terms are refused) and prints one
result per invoice, an array when a file holds an array or several are given.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from .._calculate import Totals, calculate
from .._estimate import estimate
from .._model import Invoice
from .._recurring import Frequency, recur
from .._schedule import Schedule, schedule
from .._terms import apply_terms
from ..document import totals_to_dict
from ._args import EXIT_OK, date_argument, read_sources
from ._formats import READERS, Refused, check_locale, money_formatter, naming

__all__ = ["add_schedule_commands"]

#: One invoice (and its document's as_of) to what the command prints for it:
#: (JSON value, text block).
Render = Callable[[Invoice, "dt.date | None", argparse.Namespace], tuple[Any, str]]


# -- shared --------------------------------------------------------------------


def _run(args: argparse.Namespace, render: Render) -> int:
    check_locale(args.locale)
    values, blocks = [], []
    array = False
    sources = read_sources(
        args.paths,
        args.input,
        args.currency,
        as_of=getattr(args, "as_of", None),
        command=args.command,
    )
    for name, doc in sources:
        array = array or doc.array
        for index, entry in enumerate(doc.entries):
            with naming(name, index if doc.array else None):
                value, text = render(apply_terms(entry.invoice), entry.as_of, args)
            values.append(value)
            blocks.append(text)
    if args.output == "json":
        payload = values if array or len(values) != 1 else values[0]
        out = json.dumps(payload, indent=2, ensure_ascii=False)
    else:
        out = "\n\n".join(blocks)
    sys.stdout.write(out + "\n")
    return EXIT_OK


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    """Rows of cells, each column padded to its widest cell (text left, the rest right)."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  "
        + "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]


def _heading(invoice: Invoice, what: str) -> str:
    number = f" {invoice.number}" if invoice.number else ""
    terms = f", terms {invoice.terms}" if invoice.terms else ""
    return (
        f"{what}{number} ({invoice.currency.code}): dated {invoice.invoice_date.isoformat()}, "
        f"due {invoice.due_date.isoformat()}{terms}"
    )


def _common(parser: argparse.ArgumentParser, *, as_of: str | None) -> None:
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="FILE",
        help="the file to read, or - for standard input (Cashboard: its documents, read together)",
    )
    if as_of is not None:
        parser.add_argument("--as-of", type=date_argument, metavar="YYYY-MM-DD", help=as_of)
    parser.add_argument(
        "--input",
        choices=sorted(READERS),
        default="json",
        help="the format of the file (default: json, the neutral document)",
    )
    parser.add_argument(
        "--output",
        choices=("json", "text"),
        default="text",
        help="text: a readable summary (default); json: the document described in docs/cli.md",
    )
    parser.add_argument(
        "--locale",
        default="en_US",
        help="the locale text output formats amounts for (default: en_US)",
    )
    parser.add_argument(
        "--currency",
        metavar="CODE",
        help="Cashboard input: the account's currency, which its documents do not state "
        "(needed when no account document is given)",
    )


# -- schedule ------------------------------------------------------------------


def _schedule_dict(invoice: Invoice, found: Schedule) -> dict[str, Any]:
    money = invoice.currency.format
    return {
        "currency": invoice.currency.code,
        "as_of": found.as_of.isoformat(),
        "invoice_date": invoice.invoice_date.isoformat(),
        "due_date": invoice.due_date.isoformat(),
        "terms": invoice.terms,
        "total": money(found.totals.total),
        "balance": money(found.totals.balance),
        "early_deadlines": [
            {
                "date": row.date.isoformat(),
                "periods": row.periods,
                "discount_percentage": f"{row.discount_percentage:f}",
                "discount": money(row.discount),
                "total": money(row.total),
                "balance": money(row.balance),
            }
            for row in found.early_deadlines
        ],
        "late_fees": [
            {
                "date": row.date.isoformat(),
                "fee": money(row.fee),
                "late_fee": money(row.late_fee),
                "balance": money(row.balance),
            }
            for row in found.late_fees
        ],
        "reminders": [
            {"date": row.date.isoformat(), "kind": row.kind.value, "balance": money(row.balance)}
            for row in found.reminders
        ],
    }


def _schedule_text(invoice: Invoice, found: Schedule, locale: str) -> str:
    money = money_formatter(found.totals, locale)
    lines = [
        _heading(invoice, "Invoice"),
        f"As of {found.as_of.isoformat()}: total {money(found.totals.total)}, "
        f"balance {money(found.totals.balance)}",
    ]
    sections: list[tuple[str, list[list[str]]]] = [
        (
            "Early-payment deadlines (pay by)",
            [["date", "periods", "discount %", "discount", "total", "balance"]]
            + [
                [
                    row.date.isoformat(),
                    str(row.periods),
                    f"{row.discount_percentage:f}",
                    money(row.discount),
                    money(row.total),
                    money(row.balance),
                ]
                for row in found.early_deadlines
            ],
        ),
        (
            "Late fees",
            [["date", "fee", "late fees", "balance"]]
            + [
                [row.date.isoformat(), money(row.fee), money(row.late_fee), money(row.balance)]
                for row in found.late_fees
            ],
        ),
        (
            "Reminders",
            [["date", "kind", "balance"]]
            + [
                [row.date.isoformat(), row.kind.value.replace("_", " "), money(row.balance)]
                for row in found.reminders
            ],
        ),
    ]
    for title, rows in sections:
        lines.append(f"{title}:" if len(rows) > 1 else f"{title}: none")
        if len(rows) > 1:
            lines += _table(rows)
    return "\n".join(lines)


def _render_schedule(
    invoice: Invoice, as_of: dt.date | None, args: argparse.Namespace
) -> tuple[Any, str]:
    found = schedule(invoice, as_of=args.as_of or as_of or dt.date.today())
    return _schedule_dict(invoice, found), _schedule_text(invoice, found, args.locale)


# -- recur ---------------------------------------------------------------------


def _render_series(
    invoice: Invoice, as_of: dt.date | None, args: argparse.Namespace
) -> tuple[Any, str]:
    series = recur(
        invoice, Frequency(args.frequency), count=args.count, until=args.until, start=args.start
    )
    values = []
    rows = [["#", "invoice date", "due date", "total"]]
    for number, occurrence in enumerate(series, start=1):
        totals = calculate(occurrence, as_of=occurrence.invoice_date)
        values.append(
            {
                "occurrence": number,
                "invoice_date": occurrence.invoice_date.isoformat(),
                "due_date": occurrence.due_date.isoformat(),
                "terms": occurrence.terms,
            }
            | totals_to_dict(totals)
        )
        rows.append(
            [
                str(number),
                occurrence.invoice_date.isoformat(),
                occurrence.due_date.isoformat(),
                money_formatter(totals, args.locale)(totals.total),
            ]
        )
    title = f"{_heading(invoice, 'Template')}; {args.frequency}, {len(series)} occurrences"
    return values, "\n".join([title, *_table(rows)])


def _recur(args: argparse.Namespace) -> int:
    if args.count is None and args.until is None:
        raise Refused("recur: give --count or --until (a series must end)")
    return _run(args, _render_series)


# -- estimate ------------------------------------------------------------------


def _estimate_text(invoice: Invoice, low: Totals, high: Totals, locale: str) -> str:
    money = money_formatter(low, locale)
    rows = [
        ["", "low", "high"],
        ["quantity", f"{low.total_quantity:f}", f"{high.total_quantity:f}"],
    ]
    for label, name in (
        ("item cost", "item_cost"),
        ("markup (profit)", "item_profit"),
        ("items", "item_actual"),
        ("taxable items", "item_taxable"),
        ("discount", "discount"),
    ):
        rows.append([label, money(getattr(low, name)), money(getattr(high, name))])
    for low_tax, high_tax in zip(low.taxes, high.taxes, strict=True):
        label = f"{low_tax.name} ({low_tax.rate:f}%)"
        rows.append([label, money(low_tax.amount), money(high_tax.amount)])
    rows.append(["total", money(low.total), money(high.total)])
    heading = f"{_heading(invoice, 'Estimate')}; as of {low.as_of.isoformat()}"
    return "\n".join([heading, *_table(rows)])


def _render_estimate(
    invoice: Invoice, as_of: dt.date | None, args: argparse.Namespace
) -> tuple[Any, str]:
    both = estimate(invoice, as_of=args.as_of or as_of or invoice.invoice_date)
    value = {"low": totals_to_dict(both.low), "high": totals_to_dict(both.high)}
    return value, _estimate_text(invoice, both.low, both.high, args.locale)


# -- the parsers ---------------------------------------------------------------


def _count_argument(text: str) -> int:
    if not text.isdecimal() or not text.isascii() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number, at least 1 (got {text!r})")
    return int(text)


def add_schedule_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``schedule``, ``recur`` and ``estimate`` to the ``invoicecalc`` subcommands."""
    parser = commands.add_parser(
        "schedule",
        help="print an invoice's early-payment deadlines, late fees and reminders",
        description=(
            "Print the schedule of each invoice as of a date: every early-payment deadline "
            "with the discount and total paying by then gives; every late-fee date up to "
            "--as-of with the fee it adds and the balance after it; and the reminders "
            "pre_reminder_in_days / post_reminder_in_days send while a balance is owed. "
            "Payments dated after --as-of are not counted. The invoice's terms are checked "
            "first: unknown terms, or a due date the terms disagree with, exit 2."
        ),
    )
    _common(parser, as_of="the date the schedule stands on (default: the document's, else today)")
    parser.set_defaults(run=lambda args: _run(args, _render_schedule))

    parser = commands.add_parser(
        "recur",
        help="print the series of invoices a recurring profile makes",
        description=(
            "Treat each invoice as the template of a recurring profile (FreshBooks' recurring) "
            "and print its occurrences: occurrence n is dated START + n x FREQUENCY, counted "
            "from the start so month ends do not drift (31 Jan, 29 Feb, 31 Mar, 30 Apr), "
            "with its due date from its terms (without terms: as many days after its date as "
            "the template's) and its totals as of its own date. Give --count, --until or both."
        ),
    )
    _common(parser, as_of=None)
    parser.add_argument(
        "--count",
        type=_count_argument,
        metavar="N",
        help="how many occurrences (FreshBooks' occurrences), at least 1",
    )
    parser.add_argument(
        "--until",
        type=date_argument,
        metavar="YYYY-MM-DD",
        help="the last day an occurrence may fall on (an end date)",
    )
    parser.add_argument(
        "--frequency",
        choices=[frequency.value for frequency in Frequency],
        default=Frequency.MONTHLY.value,
        help="how often it recurs (default: monthly); quote the ones with a space",
    )
    parser.add_argument(
        "--start",
        type=date_argument,
        metavar="YYYY-MM-DD",
        help="the first occurrence's date (default: the template's invoice_date)",
    )
    parser.set_defaults(run=_recur)

    parser = commands.add_parser(
        "estimate",
        help="print an estimate's totals at its low and high quantities",
        description=(
            "Print each estimate's totals twice, with every line at its low quantity "
            "(quantity_low, else quantity) and at its high one (quantity_high; when missing "
            "or 0, the low quantity). A high quantity below the low one exits 2."
        ),
    )
    _common(
        parser,
        as_of="the date the totals stand on (default: the document's, else its invoice_date)",
    )
    parser.set_defaults(run=lambda args: _run(args, _render_estimate))
