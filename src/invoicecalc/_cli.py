"""The ``invoicecalc`` command line (``docs/cli.md``).

The command line, unlike the library, may read the clock (today is the
default ``--as-of``) and print. Refused input exits 2 with one line on stderr
and nothing on stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import sys
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal

import attrs
from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency

from . import document
from ._calculate import Totals
from ._money import exact_decimal
from .document import Document, Entry, parse_date
from .errors import InvoiceCalcError

__all__ = ["main"]

EXIT_OK, EXIT_DIFFERS, EXIT_REFUSED = 0, 1, 2


@attrs.frozen
class Output:
    """What a writer is given besides the results (from the command's options)."""

    locale: str = "en_US"
    array: bool = False
    financial: bool = True  # False: Cashboard's employee view
    base_url: str | None = None  # Cashboard links
    home_currency: str | None = None  # Kashoo totalLocalDue
    exchange_rate: Decimal | None = None


class _Refused(Exception):
    """Input the command refuses; its message is the one line printed."""


@contextlib.contextmanager
def naming(source: str) -> Iterator[None]:
    """Turn a refusal inside into one line that names ``source`` (a file)."""
    try:
        yield
    except InvoiceCalcError as exc:
        raise _Refused(f"{source}: {exc}") from None


Sources = Sequence[tuple[str, bytes]]
Reader = Callable[[Sources], list[tuple[str, Document]]]


def per_file(read: Callable[[bytes], Document]) -> Reader:
    """A reader of every file given from a reader of one file."""

    def read_all(sources: Sources) -> list[tuple[str, Document]]:
        documents = []
        for name, data in sources:
            with naming(name):
                documents.append((name, read(data)))
        return documents

    return read_all


#: ``--input`` formats: every file given (name, bytes) to the invoices they hold,
#: grouped by the file named in errors. A format whose invoice is spread over
#: several files (Cashboard) reads them together.
READERS: dict[str, Reader] = {"json": per_file(document.read)}

Results = Sequence[tuple[Entry, Totals]]


def _write_json(results: Results, output: Output) -> str:
    return document.dumps([totals for _, totals in results], array=output.array, indent=2)


def _write_text(results: Results, output: Output) -> str:
    blocks = []
    for index, (entry, totals) in enumerate(results):
        money = _money_formatter(totals, output.locale)
        invoice = entry.invoice
        title = f"Invoice {invoice.number}" if invoice.number else f"Invoice {index + 1}"
        rows = [
            (f"{title} ({totals.currency.code})", f"as of {totals.as_of.isoformat()}"),
            ("Invoice date", invoice.invoice_date.isoformat()),
            ("Due date", invoice.due_date.isoformat()),
        ]
        for number, (line, line_totals) in enumerate(zip(invoice.lines, totals.lines, strict=True)):
            label = line.title or line.kind.value
            rows.append((f"  {number + 1}. {label}", money(line_totals.actual)))
        rows += [
            ("Item cost", money(totals.item_cost)),
            ("Markup (profit)", money(totals.item_profit)),
            ("Items", money(totals.item_actual)),
            ("Taxable items", money(totals.item_taxable)),
            (f"Discount ({totals.discount_percentage:f}%)", money(-totals.discount)),
        ]
        rows += [(f"{tax.name} ({tax.rate:f}%)", money(tax.amount)) for tax in totals.taxes]
        rows += [
            ("Late fees", money(totals.late_fee)),
            ("Total", money(totals.total)),
            ("Payments", money(-totals.payment_total)),
            ("Balance", money(totals.balance)),
            ("Paid", "yes" if totals.has_been_paid else "no"),
        ]
        width = max(len(label) for label, _ in rows)
        blocks.append("\n".join(f"{label:<{width}}  {value}" for label, value in rows))
    return "\n\n".join(blocks)


def _money_formatter(totals: Totals, locale: str) -> Callable[[int], str]:
    currency = totals.currency

    def money(minor: int) -> str:
        text: str = format_currency(currency.to_decimal(minor), currency.code, locale=locale)
        return text

    return money


#: ``--output`` formats: results to the text printed.
WRITERS: dict[str, Callable[[Results, Output], str]] = {"text": _write_text, "json": _write_json}


def _date_argument(text: str) -> dt.date:
    try:
        return parse_date(text, "--as-of")
    except InvoiceCalcError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _read_sources(paths: Sequence[str], fmt: str) -> list[tuple[str, Document]]:
    sources = []
    for path in paths:
        name = "<stdin>" if path == "-" else path
        try:
            if path == "-":
                data = sys.stdin.buffer.read()
            else:
                with open(path, "rb") as handle:
                    data = handle.read()
        except OSError as exc:
            raise _Refused(f"{name}: cannot read: {exc.strerror or exc}") from None
        sources.append((name, data))
    with naming(", ".join(name for name, _ in sources)):
        return READERS[fmt](sources)


def _preview(args: argparse.Namespace) -> int:
    try:
        Locale.parse(args.locale)
    except (UnknownLocaleError, ValueError, TypeError):
        raise _Refused(f"--locale: {args.locale!r} is not a locale babel knows") from None
    sources = _read_sources(args.paths, args.input)
    results = []
    for name, doc in sources:
        for index, entry in enumerate(doc.entries):
            as_of = args.as_of or entry.as_of or dt.date.today()
            try:
                totals = document.calculate_document(Document((entry,)), as_of=as_of)[0]
            except InvoiceCalcError as exc:
                where = f"[{index}]" if doc.array else ""
                raise _Refused(f"{name}: {exc.within(where) if where else exc}") from None
            results.append((entry, totals))
    output = Output(
        locale=args.locale,
        array=len(sources) > 1 or any(doc.array for _, doc in sources),
        financial=not args.no_financial,
        base_url=args.base_url,
        home_currency=args.home_currency,
        exchange_rate=args.exchange_rate,
    )
    with naming(f"--output {args.output}"):
        text = WRITERS[args.output](results, output)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return EXIT_OK


def _rate_argument(text: str) -> Decimal:
    try:
        return exact_decimal(text, "--exchange-rate")
    except InvoiceCalcError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _shown(totals: Totals, value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return totals.currency.format(value)
    return str(value)


def _check(args: argparse.Namespace) -> int:
    sources = _read_sources(args.paths, args.input)
    differs = False
    lines = []
    for name, doc in sources:
        for index, entry in enumerate(doc.entries):
            as_of = args.as_of or entry.as_of or dt.date.today()
            totals = document.calculate_document(Document((entry,)), as_of=as_of)[0]
            label = entry.invoice.number or str(index)
            lines.append(f"{name} invoice {label} as of {as_of.isoformat()}:")
            if not entry.stated:
                lines.append("  states no totals")
            for key, stated in entry.stated:
                computed = getattr(totals, key)
                same = stated == computed
                differs = differs or not same
                lines.append(
                    f"  {key:<15} stated {_shown(totals, stated):>14}  "
                    f"computed {_shown(totals, computed):>14}  {'ok' if same else 'DIFFERS'}"
                )
    sys.stdout.write("\n".join(lines) + "\n")
    return EXIT_DIFFERS if differs else EXIT_OK


def _add_check(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "check",
        help="compare the totals a vendor document states with the engine's",
        description=(
            "Read vendor documents, recompute every invoice and print each stated and computed "
            "total. Exits 1 when any differs, 2 when the input is refused."
        ),
    )
    parser.add_argument("paths", nargs="+", metavar="FILE", help="a file to read, or -")
    parser.add_argument(
        "--input", choices=sorted(READERS), required=True, help="the format of the files"
    )
    parser.add_argument(
        "--as-of",
        type=_date_argument,
        metavar="YYYY-MM-DD",
        help="the date to compute on (default: the document's, else today)",
    )
    parser.set_defaults(run=_check)


def _add_preview(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "preview",
        help="compute and print the totals of invoices",
        description=(
            "Read invoices and print their totals. A file may hold one invoice or an array; "
            "with several files (or an array) the JSON output is an array in input order."
        ),
    )
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="a file to read, or - for standard input"
    )
    parser.add_argument(
        "--as-of",
        type=_date_argument,
        metavar="YYYY-MM-DD",
        help="the date the totals stand on (wins over the document's as_of; default: today)",
    )
    parser.add_argument(
        "--input",
        choices=sorted(READERS),
        default="json",
        help="the format of the input files (default: json, the neutral document)",
    )
    parser.add_argument(
        "--output",
        choices=sorted(WRITERS),
        default="text",
        help="text: a readable summary (default); json: the totals document",
    )
    parser.add_argument(
        "--locale",
        default="en_US",
        help="the locale amounts are formatted for in text (and Kashoo's *Formatted) output "
        "(default: en_US)",
    )
    parser.add_argument(
        "--no-financial",
        action="store_true",
        help='Cashboard outputs: the employee view, every rel="financial" element removed',
    )
    parser.add_argument(
        "--base-url",
        metavar="URL",
        help="Cashboard outputs: write <link> elements under this base URL",
    )
    parser.add_argument(
        "--home-currency",
        metavar="CODE",
        help="Kashoo output: the home currency for totalLocalDue (needs --exchange-rate)",
    )
    parser.add_argument(
        "--exchange-rate",
        type=_rate_argument,
        metavar="RATE",
        help="Kashoo output: home-currency units per one invoice-currency unit",
    )
    parser.set_defaults(run=_preview)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="invoicecalc",
        description="Exact invoice totals: amounts in integer minor units, never a float.",
        epilog="Exit status: 0 success, 1 stated totals differ (check), 2 refused input.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_preview(commands)
    _add_check(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        status: int = args.run(args)
    except _Refused as exc:
        sys.stderr.write(f"invoicecalc: {exc}\n")
        return EXIT_REFUSED
    return status
