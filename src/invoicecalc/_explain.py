"""``explain``: every amount of :func:`~invoicecalc.calculate`, derived step by step.

The derivation is recorded by the engine itself: :func:`explain` works the
invoice's prepared amounts out again with a :class:`~invoicecalc._trace.Trace`
(and checks they are the ones the invoice holds), then runs the calculator's
own code with the same recorder. Nothing here computes an amount.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import attrs

from . import document
from ._calculate import Totals, totals_of
from ._documents import Entry, stated_value
from ._model import Invoice, prepare_traced
from ._money import Currency
from ._trace import Step, Trace, exact_text, fraction_text
from .errors import InvalidTypeError

__all__ = ["Difference", "Explanation", "Step", "explain", "first_difference"]

#: The version of the explanation's JSON structure (docs/json.md).
JSON_VERSION = 1


@attrs.frozen
class Explanation:
    """How every amount of ``totals`` came about: ``steps``, in the order the engine takes
    them (lines, the discount amount's shares, the early-payment decision, taxes,
    discount, subtotal, cash rounding, payments, late fees, totals, home currency)."""

    totals: Totals
    steps: tuple[Step, ...]
    home: Currency | None = None

    def step(self, id: str) -> Step:
        """The step named ``id`` (``KeyError`` when there is none)."""
        for step in self.steps:
            if step.id == id:
                return step
        raise KeyError(id)

    def position(self, id: str) -> int:
        """Where the step named ``id`` stands in the derivation."""
        for index, step in enumerate(self.steps):
            if step.id == id:
                return index
        raise KeyError(id)

    def amount_text(self, step: Step, locale: str | None = None) -> str:
        """A step's amount as text: money in its currency (through babel with ``locale``)."""
        if step.amount is None:
            return ""
        if step.unit == "money":
            return self.totals.currency.format(step.amount, locale=locale)
        if step.unit == "home" and self.home is not None:
            return self.home.format(step.amount, locale=locale)
        return str(step.amount)

    def exact_text(self, step: Step) -> str | None:
        """A step's exact value in major units: a decimal string, or ``"num/den"``."""
        if step.exact is None:
            return None
        if step.unit == "money":
            return exact_text(step.exact, self.totals.currency.exponent)
        if step.unit == "home" and self.home is not None:
            return exact_text(step.exact, self.home.exponent)
        return fraction_text(step.exact)

    def to_dict(self, entry: Entry | None = None) -> dict[str, Any]:
        """The explanation as the JSON structure of docs/json.md ("The explanation");
        given the ``entry`` explained, its totals start with its ``id`` and ``number``,
        as :func:`~invoicecalc.document.totals_to_dict` writes them."""
        steps = []
        for step in self.steps:
            currency = self.home if step.unit == "home" else self.totals.currency
            increment = None
            if step.rounding is not None and currency is not None:
                increment = currency.format(step.increment)
            steps.append(
                {
                    "id": step.id,
                    "section": step.section,
                    "rule": step.rule,
                    "detail": step.detail,
                    "unit": step.unit,
                    "exact": self.exact_text(step),
                    "rounding": None if step.rounding is None else step.rounding.value,
                    "increment": increment,
                    "amount": None
                    if step.amount is None
                    else step.amount
                    if step.unit == "periods"
                    else self.amount_text(step),
                }
            )
        return {
            "version": JSON_VERSION,
            "currency": self.totals.currency.code,
            "as_of": self.totals.as_of.isoformat(),
            "steps": steps,
            "totals": document.totals_to_dict(self.totals, entry),
        }

    def text(self, *, locale: str = "en_US", title: str = "Invoice") -> str:
        """A readable derivation: each section of steps, each with its amount, rule and numbers."""
        totals = self.totals
        out = [f"{title} ({totals.currency.code}) as of {totals.as_of.isoformat()}"]
        section = None
        width = max((len(step.id) for step in self.steps), default=0)
        money_width = max((len(self.amount_text(step, locale)) for step in self.steps), default=0)
        rule = None
        for step in self.steps:
            heading = "Lines" if step.section == "Line discounts" else step.section
            if heading != section:
                section = heading
                out += ["", section]
            amount = self.amount_text(step, locale)
            line = f"  {step.id:<{width}}  {amount:>{money_width}}  {step.detail}"
            if step.rule != rule:  # a rule repeated by the next steps is written once
                rule = step.rule
                line += f"  [{rule}]"
            out.append(line)
        return "\n".join(out)


def explain(invoice: Invoice, *, as_of: dt.date) -> Explanation:
    """How :func:`~invoicecalc.calculate` reaches every amount of ``invoice`` on ``as_of``.

    >>> from decimal import Decimal
    >>> from invoicecalc import Currency, Invoice, LineItem, Tax
    >>> usd = Currency("USD")
    >>> invoice = Invoice(usd, dt.date(2024, 3, 1), dt.date(2024, 3, 31),
    ...                   lines=[LineItem(quantity=Decimal(3), unit_price=usd.price("0.125"))],
    ...                   taxes=[Tax("VAT", Decimal(20))])
    >>> step = explain(invoice, as_of=dt.date(2024, 3, 1)).step("lines[0].cost")
    >>> step.rule, step.exact, step.amount
    ('cost = f + round(q \N{MULTIPLICATION SIGN} p)', Fraction(75, 2), 38)
    >>> step.detail
    '3 \N{MULTIPLICATION SIGN} 0.125 = 0.375, rounded half_up to 0.38'
    """
    if not isinstance(invoice, Invoice):
        raise InvalidTypeError("invoice", invoice, "must be an Invoice")
    if type(as_of) is not dt.date:
        raise InvalidTypeError("as_of", as_of, "must be a datetime.date")
    home = None if invoice.home_currency is None else invoice.home_currency.currency
    exponent = invoice.currency.exponent
    factors = [
        (f"{line.quantity:f}", exact_text(Fraction(line.unit_price), exponent))
        for line in invoice.lines
    ]
    trace = Trace(invoice.currency, home, factors)
    prepared = prepare_traced(invoice, trace)
    if prepared != invoice.prepared:  # the same code gave something else: never
        raise AssertionError("the traced preparation differs from the invoice's own")
    totals = totals_of(invoice, as_of, trace)
    return Explanation(totals, tuple(trace.steps), home)


# -- where a vendor's stated totals part from the engine's ---------------------------------


#: Stated total names (as :class:`~invoicecalc.Totals` names them) whose step is named otherwise.
_STEP_OF = {
    "sales_tax": "taxes[0].amount",
    "sales_tax_2": "taxes[1].amount",
    "has_been_paid": "balance",
}


@attrs.frozen
class Difference:
    """The first stated total that differs, in derivation order, and the step it parts at."""

    key: str
    stated: object
    computed: object
    step: Step

    def message(self, vendor: str, shown: Callable[[object], str]) -> str:
        """``"FreshBooks states total 45.60; invoicecalc gives 45.20 at step total"``."""
        who = {
            "Lines": "the lines give",
            "Line discounts": "the lines give",
            "Taxes": "the taxes give",
        }.get(self.step.section, "invoicecalc gives")
        return (
            f"{vendor} states {self.key} {shown(self.stated)}; {who} "
            f"{shown(self.computed)} at step {self.step.id}"
        )


def first_difference(
    explanation: Explanation, stated: Sequence[tuple[str, object]]
) -> Difference | None:
    """The stated total that differs first in derivation order, or ``None`` when all agree.

    ``stated`` is what a vendor document states (:attr:`~invoicecalc.document.Entry.stated`):
    total names, or a line's amount as ``"lines[2].actual"``. A name without a step
    (``total_quantity``) is compared after every step.
    """
    found: list[tuple[int, Difference]] = []
    for key, value in stated:
        computed = stated_value(explanation.totals, key)
        if value == computed:
            continue
        try:
            position = explanation.position(_STEP_OF.get(key, key))
        except KeyError:
            position = len(explanation.steps)
        if position < len(explanation.steps):
            step = explanation.steps[position]
        else:
            step = Step(key, "", "stated beside the totals", f"{computed}", unit="none")
        found.append((position, Difference(key, value, computed, step)))
    return min(found, key=lambda pair: pair[0])[1] if found else None
