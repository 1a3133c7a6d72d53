"""What a file of invoices holds, in any format: its entries and whether they came as an array."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

import attrs

from ._model import Invoice
from .errors import InvoiceCalcError

if TYPE_CHECKING:
    from ._calculate import Totals

__all__ = [
    "Document",
    "Entry",
    "Naming",
    "RefusedEntry",
    "document_of",
    "refused_whole",
    "stated_value",
    "unnamed",
]

#: How a reader of several files names the file an error is about: a context
#: manager per file (the command line's puts the file name before the error).
Naming = Callable[[str], AbstractContextManager[None]]


@contextlib.contextmanager
def unnamed(source: str) -> Iterator[None]:
    """The default :data:`Naming`: ``source`` before an error about a whole document
    (``document 2: is not ...``); an error naming a field is left as it is."""
    try:
        yield
    except InvoiceCalcError as exc:
        if exc.field:
            raise
        raise exc.within(source) from None


@attrs.frozen
class Entry:
    """One invoice read from a document.

    ``as_of`` is the date the document asks for, if any. ``stated`` holds the
    totals a vendor document states, as ``(name, value)`` pairs named after
    :class:`~invoicecalc.Totals` attributes (``"total"``, ``"balance"``, ...),
    a line's amount as ``"lines[2].actual"`` and a tax's as ``"taxes[2].amount"``,
    money in minor units; ``invoicecalc check`` compares them with the engine
    (:meth:`compared`).
    ``id`` is the caller's own identifier of the invoice (the neutral
    document's ``id``), echoed in its totals so that results can be matched
    without relying on their position.
    """

    invoice: Invoice
    as_of: dt.date | None = None
    stated: tuple[tuple[str, object], ...] = ()
    id: str | None = None

    def compared(self, totals: Totals) -> tuple[tuple[str, object, object], ...]:
        """Each stated total beside the engine's, as ``(name, stated, computed)``;
        ``totals`` are this entry's invoice's."""
        return tuple((name, value, stated_value(totals, name)) for name, value in self.stated)


def stated_value(totals: Totals, key: str) -> object:
    """The engine's value of what a vendor states as ``key``: a total's name
    (``"total"``), a line's amount (``"lines[2].actual"``) or a tax's
    (``"taxes[2].amount"``)."""
    for name, items in (("lines[", totals.lines), ("taxes[", totals.taxes)):
        if key.startswith(name):  # lines[2].actual
            index, _, field = key[len(name) :].partition("].")
            return getattr(items[int(index)], field)
    return getattr(totals, key)


@attrs.frozen
class RefusedEntry:
    """An invoice a reader asked to ``keep_going`` refused: its place among all its
    document's invoices (read or refused, from 0), the error that would have stopped
    the read, the vendor's id and number of the invoice when they could be read, and
    ``source``, the file the error is in when it is another than the invoice's own
    (a Cashboard line or payment of the invoice)."""

    place: int
    error: InvoiceCalcError
    id: str | None = None
    number: str | None = None
    source: str | None = None


@attrs.frozen
class Document:
    """What a file held: its invoices, and whether they came as an array.

    ``refused`` is filled only by a vendor reader asked to ``keep_going``: the
    invoices it refused (:class:`RefusedEntry`); ``entries`` are the others, in
    order. A document refused whole is one refusal at place 0 and no entries.
    """

    entries: tuple[Entry, ...]
    array: bool = False
    refused: tuple[RefusedEntry, ...] = ()

    def places(self) -> Iterator[Entry | RefusedEntry]:
        """Every invoice in its place: its entry, or its refusal."""
        refused = {found.place: found for found in self.refused}
        entries = iter(self.entries)
        for place in range(len(self.entries) + len(self.refused)):
            found = refused.get(place)
            yield next(entries) if found is None else found


def refused_whole(
    error: InvoiceCalcError, id: str | None = None, number: str | None = None
) -> Document:
    """A document refused whole, as a reader asked to ``keep_going`` gives it (``id``
    and ``number``: its one invoice's, when they could be read)."""
    return Document((), refused=(RefusedEntry(0, error, id, number),))


def document_of(value: object, entry_of: Callable[[Any], Entry]) -> Document:
    """A parsed JSON value, one object or an array of them, as a :class:`Document`.

    ``entry_of`` reads one object; an error inside an array names its index.
    """
    if isinstance(value, list):
        entries = []
        for index, item in enumerate(value):
            try:
                entries.append(entry_of(item))
            except InvoiceCalcError as exc:
                raise exc.within(f"[{index}]") from None
        return Document(tuple(entries), array=True)
    return Document((entry_of(value),))
