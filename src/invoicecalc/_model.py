"""The immutable invoice: taxes, lines, payments, policy.

Every value is checked when it is built; an invalid invoice cannot exist.
Money carries its currency: an :class:`Amount` (whole minor units) or a
:class:`Price` (minor units, possibly finer); rates and quantities are exact
``Decimal``.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from decimal import Decimal
from functools import reduce
from typing import Any, cast

import attrs
from babel.core import get_global

from . import _checks
from ._money import (
    EXACT,
    NO_AMOUNT,
    NO_PRICE,
    Amount,
    Currency,
    Price,
    Rounding,
    in_range,
    shown,
)
from ._prepare import LineTerms, Prepared, TaxTerms, prepare
from ._trace import Trace
from .errors import InvalidTypeError, InvalidValueError

__all__ = [
    "CashRounding",
    "DiscountBase",
    "HomeCurrency",
    "Invoice",
    "LineItem",
    "LineKind",
    "Payment",
    "Policy",
    "Tax",
    "TaxRounding",
    "plain_line",
    "prepare_traced",
    "sales_taxes",
]

_ZERO = Decimal(0)
_ONE = Decimal(1)
_HUNDRED = Decimal(100)
#: A markup below -100% would turn a line's cost into its opposite: a sale into a
#: credit (a negative quantity or price is how a credit is written).
_LEAST_MARKUP = Decimal(-100)
#: The most early-payment or late-fee periods an invoice may have.
MAX_PERIODS = 100_000

#: What a number field accepts: exact values only (a ``float`` is refused).
Number = Decimal | int | str


def _number_input(value: Number) -> Decimal:
    """Typing only: the value is checked and converted after ``__init__``, where its
    field's name is known for the error."""
    return cast(Decimal, value)


def _optional_number_input(value: Number | None) -> Decimal | None:
    """Typing only, as :func:`_number_input`."""
    return cast(Decimal | None, value)


def _lines_input(value: Sequence[LineItem]) -> tuple[LineItem, ...]:
    """The lines as a tuple; each is checked after ``__init__``."""
    return _checks.sequence(value, "lines")


def _taxes_input(value: Sequence[Tax]) -> tuple[Tax, ...]:
    return _checks.sequence(value, "taxes")


def _payments_input(value: Sequence[Payment]) -> tuple[Payment, ...]:
    return _checks.sequence(value, "payments")


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


def _set(obj: object, name: str, value: object) -> None:
    object.__setattr__(obj, name, value)


# -- the value types -----------------------------------------------------------


def _compound_input(value: bool | Sequence[str]) -> bool | tuple[str, ...]:
    """``compound`` as ``True``, ``False`` or a tuple of earlier taxes' names (an empty
    list is ``False``); the names are checked by the tax and the invoice."""
    if isinstance(value, (list, tuple)):
        return tuple(value) if value else False
    return cast(bool, value)


@attrs.frozen
class Tax:
    """A tax the invoice defines.

    ``compound=True`` charges it also on every earlier tax the line carries;
    a tuple of names, on only those earlier taxes. A ``withholding`` tax
    (Spain's IRPF) is taken off the total instead of added to it.
    """

    name: str
    rate: Decimal = attrs.field(converter=_number_input)
    compound: bool | tuple[str, ...] = attrs.field(default=False, converter=_compound_input)
    withholding: bool = False

    def __attrs_post_init__(self) -> None:
        if (
            type(self.name) is str
            and type(self.rate) is Decimal
            and self.compound is False
            and self.withholding is False
            and self.name.strip()
        ):
            rate = in_range(self.rate, "rate")
            if rate < _ZERO:
                raise InvalidValueError("rate", self.rate, f"must be at least {_ZERO}")
            if rate is not self.rate:
                _set(self, "rate", rate)
            return
        _checks.text(self, "name")
        if not self.name.strip():
            raise InvalidValueError("name", self.name, "a tax needs a name")
        _checks.number(self, "rate", low=_ZERO)
        if isinstance(self.compound, tuple):
            for name in self.compound:
                if not isinstance(name, str):
                    raise InvalidTypeError("compound", name, "must name a tax")
            if len(set(self.compound)) != len(self.compound):
                raise InvalidValueError("compound", self.compound, "names a tax twice")
        else:
            _checks.of_type(self, "compound", bool, "true, false or a list of earlier taxes")
        _checks.of_type(self, "withholding", bool, "true or false")
        if self.withholding and self.compound:
            raise InvalidValueError("compound", self.compound, "a withholding tax cannot compound")


def sales_taxes(
    sales_tax: Decimal | None, sales_tax_2: Decimal | None, cumulative: bool = False
) -> tuple[Tax, ...]:
    """Cashboard's ``sales_tax``, ``sales_tax_2`` and ``sales_tax_2_cumulative`` as taxes.

    Tax 1 is 0 when only ``sales_tax_2`` is given; the flag makes tax 2 compound, and
    is refused without tax 2 (it would be dropped unread).

    >>> [(t.name, t.rate, t.compound) for t in sales_taxes(None, Decimal("5"), True)]
    [('sales_tax', Decimal('0'), False), ('sales_tax_2', Decimal('5'), True)]
    """
    if sales_tax_2 is None:
        if cumulative:
            problem = "makes sales_tax_2 compound, and there is no sales_tax_2"
            raise InvalidValueError("sales_tax_2_cumulative", cumulative, problem)
        return () if sales_tax is None else (Tax("sales_tax", sales_tax),)
    first = Tax("sales_tax", _ZERO if sales_tax is None else sales_tax)
    return (first, Tax("sales_tax_2", sales_tax_2, compound=cumulative))


@attrs.frozen(init=False)
class LineItem:
    """One invoice line: ``flat_fee + quantity * unit_price``, plus markup.

    Money comes through its currency: ``unit_price=usd.price("0.125")`` (a
    :class:`Price` may be finer than a minor unit), ``flat_fee=usd.amount("150.00")``
    (an :class:`Amount`, whole minor units). ``taxes`` names the taxes the line
    carries; a taxable line naming none carries all of them. The line's own
    discount is ``discount_percentage`` or ``discount_amount`` (at most the
    line's amount), taken before tax.
    ``quantity_low`` and ``quantity_high`` are an estimate's range.
    """

    kind: LineKind = LineKind.CUSTOM
    title: str = ""
    description: str = ""
    quantity: Decimal = _ONE
    unit_price: Price = NO_PRICE
    flat_fee: Amount = NO_AMOUNT
    markup_percentage: Decimal = _ZERO
    taxable: bool = True
    taxes: tuple[str, ...] = ()
    discount_percentage: Decimal | None = None
    discount_amount: Amount | None = None
    quantity_low: Decimal | None = None
    quantity_high: Decimal | None = None
    #: The line as plain numbers for the calculator, worked out once.
    terms: LineTerms = attrs.field(init=False, eq=False, repr=False)

    # Written by hand for speed (a document of many lines builds one of these per
    # line): a line of the common exact types is checked and stored in one pass;
    # any other is stored as given and checked by ``__attrs_post_init__``, so its
    # errors are that method's. The numbers are typed as what they accept.
    def __init__(
        self,
        kind: LineKind = LineKind.CUSTOM,
        title: str = "",
        description: str = "",
        quantity: Number = _ONE,
        unit_price: Price = NO_PRICE,
        flat_fee: Amount = NO_AMOUNT,
        markup_percentage: Number = _ZERO,
        taxable: bool = True,
        taxes: Any = (),
        discount_percentage: Number | None = None,
        discount_amount: Amount | None = None,
        quantity_low: Number | None = None,
        quantity_high: Number | None = None,
    ) -> None:
        if (
            type(quantity) is Decimal
            and type(unit_price) is Price
            and type(flat_fee) is Amount
            and type(markup_percentage) is Decimal
            and type(kind) is LineKind
            and type(title) is str
            and type(description) is str
            and type(taxable) is bool
            and type(taxes) is tuple
            and not taxes
            and discount_percentage is None
            and discount_amount is None
            and quantity_low is None
            and quantity_high is None
        ):
            if quantity is not _ONE:
                quantity = in_range(quantity, "quantity")
            if markup_percentage is not _ZERO:
                markup_percentage = in_range(markup_percentage, "markup_percentage")
            _store_plain(
                self, kind, title, description, quantity, unit_price, flat_fee,
                markup_percentage, taxable,
            )  # fmt: skip
            return
        given = (
            kind,
            title,
            description,
            quantity,
            unit_price,
            flat_fee,
            markup_percentage,
            taxable,
            _checks.sequence(taxes, "taxes"),
            discount_percentage,
            discount_amount,
            quantity_low,
            quantity_high,
        )
        # Every slot but the last, terms, which __attrs_post_init__ works out.
        for set_field, value in zip(_LINE_SLOTS[:-1], given, strict=True):
            set_field(self, value)
        self.__attrs_post_init__()

    def __attrs_post_init__(self) -> None:
        _checks.of_type(self, "kind", LineKind, "a LineKind")
        if type(self.title) is not str or type(self.description) is not str:
            _checks.text(self, "title")
            _checks.text(self, "description")
        quantity = _checks.number(self, "quantity")
        price = self.unit_price
        if type(price) is not Price:
            _checks.price(price, "unit_price")
        markup = _checks.number(self, "markup_percentage", low=_LEAST_MARKUP)
        if type(self.flat_fee) is not Amount:
            _checks.amount(self.flat_fee, "flat_fee")
        if type(self.taxable) is not bool:
            _checks.of_type(self, "taxable", bool, "true or false")
        if self.taxes:
            self._check_taxes()
        discount_num, discount_den = 0, 1
        if self.discount_percentage is not None:
            discount = _checks.number(self, "discount_percentage", low=_ZERO, high=_HUNDRED)
            if self.discount_amount is not None:
                raise InvalidValueError(
                    "discount_amount",
                    self.discount_amount,
                    "a line has a discount percentage or a discount amount, not both",
                )
            discount_num, discount_den = discount.as_integer_ratio()
            discount_den *= 100
        elif (
            self.discount_amount is not None
            and _checks.amount(self.discount_amount, "discount_amount") < 0
        ):
            raise InvalidValueError(
                "discount_amount", shown(self.discount_amount), "must not be negative"
            )
        if self.quantity_low is not None or self.quantity_high is not None:
            _checks.optional_number(self, "quantity_low")
            _checks.optional_number(self, "quantity_high")
        qn, qd = quantity.as_integer_ratio()
        pn, pd = price.as_integer_ratio()
        mn, md = markup.as_integer_ratio()
        _set(
            self,
            "terms",
            LineTerms(
                qn * pn,
                qd * pd,
                int(self.flat_fee),
                mn,
                md * 100,
                self.taxable,
                discount_num,
                discount_den,
                None if self.discount_amount is None else int(self.discount_amount),
            ),
        )

    def _check_taxes(self) -> None:
        for name in self.taxes:
            if not isinstance(name, str):
                raise InvalidTypeError("taxes", name, "must name a tax")
        if not self.taxable:
            raise InvalidValueError("taxes", self.taxes, "a non-taxable line cannot carry taxes")
        if len(set(self.taxes)) != len(self.taxes):
            raise InvalidValueError("taxes", self.taxes, "names a tax twice")


#: Each field's slot setter, in the order of the fields: setting a slot through its
#: descriptor is quicker than ``object.__setattr__`` by name (LineItem's fast path).
_LINE_SLOTS = tuple(LineItem.__dict__[field.name].__set__ for field in attrs.fields(LineItem))


def _store_plain(
    line: LineItem,
    kind: LineKind,
    title: str,
    description: str,
    quantity: Decimal,
    unit_price: Price,
    flat_fee: Amount,
    markup: Decimal,
    taxable: bool,
) -> None:
    """Store a plain line's checked values and its terms: no taxes named, no discount,
    no range (the fast path of ``LineItem.__init__`` and :func:`plain_line`). The one
    check left is the markup's bound, which no reader's parser knows."""
    if markup < _LEAST_MARKUP:
        raise InvalidValueError("markup_percentage", markup, f"must be at least {_LEAST_MARKUP}")
    qn, qd = quantity.as_integer_ratio()
    pn, pd = unit_price.as_integer_ratio()
    mn, md = markup.as_integer_ratio()
    (
        set_kind,
        set_title,
        set_description,
        set_quantity,
        set_unit_price,
        set_flat_fee,
        set_markup,
        set_taxable,
        set_taxes,
        set_discount_percentage,
        set_discount_amount,
        set_quantity_low,
        set_quantity_high,
        set_terms,
    ) = _LINE_SLOTS
    set_kind(line, kind)
    set_title(line, title)
    set_description(line, description)
    set_quantity(line, quantity)
    set_unit_price(line, unit_price)
    set_flat_fee(line, flat_fee)
    set_markup(line, markup)
    set_taxable(line, taxable)
    set_taxes(line, ())
    set_discount_percentage(line, None)
    set_discount_amount(line, None)
    set_quantity_low(line, None)
    set_quantity_high(line, None)
    terms = (qn * pn, qd * pd, int(flat_fee), mn, md * 100, taxable, 0, 1, None)
    set_terms(line, tuple.__new__(LineTerms, terms))


def plain_line(
    kind: LineKind,
    title: str,
    description: str,
    quantity: Decimal,
    unit_price: Price,
    flat_fee: Amount,
    markup: Decimal,
    taxable: bool,
) -> LineItem:
    """``LineItem(kind, title, ..., taxable)`` of values a reader has checked already,
    without checking them again: each of exactly its type (``Decimal``, ``Price``,
    ``Amount``, ``str``, ``bool``, a ``LineKind``) and the numbers through
    :func:`~invoicecalc._money.in_range` (as ``exact_decimal`` and
    ``Currency.price``/``amount`` give them). The neutral reader's quick path;
    ``tests/test_document.py`` holds it equal to the full reader's lines."""
    line: LineItem = object.__new__(LineItem)
    _store_plain(line, kind, title, description, quantity, unit_price, flat_fee, markup, taxable)
    return line


@attrs.frozen
class Payment:
    """A payment of ``amount`` (an :class:`Amount`; negative: a refund) received on ``date``."""

    date: dt.date
    amount: Amount
    note: str = ""

    def __attrs_post_init__(self) -> None:
        if type(self.date) is dt.date and type(self.amount) is Amount and type(self.note) is str:
            return
        _checks.date(self, "date")
        _checks.amount(self.amount, "amount")
        _checks.text(self, "note")


@attrs.frozen
class Policy:
    """How amounts are rounded and where the discount applies."""

    rounding: Rounding = Rounding.HALF_UP
    tax_rounding: TaxRounding = TaxRounding.PER_DOCUMENT
    discount_base: DiscountBase = DiscountBase.PRE_TAX

    def __attrs_post_init__(self) -> None:
        _checks.of_type(self, "rounding", Rounding, "a Rounding")
        _checks.of_type(self, "tax_rounding", TaxRounding, "a TaxRounding")
        _checks.of_type(self, "discount_base", DiscountBase, "a DiscountBase")


@attrs.frozen
class CashRounding:
    """Round the invoice's total to a coin: a multiple of ``increment`` (an :class:`Amount`).

    ``rounding`` is the mode, or ``None`` for the invoice's own.

    >>> from invoicecalc import Currency
    >>> [CashRounding.of_currency(Currency(c)).increment for c in ("CHF", "SEK", "USD")]
    [Amount(5, 'CHF'), Amount(100, 'SEK'), Amount(1, 'USD')]
    """

    increment: Amount
    rounding: Rounding | None = None

    def __attrs_post_init__(self) -> None:
        if _checks.amount(self.increment, "cash_rounding.increment") < 1:
            raise InvalidValueError(
                "cash_rounding.increment", shown(self.increment), "must be at least one minor unit"
            )
        if self.rounding is not None:
            _checks.of_type(self, "rounding", Rounding, "a Rounding or None")

    @classmethod
    def of_currency(cls, currency: Currency) -> CashRounding:
        """The currency's cash rounding in CLDR (through babel); 1 minor unit when it has none.

        CLDR gives ``(digits, rounding, cash_digits, cash_rounding)``; the
        increment is ``10**(exponent - cash_digits) * max(1, cash_rounding)``.
        """
        fractions = get_global("currency_fractions")
        if currency.code not in fractions:
            return cls(Amount(1, currency.code))
        _, _, cash_digits, cash_rounding = fractions[currency.code]
        increment = 10 ** max(0, currency.exponent - cash_digits) * max(1, cash_rounding)
        return cls(Amount(increment, currency.code))


@attrs.frozen
class HomeCurrency:
    """The seller's home currency and ``rate``: home units per one invoice-currency unit."""

    currency: Currency
    rate: Decimal = attrs.field(converter=_number_input)

    def __attrs_post_init__(self) -> None:
        _checks.of_type(self, "currency", Currency, "a Currency")
        if _checks.number(self, "rate") <= 0:
            raise InvalidValueError("home_currency.rate", self.rate, "must be positive")


@attrs.frozen
class Invoice:
    """An invoice, checked whole when it is built.

    ``discount_percentage`` is a plain discount, or with ``early_period_in_days``
    an early-payment discount per period; ``discount_amount`` (an :class:`Amount`) is
    a fixed discount beside it. With ``tax_inclusive`` every price and
    discount amount includes its line's taxes. ``late_percentage`` needs
    ``late_period_in_days``. ``number``, ``po_number``, ``notes``, ``terms`` and
    the reminder periods are carried for the formats and schedules; they do
    not change a total.
    """

    currency: Currency
    invoice_date: dt.date
    due_date: dt.date
    lines: tuple[LineItem, ...] = attrs.field(default=(), converter=_lines_input)
    taxes: tuple[Tax, ...] = attrs.field(default=(), converter=_taxes_input)
    discount_percentage: Decimal = attrs.field(default=_ZERO, converter=_number_input)
    early_period_in_days: int | None = None
    late_percentage: Decimal | None = attrs.field(default=None, converter=_optional_number_input)
    late_period_in_days: int | None = None
    payments: tuple[Payment, ...] = attrs.field(default=(), converter=_payments_input)
    policy: Policy = Policy()
    number: str | None = None
    po_number: str | None = None
    notes: str = ""
    terms: str | None = None
    pre_reminder_in_days: int | None = None
    post_reminder_in_days: int | None = None
    discount_amount: Amount = NO_AMOUNT
    tax_inclusive: bool = False
    cash_rounding: CashRounding | None = None
    home_currency: HomeCurrency | None = None
    #: The positions of the taxes each line carries, in the invoice's order.
    carried: tuple[tuple[int, ...], ...] = attrs.field(init=False, eq=False, repr=False)
    #: What the calculator needs, worked out once (see ``invoicecalc._prepare``).
    prepared: Prepared = attrs.field(init=False, eq=False, repr=False)
    total_quantity: Decimal = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        self._check_fields()
        quick = self._common_lines()
        if quick is None:
            self._check_currencies()
        tax_terms = self._tax_terms()
        terms, carried, quantity = self._all_lines() if quick is None else quick
        _set(self, "carried", carried)
        _set(self, "total_quantity", quantity)
        _set(self, "prepared", _prepared(self, terms, tax_terms))

    def _common_lines(
        self,
    ) -> tuple[list[LineTerms], tuple[tuple[int, ...], ...], Decimal] | None:
        """``(terms, carried, total_quantity)`` of the common invoice in one pass over its
        lines, or None when anything is in another currency or a line names its taxes
        (the full checks then name what is wrong, as they always do)."""
        fine = (self.currency.code, "")
        if self.discount_amount.currency not in fine or (
            self.cash_rounding is not None and self.cash_rounding.increment.currency not in fine
        ):
            return None
        for payment in self.payments:
            if payment.amount.currency not in fine:
                return None
        everything = tuple(range(len(self.taxes)))
        terms = []
        carried: list[tuple[int, ...]] = []
        quantity = _ZERO
        add = EXACT.add
        for line in self.lines:
            if (
                line.taxes
                or line.unit_price.currency not in fine
                or line.flat_fee.currency not in fine
                or (line.discount_amount is not None and line.discount_amount.currency not in fine)
            ):
                return None
            terms.append(line.terms)
            carried.append(everything if line.taxable else ())
            quantity = add(quantity, line.quantity)
        return terms, tuple(carried), quantity

    def _all_lines(self) -> tuple[list[LineTerms], tuple[tuple[int, ...], ...], Decimal]:
        """``(terms, carried, total_quantity)`` of any invoice, checking the taxes each line
        names."""
        terms = [line.terms for line in self.lines]
        quantity = reduce(EXACT.add, [line.quantity for line in self.lines], _ZERO)
        return terms, self._carried(), quantity

    def _check_fields(self) -> None:
        if (
            type(self.currency) is Currency
            and type(self.invoice_date) is dt.date
            and type(self.due_date) is dt.date
            and type(self.discount_percentage) is Decimal
            and self.early_period_in_days is None
            and self.late_percentage is None
            and self.late_period_in_days is None
            and type(self.policy) is Policy
            and type(self.notes) is str
            and (self.number is None or type(self.number) is str)
            and (self.po_number is None or type(self.po_number) is str)
            and (self.terms is None or type(self.terms) is str)
            and self.pre_reminder_in_days is None
            and self.post_reminder_in_days is None
            and type(self.discount_amount) is Amount
            and self.discount_amount >= 0
            and type(self.tax_inclusive) is bool
            and self.cash_rounding is None
            and self.home_currency is None
            and not [line for line in self.lines if type(line) is not LineItem]
            and not [tax for tax in self.taxes if type(tax) is not Tax]
            and not [payment for payment in self.payments if type(payment) is not Payment]
        ):
            # The common invoice: only its discount percentage is left to check.
            _checks.number(self, "discount_percentage", low=_ZERO, high=_HUNDRED)
            return
        _checks.of_type(self, "currency", Currency, "a Currency")
        _checks.date(self, "invoice_date")
        _checks.date(self, "due_date")
        for field, items, kind in (
            ("lines", self.lines, LineItem),
            ("taxes", self.taxes, Tax),
            ("payments", self.payments, Payment),
        ):
            for index, item in enumerate(items):
                if not isinstance(item, kind):
                    raise InvalidTypeError(f"{field}[{index}]", item, f"must be a {kind.__name__}")
        _checks.number(self, "discount_percentage", low=_ZERO, high=_HUNDRED)
        early = _checks.period(self, "early_period_in_days")
        if early is not None:
            periods = (self.due_date - self.invoice_date).days // early
            if periods > MAX_PERIODS:
                raise InvalidValueError(
                    "early_period_in_days",
                    self.early_period_in_days,
                    f"gives {periods} early-payment periods; at most {MAX_PERIODS} are supported",
                )
        _checks.optional_number(self, "late_percentage", low=_ZERO)
        if _checks.period(self, "late_period_in_days") is None and self.late_percentage is not None:
            raise InvalidValueError(
                "late_percentage", self.late_percentage, "needs late_period_in_days"
            )
        _checks.of_type(self, "policy", Policy, "a Policy")
        for name in ("number", "po_number", "terms"):
            _checks.text(self, name, optional=True)
        _checks.text(self, "notes")
        _checks.period(self, "pre_reminder_in_days")
        _checks.period(self, "post_reminder_in_days")
        if _checks.amount(self.discount_amount, "discount_amount") < 0:
            raise InvalidValueError(
                "discount_amount", shown(self.discount_amount), "must not be negative"
            )
        _checks.of_type(self, "tax_inclusive", bool, "true or false")
        if self.cash_rounding is not None:
            _checks.of_type(self, "cash_rounding", CashRounding, "a CashRounding or None")
        if self.home_currency is not None:
            _checks.of_type(self, "home_currency", HomeCurrency, "a HomeCurrency or None")
            home = self.home_currency
            if home.currency == self.currency and home.rate != 1:
                raise InvalidValueError(
                    "home_currency.rate",
                    home.rate,
                    "must be 1 when the home currency is the invoice's own",
                )

    def _check_currencies(self) -> None:
        """Every amount and price is in the invoice's currency (or a zero of none), field
        by field, naming the first that is not. The common invoice, all in its currency,
        does not come here: :meth:`_common_lines` has seen every currency already."""
        code = self.currency.code
        given: list[tuple[str, Amount | Price | None]] = [
            ("discount_amount", self.discount_amount),
            (
                "cash_rounding.increment",
                None if self.cash_rounding is None else self.cash_rounding.increment,
            ),
        ]
        for index, line in enumerate(self.lines):
            given += [
                (f"lines[{index}].unit_price", line.unit_price),
                (f"lines[{index}].flat_fee", line.flat_fee),
                (f"lines[{index}].discount_amount", line.discount_amount),
            ]
        given += [(f"payments[{i}].amount", p.amount) for i, p in enumerate(self.payments)]
        for field, money in given:
            if money is not None and money.currency not in (code, ""):
                raise InvalidValueError(
                    field, money, f"is in {money.currency}; the invoice is in {code}"
                )

    def _tax_terms(self) -> list[TaxTerms]:
        positions: dict[str, int] = {}
        terms = []
        for position, tax in enumerate(self.taxes):
            if tax.name in positions:
                raise InvalidValueError(f"taxes[{position}].name", tax.name, "is defined twice")
            if tax.withholding and self.tax_inclusive:
                raise InvalidValueError(
                    f"taxes[{position}].withholding",
                    True,
                    "a withholding tax cannot be tax-inclusive",
                )
            if tax.compound is True:
                base = tuple([k for k in range(position) if not self.taxes[k].withholding])
            elif tax.compound:
                base = self._compound_base(position, tax.compound, positions)
            else:
                base = ()
            num, den = tax.rate.as_integer_ratio()
            terms.append(
                tuple.__new__(TaxTerms, (-num if tax.withholding else num, den * 100, base))
            )
            positions[tax.name] = position
        return terms

    def _compound_base(
        self, position: int, names: tuple[str, ...], positions: dict[str, int]
    ) -> tuple[int, ...]:
        """The positions of the earlier taxes ``names`` tax ``position`` compounds on."""
        for name in names:
            if name not in positions:
                raise InvalidValueError(
                    f"taxes[{position}].compound", name, "is not an earlier tax of this invoice"
                )
            if self.taxes[positions[name]].withholding:
                raise InvalidValueError(f"taxes[{position}].compound", name, "is a withholding tax")
        return tuple(sorted(positions[name] for name in names))

    def _carried(self) -> tuple[tuple[int, ...], ...]:
        positions = {tax.name: position for position, tax in enumerate(self.taxes)}
        everything = tuple(range(len(self.taxes)))
        carried: list[tuple[int, ...]] = []
        for index, line in enumerate(self.lines):
            if not line.taxable:
                carried.append(())
            elif not line.taxes:
                carried.append(everything)
            else:
                for name in line.taxes:
                    if name not in positions:
                        raise InvalidValueError(
                            f"lines[{index}].taxes", name, "is not a tax this invoice defines"
                        )
                carried.append(tuple(sorted(positions[name] for name in line.taxes)))
        return tuple(carried)


def _prepared(
    invoice: Invoice,
    terms: Sequence[LineTerms],
    tax_terms: Sequence[TaxTerms],
    trace: Trace | None = None,
) -> Prepared:
    """The invoice's :class:`Prepared` amounts, recorded on ``trace`` when one is given."""
    policy = invoice.policy
    return prepare(
        invoice.currency,
        terms,
        invoice.carried,
        tax_terms,
        rounding=policy.rounding,
        per_line=policy.tax_rounding is TaxRounding.PER_LINE,
        pre_tax=policy.discount_base is DiscountBase.PRE_TAX,
        inclusive=invoice.tax_inclusive,
        discount_amount=int(invoice.discount_amount),
        payments=[(p.date.toordinal(), int(p.amount)) for p in invoice.payments],
        trace=trace,
        names=() if trace is None else [tax.name for tax in invoice.taxes],
    )


def prepare_traced(invoice: Invoice, trace: Trace) -> Prepared:
    """Work ``invoice``'s :class:`Prepared` amounts out again, as it was built, recording
    every step on ``trace`` (for :func:`~invoicecalc.explain`)."""
    return _prepared(invoice, [line.terms for line in invoice.lines], invoice._tax_terms(), trace)
