"""FreshBooks' two tax slots per line, and the engine's ordered tax list.

FreshBooks 2.1 has no invoice-level taxes: each line names up to two taxes
(``tax1_*`` and ``tax2_*``) with their rates. Whether a tax compounds is not
on the line but on the account's tax (``tax.list`` / ``tax.get``:
``<compound>1</compound>``): a compound tax in the second slot is charged on
the line amount plus the first tax; in the first slot, or alone, it is
charged on the line amount. The engine has one ordered list of taxes where a
compound tax is charged on the earlier taxes a line carries.
:func:`taxes_from_slots` turns the lines' slots and the account's compound
taxes into that list (the reader, and the writer's check of what it wrote);
:func:`slots_for` goes the other way.
"""

from __future__ import annotations

import heapq
from collections.abc import Collection, Sequence
from decimal import Decimal

import attrs

from ..._model import Invoice, LineItem, Tax
from ...errors import InvalidValueError, UnsupportedError

__all__ = ["Slots", "account_taxes", "carried", "slots_for", "taxes_from_slots"]


@attrs.frozen
class Slots:
    """One line's taxes as FreshBooks holds them: ``(name, rate)`` or ``None`` each."""

    tax1: tuple[str, Decimal] | None = None
    tax2: tuple[str, Decimal] | None = None


def carried(invoice: Invoice, line: LineItem) -> list[Tax]:
    """The taxes ``line`` carries, in the invoice's order (the calculator's rule)."""
    if not line.taxable:
        return []
    if not line.taxes:
        return list(invoice.taxes)
    return [tax for tax in invoice.taxes if tax.name in line.taxes]


def account_taxes(invoice: Invoice) -> tuple[Tax, ...]:
    """The account's taxes ``invoice`` needs, as ``tax.create`` writes them.

    FreshBooks' flag is a plain ``0``/``1``: a selective compound tax (a
    tuple of names) is compound there; :func:`slots_for` refuses the lines
    where that would charge it on a tax it leaves out.
    """
    return tuple(Tax(tax.name, tax.rate, bool(tax.compound)) for tax in invoice.taxes)


def slots_for(invoice: Invoice, index: int, line: LineItem) -> Slots:
    """Where ``line``'s taxes go: two at most, in the invoice's order.

    The second is charged on the first exactly when it is compound (the
    account's flag); a selective compound tax whose names leave out the
    line's first tax cannot be written.
    """
    taxes = carried(invoice, line)
    if len(taxes) > 2:
        names = tuple(tax.name for tax in taxes)
        raise UnsupportedError(
            f"lines[{index}].taxes", "FreshBooks carries at most two taxes on a line", names
        )
    if not taxes:
        return Slots()
    if len(taxes) == 1:
        (tax,) = taxes
        return Slots((tax.name, tax.rate))
    first, second = taxes
    if isinstance(second.compound, tuple) and first.name not in second.compound:
        position = invoice.taxes.index(second)
        raise UnsupportedError(
            f"taxes[{position}].compound",
            f"FreshBooks charges a compound second tax on the line's first, and lines[{index}] "
            f"carries {first.name} first, which {second.name} is not charged on",
            second.compound,
        )
    return Slots((first.name, first.rate), (second.name, second.rate))


def taxes_from_slots(
    lines: Sequence[Slots], compound: Collection[str]
) -> tuple[tuple[Tax, ...], list[tuple[str, ...]]]:
    """The invoice's taxes and each line's tax names, from the lines' slots.

    ``compound`` names the account's compound taxes. A line that carries a
    compound tax puts its first tax before its second (a compound second is
    charged on the first; a compound first is charged on neither). The order
    is the order of first appearance, moved only as far as that needs.
    """
    rates: dict[str, Decimal] = {}
    for index, slots in enumerate(lines):
        if slots.tax1 is not None and slots.tax2 is not None and slots.tax1[0] == slots.tax2[0]:
            raise InvalidValueError(f"lines[{index}].tax2_name", slots.tax2[0], "names a tax twice")
        for number, slot in ((1, slots.tax1), (2, slots.tax2)):
            if slot is None:
                continue
            name, rate = slot
            if rates.setdefault(name, rate) != rate:
                raise UnsupportedError(
                    f"lines[{index}].tax{number}_percent",
                    f"{name} has the rate {rates[name]} on an earlier line; "
                    "an invoice's tax has one rate",
                    rate,
                )
    after: dict[str, set[str]] = {name: set() for name in rates}
    waiting = dict.fromkeys(rates, 0)
    for slots in lines:
        if slots.tax1 is None or slots.tax2 is None:
            continue
        first, second = slots.tax1[0], slots.tax2[0]
        if (first in compound or second in compound) and second not in after[first]:
            after[first].add(second)
            waiting[second] += 1
    position = {name: number for number, name in enumerate(rates)}
    ready = [(position[name], name) for name, count in waiting.items() if not count]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        _, name = heapq.heappop(ready)
        order.append(name)
        for later in after[name]:
            waiting[later] -= 1
            if not waiting[later]:
                heapq.heappush(ready, (position[later], later))
    if len(order) < len(rates):
        raise UnsupportedError(
            "lines",
            "the lines carry compound taxes in contradictory orders, "
            "and the engine has one order of taxes",
            tuple(rates),
        )
    taxes = tuple(Tax(name, rates[name], name in compound) for name in order)
    rank = {name: number for number, name in enumerate(order)}
    names = [
        tuple(
            sorted(
                (slot[0] for slot in (slots.tax1, slots.tax2) if slot is not None),
                key=rank.__getitem__,
            )
        )
        for slots in lines
    ]
    return taxes, names
