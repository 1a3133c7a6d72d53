"""Payment terms: the due date and the cash discount people write on invoices.

The grammar is exact; nothing is guessed. Letters may be in any case and
runs of whitespace count as one space (``"net  30"`` is ``"Net 30"``); any
other text is refused with an error that names it.

=======================  ==================================================
``Due on receipt``       due on the invoice date (also ``Due upon receipt``)
``Net N``                due N days after the invoice date
``Net N EOM``            due N days after the last day of the invoice month
``EOM``                  due on the last day of the invoice month
``Nth of next month``    due on that day of the next month (``15th``; a day
                         the month lacks is its last day: ``31st`` -> 29 Feb)
``D/N Net M``            due M days out; D percent off when paid within N
                         days (``2/10 Net 30``, ``1.5/10 Net 60``)
=======================  ==================================================

N and M are whole days from 0 to 3650; D is a percentage above 0, at most 100.

>>> Terms("2/10 Net 30").due_date(dt.date(2024, 1, 31))
datetime.date(2024, 3, 1)
>>> due_date(dt.date(2024, 1, 31), "15th of next month")
datetime.date(2024, 2, 15)
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import attrs

from ._checks import check_date
from ._dates import end_of_month, shifted
from ._model import Invoice
from .errors import InvalidTypeError, InvalidValueError, UnsupportedError

__all__ = ["Terms", "apply_terms", "due_date", "is_terms", "redate"]

#: The longest term accepted, in days (ten years); more is refused as absurd.
MAX_DAYS = 3650
_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
_RECEIPT = re.compile(r"due (?:on|upon) receipt")
_NET = re.compile(r"net ([0-9]{1,4})( eom)?")
_NEXT_MONTH = re.compile(r"([0-9]{1,2})(st|nd|rd|th) of next month")
_CASH = re.compile(r"([0-9]{1,3}(?:\.[0-9]{1,4})?)/([0-9]{1,4}) net ([0-9]{1,4})")
_UNKNOWN = (
    "are not terms invoicecalc reads "
    "(Due on receipt, Net N, Net N EOM, EOM, Nth of next month, D/N Net M)"
)


def _ordinal_suffix(day: int) -> str:
    if day % 100 in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


@attrs.frozen
class Terms:
    """Payment terms parsed from their text; ``Terms("Net 30")``.

    ``net_days`` count from the invoice date, or from the end of its month
    when ``end_of_month``; ``day_of_next_month`` is the ``Nth of next month``
    form. A cash discount (``D/N Net M``) has ``discount_percentage`` D and
    ``discount_days`` N, and maps onto the engine's early-payment discount as
    D percent per ``early_period_in_days`` = M - N days: the one period's
    deadline, ``due_date - (M - N)``, is the invoice date + N days.
    """

    text: str
    net_days: int = attrs.field(init=False)
    end_of_month: bool = attrs.field(init=False)
    day_of_next_month: int | None = attrs.field(init=False)
    discount_percentage: Decimal | None = attrs.field(init=False)
    discount_days: int | None = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.text, str):
            raise InvalidTypeError("terms", self.text, "must be text")
        words = " ".join(self.text.split()).lower()
        net, eom, day, percentage, within = 0, False, None, None, None
        if match := _NET.fullmatch(words):
            net, eom = self._days(match.group(1)), match.group(2) is not None
        elif match := _NEXT_MONTH.fullmatch(words):
            day = int(match.group(1))
            if not 1 <= day <= 31 or match.group(2) != _ordinal_suffix(day):
                raise InvalidValueError("terms", self.text, "name no day from 1st to 31st")
        elif match := _CASH.fullmatch(words):
            percentage = Decimal(match.group(1))
            within, net = self._days(match.group(2)), self._days(match.group(3))
            self._check_discount(percentage, within, net)
        elif words == "eom":
            eom = True
        elif not _RECEIPT.fullmatch(words):
            raise InvalidValueError("terms", self.text, _UNKNOWN)
        for name, value in (
            ("net_days", net),
            ("end_of_month", eom),
            ("day_of_next_month", day),
            ("discount_percentage", percentage),
            ("discount_days", within),
        ):
            object.__setattr__(self, name, value)

    def _days(self, digits: str) -> int:
        days = int(digits)
        if days > MAX_DAYS:
            raise InvalidValueError("terms", self.text, f"give more than {MAX_DAYS} days")
        return days

    def _check_discount(self, percentage: Decimal, within: int, net: int) -> None:
        if not _ZERO < percentage <= _HUNDRED:
            raise InvalidValueError("terms", self.text, "need a discount above 0, at most 100%")
        if within >= net:
            raise InvalidValueError("terms", self.text, "must end the discount before the due date")
        if 2 * within >= net:
            # early_period P = net - within; k_max = floor(net / P) would be 2 or more,
            # so the engine would also offer 2 x D percent for paying P days earlier.
            period = net - within
            raise UnsupportedError(
                "terms",
                f"cannot be the engine's early-payment discount: {percentage:f}% per {period} "
                f"days early would also give {2 * percentage:f}% for paying {2 * period} days "
                "before the due date; D/N Net M needs N below M/2",
                self.text,
            )

    @property
    def early_period_in_days(self) -> int | None:
        """The engine's ``early_period_in_days`` for a cash discount, else ``None``."""
        if self.discount_days is None:
            return None
        return self.net_days - self.discount_days

    def due_date(self, invoice_date: dt.date) -> dt.date:
        """The due date of an invoice dated ``invoice_date`` under these terms."""
        check_date(invoice_date, "invoice_date")
        if self.day_of_next_month is not None:
            return shifted(invoice_date, "terms", months=1, day=self.day_of_next_month)
        start = end_of_month(invoice_date) if self.end_of_month else invoice_date
        return shifted(start, "terms", days=self.net_days)


def is_terms(text: str) -> bool:
    """Whether ``text`` has the shape of terms of the grammar above (its values may
    still be refused: ``Net 9999``); free text such as ``"Payment due in 30 days."``
    has not.

    >>> is_terms("net  30"), is_terms("Net 9999"), is_terms("Payment due in 30 days.")
    (True, True, False)
    """
    words = " ".join(text.split()).lower()
    return words == "eom" or any(
        pattern.fullmatch(words) for pattern in (_RECEIPT, _NET, _NEXT_MONTH, _CASH)
    )


def due_date(invoice_date: dt.date, terms: str) -> dt.date:
    """The due date ``terms`` give an invoice dated ``invoice_date``.

    >>> due_date(dt.date(2024, 2, 10), "Net 15 EOM")
    datetime.date(2024, 3, 15)
    """
    return Terms(terms).due_date(check_date(invoice_date, "invoice_date"))


def apply_terms(invoice: Invoice) -> Invoice:
    """``invoice`` checked against its ``terms``, with what they imply filled in.

    The due date must be the one the terms give. A cash discount fills in
    ``discount_percentage`` and ``early_period_in_days`` when the invoice has
    no discount, and must agree with them when it has one. An invoice without
    terms is returned as it is; terms invoicecalc cannot read are refused.

    >>> from invoicecalc import Currency, Invoice
    >>> invoice = Invoice(Currency("USD"), dt.date(2024, 3, 1), dt.date(2024, 3, 31),
    ...                   terms="2/10 Net 30")
    >>> applied = apply_terms(invoice)
    >>> applied.discount_percentage, applied.early_period_in_days
    (Decimal('2'), 20)
    """
    if not isinstance(invoice, Invoice):
        raise InvalidTypeError("invoice", invoice, "must be an Invoice")
    if invoice.terms is None:
        return invoice
    terms = Terms(invoice.terms)
    due = terms.due_date(invoice.invoice_date)
    if invoice.due_date != due:
        raise InvalidValueError(
            "due_date",
            invoice.due_date.isoformat(),
            f"disagrees with terms {invoice.terms!r}, which make it {due.isoformat()}",
        )
    if terms.discount_percentage is None:
        return invoice
    stated = (invoice.discount_percentage, invoice.early_period_in_days)
    if stated == (_ZERO, None):
        return attrs.evolve(
            invoice,
            discount_percentage=terms.discount_percentage,
            early_period_in_days=terms.early_period_in_days,
        )
    if stated != (terms.discount_percentage, terms.early_period_in_days):
        raise InvalidValueError(
            "discount_percentage",
            invoice.discount_percentage,
            f"disagrees with terms {invoice.terms!r}, which give "
            f"{terms.discount_percentage:f}% per early_period_in_days "
            f"{terms.early_period_in_days} (the invoice has {invoice.early_period_in_days})",
        )
    return invoice


def redate(invoice: Invoice, invoice_date: dt.date) -> Invoice:
    """``invoice`` issued on ``invoice_date``: the due date from its terms, or,
    without terms, as many days after the invoice date as before."""
    if invoice.terms is not None:
        due = Terms(invoice.terms).due_date(invoice_date)
    else:
        due = shifted(invoice_date, "due_date", days=(invoice.due_date - invoice.invoice_date).days)
    return attrs.evolve(invoice, invoice_date=invoice_date, due_date=due)
