"""The immutable invoice: taxes, lines, payments, policy.

Every value is checked when it is built; an invalid invoice cannot exist.
Money is integer minor units, rates and quantities exact ``Decimal``.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from functools import reduce
from typing import Any

import attrs

from ._money import EXACT, Currency, Rounding, exact_decimal
from .errors import InvalidTypeError, InvalidValueError

__all__ = [
    "DiscountBase",
    "Invoice",
    "LineItem",
    "LineKind",
    "Payment",
    "Policy",
    "Tax",
    "TaxRounding",
    "sales_taxes",
]

_ZERO = Decimal(0)
_ONE = Decimal(1)
_HUNDRED = Decimal(100)


class LineKind(enum.StrEnum):
    """What a line bills; ``type_code`` is Cashboard's number for it."""

    CUSTOM = "custom"
    TASK = "task"
    PRODUCT = "product"

    @property
    def type_code(self) -> int:
        return _TYPE_CODES[self]

    @classmethod
    def from_type_code(cls, code: int) -> LineKind:
        for kind, number in _TYPE_CODES.items():
            if number == code:
                return kind
        raise InvalidValueError("type_code", code, "is not 0 (custom), 1 (task) or 2 (product)")


_TYPE_CODES = {LineKind.CUSTOM: 0, LineKind.TASK: 1, LineKind.PRODUCT: 2}


class TaxRounding(enum.StrEnum):
    """Round each tax once over the document, or on every line."""

    PER_DOCUMENT = "per_document"
    PER_LINE = "per_line"


class DiscountBase(enum.StrEnum):
    """Whether the discount comes off before taxes or off the taxed total."""

    PRE_TAX = "pre_tax"
    POST_TAX = "post_tax"


# -- checks shared by the value types -----------------------------------------


def _set(obj: object, name: str, value: object) -> None:
    object.__setattr__(obj, name, value)


def _number(
    obj: object, name: str, *, low: Decimal | None = None, high: Decimal | None = None
) -> Decimal:
    raw = getattr(obj, name)
    value = exact_decimal(raw, name)
    if low is not None and value < low:
        raise InvalidValueError(name, raw, f"must be at least {low}")
    if high is not None and value > high:
        raise InvalidValueError(name, raw, f"must be at most {high}")
    if value is not raw:
        _set(obj, name, value)
    return value


def _optional_number(obj: object, name: str, *, low: Decimal | None = None) -> None:
    if getattr(obj, name) is not None:
        _number(obj, name, low=low)


def _whole(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidTypeError(name, value, "must be a whole number (int)")
    return value


def _period(obj: object, name: str) -> int | None:
    value = getattr(obj, name)
    if value is None:
        return None
    if _whole(value, name) <= 0:
        raise InvalidValueError(name, value, "must be a positive number of days")
    return int(value)


def _of_type(obj: object, name: str, kind: type | tuple[type, ...], what: str) -> None:
    value = getattr(obj, name)
    if not isinstance(value, kind):
        raise InvalidTypeError(name, value, f"must be {what}")


def _text(obj: object, name: str, *, optional: bool = False) -> None:
    value = getattr(obj, name)
    if not (isinstance(value, str) or (optional and value is None)):
        raise InvalidTypeError(name, value, "must be text" + (" or None" if optional else ""))


def check_date(value: object, field: str) -> dt.date:
    """``value`` if it is a ``datetime.date`` (a ``datetime`` is not one here)."""
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise InvalidTypeError(field, value, "must be a datetime.date")
    return value


def _date(obj: object, name: str) -> dt.date:
    return check_date(getattr(obj, name), name)


def _sequence(value: Any) -> tuple[Any, ...]:
    """A list or tuple as a tuple; the items are checked by the owner."""
    if not isinstance(value, (list, tuple)):
        raise InvalidTypeError("", value, "must be a list or tuple")
    return tuple(value)


# -- the value types -----------------------------------------------------------


@attrs.frozen
class Tax:
    """A tax the invoice defines; a compound tax is also charged on earlier taxes."""

    name: str
    rate: Decimal
    compound: bool = False

    def __attrs_post_init__(self) -> None:
        _text(self, "name")
        if not self.name.strip():
            raise InvalidValueError("name", self.name, "a tax needs a name")
        _number(self, "rate", low=_ZERO)
        _of_type(self, "compound", bool, "true or false")


def sales_taxes(
    sales_tax: Decimal | None, sales_tax_2: Decimal | None, cumulative: bool = False
) -> tuple[Tax, ...]:
    """Cashboard's ``sales_tax``, ``sales_tax_2`` and ``sales_tax_2_cumulative`` as taxes.

    Tax 1 is 0 when only ``sales_tax_2`` is given; the flag makes tax 2 compound.

    >>> [(t.name, t.rate, t.compound) for t in sales_taxes(None, Decimal("5"), True)]
    [('sales_tax', Decimal('0'), False), ('sales_tax_2', Decimal('5'), True)]
    """
    if sales_tax_2 is None:
        return () if sales_tax is None else (Tax("sales_tax", sales_tax),)
    first = Tax("sales_tax", _ZERO if sales_tax is None else sales_tax)
    return (first, Tax("sales_tax_2", sales_tax_2, compound=cumulative))


@attrs.frozen
class LineItem:
    """One invoice line; ``unit_price`` and ``flat_fee`` are in minor units.

    ``unit_price`` may be finer than one minor unit (``Decimal("12.5")`` cents);
    ``flat_fee`` is a whole number of minor units. ``taxes`` names the taxes
    the line carries; a taxable line naming none carries all of them.
    ``quantity_low`` and ``quantity_high`` are an estimate's range.
    """

    kind: LineKind = LineKind.CUSTOM
    title: str = ""
    description: str = ""
    quantity: Decimal = _ONE
    unit_price: Decimal = _ZERO
    flat_fee: int = 0
    markup_percentage: Decimal = _ZERO
    taxable: bool = True
    taxes: tuple[str, ...] = attrs.field(default=(), converter=_sequence)
    quantity_low: Decimal | None = None
    quantity_high: Decimal | None = None
    # What the calculator needs, worked out once: (numerator, denominator).
    _cost_ratio: tuple[int, int] = attrs.field(init=False, eq=False, repr=False)
    _markup_ratio: tuple[int, int] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        # Written for speed: a document of many lines builds one of these per line.
        _of_type(self, "kind", LineKind, "a LineKind")
        if type(self.title) is not str or type(self.description) is not str:
            _text(self, "title")
            _text(self, "description")
        quantity = _number(self, "quantity")
        price = _number(self, "unit_price")
        markup = _number(self, "markup_percentage")
        if type(self.flat_fee) is not int:
            _whole(self.flat_fee, "flat_fee")
        if type(self.taxable) is not bool:
            _of_type(self, "taxable", bool, "true or false")
        if self.taxes:
            self._check_taxes()
        if self.quantity_low is not None or self.quantity_high is not None:
            _optional_number(self, "quantity_low")
            _optional_number(self, "quantity_high")
        qn, qd = quantity.as_integer_ratio()
        pn, pd = price.as_integer_ratio()
        mn, md = markup.as_integer_ratio()
        _set(self, "_cost_ratio", (qn * pn, qd * pd))
        _set(self, "_markup_ratio", (mn, md * 100))

    def _check_taxes(self) -> None:
        for name in self.taxes:
            if not isinstance(name, str):
                raise InvalidTypeError("taxes", name, "must name a tax")
        if not self.taxable:
            raise InvalidValueError("taxes", self.taxes, "a non-taxable line cannot carry taxes")
        if len(set(self.taxes)) != len(self.taxes):
            raise InvalidValueError("taxes", self.taxes, "names a tax twice")


@attrs.frozen
class Payment:
    """A payment received on ``date``; ``amount`` in minor units (negative: a refund)."""

    date: dt.date
    amount: int
    note: str = ""

    def __attrs_post_init__(self) -> None:
        _date(self, "date")
        _whole(self.amount, "amount")
        _text(self, "note")


@attrs.frozen
class Policy:
    """How amounts are rounded and where the discount applies."""

    rounding: Rounding = Rounding.HALF_UP
    tax_rounding: TaxRounding = TaxRounding.PER_DOCUMENT
    discount_base: DiscountBase = DiscountBase.PRE_TAX

    def __attrs_post_init__(self) -> None:
        _of_type(self, "rounding", Rounding, "a Rounding")
        _of_type(self, "tax_rounding", TaxRounding, "a TaxRounding")
        _of_type(self, "discount_base", DiscountBase, "a DiscountBase")


@attrs.frozen
class Invoice:
    """An invoice, checked whole when it is built.

    ``discount_percentage`` is a plain discount, or with ``early_period_in_days``
    an early-payment discount per period. ``late_percentage`` needs
    ``late_period_in_days``. ``number``, ``po_number``, ``notes``, ``terms`` and
    the reminder periods are carried for the formats and schedules; they do
    not change a total.
    """

    currency: Currency
    invoice_date: dt.date
    due_date: dt.date
    lines: tuple[LineItem, ...] = attrs.field(default=(), converter=_sequence)
    taxes: tuple[Tax, ...] = attrs.field(default=(), converter=_sequence)
    discount_percentage: Decimal = _ZERO
    early_period_in_days: int | None = None
    late_percentage: Decimal | None = None
    late_period_in_days: int | None = None
    payments: tuple[Payment, ...] = attrs.field(default=(), converter=_sequence)
    policy: Policy = Policy()
    number: str | None = None
    po_number: str | None = None
    notes: str = ""
    terms: str | None = None
    pre_reminder_in_days: int | None = None
    post_reminder_in_days: int | None = None
    # What the calculator needs, worked out once.
    _carried: tuple[tuple[int, ...], ...] = attrs.field(init=False, eq=False, repr=False)
    _payments_by_date: tuple[tuple[int, int], ...] = attrs.field(init=False, eq=False, repr=False)
    _tax_ratios: tuple[tuple[int, int, bool], ...] = attrs.field(init=False, eq=False, repr=False)
    _line_terms: tuple[tuple[int, int, int, int, int, bool, int], ...] = attrs.field(
        init=False, eq=False, repr=False
    )
    _tax_groups: tuple[tuple[int, ...], ...] = attrs.field(init=False, eq=False, repr=False)
    _total_quantity: Decimal = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        _of_type(self, "currency", Currency, "a Currency")
        _date(self, "invoice_date")
        _date(self, "due_date")
        for field, items, kind in (
            ("lines", self.lines, LineItem),
            ("taxes", self.taxes, Tax),
            ("payments", self.payments, Payment),
        ):
            for index, item in enumerate(items):
                if not isinstance(item, kind):
                    raise InvalidTypeError(f"{field}[{index}]", item, f"must be a {kind.__name__}")
        _number(self, "discount_percentage", low=_ZERO, high=_HUNDRED)
        _period(self, "early_period_in_days")
        _optional_number(self, "late_percentage", low=_ZERO)
        if _period(self, "late_period_in_days") is None and self.late_percentage is not None:
            raise InvalidValueError(
                "late_percentage", self.late_percentage, "needs late_period_in_days"
            )
        _of_type(self, "policy", Policy, "a Policy")
        for name in ("number", "po_number", "terms"):
            _text(self, name, optional=True)
        _text(self, "notes")
        _period(self, "pre_reminder_in_days")
        _period(self, "post_reminder_in_days")

        positions: dict[str, int] = {}
        for position, tax in enumerate(self.taxes):
            if tax.name in positions:
                raise InvalidValueError(f"taxes[{position}].name", tax.name, "is defined twice")
            positions[tax.name] = position
        everything = tuple(range(len(self.taxes)))
        carried: list[tuple[int, ...]] = []
        for position, line in enumerate(self.lines):
            if not line.taxable:
                carried.append(())
            elif not line.taxes:
                carried.append(everything)
            else:
                for name in line.taxes:
                    if name not in positions:
                        raise InvalidValueError(
                            f"lines[{position}].taxes", name, "is not a tax this invoice defines"
                        )
                carried.append(tuple(sorted(positions[name] for name in line.taxes)))
        _set(self, "_carried", tuple(carried))
        ratios = []
        for tax in self.taxes:  # rate / 100 as (numerator, denominator)
            num, den = tax.rate.as_integer_ratio()
            ratios.append((num, den * 100, tax.compound))
        _set(self, "_tax_ratios", tuple(ratios))
        _set(
            self,
            "_total_quantity",
            reduce(EXACT.add, (line.quantity for line in self.lines), _ZERO),
        )
        # Lines that carry the same taxes form a group (-1: none); see _calculate.
        groups = tuple(dict.fromkeys(carries for carries in carried if carries))
        group_of = {carries: index for index, carries in enumerate(groups)}
        _set(self, "_tax_groups", groups)
        _set(
            self,
            "_line_terms",  # quantity * price, flat fee, markup / 100, taxable, tax group
            tuple(
                (
                    *line._cost_ratio,
                    line.flat_fee,
                    *line._markup_ratio,
                    line.taxable,
                    group_of.get(carries, -1),
                )
                for line, carries in zip(self.lines, carried, strict=True)
            ),
        )
        _set(
            self,
            "_payments_by_date",
            tuple(sorted((p.date.toordinal(), p.amount) for p in self.payments)),
        )
