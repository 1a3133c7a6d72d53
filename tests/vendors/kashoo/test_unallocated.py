"""A payment's allocations paying more than the payment.

In Kashoo's invoice-payment record (its API's INVOICE_PAYMENT body) ``amount`` is the payment and
``unallocatedAmount`` the part of it no allocation takes, so the allocations
add up to ``amount - unallocatedAmount`` (kashoo-php's billPayment body: amount
1, one allocation of 1, ``unallocatedAmount: 0``).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from invoicecalc import calculate
from invoicecalc.errors import InvalidValueError
from invoicecalc.vendors import kashoo


def invoice(own_id: int, **changes: Any) -> dict[str, Any]:
    """One 10.00 USD line: 1 x 10 = 1000 cents."""
    return {
        "type": "INVOICE", "id": own_id, "currency": "USD", "date": "2024-03-01",
        "dueDate": "2024-03-31", "lineItems": [{"quantity": 1, "rate": 10}], **changes,
    }  # fmt: skip


def payment(amount: int, unallocated: int, *shares: tuple[int, int]) -> dict[str, Any]:
    return {
        "type": "INVOICE_PAYMENT", "date": "2024-03-02", "amount": amount,
        "unallocatedAmount": unallocated,
        "allocations": [{"amount": share, "record": record} for record, share in shares],
    }  # fmt: skip


@pytest.mark.parametrize(
    ("text", "field"),
    [
        # A 5.00 payment allocating 7.00 (700 + (-200) = 500 passed the sum check):
        # the invoice read 7.00 paid, balance 300, from a payment of 5.00.
        (json.dumps([invoice(7), payment(500, -200, (7, 700))]), "[1].unallocatedAmount"),
        (json.dumps(invoice(7, invoicePayments=[payment(500, -200, (7, 700))])),
         "invoicePayments[0].unallocatedAmount"),
        # A refund of 5.00 (-500) taking back 7.00.
        (json.dumps([invoice(7), payment(-500, 200, (7, -700))]), "[1].unallocatedAmount"),
    ],
)  # fmt: skip
def test_allocations_beyond_the_payment_are_refused(text: str, field: str) -> None:
    with pytest.raises(InvalidValueError) as caught:
        kashoo.read(text)
    assert caught.value.field == field


def test_allocations_within_the_payment_are_read() -> None:
    """500 = 300 allocated + 200 unallocated: the invoice is paid 300, balance 700;
    a refund -500 = -300 + -200 the same, negated."""
    for amount, unallocated, share, balance in ((500, 200, 300, 700), (-500, -200, -300, 1300)):
        text = json.dumps([invoice(7), payment(amount, unallocated, (7, share))])
        read = kashoo.read(text).entries[0].invoice
        assert calculate(read, as_of=dt.date(2024, 3, 31)).balance == balance
