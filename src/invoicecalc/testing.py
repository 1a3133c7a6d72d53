"""Hypothesis strategies for invoices, for your tests and ours.

Needs the ``testing`` extra (``pip install invoicecalc[testing]``). Every
strategy builds valid values only; switch features off to stay inside what
a format can express::

    from invoicecalc.testing import invoices

    @given(invoices(late=False, markup=False))
    def test_round_trip(invoice): ...
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from hypothesis import strategies as st

from ._model import DiscountBase, Invoice, LineItem, LineKind, Payment, Policy, Tax, TaxRounding
from ._money import EXACT, Amount, Currency, Price, Rounding

__all__ = [
    "EXPONENT_CURRENCIES",
    "as_of_dates",
    "currencies",
    "decimals",
    "invoices",
    "line_items",
    "policies",
    "taxes",
]

#: One currency for each exponent babel knows: JPY 0, USD 2, BHD 3, CLF 4.
EXPONENT_CURRENCIES = ("JPY", "USD", "BHD", "CLF")
# Letters plus what markup formats must escape.
_TITLE_CHARACTERS = "abcz AZ09-&<>\"'éü€"


def decimals(low: int, high: int, places: int) -> st.SearchStrategy[Decimal]:
    """Exact decimals from ``low`` to ``high`` with at most ``places`` fraction digits."""
    scale = 10**places
    return st.integers(low * scale, high * scale).map(lambda n: Decimal(n).scaleb(-places))


def currencies(codes: Sequence[str] = EXPONENT_CURRENCIES) -> st.SearchStrategy[Currency]:
    """Currencies, by default one of every exponent (0, 2, 3, 4)."""
    return st.sampled_from([Currency(code) for code in codes])


def policies() -> st.SearchStrategy[Policy]:
    """Every combination of rounding mode, tax rounding and discount base."""
    return st.builds(
        Policy,
        st.sampled_from(Rounding),
        st.sampled_from(TaxRounding),
        st.sampled_from(DiscountBase),
    )


def taxes(*, max_taxes: int = 3, compound: bool = True) -> st.SearchStrategy[tuple[Tax, ...]]:
    """An ordered list of uniquely named taxes, rates 0 to 30 percent."""
    rate_and_compound = st.tuples(decimals(0, 30, 3), st.booleans() if compound else st.just(False))
    return st.lists(rate_and_compound, max_size=max_taxes).map(
        lambda found: tuple(
            Tax(f"Tax {i + 1}", rate, is_compound and i > 0)
            for i, (rate, is_compound) in enumerate(found)
        )
    )


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
    kinds: Sequence[LineKind] = tuple(LineKind),
) -> LineItem:
    """A line in ``currency``: quantity up to 4 places, price up to 2 places finer than
    the currency, flat fee and markup optional; it may name some of ``tax_names``.
    With ``quantity_ranges``, an estimate's ``quantity_low`` and ``quantity_high``
    (each may be missing; the high one is never below the low one)."""
    major = 10**currency.exponent
    low = -1 if negative else 0
    price_places = 2 if fractional_prices else 0
    quantity = draw(decimals(100 * low, 1000, 4))
    unit_price = draw(decimals(100_000 * major * low, 100_000 * major, price_places))
    flat_fee = draw(st.integers(10_000 * major * low, 10_000 * major)) if flat_fees else 0
    taxable = draw(st.booleans()) if non_taxable else True
    named: tuple[str, ...] = ()
    if taxable and tax_names and name_taxes:
        named = tuple(draw(st.lists(st.sampled_from(tax_names), unique=True)))
    named = tuple(name for name in tax_names if name in named)  # invoice order
    quantity_low = quantity_high = None
    if quantity_ranges:
        quantity_low = draw(st.none() | decimals(100 * low, 1000, 4))
        base = quantity if quantity_low is None else quantity_low
        quantity_high = draw(st.none() | decimals(0, 1000, 4).map(lambda d: EXACT.add(base, d)))
    return LineItem(
        kind=draw(st.sampled_from(kinds)),
        title=draw(st.text(_TITLE_CHARACTERS, max_size=12)),
        quantity=quantity,
        unit_price=Price(unit_price, currency.code),
        flat_fee=Amount(flat_fee, currency.code),
        markup_percentage=draw(decimals(0, 100, 2)) if markup else Decimal(0),
        taxable=taxable,
        taxes=named,
        quantity_low=quantity_low,
        quantity_high=quantity_high,
    )


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
) -> Invoice:
    """A valid invoice; each keyword switches one feature off (or fixes the policy)."""
    currency = draw(currencies(currency_codes))
    invoice_date = draw(st.dates(dt.date(2000, 1, 1), dt.date(2040, 12, 31)))
    due_date = invoice_date + dt.timedelta(days=draw(st.integers(-5, 90)))
    tax_list = draw(taxes(max_taxes=max_taxes, compound=compound))
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
    late_percentage = late_period = None
    if late and draw(st.booleans()):
        late_percentage = draw(decimals(0, 10, 2))
        late_period = draw(st.integers(1, 60))
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
        policy=draw(policies()) if policy is None else policy,
    )


def as_of_dates(invoice: Invoice) -> st.SearchStrategy[dt.date]:
    """Dates from shortly before the invoice date to well after the due date."""
    return st.dates(
        invoice.invoice_date - dt.timedelta(days=10), invoice.due_date + dt.timedelta(days=400)
    )
