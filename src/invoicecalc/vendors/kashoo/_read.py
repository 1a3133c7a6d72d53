"""Reading Kashoo invoice records into invoices, with the totals they state.

Numbers go through :func:`invoicecalc.document.parse_json` (exact decimals,
duplicate keys refused). An amount must be a JSON integer within ``int64``;
a rate or quantity a JSON number. Record fields Kashoo documents that change
no total are accepted and left out; any other key is refused, and so is a
field that would change a total silently (a removed record, a payment taken
with the invoice). Payments come nested under their invoice or, as Kashoo
posts them, as ``INVOICE_PAYMENT`` records beside it whose ``allocations``
name the invoice's ``id``. What Kashoo states maps onto the engine's v2
concepts: a negative tax rate is a withholding tax, a ``compound`` list
selective compounding, ``homeCurrency`` with ``exchangeRate`` the home
currency.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from decimal import Decimal
from functools import cache
from typing import Any, NamedTuple

from ..._documents import Document, Entry, Naming, RefusedEntry, refused_whole, unnamed
from ..._model import HomeCurrency, Invoice, LineItem, LineKind, Payment, Tax
from ..._money import Amount, Currency, Price, exact_decimal
from ..._parse import array, flag, parse_date, parse_json, string
from ...errors import (
    InvalidTypeError,
    InvalidValueError,
    InvoiceCalcError,
    ParseError,
    UnsupportedError,
)
from ._schema import (
    ALLOCATION,
    INT64_MAX,
    INT64_MIN,
    INVOICE,
    INVOICE_IGNORED,
    INVOICE_TYPE,
    INVOICE_TYPES,
    LINE,
    LINE_IGNORED,
    OTHER_TYPES,
    PAYMENT,
    PAYMENT_IGNORED,
    PAYMENT_TYPE,
    PAYMENT_TYPES,
    TAX,
    TAX_AMOUNT,
    TAX_IGNORED,
    Keys,
    keys_in_order,
)
from ._shape import line_taxes, tax_code_names

__all__ = ["entry_from_record", "read"]


# -- values -------------------------------------------------------------------


def _amount(value: object, field: str) -> int:
    """A Kashoo amount: a JSON integer of minor units within ``int64``."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise InvalidTypeError(field, value, "must be an integer amount in minor units")
    if isinstance(value, Decimal):
        raise InvalidTypeError(
            field, value, "must be an integer amount in minor units, not a fraction or exponent"
        )
    if not INT64_MIN <= value <= INT64_MAX:
        raise InvalidValueError(field, value, "is outside Kashoo's signed 64-bit range")
    return value


def _number(value: object, field: str) -> Decimal:
    """A rate or quantity: a JSON number, read exactly."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise InvalidTypeError(field, value, "must be a JSON number")
    return exact_decimal(value, field)


@cache
def _names_by_key(keys: Keys) -> dict[str, str]:
    return {key: name for name, key in keys_in_order(keys)}


def _object(value: object, path: str, keys: Keys, ignored: Collection[str]) -> dict[str, Any]:
    """The object's fields by schema attribute name; ``null`` counts as absent.

    Keys that are neither in the schema nor ``ignored`` are refused.
    """
    if not isinstance(value, dict):
        raise InvalidTypeError(path, value, "must be a JSON object")
    names = _names_by_key(keys)
    fields = {}
    for key, item in value.items():
        if key in names:
            if item is not None:
                fields[names[key]] = item
        elif key not in ignored:
            where = f"{path}.{key}" if path else key
            raise InvalidValueError(where, key, "is not a Kashoo record field invoicecalc knows")
    return fields


def _currency(code: object, field: str) -> Currency:
    text = string(code, field)
    try:
        return Currency(text)
    except InvoiceCalcError as exc:
        raise InvalidValueError(field, code, exc.problem) from None


def _at(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _required(fields: dict[str, Any], name: str, path: str, keys: object) -> Any:
    if name not in fields:
        raise InvalidValueError(_at(path, getattr(keys, name)), None, "is required")
    return fields[name]


def _refuse_other_type(value: object, path: str, key: str) -> None:
    """Bills and bill payments are refused by name, before their fields: they are
    purchases, not invoices."""
    found = value.get(key) if isinstance(value, dict) else None
    if isinstance(found, str) and found in OTHER_TYPES:
        raise UnsupportedError(_at(path, key), OTHER_TYPES[found], found)


def _record_type(
    fields: dict[str, Any], path: str, key: str, accepted: frozenset[str], written: str
) -> None:
    """The record type (under ``key``) must be one of ``accepted`` (``written`` is the enum's)."""
    found = fields.get("type")
    if not isinstance(found, str) or found not in accepted:
        spellings = " or ".join(repr(name) for name in sorted(accepted))
        raise InvalidValueError(_at(path, key), found, f"must be {spellings}")


def _refuse_if(condition: bool, field: str, value: object, problem: str) -> None:
    if condition:
        raise UnsupportedError(field, problem, value)


def _build(factory: Callable[..., Any], path: str, /, *args: Any, **kwargs: Any) -> Any:
    try:
        return factory(*args, **kwargs)
    except InvoiceCalcError as exc:
        raise exc.within(path) if path else exc from None


# -- the parts of a record -----------------------------------------------------


def _taxes(value: object) -> tuple[Tax, ...]:
    taxes = []
    seen: set[str] = set()
    for index, item in enumerate(array(value, INVOICE.taxes)):
        path = f"{INVOICE.taxes}[{index}]"
        fields = _object(item, path, TAX, TAX_IGNORED)
        name = string(_required(fields, "name", path, TAX), _at(path, TAX.name))
        if name in seen:
            raise InvalidValueError(_at(path, TAX.name), name, "is defined twice")
        seen.add(name)
        rate = _number(_required(fields, "rate", path, TAX), _at(path, TAX.rate))
        withholding = rate < 0  # a tax of a negative rate is withheld
        compound = _compound(fields.get("compound", False), _at(path, TAX.compound))
        taxes.append(_build(Tax, path, name, -rate if withholding else rate, compound, withholding))
    return tuple(taxes)


def _compound(value: object, field: str) -> bool | tuple[str, ...]:
    """``true``/``false``, or the list of earlier taxes it is charged on."""
    if isinstance(value, list):
        return tuple(string(name, f"{field}[{i}]") for i, name in enumerate(value))
    return flag(value, field)


def _line(
    value: object, index: int, currency: Currency, names: tuple[str, ...]
) -> tuple[LineItem, int | None]:
    """A line, and the amount it states (``None`` when it states none)."""
    path = f"{INVOICE.lines}[{index}]"
    fields = _object(value, path, LINE, LINE_IGNORED)
    kind = string(fields.get("kind", LineKind.CUSTOM.value), _at(path, LINE.kind))
    if kind not in {member.value for member in LineKind}:
        raise InvalidValueError(_at(path, LINE.kind), kind, "must be custom, task or product")
    numbers = {
        name: _number(fields[name], _at(path, getattr(LINE, name)))
        for name in ("quantity", "quantity_low", "quantity_high")
        if name in fields
    }
    amount = _amount(fields["amount"], _at(path, LINE.amount)) if "amount" in fields else None
    if "rate" in fields:
        unit_price = currency.price(
            _number(fields["rate"], _at(path, LINE.rate)), _at(path, LINE.rate)
        )
    elif amount is not None and numbers.get("quantity", 1) == 1:
        try:  # a line stated by its amount alone: a refusal of its price is the amount's
            unit_price = Price(amount, currency.code)
        except InvoiceCalcError as exc:
            raise InvalidValueError(_at(path, LINE.amount), amount, exc.problem) from None
    else:
        raise InvalidValueError(_at(path, LINE.rate), None, "is required (or an amount alone)")
    code = string(fields.get("tax_code", ""), _at(path, LINE.tax_code))
    listed = tax_code_names(code, names)
    if listed is None:
        raise InvalidValueError(
            _at(path, LINE.tax_code),
            code,
            "is not \"\", a tax this invoice defines, or such taxes joined by '+'",
        )
    taxable, taxes = line_taxes(listed, names)
    line = _build(
        LineItem,
        path,
        kind=LineKind(kind),
        title=string(fields.get("name", ""), _at(path, LINE.name)),
        description=string(fields.get("description", ""), _at(path, LINE.description)),
        unit_price=unit_price,
        taxable=taxable,
        taxes=taxes,
        **numbers,
    )
    return line, amount


class _Allocation(NamedTuple):
    """What one allocation of a payment pays: the record it names, how much, on which day."""

    record: int
    date: dt.date
    amount: int
    note: str
    path: str  # of the allocation's ``record``, for errors


class _PaymentRecord(NamedTuple):
    date: dt.date
    amount: int
    note: str
    code: str  # the currency it states, or ""
    unallocated: int
    allocations: list[_Allocation]


#: The key of a payment's own record id (read only to tell payments apart).
PAYMENT_ID = "id"


def _record_id(value: object, field: str) -> int:
    """A record id: a JSON integer (``int64``)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidTypeError(field, value, "must be an integer record id")
    if not INT64_MIN <= value <= INT64_MAX:
        raise InvalidValueError(field, value, "is outside Kashoo's signed 64-bit range")
    return value


def _payment_record(value: object, path: str) -> _PaymentRecord:
    """An ``INVOICE_PAYMENT`` record, nested or on its own."""
    _refuse_other_type(value, path, PAYMENT.type)
    fields = _object(value, path, PAYMENT, PAYMENT_IGNORED)
    _record_type(fields, path, PAYMENT.type, PAYMENT_TYPES, PAYMENT_TYPE)
    removed = flag(fields.get("removed", False), _at(path, PAYMENT.removed))
    _refuse_if(removed, _at(path, PAYMENT.removed), True, "a removed payment does not pay")
    code = string(fields.get("currency", ""), _at(path, PAYMENT.currency))
    date = parse_date(_required(fields, "date", path, PAYMENT), _at(path, PAYMENT.date))
    amount = _amount(_required(fields, "amount", path, PAYMENT), _at(path, PAYMENT.amount))
    note = string(fields.get("memo", ""), _at(path, PAYMENT.memo))
    unallocated = _amount(
        fields.get("unallocated_amount", 0), _at(path, PAYMENT.unallocated_amount)
    )
    allocations = []
    where = _at(path, PAYMENT.allocations)
    for index, item in enumerate(array(fields.get("allocations", []), where)):
        at = f"{where}[{index}]"
        entry = _object(item, at, ALLOCATION, ())
        share = _amount(_required(entry, "amount", at, ALLOCATION), _at(at, ALLOCATION.amount))
        record_at = _at(at, ALLOCATION.record)
        record = _record_id(_required(entry, "record", at, ALLOCATION), record_at)
        allocations.append(_Allocation(record, date, share, note, record_at))
    if allocations:
        allocated = sum(allocation.amount for allocation in allocations)
        if allocated + unallocated != amount:
            raise InvalidValueError(
                _at(path, PAYMENT.amount),
                amount,
                f"must be its allocations ({allocated}) plus unallocatedAmount ({unallocated})",
            )
        if unallocated and (amount == 0 or (unallocated < 0) != (amount < 0)):
            raise InvalidValueError(
                _at(path, PAYMENT.unallocated_amount),
                unallocated,
                f"is the part of amount ({amount}) no allocation takes, so it cannot be of "
                f"the other sign: the allocations ({allocated}) would pay more than the payment",
            )
    return _PaymentRecord(date, amount, note, code, unallocated, allocations)


def _paid(date: dt.date, amount: int, note: str, currency: Currency, path: str) -> Payment:
    return _build(Payment, path, date, Amount(amount, currency.code), note)  # type: ignore[no-any-return]


def _same_currency(code: str, invoice_code: object, field: str) -> None:
    if code and isinstance(invoice_code, str) and code != invoice_code:
        raise InvalidValueError(field, code, f"must be the invoice's currency ({invoice_code})")


def _nested_payments(
    value: object, index: int, currency: Currency, own_id: int | None
) -> list[Payment]:
    """A payment nested under its invoice pays that invoice: all of it, or its allocations,
    which must then name this invoice."""
    path = f"{INVOICE.payments}[{index}]"
    record = _payment_record(value, path)
    _same_currency(record.code, currency.code, _at(path, PAYMENT.currency))
    if not record.allocations:
        _refuse_if(
            record.unallocated != 0,
            _at(path, PAYMENT.unallocated_amount),
            record.unallocated,
            "part of this payment pays no invoice, and it names no allocation that says "
            "how much pays this one",
        )
        return [_paid(record.date, record.amount, record.note, currency, path)]
    for allocation in record.allocations:
        if allocation.record != own_id:
            problem = (
                "must be this invoice's id"
                if own_id is not None
                else "names a record, but this invoice states no id"
            )
            raise InvalidValueError(allocation.path, allocation.record, problem)
    return [
        _paid(allocation.date, allocation.amount, allocation.note, currency, path)
        for allocation in record.allocations
    ]


_TAX_TOTALS = ("sales_tax", "sales_tax_2")


def _stated(fields: dict[str, Any], taxes: tuple[Tax, ...]) -> tuple[tuple[str, object], ...]:
    """The totals the record states, under the names of :class:`~invoicecalc.Totals`."""
    stated: list[tuple[str, object]] = []
    if "total_before_taxes" in fields:
        # A Kashoo invoice is lines and taxes only: its lines add up to its subtotal.
        stated.append(
            ("subtotal", _amount(fields["total_before_taxes"], INVOICE.total_before_taxes))
        )
    if "tax_amounts" in fields:
        positions = {tax.name: position for position, tax in enumerate(taxes)}
        amounts: dict[int, int] = {}
        for index, item in enumerate(array(fields["tax_amounts"], INVOICE.tax_amounts)):
            path = f"{INVOICE.tax_amounts}[{index}]"
            entry = _object(item, path, TAX_AMOUNT, TAX_IGNORED)
            name = string(_required(entry, "name", path, TAX_AMOUNT), _at(path, TAX_AMOUNT.name))
            if name not in positions:
                raise InvalidValueError(
                    _at(path, TAX_AMOUNT.name), name, "is not a tax this invoice defines"
                )
            if positions[name] in amounts:
                raise InvalidValueError(_at(path, TAX_AMOUNT.name), name, "is stated twice")
            amount = _required(entry, "amount", path, TAX_AMOUNT)
            amounts[positions[name]] = _amount(amount, _at(path, TAX_AMOUNT.amount))
        # The first two under the names every format states them by; any later one as
        # itself.
        for position in sorted(amounts):
            total_name = _TAX_TOTALS[position] if position < 2 else f"taxes[{position}].amount"
            stated.append((total_name, amounts[position]))
        if len(amounts) == len(taxes):
            stated.append(("tax_total", sum(amounts.values())))
    for name, total_name in (
        ("total_due", "total"),
        ("total_paid", "payment_total"),
        ("balance_due", "balance"),
    ):
        if name in fields:
            stated.append((total_name, _amount(fields[name], getattr(INVOICE, name))))
    if "total_paid_later" in fields:
        # totalPaidImmediately is 0 (else refused): what was paid later is all that was paid.
        later = _amount(fields["total_paid_later"], INVOICE.total_paid_later)
        paid = dict(stated).get("payment_total")
        if paid is None:
            stated.append(("payment_total", later))
        elif paid != later:
            raise InvalidValueError(
                INVOICE.total_paid_later,
                later,
                f"must be {INVOICE.total_paid} ({paid}) less {INVOICE.total_paid_immediately} (0)",
            )
    if "paid" in fields:
        stated.append(("has_been_paid", flag(fields["paid"], INVOICE.paid)))
    return tuple(stated)


def _home_currency(fields: dict[str, Any], currency: Currency) -> HomeCurrency | None:
    """``homeCurrency`` and ``exchangeRate`` (home units per invoice unit), together."""
    rate = None
    if "exchange_rate" in fields:
        rate = _number(fields["exchange_rate"], INVOICE.exchange_rate)
        if rate <= 0:
            raise InvalidValueError(INVOICE.exchange_rate, rate, "must be positive")
    home = None
    if "home_currency" in fields:
        home = _currency(fields["home_currency"], INVOICE.home_currency)
    if "total_local_due" in fields:
        _amount(fields["total_local_due"], INVOICE.total_local_due)
    for name in ("balance_due_formatted", "total_due_formatted"):
        if name in fields:
            string(fields[name], getattr(INVOICE, name))
    if home is None and rate is None:
        return None
    if home is None or rate is None:
        given, missing = (
            (INVOICE.home_currency, INVOICE.exchange_rate)
            if rate is None
            else (INVOICE.exchange_rate, INVOICE.home_currency)
        )
        raise InvalidValueError(missing, None, f"is required with {given}")
    if home == currency and rate != 1:
        raise InvalidValueError(
            INVOICE.exchange_rate, rate, f"must be 1 when the home currency is {currency.code}"
        )
    return HomeCurrency(home, rate)


def entry_from_record(value: object) -> Entry:
    """One Kashoo invoice record (already parsed from JSON) as an :class:`Entry`."""
    return _entry(value, ())


def _entry(value: object, allocated: Sequence[_Allocation]) -> Entry:
    """An invoice record, with the payment records' allocations that name it."""
    _refuse_other_type(value, "", INVOICE.type)
    fields = _object(value, "", INVOICE, INVOICE_IGNORED)
    _record_type(fields, "", INVOICE.type, INVOICE_TYPES, INVOICE_TYPE)
    own_id = _record_id(fields["id"], INVOICE.id) if "id" in fields else None
    removed = flag(fields.get("removed", False), INVOICE.removed)
    _refuse_if(removed, INVOICE.removed, True, "a removed invoice is not read")
    paid_invoice = flag(fields.get("paid_invoice", False), INVOICE.paid_invoice)
    _refuse_if(
        paid_invoice,
        INVOICE.paid_invoice,
        True,
        "an invoice paid on the spot carries a payment with no payment record",
    )
    immediately = _amount(fields.get("total_paid_immediately", 0), INVOICE.total_paid_immediately)
    _refuse_if(
        immediately != 0,
        INVOICE.total_paid_immediately,
        immediately,
        "a payment taken with the invoice has no payment record (no date) to read",
    )
    currency = _currency(_required(fields, "currency", "", INVOICE), INVOICE.currency)
    taxes = _taxes(fields.get("taxes", []))
    names = tuple(tax.name for tax in taxes)
    read = [
        _line(line, index, currency, names)
        for index, line in enumerate(array(fields.get("lines", []), INVOICE.lines))
    ]
    lines = tuple(line for line, _ in read)
    payments = [
        payment
        for index, item in enumerate(array(fields.get("payments", []), INVOICE.payments))
        for payment in _nested_payments(item, index, currency, own_id)
    ]
    payments += [
        _paid(allocation.date, allocation.amount, allocation.note, currency, allocation.path)
        for allocation in allocated
    ]
    home = _home_currency(fields, currency)
    optional = {
        name: string(fields[name], getattr(INVOICE, name))
        for name in ("number", "po_number", "terms")
        if name in fields
    }
    invoice = _build(
        Invoice,
        "",
        currency,
        parse_date(_required(fields, "date", "", INVOICE), INVOICE.date),
        parse_date(_required(fields, "due_date", "", INVOICE), INVOICE.due_date),
        lines=lines,
        taxes=taxes,
        payments=payments,
        notes=string(fields.get("memo", ""), INVOICE.memo),
        home_currency=home,
        **optional,
    )
    stated = (
        *(
            (f"lines[{i}].actual", amount)
            for i, (_, amount) in enumerate(read)
            if amount is not None
        ),
        *_stated(fields, taxes),
    )
    paid = dict(stated).get("payment_total")
    if isinstance(paid, int) and paid and not payments:  # read unpaid, it shows paid as owed
        stating = INVOICE.total_paid if "total_paid" in fields else INVOICE.total_paid_later
        raise ParseError(
            INVOICE.payments,
            f"are missing: the record states {stating} {currency.format(paid)}, "
            "which its payments make (give them, nested in it or as INVOICE_PAYMENT records "
            "beside it)",
        )
    return Entry(invoice, None, stated, id=None if own_id is None else str(own_id))


# -- documents -----------------------------------------------------------------


def _is_payment(value: object) -> bool:
    found = value.get(PAYMENT.type) if isinstance(value, dict) else None
    return isinstance(found, str) and found in PAYMENT_TYPES


def _payments_once(value: object) -> None:
    """Refuse a payment whose ``id`` is an earlier payment's in the document (nested
    under an invoice or a record beside it): it would be counted twice. A payment is
    not one invoice's, so this refuses the document, with ``keep_going`` too."""
    seen: dict[int, str] = {}
    records = value if isinstance(value, list) else [value]
    for index, record in enumerate(records):
        at = f"[{index}]" if isinstance(value, list) else ""
        if _is_payment(record):
            payments = [(at, record)]
        elif isinstance(record, dict) and isinstance(record.get(INVOICE.payments), list):
            nested = record[INVOICE.payments]
            payments = [
                (_at(at, f"{INVOICE.payments}[{k}]"), item) for k, item in enumerate(nested)
            ]
        else:
            continue
        for path, payment in payments:
            own = payment.get(PAYMENT_ID) if isinstance(payment, dict) else None
            if own is None:
                continue
            field = _at(path, PAYMENT_ID)
            key = _record_id(own, field)
            if key in seen:
                raise InvalidValueError(field, key, f"is also the id of {seen[key]}")
            seen[key] = path


def read(data: str | bytes, *, keep_going: bool = False) -> Document:
    """Kashoo JSON: one invoice record, or an array of records (errors then name ``[index]``).

    In an array, ``INVOICE_PAYMENT`` records pay the invoices their allocations
    name by ``id``; the document's entries are its invoices, in order. With
    ``keep_going``, an invoice record refused on its own is in the document's
    ``refused`` and the others are read (one whose ``id`` is not a record id, or
    is an earlier record's, too); text that is not JSON, or a payment record
    refused (the invoices it pays cannot be told: one naming an id two invoices
    have among them), still refuses the document.
    """
    value = parse_json(data)
    _payments_once(value)
    if not isinstance(value, list):
        if _is_payment(value):
            raise InvalidValueError(
                PAYMENT.type,
                value[PAYMENT.type],
                "a payment record is read in one array with the invoices it pays",
            )
        try:
            return Document((_entry(value, ()),))
        except InvoiceCalcError as exc:
            if not keep_going:
                raise
            return refused_whole(exc, *_known(value))
    ids: dict[int, int] = {}
    # With keep_going, invoices refused for their id alone (by position), and the ids
    # given twice: a payment naming one of those cannot be told which invoice it pays.
    misnamed: dict[int, InvoiceCalcError] = {}
    twice: set[int] = set()
    for index, item in enumerate(value):
        if isinstance(item, dict) and not _is_payment(item) and item.get(INVOICE.id) is not None:
            field = f"[{index}].{INVOICE.id}"
            try:
                own = _record_id(item[INVOICE.id], field)
                if own in ids:
                    twice.add(own)
                    raise InvalidValueError(field, own, f"is also the id of [{ids[own]}]")
            except InvoiceCalcError as exc:
                if not keep_going:
                    raise
                misnamed[index] = exc
                continue
            ids[own] = index
    allocated: dict[int, list[_Allocation]] = {}
    for index, item in enumerate(value):
        if not _is_payment(item):
            continue
        try:
            record = _payment_record(item, "")
        except InvoiceCalcError as exc:
            raise exc.within(f"[{index}]") from None
        if not record.allocations:
            raise UnsupportedError(
                f"[{index}].{PAYMENT.allocations}",
                "a payment record pays the invoices its allocations name, and this one names none",
                0,
            )
        for allocation in record.allocations:
            path = f"[{index}].{allocation.path}"
            if allocation.record in twice:
                raise InvalidValueError(
                    path, allocation.record, "is the id of several invoices in this document"
                )
            if allocation.record not in ids:
                raise InvalidValueError(
                    path, allocation.record, "is not the id of an invoice in this document"
                )
            target = ids[allocation.record]
            field = f"[{index}].{PAYMENT.currency}"
            _same_currency(record.code, value[target].get(INVOICE.currency), field)
            allocated.setdefault(target, []).append(allocation._replace(path=path))
    entries = []
    refused = []
    invoices = (item for item in enumerate(value) if not _is_payment(item[1]))
    for place, (index, item) in enumerate(invoices):
        if index in misnamed:
            refused.append(RefusedEntry(place, misnamed[index], *_known(item)))
            continue
        try:
            entries.append(_entry(item, allocated.get(index, ())))
        except InvoiceCalcError as exc:
            if not keep_going:
                raise exc.within(f"[{index}]") from None
            refused.append(RefusedEntry(place, exc.within(f"[{index}]"), *_known(item)))
    return Document(tuple(entries), array=True, refused=tuple(refused))


def _known(record: object) -> tuple[str | None, str | None]:
    """A refused invoice record's id and number, where they can be read."""
    if not isinstance(record, dict):
        return None, None
    own, number = record.get(INVOICE.id), record.get(INVOICE.number)
    return (
        str(own) if type(own) is int else None,
        number if isinstance(number, str) else None,
    )


def read_files(
    sources: Sequence[tuple[str, bytes | str]],
    *,
    naming: Naming = unnamed,
    keep_going: bool = False,
) -> list[tuple[str, Document]]:
    """Each Kashoo file read on its own (every record holds the whole invoice): one
    :class:`Document` per file, with its name, errors named by ``naming``. With
    ``keep_going``, refused invoices are in their document's ``refused``, and a
    file refused whole is one refusal."""
    documents = []
    for name, data in sources:
        with naming(name):
            try:
                held = read(data, keep_going=keep_going)
            except InvoiceCalcError as exc:
                if not keep_going:
                    raise
                held = refused_whole(exc)
        documents.append((name, held))
    return documents
