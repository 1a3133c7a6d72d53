"""Kashoo record fields worked by hand: ``totalPaidLater``, ``totalLocalDue`` and a
key given twice in a nested object.

Field names are those of Kashoo's "Add an invoice to a business" request body,
where ``totalPaidLater`` is an ``integer <int64>`` amount like ``totalPaid`` and
``totalLocalDue``.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from invoicecalc import Currency, Invoice, LineItem, calculate
from invoicecalc.document import Entry
from invoicecalc.errors import InvalidTypeError, InvalidValueError, InvoiceCalcError, ParseError
from invoicecalc.vendors import kashoo

USD = Currency("USD")
MARCH_1, MARCH_31 = dt.date(2024, 3, 1), dt.date(2024, 3, 31)


def record(**changes: Any) -> dict[str, Any]:
    """One 10.00 USD line (1 x 10 = 1000 cents), with ``changes``."""
    base: dict[str, Any] = {
        "type": "INVOICE",
        "currency": "USD",
        "date": "2024-03-01",
        "dueDate": "2024-03-31",
        "lineItems": [{"quantity": 1, "rate": 10, "taxCode": ""}],
    }
    base.update(changes)
    return base


# -- totalPaidLater: an amount the reader dropped ---------------------------------------


def test_total_paid_later_without_payments_is_refused() -> None:
    """``totalPaidLater: 500`` says 5.00 was paid after the invoice was posted. Read
    without its payments, the invoice showed a balance of 1000 where Kashoo's is
    1000 - 500 = 500, and ``check`` had nothing to compare: the amount was dropped.
    It is refused as ``totalPaid`` is, naming the payments that are missing."""
    with pytest.raises(ParseError) as caught:
        kashoo.read(json.dumps(record(totalPaidLater=500)))
    assert caught.value.field == "invoicePayments"
    assert "totalPaidLater" in caught.value.problem


@pytest.mark.parametrize(
    ("value", "error"),
    [("500", InvalidTypeError), (5.5, InvalidTypeError), (True, InvalidTypeError),
     (2**63, InvalidValueError)],
)  # fmt: skip
def test_total_paid_later_must_be_an_int64_amount(value: object, error: type[Exception]) -> None:
    """Like every Kashoo amount, an integer within int64 (it was accepted unread)."""
    with pytest.raises(error) as caught:
        kashoo.read(json.dumps(record(totalPaidLater=value)))
    assert caught.value.field == "totalPaidLater"  # type: ignore[attr-defined]


def test_total_paid_later_is_checked_as_the_payment_total() -> None:
    """``totalPaidImmediately`` must be 0 (else refused), so what was paid later is all
    that was paid: ``totalPaidLater`` states the payment total. A 5.00 payment against
    ``totalPaidLater: 400`` is a difference ``check`` must see (500 != 400)."""
    payment = {"type": "INVOICE_PAYMENT", "date": "2024-03-02", "amount": 500}
    entry = kashoo.read(json.dumps(record(totalPaidLater=400, invoicePayments=[payment])))
    assert dict(entry.entries[0].stated)["payment_total"] == 400
    totals = calculate(entry.entries[0].invoice, as_of=MARCH_31)
    assert totals.payment_total == 500


def test_total_paid_later_disagreeing_with_total_paid_is_refused() -> None:
    """``totalPaid`` = ``totalPaidImmediately`` (0) + ``totalPaidLater``: 500 and 400
    cannot both be the invoice's payments."""
    payment = {"type": "INVOICE_PAYMENT", "date": "2024-03-02", "amount": 500}
    text = json.dumps(record(totalPaid=500, totalPaidLater=400, invoicePayments=[payment]))
    with pytest.raises(InvalidValueError) as caught:
        kashoo.read(text)
    assert (caught.value.field, caught.value.value) == ("totalPaidLater", 400)
    agreeing = record(totalPaid=500, totalPaidLater=500, invoicePayments=[payment])
    assert dict(kashoo.read(json.dumps(agreeing)).entries[0].stated)["payment_total"] == 500


# -- totalLocalDue: the writer wrote what Kashoo's int64 cannot hold ------------------


def test_total_local_due_beyond_the_engine_bound_is_refused_when_writing() -> None:
    """9,000,000,000,000,000.00 USD is 9 * 10**17 cents (inside the engine's 10**18).
    At 100 CAD per USD, totalLocalDue is 9 * 10**19 cents: beyond int64 (about
    9.22 * 10**18), so no Kashoo record holds it, and the reader refused the record
    the writer wrote. At 1 KWD per USD it is 9 * 10**17 * 10 = 9 * 10**18 fils, inside
    int64 but beyond the engine's 10**18, so the record read back could not be
    calculated. Both are refused when writing, naming the exchange rate."""
    invoice = Invoice(
        USD, MARCH_1, MARCH_31, lines=[LineItem(unit_price=USD.price("9000000000000000"))]
    )
    results = [(Entry(invoice), calculate(invoice, as_of=MARCH_1))]
    for home, rate in (("CAD", "100"), ("KWD", "1")):
        with pytest.raises(InvalidValueError) as caught:
            kashoo.write(results, exchange=kashoo.Exchange.parse(home, rate))
        assert caught.value.field == "exchange_rate"
        assert "totalLocalDue" in caught.value.problem
    # A rate that keeps it inside: 9 * 10**15 USD x 1 = 9 * 10**15 yen (JPY has no
    # minor unit), written and read back with the same home total.
    text = kashoo.write(results, exchange=kashoo.Exchange.parse("JPY", "1"))
    assert json.loads(text)["totalLocalDue"] == 9 * 10**15
    read = kashoo.read(text).entries[0].invoice
    home = calculate(read, as_of=MARCH_1).home
    assert home is not None
    assert home.total == 9 * 10**15


# -- duplicate keys: the path was lost ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "field"),
    [
        # A duplicate key in a line was named by the key alone ("rate"): which object?
        ('{"lineItems": [{"rate": 1}, {"rate": 1, "rate": 2}]}', "lineItems[1].rate"),
        ('{"invoicePayments": [{"amount": 1, "amount": 1}]}', "invoicePayments[0].amount"),
        ('[{"id": 1}, {"id": 2, "id": 3}]', "[1].id"),
        # At the top it stays the key.
        ('{"currency": "USD", "currency": "EUR"}', "currency"),
        # A refused number parsed before the duplicate is the error, at its own path.
        ('{"a": [NaN], "b": {"c": 1, "c": 2}}', "a[0]"),
        ('{"b": {"c": 1, "c": 2}, "a": [NaN]}', "b.c"),
        # Inside an object with a duplicate, a refused number comes first.
        ('{"b": {"c": 1, "c": NaN}}', "b.c"),
    ],
)
def test_a_duplicate_key_is_named_by_its_path(text: str, field: str) -> None:
    with pytest.raises(InvoiceCalcError) as caught:
        kashoo.read(text)
    assert caught.value.field == field
