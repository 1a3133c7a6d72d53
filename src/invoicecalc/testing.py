"""Hypothesis strategies for invoices, for your tests and ours.

Needs the ``testing`` extra (``pip install invoicecalc[testing]``). Every
strategy builds valid values only; switch features off to stay inside what
a format can express::

    from invoicecalc.testing import invoices

    @given(invoices(late=False, markup=False, tax_inclusive=False))
    def test_round_trip(invoice): ...

``invoices(**V1_ONLY)`` draws only what engine v1 could express (no line
discounts, amount discounts, selective compounding, withholding, tax-inclusive
prices, cash rounding, home currency or ``Rounding.UP``).

Importing this module registers the types with hypothesis, so
``st.from_type(Invoice)`` (and ``LineItem``, ``Tax``, ``Payment``, ``Policy``,
``Currency``, ``CashRounding``, ``HomeCurrency``) draws from these strategies.

Strategies that aim at the hard cases on purpose: :func:`tie_line_items`
(costs, markups and line discounts exactly on half a minor unit, either sign),
:func:`boundary_rates` (rates whose denominators differ), and
:func:`boundary_invoices` (payments on, the day before and the day after an
early-payment deadline or a late-fee boundary, several payments before one
deadline, and an ``as_of`` next to them).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from decimal import Context, Decimal, Inexact
from fractions import Fraction
from typing import Any

import attrs
from hypothesis import strategies as st

from . import (
    Amount,
    CashRounding,
    Currency,
    DiscountBase,
    HomeCurrency,
    Invoice,
    LineItem,
    LineKind,
    Payment,
    Policy,
    Price,
    Rounding,
    Tax,
    TaxRounding,
    calculate,
)

__all__ = [
    "CASH_CURRENCIES",
    "EXPONENT_CURRENCIES",
    "V1_ONLY",
    "as_of_dates",
    "boundary_invoices",
    "boundary_rates",
    "cash_roundings",
    "currencies",
    "decimals",
    "home_currencies",
    "invoices",
    "line_actual_and_net",
    "line_items",
    "policies",
    "taxes",
    "tie_line_items",
]

#: One currency for each exponent babel knows: JPY 0, USD 2, BHD 3, CLF 4.
EXPONENT_CURRENCIES = ("JPY", "USD", "BHD", "CLF")
#: Currencies with a CLDR cash rounding: CHF 0.05, SEK 1.00, DKK 0.50, HUF 5.
CASH_CURRENCIES = ("CHF", "SEK", "DKK", "HUF")
#: Every v2 feature switched off: ``invoices(**V1_ONLY)`` draws v1 invoices.
V1_ONLY: dict[str, Any] = {
    "line_discounts": False,
    "discount_amount": False,
    "selective": False,
    "withholding": False,
    "tax_inclusive": False,
    "cash_rounding": False,
    "home_currency": False,
    "roundings": (Rounding.HALF_UP, Rounding.HALF_EVEN, Rounding.DOWN),
}
# Letters plus what markup formats must escape.
_TITLE_CHARACTERS = "abcz AZ09-&<>\"'éü€"
_EXACT = Context(prec=200, traps=[Inexact])
_HALF_MODES = ("half_up", "half_even")


def decimals(low: int, high: int, places: int) -> st.SearchStrategy[Decimal]:
    """Exact decimals from ``low`` to ``high`` with at most ``places`` fraction digits."""
    scale = 10**places
    return st.integers(low * scale, high * scale).map(lambda n: Decimal(n).scaleb(-places))


def currencies(codes: Sequence[str] = EXPONENT_CURRENCIES) -> st.SearchStrategy[Currency]:
    """Currencies, by default one of every exponent (0, 2, 3, 4)."""
    return st.sampled_from([Currency(code) for code in codes])


def policies(roundings: Sequence[Rounding] = tuple(Rounding)) -> st.SearchStrategy[Policy]:
    """Every combination of rounding mode (of ``roundings``), tax rounding and discount base."""
    return st.builds(
        Policy,
        st.sampled_from(tuple(roundings)),
        st.sampled_from(TaxRounding),
        st.sampled_from(DiscountBase),
    )


# -- the amounts a line comes to, worked out here (not by the engine) --------------------


def _round(x: Fraction, mode: Rounding) -> int:
    """``x`` rounded to an integer in ``mode`` (half_up is half away from zero)."""
    whole, rest = divmod(abs(x.numerator), x.denominator)
    twice = 2 * rest
    if mode == "half_up":
        whole += twice >= x.denominator
    elif mode == "half_even":
        whole += twice > x.denominator or (twice == x.denominator and whole % 2 == 1)
    elif mode == "up":
        whole += rest > 0
    return -whole if x < 0 else whole


def _actual(
    quantity: Decimal, unit_price: Decimal, flat_fee: int, markup: Decimal, rounding: Rounding
) -> int:
    cost = flat_fee + _round(Fraction(quantity) * Fraction(unit_price), rounding)
    return cost + _round(cost * Fraction(markup) / 100, rounding)


def line_actual_and_net(line: LineItem, rounding: Rounding) -> tuple[int, int]:
    """The line's ``(actual, net)`` under ``rounding``, from the spec's line rules.

    ``net`` is the actual less the line's own discount (percentage or amount); the
    strategies use it for the bounds of line and document discount amounts.
    """
    actual = _actual(
        line.quantity, line.unit_price, line.flat_fee, line.markup_percentage, rounding
    )
    if line.discount_percentage is not None:
        own = _round(actual * Fraction(line.discount_percentage) / 100, rounding)
    elif line.discount_amount is not None:
        own = line.discount_amount if actual > 0 else -line.discount_amount if actual < 0 else 0
    else:
        own = 0
    return actual, actual - own


# -- taxes ----------------------------------------------------------------------------------


def boundary_rates() -> st.SearchStrategy[Decimal]:
    """Tax rates whose exact ratios have different denominators (1/20, 3/40, 71/800,
    399/4000, 1/8, 1/16, 1/1000, 49/250, 21/1000, ...), and 10 and 50 percent, which put
    amounts ending in 5 (or odd amounts) exactly on half a minor unit."""
    rates = ("5", "7.5", "8.875", "9.975", "12.5", "6.25", "0.001", "19.6", "2.1", "13", "10")
    return st.sampled_from([Decimal(rate) for rate in (*rates, "50", "0", "30")])


@st.composite
def taxes(
    draw: st.DrawFn,
    *,
    max_taxes: int = 3,
    compound: bool = True,
    selective: bool = True,
    withholding: bool = True,
    rates: st.SearchStrategy[Decimal] | None = None,
) -> tuple[Tax, ...]:
    """An ordered list of uniquely named taxes, rates 0 to 30 percent.

    A tax after the first may be compound on every earlier tax (``True``) or, with
    ``selective``, on a list of earlier non-withholding taxes; with ``withholding``
    a tax that is not compound may be withheld (negative amounts).
    """
    rate_strategy = decimals(0, 30, 3) if rates is None else rates
    made: list[Tax] = []
    for index in range(draw(st.integers(0, max_taxes))):
        rate = draw(rate_strategy)
        held = withholding and draw(st.integers(0, 3)) == 0
        how: bool | tuple[str, ...] = False
        earlier = [tax.name for tax in made if not tax.withholding]
        if compound and not held and index > 0:
            choices = ["no", "every"] + (["some"] if selective and earlier else [])
            kind = draw(st.sampled_from(choices))
            if kind == "every":
                how = True
            elif kind == "some":
                chosen = draw(st.lists(st.sampled_from(earlier), min_size=1, unique=True))
                how = tuple(name for name in earlier if name in chosen)
        made.append(Tax(f"Tax {index + 1}", rate, how, withholding=held))
    return tuple(made)


# -- lines ----------------------------------------------------------------------------------


@st.composite
def line_items(
    draw: st.DrawFn,
    currency: Currency,
    tax_names: Sequence[str] = (),
    *,
    markup: bool = True,
    flat_fees: bool = True,
    fractional_prices: bool = True,
    non_taxable: bool = True,
    negative: bool = True,
    name_taxes: bool = True,
    quantity_ranges: bool = False,
    line_discounts: bool = True,
    rounding: Rounding = Rounding.HALF_UP,
    kinds: Sequence[LineKind] = tuple(LineKind),
) -> LineItem:
    """A line in ``currency``: quantity up to 4 places, price up to 2 places finer than
    the currency, flat fee and markup optional; it may name some of ``tax_names``.
    With ``line_discounts``, a discount percentage or a discount amount (at most the
    line's actual amount under ``rounding``: give the invoice's rounding mode).
    With ``quantity_ranges``, an estimate's ``quantity_low`` and ``quantity_high``
    (each may be missing; the high one is never below the low one)."""
    major = 10**currency.exponent
    low = -1 if negative else 0
    price_places = 2 if fractional_prices else 0
    quantity = draw(decimals(100 * low, 1000, 4))
    unit_price = draw(decimals(100_000 * major * low, 100_000 * major, price_places))
    flat_fee = draw(st.integers(10_000 * major * low, 10_000 * major)) if flat_fees else 0
    markup_percentage = draw(decimals(0, 100, 2)) if markup else Decimal(0)
    taxable = draw(st.booleans()) if non_taxable else True
    named: tuple[str, ...] = ()
    if taxable and tax_names and name_taxes:
        named = tuple(draw(st.lists(st.sampled_from(tax_names), unique=True)))
    named = tuple(name for name in tax_names if name in named)  # invoice order
    quantity_low = quantity_high = None
    if quantity_ranges:
        quantity_low = draw(st.none() | decimals(100 * low, 1000, 4))
        base = quantity if quantity_low is None else quantity_low
        quantity_high = draw(st.none() | decimals(0, 1000, 4).map(lambda d: _EXACT.add(base, d)))
    discount_percentage: Decimal | None = None
    discount_amount: int | None = None
    if line_discounts:
        kind = draw(st.sampled_from(["none", "percentage", "amount"]))
        if kind == "percentage":
            discount_percentage = draw(
                st.sampled_from([Decimal(0), Decimal(100)]) | decimals(0, 100, 2)
            )
        elif kind == "amount":
            actual = _actual(quantity, unit_price, flat_fee, markup_percentage, rounding)
            bound = abs(actual)
            discount_amount = draw(st.sampled_from([0, bound]) | st.integers(0, bound))
    return LineItem(
        kind=draw(st.sampled_from(kinds)),
        title=draw(st.text(_TITLE_CHARACTERS, max_size=12)),
        quantity=quantity,
        unit_price=Price(unit_price, currency.code),
        flat_fee=Amount(flat_fee, currency.code),
        markup_percentage=markup_percentage,
        taxable=taxable,
        taxes=named,
        quantity_low=quantity_low,
        quantity_high=quantity_high,
        discount_percentage=discount_percentage,
        discount_amount=None if discount_amount is None else Amount(discount_amount, currency.code),
    )


@st.composite
def tie_line_items(
    draw: st.DrawFn,
    currency: Currency,
    tax_names: Sequence[str] = (),
    *,
    negative: bool = True,
    line_discounts: bool = True,
) -> LineItem:
    """A line whose cost, markup or own discount is exactly half a minor unit past a
    whole one (either sign, when ``negative``): ``q * p`` = n + 1/2, or an odd cost
    with 50% markup, or a cost ending in 5 with 10% markup, or an odd amount with a
    50% line discount. The rounding mode then decides every one of them."""
    sign = draw(st.sampled_from([1, -1])) if negative else 1
    odd = sign * (2 * draw(st.integers(0, 10**currency.exponent * 1000)) + 1)
    where = draw(st.sampled_from(["cost", "cost", "markup", "markup10", "discount"]))
    quantity, unit_price, flat_fee, markup = Decimal(1), Decimal(0), 0, Decimal(0)
    percentage: Decimal | None = None
    if where == "cost":
        if draw(st.booleans()):
            unit_price = _EXACT.multiply(Decimal(odd), Decimal("0.5"))
        else:
            quantity, unit_price = Decimal("0.5"), Decimal(odd)
    elif where == "markup":
        flat_fee, markup = odd, Decimal(50)
    elif where == "markup10":
        flat_fee, markup = 5 * odd, Decimal(10)
    else:
        flat_fee = odd
        percentage = Decimal(50) if line_discounts else None
    named: tuple[str, ...] = ()
    some = draw(st.booleans())
    if some and tax_names:
        chosen = draw(st.lists(st.sampled_from(tax_names), unique=True))
        named = tuple(name for name in tax_names if name in chosen)
    return LineItem(
        quantity=quantity,
        unit_price=Price(unit_price, currency.code),
        flat_fee=Amount(flat_fee, currency.code),
        markup_percentage=markup,
        taxes=named,
        discount_percentage=percentage,
    )


# -- cash rounding, home currency ---------------------------------------------------------------


def cash_roundings(
    currency: Currency, roundings: Sequence[Rounding] = tuple(Rounding)
) -> st.SearchStrategy[CashRounding]:
    """The currency's own CLDR cash rounding, or an explicit increment (1 minor unit up to
    10 major units, often a coin: 5, 10, 50, 100 minor units) in the invoice's mode or
    one of its own."""
    major = 10**currency.exponent
    increments = (
        st.sampled_from([1, 2, 5, 10, 25, 50, 100, major, 5 * major]) | st.integers(1, 10 * major)
    ).map(lambda minor: Amount(minor, currency.code))
    explicit = st.builds(CashRounding, increments, st.none() | st.sampled_from(tuple(roundings)))
    return st.just(CashRounding.of_currency(currency)) | explicit


def home_currencies(
    codes: Sequence[str] = (*EXPONENT_CURRENCIES, "EUR"),
) -> st.SearchStrategy[HomeCurrency]:
    """A home currency of any exponent at a positive exact rate (0.000001 to 200,
    up to 6 places, or a round one)."""
    rates = st.integers(1, 200 * 10**6).map(lambda n: Decimal(n).scaleb(-6)) | st.sampled_from(
        [Decimal(1), Decimal("0.5"), Decimal("0.0025"), Decimal("1.25"), Decimal(150)]
    )
    return st.builds(HomeCurrency, currencies(codes), rates)


# -- invoices -----------------------------------------------------------------------------------


@st.composite
def invoices(
    draw: st.DrawFn,
    *,
    currency_codes: Sequence[str] = EXPONENT_CURRENCIES,
    min_lines: int = 0,
    max_lines: int = 8,
    max_taxes: int = 3,
    compound: bool = True,
    markup: bool = True,
    flat_fees: bool = True,
    fractional_prices: bool = True,
    non_taxable: bool = True,
    negative: bool = True,
    name_taxes: bool = True,
    quantity_ranges: bool = False,
    kinds: Sequence[LineKind] = tuple(LineKind),
    discount: bool = True,
    early: bool = True,
    late: bool = True,
    payments: bool = True,
    policy: Policy | None = None,
    line_discounts: bool = True,
    discount_amount: bool = True,
    selective: bool = True,
    withholding: bool = True,
    tax_inclusive: bool | None = None,
    cash_rounding: bool = True,
    home_currency: bool = True,
    roundings: Sequence[Rounding] = tuple(Rounding),
    rates: st.SearchStrategy[Decimal] | None = None,
) -> Invoice:
    """A valid invoice; each keyword switches one feature off (or fixes the policy).

    ``tax_inclusive`` is drawn when ``None``, always on with ``True``, off with
    ``False``; a tax-inclusive invoice has no withholding tax. ``discount`` is the
    percentage discount, ``discount_amount`` the fixed one (drawn up to the lines'
    positive nets, sometimes exactly that). ``roundings`` limits the drawn rounding
    modes (and cash-rounding modes); ``rates`` replaces the tax-rate strategy.
    """
    currency = draw(currencies(currency_codes))
    chosen_policy = draw(policies(roundings)) if policy is None else policy
    rounding = chosen_policy.rounding
    inclusive = draw(st.booleans()) if tax_inclusive is None else tax_inclusive
    invoice_date = draw(st.dates(dt.date(2000, 1, 1), dt.date(2040, 12, 31)))
    due_date = invoice_date + dt.timedelta(days=draw(st.integers(-5, 90)))
    tax_list = draw(
        taxes(
            max_taxes=max_taxes,
            compound=compound,
            selective=selective,
            withholding=withholding and not inclusive,
            rates=rates,
        )
    )
    names = [tax.name for tax in tax_list]
    lines = draw(
        st.lists(
            line_items(
                currency,
                names,
                markup=markup,
                flat_fees=flat_fees,
                fractional_prices=fractional_prices,
                non_taxable=non_taxable,
                negative=negative,
                name_taxes=name_taxes,
                quantity_ranges=quantity_ranges,
                line_discounts=line_discounts,
                rounding=rounding,
                kinds=kinds,
            ),
            min_size=min_lines,
            max_size=max_lines,
        )
    )
    discount_percentage = Decimal(0)
    early_period = None
    if discount and draw(st.booleans()):
        early_period = draw(st.none() | st.integers(1, 30)) if early else None
        discount_percentage = draw(decimals(0, 5 if early_period else 100, 2))
    amount_off = 0
    if discount_amount and draw(st.booleans()):
        bound = sum(max(0, line_actual_and_net(line, rounding)[1]) for line in lines)
        amount_off = draw(st.sampled_from([0, bound]) | st.integers(0, bound))
    late_percentage = late_period = None
    if late and draw(st.booleans()):
        late_period = draw(st.integers(1, 60))
        # Up to 10% a period, or 2% for periods under a week, so that fees compounding
        # until the latest as_of_dates() (400 days past due) stay inside the engine's
        # 10**18 bound: 1.1 ** (400 / 7) and 1.02 ** 400 are both below 3,000.
        late_percentage = draw(decimals(0, 10 if late_period >= 7 else 2, 2))
    paid: list[Payment] = []
    if payments:
        major = 10**currency.exponent
        paid = draw(
            st.lists(
                st.builds(
                    Payment,
                    date=st.dates(
                        invoice_date - dt.timedelta(days=5), due_date + dt.timedelta(days=200)
                    ),
                    amount=st.integers(1, 100_000 * major).map(
                        lambda minor: Amount(minor, currency.code)
                    ),
                ),
                max_size=3,
            )
        )
    cash = None
    if cash_rounding and draw(st.booleans()):
        cash = draw(cash_roundings(currency, roundings))
    home = None
    if home_currency and draw(st.booleans()):
        home = draw(home_currencies())
        if home.currency == currency:  # the invoice's own currency converts at 1 only
            home = HomeCurrency(currency, Decimal(1))
    return Invoice(
        currency,
        invoice_date,
        due_date,
        lines=lines,
        taxes=tax_list,
        discount_percentage=discount_percentage,
        early_period_in_days=early_period,
        late_percentage=late_percentage,
        late_period_in_days=late_period,
        payments=paid,
        policy=chosen_policy,
        discount_amount=Amount(amount_off, currency.code),
        tax_inclusive=inclusive,
        cash_rounding=cash,
        home_currency=home,
    )


def as_of_dates(invoice: Invoice) -> st.SearchStrategy[dt.date]:
    """Dates from shortly before the invoice date to well after the due date."""
    return st.dates(
        invoice.invoice_date - dt.timedelta(days=10), invoice.due_date + dt.timedelta(days=400)
    )


# -- boundaries on purpose (issue 12) --------------------------------------------------------------


def _split(draw: st.DrawFn, amount: int, parts: int) -> list[int]:
    """``amount`` (positive) in up to ``parts`` positive pieces."""
    parts = max(1, min(parts, amount))
    if parts == 1:
        return [amount]
    cuts = st.lists(st.integers(1, amount - 1), min_size=parts - 1, max_size=parts - 1, unique=True)
    edges = [0, *sorted(draw(cuts)), amount]
    return [b - a for a, b in itertools.pairwise(edges)]


@st.composite
def boundary_invoices(draw: st.DrawFn, /, **switches: Any) -> tuple[Invoice, dt.date]:
    """An invoice and an ``as_of`` aimed at the hard cases.

    Lines whose amounts tie exactly on half a minor unit beside ordinary ones, rates
    with different denominators, early-payment terms and late fees; payments dated on,
    the day before or the day after an early deadline or a late-fee boundary (sometimes
    several, before one deadline), for about what is owed then (exactly it, one minor
    unit less or more), and an ``as_of`` on or next to those dates. ``switches`` go to
    :func:`invoices` (``payments``, ``early``, ``late`` and ``rates`` are set here). So
    that something is owed, the ordinary lines are at least one and not negative unless
    ``negative=True`` is given; the tie lines take either sign unless ``negative=False``.
    """
    switches = {
        key: value
        for key, value in switches.items()
        if key not in ("payments", "early", "late", "rates")
    }
    ordinary = {"min_lines": 1, "negative": False, **switches}
    drawn = draw(
        invoices(payments=False, early=False, late=False, rates=boundary_rates(), **ordinary)
    )
    names = [tax.name for tax in drawn.taxes]
    ties = draw(
        st.lists(
            tie_line_items(
                drawn.currency,
                names,
                negative=switches.get("negative", True),
                line_discounts=switches.get("line_discounts", True),
            ),
            max_size=3,
        )
    )
    lines = list(drawn.lines) + ties
    lines = draw(st.permutations(lines))
    period = draw(st.integers(1, 15))
    days = draw(st.integers(period, 60))
    due = drawn.invoice_date + dt.timedelta(days=days)
    late_period = draw(st.integers(1, 30))
    invoice = attrs.evolve(
        drawn,
        lines=lines,
        due_date=due,
        discount_percentage=draw(st.sampled_from([Decimal(1), Decimal("2.5")]) | decimals(0, 5, 2)),
        early_period_in_days=period,
        late_percentage=draw(st.sampled_from([Decimal(1), Decimal("1.5")]) | decimals(0, 10, 2)),
        late_period_in_days=late_period,
    )
    k_max = days // period
    target = draw(st.sampled_from(["early", "late"]))
    if target == "early":
        k = draw(st.integers(1, k_max))
        mark = due - dt.timedelta(days=k * period)
        owed = calculate(invoice, as_of=mark).total_before_fees  # k periods offered then
    else:
        mark = due + dt.timedelta(days=draw(st.integers(1, 4)) * late_period)
        owed = calculate(invoice, as_of=due).total_before_fees  # no period offered
    paid_on = mark + dt.timedelta(days=draw(st.sampled_from([-1, 0, 1])))
    # Exactly what is owed, one minor unit less or more, or about half of it.
    amount = max(1, draw(st.sampled_from([owed, owed, owed - 1, owed + 1, owed // 2])))
    pieces = _split(draw, amount, draw(st.integers(1, 3)))
    dates = [paid_on - dt.timedelta(days=draw(st.integers(0, 3))) for _ in pieces[1:]]
    code = invoice.currency.code
    paid = [
        Payment(date, Amount(piece, code))
        for date, piece in zip([paid_on, *dates], pieces, strict=True)
    ]
    if draw(st.booleans()):  # a later payment, which counts only from its date on
        later = mark + dt.timedelta(days=draw(st.integers(2, 90)))
        paid.append(Payment(later, Amount(amount, code)))
    invoice = attrs.evolve(invoice, payments=draw(st.permutations(paid)))
    as_of = draw(
        st.sampled_from([mark, paid_on]).flatmap(
            lambda day: st.sampled_from(
                [day - dt.timedelta(days=1), day, day + dt.timedelta(days=1)]
            )
        )
        | as_of_dates(invoice)
    )
    return invoice, as_of


# -- st.from_type -------------------------------------------------------------------------------


def _one_tax() -> st.SearchStrategy[Tax]:
    return st.builds(Tax, st.sampled_from(["VAT", "GST", "PST", "Tax 1"]), decimals(0, 30, 3))


st.register_type_strategy(Currency, currencies())
st.register_type_strategy(Policy, policies())
st.register_type_strategy(Tax, _one_tax())
st.register_type_strategy(LineItem, currencies().flatmap(line_items))
st.register_type_strategy(
    Payment,
    st.builds(
        Payment,
        st.dates(dt.date(2000, 1, 1), dt.date(2040, 12, 31)),
        st.tuples(st.integers(1, 10**9), currencies()).map(
            lambda drawn: Amount(drawn[0], drawn[1].code)
        ),
    ),
)
st.register_type_strategy(CashRounding, currencies().flatmap(cash_roundings))
st.register_type_strategy(HomeCurrency, home_currencies())
st.register_type_strategy(Invoice, invoices())
