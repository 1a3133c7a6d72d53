"""Batches that survive bad input: each invoice read, calculated and written on its own.

A batch is a stream of :class:`Item` (one invoice not yet read: its JSON
text, or an entry a vendor reader read); :func:`work` turns each into a
:class:`Piece`, the text written for it: its totals, or, when it is refused,
an error object in its place (a :class:`Refusal`). :func:`pieces` does that
in input order, in this process or spread over several (``--jobs``), holding
only a bounded number of invoices at once. ``invoicecalc preview`` and
``invoicecalc.dask`` both use it, so they write the same bytes.
"""

from __future__ import annotations

import collections
import datetime as dt
import itertools
import json
import multiprocessing
import re
import signal
from collections.abc import Generator, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Protocol

import attrs

from . import document
from ._calculate import Totals, calculate
from ._documents import Document, Entry
from ._parse import parse_json, string
from ._stream import JsonDocument
from .errors import InvalidValueError, InvoiceCalcError, ParseError, value_repr

__all__ = [
    "CHUNK",
    "JSON_LINES",
    "Item",
    "JsonArray",
    "JsonLines",
    "Layout",
    "Piece",
    "Refusal",
    "Renderer",
    "Settings",
    "json_items",
    "outcome",
    "pieces",
    "report",
    "value_text",
    "vendor_items",
    "work",
    "write",
]

#: The index a field of an array's invoice starts with: ``[3].`` (or ``[3]`` alone).
_PLACE = re.compile(r"\[(\d+)\](?:\.|$)")
#: Invoices sent to a worker process at a time.
CHUNK = 200
_VALUE_LIMIT = 200


def value_text(value: object) -> str | None:
    """What an error shows of the refused value: its ``repr`` (cut at 200 characters),
    ``None`` when the error names no value or the value is absent (a required key)."""
    if value is None or type(value) is object:  # object(): the errors' "no value" marker
        return None
    text = value_repr(value)
    return text if len(text) <= _VALUE_LIMIT else text[: _VALUE_LIMIT - 3] + "..."


def _text_or_none(value: str | None) -> str | None:
    """An echoed id or number, or ``None`` when it is not text that can be written (a
    lone surrogate: the very thing the invoice may be refused for)."""
    try:
        return None if value is None else string(value, "id")
    except InvoiceCalcError:
        return None


def report(
    error: InvoiceCalcError,
    *,
    source: str | None,
    index: int | None,
    id: str | None = None,
    number: str | None = None,
) -> dict[str, Any]:
    """One refusal as ``--errors json`` writes it: where, which invoice, what.

    Without an ``index``, a field that starts with one (``[1].lines[0].quantity``,
    an array read whole) gives it, as a batch's refusal does.
    """
    field = error.shown_field
    if index is None and (found := _PLACE.match(field)):
        index, field = int(found.group(1)), field[found.end() :]
    return {
        "source": source,
        "index": index,
        "id": _text_or_none(id),
        "number": _text_or_none(number),
        "field": field,
        "value": value_text(error.value),
        "problem": error.shown_problem,
    }


@attrs.frozen
class Item:
    """One invoice of a batch, not yet read.

    ``text`` is its JSON (an element of an array, a line of JSON Lines, a
    whole document); ``entry`` an invoice a vendor reader already read;
    ``error`` a refusal met before it could be told apart (the array
    stopped being JSON there), or a vendor reader's refusal of the invoice,
    with the ``id`` and ``number`` it is known by. ``within`` is its index in
    its file's array and ``line`` its line in a JSON Lines file, for messages.
    """

    index: int
    source: str
    text: str | bytes | None = None
    entry: Entry | None = None
    error: InvoiceCalcError | None = None
    within: int | None = None
    line: int | None = None
    id: str | None = None  # what a refused vendor invoice is known by
    number: str | None = None


def json_items(source: str, document: JsonDocument, counter: Iterator[int]) -> Iterator[Item]:
    """One item for a whole JSON document, else one for each element of its array (and,
    where the array stops being JSON, one refused item), numbered from ``counter``."""
    if document.elements is None:
        yield Item(next(counter), source, text=document.whole)
        return
    for within, element in enumerate(document.elements):
        if isinstance(element, ParseError):  # the array is not JSON from here on
            yield Item(next(counter), source, error=element, within=within)
        else:
            yield Item(next(counter), source, text=element, within=within)


def vendor_items(
    reads: Iterable[Sequence[tuple[str, Document]] | Item], counter: Iterator[int]
) -> tuple[bool, list[Item]]:
    """Whether vendor documents answer as an array, and one item for each invoice they
    hold: ``reads`` gives what each file (or group of files read together) held, or the
    refused item that stands for it (numbered from ``counter`` when it was refused).
    An invoice a reader refused (``Document.refused``) is a refused item in its place;
    its error already names where it sits in its document."""
    items: list[Item] = []
    array, documents = False, 0
    for read in reads:
        if isinstance(read, Item):
            items.append(read)
            documents += 1
            continue
        documents += len(read)
        for source, held in read:
            array = array or held.array
            for within, found in enumerate(held.places()):
                if isinstance(found, Entry):
                    place = within if held.array else None
                    items.append(Item(next(counter), source, entry=found, within=place))
                else:
                    items.append(
                        Item(
                            next(counter),
                            found.source or source,
                            error=found.error,
                            id=found.id,
                            number=found.number,
                        )
                    )
    return array or documents > 1, items


@attrs.frozen
class Refusal:
    """A refused invoice: the error, and what is known of the invoice."""

    index: int
    source: str
    error: InvoiceCalcError
    id: str | None = None
    number: str | None = None
    within: int | None = None
    line: int | None = None

    def fields(self) -> dict[str, Any]:
        """The error object's keys; ``line`` too for an invoice of JSON Lines."""
        fields = report(self.error, source=None, index=self.index, id=self.id, number=self.number)
        del fields["source"]
        if self.line is not None:
            fields["line"] = self.line
        return fields

    def error_object(self) -> dict[str, Any]:
        """What is written in the invoice's place: ``{"error": {...}}``."""
        return {"error": self.fields()}

    def report(self) -> dict[str, Any]:
        """The line ``--errors json`` writes: ``source`` and the error object's keys."""
        return {"source": self.source, **self.fields()}

    def placed(self) -> InvoiceCalcError:
        """The error as its file's reader names it: with the invoice's index in its
        file's array before the field (``[1].lines[0].quantity``)."""
        return self.error if self.within is None else self.error.within(f"[{self.within}]")

    def message(self) -> str:
        """The one line of text that names the file (and line) and the field."""
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.placed()}"


class Renderer(Protocol):
    """The text written for each invoice (an ``--output`` format that is written
    piece by piece); instances are pickled to worker processes."""

    @property
    def layout(self) -> Layout: ...

    def result(self, index: int, entry: Entry, totals: Totals) -> str: ...

    def refusal(self, refusal: Refusal) -> str: ...


@attrs.frozen
class Layout:
    """How the pieces are joined: before the first, between two, after the last, or
    ``empty`` alone when there are none."""

    start: str = ""
    between: str = "\n"
    end: str = "\n"
    empty: str = ""


def _compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@attrs.frozen
class JsonLines:
    """``--output jsonl``: one compact totals object (or error object) per line."""

    @property
    def layout(self) -> Layout:
        return Layout()

    def result(self, index: int, entry: Entry, totals: Totals) -> str:
        return document.totals_json(totals, entry, compact=True)

    def refusal(self, refusal: Refusal) -> str:
        return _compact(refusal.error_object())


JSON_LINES = JsonLines()


@attrs.frozen
class JsonArray:
    """``--output json``: the totals document, an element at a time (the bytes of
    ``document.dumps(..., indent=2)``)."""

    array: bool = True

    @property
    def layout(self) -> Layout:
        if self.array:
            return Layout(start="[\n", between=",\n", end="\n]\n", empty="[]\n")
        return Layout()

    def _placed(self, text: str) -> str:
        """``text`` one level in when it is an element of the array."""
        return "  " + text.replace("\n", "\n  ") if self.array else text

    def result(self, index: int, entry: Entry, totals: Totals) -> str:
        return self._placed(document.totals_json(totals, entry, indent=2))

    def refusal(self, refusal: Refusal) -> str:
        return self._placed(json.dumps(refusal.error_object(), indent=2, ensure_ascii=False))


@attrs.frozen
class Settings:
    """What every invoice of a batch is calculated and written with."""

    renderer: Renderer
    today: dt.date | None  # for an invoice without an as_of (None: it is refused)
    as_of: dt.date | None = None  # wins over each invoice's own as_of


@attrs.frozen
class Piece:
    """The text written for one invoice, and its refusal when it was refused, else the
    date its totals stand on."""

    index: int
    text: str
    refusal: Refusal | None = None
    as_of: dt.date | None = None


def _echoed(value: object, key: str) -> str | None:
    echoed = value.get(key) if isinstance(value, dict) else None
    return echoed if isinstance(echoed, str) else None


def outcome(
    item: Item, *, today: dt.date | None, as_of: dt.date | None = None
) -> tuple[Entry, Totals] | Refusal:
    """One invoice read and calculated on ``as_of`` (else its own, else ``today``),
    or its refusal (one with no date at all is refused too)."""
    value: object = None
    entry = item.entry
    try:
        if item.error is not None:
            raise item.error
        if entry is None:
            assert item.text is not None
            value = parse_json(item.text)
            entry = document.invoice_from_dict(value)
        when = as_of or entry.as_of or today
        if when is None:
            raise InvalidValueError(
                "as_of", None, "is needed: give one in the document or the call"
            )
        return entry, calculate(entry.invoice, as_of=when)
    except InvoiceCalcError as exc:
        return Refusal(
            item.index,
            item.source,
            exc,
            id=entry.id if entry is not None else item.id or _echoed(value, "id"),
            number=entry.invoice.number
            if entry is not None
            else item.number or _echoed(value, "number"),
            within=item.within,
            line=item.line,
        )


def work(item: Item, settings: Settings) -> Piece:
    """One invoice read, calculated and written; a refusal written in its place."""
    found = outcome(item, today=settings.today, as_of=settings.as_of)
    if isinstance(found, Refusal):
        return Piece(item.index, settings.renderer.refusal(found), found)
    entry, totals = found
    return Piece(
        item.index, settings.renderer.result(item.index, entry, totals), as_of=totals.as_of
    )


def _work_all(items: list[Item], settings: Settings) -> list[Piece]:
    return [work(item, settings) for item in items]


def _context() -> Any:
    """Worker processes started afresh (forkserver where there is one): forking a
    process that runs threads (a progress bar's) is unsafe."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _quiet_interrupt() -> None:
    """A worker leaves Ctrl-C to the command, which stops them all (no traceback each)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def pieces(
    items: Iterable[Item], settings: Settings, *, jobs: int = 1
) -> Generator[Piece, None, None]:
    """Each item's piece, in input order; with ``jobs`` > 1 spread over that many
    processes in chunks of :data:`CHUNK`, at most two chunks a process in flight (a
    batch of one chunk or less is worked here: starting processes would cost more).

    A worker process that dies (killed, out of memory) raises
    :class:`concurrent.futures.process.BrokenProcessPool` here, rather than leaving
    the batch waiting for it.
    """
    iterator = iter(items)
    # One item past the first chunk, to know whether there is more than one chunk.
    first = list(itertools.islice(iterator, CHUNK + 1)) if jobs > 1 else []
    if jobs <= 1 or len(first) <= CHUNK:
        for item in itertools.chain(first, iterator):
            yield work(item, settings)
        return
    iterator = itertools.chain(first[CHUNK:], iterator)
    pool = ProcessPoolExecutor(jobs, mp_context=_context(), initializer=_quiet_interrupt)
    try:
        pending: collections.deque[Future[list[Piece]]] = collections.deque()
        chunk = first[:CHUNK]
        while chunk:
            pending.append(pool.submit(_work_all, chunk, settings))
            if len(pending) >= 2 * jobs:
                yield from pending.popleft().result()
            chunk = list(itertools.islice(iterator, CHUNK))
        while pending:
            yield from pending.popleft().result()
    finally:
        pool.shutdown(cancel_futures=True)


class _Text(Protocol):
    def write(self, text: str, /) -> Any: ...


def write(texts: Iterable[str], layout: Layout, out: _Text) -> None:
    """Each text written to ``out`` as it comes, joined as ``layout`` says."""
    first = True
    for text in texts:
        out.write((layout.start if first else layout.between) + text)
        first = False
    out.write(layout.empty if first else layout.end)
