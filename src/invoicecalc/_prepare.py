"""What the calculator needs from an invoice, worked out once when it is built.

Everything here depends on the invoice alone, never on the date it is
looked at: each line's cost, markup, own discount and net; the document
discount amount's allocation over the lines; and each tax's exact amount as
a ratio of the discounted nets. :func:`~invoicecalc.calculate` then applies
the (early-payment) discount rate, rounds, and adds up.

This module knows nothing of the value types: the model hands it plain
numbers (:class:`LineTerms`, :class:`TaxTerms`) and keeps the
:class:`Prepared` result as ``Invoice.prepared``, the documented interface
between the model and the calculator.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import NamedTuple

import attrs

from ._money import LIMIT, ROUNDERS, Currency, Rounding, allocation
from ._trace import Trace
from .errors import InvalidValueError

__all__ = ["LineTax", "LineTerms", "Prepared", "TaxTerms", "check_amount", "prepare"]


def check_amount(amount: int, field: str) -> int:
    """``amount`` if it is inside the supported range (below 10**18 minor units)."""
    if -LIMIT < amount < LIMIT:
        return amount
    raise InvalidValueError(field, amount, "is beyond the supported 10**18 minor units")


class LineTerms(NamedTuple):
    """One line as plain numbers: ``quantity * unit_price == cost_num / cost_den``."""

    cost_num: int
    cost_den: int
    flat_fee: int
    markup_num: int  # markup_percentage / 100 == markup_num / markup_den
    markup_den: int
    taxable: bool
    discount_num: int  # discount_percentage / 100 == discount_num / discount_den
    discount_den: int
    discount_amount: int | None


class TaxTerms(NamedTuple):
    """One tax as plain numbers: ``rate / 100 == rate_num / rate_den`` (negative to withhold)."""

    rate_num: int
    rate_den: int
    #: The positions of the earlier taxes in this tax's compound base (every
    #: earlier non-withholding tax for ``compound=True``); a line counts only
    #: those it carries.
    base: tuple[int, ...]


#: One tax a line carries, for per-line rounding: ``(position, num, den, base)``:
#: ``base`` holds the positions of the line's earlier taxes in its compound base;
#: ``num / den`` is the signed rate, or with tax-inclusive prices the tax's share
#: of the line's gross, ``c_j / F``.
LineTax = tuple[int, int, int, tuple[int, ...]]


@attrs.frozen
class Prepared:
    """An invoice's date-independent amounts, in integer minor units.

    ``lines`` holds each line's ``(cost, markup, actual, discount, net)``.
    ``discounted[i]`` is line i's net less its share of the document discount
    amount (pre-tax; post-tax it is the net): what the percentage discount
    and the taxes work on. Per document, ``tax_sums[j]`` and ``base_sums[j]``
    are tax j's exact amount and base over the invoice, as ``(num, den)``,
    before the percentage discount. Per line, ``line_taxes[i]`` lists the
    taxes line i carries (see :data:`LineTax`).
    """

    lines: tuple[tuple[int, int, int, int, int], ...]
    item_cost: int
    item_profit: int
    item_actual: int
    item_taxable: int
    line_discount: int
    discounted: tuple[int, ...]
    discounted_total: int
    tax_sums: tuple[tuple[int, int], ...]
    base_sums: tuple[tuple[int, int], ...]
    line_taxes: tuple[tuple[LineTax, ...], ...]
    #: The payments as ``(date ordinal, amount)``, oldest first.
    payments_by_day: tuple[tuple[int, int], ...]


def _line_refused(index: int, fixed: int, actual: int, currency: Currency) -> None:
    """Raise the error of line ``index`` whose discount amount is more than its amount."""
    raise InvalidValueError(
        f"lines[{index}].discount_amount",
        currency.format(fixed),
        f"is more than the line's amount of {currency.format(abs(actual))}",
    )


def _trace_line(
    trace: Trace,
    index: int,
    line: LineTerms,
    amounts: tuple[int, int, int, int, int],
    rounding: Rounding,
) -> None:
    """Line ``index``'s steps, recorded on ``trace``."""
    cost, markup, actual, discount, net = amounts
    trace.line(
        index,
        (line.flat_fee, line.cost_num, line.cost_den, cost),
        (cost * line.markup_num, line.markup_den, markup) if line.markup_num else None,
        actual,
        None
        if line.discount_amount is None and not line.discount_num
        else ("amount", 0, 1, discount)
        if line.discount_amount is not None
        else ("percentage", actual * line.discount_num, line.discount_den, discount),
        net,
        rounding,
    )


def _coefficients(
    carried: tuple[int, ...], taxes: Sequence[TaxTerms], scale: int, inclusive: bool
) -> tuple[int, list[tuple[int, int, int]]]:
    """``(den, [(position, tax, base), ...])``: each tax the line carries and its base
    as ``tax / den`` and ``base / den`` times the line's net.

    A tax is ``rate * (1 + the earlier taxes in its base)`` of the net. ``scale``
    (the product of every rate's denominator) makes each of them a whole number
    over ``den = scale``: the rates' denominators divide it all along the chain.
    With tax-inclusive prices both are divided by ``F = 1 + every tax``
    (``den = scale * F``), so that they are multiples of the gross.
    """
    tax_of: dict[int, int] = {}
    found = []
    for j in carried:
        terms = taxes[j]
        base = scale + sum(tax_of[k] for k in terms.base if k in tax_of)
        tax_of[j] = base * terms.rate_num // terms.rate_den  # exact, see above
        found.append((j, tax_of[j], base))
    return (scale + sum(tax_of.values()) if inclusive else scale), found


def _add(ratio: tuple[int, int], num: int, den: int) -> tuple[int, int]:
    """``ratio + num / den``, both ``(num, den)``; a shared denominator stays as it is."""
    have, over = ratio
    if over == den or not have:
        return have + num, den
    return have * den + num * over, over * den


def prepare(
    currency: Currency,
    lines: Sequence[LineTerms],
    carried: Sequence[tuple[int, ...]],
    taxes: Sequence[TaxTerms],
    *,
    rounding: Rounding,
    per_line: bool,
    pre_tax: bool,
    inclusive: bool,
    discount_amount: int,
    payments: Sequence[tuple[int, int]],
    trace: Trace | None = None,
    names: Sequence[str] = (),
) -> Prepared:
    """Work out an invoice's :class:`Prepared` amounts; refuses what cannot be.

    ``currency`` only writes the amounts of those refusals. With a ``trace``,
    every step is recorded on it (``names`` are the taxes' names, for its text).
    """
    if payments:
        _paid_within(payments)
    # One pass over the lines (this runs for every invoice built): each line's
    # (cost, markup, actual, discount, net) and the sums of them.
    rounder = ROUNDERS[rounding]
    rows: list[tuple[int, int, int, int, int]] = []
    nets: list[int] = []
    add_row, add_net = rows.append, nets.append
    low, high = -LIMIT, LIMIT  # locals: a global's negation is a new int each time
    item_cost = item_profit = item_taxable = line_discount = positive = 0
    for index, line in enumerate(lines):
        num, den, flat_fee, markup_num, markup_den, taxable, discount_num, discount_den, fixed = (
            line
        )
        cost = flat_fee + (num if den == 1 else rounder(num, den))
        if not low < cost < high:
            check_amount(cost, f"lines[{index}].cost")
        markup = rounder(cost * markup_num, markup_den) if markup_num else 0
        actual = cost + markup
        if not low < actual < high:
            check_amount(actual, f"lines[{index}].actual")
        if fixed is not None:
            if fixed > (actual if actual >= 0 else -actual):
                _line_refused(index, fixed, actual, currency)
            discount = fixed if actual > 0 else -fixed
        elif discount_num:
            discount = rounder(actual * discount_num, discount_den)
        else:
            discount = 0
        net = actual - discount
        row = (cost, markup, actual, discount, net)
        if trace is not None:
            _trace_line(trace, index, line, row, rounding)
        add_row(row)
        add_net(net)
        item_cost += cost
        item_profit += markup
        if taxable:
            item_taxable += actual
        line_discount += discount
        if net > 0:
            positive += net
    amounts = tuple(rows)
    if trace is not None:
        _trace_sums(trace, amounts, lines, (item_cost, item_profit, item_taxable, line_discount))
    if discount_amount > positive:
        raise InvalidValueError(
            "discount_amount",
            currency.format(discount_amount),
            f"is more than the lines' positive amounts, {currency.format(positive)}",
        )
    discounted = nets
    if pre_tax and discount_amount:
        weights = [max(net, 0) for net in nets]
        shares, floors, remainders, extra = allocation(discount_amount, weights)
        discounted = [net - share for net, share in zip(nets, shares, strict=True)]
        if trace is not None:
            trace.allocation(discount_amount, nets, weights, floors, remainders, extra, shares)

    scale = 1
    for terms in taxes:
        scale *= terms.rate_den
    groups = {
        carries: _coefficients(carries, taxes, scale, inclusive)
        for carries in dict.fromkeys(carried)
        if carries
    }

    if trace is not None:
        trace.policy(
            per_line,
            inclusive,
            [
                trace.inclusive_factor(
                    "+".join(names[k] for k in carries), names[j], Fraction(tax, den)
                )
                for carries, (den, coefficients) in groups.items()
                for j, tax, _ in coefficients
            ],
        )
    tax_sums: tuple[tuple[int, int], ...] = ()
    base_sums: tuple[tuple[int, int], ...] = ()
    line_taxes: tuple[tuple[LineTax, ...], ...] = ()
    if per_line:
        per_group: dict[tuple[int, ...], tuple[LineTax, ...]] = {(): ()}
        for carries, (den, coefficients) in groups.items():
            per_group[carries] = tuple(
                (
                    j,
                    tax if inclusive else taxes[j].rate_num,
                    den if inclusive else taxes[j].rate_den,
                    tuple(k for k in taxes[j].base if k in carries),
                )
                for j, tax, _ in coefficients
            )
        line_taxes = tuple(per_group[carries] for carries in carried)
    else:
        totals: dict[tuple[int, ...], int] = {}
        for carries, net in zip(carried, discounted, strict=True):
            if carries:
                totals[carries] = totals.get(carries, 0) + net
        # Each sum as (num, den); tax-exclusive every group shares den == scale.
        sums = [(0, 1)] * len(taxes)
        bases = [(0, 1)] * len(taxes)
        if trace is not None:
            for index, (carries, net) in enumerate(zip(carried, discounted, strict=True)):
                if carries:
                    den, coefficients = groups[carries]
                    for j, tax, base in coefficients:
                        trace.tax_line(
                            index, j, names[j], net, Fraction(tax, den), Fraction(base, den)
                        )
        for carries, total in totals.items():
            den, coefficients = groups[carries]
            for j, tax, base in coefficients:
                sums[j] = _add(sums[j], total * tax, den)
                bases[j] = _add(bases[j], total * base, den)
        tax_sums, base_sums = tuple(sums), tuple(bases)

    return Prepared(
        lines=amounts,
        item_cost=check_amount(item_cost, "item_cost"),
        item_profit=check_amount(item_profit, "item_profit"),
        item_actual=check_amount(item_cost + item_profit, "item_actual"),
        item_taxable=item_taxable,
        line_discount=line_discount,
        discounted=tuple(discounted),
        discounted_total=check_amount(sum(discounted), "subtotal"),
        tax_sums=tax_sums,
        base_sums=base_sums,
        line_taxes=line_taxes,
        payments_by_day=tuple(sorted(payments)),
    )


def _paid_within(payments: Sequence[tuple[int, int]]) -> None:
    """Every payment, and all of them together (refunds counted as money too, so that
    any sum of them up to a date is inside), within the supported range."""
    if len(payments) == 1 and -LIMIT < payments[0][1] < LIMIT:
        return
    for index, (_, amount) in enumerate(payments):
        check_amount(amount, f"payments[{index}].amount")
    check_amount(sum(abs(amount) for _, amount in payments), "payment_total")


def _trace_sums(
    trace: Trace,
    amounts: Sequence[tuple[int, int, int, int, int]],
    lines: Sequence[LineTerms],
    sums: tuple[int, int, int, int],
) -> None:
    """The line sums the calculator reports, recorded: ``item_cost``, ``item_profit``, ...."""
    summed = "item_cost, item_profit and item_actual are the sums"
    taxable = [a[2] for a, line in zip(amounts, lines, strict=True) if line.taxable]
    for id, section, rule, parts, total in (
        ("item_cost", "Lines", summed, [a[0] for a in amounts], sums[0]),
        ("item_profit", "Lines", summed, [a[1] for a in amounts], sums[1]),
        ("item_actual", "Lines", summed, [a[2] for a in amounts], sums[0] + sums[1]),
        (
            "item_taxable",
            "Lines",
            "item_taxable sums actual over taxable lines (whether or not a tax is defined)",
            taxable,
            sums[2],
        ),
        (
            "line_discount",
            "Line discounts",
            "line_discount is the sum over the lines",
            [a[3] for a in amounts],
            sums[3],
        ),
    ):
        trace.summed(id, section, rule, parts, total)
