"""Writing an invoice as FreshBooks holds it, refusing whatever it cannot carry.

:func:`from_invoice` maps each engine concept FreshBooks has a place for,
refuses the others with :class:`~invoicecalc.errors.UnsupportedError`, and
then reads its own result back (:func:`to_entry`) and recomputes it with
FreshBooks' arithmetic: any amount that would differ is refused too.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs

from ..._calculate import LineTotals, Totals, calculate
from ..._model import Invoice, LineItem, LineKind, Policy, Tax
from ..._money import shown
from ...errors import UnsupportedError
from ._model import POLICY, FbInvoice, FbLine, to_entry
from ._taxes import Slots, account_taxes, slots_for

__all__ = ["canonical", "from_invoice"]

# FreshBooks' Item covers what is sold, custom or product alike; Item reads back as custom.
_TYPES = {LineKind.CUSTOM: "Item", LineKind.PRODUCT: "Item", LineKind.TASK: "Time"}
_ONE = Decimal(1)
_ZERO = Decimal(0)


@attrs.frozen
class _Part:
    """A FreshBooks line to write: ``quantity`` at ``unit`` minor units (exact, possibly
    finer than one), ``amount`` exact."""

    name: str
    description: str
    quantity: Decimal
    unit: Decimal
    amount: int
    slots: Slots
    kind: LineKind

    def line(self, invoice: Invoice) -> FbLine:
        money = invoice.currency.format
        taxes = {}
        for number, slot in ((1, self.slots.tax1), (2, self.slots.tax2)):
            taxes[f"tax{number}_name"] = "" if slot is None else slot[0]
            taxes[f"tax{number}_percent"] = "" if slot is None else f"{slot[1]:f}"
        return FbLine(
            amount=money(self.amount),
            name=self.name,
            description=self.description,
            unit_cost=_unit_cost(invoice, self.unit),
            quantity=f"{self.quantity:f}",
            type=_TYPES[self.kind],
            **taxes,
        )


def _refuse_unsupported(invoice: Invoice) -> None:
    """The concepts FreshBooks has no place for at all."""
    for name in ("pre_reminder_in_days", "post_reminder_in_days"):
        if getattr(invoice, name) is not None:
            raise UnsupportedError(
                name, "FreshBooks 2.1 has no payment reminders", getattr(invoice, name)
            )
    if invoice.tax_inclusive:
        raise UnsupportedError(
            "tax_inclusive", "FreshBooks 2.1 adds taxes to its unit costs", invoice.tax_inclusive
        )
    if invoice.discount_amount:
        raise UnsupportedError(
            "discount_amount",
            "FreshBooks 2.1's invoice discount is a percentage",
            shown(invoice.discount_amount),
        )
    if invoice.home_currency is not None:
        raise UnsupportedError(
            "home_currency",
            "a FreshBooks 2.1 invoice holds no amounts in another currency",
            invoice.home_currency.currency.code,
        )
    for index, tax in enumerate(invoice.taxes):
        if tax.withholding:
            raise UnsupportedError(
                f"taxes[{index}].withholding",
                "FreshBooks 2.1 taxes are added to the total, never withheld",
                tax.name,
            )
    for index, line in enumerate(invoice.lines):
        for name in ("quantity_low", "quantity_high"):
            if getattr(line, name) is not None:
                raise UnsupportedError(
                    f"lines[{index}].{name}",
                    "FreshBooks has no quantity ranges",
                    getattr(line, name),
                )


def _unit_cost(invoice: Invoice, unit: Decimal) -> str:
    """Minor units as FreshBooks' ``unit_cost``: the currency's digits, and every digit
    finer than them (``0.125``), exactly."""
    if unit == unit.to_integral_value():
        return invoice.currency.format(int(unit))
    return f"{Decimal(unit).scaleb(-invoice.currency.exponent):f}"


def _parts(invoice: Invoice, index: int, line: LineItem, totals: LineTotals) -> list[_Part]:
    """The FreshBooks lines of one engine line.

    A flat fee or markup is folded into the unit cost when the line amount
    divided by the quantity is a whole number of minor units. A flat fee that
    cannot be is a line of its own (one unit at the fee, the same taxes);
    markup that cannot be is refused (a line of its own would show the client
    the margin).
    """
    prefix = f"lines[{index}]."
    slots = slots_for(invoice, index, line)
    whole = _Part(
        line.title, line.description, line.quantity, _ZERO, totals.actual, slots, line.kind
    )
    own = _discount(invoice, index, line, totals, slots)
    if not line.flat_fee and not totals.markup:
        return [attrs.evolve(whole, unit=Decimal(line.unit_price)), *own]
    num, den = line.quantity.as_integer_ratio()
    unit, rest = divmod(totals.actual * den, num) if num else (0, totals.actual)
    if not rest:
        return [attrs.evolve(whole, unit=Decimal(unit)), *own]
    if totals.markup:
        raise UnsupportedError(
            prefix + "markup_percentage",
            "FreshBooks has no markup; it is folded into unit_cost only when the line amount "
            f"{invoice.currency.format(totals.actual)} divided by the quantity "
            f"{line.quantity} is a whole number of minor units",
            line.markup_percentage,
        )
    fee = line.flat_fee
    title = f"{line.title} (flat fee)" if line.title else "Flat fee"
    return [
        attrs.evolve(whole, unit=Decimal(line.unit_price), amount=totals.cost - fee),
        _Part(title, "", _ONE, Decimal(fee), fee, slots, line.kind),
        *own,
    ]


def _discount(
    invoice: Invoice, index: int, line: LineItem, totals: LineTotals, slots: Slots
) -> list[_Part]:
    """A line's own discount as a line of its own: one unit at minus the discount, with
    the line's taxes (FreshBooks 2.1 has no line discounts; its taxes and its invoice
    discount then see the line's net, as the engine's do)."""
    if not totals.discount:
        return []
    if line.discount_percentage is not None:
        what = f"discount {line.discount_percentage:f}%"
    else:
        what = "discount"
    title = f"{line.title} ({what})" if line.title else what.capitalize()
    amount = -totals.discount
    return [_Part(title, "", _ONE, Decimal(amount), amount, slots, line.kind)]


def _late_fee(invoice: Invoice, totals: Totals) -> _Part:
    """The late fees accrued by ``totals.as_of``, as one untaxed line FreshBooks adds up."""
    if totals.discount_percentage:
        raise UnsupportedError(
            "late_percentage",
            "FreshBooks has no late fees, and on a discounted invoice a late-fee line "
            "would be discounted too",
            invoice.late_percentage,
        )
    fee = totals.late_fee
    description = f"Late fees to {totals.as_of.isoformat()}"
    return _Part("Late fee", description, _ONE, Decimal(fee), fee, Slots(), LineKind.CUSTOM)


def _status(totals: Totals) -> str:
    if not totals.payment_total:
        return "draft"
    return "paid" if totals.balance <= 0 else "partial"


def from_invoice(invoice: Invoice, as_of: dt.date) -> FbInvoice:
    """``invoice`` as FreshBooks holds it on ``as_of``, or :class:`UnsupportedError`.

    Every amount FreshBooks would work out from the result is checked against
    the engine's totals before it is returned.
    """
    totals = calculate(invoice, as_of=as_of)
    _refuse_unsupported(invoice)
    if totals.cash_rounding:
        assert invoice.cash_rounding is not None
        raise UnsupportedError(
            "cash_rounding",
            "FreshBooks 2.1 has no cash rounding, and here it moves the total by "
            f"{invoice.currency.format(totals.cash_rounding)}",
            invoice.currency.format(invoice.cash_rounding.increment),
        )
    parts: list[tuple[int | None, _Part]] = [
        (index, part)
        for index, (line, line_totals) in enumerate(zip(invoice.lines, totals.lines, strict=True))
        for part in _parts(invoice, index, line, line_totals)
    ]
    if totals.late_fee:
        parts.append((None, _late_fee(invoice, totals)))
    money = invoice.currency.format
    doc = FbInvoice(
        number=invoice.number,
        amount=money(totals.total),
        amount_outstanding=money(totals.balance),
        paid=money(totals.payment_total),
        status=_status(totals),
        date=invoice.invoice_date.isoformat(),
        po_number=invoice.po_number,
        # The rate applied on the as-of date: an early-payment discount as it stands.
        discount=f"{totals.discount_percentage:f}",
        notes=invoice.notes,
        terms=invoice.terms,
        currency_code=invoice.currency.code,
        lines=tuple(part.line(invoice) for _, part in parts),
    )
    back = to_entry(doc, invoice.currency.code, _account(invoice)).invoice
    _check(invoice, totals, back, [origin for origin, _ in parts])
    return doc


def canonical(invoice: Invoice, *, as_of: dt.date) -> Invoice:
    """``invoice`` as FreshBooks holds it on ``as_of`` (what reading its response gives).

    The same totals as ``invoice`` on that date, or :class:`UnsupportedError`.
    """
    return to_entry(from_invoice(invoice, as_of), invoice.currency.code, _account(invoice)).invoice


def _account(invoice: Invoice) -> dict[str, Tax]:
    """The account's taxes as ``tax_create_requests`` sets them up, by name."""
    return {tax.name: tax for tax in account_taxes(invoice)}


def _policy_text(policy: Policy) -> str:
    return f"{policy.rounding.value}, {policy.tax_rounding.value}, {policy.discount_base.value}"


def _check(invoice: Invoice, totals: Totals, back: Invoice, origins: list[int | None]) -> None:
    """Refuse unless ``back`` (the written invoice read again) keeps every amount.

    ``origins`` gives the engine line each written line came from.
    """
    found = {tax.name: tax for tax in back.taxes}
    for index, tax in enumerate(invoice.taxes):
        if tax.name not in found:
            raise UnsupportedError(
                f"taxes[{index}]",
                "is carried by no line, and FreshBooks has taxes only on lines",
                tax.name,
            )
    for origin, read in zip(origins, back.lines, strict=True):
        if origin is not None and invoice.lines[origin].taxable != read.taxable:
            raise UnsupportedError(
                f"lines[{origin}].taxable",
                "FreshBooks has no taxable flag: on an invoice without taxes every line is taxable",
                False,
            )
    # FreshBooks' paid reads as a payment on the invoice date: count it.
    fresh = calculate(back, as_of=max(totals.as_of, invoice.invoice_date))
    amounts = [
        ("total", totals.total, fresh.total),
        ("payment_total", totals.payment_total, fresh.payment_total),
        ("balance", totals.balance, fresh.balance),
        ("discount", totals.discount, fresh.discount),
        ("subtotal", totals.subtotal + totals.late_fee, fresh.subtotal),  # late fees: a line
    ]
    computed = {tax.name: tax.amount for tax in fresh.taxes}
    amounts += [(f"tax {tax.name}", tax.amount, computed[tax.name]) for tax in totals.taxes]
    # A line's own discount is a line of its own: the parts add up to the line's net.
    written = [0] * len(totals.lines)
    for origin, line_totals in zip(origins, fresh.lines, strict=True):
        if origin is not None:
            written[origin] += line_totals.actual
    amounts += [
        (f"lines[{index}] amount", ours.net, theirs)
        for index, (ours, theirs) in enumerate(zip(totals.lines, written, strict=True))
    ]
    for what, ours, theirs in amounts:
        if ours != theirs:
            money = invoice.currency.format
            raise UnsupportedError(
                "policy",
                f"FreshBooks computes {_policy_text(POLICY)}; under it the {what} would be "
                f"{money(theirs)}, not {money(ours)}",
                _policy_text(invoice.policy),
            )
