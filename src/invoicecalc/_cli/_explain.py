"""The ``explain`` command, and what ``check --explain`` adds (docs/cli.md, docs/explain.md)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from .._documents import Entry
from .._explain import Explanation, Step, explain, first_difference
from ._args import EXIT_OK, Commands, add_currency, add_paths, date_argument, read_sources
from ._formats import READERS, check_locale, naming

__all__ = ["VENDOR_NAMES", "add_explain_command", "difference_lines", "explained"]

#: How ``check --explain`` names the author of a document of each ``--input`` format.
VENDOR_NAMES = {
    "cashboard": "Cashboard",
    "freshbooks": "FreshBooks",
    "kashoo": "Kashoo",
    "json": "The document",
}


def explained(name: str, index: int | None, entry: Entry, as_of: dt.date | None) -> Explanation:
    """The entry explained on ``as_of`` (else its own date, else today); a refusal names
    the file and the invoice."""
    with naming(name, index):
        return explain(entry.invoice, as_of=as_of or entry.as_of or dt.date.today())


def difference_lines(explanation: Explanation, entry: Entry, fmt: str) -> list[str]:
    """``check --explain``'s lines for one invoice: the first stated total that differs, in
    derivation order, and the step where the engine's number parts from the vendor's."""
    difference = first_difference(explanation, entry.stated)
    if difference is None:
        return []
    currency = explanation.totals.currency

    def shown(value: object) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return currency.format(value)
        return str(value)

    step = difference.step
    vendor = VENDOR_NAMES.get(fmt, fmt)
    lines = [
        f"  first difference: {difference.message(vendor, shown)}",
        f"    {step.id}: {step.detail}",
        f"    rule ({step.section or 'stated'}): {step.rule}",
    ]
    stop = explanation.position(step.id) if _has(explanation, step.id) else len(explanation.steps)
    trail = [s for s in _trail(explanation) if explanation.position(s.id) < stop]
    if trail:
        lines.append("    the derivation up to there:")
        lines += [f"      {s.id:<18} {explanation.amount_text(s):>14}  {s.detail}" for s in trail]
    return lines


#: The steps ``check --explain`` shows before the one that differs, lines first.
_TRAIL = (
    "item_actual", "line_discount", "discount", "subtotal", "tax_total", "cash_rounding",
    "total_before_fees", "late_fee", "total", "payment_total", "balance",
)  # fmt: skip


def _trail(explanation: Explanation) -> list[Step]:
    """Each line's net (or, past five lines, their sum), each tax and the totals, in
    derivation order, up to the step that differs."""
    lines = len(explanation.totals.lines)
    wanted = [f"lines[{i}].net" for i in range(lines)] if lines <= 5 else []
    wanted += [f"taxes[{j}].amount" for j in range(len(explanation.totals.tax_amounts))]
    wanted += _TRAIL
    steps = [explanation.step(id) for id in wanted if _has(explanation, id)]
    return sorted(steps, key=lambda s: explanation.position(s.id))


def _has(explanation: Explanation, id: str) -> bool:
    try:
        explanation.position(id)
    except KeyError:
        return False
    return True


def _explain(args: argparse.Namespace) -> int:
    check_locale(args.locale)
    sources = read_sources(
        args.paths, args.input, args.currency, as_of=args.as_of, command="explain"
    )
    results = [
        (entry, explained(name, index if doc.array else None, entry, args.as_of))
        for name, doc in sources
        for index, entry in enumerate(doc.entries)
    ]
    array = len(sources) > 1 or any(doc.array for _, doc in sources)
    if args.output == "json":
        payload = [explanation.to_dict(entry) for entry, explanation in results]
        text = json.dumps(payload if array else payload[0], indent=2, ensure_ascii=False)
    else:
        # An invoice without a number is titled by its place in the output, as preview's.
        text = "\n\n".join(
            explanation.text(
                locale=args.locale,
                title=f"Invoice {entry.invoice.number or place}",
            )
            for place, (entry, explanation) in enumerate(results, start=1)
        )
    sys.stdout.write(text + "\n")
    return EXIT_OK


def add_explain_command(commands: Commands) -> None:
    """The ``explain`` command."""
    parser = commands.add_parser(
        "explain",
        help="derive every amount of invoices step by step",
        description=(
            "Read invoices and print how every amount is reached: each line, each share of a "
            "discount amount, the early-payment decision, each tax, cash rounding, late fees, "
            "payments and home-currency amounts, each step naming its rule (docs/explain.md)."
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
        choices=sorted(READERS),
        default="json",
        help="the format of the input files (default: json; the others are vendor formats)",
    )
    parser.add_argument(
        "--output",
        choices=("json", "text"),
        default="text",
        help="text: a readable derivation (default); json: the explanation (docs/json.md)",
    )
    parser.add_argument(
        "--locale",
        default="en_US",
        help="the locale amounts are formatted for in text output (default: en_US)",
    )
    add_currency(parser)
    parser.set_defaults(run=_explain)
