"""Defects found reviewing the Kashoo reader and writer, each worked by hand.

Field names are those of Kashoo's "Add an invoice to a business" request body
(the OpenAPI dump in the project's seed 003), where ``totalPaidLater`` is an
``integer <int64>`` amount like ``totalPaid`` and ``totalLocalDue``.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from invoicecalc import Currency, calculate
from invoicecalc.errors import InvalidTypeError, InvalidValueError, ParseError
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
