"""Reading Cashboard documents into invoices.

The API serves an invoice in pieces: the invoice, its line items and its
invoice payments (amounts), each its own document, and the payments (with
their dates) in a fourth; the currency is the account's (a fifth, the
``account`` resource). :func:`read_files` reads any set of them together
and matches the pieces by invoice id; with ``estimates`` it reads
estimates and their ``line_items`` the same way. Every number goes through
:func:`~invoicecalc._money.exact_decimal`; a value that does not parse is
refused with the element's path (``invoice[2].sales_tax``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from ..._documents import Document, Naming, RefusedEntry, unnamed
from ..._model import Invoice, LineItem, LineKind, Payment, Tax, sales_taxes
from ..._money import Amount, Currency, exact_decimal
from ..._parse import days, parse_date, parse_day
from ...errors import InvalidValueError, InvoiceCalcError, ParseError
from ._model import CashboardEntry, CashboardLineItem, CashboardRecord
from ._schema import (
    ACCOUNT,
    ESTIMATE,
    INVOICE,
    INVOICE_LINE_ITEM,
    INVOICE_PAYMENT,
    LINE_ITEM,
    PAYMENT,
    Raw,
    Resource,
    parse_document,
)

__all__ = [
    "ESTIMATE_STATED",
    "MAPPED",
    "STATED",
    "read",
    "read_account",
    "read_files",
    "read_line_items",
]

_ZERO = Decimal(0)

#: The totals an invoice document states, compared by ``invoicecalc check``.
STATED = (
    "item_cost",
    "item_profit",
    "item_actual",
    "item_taxable",
    "discount",
    "late_fee",
    "total",
    "payment_total",
    "balance",
    "has_been_paid",
    "total_quantity",
)

#: Per resource, the elements that map to the domain or are recomputed; a
#: :class:`CashboardRecord` keeps every other element it had.
MAPPED = {
    INVOICE.tag: frozenset(
        {
            "assigned_id",
            "discount_percentage",
            "due_date",
            "early_period_in_days",
            "invoice_date",
            "late_percentage",
            "late_period_in_days",
            "notes",
            "po_number",
            "post_reminder_in_days",
            "pre_reminder_in_days",
            "sales_tax",
            "sales_tax_2",
            "sales_tax_2_cumulative",
            *STATED,
        }
    ),
    INVOICE_LINE_ITEM.tag: frozenset(
        {
            "description",
            "flat_fee",
            "invoice_id",
            "is_taxable",
            "markup_percentage",
            "price_per",
            "quantity",
            "title",
            "total",
        }
    ),
    INVOICE_PAYMENT.tag: frozenset({"invoice_id", "amount"}),
    PAYMENT.tag: frozenset({"notes"}),
    ESTIMATE.tag: frozenset(
        {
            "assigned_id",
            "created_on",
            "discount_percentage",
            "sales_tax",
            "sales_tax_2",
            "sales_tax_2_cumulative",
        }
    ),
    ACCOUNT.tag: frozenset(),
    LINE_ITEM.tag: frozenset(
        {
            "description",
            "flat_fee",
            "is_taxable",
            "markup_percentage",
            "price_actual",
            "price_per",
            "quantity_low",
            "quantity_high",
            "title",
            "type_code",
        }
    ),
}


# -- values ------------------------------------------------------------------------


def _present(raw: Raw, *tags: str) -> None:
    """Financial input must be there (even empty): the employee view cannot be computed."""
    for tag in tags:
        if not raw.has(tag):
            raise ParseError(
                raw.field(tag), "is missing: a view without financial access cannot be computed"
            )


def _required(raw: Raw, tag: str) -> str:
    text = raw.text(tag)
    if text is None:
        raise ParseError(raw.field(tag), "is required")
    return text


def _decimal(raw: Raw, tag: str) -> Decimal | None:
    text = raw.text(tag)
    return None if text is None else exact_decimal(text, raw.field(tag))


def _rate(raw: Raw, tag: str) -> Decimal | None:
    rate = _decimal(raw, tag)
    if rate is not None and rate < 0:
        raise InvalidValueError(raw.field(tag), raw.text(tag), "must be at least 0")
    return rate


def _whole(raw: Raw, tag: str) -> int | None:
    number = _decimal(raw, tag)
    if number is None:
        return None
    num, den = number.as_integer_ratio()
    if den != 1:
        raise InvalidValueError(raw.field(tag), raw.text(tag), "must be a whole number")
    return num


def _days(raw: Raw, tag: str) -> int | None:
    """A day count: ASCII digits, as in every format (``3e1``, ``30.0``, ``+30`` are refused)."""
    text = raw.text(tag)
    return None if text is None else days(text, raw.field(tag))


def _flag(raw: Raw, tag: str, default: bool) -> bool:
    text = raw.text(tag)
    if text is None:
        return default
    if text not in ("true", "false"):
        raise InvalidValueError(raw.field(tag), text, "must be true or false")
    return text == "true"


def _day(raw: Raw, tag: str) -> dt.date | None:
    """A date, or the date of a date and time (``2010-07-27 00:00:00``)."""
    text = raw.text(tag)
    return None if text is None else parse_day(text, raw.field(tag))


def _string(raw: Raw, tag: str) -> str | None:
    """Text as written (nothing stripped); ``None`` when missing or empty."""
    return raw.raw(tag) or None


def _stated_money(raw: Raw, tag: str, currency: Currency) -> int | Decimal | None:
    """A stated amount in minor units; one finer than the currency stays a ``Decimal``
    of major units, so ``check`` reports it rather than the read failing."""
    number = _decimal(raw, tag)
    if number is None:
        return None
    num, den = number.as_integer_ratio()
    minor, rest = divmod(num * 10**currency.exponent, den)
    return number if rest else minor


def _record(raw: Raw) -> CashboardRecord:
    for field in raw.resource.fields:
        if field.boolean:
            _flag(raw, field.tag, False)  # a kept flag must still be one
    mapped = MAPPED[raw.resource.tag]
    kept = [(tag, text) for tag, text in raw.values.items() if tag not in mapped]
    return CashboardRecord(raw.links, kept)


def _build(factory: Callable[..., Any], raw: Raw, **fields: Any) -> Any:
    try:
        return factory(**fields)
    except InvoiceCalcError as exc:
        raise exc.within(raw.path) from None


def _sales_taxes(raw: Raw) -> tuple[Tax, ...]:
    """An invoice's or estimate's ``sales_tax``, ``sales_tax_2`` and
    ``sales_tax_2_cumulative`` as its taxes."""
    taxes: tuple[Tax, ...] = _build(
        sales_taxes,
        raw,
        sales_tax=_rate(raw, "sales_tax"),
        sales_tax_2=_rate(raw, "sales_tax_2"),
        cumulative=_flag(raw, "sales_tax_2_cumulative", False),
    )
    return taxes


def _line(raw: Raw, currency: Currency, kind: LineKind, **more: Any) -> LineItem:
    _present(raw, "flat_fee", "markup_percentage", "price_per")
    line: LineItem = _build(
        LineItem,
        raw,
        kind=kind,
        title=raw.raw("title") or "",
        description=raw.raw("description") or "",
        unit_price=currency.price(raw.text("price_per") or "0", raw.field("price_per")),
        flat_fee=currency.amount(raw.text("flat_fee") or "0", raw.field("flat_fee")),
        markup_percentage=_decimal(raw, "markup_percentage") or _ZERO,
        taxable=_flag(raw, "is_taxable", True),
        **more,
    )
    return line


# -- the records -----------------------------------------------------------------------


def _invoice_line(raw: Raw, currency: Currency) -> tuple[str | None, _Line]:
    quantity = exact_decimal(_required(raw, "quantity"), raw.field("quantity"))
    line = _line(raw, currency, LineKind.CUSTOM, quantity=quantity)
    return raw.text("invoice_id"), (line, _record(raw), _stated_money(raw, "total", currency))


def _invoice_payment(raw: Raw, currency: Currency) -> tuple[str | None, str | None, int]:
    _present(raw, "amount")
    amount = currency.amount(_required(raw, "amount"), raw.field("amount"))
    return raw.text("invoice_id"), raw.text("payment_id"), amount


def _payment(
    raw: Raw, currency: Currency
) -> tuple[str, dt.date | None, str, CashboardRecord, int | None]:
    """A payment: its id, date, note, record and amount (``None`` when empty)."""
    _present(raw, "amount")
    key = _required(raw, "id")
    text = raw.text("amount")
    amount = None if text is None else int(currency.amount(text, raw.field("amount")))
    return key, _day(raw, "created_on"), raw.raw("notes") or "", _record(raw), amount


def _invoice(
    raw: Raw,
    currency: Currency,
    lines: Sequence[_Line],
    payments: Sequence[tuple[Payment, tuple[CashboardRecord, CashboardRecord]]],
    undated: Sequence[int] = (),
) -> CashboardEntry:
    _present(raw, "discount_percentage", "sales_tax", "sales_tax_2", "sales_tax_2_cumulative")
    taxes = _sales_taxes(raw)
    invoice = _build(
        Invoice,
        raw,
        currency=currency,
        invoice_date=parse_date(_required(raw, "invoice_date"), raw.field("invoice_date")),
        due_date=parse_date(_required(raw, "due_date"), raw.field("due_date")),
        lines=[line for line, _, _ in lines],
        taxes=taxes,
        discount_percentage=_decimal(raw, "discount_percentage") or _ZERO,
        early_period_in_days=_days(raw, "early_period_in_days"),
        late_percentage=_decimal(raw, "late_percentage"),
        late_period_in_days=_days(raw, "late_period_in_days"),
        payments=[payment for payment, _ in payments],
        number=_named(raw)[1],
        po_number=_string(raw, "po_number"),
        notes=raw.raw("notes") or "",
        pre_reminder_in_days=_days(raw, "pre_reminder_in_days"),
        post_reminder_in_days=_days(raw, "post_reminder_in_days"),
    )
    stated: list[tuple[str, object]] = [
        (f"lines[{index}].actual", total)
        for index, (_, _, total) in enumerate(lines)
        if total is not None
    ]
    for tag in STATED:
        if tag == "has_been_paid":
            value: object = None if raw.text(tag) is None else _flag(raw, tag, False)
        elif tag == "total_quantity":
            value = _decimal(raw, tag)
        else:
            value = _stated_money(raw, tag, currency)
        if value is not None:
            stated.append((tag, value))
    record = _record(raw)
    return CashboardEntry(
        invoice,
        stated=tuple(stated),
        id=_named(raw)[0],
        record=record,
        line_records=tuple(record for _, record, _ in lines),
        payment_records=tuple(records for _, records in payments),
        undated=tuple(undated),
    )


def _estimate(
    raw: Raw, currency: Currency, lines: Sequence[tuple[LineItem, CashboardRecord]]
) -> CashboardEntry:
    """An estimate: an invoice whose lines are ``line_item`` resources with quantity ranges.

    It has no invoice or due date, only ``created_on``: both are that day (no
    amount of an estimate depends on a date: it has no early or late terms).
    """
    _present(raw, "discount_percentage", "sales_tax", "sales_tax_2", "sales_tax_2_cumulative")
    day = _day(raw, "created_on")
    if day is None:
        raise ParseError(raw.field("created_on"), "is required (an estimate's date)")
    invoice = _build(
        Invoice,
        raw,
        currency=currency,
        invoice_date=day,
        due_date=day,
        lines=[line for line, _ in lines],
        taxes=_sales_taxes(raw),
        discount_percentage=_decimal(raw, "discount_percentage") or _ZERO,
        number=_string(raw, "assigned_id"),
    )
    for tag in ESTIMATE_STATED:
        _stated_money(raw, tag, currency)  # not compared by check, but numbers
    record = _record(raw)
    return CashboardEntry(
        invoice,
        id=_named(raw)[0],
        record=record,
        line_records=tuple(line_record for _, line_record in lines),
    )


#: The totals an estimate states, best and worst case (``invoicecalc estimate``'s low and high).
ESTIMATE_STATED = tuple(
    f"{name}_{case}"
    for name in (
        "item_cost",
        "item_profit",
        "item_actual",
        "item_taxable",
        "discount",
        "tax_cost",
        "tax_cost_2",
        "price",
    )
    for case in ("best", "worst")
)


# -- documents -----------------------------------------------------------------------------

_Dated = tuple[dt.date | None, str, CashboardRecord]
_Share = tuple[str, Raw, str | None, int]  # file, invoice_payment, payment id, amount
_Parsed = tuple[str, Resource, bool, list[Raw]]
_Line = tuple[LineItem, CashboardRecord, int | Decimal | None]  # and the total it states

#: The stated totals the lines of an invoice (or estimate) make.
_LINE_MADE = {
    INVOICE: ("item_cost", "item_actual", "item_taxable", "total_quantity"),
    ESTIMATE: ("item_cost_best", "item_actual_best", "item_cost_worst", "item_actual_worst"),
}


def read_account(data: bytes | str, *, source: str = "document") -> Currency:
    """The currency of a Cashboard ``account`` document: its ``currency_type_code``."""
    resource, _, raws = parse_document(data, source)
    if resource is not ACCOUNT:
        raise ParseError(source, f"is an {resource.plural} document, not the account")
    if len(raws) != 1:
        raise ParseError(source, f"must hold one account (holds {len(raws)})")
    with unnamed(source):
        return _account_currency(raws[0])


def _account_currency(raw: Raw) -> Currency:
    code = _required(raw, "currency_type_code")
    try:
        return Currency(code)
    except InvoiceCalcError as exc:
        raise InvalidValueError(raw.field("currency_type_code"), code, exc.problem) from None


def _currency(parsed: Sequence[_Parsed], given: Currency | None, naming: Naming) -> Currency:
    """The account's currency when an account document is given, else ``given``; never a guess."""
    found: Currency | None = None
    for name, resource, _, raws in parsed:
        if resource is not ACCOUNT:
            continue
        with naming(name):
            for raw in raws:
                currency = _account_currency(raw)
                if found is not None and currency != found:
                    raise InvalidValueError(
                        raw.field("currency_type_code"),
                        currency.code,
                        f"differs from another account's ({found.code})",
                    )
                if given is not None and currency != given:
                    raise InvalidValueError(
                        raw.field("currency_type_code"),
                        currency.code,
                        f"differs from the currency given ({given.code})",
                    )
                found = currency
    if found is None and given is None:
        raise ParseError(
            "currency",
            "is not in Cashboard's documents (it is the account's): give the account "
            "document (currency_type_code) or the currency",
        )
    result = found or given
    assert result is not None
    return result


def _dependence(
    invoice: Invoice, as_of: dt.date | None, today: dt.date | None, schedule: bool
) -> str | None:
    """What amount depends on a payment's date, if any (then an undated one is refused)."""
    if as_of is not None:
        return f"whether it is counted as of {as_of.isoformat()}"
    if today is not None and invoice.invoice_date > today:
        return f"whether it is counted today ({today.isoformat()}, before the invoice date)"
    if invoice.early_period_in_days is not None and invoice.discount_percentage:
        return "the early-payment discount"
    if invoice.late_percentage and invoice.late_period_in_days is not None:
        return "the late fee"
    if schedule and (
        invoice.pre_reminder_in_days is not None or invoice.post_reminder_in_days is not None
    ):
        return "the reminders' balances"
    return None


def _shown(value: object, currency: Currency) -> str:
    return currency.format(value) if isinstance(value, int) else f"{value}"


def _check_lines(
    raw: Raw, entry: CashboardEntry, resource: Resource, lines_given: bool, document: str
) -> None:
    """An invoice read without lines must not state totals that lines would make."""
    if entry.invoice.lines:
        return
    stated = {tag: raw.text(tag) for tag in _LINE_MADE[resource]}
    made = [
        tag
        for tag, text in stated.items()
        if text is not None and exact_decimal(text, raw.field(tag))
    ]
    if made:
        tag = made[0]
        value = _stated_money(raw, tag, entry.invoice.currency)
        raise ParseError(
            raw.field("line_items"),
            f"are missing: the {resource.tag} states {tag} "
            f"{_shown(value, entry.invoice.currency)}, which its lines make "
            f"(give its {document} document)",
        )
    if not lines_given and all(text is None for text in stated.values()):
        raise ParseError(
            raw.field("line_items"),
            f"are missing: no {document} document was given and the {resource.tag} "
            "states no item totals",
        )


def _check_payments(raw: Raw, entry: CashboardEntry) -> None:
    """An invoice read without payments must not state a payment total: read as unpaid,
    it would print a balance the customer does not owe."""
    if entry.invoice.payments:
        return
    value = _stated_money(raw, "payment_total", entry.invoice.currency)
    if value:
        raise ParseError(
            raw.field("invoice_payments"),
            "are missing: the invoice states payment_total "
            f"{_shown(value, entry.invoice.currency)}, which its payments make (give its "
            "invoice_payments and payments documents)",
        )


def read_files(
    sources: Sequence[tuple[str, bytes | str]],
    *,
    currency: Currency | None = None,
    as_of: dt.date | None = None,
    today: dt.date | None = None,
    schedule: bool = False,
    estimates: bool = False,
    naming: Naming = unnamed,
    keep_going: bool = False,
) -> list[tuple[str, Document]]:
    """Cashboard documents read together: one :class:`Document` per invoice document.

    ``sources`` are ``(name, data)``, XML or JSON, in any order, recognised
    by their root element: ``invoices``/``invoice``, ``invoice_line_items``,
    ``invoice_payments``, ``payments`` (which holds the payments' dates) and
    ``account`` (whose ``currency_type_code`` is the currency). Lines and
    payments are matched to invoices by ``invoice_id``; those naming no
    invoice given (an invoice schedule's lines) are read and checked, not
    used. An invoice without an ``<id>`` is known by its position among the
    invoices read (1, 2, ...), as the writers number it.

    The currency is the account document's; without one, ``currency`` (one
    given beside an account must agree with it); without either the read
    is refused. An invoice without lines that states item totals its lines
    would make is refused (``invoice[i].line_items``).

    An invoice payment whose payment (with its ``created_on``) is not given
    is read dated the invoice date, and listed in the entry's ``undated``,
    only when no amount depends on its date: it is refused when ``as_of``
    (the date the totals are asked for) is given, under an early-payment
    discount or a late fee, and with ``schedule`` (the invoices are read for
    a schedule) under reminders. Without ``as_of``, ``today`` is the date the
    totals will stand on (the caller's clock; the library reads none): one
    on an invoice dated after it is refused too, as its invoice date would
    not count it yet.

    With ``estimates``, ``estimates``/``estimate`` documents are read too,
    each estimate with the ``line_items`` naming it by ``estimate_id``;
    without it they are refused.
    ``naming(name)`` wraps the work on each file, so errors can name it.

    With ``keep_going``, an invoice (or estimate) refused on its own is in its
    document's ``refused`` and the others are read; so is an invoice one of whose
    lines or invoice payments is refused (the first, with the file it is in).
    A document that cannot be read, a refused payment or account, or a refused
    line or invoice payment of no invoice read, still refuses the read: which
    invoices it belongs to cannot be told, and reading them without it would
    give other totals.
    """
    parsed: list[_Parsed] = []
    for name, data in sources:
        with naming(name):
            resource, array, raws = parse_document(data, "")
            if resource is LINE_ITEM and not estimates:
                raise ParseError(
                    "",
                    "is a line_items document (items of estimates and projects), not part of "
                    "an invoice; read it with an estimates document (invoicecalc estimate)",
                )
            if resource is ESTIMATE and not estimates:
                raise ParseError("", "is an estimates document: read it with invoicecalc estimate")
        parsed.append((name, resource, array, raws))
    given = {resource for _, resource, _, _ in parsed}
    if not given & {INVOICE, ESTIMATE}:
        wanted = "<invoices>, <invoice> or <estimates>" if estimates else "<invoices> or <invoice>"
        raise ParseError("", f"holds no invoice document ({wanted})")
    money = _currency(parsed, currency, naming)

    dated: dict[str, _Dated] = {}
    lines: defaultdict[str, list[_Line]] = defaultdict(list)
    items: defaultdict[str, list[tuple[LineItem, CashboardRecord]]] = defaultdict(list)
    shares: defaultdict[str, list[_Share]] = defaultdict(list)
    # With keep_going, the first refused line or invoice payment of each invoice (by
    # its invoice_id) and the file it is in: that invoice is refused with it.
    broken: dict[str, tuple[str, InvoiceCalcError]] = {}
    # The ids of the payments, line items and invoice payments read, by resource: one
    # given twice (a document sent twice) would count its money twice.
    records: defaultdict[Resource, set[str]] = defaultdict(set)
    wholes: dict[str, int] = {}  # each payment's amount, where it states one
    for name, resource, _, raws in parsed:
        with naming(name):
            for raw in raws:
                try:
                    if resource in _ONCE_EACH:
                        _once_each(raw, records[resource])
                    if resource is PAYMENT:
                        key, day, note, record, amount = _payment(raw, money)
                        dated[key] = (day, note, record)
                        if amount is not None:
                            wholes[key] = amount
                    elif resource is INVOICE_LINE_ITEM:
                        invoice_id, line = _invoice_line(raw, money)
                        if invoice_id is not None:
                            lines[invoice_id].append(line)
                    elif resource is INVOICE_PAYMENT:
                        invoice_id, payment_id, amount = _invoice_payment(raw, money)
                        if invoice_id is not None:
                            shares[invoice_id].append((name, raw, payment_id, amount))
                    elif resource is LINE_ITEM:
                        item = _line_item(raw, money)
                        estimate_id = raw.text("estimate_id")
                        if estimate_id is not None:
                            items[estimate_id].append((item.item, item.record))
                except InvoiceCalcError as exc:
                    owner = raw.text("invoice_id")
                    if (
                        not keep_going
                        or owner is None
                        or resource not in (INVOICE_LINE_ITEM, INVOICE_PAYMENT)
                    ):
                        raise  # not one invoice's: there is no invoice to refuse instead
                    broken.setdefault(owner, (name, exc))

    _check_shares(shares, wholes, money, naming)
    documents = []
    seen: set[str] = set()
    # An invoice's payments are named by the file they are in; with keep_going a
    # refusal of one (it cannot be dated) is the invoice's, with that file.
    own = _elsewhere if keep_going else naming
    for name, resource, array, raws in parsed:
        if resource not in (INVOICE, ESTIMATE):
            continue
        entries = []
        refused = []
        with naming(name):
            for place, raw in enumerate(raws):
                try:
                    if resource is ESTIMATE:
                        key = _required(raw, "id")
                        entry = _estimate(raw, money, items[key])
                        _check_lines(raw, entry, ESTIMATE, LINE_ITEM in given, "line_items")
                        entries.append(entry)
                        continue
                    key = raw.text("id") or str(len(seen) + 1)
                    if key in seen:
                        raise InvalidValueError(
                            raw.field("id"), key, "names an invoice read before"
                        )
                    seen.add(key)
                    if key in broken:
                        source, error = broken.pop(key)
                        refused.append(RefusedEntry(place, error, *_named(raw), source=source))
                        continue
                    entry = _dated_invoice(raw, money, lines[key], shares[key], dated, own)
                    _check_lines(
                        raw, entry, INVOICE, INVOICE_LINE_ITEM in given, "invoice_line_items"
                    )
                    _check_payments(raw, entry)
                    if entry.undated:
                        _check_undated(entry, shares[key], as_of, today, schedule, own)
                    entries.append(entry)
                except _Elsewhere as found:
                    error, source = found.args
                    refused.append(RefusedEntry(place, error, *_named(raw), source=source))
                except InvoiceCalcError as exc:
                    if not keep_going:
                        raise
                    refused.append(RefusedEntry(place, exc, *_named(raw)))
        documents.append((name, Document(tuple(entries), array, tuple(refused))))
    for source, error in broken.values():  # of an invoice not read: refused as without
        with naming(source):
            raise error
    return documents


def _check_shares(
    shares: dict[str, list[_Share]], wholes: dict[str, int], currency: Currency, naming: Naming
) -> None:
    """Refuse invoice payments that pay out more of a payment than it is, or of the other
    sign: the balances would count money that was never paid. Which share is wrong
    cannot be told, so the read is refused (with ``keep_going`` too)."""
    paid: defaultdict[str, int] = defaultdict(int)
    for owned in shares.values():
        for name, raw, payment_id, amount in owned:
            if payment_id is None or payment_id not in wholes:
                continue
            whole = wholes[payment_id]
            paid[payment_id] += amount
            if amount and (amount < 0) != (whole < 0):
                problem = f"is of the other sign than its payment {payment_id}'s"
            elif abs(paid[payment_id]) > abs(whole):
                problem = f"with the shares of payment {payment_id} before it, is more than its"
            else:
                continue
            with naming(name):
                raise InvalidValueError(
                    raw.field("amount"),
                    raw.text("amount"),
                    f"{problem} {currency.format(whole)}",
                )


#: The records whose money is added to an invoice's (a payment's, to those it pays):
#: each may be read once.
_ONCE_EACH = {
    PAYMENT: "names a payment read before",
    INVOICE_LINE_ITEM: "names an invoice line item read before",
    INVOICE_PAYMENT: "names an invoice payment read before",
    LINE_ITEM: "names a line item read before",
}


def _once_each(raw: Raw, seen: set[str]) -> None:
    """Refuse a record whose ``<id>`` was read before (one without an id is not told apart)."""
    key = raw.text("id")
    if key is None:
        return
    if key in seen:
        raise InvalidValueError(raw.field("id"), key, _ONCE_EACH[raw.resource])
    seen.add(key)


def _named(raw: Raw) -> tuple[str | None, str | None]:
    """The id and number (``assigned_id``) an invoice's entry carries (also a refused
    invoice's): the text as written, ``None`` when missing or empty."""
    return _string(raw, "id"), _string(raw, "assigned_id")


class _Elsewhere(Exception):
    """An invoice's refusal found in another file: ``args`` are the error and the file."""


@contextlib.contextmanager
def _elsewhere(source: str) -> Iterator[None]:
    """The :data:`Naming` of an invoice's own payments with ``keep_going``: a refusal
    is the invoice's, found in ``source``."""
    try:
        yield
    except InvoiceCalcError as exc:
        raise _Elsewhere(exc, source) from None


def _dated_invoice(
    raw: Raw,
    currency: Currency,
    lines: Sequence[_Line],
    shares: Sequence[_Share],
    dated: dict[str, _Dated],
    naming: Naming,
) -> CashboardEntry:
    """The invoice with its payments, each dated by its payment (undated ones: the invoice date)."""
    day = parse_date(_required(raw, "invoice_date"), raw.field("invoice_date"))
    payments = []
    undated = []
    for index, (name, share, payment_id, amount) in enumerate(shares):
        with naming(name):
            when, note, record = dated.get(payment_id or "", (None, "", CashboardRecord()))
            if when is None:
                undated.append(index)
            payment = Payment(when or day, Amount(amount, currency.code), note)
            payments.append((payment, (_record(share), record)))
    return _invoice(raw, currency, lines, payments, undated)


def _check_undated(
    entry: CashboardEntry,
    shares: Sequence[_Share],
    as_of: dt.date | None,
    today: dt.date | None,
    schedule: bool,
    naming: Naming,
) -> None:
    depends = _dependence(entry.invoice, as_of, today, schedule)
    if depends is None:
        return
    name, share, payment_id, _ = shares[entry.undated[0]]
    with naming(name):
        raise InvalidValueError(
            share.field("payment_id"),
            payment_id,
            f"has no dated payment, and {depends} depends on its date: give the payments "
            "document that holds its created_on",
        )


def read(
    *documents: bytes | str,
    currency: Currency | None = None,
    as_of: dt.date | None = None,
    estimates: bool = False,
) -> Document:
    """The invoices in a set of Cashboard documents, read together (see :func:`read_files`).

    The result is an array when any invoice document is one, or there are several.
    """
    found = read_files(
        [(f"document {index + 1}", data) for index, data in enumerate(documents)],
        currency=currency,
        as_of=as_of,
        estimates=estimates,
    )
    entries = tuple(entry for _, document in found for entry in document.entries)
    return Document(entries, array=len(found) > 1 or found[0][1].array)


def _line_item(raw: Raw, currency: Currency) -> CashboardLineItem:
    _present(raw, "is_taxable")
    code = _whole(raw, "type_code")
    kind = _build(LineKind.from_type_code, raw, code=0 if code is None else code)
    line = _line(
        raw,
        currency,
        kind,
        quantity_low=_decimal(raw, "quantity_low"),
        quantity_high=_decimal(raw, "quantity_high"),
    )
    _stated_money(raw, "price_actual", currency)
    return CashboardLineItem(line, _record(raw))


def read_line_items(
    data: bytes | str, *, currency: Currency, source: str = "document"
) -> tuple[CashboardLineItem, ...]:
    """``line_item`` resources: each a line of quantity 1 with its range and kind.

    ``currency`` is the account's (:func:`read_account`): the document does not state it.
    """
    resource, _, raws = parse_document(data, source)
    if resource is not LINE_ITEM:
        raise ParseError(source, f"is an {resource.plural} document, not line_items")
    return tuple(_line_item(raw, currency) for raw in raws)
