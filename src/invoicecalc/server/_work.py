"""What the service computes, free of HTTP: documents in, the command line's answers out.

The readers are the vendor and neutral readers the command line's ``--input``
uses, and a preview goes through the command line's own batch (``_batch``:
each invoice read, calculated and written as ``--output json`` writes it), so
an answer is byte for byte what ``invoicecalc preview --output json`` prints
and a refusal is the one it gives. A refusal keeps the
:class:`~invoicecalc.errors.InvoiceCalcError` whole (its field, value and
problem) with the source it came from.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import itertools
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any

import attrs

from .. import _batch as batch
from .. import document
from .._calculate import Totals, calculate
from .._documents import Document, Entry
from .._money import Currency
from .._stream import open_json
from ..errors import InvalidValueError, InvoiceCalcError, ParseError
from ..vendors import CURRENCY_GIVEN, READ_TOGETHER, cashboard, freshbooks, kashoo

__all__ = [
    "INPUTS",
    "MAX_INVOICES",
    "Refusal",
    "Request",
    "check",
    "preview",
    "problem_of",
    "read",
]

Sources = Sequence[tuple[str, bytes]]
#: The most invoices one request (preview or check) may hold. A refused invoice's error object
#: takes some 3 KB while the request is worked on, however small the invoice was
#: (``{}`` is 2 bytes), so the body's size alone does not bound a request's memory.
MAX_INVOICES = 100_000


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
Today = Callable[[], dt.date]
Reader = Callable[["Request", Today], Named]


def _once(today: Today) -> Today:
    """``today`` read at most once: every use in one request sees the same date."""
    read: list[dt.date] = []

    def first() -> dt.date:
        if not read:
            read.append(today())
        return read[0]

    return first


def _neutral(request: Request, today: Today) -> Named:
    """Each neutral JSON document alone, for ``check`` (:func:`preview` reads them an
    element at a time instead, as ``invoicecalc preview`` does)."""
    documents = []
    for name, data in request.sources:
        with _naming(name):
            documents.append((name, document.read(data)))
    return documents


def _currency(currency: str | None) -> Currency | None:
    """``?currency=``, refused by name when it is not a currency."""
    if currency is None:
        return None
    try:
        return Currency(currency)
    except InvoiceCalcError as exc:
        raise Refusal(InvalidValueError("?currency", exc.value, exc.problem), None) from None


def _cashboard(request: Request, today: Today) -> Named:
    """The account document's currency, else ``?currency=``; without ``?as_of`` the
    totals stand ``today()``, as the command line's do without ``--as-of``."""
    code = _currency(request.currency)
    try:
        return cashboard.read_files(
            request.sources,
            currency=code,
            as_of=request.as_of,
            today=today() if request.as_of is None else None,
            naming=_naming,
            keep_going=request.keep_going,
        )
    except InvoiceCalcError as exc:
        if exc.field != "currency":
            raise
        raise Refusal(ParseError("?currency", exc.problem), None) from None


def _freshbooks(request: Request, today: Today) -> Named:
    """FreshBooks documents read together, as ``--input freshbooks`` reads its files: the
    account's tax lists beside the invoices; ``?currency=`` is the base currency."""
    code = _currency(request.currency)
    return freshbooks.read_files(
        request.sources,
        base_currency=None if code is None else code.code,
        naming=_naming,
        keep_going=request.keep_going,
    )


def _kashoo(request: Request, today: Today) -> Named:
    return kashoo.read_files(request.sources, naming=_naming, keep_going=request.keep_going)


#: ``?input=`` formats: the readers of ``invoicecalc preview --input`` and the
#: media types their documents come as (besides ``multipart/form-data`` for
#: several); ``?currency=`` applies to :data:`CURRENCY_GIVEN`.
INPUTS: dict[str, tuple[Reader, tuple[str, ...]]] = {
    "json": (_neutral, ("application/json",)),
    "cashboard": (_cashboard, ("application/xml", "text/xml", "application/json")),
    "freshbooks": (_freshbooks, ("application/xml", "text/xml")),
    "kashoo": (_kashoo, ("application/json",)),
}


@attrs.frozen
class Request:
    """What one call asks: its documents, their format and the options of the query."""

    sources: Sources
    input: str = "json"
    as_of: dt.date | None = None  # wins over each document's own, as --as-of does
    currency: str | None = None  # Cashboard's account currency (else its account document)
    keep_going: bool = False  # a refused invoice's error object in its place, as --keep-going


def _currency_applies(request: Request) -> None:
    """Refuse ``?currency=`` for a format whose documents state their own."""
    if request.currency is not None and request.input not in CURRENCY_GIVEN:
        error = InvalidValueError(
            "?currency",
            request.currency,
            f"?input={request.input} documents state their own currency",
        )
        raise Refusal(error, None)


def read(request: Request, today: Today) -> Named:
    """Every document of the request, read as ``request.input`` (``today``: the date
    the totals stand on without ``?as_of``, for a reader that needs it)."""
    _currency_applies(request)
    reader, _ = INPUTS[request.input]
    # What no one document is refused for (FreshBooks tax lists alone) names them all.
    with _naming(", ".join(name for name, _ in request.sources)):
        return reader(request, today)


def _calculated(request: Request, documents: Named, today: Today) -> list[tuple[Entry, Totals]]:
    def as_of(entry: Entry) -> dt.date:
        return request.as_of or entry.as_of or today()

    results = []
    for name, doc in documents:
        for index, entry in enumerate(doc.entries):
            with _naming(name):
                try:
                    results.append((entry, calculate(entry.invoice, as_of=as_of(entry))))
                except InvoiceCalcError as exc:
                    raise (exc.within(f"[{index}]") if doc.array else exc) from None
    return results


def _items(request: Request, today: Today) -> tuple[bool, list[batch.Item]]:
    """Whether the answer is an array, and each invoice of the request not yet read, as
    ``preview`` reads its files: a neutral array an element at a time; with
    ``keep_going`` a vendor's refused invoice one refused item, and so is a refused
    vendor document (all the documents, when the read of a format read together is
    refused whole); without it, the vendor's refusal."""
    counter = itertools.count()
    if request.input == "json":
        items: list[batch.Item] = []
        array = len(request.sources) > 1
        for name, data in request.sources:
            whole = open_json(io.BytesIO(data))
            array = array or whole.array
            for item in batch.json_items(name, whole, counter):
                items.append(item)
                if len(items) > MAX_INVOICES:
                    raise _too_many(name)
        return array, items
    together = request.input in READ_TOGETHER
    groups = [request.sources] if together else [[source] for source in request.sources]

    def reads() -> Iterator[Named | batch.Item]:
        for group in groups:
            try:
                yield read(attrs.evolve(request, sources=group), today)
            except Refusal as refusal:
                if (
                    not request.keep_going
                    or refusal.source is None
                    or refusal.error.field.startswith("?")
                ):
                    raise  # the request's own options: no invoice to put it in place of
                yield batch.Item(next(counter), refusal.source, error=refusal.error)

    array, items = batch.vendor_items(reads(), counter)
    if len(items) > MAX_INVOICES:
        raise _too_many(request.sources[0][0])
    return array, items


def _too_many(source: str) -> Refusal:
    error = ParseError(
        "",
        f"holds more than {MAX_INVOICES} invoices, the most one request may; send the rest "
        "in another request (invoicecalc preview takes a batch of any length)",
    )
    return Refusal(error, source)


def preview(request: Request, today: Today) -> tuple[str, list[dt.date], int]:
    """What ``invoicecalc preview --output json`` prints (``--keep-going`` with
    ``request.keep_going``), the as-of dates used and how many invoices were refused:
    without ``keep_going`` the first refusal is raised, as the command's ends it; with
    it each is an error object in its place.

    ``today`` is called once when the query gives no ``as_of``.
    """
    _currency_applies(request)
    today = _once(today)
    array, items = _items(request, today)
    default = None if request.as_of is not None else today()
    settings = batch.Settings(batch.JsonArray(array), default, request.as_of)
    dates: dict[dt.date, None] = {}
    written = refused = 0

    def texts() -> Iterator[str]:  # each written as it comes: only the answer is held
        nonlocal written, refused
        for piece in batch.pieces(items, settings):
            if piece.refusal is not None and not request.keep_going:
                raise Refusal(piece.refusal.placed(), piece.refusal.source)  # as the command's
            written += 1
            refused += piece.refusal is not None
            if piece.as_of is not None:
                dates[piece.as_of] = None
            yield piece.text

    out = io.StringIO()
    batch.write(texts(), settings.renderer.layout, out)
    if written > 1 and not array:
        error = InvalidValueError("totals", "several", "one object needs exactly one invoice")
        raise Refusal(error, None)
    return out.getvalue(), list(dates), refused


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


def check(request: Request, today: Today) -> tuple[dict[str, Any], list[dt.date]]:
    """What ``invoicecalc check`` says, as JSON: per invoice, each stated total and the engine's."""
    today = _once(today)
    documents = read(request, today)
    if sum(len(doc.entries) for _, doc in documents) > MAX_INVOICES:
        raise _too_many(request.sources[0][0])
    results = _calculated(request, documents, today)
    invoices = []
    differs = False
    position = 0
    for source, doc in documents:
        for index, entry in enumerate(doc.entries):
            _, totals = results[position]
            position += 1
            rows = []
            for key, stated, computed in entry.compared(totals):
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


def problem_of(refusal: Refusal) -> dict[str, Any]:
    """One entry of a problem document's ``problems``: invoice index, field, value, problem,
    as a line of ``--errors json`` gives them (:func:`invoicecalc._batch.report`).

    ``invoice`` is the index in the array the field path starts with
    (``[3].lines[0].quantity``), else ``null``; ``value`` is the ``repr`` of
    what was refused (cut at 200 characters), ``null`` when the error names none.
    """
    found = batch.report(refusal.error, source=refusal.source, index=None)
    return {
        "source": found["source"],
        "invoice": found["index"],
        "field": found["field"],
        "value": found["value"],
        "problem": found["problem"],
    }
