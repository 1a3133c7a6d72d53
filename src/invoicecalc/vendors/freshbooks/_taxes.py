"""FreshBooks' two tax slots per line, and the engine's ordered tax list.

FreshBooks 2.1 has no invoice-level taxes: each line names up to two taxes
(``tax1_*`` and ``tax2_*``) with their rates, and ``compound_tax`` says that
the second is charged on the line amount plus the first. The engine has one
ordered list of taxes where a compound tax is charged on the earlier taxes a
line carries. :func:`taxes_from_slots` turns the lines' slots into that list
(the reader, and the writer's check of what it wrote); :func:`slots_for`
goes the other way.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from decimal import Decimal

import attrs

from ..._model import Invoice, LineItem, Tax
from ...errors import InvalidValueError, UnsupportedError

__all__ = ["Slots", "carried", "slots_for", "taxes_from_slots"]


@attrs.frozen
class Slots:
    """One line's taxes as FreshBooks holds them: ``(name, rate)`` or ``None`` each."""

    tax1: tuple[str, Decimal] | None = None
    tax2: tuple[str, Decimal] | None = None
    compound: bool = False


def carried(invoice: Invoice, line: LineItem) -> list[Tax]:
    """The taxes ``line`` carries, in the invoice's order (the calculator's rule)."""
    if not line.taxable:
        return []
    if not line.taxes:
        return list(invoice.taxes)
    return [tax for tax in invoice.taxes if tax.name in line.taxes]


def slots_for(invoice: Invoice, index: int, line: LineItem) -> Slots:
    """Where ``line``'s taxes go: two at most; a compound tax alone takes slot 2.

    A compound tax alone on a line is charged on the line amount either way;
    written as FreshBooks' second tax with ``compound_tax`` it keeps its flag.
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
        if tax.compound:
            return Slots(tax2=(tax.name, tax.rate), compound=True)
        return Slots(tax1=(tax.name, tax.rate))
    first, second = taxes
    return Slots((first.name, first.rate), (second.name, second.rate), bool(second.compound))


def taxes_from_slots(lines: Sequence[Slots]) -> tuple[tuple[Tax, ...], list[tuple[str, ...]]]:
    """The invoice's taxes and each line's tax names, from the lines' slots.

    A tax is compound when some line has it second with ``compound_tax``. The
    order is the order of first appearance, moved only as far as compounding
    needs: a line that compounds its second tax puts it after the first; a
    line that does not puts a compound tax before the other one.
    """
    rates: dict[str, Decimal] = {}
    compound: set[str] = set()
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
        if slots.compound and slots.tax2 is not None:
            compound.add(slots.tax2[0])
    after: dict[str, set[str]] = {name: set() for name in rates}
    waiting = dict.fromkeys(rates, 0)
    for index, slots in enumerate(lines):
        if slots.tax1 is None or slots.tax2 is None:
            continue
        first, second = slots.tax1[0], slots.tax2[0]
        if not slots.compound and first in compound and second in compound:
            raise UnsupportedError(
                f"lines[{index}].compound_tax",
                f"both {first} and {second} are compound taxes, but this line does not "
                "compound them: the engine would",
                "0",
            )
        if not slots.compound and second in compound:
            first, second = second, first
        if (slots.compound or first in compound) and second not in after[first]:
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
            "lines", "the lines compound their taxes in contradictory orders", tuple(rates)
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
