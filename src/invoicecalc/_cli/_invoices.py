"""The ``preview`` and ``check`` commands (``docs/cli.md``)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys

from .._calculate import Totals, calculate
from .._documents import Entry
from ._args import (
    EXIT_DIFFERS,
    EXIT_OK,
    Commands,
    add_currency,
    add_paths,
    date_argument,
    rate_argument,
    read_sources,
    whole_argument,
)
from ._batches import JSON_LINES, STREAMED, Batch, run
from ._explain import difference_lines, explained
from ._formats import (
    READERS,
    WRITERS,
    Output,
    Refused,
    check_locale,
    currency_applies,
    naming,
)

__all__ = ["add_invoice_commands"]


def _calculated(name: str, index: int | None, entry: Entry, as_of: dt.date | None) -> Totals:
    """The entry's totals on ``as_of`` (else its own date, else today); a refusal while
    calculating (too many late-fee periods, a total beyond the range) names the file and
    the invoice, as a refusal while reading does."""
    with naming(name, index):
        return calculate(entry.invoice, as_of=as_of or entry.as_of or dt.date.today())


def usable_cpus() -> int:
    """The CPUs this process may run on (a container's or a CPU set's, where it is set)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


#: Options that only some outputs read: given for another, they are refused, not
#: ignored (the totals would not be what the option asked for).
_OUTPUT_OPTIONS = {
    "--home-currency": ("home_currency", ("kashoo-json",)),
    "--exchange-rate": ("exchange_rate", ("kashoo-json",)),
    "--no-financial": ("no_financial", tuple(f for f in WRITERS if f.startswith("cashboard-"))),
    "--base-url": ("base_url", tuple(f for f in WRITERS if f.startswith("cashboard-"))),
}


def _preview(args: argparse.Namespace) -> int:
    check_locale(args.locale)
    currency_applies(args.input, args.currency)  # JSON Lines and JSON are read without reader_for
    for option, (name, outputs) in _OUTPUT_OPTIONS.items():
        if getattr(args, name) not in (None, False) and args.output not in outputs:
            raise Refused(
                f"{option}: --output {args.output} does not use it; it is for " + ", ".join(outputs)
            )
    if args.jobs < 1:
        raise Refused(f"--jobs: {args.jobs} is not a number of processes (give 1 or more)")
    if args.jobs > (cpus := usable_cpus()):
        raise Refused(
            f"--jobs: {args.jobs} processes on {cpus} CPUs would only be slower "
            f"(give at most {cpus})"
        )
    return run(
        Batch(
            paths=args.paths,
            input=args.input,
            output=args.output,
            currency=args.currency,
            as_of=args.as_of,
            keep_going=args.keep_going,
            jobs=args.jobs,
            errors=args.errors,
            show_progress=not args.no_progress,
            output_options=Output(
                locale=args.locale,
                financial=not args.no_financial,
                base_url=args.base_url,
                home_currency=args.home_currency,
                exchange_rate=args.exchange_rate,
            ),
        )
    )


def _shown(totals: Totals, value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return totals.currency.format(value)
    return str(value)


def _check(args: argparse.Namespace) -> int:
    sources = read_sources(args.paths, args.input, args.currency, as_of=args.as_of, command="check")
    differs = False
    lines = []
    for name, doc in sources:
        for index, entry in enumerate(doc.entries):
            totals = _calculated(name, index if doc.array else None, entry, args.as_of)
            as_of = totals.as_of
            label = entry.invoice.number or str(index + 1)  # as preview titles it
            lines.append(f"{name} invoice {label} as of {as_of.isoformat()}:")
            if not entry.stated:
                lines.append("  states no totals")
            width = max([15, *(len(key) for key, _ in entry.stated)])
            for key, stated, computed in entry.compared(totals):
                same = stated == computed
                differs = differs or not same
                lines.append(
                    f"  {key:<{width}} stated {_shown(totals, stated):>14}  "
                    f"computed {_shown(totals, computed):>14}  {'ok' if same else 'DIFFERS'}"
                )
            if args.explain:
                explanation = explained(name, index if doc.array else None, entry, as_of)
                lines += difference_lines(explanation, entry, args.input)
    sys.stdout.write("\n".join(lines) + "\n")
    return EXIT_DIFFERS if differs else EXIT_OK


def _add_check(commands: Commands) -> None:
    parser = commands.add_parser(
        "check",
        help="compare the totals a vendor document states with the engine's",
        description=(
            "Read vendor documents, recompute every invoice and print each stated and computed "
            "total. Exits 1 when any differs, 2 when the input is refused."
        ),
    )
    add_paths(parser)
    parser.add_argument(
        "--input", choices=sorted(READERS), required=True, help="the format of the files"
    )
    parser.add_argument(
        "--as-of",
        type=date_argument,
        metavar="YYYY-MM-DD",
        help="the date to compute on (default: the document's, else today)",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="for an invoice whose stated totals differ, show the first step of the "
        "derivation where the vendor's number and the engine's part (docs/explain.md)",
    )
    add_currency(parser)
    parser.set_defaults(run=_check)


def _add_preview(commands: Commands) -> None:
    parser = commands.add_parser(
        "preview",
        help="compute and print the totals of invoices",
        description=(
            "Read invoices and print their totals. A file may hold one invoice or an array; "
            "with several files (or an array) the JSON output is an array in input order. "
            "JSON, JSON Lines and text are read and written an invoice at a time."
        ),
        epilog=(
            "Exit status: 0 every invoice was calculated; 2 input was refused (with "
            "--keep-going: at least one invoice was refused, its error object written in "
            "its place)."
        ),
    )
    add_paths(parser)
    parser.add_argument(
        "--as-of",
        type=date_argument,
        metavar="YYYY-MM-DD",
        help="the date the totals stand on (wins over the document's as_of; with neither, today)",
    )
    parser.add_argument(
        "--input",
        choices=sorted([*READERS, JSON_LINES]),
        default="json",
        help="the format of the input files (default: json, the neutral document; "
        "jsonl: one neutral invoice object per line; the others are vendor formats, "
        "docs/vendors.md)",
    )
    parser.add_argument(
        "--output",
        choices=sorted([*WRITERS, JSON_LINES]),
        default="text",
        help="text: a readable summary (default); json: the totals document (docs/json.md); "
        "jsonl: one totals object per line, written as each is calculated; "
        "the others are vendor formats (docs/vendors.md)",
    )
    parser.add_argument(
        "--keep-going",
        action="store_true",
        help=f'calculate every invoice: a refused one gets an error object {{"error": '
        f"{{index, id, number, field, value, problem}}}} in its place (--output "
        f"{', '.join(STREAMED)}) and a line on stderr; exit 2 if any was refused, else 0",
    )
    parser.add_argument(
        "--jobs",
        type=whole_argument,
        default=1,
        metavar="N",
        help="spread the invoices over N processes, at most one per CPU (output in input "
        "order, the same bytes as one process; default: 1)",
    )
    parser.add_argument(
        "--no-progress",
        action="store_true",
        help="draw no progress bar (one is drawn on stderr, when it is a terminal, for a "
        "batch that takes over a second)",
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
        type=rate_argument,
        metavar="RATE",
        help="Kashoo output: home-currency units per one invoice-currency unit",
    )
    add_currency(parser)
    parser.set_defaults(run=_preview)


def add_invoice_commands(commands: Commands) -> None:
    """The ``preview`` and ``check`` commands."""
    _add_preview(commands)
    _add_check(commands)
