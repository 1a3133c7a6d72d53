"""The invoice a Kashoo record can hold, with every total of the original.

A Kashoo invoice is lines (quantity times rate), taxes and payments; it has no
markup, flat fee, discount, early-payment or late-fee terms and no rounding
policy. :func:`as_kashoo` rewrites an invoice into that shape as it stands on
a date: a flat fee and a markup become lines of their own, a discount one or
more negative lines, accrued late fees an untaxed line. It then recomputes
the result under Kashoo's implied policy (``half_up``, ``per_document``) and
refuses, naming the concept, whenever a total would differ.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

import attrs

from ..._calculate import Totals, calculate
from ..._model import DiscountBase, Invoice, LineItem, Policy, TaxRounding
from ..._money import NO_AMOUNT, Price, Rounding, round_div
from ...errors import UnsupportedError

__all__ = ["as_kashoo", "line_taxes", "shape"]


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


def _lines(invoice: Invoice, totals: Totals) -> list[LineItem]:
    names = tuple(tax.name for tax in invoice.taxes)
    code = invoice.currency.code
    lines: list[LineItem] = []
    for line, line_totals in zip(invoice.lines, totals.lines, strict=True):
        carried = _carried(line, names)
        taxable, taxes = line_taxes(carried, names)
        plain = attrs.evolve(
            line, flat_fee=NO_AMOUNT, markup_percentage=Decimal(0), taxable=taxable, taxes=taxes
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
    lines += _discount_lines(invoice, totals, [_carried(line, names) for line in invoice.lines])
    if totals.late_fee:
        rule = f"{invoice.late_percentage:f}% every {invoice.late_period_in_days} days"
        label = _label("Late fees", rule)
        lines.append(_extra(code, label, totals.late_fee, (), names))
    return lines


def _discount_lines(
    invoice: Invoice, totals: Totals, carried: list[tuple[str, ...]]
) -> list[LineItem]:
    """The discount as negative lines: one untaxed line when no tax is involved (or
    after taxes), else one per set of carried taxes so each tax's base shrinks."""
    rate = totals.discount_percentage
    if not rate:
        return []
    names = tuple(tax.name for tax in invoice.taxes)
    what = "Early-payment discount" if invoice.early_period_in_days else "Discount"
    label = _label(what, f"{rate:f}%")
    code = invoice.currency.code
    post_tax = invoice.policy.discount_base is DiscountBase.POST_TAX
    if post_tax or not any(carried):
        return [_extra(code, label, -totals.discount, (), names)] if totals.discount else []
    groups: dict[tuple[str, ...], int] = {}
    for line_carried, line_totals in zip(carried, totals.lines, strict=True):
        groups[line_carried] = groups.get(line_carried, 0) + line_totals.actual
    num, den = rate.as_integer_ratio()
    lines = []
    for group, actual in groups.items():
        amount = round_div(actual * num, den * 100, Rounding.HALF_UP)
        if amount:
            lines.append(_extra(code, label, -amount, group, names))
    return lines


def _stated(totals: Totals) -> tuple[object, ...]:
    """What a Kashoo record states: each tax, the total, the payments (so the balance)."""
    return tuple(tax.amount for tax in totals.taxes), totals.total, totals.payment_total


def _amounts(totals: Totals) -> tuple[object, ...]:
    return (totals.lines, totals.discount, totals.late_fee, *_stated(totals))


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
        plain = attrs.evolve(invoice, policy=Policy(discount_base=policy.discount_base))
        if _amounts(calculate(plain, as_of=as_of)) != _amounts(totals):
            name, value = changed[0]
            return UnsupportedError(
                f"policy.{name}",
                "Kashoo records carry no rounding policy and are read as half_up, "
                "per_document, which would change this invoice's totals",
                value,
            )
    # With the policy immaterial, every mapping but the pre-tax discount lines is exact
    # (lines add up linearly under per_document), so the discount is what differs.
    what = "an early-payment discount" if invoice.early_period_in_days else "a pre-tax discount"
    return UnsupportedError(
        "discount_percentage",
        f"Kashoo has no discount field; {what} is written as taxed negative lines only when "
        "that keeps every tax and the total exact, and here rounding would change them",
        totals.discount_percentage,
    )


def shape(invoice: Invoice, as_of: dt.date) -> tuple[Invoice, Totals]:
    """:func:`as_kashoo` and the totals of its result."""
    for name in ("pre_reminder_in_days", "post_reminder_in_days"):
        if getattr(invoice, name) is not None:
            raise UnsupportedError(
                name, "Kashoo invoices have no reminders", getattr(invoice, name)
            )
    totals = calculate(invoice, as_of=as_of)
    shaped = Invoice(
        invoice.currency,
        invoice.invoice_date,
        invoice.due_date,
        lines=_lines(invoice, totals),
        taxes=invoice.taxes,
        payments=invoice.payments,
        number=invoice.number,
        po_number=invoice.po_number,
        notes=invoice.notes,
        terms=invoice.terms,
    )
    shaped_totals = calculate(shaped, as_of=as_of)
    if _stated(shaped_totals) != _stated(totals):
        raise _refusal(invoice, totals, as_of)
    return shaped, shaped_totals


def as_kashoo(invoice: Invoice, *, as_of: dt.date) -> Invoice:
    """``invoice`` as a Kashoo record holds it on ``as_of``: the same totals, Kashoo's shape.

    The result has only lines, taxes and payments, the default policy, and
    each line's taxes in canonical form (:func:`line_taxes`); reading a
    written record gives it back exactly. Refused with
    :class:`~invoicecalc.errors.UnsupportedError` naming the concept when
    Kashoo cannot carry every total exactly, and for reminders, which a
    Kashoo invoice does not have.
    """
    return shape(invoice, as_of)[0]
