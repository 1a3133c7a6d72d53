"""The Fraction reference (tests/test_reference.py) on examples worked by hand.

Each example is worked from the rules (docs/calculation.md) with the arithmetic in
the comments (amounts in minor units unless written with a decimal point), then
run through ``reference()`` only. Where a public number comes from a system with
another convention, the comment says what that system reports and how the spec
differs.

The invoices are stand-ins (small dataclasses with the attribute names of the v2
API note), so that these run before the v2 model exists; once it does, they can
be built as real ``Invoice`` objects and also run through ``calculate()``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from babel.core import get_global
from babel.numbers import get_currency_precision

from test_reference import allocate, reference, rnd

# -- stand-ins with the v2 attribute names -----------------------------------------


@dataclasses.dataclass(frozen=True)
class Cur:
    code: str

    @property
    def exponent(self) -> int:
        precision: int = get_currency_precision(self.code)
        return precision


@dataclasses.dataclass(frozen=True)
class Line:
    unit_price: Decimal = Decimal(0)
    quantity: Decimal = Decimal(1)
    flat_fee: int = 0
    markup_percentage: Decimal = Decimal(0)
    taxable: bool = True
    taxes: tuple[str, ...] = ()
    discount_percentage: Decimal | None = None
    discount_amount: int | None = None


@dataclasses.dataclass(frozen=True)
class T:
    name: str
    rate: Decimal
    compound: bool | tuple[str, ...] = False
    withholding: bool = False


@dataclasses.dataclass(frozen=True)
class Pol:
    rounding: str = "half_up"
    tax_rounding: str = "per_document"
    discount_base: str = "pre_tax"


@dataclasses.dataclass(frozen=True)
class Cash:
    increment: int
    rounding: str | None = None


@dataclasses.dataclass(frozen=True)
class Home:
    currency: Cur
    rate: Decimal


@dataclasses.dataclass(frozen=True)
class Pay:
    date: dt.date
    amount: int


@dataclasses.dataclass(frozen=True)
class Inv:
    currency: Cur
    lines: tuple[Line, ...]
    taxes: tuple[T, ...] = ()
    invoice_date: dt.date = dt.date(2024, 1, 1)
    due_date: dt.date = dt.date(2024, 1, 31)
    discount_percentage: Decimal = Decimal(0)
    discount_amount: int = 0
    early_period_in_days: int | None = None
    late_percentage: Decimal | None = None
    late_period_in_days: int | None = None
    payments: tuple[Pay, ...] = ()
    policy: Pol = Pol()
    tax_inclusive: bool = False
    cash_rounding: Cash | None = None
    home_currency: Home | None = None


def inv(code: str, *lines: Line, **fields: Any) -> Inv:
    return Inv(Cur(code), lines, **fields)


def price(amount: str) -> Line:
    """A line of quantity 1 whose unit price is ``amount`` minor units."""
    return Line(unit_price=Decimal(amount))


D = Decimal
AS_OF = dt.date(2024, 1, 10)
POLICIES = [
    Pol(rounding, tax_rounding, base)
    for rounding in ("half_up", "half_even", "down", "up")
    for tax_rounding in ("per_document", "per_line")
    for base in ("pre_tax", "post_tax")
]


def currency_increment(code: str) -> int:
    """The spec's CLDR cash increment in minor units, straight from babel."""
    fractions = get_global("currency_fractions")
    if code not in fractions:
        return 1
    _digits, _rounding, cash_digits, cash_rounding = fractions[code]
    exponent: int = get_currency_precision(code)
    return int(10 ** (exponent - cash_digits) * max(1, cash_rounding))


# -- rounding ------------------------------------------------------------------------


def test_every_mode_on_ties_and_signs() -> None:
    # 2.5 and -2.5: half_up 3/-3 (away from zero), half_even 2/-2, down 2/-2, up 3/-3;
    # 2.1: up 3, down 2, the half modes 2; 3.5: half_even 4.
    cases = {
        "half_up": (3, -3, 2, 4),
        "half_even": (2, -2, 2, 4),
        "down": (2, -2, 2, 3),
        "up": (3, -3, 3, 4),
    }
    for mode, expected in cases.items():
        got = tuple(rnd(x, mode) for x in (Fraction(5, 2), Fraction(-5, 2), Fraction(21, 10)))
        assert (*got, rnd(Fraction(7, 2), mode)) == expected


def test_up_mode_on_a_japanese_consumption_tax() -> None:
    # JPY 1,001 at 10%: 100.1 yen -> up 101, half_up 100, down 100; a 1,001 credit -> -101.
    for mode, tax in (("up", 101), ("half_up", 100), ("down", 100)):
        r = reference(inv("JPY", price("1001"), taxes=(T("CT", D(10)),), policy=Pol(mode)), AS_OF)
        assert r["tax_amounts"] == [tax]
        assert r["total"] == 1001 + tax
    credit = inv("JPY", price("-1001"), taxes=(T("CT", D(10)),), policy=Pol("up"))
    assert reference(credit, AS_OF)["tax_amounts"] == [-101]


# -- the spec's own worked check -------------------------------------------------------


def test_freshbooks_worked_check() -> None:
    # Lines 15.00 (16% tax) and 34.00 (untaxed), 25% pre-tax discount, per_document:
    #   item_actual = 1500 + 3400 = 4900; discount = round(4900 * 0.25) = 1225 (12.25)
    #   exact net of the taxed line = 1500 * 0.75 = 1125; tax = round(1125 * 0.16) = 180
    #   subtotal = 4900 - 1225 = 3675; total = 3675 + 180 = 3855 (38.55)
    #   a 2.00 payment: balance 3855 - 200 = 3655 (36.55); the tax base is 11.25.
    invoice = inv(
        "USD",
        price("1500"),
        Line(unit_price=D(3400), taxable=False),
        taxes=(T("Tax", D(16)),),
        discount_percentage=D(25),
        payments=(Pay(dt.date(2024, 1, 5), 200),),
    )
    r = reference(invoice, AS_OF)
    assert (r["discount"], r["tax_amounts"], r["tax_bases"]) == (1225, [180], [1125])
    assert (r["subtotal"], r["total"], r["balance"]) == (3675, 3855, 3655)
    # per_line gives the same: discount round(375) + round(850) = 1225, tax round(180) = 180.
    per_line = dataclasses.replace(invoice, policy=Pol(tax_rounding="per_line"))
    assert reference(per_line, AS_OF)["total"] == 3855


# -- line discounts ----------------------------------------------------------------------


def test_line_discounts_percentage_and_amount() -> None:
    # Line 1: 3 x 19.99 = 5997, 15% off: round(5997 * 0.15) = round(899.55) = 900, net 5097.
    # Line 2: a credit of -20.00 with a 5.00 discount amount: sign(-2000) * 500 = -500,
    #   net -2000 - (-500) = -1500 (the discount shrinks the credit).
    # 10% tax on both: per_document round((5097 - 1500) * 0.1) = round(359.7) = 360.
    # subtotal = item_actual - line_discount = 3997 - 400 = 3597; total = 3597 + 360 = 3957.
    invoice = inv(
        "USD",
        Line(unit_price=D(1999), quantity=D(3), discount_percentage=D(15)),
        Line(unit_price=D(-2000), discount_amount=500),
        taxes=(T("VAT", D(10)),),
    )
    r = reference(invoice, AS_OF)
    assert r["lines"] == [(5997, 0, 5997, 900, 5097), (-2000, 0, -2000, -500, -1500)]
    assert (r["item_actual"], r["line_discount"], r["subtotal"]) == (3997, 400, 3597)
    assert (r["tax_amounts"], r["total"]) == ([360], 3957)
    # per_line: round(509.7) = 510 and round(-150) = -150: 360 as well.
    assert reference(dataclasses.replace(invoice, policy=Pol(tax_rounding="per_line")), AS_OF)[
        "tax_amounts"
    ] == [360]


# -- withholding ---------------------------------------------------------------------------


def test_spanish_irpf() -> None:
    # 1000.00 with IVA 21% and IRPF 15% withheld:
    #   IVA = round(100000 * 0.21) = 21000 (210.00)
    #   IRPF = -round(100000 * 0.15) = -15000 (-150.00); both bases 100000 (1000.00)
    #   total = 100000 + 21000 - 15000 = 106000 (1060.00)
    taxes = (T("IVA", D(21)), T("IRPF", D(15), withholding=True))
    for policy in POLICIES:
        r = reference(inv("EUR", price("100000"), taxes=taxes, policy=policy), AS_OF)
        assert r["tax_amounts"] == [21000, -15000]
        assert r["tax_bases"] == [100000, 100000]
        assert r["tax_total"] == 6000
        assert (r["subtotal"], r["total"]) == (100000, 106000)


def test_withholding_in_a_post_tax_discount_base() -> None:
    # The same with a 10% post-tax discount: taxes on the undiscounted line (21000, -15000);
    # discount = round((100000 + 21000 - 15000) * 0.1) = 10600; subtotal 89400;
    # total = 89400 + 6000 = 95400. Withholding counts with its sign in the base.
    taxes = (T("IVA", D(21)), T("IRPF", D(15), withholding=True))
    invoice = inv(
        "EUR",
        price("100000"),
        taxes=taxes,
        discount_percentage=D(10),
        policy=Pol(discount_base="post_tax"),
    )
    r = reference(invoice, AS_OF)
    assert (r["discount"], r["subtotal"], r["total"]) == (10600, 89400, 95400)


def test_compound_true_leaves_a_withholding_tax_out() -> None:
    # IVA 21, IRPF 15 (withheld), then a tax of 10% compound=True: its base is the net plus
    # IVA only: round((100000 + 21000) * 0.1) = 12100, base 121000.
    taxes = (T("IVA", D(21)), T("IRPF", D(15), withholding=True), T("X", D(10), compound=True))
    r = reference(inv("EUR", price("100000"), taxes=taxes), AS_OF)
    assert r["tax_amounts"] == [21000, -15000, 12100]
    assert r["tax_bases"] == [100000, 100000, 121000]


# -- selective compounding ------------------------------------------------------------------


def test_quebec_style_selective_compound() -> None:
    # Quebec before 2013: QST (8.5% in 2011) on the price plus GST only. A third levy ENV 1%
    # is not in QST's base. Line 1: 100.00 carries all; line 2: 33.33 carries QST only.
    #   GST = round(10000 * 0.05) = 500; ENV = round(10000 * 0.01) = 100
    #   QST per_document: (10000 + 500) * 0.085 + 3333 * 0.085 = 892.5 + 283.305
    #     = 1175.805 -> 1176; base round(10500 + 3333) = 13833
    #   QST per_line: round(892.5) = 893 + round(283.305) = 283 -> 1176; base 13833
    #   total = 13333 + 500 + 100 + 1176 = 15109 (151.09)
    taxes = (T("GST", D(5)), T("ENV", D(1)), T("QST", D("8.5"), compound=("GST",)))
    lines = (price("10000"), Line(unit_price=D(3333), taxes=("QST",)))
    for tax_rounding in ("per_document", "per_line"):
        r = reference(inv("CAD", *lines, taxes=taxes, policy=Pol(tax_rounding=tax_rounding)), AS_OF)
        assert r["tax_amounts"] == [500, 100, 1176]
        assert r["tax_bases"] == [10000, 10000, 13833]
        assert r["total"] == 15109
    # Line 1 alone under half_even per_line: QST round(892.5) = 892 (the tie goes to even).
    one = inv("CAD", lines[0], taxes=taxes, policy=Pol("half_even", "per_line"))
    assert reference(one, AS_OF)["tax_amounts"] == [500, 100, 892]
    # compound=True instead: QST on 10000 + 500 + 100 = 10600: round(901) = 901.
    every = (taxes[0], taxes[1], T("QST", D("8.5"), compound=True))
    assert reference(inv("CAD", lines[0], taxes=every), AS_OF)["tax_amounts"] == [500, 100, 901]


def test_rates_with_different_denominators() -> None:
    # Rates 1/3-ish and 1/7-ish over two lines: 7.5% (3/40) and 8.875% (71/800) on
    # 1001 and 999: per_document round((1001 + 999) * 0.075) = 150 and
    # round(2000 * 0.08875) = round(177.5) = 178 (half_up) / 178 (half_even: 177.5 -> 178).
    taxes = (T("A", D("7.5")), T("B", D("8.875")))
    r = reference(inv("USD", price("1001"), price("999"), taxes=taxes), AS_OF)
    assert r["tax_amounts"] == [150, 178]
    # per_line: A round(75.075) = 75 + round(74.925) = 75 -> 150;
    #           B round(88.83875) = 89 + round(88.66125) = 89 -> 178.
    r = reference(
        inv("USD", price("1001"), price("999"), taxes=taxes, policy=Pol(tax_rounding="per_line")),
        AS_OF,
    )
    assert r["tax_amounts"] == [150, 178]
    # down, per_document: 177.5 -> 177.
    r = reference(inv("USD", price("1001"), price("999"), taxes=taxes, policy=Pol("down")), AS_OF)
    assert r["tax_amounts"] == [150, 177]


# -- document discount amount -----------------------------------------------------------------


def test_largest_remainder_tie_goes_to_the_earlier_line() -> None:
    # Two lines of 10.05; 2.01 off (10% of 20.10): exact shares 201 * 1005 / 2010 = 100.5
    # each; floors 100 + 100 = 200, one unit left, the remainders tie (0.5) -> line 1.
    assert allocate(201, [1005, 1005]) == [101, 100]
    # Three lines 1, 1, 1 and 2 units: exact 2/3 each, floors 0; the first two get one.
    assert allocate(2, [1, 1, 1]) == [1, 1, 0]
    # Non-positive nets get nothing: 10 over (-500, 300, 0, 700): P = 1000,
    # exact 3 and 7 -> shares 3, 7.
    assert allocate(10, [-500, 300, 0, 700]) == [0, 3, 0, 7]
    # 100 over 100, 200, 300 (P = 600): exact 16.67, 33.33, 50 -> floors 16, 33, 50 (99),
    # the largest remainder is line 1's 0.67 -> 17, 33, 50.
    assert allocate(100, [100, 200, 300]) == [17, 33, 50]
    # All of P: every share is its whole net.
    assert allocate(600, [100, -7, 200, 300]) == [100, 0, 200, 300]


def test_amount_discount_over_a_taxed_and_an_untaxed_line() -> None:
    # Taxed line first: shares 101 / 100; taxed net 1005 - 101 = 904; tax 10%:
    #   round(90.4) = 90; subtotal = 2010 - 201 = 1809; total = 1899; discount 201.
    taxed, untaxed = price("1005"), Line(unit_price=D(1005), taxable=False)
    r = reference(inv("USD", taxed, untaxed, taxes=(T("T", D(10)),), discount_amount=201), AS_OF)
    assert (r["discount"], r["tax_amounts"], r["tax_bases"]) == (201, [90], [904])
    assert (r["subtotal"], r["total"]) == (1809, 1899)
    # Untaxed line first: it takes the 101; the taxed net is 1005 - 100 = 905:
    #   tax round(90.5) = 91 under half_up, 90 under half_even; total 1900 / 1899.
    r = reference(inv("USD", untaxed, taxed, taxes=(T("T", D(10)),), discount_amount=201), AS_OF)
    assert (r["tax_amounts"], r["total"]) == ([91], 1900)
    r = reference(
        inv(
            "USD",
            untaxed,
            taxed,
            taxes=(T("T", D(10)),),
            discount_amount=201,
            policy=Pol("half_even"),
        ),
        AS_OF,
    )
    assert (r["tax_amounts"], r["total"]) == ([90], 1899)


def test_amount_and_percentage_discount_together() -> None:
    # Lines 60.00 and 40.00 taxed 20%, 10.00 off then 10% off, pre_tax:
    #   shares 600 and 400 (exact); left 5400 and 3600.
    #   per_document: percentage part round(9000 * 0.1) = 900; exact nets 4860 + 3240
    #     = 8100; tax round(8100 * 0.2) = 1620; discount 1000 + 900 = 1900;
    #     subtotal 10000 - 1900 = 8100; total 9720.
    invoice = inv(
        "USD",
        price("6000"),
        price("4000"),
        taxes=(T("VAT", D(20)),),
        discount_amount=1000,
        discount_percentage=D(10),
    )
    r = reference(invoice, AS_OF)
    assert (r["discount"], r["tax_amounts"], r["subtotal"], r["total"]) == (
        1900,
        [1620],
        8100,
        9720,
    )
    # post_tax: taxes on 10000: 2000; percentage round(12000 * 0.1) = 1200; then 1000 off
    #   the taxed total: discount 2200, subtotal 7800, total 9800.
    r = reference(dataclasses.replace(invoice, policy=Pol(discount_base="post_tax")), AS_OF)
    assert (r["discount"], r["tax_amounts"], r["subtotal"], r["total"]) == (
        2200,
        [2000],
        7800,
        9800,
    )


def test_amount_discount_with_an_early_payment_percentage() -> None:
    # 100.00 untaxed, 5.00 off, 2% per 10-day period before 2024-01-31 (k_max = 30 // 10 = 3).
    # as_of 2024-01-10: k_offer = min(3, 21 // 10) = 2 -> 4%: shares 500; left 9500;
    #   percentage round(9500 * 0.04) = 380; discount 880; total 9120.
    invoice = inv(
        "USD",
        price("10000"),
        discount_amount=500,
        discount_percentage=D(2),
        early_period_in_days=10,
    )
    r = reference(invoice, AS_OF)
    assert (r["early_periods"], r["discount_percentage"]) == (2, Fraction(4))
    assert (r["discount"], r["total"]) == (880, 9120)
    # After the due date with nothing paid: k = 0, only the amount: total 9500.
    assert reference(invoice, dt.date(2024, 2, 5))["total"] == 9500


# -- tax-inclusive prices ------------------------------------------------------------------------


def test_invoice_ninja_inclusive() -> None:
    # Two lines of 10.00 with 10% included: c = 0.1, F = 1.1.
    #   per_document: tax = round(2000 * 0.1 / 1.1) = round(181.81...) = 182 (1.82);
    #     base round(2000 / 1.1) = round(1818.18...) = 1818.
    #   per_line: round(1000 / 11) = round(90.90...) = 91 per line -> 182; base
    #     (1000 - 91) * 2 = 1818.
    #   total 2000 (20.00) either way; subtotal 2000 - 182 = 1818. Invoice Ninja: 1.82.
    for tax_rounding in ("per_document", "per_line"):
        invoice = inv(
            "USD",
            price("1000"),
            price("1000"),
            taxes=(T("VAT", D(10)),),
            tax_inclusive=True,
            policy=Pol(tax_rounding=tax_rounding),
        )
        r = reference(invoice, AS_OF)
        assert (r["tax_amounts"], r["tax_bases"]) == ([182], [1818])
        assert (r["subtotal"], r["total"], r["item_actual"]) == (1818, 2000, 2000)


def test_erpnext_rounding_adjustment() -> None:
    # 24,900.00 including two simple 14% taxes: c1 = c2 = 0.14, F = 1.28.
    #   Each tax: 2490000 * 0.14 / 1.28 = 272343.75 -> 272344 (2,723.44); taxes 5,446.88.
    #   total 2490000 (24,900.00); subtotal 2490000 - 544688 = 1945312 (19,453.12).
    #   Bases: per_document round(2490000 / 1.28) = round(1945312.5) = 1945313 (19,453.13)
    #   for each tax under half_up (1945312 under half_even: the tie goes to even);
    #   per_line (one line) the gross less its rounded taxes: 1945312 (19,453.12).
    # ERPNext reports the net 19,453.13 (the base rounded on its own), the same taxes and a
    # rounding adjustment of -0.01 (19,453.13 + 5,446.88 = 24,900.01); the spec keeps the
    # gross exact instead, so its subtotal is 19,453.12 and there is no adjustment.
    taxes = (T("VAT", D(14)), T("Other", D(14)))
    for policy, base in (
        (Pol(), 1945313),
        (Pol("half_even"), 1945312),
        (Pol(tax_rounding="per_line"), 1945312),
    ):
        invoice = inv("INR", price("2490000"), taxes=taxes, tax_inclusive=True, policy=policy)
        r = reference(invoice, AS_OF)
        assert r["tax_amounts"] == [272344, 272344]
        assert r["tax_total"] == 544688
        assert (r["total"], r["subtotal"], r["cash_rounding"]) == (2490000, 1945312, 0)
        assert r["tax_bases"] == [base, base]


def test_inclusive_compound_quebec_2011() -> None:
    # Gross 113.93 with GST 5% and QST 8.5% on price + GST:
    #   c_GST = 0.05; c_QST = (1 + 0.05) * 0.085 = 0.08925; F = 1.13925.
    #   GST = 11393 * 0.05 / 1.13925 = 569.65 / 1.13925 = 500.02... -> 500
    #   QST = 11393 * 0.08925 / 1.13925 = 1016.82525 / 1.13925 = 892.53... -> 893
    #   subtotal 11393 - 1393 = 10000; total 11393.
    #   bases (per_document): GST 11393 / 1.13925 = 10000.43... -> 10000;
    #     QST 11393 * 1.05 / 1.13925 = 10500.46... -> 10500.
    #   bases (per_line): GST 11393 - 1393 = 10000; QST 10000 + 500 = 10500.
    taxes = (T("GST", D(5)), T("QST", D("8.5"), compound=("GST",)))
    for tax_rounding in ("per_document", "per_line"):
        invoice = inv(
            "CAD",
            price("11393"),
            taxes=taxes,
            tax_inclusive=True,
            policy=Pol(tax_rounding=tax_rounding),
        )
        r = reference(invoice, AS_OF)
        assert (r["tax_amounts"], r["tax_bases"]) == ([500, 893], [10000, 10500])
        assert (r["subtotal"], r["total"]) == (10000, 11393)


def test_inclusive_with_a_percentage_discount() -> None:
    # Two lines of 10.00 with 10% included, 5% discount.
    # pre_tax per_document: discount round(2000 * 0.05) = 100; exact G 950 + 950;
    #   tax round(1900 / 11) = round(172.72...) = 173; subtotal 2000 - 100 - 173 = 1727.
    # pre_tax per_line: discount_i round(50) = 50, G = 950; tax round(86.36...) = 86 each
    #   = 172; subtotal 2000 - 100 - 172 = 1728.
    # post_tax per_document: taxes out of the undiscounted gross round(2000 / 11) = 182;
    #   discount round(2000 * 0.05) = 100; subtotal 2000 - 100 - 182 = 1718.
    # post_tax per_line: taxes 91 + 91 = 182; discount 50 + 50; subtotal 1718.
    # The total is 1900 every time: the gross is not changed by the extraction.
    expected = {
        ("per_document", "pre_tax"): (173, 1727),
        ("per_line", "pre_tax"): (172, 1728),
        ("per_document", "post_tax"): (182, 1718),
        ("per_line", "post_tax"): (182, 1718),
    }
    for (tax_rounding, base), (tax, subtotal) in expected.items():
        invoice = inv(
            "USD",
            price("1000"),
            price("1000"),
            taxes=(T("VAT", D(10)),),
            tax_inclusive=True,
            discount_percentage=D(5),
            policy=Pol(tax_rounding=tax_rounding, discount_base=base),
        )
        r = reference(invoice, AS_OF)
        assert (r["discount"], r["tax_amounts"], r["subtotal"]) == (100, [tax], subtotal)
        assert r["total"] == 1900


def test_inclusive_amount_discount_is_gross() -> None:
    # Invoice Ninja's two lines less a 1.00 gross discount, pre_tax: shares 50 / 50;
    #   G = 950 each. per_document tax round(1900 / 11) = 173; per_line 86 + 86 = 172.
    #   total 2000 - 100 = 1900 either way.
    for tax_rounding, tax in (("per_document", 173), ("per_line", 172)):
        invoice = inv(
            "USD",
            price("1000"),
            price("1000"),
            taxes=(T("VAT", D(10)),),
            tax_inclusive=True,
            discount_amount=100,
            policy=Pol(tax_rounding=tax_rounding),
        )
        r = reference(invoice, AS_OF)
        assert (r["discount"], r["tax_amounts"], r["total"]) == (100, [tax], 1900)


# -- cash rounding -------------------------------------------------------------------------


def test_cldr_cash_increments() -> None:
    # 10**(exponent - cash_digits) * max(1, cash_rounding): CHF (2, 0, 2, 5) -> 5;
    # SEK (2, 0, 0, 0) -> 100; DKK (2, 0, 2, 50) -> 50; USD has no entry -> 1 (none).
    assert [currency_increment(c) for c in ("CHF", "SEK", "DKK", "USD")] == [5, 100, 50, 1]


def test_odoo_cash_rounding_up() -> None:
    # 999.99 with 15% tax: round(99999 * 0.15) = round(14999.85) = 15000 (150.00);
    #   unrounded 99999 + 15000 = 114999; to 0.05 (5) mode up: 114999 / 5 = 22999.8 -> 23000
    #   -> 115000 (1,150.00); cash_rounding +1 (0.01). The tax is not changed.
    invoice = inv("USD", price("99999"), taxes=(T("VAT", D(15)),), cash_rounding=Cash(5, "up"))
    r = reference(invoice, AS_OF)
    assert (r["tax_amounts"], r["cash_rounding"], r["total"]) == ([15000], 1, 115000)
    assert r["total_before_fees"] == r["subtotal"] + r["tax_total"] + r["cash_rounding"]


def test_chf_and_sek_cash_rounding() -> None:
    # CHF 12.34 with 8.1% VAT: round(1234 * 0.081) = round(99.954) = 100; unrounded 1334;
    #   to 5 half_up: 1334 / 5 = 266.8 -> 267 -> 1335 (13.35): cash_rounding +1.
    chf = inv(
        "CHF",
        price("1234"),
        taxes=(T("MWST", D("8.1")),),
        cash_rounding=Cash(currency_increment("CHF")),
    )
    r = reference(chf, AS_OF)
    assert (r["tax_amounts"], r["cash_rounding"], r["total"]) == ([100], 1, 1335)
    # SEK 79.60 with 25% moms: 1990; unrounded 9950 (99.50), to 100: 99.5 -> half_up 100
    #   (10000, +50); down -> 9900 (-50); half_even -> 100 (99.5 -> 100, even).
    for mode, cash in (("half_up", 50), ("down", -50), ("half_even", 50)):
        sek = inv(
            "SEK",
            price("7960"),
            taxes=(T("Moms", D(25)),),
            cash_rounding=Cash(currency_increment("SEK"), mode),
        )
        r = reference(sek, AS_OF)
        assert (r["tax_amounts"], r["cash_rounding"], r["total"]) == ([1990], cash, 9950 + cash)
    # DKK 10.25 to 0.50: 1025 / 50 = 20.5: half_up -> 21 (10.50, +25); half_even -> 20
    #   (10.00, -25). The rule's own mode wins over the invoice's.
    for mode, cash in (("half_up", 25), ("half_even", -25)):
        dkk = inv(
            "DKK",
            price("1025"),
            cash_rounding=Cash(currency_increment("DKK")),
            policy=Pol(mode),
        )
        assert reference(dkk, AS_OF)["cash_rounding"] == cash
    own = inv("DKK", price("1025"), cash_rounding=Cash(50, "half_even"), policy=Pol("half_up"))
    assert reference(own, AS_OF)["cash_rounding"] == -25


def test_late_fees_compound_on_the_cash_rounded_total() -> None:
    # The SEK invoice (9950 -> 10000), 2% per 30 days after 2024-01-31, seen 2024-04-01:
    #   boundaries 2024-03-01 and 2024-03-31 (2024-04-30 is after as_of).
    #   j=1: outstanding 10000 -> fee round(200) = 200; j=2: 10200 -> round(204) = 204.
    #   late_fee 404 (not cash-rounded); total 10404.
    sek = inv(
        "SEK",
        price("7960"),
        taxes=(T("Moms", D(25)),),
        cash_rounding=Cash(100),
        late_percentage=D(2),
        late_period_in_days=30,
    )
    r = reference(sek, dt.date(2024, 4, 1))
    assert (r["total_before_fees"], r["late_fee"], r["total"]) == (10000, 404, 10404)


def test_early_settlement_compares_the_cash_rounded_total() -> None:
    # CHF 100.03 untaxed, 1% per 10-day period before 2024-01-31, cash rounding 0.05.
    #   k=1 (deadline 2024-01-21): discount round(100.03) = 100 -> 9903, cash-rounded
    #   (9903 / 5 = 1980.6 -> 1981) to 9905. A payment of 99.03 on the deadline covers the
    #   unrounded 9903 but not 9905, so nothing is settled; seen 2024-02-15 (k_offer 0):
    #   10003 -> 10005 (2000.6 -> 2001); balance 10005 - 9903 = 102.
    def chf(amount: int, paid_on: dt.date) -> Inv:
        return inv(
            "CHF",
            price("10003"),
            discount_percentage=D(1),
            early_period_in_days=10,
            cash_rounding=Cash(5),
            payments=(Pay(paid_on, amount),),
        )

    late = dt.date(2024, 2, 15)
    r = reference(chf(9903, dt.date(2024, 1, 21)), late)
    assert (r["early_periods"], r["total"], r["balance"]) == (0, 10005, 102)
    # 99.05 on the deadline settles k=1: total 9905, balance 0.
    r = reference(chf(9905, dt.date(2024, 1, 21)), late)
    assert (r["early_periods"], r["cash_rounding"], r["total"], r["balance"]) == (1, 2, 9905, 0)
    # 99.05 one day after the deadline earns nothing: total 10005, balance 100.
    r = reference(chf(9905, dt.date(2024, 1, 22)), late)
    assert (r["early_periods"], r["total"], r["balance"]) == (0, 10005, 100)
    # 99.05 the day before the deadline: settled as on it.
    assert reference(chf(9905, dt.date(2024, 1, 20)), late)["early_periods"] == 1


# -- home currency ----------------------------------------------------------------------------


def test_home_currency_each_amount_alone() -> None:
    # USD 123.45 with 8.25% and 5%: round(1018.4625) = 1018, round(617.25) = 617;
    #   total 12345 + 1635 = 13980; a 50.00 payment: balance 8980. EUR at 0.9134 (both
    #   exponent 2), each converted alone, half up:
    #   subtotal 12345 * 0.9134 = 11275.923 -> 11276
    #   taxes 1018 * 0.9134 = 929.8412 -> 930; 617 * 0.9134 = 563.5678 -> 564
    #   tax_total 1635 * 0.9134 = 1493.409 -> 1493 (not 930 + 564 = 1494)
    #   total 13980 * 0.9134 = 12769.332 -> 12769; balance 8980 * 0.9134 = 8202.332 -> 8202
    invoice = inv(
        "USD",
        price("12345"),
        taxes=(T("State", D("8.25")), T("City", D(5))),
        payments=(Pay(dt.date(2024, 1, 2), 5000),),
        home_currency=Home(Cur("EUR"), D("0.9134")),
    )
    r = reference(invoice, AS_OF)
    assert (r["tax_amounts"], r["total"], r["balance"]) == ([1018, 617], 13980, 8980)
    assert r["home"] == {
        "currency": "EUR",
        "subtotal": 11276,
        "tax_amounts": [930, 564],
        "tax_total": 1493,
        "total": 12769,
        "balance": 8202,
    }


def test_home_currency_across_exponents() -> None:
    # JPY 1,234 with 10%: round(123.4) = 123; total 1357. Home BHD at 0.0025 BHD per yen:
    #   factor 0.0025 * 10**(3 - 0) = 2.5 fils per yen.
    #   subtotal 1234 * 2.5 = 3085; tax 123 * 2.5 = 307.5 -> 308 (half up);
    #   tax_total 308; total 1357 * 2.5 = 3392.5 -> 3393; balance 3393.
    #   Even under the invoice's down mode the conversion rounds half up.
    invoice = inv(
        "JPY",
        price("1234"),
        taxes=(T("CT", D(10)),),
        home_currency=Home(Cur("BHD"), D("0.0025")),
        policy=Pol("down"),
    )
    r = reference(invoice, AS_OF)
    assert r["home"] == {
        "currency": "BHD",
        "subtotal": 3085,
        "tax_amounts": [308],
        "tax_total": 308,
        "total": 3393,
        "balance": 3393,
    }
    # A withheld amount converts away from zero on a tie: -123 * 2.5 = -307.5 -> -308.
    withheld = dataclasses.replace(invoice, taxes=(T("W", D(10), withholding=True),))
    assert reference(withheld, AS_OF)["home"]["tax_amounts"] == [-308]  # type: ignore[index]


# -- a post-tax amount discount -------------------------------------------------------------


def test_post_tax_amount_and_percentage() -> None:
    # 10.00 taxed 10% and 5.00 untaxed; 10% post-tax and 1.00 off:
    #   taxes round(1000 * 0.1) = 100; percentage round((1500 + 100) * 0.1) = 160;
    #   discount 100 + 160 = 260; subtotal 1500 - 260 = 1240; total 1340.
    #   per_line: round(1100 * 0.1) = 110 + round(500 * 0.1) = 50: 160 too.
    for tax_rounding in ("per_document", "per_line"):
        invoice = inv(
            "USD",
            price("1000"),
            Line(unit_price=D(500), taxable=False),
            taxes=(T("T", D(10)),),
            discount_percentage=D(10),
            discount_amount=100,
            policy=Pol(tax_rounding=tax_rounding, discount_base="post_tax"),
        )
        r = reference(invoice, AS_OF)
        assert (r["discount"], r["tax_amounts"], r["subtotal"], r["total"]) == (
            260,
            [100],
            1240,
            1340,
        )


@pytest.mark.parametrize("policy", POLICIES, ids=str)
def test_the_identity_holds_on_every_example_policy(policy: Pol) -> None:
    # total_before_fees == subtotal + tax_total + cash_rounding, on a busy invoice.
    invoice = inv(
        "CHF",
        Line(unit_price=D("1234.5"), quantity=D("1.5"), discount_percentage=D("12.5")),
        Line(unit_price=D(999), discount_amount=99, taxes=("QST",)),
        Line(unit_price=D(-250), taxable=False),
        taxes=(T("GST", D(5)), T("QST", D("9.975"), compound=("GST",))),
        discount_percentage=D(3),
        discount_amount=150,
        cash_rounding=Cash(5),
        policy=policy,
    )
    r = reference(invoice, AS_OF)
    assert r["total_before_fees"] == r["subtotal"] + r["tax_total"] + r["cash_rounding"]
    assert r["total_before_fees"] % 5 == 0
