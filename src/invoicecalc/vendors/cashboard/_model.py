"""What Cashboard can say about an invoice, and what it says that the domain does not.

:func:`canonical` is the mapping in one place: the invoice exactly as
Cashboard expresses it (what reading a written invoice gives back), or an
:class:`~invoicecalc.errors.UnsupportedError` naming what it cannot express.
:class:`CashboardRecord` keeps a resource's vendor fields (ids, client,
links, ...) so that writing what was read loses nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs

from ..._documents import Entry
from ..._model import Invoice, LineItem, LineKind, Policy, Tax, sales_taxes
from ..._money import EXACT, Currency
from ...errors import InvalidTypeError, InvalidValueError, UnsupportedError

__all__ = [
    "POLICY",
    "CashboardEntry",
    "CashboardLineItem",
    "CashboardRecord",
    "canonical",
    "cashboard_taxes",
    "price_text",
    "rate_text",
]

#: How Cashboard computes: the engine's defaults (half_up, per_document, pre_tax).
POLICY = Policy()


def _pairs(value: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, list | tuple):
        raise InvalidTypeError("", value, "must be a list of (name, text) pairs")
    pairs = []
    for pair in value:
        if not (isinstance(pair, tuple | list) and len(pair) == 2):
            raise InvalidTypeError("", pair, "must be a (name, text) pair of strings")
        name, text = pair
        if not (isinstance(name, str) and isinstance(text, str)):
            raise InvalidTypeError("", pair, "must be a (name, text) pair of strings")
        pairs.append((name, text))
    return tuple(pairs)


@attrs.frozen
class CashboardRecord:
    """A Cashboard resource's elements that no domain field holds, kept to be written back.

    ``links`` are ``(rel, href)`` pairs; ``fields`` are ``(element, text)``
    pairs in document order, ``""`` for an empty element. Which elements a
    record keeps is listed in ``docs/vendors.md``: everything but what maps
    to the domain or is recomputed.
    """

    links: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)
    fields: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)

    def get(self, tag: str) -> str | None:
        """The text of element ``tag`` (``""`` when it was empty), ``None`` when not kept."""
        for name, text in self.fields:
            if name == tag:
                return text
        return None


_NO_RECORD = CashboardRecord()


@attrs.frozen
class CashboardEntry(Entry):
    """An :class:`~invoicecalc.document.Entry` read from Cashboard, with its vendor fields.

    ``record`` is the invoice's; ``line_records`` one per line and
    ``payment_records`` one ``(invoice_payment, payment)`` pair per payment,
    or empty for lines and payments Cashboard has not seen. ``undated``
    holds the positions of the payments read without a date (an invoice
    payment whose payment was not given): each is dated the invoice date in
    ``invoice``, which the reader allows only where no amount depends on it,
    and no payment resource is written for it (see ``docs/vendors.md``).
    """

    record: CashboardRecord = _NO_RECORD
    line_records: tuple[CashboardRecord, ...] = ()
    payment_records: tuple[tuple[CashboardRecord, CashboardRecord], ...] = ()
    undated: tuple[int, ...] = ()

    def __attrs_post_init__(self) -> None:
        for index in self.undated:
            if not 0 <= index < len(self.invoice.payments):
                raise InvalidValueError("undated", index, "must be the position of a payment")
        for name, records, items in (
            ("line_records", self.line_records, self.invoice.lines),
            ("payment_records", self.payment_records, self.invoice.payments),
        ):
            if records and len(records) != len(items):
                raise InvalidValueError(
                    name, len(records), f"must hold one per item ({len(items)})"
                )

    def line_record(self, index: int) -> CashboardRecord:
        return self.line_records[index] if self.line_records else _NO_RECORD

    def payment_record(self, index: int) -> tuple[CashboardRecord, CashboardRecord]:
        return self.payment_records[index] if self.payment_records else (_NO_RECORD, _NO_RECORD)


@attrs.frozen
class CashboardLineItem:
    """A ``line_item`` resource: a line of an estimate or a project.

    It has no ``quantity``, only the estimate's ``quantity_low`` and
    ``quantity_high``; ``item.quantity`` is therefore always 1.
    """

    item: LineItem
    record: CashboardRecord = _NO_RECORD


def records_of(entry: Entry) -> CashboardEntry:
    """``entry`` as a :class:`CashboardEntry` (with no vendor fields when it is not one)."""
    if isinstance(entry, CashboardEntry):
        return entry
    return CashboardEntry(entry.invoice, entry.as_of, entry.stated, entry.id)


def canonical(invoice: Invoice, *, as_of: dt.date) -> Invoice:
    """``invoice`` exactly as Cashboard expresses it; what it cannot express is refused.

    ``as_of`` is there for the surface every vendor shares (a FreshBooks or
    Kashoo document holds what an invoice stands at on a date); Cashboard's
    documents hold the invoice's own terms, the same on every date.

    Every total is unchanged. Taxes become ``sales_tax`` and ``sales_tax_2``
    by position (a compound first tax is the same as a plain one: nothing
    comes before it; a second tax compounding on the first, by ``True`` or
    by name, is ``sales_tax_2_cumulative``); a line naming every tax names
    none; a line's kind becomes ``custom`` (a Cashboard invoice line has no
    type); a zero line discount is none, and a cash rounding to one minor
    unit (which rounds nothing) is none. Refused, with
    :class:`~invoicecalc.errors.UnsupportedError`: a policy other than
    Cashboard's (``up`` mode included), more than two taxes, a withholding
    tax, a line carrying some taxes but not all, a quantity range or a
    discount on an invoice line, a discount amount, tax-inclusive prices, a
    cash rounding, a home currency, and terms.
    """
    taxes = cashboard_taxes(invoice)
    lines = [
        line
        if line.kind is LineKind.CUSTOM
        and not line.taxes
        and line.discount_percentage is None
        and line.discount_amount is None
        else attrs.evolve(
            line,
            kind=LineKind.CUSTOM,
            taxes=(),
            discount_percentage=None,
            discount_amount=None,
        )
        for line in invoice.lines
    ]
    return attrs.evolve(invoice, lines=lines, taxes=taxes, terms=None, cash_rounding=None)


def cashboard_taxes(invoice: Invoice) -> tuple[Tax, ...]:
    """The checks of :func:`canonical`, and the invoice's taxes as Cashboard's two."""
    policy = invoice.policy
    if policy != POLICY:
        shown = f"{policy.rounding}, {policy.tax_rounding}, {policy.discount_base}"
        raise UnsupportedError(
            "policy", "Cashboard computes with half_up, per_document, pre_tax only", shown
        )
    if len(invoice.taxes) > 2:
        raise UnsupportedError(
            "taxes", "Cashboard has two taxes at most (sales_tax, sales_tax_2)", len(invoice.taxes)
        )
    if invoice.terms:
        raise UnsupportedError("terms", "a Cashboard invoice has no terms", invoice.terms)
    _v2_refusals(invoice)
    every = {tax.name for tax in invoice.taxes}
    for index, line in enumerate(invoice.lines):
        if line.taxes and set(line.taxes) != every:
            raise UnsupportedError(
                f"lines[{index}].taxes",
                "a Cashboard line carries every tax or none (is_taxable)",
                line.taxes,
            )
        for name in ("quantity_low", "quantity_high"):
            if getattr(line, name) is not None:
                raise UnsupportedError(
                    f"lines[{index}].{name}",
                    "a Cashboard invoice line has no quantity range (a line_item resource has)",
                    getattr(line, name),
                )
    rates = [tax.rate for tax in invoice.taxes]
    return sales_taxes(
        rates[0] if rates else None,
        rates[1] if len(rates) > 1 else None,
        len(rates) > 1 and bool(invoice.taxes[1].compound),
    )


def _v2_refusals(invoice: Invoice) -> None:
    """The engine's v2 concepts Cashboard's invoice has no element for."""
    for index, tax in enumerate(invoice.taxes):
        if tax.withholding:
            raise UnsupportedError(
                f"taxes[{index}].withholding",
                "Cashboard's sales taxes add to the total; none is withheld",
                tax.name,
            )
    if invoice.discount_amount:
        raise UnsupportedError(
            "discount_amount",
            "a Cashboard invoice discounts by percentage only (discount_percentage)",
            invoice.currency.format(invoice.discount_amount),
        )
    if invoice.tax_inclusive:
        raise UnsupportedError(
            "tax_inclusive", "Cashboard's prices are before tax (price_per)", True
        )
    rounding = invoice.cash_rounding
    if rounding is not None and rounding.increment != 1:
        raise UnsupportedError(
            "cash_rounding",
            "a Cashboard invoice has no cash rounding",
            invoice.currency.format(rounding.increment),
        )
    if invoice.home_currency is not None:
        raise UnsupportedError(
            "home_currency",
            "a Cashboard account has one currency (currency_type_code)",
            invoice.home_currency.currency.code,
        )
    for index, line in enumerate(invoice.lines):
        if line.discount_percentage:
            raise UnsupportedError(
                f"lines[{index}].discount_percentage",
                "a Cashboard invoice line has no discount",
                line.discount_percentage,
            )
        if line.discount_amount:
            raise UnsupportedError(
                f"lines[{index}].discount_amount",
                "a Cashboard invoice line has no discount",
                invoice.currency.format(line.discount_amount),
            )


def _plain(value: Decimal) -> str:
    return f"{value if value else abs(value):f}"  # never "-0"


def rate_text(value: Decimal) -> str:
    """A percentage or a quantity as plain decimal text (``"8.25"``, never an exponent)."""
    return _plain(value)


def price_text(unit_price: Decimal, currency: Currency) -> str:
    """A unit price (minor units) in major units, with at least the currency's digits."""
    major = unit_price.scaleb(-currency.exponent, EXACT)
    exponent = major.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -currency.exponent:
        major = major.quantize(Decimal(1).scaleb(-currency.exponent), context=EXACT)
    return _plain(major)
