"""The calculator: one pure function from an invoice and a date to its totals.

All money arithmetic is on integers. The date-independent amounts (lines,
the discount amount's allocation, each tax's exact sum) are worked out once
when the invoice is built (``Invoice.prepared``); here the (early-payment)
discount rate is applied, every amount is rounded through the invoice's
rounding mode, and the totals are added up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from decimal import Decimal
from fractions import Fraction

import attrs

from ._model import MAX_PERIODS, DiscountBase, Invoice, Tax, TaxRounding
from ._money import EXACT, LIMIT, ROUNDERS, Currency, Rounding
from ._prepare import check_amount
from ._trace import Trace
from .errors import InvalidTypeError, InvalidValueError

__all__ = [
    "MAX_SEARCH",
    "HomeTotals",
    "LineTotals",
    "TaxTotal",
    "Totals",
    "calculate",
    "early_discount_rate",
    "early_periods_available",
    "late_fees",
    "totals_of",
]

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)


@attrs.frozen
class LineTotals:
    """One line: ``cost = flat_fee + round(quantity * unit_price)``, ``actual = cost + markup``,
    ``net = actual - discount`` (the line's own discount, before document discounts)."""

    cost: int
    markup: int
    actual: int
    discount: int
    net: int


@attrs.frozen
class TaxTotal:
    """One tax over the whole invoice: its ``amount`` (negative when withheld) and ``base``."""

    name: str
    rate: Decimal
    compound: bool | tuple[str, ...]
    amount: int
    base: int
    withholding: bool


@attrs.frozen
class HomeTotals:
    """Amounts in the home currency's minor units, each converted on its own (half up)."""

    currency: Currency
    subtotal: int
    tax_amounts: tuple[int, ...]
    tax_total: int
    total: int
    balance: int


@attrs.frozen
class Totals:
    """Everything :func:`calculate` works out, in integer minor units.

    ``discount_percentage`` is the rate applied (after early-payment periods)
    and ``early_periods`` the number of periods it was earned for;
    ``discount`` is the whole document discount (its amount and its
    percentage part). ``subtotal + tax_total + cash_rounding`` is the total
    before late fees.
    """

    currency: Currency
    as_of: dt.date
    item_cost: int
    item_profit: int
    item_actual: int
    item_taxable: int
    line_discount: int
    discount: int
    discount_percentage: Decimal
    early_periods: int
    subtotal: int
    #: The invoice's taxes, in order, and each one's amount and base; see :attr:`taxes`.
    invoice_taxes: tuple[Tax, ...]
    tax_amounts: tuple[int, ...]
    tax_bases: tuple[int, ...]
    cash_rounding: int
    late_fee: int
    total: int
    payment_total: int
    balance: int
    total_quantity: Decimal
    #: Each line's ``(cost, markup, actual, discount, net)``, in input order; see :attr:`lines`.
    line_amounts: tuple[tuple[int, int, int, int, int], ...]
    home: HomeTotals | None = None

    @property
    def lines(self) -> tuple[LineTotals, ...]:
        """Each line's cost, markup, actual, discount and net, in input order."""
        return tuple(LineTotals(*amounts) for amounts in self.line_amounts)

    @property
    def taxes(self) -> tuple[TaxTotal, ...]:
        """Each tax with its amount and base over the whole invoice, in the invoice's order."""
        return tuple(
            TaxTotal(tax.name, tax.rate, tax.compound, amount, base, tax.withholding)
            for tax, amount, base in zip(
                self.invoice_taxes, self.tax_amounts, self.tax_bases, strict=True
            )
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


@attrs.frozen
class _Settlement:
    """The amounts that depend on the discount rate: what the early-payment search varies."""

    discount: int
    tax_amounts: tuple[int, ...]
    tax_bases: tuple[int, ...]
    subtotal: int
    cash_rounding: int

    @property
    def total(self) -> int:
        return self.subtotal + sum(self.tax_amounts) + self.cash_rounding


def _per_line(
    invoice: Invoice, dn: int, dd: int, trace: Trace | None = None
) -> tuple[int, list[int], list[int]]:
    """The percentage discount and each tax's amount and base, rounded on every line."""
    prepared = invoice.prepared
    rounding = invoice.policy.rounding
    rounder = ROUNDERS[rounding]
    pre_tax = invoice.policy.discount_base is DiscountBase.PRE_TAX
    inclusive = invoice.tax_inclusive
    amounts = [0] * len(invoice.taxes)
    bases = [0] * len(invoice.taxes)
    discount = 0
    traced = trace is not None
    names = [tax.name for tax in invoice.taxes] if traced else []
    for index, (net, line_taxes) in enumerate(
        zip(prepared.discounted, prepared.line_taxes, strict=True)
    ):
        if pre_tax and dn:
            line_discount = rounder(net * dn, dd)
            if trace is not None:
                trace.per_line_discount(index, net, dn, dd, line_discount, rounding, True)
            discount += line_discount
            net -= line_discount
        on_line: dict[int, int] = {}
        for j, num, den, base in line_taxes:
            earlier = sum(on_line[k] for k in base)
            on_line[j] = rounder((net if inclusive else net + earlier) * num, den)
            if trace is not None:
                taxed = net if inclusive else net + earlier
                trace.per_line_tax(index, j, names[j], taxed, num, den, on_line[j], rounding,
                                   inclusive)  # fmt: skip
            amounts[j] += on_line[j]
            bases[j] += net + earlier
        if inclusive and on_line:
            extracted = sum(on_line.values())
            for j, _, _, _ in line_taxes:
                bases[j] -= extracted
        if dn and not pre_tax:
            taxed = net if inclusive else net + sum(on_line.values())
            line_discount = rounder(taxed * dn, dd)
            if trace is not None:
                trace.per_line_discount(index, taxed, dn, dd, line_discount, rounding, False)
            discount += line_discount
    return discount, amounts, bases


def _settle(invoice: Invoice, rate: Decimal, trace: Trace | None = None) -> _Settlement:
    """The discount at ``rate`` percent, the taxes, the subtotal and the cash rounding."""
    prepared = invoice.prepared
    policy = invoice.policy
    rounder = ROUNDERS[policy.rounding]
    pre_tax = policy.discount_base is DiscountBase.PRE_TAX
    dn, dd = rate.as_integer_ratio() if rate else (0, 1)
    dd *= 100  # rate / 100 == dn / dd
    if policy.tax_rounding is TaxRounding.PER_LINE:
        discount, amounts, bases = _per_line(invoice, dn, dd, trace)
        if trace is not None:
            _trace_per_line(trace, invoice, amounts, bases, discount, dn)
    else:
        # Each exact sum is linear in the nets: a pre-tax rate scales it by (1 - rate).
        kn, kd = (dd - dn, dd) if pre_tax and dn else (1, 1)
        amounts = [rounder(num * kn, den * kd) for num, den in prepared.tax_sums]
        bases = [rounder(num * kn, den * kd) for num, den in prepared.base_sums]
        if trace is not None:
            _trace_per_document(trace, invoice, amounts, bases, Fraction(kn, kd))
        discount = 0
        if dn:
            base = prepared.discounted_total
            if not pre_tax and not invoice.tax_inclusive:
                base += sum(amounts)
            discount = rounder(base * dn, dd)
            if trace is not None:
                trace.discount(base, dn, dd, discount, policy.rounding, pre_tax)
    discount += invoice.discount_amount
    subtotal = prepared.item_actual - prepared.line_discount - discount
    if invoice.tax_inclusive:
        subtotal -= sum(amounts)
    if trace is not None:
        _trace_subtotal(trace, invoice, discount, subtotal, amounts)
    cash = 0
    if invoice.cash_rounding is not None:
        unrounded = subtotal + sum(amounts)
        increment = invoice.cash_rounding.increment
        mode = invoice.cash_rounding.rounding or policy.rounding
        cash = ROUNDERS[mode](unrounded, increment) * increment - unrounded
        if trace is not None:
            trace.cash(unrounded, increment, mode, cash)
    elif trace is not None:
        trace.no_cash()
    if trace is not None:
        trace.total_before_fees(subtotal, sum(amounts), cash)
    return _Settlement(discount, tuple(amounts), tuple(bases), subtotal, cash)


def _trace_per_document(
    trace: Trace, invoice: Invoice, amounts: list[int], bases: list[int], scale: Fraction
) -> None:
    """Each tax's exact sum (scaled by a pre-tax rate) and how it was rounded."""
    prepared = invoice.prepared
    rounding = invoice.policy.rounding
    k = (scale.numerator, scale.denominator)
    for j, tax in enumerate(invoice.taxes):
        num, den = prepared.tax_sums[j]
        trace.tax(j, tax.name, "amount", (num, den), k, amounts[j], rounding,
                  invoice.tax_inclusive)  # fmt: skip
        num, den = prepared.base_sums[j]
        trace.tax(j, tax.name, "base", (num, den), k, bases[j], rounding,
                  invoice.tax_inclusive)  # fmt: skip
    trace.tax_total(amounts)


def _trace_per_line(
    trace: Trace, invoice: Invoice, amounts: list[int], bases: list[int], discount: int, dn: int
) -> None:
    """Each tax's (and the percentage discount's) sum of rounded line amounts."""
    for j, tax in enumerate(invoice.taxes):
        trace.per_line_sums(j, tax.name, amounts[j], bases[j])
    if dn:
        trace.per_line_discount_sum(discount)
    trace.tax_total(amounts)


def _trace_subtotal(
    trace: Trace, invoice: Invoice, discount: int, subtotal: int, amounts: list[int]
) -> None:
    prepared = invoice.prepared
    trace.subtotal(
        prepared.item_actual,
        prepared.line_discount,
        invoice.discount_amount,
        discount,
        sum(amounts) if invoice.tax_inclusive else None,
        subtotal,
    )


def late_fees(
    invoice: Invoice, total_before_fees: int, as_of: int, trace: Trace | None = None
) -> Iterator[tuple[int, int, int]]:
    """Each late-fee boundary up to ``as_of`` (an ordinal day).

    Yields ``(day ordinal, fee, outstanding after the fee)``; the calculator's
    ``late_fee`` is the sum of the fees, and schedules list them. More than
    :data:`~invoicecalc._model.MAX_PERIODS` boundaries, or an outstanding
    amount beyond the supported range, is refused.
    """
    percentage, period = invoice.late_percentage, invoice.late_period_in_days
    if not percentage or period is None:
        return
    boundary = invoice.due_date.toordinal() + period
    if as_of >= boundary and (as_of - boundary) // period >= MAX_PERIODS:
        raise InvalidValueError(
            "late_period_in_days",
            period,
            f"gives more than {MAX_PERIODS} late-fee periods up to {dt.date.fromordinal(as_of)}",
        )
    rounding = invoice.policy.rounding
    rounder = ROUNDERS[rounding]
    num, den = percentage.as_integer_ratio()
    den *= 100
    payments = invoice.prepared.payments_by_day
    index, paid, fees = 0, 0, 0
    while boundary <= as_of:
        while index < len(payments) and payments[index][0] <= boundary:
            paid += payments[index][1]
            index += 1
        outstanding = total_before_fees + fees - paid
        fee = rounder(outstanding * num, den) if outstanding > 0 else 0
        fees = check_amount(fees + fee, "late_fee")
        if trace is not None:
            count = (boundary - invoice.due_date.toordinal()) // period - 1
            trace.late_fee(count, boundary, paid, outstanding, num, den, fee, fees, rounding)
        yield boundary, fee, outstanding + fee
        boundary += period


def _home(
    invoice: Invoice,
    settled: _Settlement,
    total: int,
    balance: int,
    trace: Trace | None = None,
) -> HomeTotals | None:
    home = invoice.home_currency
    if home is None:
        return None
    num, den = home.rate.as_integer_ratio()
    shift = home.currency.exponent - invoice.currency.exponent
    if shift >= 0:
        num *= 10**shift
    else:
        den *= 10**-shift
    rounder = ROUNDERS[Rounding.HALF_UP]

    def convert(amount: int, field: str) -> int:
        home = check_amount(rounder(amount * num, den), f"home.{field}")
        if trace is not None:
            trace.home_amount(field, amount, num, den, home)
        return home

    return HomeTotals(
        currency=home.currency,
        subtotal=convert(settled.subtotal, "subtotal"),
        tax_amounts=tuple(
            convert(amount, f"taxes[{j}].amount") for j, amount in enumerate(settled.tax_amounts)
        ),
        tax_total=convert(sum(settled.tax_amounts), "tax_total"),
        total=convert(total, "total"),
        balance=convert(balance, "balance"),
    )


def calculate(invoice: Invoice, *, as_of: dt.date) -> Totals:
    """The totals of ``invoice`` as they stand on ``as_of``.

    >>> from decimal import Decimal
    >>> from invoicecalc import Currency, Invoice, LineItem, Tax
    >>> usd = Currency("USD")
    >>> invoice = Invoice(
    ...     usd, dt.date(2024, 3, 1), dt.date(2024, 3, 31),
    ...     lines=[LineItem(quantity=Decimal(3), unit_price=usd.price("10.00"))],
    ...     taxes=[Tax("VAT", Decimal(20))],
    ... )
    >>> totals = calculate(invoice, as_of=dt.date(2024, 3, 10))
    >>> totals.item_actual, totals.tax_total, totals.total
    (3000, 600, 3600)
    """
    if type(invoice) is not Invoice and not isinstance(invoice, Invoice):
        raise InvalidTypeError("invoice", invoice, "must be an Invoice")
    if type(as_of) is not dt.date:
        raise InvalidTypeError("as_of", as_of, "must be a datetime.date")
    return totals_of(invoice, as_of, None)


def totals_of(invoice: Invoice, as_of: dt.date, trace: Trace | None) -> Totals:
    """:func:`calculate`'s work, every step recorded on ``trace`` when it is not ``None``.

    ``invoice.prepared`` is taken as it is: to explain the lines too,
    :func:`~invoicecalc.explain` records them first (``prepare_traced``).
    """
    prepared = invoice.prepared
    last = as_of.toordinal()
    counted = [p for p in prepared.payments_by_day if p[0] <= last]
    payment_total = sum(amount for _, amount in counted)
    if trace is not None:
        _trace_payments(trace, invoice, last, payment_total)

    rate, periods = invoice.discount_percentage, 0
    if invoice.early_period_in_days is not None:
        rate, periods = _early_discount(invoice, counted, last, trace)
    elif trace is not None and rate:
        trace.plain_rate(rate)
    settled = _settle(invoice, rate, trace)
    # Each tax, though the total is inside (a withholding tax, a credit line or a post-tax
    # discount can offset it); a loop is quicker here than min() and max().
    for amount in settled.tax_amounts:
        if not -LIMIT < amount < LIMIT:
            _beyond(settled.tax_amounts, "amount")
    for base in settled.tax_bases:
        if not -LIMIT < base < LIMIT:
            _beyond(settled.tax_bases, "base")
    total_before_fees = settled.total
    late_fee = 0
    if invoice.late_percentage:
        late_fee = sum(fee for _, fee, _ in late_fees(invoice, total_before_fees, last, trace))
    total = check_amount(total_before_fees + late_fee, "total")
    balance = total - payment_total
    if trace is not None:
        _trace_total(trace, invoice, total_before_fees, late_fee, total, payment_total, balance)
    return Totals(
        currency=invoice.currency,
        as_of=as_of,
        item_cost=prepared.item_cost,
        item_profit=prepared.item_profit,
        item_actual=prepared.item_actual,
        item_taxable=prepared.item_taxable,
        line_discount=prepared.line_discount,
        discount=settled.discount,
        discount_percentage=rate,
        early_periods=periods,
        subtotal=settled.subtotal,
        invoice_taxes=invoice.taxes,
        tax_amounts=settled.tax_amounts,
        tax_bases=settled.tax_bases,
        cash_rounding=settled.cash_rounding,
        late_fee=late_fee,
        total=total,
        payment_total=payment_total,
        balance=balance,
        total_quantity=invoice.total_quantity,
        line_amounts=prepared.lines,
        home=_home(invoice, settled, total, balance, trace),
    )


def _beyond(amounts: Sequence[int], name: str) -> None:
    """Refuse the first of a tax's ``amounts`` (or bases) past the supported range."""
    for j, amount in enumerate(amounts):
        check_amount(amount, f"taxes[{j}].{name}")


def _trace_payments(trace: Trace, invoice: Invoice, last: int, payment_total: int) -> None:
    for index, payment in enumerate(invoice.payments):
        trace.payment(
            index, payment.date.toordinal(), payment.amount, payment.date.toordinal() <= last
        )
    trace.payment_total(payment_total)


def _trace_total(
    trace: Trace, invoice: Invoice, before: int, late_fee: int, total: int, paid: int, balance: int
) -> None:
    trace.late_fee_total(late_fee, bool(invoice.late_percentage))
    trace.total(before, late_fee, total, paid, balance)


def early_discount_rate(invoice: Invoice, periods: int) -> Decimal:
    """The discount percentage earned for ``periods`` early periods (capped at 100)."""
    return min(_HUNDRED, EXACT.multiply(invoice.discount_percentage, Decimal(periods)))


def early_periods_available(invoice: Invoice) -> int:
    """``k_max``: how many early-payment periods end on or after the invoice date."""
    period = invoice.early_period_in_days
    if period is None:
        return 0
    return max(0, (invoice.due_date - invoice.invoice_date).days // period)


#: The most work the early-payment search may do trying periods one by one: periods
#: times the steps of one settlement (taxes + 1, per line under per-line rounding);
#: about a second. See :func:`_k_settled`.
MAX_SEARCH = 2_000_000


def _never_rises(invoice: Invoice) -> bool:
    """Whether ``total_before_fees`` never rises with the discount rate: with no line's
    discounted net below 0 and no withholding tax, every amount the rate changes is a
    rounding (monotone) of a sum that moves one way, so the total can only fall."""
    return min(invoice.prepared.discounted, default=0) >= 0 and not any(
        tax.withholding for tax in invoice.taxes
    )


def _k_settled(
    invoice: Invoice,
    counted: Sequence[tuple[int, int]],
    top: int,
    k_offer: int,
    trace: Trace | None,
) -> int | None:
    """The largest k in ``(k_offer, top]`` whose deadline's payments cover the total at
    its rate, or None.

    The payments by k's deadline change only at ``floor((due - d) / P)`` for each
    payment day d; between two such k they are the same. When the total never rises
    with the rate (:func:`_never_rises`), the highest k of such a run needs the least,
    so it alone is tried for the run: the search is then linear in the payments, not
    in the periods. Otherwise every k is tried, largest first, up to
    :data:`MAX_SEARCH` steps of settlement.
    """
    period = invoice.early_period_in_days
    assert period is not None
    due = invoice.due_date.toordinal()
    skip = _never_rises(invoice)
    # Tried one by one, each period costs a settlement: its taxes, over every line when
    # each line is rounded.
    steps = len(invoice.taxes) + 1
    if invoice.policy.tax_rounding is TaxRounding.PER_LINE:
        steps *= max(1, len(invoice.lines))
    allowed = MAX_SEARCH // steps
    index, paid, k = 0, 0, top
    while k > k_offer:
        if not skip and top - k >= allowed:
            raise InvalidValueError(
                "early_period_in_days",
                period,
                f"would have the early-payment search try more than {allowed} periods one "
                f"by one (a line's net below 0 or a withholding tax makes each period's "
                f"total its own); at most {MAX_SEARCH} periods times the steps of one "
                f"settlement are supported",
            )
        deadline = due - k * period
        while index < len(counted) and counted[index][0] <= deadline:
            paid += counted[index][1]
            index += 1
        rate = early_discount_rate(invoice, k)
        needed = _settle(invoice, rate).total
        if trace is not None:
            trace.early_try(k, deadline, index, paid, rate, needed)
        if paid >= needed:
            return k
        if not skip:
            k -= 1
            continue
        # The next k whose deadline counts one more payment (none: below k_offer).
        after = (due - counted[index][0]) // period if index < len(counted) else k_offer
        after = max(after, k_offer)
        if trace is not None and after < k - 1:
            trace.early_skipped(k, after + 1, index, paid)
        k = after
    return None


def _early_discount(
    invoice: Invoice,
    counted: Sequence[tuple[int, int]],
    as_of: int,
    trace: Trace | None = None,
) -> tuple[Decimal, int]:
    """The early-payment rate and the periods it is for: ``max(k_settled, k_offer)``."""
    period = invoice.early_period_in_days
    assert period is not None
    k_max = early_periods_available(invoice)
    if trace is not None:
        trace.early_k_max(k_max, invoice.invoice_date, invoice.due_date, period)
    if k_max < 1:
        if trace is not None:
            trace.early_choice(None, 0, 0, invoice.discount_percentage, _ZERO)
        return _ZERO, 0
    due = invoice.due_date.toordinal()
    k_offer = min(k_max, (due - as_of) // period) if as_of < due else 0
    if counted:
        # Only periods whose deadline is on or after the first payment can be settled.
        top = min(k_max, (due - counted[0][0]) // period)
        settled = _k_settled(invoice, counted, top, k_offer, trace)
        if settled is not None:
            rate = early_discount_rate(invoice, settled)
            if trace is not None:
                trace.early_offer(k_offer, as_of, due, period)
                trace.early_choice(settled, k_offer, settled, invoice.discount_percentage, rate)
            return rate, settled
    rate = early_discount_rate(invoice, k_offer)
    if trace is not None:
        trace.early_offer(k_offer, as_of, due, period)
        trace.early_choice(None, k_offer, k_offer, invoice.discount_percentage, rate)
    return rate, k_offer
