"""The invoice a Kashoo record can hold, with every total of the original.

A Kashoo invoice is lines (quantity times rate), taxes and payments; it has no
markup, flat fee, discount, early-payment or late-fee terms and no rounding
policy. :func:`canonical` rewrites an invoice into that shape as it stands on
a date: a flat fee, a markup and a line's own discount become lines of their
own, a document discount one or more negative lines (one per set of carried
taxes, :func:`discount_splits`), the cash rounding and accrued late fees
untaxed lines. It then recomputes the result under Kashoo's implied policy
(``half_up``, ``per_document``) and refuses, naming the concept, whenever a
total would differ.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Iterator, Sequence
from decimal import Decimal
from fractions import Fraction

import attrs

from ..._calculate import Totals, calculate
from ..._model import DiscountBase, Invoice, LineItem, Policy, TaxRounding
from ..._money import NO_AMOUNT, Currency, Price, Rounding, allocate, round_div
from ...errors import InvoiceCalcError, UnsupportedError
from ._schema import TAX_CODE_SEPARATOR

__all__ = [
    "MAX_ROUNDINGS",
    "POLICY",
    "canonical",
    "discount_splits",
    "line_taxes",
    "shape",
    "tax_code",
    "tax_code_names",
]

#: The policy Kashoo's records imply: they carry none and are read with the default.
POLICY = Policy()


def line_taxes(carried: Sequence[str], names: Sequence[str]) -> tuple[bool, tuple[str, ...]]:
    """``(taxable, taxes)`` of a line that carries the taxes ``carried``, in canonical form.

    A Kashoo line lists the taxes it carries and nothing else, so: an empty
    list is an untaxed line (taxable when the invoice defines no tax at all);
    every tax of the invoice is a taxable line naming none; otherwise the
    names, in the invoice's order.

    >>> line_taxes([], ["GST"]), line_taxes(["GST"], ["GST"]), line_taxes([], [])
    ((False, ()), (True, ()), (True, ()))
    """
    ordered = tuple(name for name in names if name in carried)
    if not names:
        return True, ()
    if not ordered:
        return False, ()
    return True, (() if ordered == tuple(names) else ordered)


def tax_code_names(code: str, names: Sequence[str]) -> tuple[str, ...] | None:
    """The taxes a line's ``taxCode`` names: none for ``""``, one tax's name, or names
    joined by ``+``; ``None`` when that is not what the code holds.

    >>> tax_code_names("", ["GST"]), tax_code_names("GST+PST", ["GST", "PST"])
    ((), ('GST', 'PST'))
    """
    if not code:
        return ()
    if code in names:
        return (code,)
    parts = tuple(code.split(TAX_CODE_SEPARATOR))
    if all(part in names for part in parts) and len(set(parts)) == len(parts):
        return parts
    return None


def tax_code(carried: tuple[str, ...], names: tuple[str, ...]) -> str:
    """A line's ``taxCode``: ``""`` for none, else the carried names joined by ``+``.

    Refused when the code would read back as other taxes: a carried name holding
    ``+``, or another of the invoice's taxes named as the carried ones joined.
    """
    code = TAX_CODE_SEPARATOR.join(carried)
    if carried and tax_code_names(code, names) != carried:
        name = next(name for name in (*carried, *names) if TAX_CODE_SEPARATOR in name)
        raise UnsupportedError(
            f"taxes[{names.index(name)}].name",
            f"a line's Kashoo taxCode joins its taxes' names with {TAX_CODE_SEPARATOR!r}, "
            "so this name would read as other taxes",
            name,
        )
    return code


def _carried(line: LineItem, names: tuple[str, ...]) -> tuple[str, ...]:
    if not line.taxable:
        return ()
    return tuple(name for name in names if name in line.taxes) if line.taxes else names


def _extra(
    code: str, label: str, amount: int, carried: tuple[str, ...], names: tuple[str, ...]
) -> LineItem:
    """A line of its own (one unit at ``amount``) for what Kashoo has no field for."""
    taxable, taxes = line_taxes(carried, names)
    return LineItem(title=label, unit_price=Price(amount, code), taxable=taxable, taxes=taxes)


def _label(title: str, what: str) -> str:
    return f"{title} ({what})" if title else what


def _major(amount: int, currency: Currency) -> str:
    return currency.format(amount)


def _line_discount_label(line: LineItem, currency: Currency) -> str:
    if line.discount_percentage is not None:
        return _label(line.title, f"discount {line.discount_percentage:f}%")
    return _label(line.title, f"discount {_major(int(line.discount_amount or 0), currency)}")


def _item_lines(invoice: Invoice, totals: Totals) -> list[LineItem]:
    """Each line, with its flat fee, markup and own discount as lines of their own."""
    names = tuple(tax.name for tax in invoice.taxes)
    currency = invoice.currency
    code = currency.code
    lines: list[LineItem] = []
    for line, line_totals in zip(invoice.lines, totals.lines, strict=True):
        carried = _carried(line, names)
        taxable, taxes = line_taxes(carried, names)
        plain = attrs.evolve(
            line,
            flat_fee=NO_AMOUNT,
            markup_percentage=Decimal(0),
            discount_percentage=None,
            discount_amount=None,
            taxable=taxable,
            taxes=taxes,
        )
        fee = line.flat_fee
        if fee and not line.unit_price and line.quantity == 1:  # the fee is the whole line
            lines.append(attrs.evolve(plain, unit_price=Price(fee, code)))
        else:
            lines.append(plain)
            if fee:
                lines.append(_extra(code, _label(line.title, "flat fee"), fee, carried, names))
        if line_totals.markup:
            label = _label(line.title, f"markup {line.markup_percentage:f}%")
            lines.append(_extra(code, label, line_totals.markup, carried, names))
        if line_totals.discount:
            label = _line_discount_label(line, currency)
            lines.append(_extra(code, label, -line_totals.discount, carried, names))
    return lines


def _tail_lines(invoice: Invoice, totals: Totals) -> list[LineItem]:
    """The cash rounding and the accrued late fees: untaxed lines after the taxes' bases."""
    code = invoice.currency.code
    names = tuple(tax.name for tax in invoice.taxes)
    lines = []
    if totals.cash_rounding:
        assert invoice.cash_rounding is not None
        step = _major(int(invoice.cash_rounding.increment), invoice.currency)
        lines.append(_extra(code, f"Cash rounding ({step})", totals.cash_rounding, (), names))
    if totals.late_fee:
        rule = f"{invoice.late_percentage:f}% every {invoice.late_period_in_days} days"
        lines.append(_extra(code, _label("Late fees", rule), totals.late_fee, (), names))
    return lines


# -- the document discount as lines ---------------------------------------------


#: At most this many roundings of the per-group discount shares are tried.
MAX_ROUNDINGS = 1024


def _signed_allocation(amount: int, weights: list[int]) -> list[int] | None:
    """The engine's largest-remainder split of ``amount`` over ``weights``, in either sign.

    ``None`` when the weights are of both signs (or of the other sign than the amount):
    no split then keeps every share on its group's side.
    """
    if amount >= 0 and all(weight >= 0 for weight in weights):
        return allocate(amount, weights)
    if amount <= 0 and all(weight <= 0 for weight in weights):
        return [-share for share in allocate(-amount, [-weight for weight in weights])]
    return None


def _roundings(exact: list[Fraction], total: int) -> Iterator[list[int]]:
    """Every vector of floors and ceilings of ``exact`` that adds up to ``total``.

    Fewest changes from the floors first; at most :data:`MAX_ROUNDINGS` of them.
    """
    floors = [math.floor(share) for share in exact]
    fractional = [index for index, share in enumerate(exact) if share != floors[index]]
    ups = total - sum(floors)
    if not 0 <= ups <= len(fractional):
        return
    for count, chosen in enumerate(itertools.combinations(fractional, ups)):
        if count >= MAX_ROUNDINGS:
            return
        shares = list(floors)
        for index in chosen:
            shares[index] += 1
        yield shares


def discount_splits(invoice: Invoice, totals: Totals) -> Iterator[list[LineItem]]:
    """The document discount as negative lines, each way that may keep every tax exact.

    Post-tax, or when no line carries a tax, one untaxed line of the whole
    discount. Before tax, the discount amount's shares (the engine's allocation,
    integers already) are summed per set of carried taxes, one line each; the
    percentage part follows, one line per set of carried taxes, split first as
    the engine splits a document discount amount (``allocate``, largest
    remainder, by each set's net after the amount); then, per document, every
    other rounding of each set's exact share (each the floor or the ceiling,
    together the engine's discount); per line, first the sum of the engine's
    rounded line discounts of each set. The caller keeps the first split whose
    taxes and total are the engine's.
    """
    currency = invoice.currency
    code = currency.code
    names = tuple(tax.name for tax in invoice.taxes)
    carried = [_carried(line, names) for line in invoice.lines]
    rate = totals.discount_percentage
    amount = int(invoice.discount_amount)
    percent_label = "Early-payment discount" if invoice.early_period_in_days else "Discount"
    percent_label = _label(percent_label, f"{rate:f}%")
    amount_label = _label("Discount", _major(amount, currency))
    post_tax = invoice.policy.discount_base is DiscountBase.POST_TAX
    if not totals.discount:
        yield []
        return
    if post_tax or not any(carried):
        label = percent_label if not amount else amount_label
        if rate and amount:
            label = f"{amount_label[:-1]} and {rate:f}%)"
        yield [_extra(code, label, -totals.discount, (), names)]
        return
    nets = [line_totals.net for line_totals in totals.lines]
    shares = allocate(amount, [max(net, 0) for net in nets]) if amount else [0] * len(nets)
    order: list[tuple[str, ...]] = []
    for group in carried:
        if group not in order:
            order.append(group)
    fixed: dict[tuple[str, ...], int] = dict.fromkeys(order, 0)
    rest: dict[tuple[str, ...], int] = dict.fromkeys(order, 0)
    for group, net, share in zip(carried, nets, shares, strict=True):
        fixed[group] += share
        rest[group] += net - share
    amount_lines = [
        _extra(code, amount_label, -fixed[group], group, names) for group in order if fixed[group]
    ]
    percent = totals.discount - amount
    if not percent:
        yield amount_lines
        return
    num, den = rate.as_integer_ratio()
    exact = [Fraction(rest[group] * num, den * 100) for group in order]
    weights = [rest[group] for group in order]
    first: list[list[int]] = []
    if invoice.policy.tax_rounding is TaxRounding.PER_LINE:
        mode = invoice.policy.rounding
        natural = dict.fromkeys(order, 0)
        for group, net, share in zip(carried, nets, shares, strict=True):
            natural[group] += round_div((net - share) * num, den * 100, mode)
        first.append([natural[group] for group in order])
    split = _signed_allocation(percent, weights)
    if split is not None:
        first.append(split)
    seen: list[list[int]] = []
    for candidate in itertools.chain(first, _roundings(exact, percent)):
        if candidate in seen or sum(candidate) != percent:
            continue
        seen.append(candidate)
        yield amount_lines + [
            _extra(code, percent_label, -value, group, names)
            for group, value in zip(order, candidate, strict=True)
            if value
        ]


def _stated(totals: Totals) -> tuple[object, ...]:
    """What a Kashoo record states: each tax, the total, the payments (so the balance)."""
    return tuple(tax.amount for tax in totals.taxes), totals.total, totals.payment_total


def _amounts(totals: Totals) -> tuple[object, ...]:
    return (totals.lines, totals.discount, totals.late_fee, totals.cash_rounding, *_stated(totals))


def _refusal(invoice: Invoice, totals: Totals, as_of: dt.date) -> UnsupportedError:
    """Name what keeps the Kashoo shape from carrying every total."""
    policy = invoice.policy
    changed = [
        (name, value.value)
        for name, value, default in (
            ("rounding", policy.rounding, Rounding.HALF_UP),
            ("tax_rounding", policy.tax_rounding, TaxRounding.PER_DOCUMENT),
        )
        if value is not default
    ]
    if changed:
        try:
            plain = attrs.evolve(invoice, policy=Policy(discount_base=policy.discount_base))
            same = _amounts(calculate(plain, as_of=as_of)) == _amounts(totals)
        except InvoiceCalcError:  # a line discount amount the other mode makes too large
            same = False
        if not same:
            name, value = changed[0]
            return UnsupportedError(
                f"policy.{name}",
                "Kashoo records carry no rounding policy and are read as half_up, "
                "per_document, which would change this invoice's totals",
                value,
            )
    # With the policy immaterial, every mapping but the percentage discount's lines is
    # exact (line discounts, amount shares, markups and fees are whole minor units, and
    # lines add up linearly under per_document), so the discount is what differs.
    what = "an early-payment discount" if invoice.early_period_in_days else "a pre-tax discount"
    return UnsupportedError(
        "discount_percentage",
        f"Kashoo has no discount field; {what} is written as negative lines per set of "
        "carried taxes only when some split of it keeps every tax and the total exact, "
        "and here none does",
        totals.discount_percentage,
    )


def _refuse_what_kashoo_lacks(invoice: Invoice) -> None:
    for name in ("pre_reminder_in_days", "post_reminder_in_days"):
        if getattr(invoice, name) is not None:
            raise UnsupportedError(
                name, "Kashoo invoices have no reminders", getattr(invoice, name)
            )
    names = tuple(tax.name for tax in invoice.taxes)
    for line in invoice.lines:  # a tax's name, not the line, is what cannot be written
        tax_code(_carried(line, names), names)
    if invoice.tax_inclusive and any(_carried(line, names) for line in invoice.lines):
        raise UnsupportedError(
            "tax_inclusive",
            "Kashoo adds each tax to the lines (totalBeforeTaxes plus taxAmounts); "
            "prices that include their taxes cannot be stated",
            True,
        )


def shape(invoice: Invoice, as_of: dt.date) -> tuple[Invoice, Totals]:
    """:func:`canonical` and the totals of its result."""
    _refuse_what_kashoo_lacks(invoice)
    totals = calculate(invoice, as_of=as_of)
    items = _item_lines(invoice, totals)
    tail = _tail_lines(invoice, totals)
    for discount_lines in discount_splits(invoice, totals):
        shaped = Invoice(
            invoice.currency,
            invoice.invoice_date,
            invoice.due_date,
            lines=items + discount_lines + tail,
            taxes=invoice.taxes,
            payments=invoice.payments,
            number=invoice.number,
            po_number=invoice.po_number,
            notes=invoice.notes,
            terms=invoice.terms,
            home_currency=invoice.home_currency,
        )
        shaped_totals = calculate(shaped, as_of=as_of)
        if _stated(shaped_totals) == _stated(totals):
            return shaped, shaped_totals
    raise _refusal(invoice, totals, as_of)


def canonical(invoice: Invoice, *, as_of: dt.date) -> Invoice:
    """``invoice`` as a Kashoo record holds it on ``as_of``: the same totals, Kashoo's shape.

    The result has only lines, taxes, payments and the home currency, the
    default policy, and each line's taxes in canonical form
    (:func:`line_taxes`); reading a written record gives it back exactly.
    Refused with :class:`~invoicecalc.errors.UnsupportedError` naming the
    concept when Kashoo cannot carry every total exactly, for prices that
    include their taxes, and for reminders, which a Kashoo invoice does not have.
    """
    return shape(invoice, as_of)[0]
