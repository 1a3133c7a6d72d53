"""Reading FreshBooks documents: invoices (and estimates), recurring profiles and taxes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import attrs

from ..._documents import Document, Entry, Naming, RefusedEntry, refused_whole, unnamed
from ..._model import Tax
from ..._recurring import Frequency
from ...errors import InvalidValueError, InvoiceCalcError, UnsupportedError
from . import _schema as fx
from ._model import FbInvoice, known_as, to_entry

__all__ = [
    "Profile",
    "account",
    "holds_recurring",
    "read",
    "read_files",
    "read_recurring",
    "read_taxes",
    "split_files",
]

#: FreshBooks' frequencies: responses write the short codes, requests the words.
_FREQUENCIES = {
    "w": Frequency.WEEKLY,
    "2w": Frequency.TWO_WEEKS,
    "4w": Frequency.FOUR_WEEKS,
    "m": Frequency.MONTHLY,
    "2m": Frequency.TWO_MONTHS,
    "3m": Frequency.THREE_MONTHS,
    "6m": Frequency.SIX_MONTHS,
    "y": Frequency.YEARLY,
    "2y": Frequency.TWO_YEARS,
} | {frequency.value: frequency for frequency in Frequency}


@attrs.frozen
class Profile:
    """One FreshBooks recurring profile: the invoice it makes and when.

    ``entry`` is the template (its date is the first invoice's); ``count`` is
    FreshBooks' ``occurrences``, ``None`` for 0 (until stopped); ``stopped``
    says FreshBooks makes no more invoices from it.
    """

    entry: Entry
    frequency: Frequency
    count: int | None
    stopped: bool


def account(taxes: Iterable[Tax], found: dict[str, Tax] | None = None) -> dict[str, Tax]:
    """The account's taxes by name, added to ``found`` (those of the documents read
    before); a name given twice with other values is refused, by its index in
    ``taxes``."""
    found = {} if found is None else found
    for index, tax in enumerate(taxes):
        if found.setdefault(tax.name, tax) != tax:
            raise InvalidValueError(
                f"taxes[{index}]", tax.name, "is given twice, with another rate or compound flag"
            )
    return found


def _account(taxes: Iterable[Tax] | None) -> Mapping[str, Tax] | None:
    return None if taxes is None else account(taxes)


def read(
    data: bytes | str,
    *,
    base_currency: str = "USD",
    taxes: Iterable[Tax] | None = None,
    only_base: bool = False,
    keep_going: bool = False,
) -> Document:
    """The invoices of an ``invoice.get``/``invoice.list`` response or ``invoice.create`` request.

    Estimates (``estimate.get``, ``estimate.create``, lists) read as invoices.
    ``base_currency`` stands in for a missing ``currency_code`` (FreshBooks
    leaves it out for the account's base currency). ``taxes`` are the
    account's (:func:`read_taxes` of its ``tax.list``): whether a line's
    second tax compounds on its first is the account tax's ``compound``, so
    a line with two taxes is refused without them. Every invoice is read
    with :data:`POLICY`, its due date is its date, and ``paid`` becomes one
    payment on that date. With ``only_base``, an invoice stating another
    ``currency_code`` than ``base_currency`` is refused (the command line's
    ``--currency``). Other requests and responses are refused. With
    ``keep_going``, a refused invoice is in the document's ``refused`` and
    the others are read.
    """
    known = _account(taxes)
    found = fx.parse(data)
    entries = []
    refused = []
    for place, (path, doc) in enumerate(found.invoices):
        try:
            entries.append(to_entry(doc, base_currency, known, only_base=only_base))
        except InvoiceCalcError as exc:
            if not keep_going:
                raise exc.within(path) from None
            refused.append(RefusedEntry(place, exc.within(path), *known_as(doc)))
    return Document(tuple(entries), array=found.array, refused=tuple(refused))


def _profile(
    doc: FbInvoice, base_currency: str, known: Mapping[str, Tax] | None, only_base: bool
) -> Profile:
    text = (doc.frequency or "").strip()
    if text not in _FREQUENCIES:
        raise InvalidValueError(
            "frequency", doc.frequency, "must be one of " + ", ".join(sorted(_FREQUENCIES))
        )
    occurrences = (doc.occurrences or "").strip() or "0"  # FreshBooks' default: 0, infinite
    if not occurrences.isdecimal() or not occurrences.isascii():
        raise InvalidValueError("occurrences", doc.occurrences, "must be a whole number")
    stopped = (doc.stopped or "").strip() or "0"
    if stopped not in ("0", "1"):
        raise InvalidValueError("stopped", doc.stopped, "must be 0 or 1")
    count = int(occurrences) or None
    entry = to_entry(doc, base_currency, known, only_base=only_base)
    return Profile(entry, _FREQUENCIES[text], count, stopped == "1")


def read_recurring(
    data: bytes | str,
    *,
    base_currency: str = "USD",
    taxes: Iterable[Tax] | None = None,
    only_base: bool = False,
) -> tuple[tuple[Profile, ...], bool]:
    """The recurring profiles of a ``recurring.get``/``recurring.list`` response or
    a ``recurring.create`` request, and whether they came as a list.

    Each template reads as :func:`read` reads an invoice; ``frequency`` is
    FreshBooks' short code (``m``, ``2w``, ``y``, ...) or its request word
    (``monthly``, ``2 weeks``), ``occurrences`` 0 (the default) recurs until
    stopped.
    """
    known = _account(taxes)
    found = fx.parse_recurring(data)
    profiles = []
    for path, doc in found.invoices:
        try:
            profiles.append(_profile(doc, base_currency, known, only_base))
        except InvoiceCalcError as exc:
            raise exc.within(path) from None
    return tuple(profiles), found.array


def split_files(
    sources: Sequence[tuple[str, bytes | str]], *, naming: Naming = unnamed
) -> tuple[tuple[Tax, ...] | None, list[tuple[str, bytes | str]]]:
    """The account's taxes from the tax documents among ``sources`` (``tax.list``,
    ``tax.get``, ``tax.create``; ``None`` when there is none), and the other sources.

    A tax named in two documents with another rate or flag is refused.
    """
    taxes: list[Tax] | None = None
    known: dict[str, Tax] = {}
    rest = []
    for name, data in sources:
        with naming(name):
            if fx.kind_of(data) == "taxes":
                found = read_taxes(data)
                account(found, known)  # its own index named, in the file named
                taxes = [*(taxes or ()), *found]
                continue
        rest.append((name, data))
    return (None if taxes is None else tuple(taxes)), rest


def read_files(
    sources: Sequence[tuple[str, bytes | str]],
    *,
    base_currency: str | None = None,
    naming: Naming = unnamed,
    keep_going: bool = False,
) -> list[tuple[str, Document]]:
    """FreshBooks documents read together: the account's tax lists (in any order)
    and one :class:`Document` per other file, read with those taxes.

    ``base_currency`` stands in for a missing ``currency_code``, and then an
    invoice stating another is refused; without it a missing one is USD.
    Tax lists alone are refused: they hold no invoice. With ``keep_going``, a
    refused invoice is in its document's ``refused``, and so is a refused file
    of invoices, whole; a refused tax list still refuses the read (any invoice
    may need it).
    """
    taxes, rest = split_files(sources, naming=naming)
    if not rest:
        raise UnsupportedError("", "holds only tax lists: give the invoices beside them")
    documents = []
    for name, data in rest:
        with naming(name):
            try:
                held = read(
                    data,
                    base_currency=base_currency or "USD",
                    taxes=taxes,
                    only_base=base_currency is not None,
                    keep_going=keep_going,
                )
            except InvoiceCalcError as exc:
                if not keep_going:
                    raise
                held = refused_whole(exc)
        documents.append((name, held))
    return documents


def holds_recurring(data: bytes | str) -> bool:
    """Whether ``data`` is a ``recurring.get``/``recurring.list`` response or a
    ``recurring.create`` request (read it with :func:`read_recurring`)."""
    return fx.kind_of(data) == "recurring"


def read_taxes(data: bytes | str) -> tuple[Tax, ...]:
    """The taxes (name, rate, compound) of a ``tax.list``/``tax.get`` response or a
    ``tax.create`` request."""
    return fx.parse_taxes(data)
