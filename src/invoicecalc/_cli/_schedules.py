"""The ``schedule``, ``recur`` and ``estimate`` commands (``docs/cli.md``).

Each reads the files of invoices given (the neutral JSON by default;
Cashboard's documents are read together; FreshBooks with the account's tax list
beside it), applies every invoice's terms (:func:`~invoicecalc.apply_terms`:
unknown terms are refused; a vendor's free-text terms are applied only when
they parse, and the output says which) and prints one result per invoice, an
array when a file holds an array or several are given.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from .._calculate import Totals, calculate
from .._estimate import estimate
from .._model import Invoice
from .._recurring import Frequency, recur
from .._schedule import Schedule, schedule
from .._terms import apply_terms, is_terms, redate
from ..document import totals_to_dict
from ._args import (
    EXIT_OK,
    Commands,
    add_currency,
    add_paths,
    date_argument,
    load_sources,
    read_sources,
    whole_argument,
)
from ._formats import (
    FREE_TEXT_TERMS,
    READERS,
    Refused,
    Template,
    check_locale,
    money_formatter,
    naming,
    read_templates,
)

__all__ = ["add_schedule_commands"]

#: One invoice (and its document's as_of) to what the command prints for it:
#: (JSON value, text block).
Render = Callable[[Invoice, "dt.date | None", argparse.Namespace], tuple[Any, str]]


# -- shared --------------------------------------------------------------------


def _with_terms(invoice: Invoice, free_text: bool) -> tuple[Invoice, bool | None]:
    """``invoice`` with its terms applied, and whether they were (``None``: not free text).

    Free-text terms (a vendor's note to the client) are applied when they are
    terms invoicecalc reads, the due date then coming from them (the vendor
    states none); any other text is kept out of the calculation.
    """
    if not free_text:
        return apply_terms(invoice), None
    if invoice.terms is None:
        return invoice, None
    if not is_terms(invoice.terms):
        return attrs.evolve(invoice, terms=None), False
    return apply_terms(redate(invoice, invoice.invoice_date)), True


def _noted(value: Any, text: str, terms: str | None, applied: bool | None) -> tuple[Any, str]:
    """The result with what became of free-text terms: ``terms_applied`` in JSON (on each
    occurrence of a series), a note on the heading line of the text."""
    if applied is None:
        return value, text
    for item in value if isinstance(value, list) else [value]:
        item["terms"], item["terms_applied"] = terms, applied
    heading, _, rest = text.partition("\n")
    if applied:
        note = f"; terms {terms!r} applied"
    else:
        note = f"; terms {terms!r} are free text, not applied"
    return value, heading + note + ("\n" + rest if rest else "")


def _print(args: argparse.Namespace, values: list[Any], blocks: list[str], array: bool) -> int:
    if args.output == "json":
        payload = values if array or len(values) != 1 else values[0]
        out = json.dumps(payload, indent=2, ensure_ascii=False)
    else:
        out = "\n\n".join(blocks)
    sys.stdout.write(out + "\n")
    return EXIT_OK


def _run(args: argparse.Namespace, render: Render) -> int:
    check_locale(args.locale)
    values, blocks = [], []
    array = False
    free_text = args.input in FREE_TEXT_TERMS
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
                invoice, applied = _with_terms(entry.invoice, free_text)
                value, text = render(invoice, entry.as_of, args)
            value, text = _noted(value, text, entry.invoice.terms, applied)
            # Each object names its invoice, as preview's totals do, so that results
            # can be matched without relying on position.
            values.append({"id": entry.id, "number": entry.invoice.number, **value})
            blocks.append(text)
    return _print(args, values, blocks, array)


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
    add_paths(parser)
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
    add_currency(parser)


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


def _series_of(template: Template, args: argparse.Namespace) -> tuple[Frequency, int | None]:
    """The frequency and count of a series: a recurring profile's own (an option that
    says otherwise is refused), else the options'."""
    if template.frequency is None:
        count = args.count
        if count is None and args.until is None:
            raise Refused("recur: give --count or --until (a series must end)")
        return Frequency(args.frequency or Frequency.MONTHLY.value), count
    frequency, count = template.frequency, template.count
    if args.frequency is not None and Frequency(args.frequency) is not frequency:
        raise Refused(f"--frequency: the recurring profile recurs {frequency.value}")
    if args.count is not None and count is not None and args.count != count:
        made = "1 invoice" if count == 1 else f"{count} invoices"
        raise Refused(f"--count: the recurring profile makes {made} (occurrences)")
    if args.start is not None and args.start != template.entry.invoice.invoice_date:
        start = template.entry.invoice.invoice_date.isoformat()
        raise Refused(f"--start: the recurring profile starts on {start}")
    count = count if count is not None else args.count
    if count is None and args.until is None:
        raise Refused(
            "recur: the recurring profile has occurrences 0 (until stopped): "
            "give --count or --until"
        )
    return frequency, count


def _render_series(
    invoice: Invoice,
    args: argparse.Namespace,
    frequency: Frequency,
    count: int | None,
    stopped: bool,
) -> tuple[Any, str]:
    series = recur(invoice, frequency, count=count, until=args.until, start=args.start)
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
    made = "1 occurrence" if len(series) == 1 else f"{len(series)} occurrences"
    title = f"{_heading(invoice, 'Template')}; {frequency.value}, {made}"
    if stopped:
        title += " (stopped: FreshBooks makes no more)"
    return values, "\n".join([title, *_table(rows)])


def _recur(args: argparse.Namespace) -> int:
    check_locale(args.locale)
    if args.input not in FREE_TEXT_TERMS and args.count is None and args.until is None:
        raise Refused("recur: give --count or --until (a series must end)")
    values, blocks = [], []
    array = False
    free_text = args.input in FREE_TEXT_TERMS
    for name, templates, many in read_templates(
        args.input, load_sources(args.paths), args.currency
    ):
        array = array or many
        for index, template in enumerate(templates):
            with naming(name, index if many else None):
                frequency, count = _series_of(template, args)
                invoice, applied = _with_terms(template.entry.invoice, free_text)
                value, text = _render_series(invoice, args, frequency, count, template.stopped)
            value, text = _noted(value, text, template.entry.invoice.terms, applied)
            values.append(value)
            blocks.append(text)
    return _print(args, values, blocks, array)


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
    return whole_argument(text, least=1)


def add_schedule_commands(commands: Commands) -> None:
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
            "the template's) and its totals as of its own date. Give --count, --until or both; "
            "a FreshBooks recurring profile (recurring.get) brings its own frequency, "
            "occurrences and start."
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
        help="how often it recurs (default: monthly; a FreshBooks recurring profile's own); "
        "quote the ones with a space",
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
