# ruff: noqa: RUF001, RUF002
# The rules are quoted in the words of docs/calculation.md, with its multiplication
# and minus signs.
"""The recorder the engine writes its steps to when it is asked to explain itself.

:func:`~invoicecalc._prepare.prepare` and the calculator's functions take an
optional ``trace``; when it is ``None`` (as :func:`~invoicecalc.calculate`
passes it) they record nothing. :func:`~invoicecalc.explain` passes a
:class:`Trace`, and every step it holds is made from the very numbers the
engine rounded or added: the recorder works out nothing of its own but the
text that shows them.

Each :class:`Step` names the rule it applies in the words of
``docs/calculation.md`` and carries its exact value and its rounded amount,
in minor units.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

import attrs

from ._money import Currency, Rounding

__all__ = ["UNITS", "Step", "Trace", "exact_text", "fraction_text"]

#: What a step's ``amount`` counts: minor units of the invoice's currency or of
#: the home currency, whole early-payment periods, or nothing (a fact).
UNITS = ("money", "home", "periods", "none")


def fraction_text(value: Fraction) -> str:
    """``value`` as an exact decimal string where it terminates, else ``"num/den"``.

    >>> fraction_text(Fraction(1835, 2)), fraction_text(Fraction(2, 3)), fraction_text(Fraction(-5))
    ('917.5', '2/3', '-5')
    >>> fraction_text(Fraction(-1, 8))
    '-0.125'
    """
    den = value.denominator
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    if den != 1:
        return f"{value.numerator}/{value.denominator}"
    places = max(twos, fives)
    digits = str(abs(value.numerator * 10**places // value.denominator)).rjust(places + 1, "0")
    sign = "-" if value < 0 else ""
    if not places:
        return f"{sign}{digits}"
    whole, fraction = digits[:-places], digits[-places:].rstrip("0")
    return f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}"


def exact_text(minor: Fraction, exponent: int) -> str:
    """An exact amount of minor units written in major units (see :func:`fraction_text`),
    with at least the currency's digits.

    >>> exact_text(Fraction(1500), 2), exact_text(Fraction(75, 2), 2), exact_text(Fraction(1, 3), 2)
    ('15.00', '0.375', '1/300')
    """
    text = fraction_text(minor / 10**exponent)
    if "/" in text or not exponent:
        return text
    whole, _, digits = text.partition(".")
    return f"{whole}.{digits.ljust(exponent, '0')}"


def _percent(num: int, den: int) -> str:
    """``num / den`` (a rate as a fraction of 1) as a percentage."""
    return fraction_text(Fraction(num * 100, den)) + "%"


@attrs.frozen
class Step:
    """One step of a derivation.

    ``id`` names what it works out, as the totals name it (``"lines[0].cost"``,
    ``"taxes[1].amount"``, ``"total"``) or as the derivation does
    (``"allocation[2]"``, ``"early.k_settled"``, ``"late_fees[0]"``).
    ``section`` and ``rule`` are the heading of ``docs/calculation.md`` and
    the rule there it applies; ``detail`` shows the numbers. ``exact`` is the
    exact value (minor units of ``unit``) and ``amount`` what it became:
    ``rounding`` names the mode when it was rounded (to a multiple of
    ``increment`` minor units); with no rounding ``exact == amount``.
    """

    id: str
    section: str
    rule: str
    detail: str
    amount: int | None = None
    exact: Fraction | None = None
    rounding: Rounding | None = None
    increment: int = 1
    unit: str = "money"


_LINES = "Lines"
_LINE_DISCOUNTS = "Line discounts"
_ALLOCATION = "Document discount amount"
_TAXES = "Taxes"
_DISCOUNT = "Discount"
_EARLY = "Early-payment discount"
_OWN_TOTAL = "The invoice's own total"
_CASH = "Cash rounding"
_LATE = "Late fees"
_PAYMENTS = "Dates: early-payment discount, late fees, payments"
_BALANCE = "Totals and balance"
_HOME = "Home currency"

_PER_DOCUMENT = (
    "per_document: every per-line amount stays exact; each tax is rounded once over the "
    "whole invoice"
)
_PER_LINE = (
    "per_line: each line's tax (and, pre-tax, each line's discount) is rounded, and the "
    "invoice's amounts are sums of rounded line amounts"
)
_INCLUSIVE = "Out of the line's gross after every pre-tax discount G, tax j is G × c_j / F"
_SHARE = (
    "exact_i = A × net_i / P; share_i = floor(exact_i), then the A − Σ share_i units left "
    "over go one each to the lines with the largest exact_i − share_i (an earlier line first "
    "on a tie)"
)
_LATE_RULE = (
    "outstanding = total_before_fees + fees so far − payments dated on or before the "
    "boundary; when it is positive, round(outstanding × L/100) is added"
)
_K_SETTLED = (
    "k_settled is the largest k for which at least one payment is dated on or before its "
    "deadline and those payments cover total_before_fees computed with min(100, k×d)"
)


class Trace:
    """The steps of one invoice's derivation, in the order the engine takes them."""

    def __init__(
        self,
        currency: Currency,
        home: Currency | None = None,
        factors: Sequence[tuple[str, str]] = (),
    ) -> None:
        self.currency = currency
        self.home = home
        #: Each line's quantity and unit price as written, to show them multiplied.
        self.factors = factors
        self.steps: list[Step] = []
        #: Rounded line amounts by what they add up to (``"taxes[0].amount"``), to show the sums.
        self.parts: dict[str, list[int]] = {}

    # -- helpers ---------------------------------------------------------------------------

    def money(self, minor: int) -> str:
        return self.currency.format(minor)

    def exact(self, value: Fraction) -> str:
        return exact_text(value, self.currency.exponent)

    def add(self, step: Step) -> None:
        self.steps.append(step)

    def rounded(
        self,
        id: str,
        section: str,
        rule: str,
        detail: str,
        exact: Fraction,
        amount: int,
        rounding: Rounding,
        *,
        unit: str = "money",
        shown: str | None = None,
    ) -> None:
        """A step whose exact value was rounded to ``amount`` in ``rounding``; ``shown``
        writes the exact value when it is more than one number."""
        money = self.money if unit == "money" else self._home_money
        exponent = self.currency.exponent if unit == "money" else self._home_exponent
        if shown is None:
            shown = exact_text(exact, exponent)
        if exact == amount:
            text = f"{detail} = {shown}"
        else:
            text = f"{detail} = {shown}, rounded {rounding.value} to {money(amount)}"
        self.add(Step(id, section, rule, text, amount, exact, rounding, unit=unit))

    def _home_money(self, minor: int) -> str:
        assert self.home is not None
        return self.home.format(minor)

    @property
    def _home_exponent(self) -> int:
        assert self.home is not None
        return self.home.exponent

    def equals(self, id: str, section: str, rule: str, detail: str, amount: int) -> None:
        """A step that is exact: adds or subtracts whole amounts. A ``detail`` ending in a
        colon names the amount rather than working it out."""
        shown = self.money(amount)
        text = f"{detail} {shown}" if detail.endswith(":") else f"{detail} = {shown}"
        self.add(Step(id, section, rule, text, amount, Fraction(amount)))

    def summed(self, id: str, section: str, rule: str, parts: Sequence[int], amount: int) -> None:
        """A step that adds ``parts`` up (no rounding)."""
        if len(parts) < 2:
            detail = "only one:" if parts else "nothing to add:"
        else:
            detail = " + ".join(self.money(part) for part in parts)
        self.equals(id, section, rule, detail, amount)

    def fact(
        self, id: str, section: str, rule: str, detail: str, amount: int | None = None,
        unit: str = "none", exact: Fraction | None = None,
    ) -> None:  # fmt: skip
        """A step that states a count, a date or a choice."""
        self.add(Step(id, section, rule, detail, amount, exact, unit=unit))

    # -- lines -----------------------------------------------------------------------------

    def line(
        self,
        index: int,
        cost: tuple[int, int, int, int],
        markup: tuple[int, int, int] | None,
        actual: int,
        discount: tuple[str, int, int, int] | None,
        net: int,
        rounding: Rounding,
    ) -> None:
        """One line. ``cost`` is ``(flat_fee, num, den, cost)`` with q × p = num / den;
        ``markup`` ``(num, den, markup)`` with cost × m / 100 = num / den; ``discount``
        ``(kind, num, den, discount)``, kind ``"percentage"`` (actual × ld / 100 = num / den)
        or ``"amount"``."""
        at = f"lines[{index}]"
        flat_fee, num, den, amount = cost
        product = Fraction(num, den)
        q, p = self.factors[index] if index < len(self.factors) else ("q", "p")
        rule = "cost = f + round(q × p)"
        if not flat_fee:
            self.rounded(f"{at}.cost", _LINES, rule, f"{q} × {p}", product, amount, rounding)
        else:  # the flat fee is whole minor units: only the product is rounded
            self.rounded(
                f"{at}.quantity_price", _LINES, rule, f"{q} × {p}", product,
                amount - flat_fee, rounding,
            )  # fmt: skip
            fee = f"{self.money(flat_fee)} + {self.money(amount - flat_fee)}"
            self.equals(f"{at}.cost", _LINES, rule, fee, amount)
        if markup is None:
            self.equals(f"{at}.markup", _LINES, "markup = round(cost × m / 100)", "no markup:", 0)
        else:
            rate = _percent(markup[0], markup[1] * amount) if amount else "m"
            self.rounded(
                f"{at}.markup", _LINES, "markup = round(cost × m / 100)",
                f"{self.money(amount)} × {rate}", Fraction(markup[0], markup[1]), markup[2],
                rounding,
            )  # fmt: skip
        self.equals(
            f"{at}.actual", _LINES, "actual = cost + markup",
            f"{self.money(amount)} + {self.money(actual - amount)}", actual,
        )  # fmt: skip
        if discount is None:
            self.equals(f"{at}.discount", _LINE_DISCOUNTS, "no line discount", "none:", 0)
        elif discount[0] == "amount":
            self.equals(
                f"{at}.discount", _LINE_DISCOUNTS, "line discount = sign(actual) × a",
                "the discount amount, signed as the line", discount[3],
            )  # fmt: skip
        else:
            rate = _percent(discount[1], discount[2] * actual) if actual else "ld"
            self.rounded(
                f"{at}.discount", _LINE_DISCOUNTS, "line discount = round(actual × ld / 100)",
                f"{self.money(actual)} × {rate}", Fraction(discount[1], discount[2]),
                discount[3], rounding,
            )  # fmt: skip
        self.equals(
            f"{at}.net", _LINE_DISCOUNTS, "net = actual − line discount (EN 16931 BT-131)",
            f"{self.money(actual)} − {self.money(actual - net)}", net,
        )  # fmt: skip

    def sums(self, sums: Sequence[tuple[str, str, str, Sequence[int], int]]) -> None:
        """``(id, section, rule, parts, total)`` of each sum over the lines."""
        for id, section, rule, parts, total in sums:
            self.summed(id, section, rule, parts, total)

    # -- the document discount amount ------------------------------------------------------

    def allocation(
        self,
        amount: int,
        nets: Sequence[int],
        weights: Sequence[int],
        floors: Sequence[int],
        remainders: Sequence[int],
        extra: Sequence[int],
        shares: Sequence[int],
    ) -> None:
        """The discount amount A shared over the positive nets by largest remainder."""
        whole = sum(weights)
        self.summed(
            "allocation.positive", _ALLOCATION,
            "P, the sum of the lines' positive nets (shares go to positive nets only)",
            [w for w in weights if w], whole,
        )  # fmt: skip
        for index, net in enumerate(nets):
            if not weights[index]:
                self.equals(
                    f"allocation[{index}]", _ALLOCATION,
                    "a credit line (net ≤ 0) receives nothing", f"net {self.money(net)}, share:", 0,
                )  # fmt: skip
                continue
            exact = Fraction(amount * weights[index], whole)
            got = index in extra
            remainder = self.exact(Fraction(remainders[index], whole))
            why = (
                f"; one unit left over, its remainder {remainder} among the largest" if got else ""
            )
            self.add(
                Step(
                    f"allocation[{index}]",
                    _ALLOCATION,
                    _SHARE,
                    f"{self.money(amount)} × {self.money(net)} / {self.money(whole)} = "
                    f"{self.exact(exact)}; floor {self.money(floors[index])}{why}: share "
                    f"{self.money(shares[index])}",
                    shares[index],
                    exact,
                    Rounding.UP if got else Rounding.DOWN,
                )
            )
        left = amount - sum(floors)
        who = ", ".join(f"lines[{i}]" for i in extra) if extra else "no line"
        self.fact(
            "allocation.left_over", _ALLOCATION, _SHARE, f"{left} unit(s) left over, to {who}",
        )  # fmt: skip
        for index, (net, share) in enumerate(zip(nets, shares, strict=True)):
            if share:
                self.equals(
                    f"lines[{index}].discounted", _ALLOCATION,
                    "Each line's net becomes net_i − share_i",
                    f"{self.money(net)} − {self.money(share)}", net - share,
                )  # fmt: skip

    # -- taxes -----------------------------------------------------------------------------

    def policy(self, per_line: bool, inclusive: bool, factors: Sequence[str]) -> None:
        """Which tax rounding applies; for tax-inclusive prices, each c_j / F."""
        detail = "tax_rounding " + ("per_line" if per_line else "per_document")
        rule = _PER_LINE if per_line else _PER_DOCUMENT
        if inclusive:
            detail += "; prices include tax: " + ("; ".join(factors) or "no tax carried")
            rule += "; " + _INCLUSIVE
        self.fact("taxes.policy", _TAXES, rule, detail)

    def inclusive_factor(self, names: str, name: str, factor: Fraction) -> str:
        return f"{name} on lines carrying {names}: c_j / F = {fraction_text(factor)}"

    def tax_line(
        self, index: int, j: int, name: str, net: int, tax: Fraction, base: Fraction
    ) -> None:
        """Per document: line ``index``'s exact part of tax ``j``, kept exact."""
        self.fact(
            f"lines[{index}].taxes[{j}]", _TAXES, _PER_DOCUMENT,
            f"{name} on {self.money(net)}: base {self.exact(net * base)}, tax "
            f"{self.exact(net * tax)}, kept exact", None, "money", net * tax,
        )  # fmt: skip

    def per_line_tax(
        self, index: int, j: int, name: str, base: int, num: int, den: int, amount: int,
        rounding: Rounding, inclusive: bool,
    ) -> None:  # fmt: skip
        """Per line: line ``index``'s tax ``j`` on ``base``, rounded on the line."""
        if inclusive:
            rule = f"{_PER_LINE}; {_INCLUSIVE}"
            detail = f"{name}: {self.money(base)} × c_j / F ({fraction_text(Fraction(num, den))})"
        else:
            rule = _PER_LINE
            withheld = " (withheld: −round(base × r / 100))" if num < 0 else ""
            detail = f"{name}{withheld}: {self.money(base)} × {_percent(num, den)}"
        exact = Fraction(base * num, den)
        self.rounded(f"lines[{index}].taxes[{j}]", _TAXES, rule, detail, exact, amount, rounding)
        self.parts.setdefault(f"taxes[{j}].amount", []).append(amount)

    def per_line_discount(
        self, index: int, base: int, num: int, den: int, amount: int, rounding: Rounding,
        pre_tax: bool,
    ) -> None:  # fmt: skip
        rule = (
            "pre_tax, per line: each line's discount is rounded and its net is actual − discount"
            if pre_tax
            else "post_tax, per line: the sum of round((actual + that line's rounded taxes) × "
            "d/100)"
        )
        self.rounded(
            f"lines[{index}].percentage_discount", _DISCOUNT, rule,
            f"{self.money(base)} × {_percent(num, den)}", Fraction(base * num, den), amount,
            rounding,
        )  # fmt: skip
        self.parts.setdefault("discount.percentage", []).append(amount)

    def per_line_sums(self, j: int, name: str, amount: int, base: int) -> None:
        self.summed(
            f"taxes[{j}].amount", _TAXES, f"{name}: {_PER_LINE}",
            self.parts.get(f"taxes[{j}].amount", []), amount,
        )  # fmt: skip
        self.equals(
            f"taxes[{j}].base", _TAXES,
            "per line it is the sum of the line bases, each a rounded net plus rounded earlier "
            "taxes", f"{name}:", base,
        )  # fmt: skip

    def per_line_discount_sum(self, amount: int) -> None:
        self.summed(
            "discount.percentage", _DISCOUNT, "the sum of the lines' rounded discounts",
            self.parts.get("discount.percentage", []), amount,
        )  # fmt: skip

    def tax(
        self, j: int, name: str, what: str, exact_sum: tuple[int, int], scale: tuple[int, int],
        amount: int, rounding: Rounding, inclusive: bool,
    ) -> None:  # fmt: skip
        """Per document: tax ``j``'s ``amount`` or ``base``, its exact sum times ``scale``
        (``1 − d/100`` under a pre-tax rate), rounded once."""
        whole = Fraction(*exact_sum)
        factor = Fraction(*scale)
        if what == "base":
            rule = "Per document the exact base is rounded once on its own"
        else:
            rule = f"{_PER_DOCUMENT}; {_INCLUSIVE}" if inclusive else _PER_DOCUMENT
        detail = f"{name}: Σ of the lines' exact {what}s"
        if factor != 1:
            detail += f" × (1 − d/100) = {self.exact(whole)} × {fraction_text(factor)}"
        self.rounded(f"taxes[{j}].{what}", _TAXES, rule, detail, whole * factor, amount, rounding)

    def tax_total(self, amounts: Sequence[int]) -> None:
        self.summed(
            "tax_total", _TAXES,
            "tax_total is the sum of the amounts (a withholding tax counts with its negative "
            "sign)", amounts, sum(amounts),
        )  # fmt: skip

    # -- discount, subtotal, cash rounding -------------------------------------------------

    def plain_rate(self, rate: Decimal) -> None:
        self.fact(
            "discount.rate", _DISCOUNT,
            "discount_percentage d (0 to 100) is a plain discount unless early_period_in_days "
            "is set", f"{rate:f}%",
        )  # fmt: skip

    def discount(
        self, base: int, dn: int, dd: int, amount: int, rounding: Rounding, pre_tax: bool
    ) -> None:
        rule = (
            "pre_tax: discount = round(item_actual × d/100), on the nets the discount amount leaves"
            if pre_tax
            else "post_tax: round((item_actual + taxes) × d/100)"
        )
        self.rounded(
            "discount.percentage", _DISCOUNT, rule, f"{self.money(base)} × {_percent(dn, dd)}",
            Fraction(base * dn, dd), amount, rounding,
        )  # fmt: skip

    def subtotal(
        self, item_actual: int, line_discount: int, amount: int, discount: int,
        taxes: int | None, subtotal: int,
    ) -> None:  # fmt: skip
        """``taxes`` is ``None`` unless prices include them."""
        self.equals(
            "discount", _ALLOCATION,
            "discount reports the whole document discount, A plus the percentage part",
            f"{self.money(amount)} + {self.money(discount - amount)}", discount,
        )  # fmt: skip
        parts = f"{self.money(item_actual)} − {self.money(line_discount)} − {self.money(discount)}"
        if taxes is None:
            rule = "tax-exclusive: subtotal = item_actual − line_discount − discount"
        else:
            rule = "tax-inclusive: subtotal = item_actual − line_discount − discount − Σ taxes"
            parts += f" − {self.money(taxes)}"
        self.equals("subtotal", _OWN_TOTAL, rule, parts, subtotal)

    def cash(self, unrounded: int, increment: int, mode: Rounding, cash: int) -> None:
        rounded = unrounded + cash
        self.add(
            Step(
                "cash_rounding.total", _CASH, "round_to(subtotal + Σ taxes, increment)",
                f"{self.money(unrounded)} to a multiple of {self.money(increment)}, "
                f"{mode.value}: {self.money(rounded)}",
                rounded, Fraction(unrounded), mode, increment,
            )
        )  # fmt: skip
        self.equals(
            "cash_rounding", _CASH,
            "cash_rounding = round_to(subtotal + Σ taxes, increment) − (subtotal + Σ taxes)",
            f"{self.money(rounded)} − {self.money(unrounded)}", cash,
        )  # fmt: skip

    def no_cash(self) -> None:
        self.equals("cash_rounding", _CASH, "no cash_rounding: nothing is added", "none:", 0)

    def total_before_fees(self, subtotal: int, taxes: int, cash: int) -> None:
        self.equals(
            "total_before_fees", _OWN_TOTAL,
            "total_before_fees = subtotal + Σ taxes + cash_rounding",
            f"{self.money(subtotal)} + {self.money(taxes)} + {self.money(cash)}",
            subtotal + taxes + cash,
        )  # fmt: skip

    # -- the early-payment discount --------------------------------------------------------

    def early_k_max(
        self, k_max: int, invoice_date: dt.date, due_date: dt.date, period: int
    ) -> None:
        days = (due_date - invoice_date).days
        self.fact(
            "early.k_max", _EARLY,
            "only periods whose deadline is on or after the invoice date exist "
            "(k_max = floor((due_date − invoice_date) / P))",
            f"floor({days} / {period}) = {k_max}" if days >= 0
            else f"the due date is before the invoice date: {k_max}",
            k_max, "periods",
        )  # fmt: skip

    def early_try(
        self, k: int, deadline: int, payments: int, paid: int, rate: Decimal, needed: int
    ) -> None:
        """Period ``k``'s deadline tried for k_settled."""
        covered = paid >= needed
        self.fact(
            f"early.tried[{k}]", _EARLY, _K_SETTLED,
            f"k = {k}: deadline due_date − {k}×P = {dt.date.fromordinal(deadline).isoformat()}; "
            f"{payments} payment(s) by then, {self.money(paid)}, against total_before_fees "
            f"{self.money(needed)} at {rate:f}%: " + ("covered" if covered else "not covered"),
            k, "periods",
        )  # fmt: skip

    def early_skipped(self, tried: int, low: int, payments: int, paid: int) -> None:
        """The periods below ``tried`` down to ``low``, known not covered without trying."""
        self.fact(
            f"early.skipped[{tried - 1}]", _EARLY, _K_SETTLED,
            f"k = {tried - 1} down to {low}: the same {payments} payment(s) by their deadlines, "
            f"{self.money(paid)}, as k = {tried}, and no line's net is below 0 and no tax "
            f"withholds, so total_before_fees only rises as k falls: not covered",
            low, "periods",
        )  # fmt: skip

    def early_offer(self, k_offer: int, as_of: int, due: int, period: int) -> None:
        detail = (
            f"min(k_max, floor({due - as_of} / {period})) = {k_offer}"
            if as_of < due
            else "as_of is on or after the due date: 0"
        )
        self.fact(
            "early.k_offer", _EARLY,
            "k_offer is min(k_max, floor((due_date − as_of) / P)) while as_of is before the "
            "due date, else 0", detail, k_offer, "periods",
        )  # fmt: skip

    def early_choice(
        self, k_settled: int | None, k_offer: int, k: int, d: Decimal, rate: Decimal
    ) -> None:
        self.fact(
            "early.k_settled", _EARLY, _K_SETTLED,
            "none above k_offer" if k_settled is None else str(k_settled),
            k_settled, "periods",
        )  # fmt: skip
        self.fact(
            "early.rate", _EARLY, "The discount is min(100, k×d) with k = max(k_settled, k_offer)",
            f"k = {k}: min(100, {k} × {d:f}%) = {rate:f}%", k, "periods",
        )  # fmt: skip

    # -- late fees, payments, totals -------------------------------------------------------

    def late_fee(
        self, j: int, day: int, paid: int, outstanding: int, num: int, den: int, fee: int,
        fees: int, rounding: Rounding,
    ) -> None:  # fmt: skip
        """Late-fee boundary ``j`` (from 0): the outstanding amount, its fee, the running total."""
        date = dt.date.fromordinal(day).isoformat()
        detail = (
            f"{date}: outstanding {self.money(outstanding)} (payments so far {self.money(paid)})"
        )
        if outstanding > 0:
            self.rounded(
                f"late_fees[{j}]", _LATE, _LATE_RULE,
                f"{detail}; fee {self.money(outstanding)} × {_percent(num, den)}",
                Fraction(outstanding * num, den), fee, rounding,
            )  # fmt: skip
        else:
            self.equals(f"late_fees[{j}]", _LATE, _LATE_RULE, f"{detail}; no fee:", 0)
        self.parts.setdefault("late_fee", []).append(fee)
        self.equals(f"late_fees[{j}].running", _LATE, "Fees compound", "fees so far:", fees)

    def late_fee_total(self, late_fee: int, charged: bool) -> None:
        if charged:
            self.summed(
                "late_fee", _LATE, "late_fee is the sum of the fees",
                self.parts.get("late_fee", []), late_fee,
            )  # fmt: skip
        else:
            self.equals("late_fee", _LATE, "no late_percentage: no late fees", "none:", late_fee)

    def payment(self, index: int, day: int, amount: int, counted: bool) -> None:
        date = dt.date.fromordinal(day).isoformat()
        self.add(
            Step(
                f"payments[{index}]", _PAYMENTS,
                "Payments dated after as_of do not count anywhere",
                f"{self.money(amount)} on {date}: "
                + ("counted" if counted else "ignored, dated after as_of"),
                amount if counted else 0, Fraction(amount if counted else 0),
            )
        )  # fmt: skip
        if counted:
            self.parts.setdefault("payment_total", []).append(amount)

    def payment_total(self, total: int) -> None:
        self.summed(
            "payment_total", _PAYMENTS, "payment_total is the sum of the rest",
            self.parts.get("payment_total", []), total,
        )  # fmt: skip

    def total(self, before: int, late_fee: int, total: int, paid: int, balance: int) -> None:
        self.equals(
            "total", _BALANCE, "total = total_before_fees + late_fee",
            f"{self.money(before)} + {self.money(late_fee)}", total,
        )  # fmt: skip
        self.equals(
            "balance", _BALANCE, "balance = total − payment_total (negative is a credit)",
            f"{self.money(total)} − {self.money(paid)}", balance,
        )  # fmt: skip

    def home_amount(self, field: str, amount: int, num: int, den: int, home: int) -> None:
        """``amount`` converted: ``num / den`` is rate × 10**(e_home − e_invoice)."""
        assert self.home is not None
        rate = Fraction(num, den) * Fraction(10**self.currency.exponent, 10**self.home.exponent)
        self.rounded(
            f"home.{field}", _HOME,
            "home amount = round_half_up(amount × rate × 10**(e_home − e_invoice))",
            f"{self.money(amount)} × {fraction_text(rate)} {self.home.code}",
            Fraction(amount * num, den), home, Rounding.HALF_UP, unit="home",
        )  # fmt: skip
