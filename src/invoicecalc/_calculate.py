"""The calculator: one pure function from an invoice and a date to its totals.

All money arithmetic is on integers. Exact intermediate amounts (a line's
discounted net, its unrounded taxes) are integer numerators over a common
denominator, and every rounding goes through :func:`round_div`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from decimal import Decimal

import attrs

from ._model import DiscountBase, Invoice, Tax, TaxRounding
from ._money import EXACT, ROUNDERS, Currency
from .errors import InvalidTypeError

__all__ = [
    "LineTotals",
    "TaxTotal",
    "Totals",
    "calculate",
    "early_discount_rate",
    "early_periods_available",
    "late_fees",
]

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)


@attrs.frozen
class LineTotals:
    """One line: ``cost = flat_fee + round(quantity * unit_price)``, ``actual = cost + markup``."""

    cost: int
    markup: int
    actual: int


@attrs.frozen
class TaxTotal:
    """One tax over the whole invoice."""

    name: str
    rate: Decimal
    compound: bool
    amount: int


@attrs.frozen
class Totals:
    """Everything :func:`calculate` works out, in integer minor units.

    ``discount_percentage`` is the rate applied (after early-payment periods)
    and ``early_periods`` the number of periods it was earned for.
    """

    currency: Currency
    as_of: dt.date
    item_cost: int
    item_profit: int
    item_actual: int
    item_taxable: int
    discount: int
    discount_percentage: Decimal
    early_periods: int
    #: The invoice's taxes, in order, and each one's amount; see :attr:`taxes`.
    invoice_taxes: tuple[Tax, ...]
    tax_amounts: tuple[int, ...]
    late_fee: int
    total: int
    payment_total: int
    balance: int
    total_quantity: Decimal
    #: Each line's ``(cost, markup, actual)``, in input order; see :attr:`lines`.
    line_amounts: tuple[tuple[int, int, int], ...]

    @property
    def lines(self) -> tuple[LineTotals, ...]:
        """Each line's cost, markup and actual, in input order."""
        return tuple(LineTotals(*amounts) for amounts in self.line_amounts)

    @property
    def taxes(self) -> tuple[TaxTotal, ...]:
        """Each tax with its amount over the whole invoice, in the invoice's order."""
        return tuple(
            TaxTotal(tax.name, tax.rate, tax.compound, amount)
            for tax, amount in zip(self.invoice_taxes, self.tax_amounts, strict=True)
        )

    @property
    def tax_total(self) -> int:
        return sum(self.tax_amounts)

    @property
    def total_before_fees(self) -> int:
        return self.total - self.late_fee

    @property
    def has_been_paid(self) -> bool:
        return self.balance <= 0

    @property
    def sales_tax(self) -> int:
        """The first tax's amount, as Cashboard names it (0 when there is none)."""
        return self.tax_amounts[0] if self.tax_amounts else 0

    @property
    def sales_tax_2(self) -> int:
        """The second tax's amount (0 when there is none)."""
        return self.tax_amounts[1] if len(self.tax_amounts) > 1 else 0


def _discount_and_taxes(
    invoice: Invoice,
    actuals: Sequence[int],
    group_sums: Sequence[int],
    item_actual: int,
    rate: Decimal,
) -> tuple[int, list[int]]:
    """The discount at ``rate`` percent and each tax's amount.

    ``actuals`` are the lines' actual amounts; ``group_sums`` the sums of the
    lines of each of ``invoice._tax_groups``, the lines that carry the same taxes.
    """
    policy = invoice.policy
    rounder = ROUNDERS[policy.rounding]
    pre_tax = policy.discount_base is DiscountBase.PRE_TAX
    dn, dd = rate.as_integer_ratio() if rate else (0, 1)
    dd *= 100  # rate / 100 == dn / dd
    ratios = invoice._tax_ratios
    amounts = [0] * len(ratios)
    carried = invoice._carried

    if policy.tax_rounding is TaxRounding.PER_LINE:
        discount = 0
        for actual, carries in zip(actuals, carried, strict=True):
            net = actual
            if pre_tax and dn:
                line_discount = rounder(actual * dn, dd)
                discount += line_discount
                net -= line_discount
            line_taxes = 0
            for j in carries:
                num, den, compound = ratios[j]
                amount = rounder((net + line_taxes if compound else net) * num, den)
                line_taxes += amount
                amounts[j] += amount
            if dn and not pre_tax:
                discount += rounder((actual + line_taxes) * dn, dd)
        return discount, amounts

    # per_document: exact amounts scaled by a common denominator, rounded once.
    if ratios:
        scale = 1
        for _, den, _ in ratios:
            scale *= den
        if pre_tax and dn:
            net_factor, scale = (dd - dn) * scale, scale * dd
        else:
            net_factor = scale
        # Every exact amount is linear in a line's net, so lines that carry the same
        # taxes are summed first and taxed once: the same exact sums, fewer steps.
        exact = [0] * len(ratios)
        for carries, actual in zip(invoice._tax_groups, group_sums, strict=True):
            net = actual * net_factor
            line_taxes = 0
            for j in carries:
                num, den, compound = ratios[j]
                amount = (net + line_taxes if compound else net) * num // den  # exact
                line_taxes += amount
                exact[j] += amount
        amounts = [rounder(amount, scale) for amount in exact]
    if not dn:
        return 0, amounts
    base = item_actual if pre_tax else item_actual + sum(amounts)
    return rounder(base * dn, dd), amounts


def late_fees(
    invoice: Invoice, total_before_fees: int, as_of: int
) -> Iterator[tuple[int, int, int]]:
    """Each late-fee boundary up to ``as_of`` (an ordinal day).

    Yields ``(day ordinal, fee, outstanding after the fee)``; the calculator's
    ``late_fee`` is the sum of the fees, and schedules list them.
    """
    percentage, period = invoice.late_percentage, invoice.late_period_in_days
    if not percentage or period is None:
        return
    rounder = ROUNDERS[invoice.policy.rounding]
    num, den = percentage.as_integer_ratio()
    den *= 100
    payments = invoice._payments_by_date
    boundary = invoice.due_date.toordinal() + period
    index, paid, fees = 0, 0, 0
    while boundary <= as_of:
        while index < len(payments) and payments[index][0] <= boundary:
            paid += payments[index][1]
            index += 1
        outstanding = total_before_fees + fees - paid
        fee = rounder(outstanding * num, den) if outstanding > 0 else 0
        fees += fee
        yield boundary, fee, outstanding + fee
        boundary += period


def calculate(invoice: Invoice, *, as_of: dt.date) -> Totals:
    """The totals of ``invoice`` as they stand on ``as_of``.

    >>> from decimal import Decimal
    >>> from invoicecalc import Currency, Invoice, LineItem, Tax
    >>> invoice = Invoice(
    ...     Currency("USD"), dt.date(2024, 3, 1), dt.date(2024, 3, 31),
    ...     lines=[LineItem(quantity=Decimal(3), unit_price=Decimal(1000))],
    ...     taxes=[Tax("VAT", Decimal(20))],
    ... )
    >>> totals = calculate(invoice, as_of=dt.date(2024, 3, 10))
    >>> totals.item_actual, totals.tax_total, totals.total
    (3000, 600, 3600)
    """
    if type(as_of) is not dt.date:
        raise InvalidTypeError("as_of", as_of, "must be a datetime.date")
    rounder = ROUNDERS[invoice.policy.rounding]
    line_amounts = []
    actuals = []
    group_sums = [0] * len(invoice._tax_groups)
    item_cost = item_profit = item_taxable = 0
    for num, den, flat_fee, markup_num, markup_den, taxable, group in invoice._line_terms:
        cost = flat_fee + (num if den == 1 else rounder(num, den))
        markup = rounder(cost * markup_num, markup_den) if markup_num else 0
        actual = cost + markup
        item_cost += cost
        item_profit += markup
        if taxable:
            item_taxable += actual
            if group >= 0:
                group_sums[group] += actual
        actuals.append(actual)
        line_amounts.append((cost, markup, actual))
    item_actual = item_cost + item_profit

    last = as_of.toordinal()
    counted = [p for p in invoice._payments_by_date if p[0] <= last]
    payment_total = 0
    for _, amount in counted:
        payment_total += amount

    rate, periods = invoice.discount_percentage, 0
    if invoice.early_period_in_days is not None:
        rate, periods = _early_discount(invoice, actuals, group_sums, item_actual, counted, last)
    discount, amounts = _discount_and_taxes(invoice, actuals, group_sums, item_actual, rate)
    total_before_fees = item_actual - discount + sum(amounts)
    late_fee = 0
    if invoice.late_percentage:
        late_fee = sum(fee for _, fee, _ in late_fees(invoice, total_before_fees, last))
    total = total_before_fees + late_fee
    return Totals(
        currency=invoice.currency,
        as_of=as_of,
        item_cost=item_cost,
        item_profit=item_profit,
        item_actual=item_actual,
        item_taxable=item_taxable,
        discount=discount,
        discount_percentage=rate,
        early_periods=periods,
        invoice_taxes=invoice.taxes,
        tax_amounts=tuple(amounts),
        late_fee=late_fee,
        total=total,
        payment_total=payment_total,
        balance=total - payment_total,
        total_quantity=invoice._total_quantity,
        line_amounts=tuple(line_amounts),
    )


def early_discount_rate(invoice: Invoice, periods: int) -> Decimal:
    """The discount percentage earned for ``periods`` early periods (capped at 100)."""
    return min(_HUNDRED, EXACT.multiply(invoice.discount_percentage, Decimal(periods)))


def early_periods_available(invoice: Invoice) -> int:
    """``k_max``: how many early-payment periods end on or after the invoice date."""
    period = invoice.early_period_in_days
    if period is None:
        return 0
    return max(0, (invoice.due_date - invoice.invoice_date).days // period)


def _early_discount(
    invoice: Invoice,
    actuals: Sequence[int],
    group_sums: Sequence[int],
    item_actual: int,
    counted: Sequence[tuple[int, int]],
    as_of: int,
) -> tuple[Decimal, int]:
    """The early-payment rate and the periods it is for: ``max(k_settled, k_offer)``."""
    period = invoice.early_period_in_days
    assert period is not None
    k_max = early_periods_available(invoice)
    if k_max < 1:
        return _ZERO, 0
    due = invoice.due_date.toordinal()
    k_offer = min(k_max, (due - as_of) // period) if as_of < due else 0
    if counted:
        # Only periods whose deadline is on or after the first payment can be settled.
        first_settlable = min(k_max, (due - counted[0][0]) // period)
        for k in range(first_settlable, k_offer, -1):
            deadline = due - k * period
            paid = sum(amount for day, amount in counted if day <= deadline)
            rate = early_discount_rate(invoice, k)
            discount, amounts = _discount_and_taxes(invoice, actuals, group_sums, item_actual, rate)
            if paid >= item_actual - discount + sum(amounts):
                return rate, k
    return early_discount_rate(invoice, k_offer), k_offer
