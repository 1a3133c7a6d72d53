"""Estimates: an invoice whose lines give a quantity range, priced at both ends.

A line's low quantity is its ``quantity_low``, or its ``quantity`` when that
is missing. Its high quantity is its ``quantity_high``, or the low quantity
when that is missing or 0: Cashboard stores a blank ``quantity_high`` as
``0.0`` and prices such a line's worst case at the low quantity (its estimate
"Auctions Redesign" states the same best and worst totals). A high quantity
below the low one is refused rather than guessed at.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

import attrs

from ._calculate import Totals, calculate
from ._checks import check_date
from ._model import Invoice, LineItem
from ._terms import redate
from .errors import InvalidTypeError, InvalidValueError, InvoiceCalcError

__all__ = ["Bound", "EstimateTotals", "accept_estimate", "estimate"]


class Bound(enum.StrEnum):
    """Which end of an estimate's quantity ranges: Cashboard's best or worst case."""

    LOW = "low"
    HIGH = "high"


@attrs.frozen
class EstimateTotals:
    """The calculator's totals of an estimate at its low and high quantities."""

    low: Totals
    high: Totals


def _quantities(line: LineItem, index: int) -> tuple[Decimal, Decimal]:
    low = line.quantity if line.quantity_low is None else line.quantity_low
    high = line.quantity_high
    if high is None or high == 0:
        return low, low
    if high < low:
        raise InvalidValueError(
            f"lines[{index}].quantity_high", high, f"is below the low quantity {low}"
        )
    return low, high


def accept_estimate(
    estimate: Invoice, bound: Bound, *, invoice_date: dt.date | None = None
) -> Invoice:
    """The invoice an accepted ``estimate`` becomes, every line at ``bound``.

    The lines keep everything but their range: ``quantity`` is the bound's
    quantity and ``quantity_low`` / ``quantity_high`` are cleared. With
    ``invoice_date`` the invoice is dated that day, its due date from its terms
    (or as many days after as the estimate's).

    >>> from invoicecalc import Currency, Invoice, LineItem
    >>> line = LineItem(quantity_low=Decimal(2), quantity_high=Decimal(10))
    >>> est = Invoice(Currency("USD"), dt.date(2024, 3, 1), dt.date(2024, 3, 31), lines=[line])
    >>> accept_estimate(est, Bound.HIGH).lines[0].quantity
    Decimal('10')
    """
    if not isinstance(estimate, Invoice):
        raise InvalidTypeError("estimate", estimate, "must be an Invoice")
    if not isinstance(bound, Bound):
        raise InvalidTypeError("bound", bound, "must be a Bound")
    if invoice_date is not None:
        check_date(invoice_date, "invoice_date")
    lines = []
    for index, line in enumerate(estimate.lines):
        low, high = _quantities(line, index)
        quantity = low if bound is Bound.LOW else high
        lines.append(attrs.evolve(line, quantity=quantity, quantity_low=None, quantity_high=None))
    try:
        invoice = attrs.evolve(estimate, lines=lines)
    except InvoiceCalcError as exc:  # a discount amount more than what it comes off there
        raise exc.when(f"at the estimate's {bound} quantities") from None
    return invoice if invoice_date is None else redate(invoice, invoice_date)


def estimate(invoice: Invoice, *, as_of: dt.date) -> EstimateTotals:
    """The totals of ``invoice`` at its low and at its high quantities, as of ``as_of``.

    Both come from :func:`~invoicecalc.calculate` on :func:`accept_estimate`'s
    invoices, so a bound's totals are exactly those of the invoice it becomes.
    """
    return EstimateTotals(
        low=calculate(accept_estimate(invoice, Bound.LOW), as_of=as_of),
        high=calculate(accept_estimate(invoice, Bound.HIGH), as_of=as_of),
    )
