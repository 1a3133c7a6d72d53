"""What every command shares: exit statuses, option types and reading the files given."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from decimal import Decimal
from typing import NoReturn, TypeAlias

from .._documents import Document
from .._money import exact_decimal
from .._parse import parse_date
from ..errors import InvalidValueError, InvoiceCalcError, ParseError
from ._formats import ReadOptions, Refused, naming, reader_for, refuse_first

__all__ = [
    "EXIT_DIFFERS",
    "EXIT_OK",
    "EXIT_REFUSED",
    "Commands",
    "Parser",
    "add_currency",
    "add_paths",
    "date_argument",
    "load_sources",
    "one_line",
    "rate_argument",
    "read_sources",
]

EXIT_OK, EXIT_DIFFERS, EXIT_REFUSED = 0, 1, 2

#: What ``str.splitlines`` breaks on, each shown as its escape.
_LINE_BREAKS = {
    code: repr(chr(code))[1:-1]
    for code in (*range(0x0A, 0x0E), 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029)
}


def one_line(text: str) -> str:
    """``text`` with every line break shown as its escape: a refusal is one line."""
    return text.translate(_LINE_BREAKS)


class Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line, as every refusal is: the
    command, what is wrong and where the help is (``--help`` shows the usage)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_REFUSED, one_line(f"{self.prog}: {message} (see {self.prog} --help)") + "\n")


#: The commands of the ``invoicecalc`` parser, which each module adds its own to.
Commands: TypeAlias = "argparse._SubParsersAction[Parser]"


def add_paths(parser: argparse.ArgumentParser) -> None:
    """The files a command reads (``PATH...``)."""
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="the files to read, or - for standard input (Cashboard: its documents, read "
        "together; FreshBooks: with the account's tax.list response beside the invoices, "
        "which says whether a second tax compounds)",
    )


def add_currency(parser: argparse.ArgumentParser) -> None:
    """``--currency``, for the vendor inputs whose documents may not state one."""
    parser.add_argument(
        "--currency",
        metavar="CODE",
        help="Cashboard input: the account's currency, which its documents do not state "
        "(needed when no account document is given); FreshBooks input: the account's "
        "base currency, for documents without currency_code (one stating another is refused)",
    )


def date_argument(text: str) -> dt.date:
    """A ``YYYY-MM-DD`` option value; argparse names the option in the message."""
    try:
        return parse_date(text, "")
    except InvoiceCalcError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def read_sources(
    paths: Sequence[str],
    fmt: str,
    currency: str | None = None,
    *,
    as_of: dt.date | None = None,
    command: str = "preview",
    keep_going: bool = False,
) -> list[tuple[str, Document]]:
    """Each file (``-`` is standard input) read as ``fmt``, with the name it is shown by.

    ``currency`` is ``--currency``; ``as_of`` (``--as-of``) and ``command`` go to
    the readers that depend on them (:func:`~._formats.reader_for`). With
    ``keep_going`` (``--keep-going``) a refused invoice is in its document's
    ``refused``; without it, the first one is refused (:func:`~._formats.refuse_first`).
    """
    sources = load_sources(paths)
    # Read as --keep-going does even without it, so that a refused invoice is known by
    # its place, id and number; without it, the first refused one ends the command.
    reader = reader_for(fmt, ReadOptions(currency, as_of, command, keep_going=True))
    with naming(", ".join(name for name, _ in sources)):
        documents = reader(sources)
    if not keep_going:
        refuse_first(documents)
    return documents


def load_sources(paths: Sequence[str]) -> list[tuple[str, bytes]]:
    """Each file's bytes (``-`` is standard input), with the name it is shown by."""
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
            problem = f"cannot read: {exc.strerror or exc}"
            raise Refused(
                f"{name}: {problem}", error=ParseError("", problem), source=name
            ) from None
        sources.append((name, data))
    return sources


def whole_argument(text: str, *, least: int | None = None, most: int | None = None) -> int:
    """A whole-number option value of ASCII digits (at most 18), from ``least`` to
    ``most``; argparse names the option in the message (``int`` would take ``"٣"`` for
    3 and write out any number of digits it was given)."""
    digits = text[1:] if text.startswith("-") else text
    if digits.isascii() and digits.isdecimal() and len(digits) <= 18:
        number = int(text)
        if (least is None or number >= least) and (most is None or number <= most):
            return number
    if least is not None and most is not None:
        problem = f"must be a whole number from {least} to {most}"
    else:
        problem = "must be a whole number" + ("" if least is None else f", at least {least}")
    raise argparse.ArgumentTypeError(str(InvalidValueError("", text, problem)))


def rate_argument(text: str) -> Decimal:
    """An exact ``--exchange-rate`` value; argparse names the option in the message
    (so the error names no field of its own)."""
    try:
        return exact_decimal(text, "")
    except InvoiceCalcError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
