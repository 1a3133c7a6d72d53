"""What the service computes, free of HTTP: documents in, the command line's answers out.

The readers are the vendor and neutral readers the command line's ``--input``
uses, and the totals text is the command line's own ``--output json`` writer,
so an answer is byte for byte what ``invoicecalc preview --output json``
prints. A refusal keeps the :class:`~invoicecalc.errors.InvoiceCalcError`
whole (its field, value and problem) with the source it came from.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any

import attrs

from .. import document
from .._calculate import Totals, calculate
from .._cli._formats import WRITERS, Output
from .._documents import Document, Entry
from .._money import Currency
from ..errors import InvalidValueError, InvoiceCalcError, ParseError
from ..vendors import cashboard, freshbooks, kashoo

__all__ = [
    "INPUTS",
    "Refusal",
    "Request",
    "check",
    "preview",
    "problem_of",
    "read",
]

Sources = Sequence[tuple[str, bytes]]


class Refusal(Exception):
    """An :class:`InvoiceCalcError` and the source (a part's name, ``body``) it refused."""

    def __init__(self, error: InvoiceCalcError, source: str | None) -> None:
        super().__init__(error, source)
        self.error = error
        self.source = source


@contextlib.contextmanager
def _naming(source: str | None) -> Iterator[None]:
    try:
        yield
    except InvoiceCalcError as exc:
        raise Refusal(exc, source) from None


Named = list[tuple[str, Document]]
Reader = Callable[[Sources, str], Named]


def _per_source(read_one: Callable[[bytes], Document]) -> Reader:
    def read_all(sources: Sources, currency: str) -> Named:
        documents = []
        for name, data in sources:
            with _naming(name):
                documents.append((name, read_one(data)))
        return documents

    return read_all


def _cashboard(sources: Sources, currency: str, as_of: dt.date | None = None) -> Named:
    """The account document's currency, else ``?currency=`` (``""``: not given)."""
    code = None
    if currency:
        with _naming(None):
            try:
                code = Currency(currency)
            except InvoiceCalcError as exc:
                raise exc.within("?currency") from None
    with _naming(", ".join(name for name, _ in sources)):
        try:
            return cashboard.read_files(sources, currency=code, as_of=as_of, naming=_naming)
        except InvoiceCalcError as exc:
            if exc.field != "currency":
                raise
            raise ParseError("?currency", exc.problem) from None


#: ``?input=`` formats: the readers of ``invoicecalc preview --input``, the
#: media types their documents come as (besides ``multipart/form-data`` for
#: several), and whether ``?currency=`` applies.
INPUTS: dict[str, tuple[Reader, tuple[str, ...]]] = {
    "json": (_per_source(document.read), ("application/json",)),
    "cashboard": (_cashboard, ("application/xml", "text/xml", "application/json")),
    "freshbooks": (_per_source(freshbooks.read), ("application/xml", "text/xml")),
    "kashoo": (_per_source(kashoo.read), ("application/json",)),
}
_CURRENCY_INPUTS = ("cashboard",)


@attrs.frozen
class Request:
    """What one call asks: its documents, their format and the options of the query."""

    sources: Sources
    input: str = "json"
    as_of: dt.date | None = None  # wins over each document's own, as --as-of does
    currency: str | None = None  # Cashboard's account currency (else its account document)


def read(request: Request) -> Named:
    """Every document of the request, read as ``request.input``."""
    reader, _ = INPUTS[request.input]
    if request.currency is not None and request.input not in _CURRENCY_INPUTS:
        error = InvalidValueError(
            "?currency",
            request.currency,
            f"?input={request.input} documents state their own currency",
        )
        raise Refusal(error, None)
    if request.input == "cashboard":
        return _cashboard(request.sources, request.currency or "", request.as_of)
    return reader(request.sources, request.currency or "")


def _calculated(
    request: Request, documents: Named, today: Callable[[], dt.date]
) -> list[tuple[Entry, Totals]]:
    default: list[dt.date] = []  # today, read once and only when an invoice needs it

    def as_of(entry: Entry) -> dt.date:
        chosen = request.as_of or entry.as_of
        if chosen is not None:
            return chosen
        if not default:
            default.append(today())
        return default[0]

    results = []
    for _, doc in documents:
        for index, entry in enumerate(doc.entries):
            with _naming(None):
                try:
                    results.append((entry, calculate(entry.invoice, as_of=as_of(entry))))
                except InvoiceCalcError as exc:
                    raise (exc.within(f"[{index}]") if doc.array else exc) from None
    return results


def preview(request: Request, today: Callable[[], dt.date]) -> tuple[str, list[dt.date]]:
    """The totals text ``invoicecalc preview --output json`` prints, and the as-of dates used.

    ``today`` is called at most once, and only for an invoice that has no
    ``as_of`` of its own when the request gives none.
    """
    documents = read(request)
    results = _calculated(request, documents, today)
    output = Output(array=len(documents) > 1 or any(doc.array for _, doc in documents))
    with _naming(None):
        text = WRITERS["json"](results, output)
    return (text if text.endswith("\n") else text + "\n"), _dates(results)


def _dates(results: Sequence[tuple[Entry, Totals]]) -> list[dt.date]:
    return list(dict.fromkeys(totals.as_of for _, totals in results))


def _shown(totals: Totals, value: object) -> Any:
    """A stated or computed total as JSON: money as the totals document writes it."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return totals.currency.format(value)
    if isinstance(value, Decimal):
        return str(value)
    return value if value is None or isinstance(value, str) else str(value)


def check(request: Request, today: Callable[[], dt.date]) -> tuple[dict[str, Any], list[dt.date]]:
    """What ``invoicecalc check`` says, as JSON: per invoice, each stated total and the engine's."""
    documents = read(request)
    results = _calculated(request, documents, today)
    invoices = []
    differs = False
    position = 0
    for source, doc in documents:
        for index, entry in enumerate(doc.entries):
            _, totals = results[position]
            position += 1
            rows = []
            for key, stated in entry.stated:
                computed = getattr(totals, key)
                same = stated == computed
                differs = differs or not same
                rows.append(
                    {
                        "name": key,
                        "stated": _shown(totals, stated),
                        "computed": _shown(totals, computed),
                        "differs": not same,
                    }
                )
            invoices.append(
                {
                    "source": source,
                    "index": index,
                    "number": entry.invoice.number,
                    "as_of": totals.as_of.isoformat(),
                    "differs": any(row["differs"] for row in rows),
                    "stated": rows,
                }
            )
    return {"differs": differs, "invoices": invoices}, _dates(results)


_INDEX = re.compile(r"\[(\d+)\]\.?")


def problem_of(refusal: Refusal) -> dict[str, Any]:
    """One entry of a problem document's ``problems``: invoice index, field, value, problem.

    ``invoice`` is the index in the array the field path starts with
    (``[3].lines[0].quantity``), else ``null``; ``value`` is the ``repr`` of
    what was refused, ``null`` when the error names no value.
    """
    error = refusal.error
    field, invoice = error.field, None
    match = _INDEX.match(field)
    if match:
        invoice, field = int(match.group(1)), field[match.end() :]
    value = error.value
    return {
        "source": refusal.source,
        "invoice": invoice,
        "field": field,
        "value": None if type(value) is object else repr(value),
        "problem": error.problem,
    }
