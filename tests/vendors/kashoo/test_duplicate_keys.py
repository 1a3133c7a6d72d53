"""Defects found reviewing the Kashoo reader and writer, each worked by hand.

Field names are those of Kashoo's "Add an invoice to a business" request body
(the OpenAPI dump in the project's seed 003), where ``totalPaidLater`` is an
``integer <int64>`` amount like ``totalPaid`` and ``totalLocalDue``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from invoicecalc import Currency
from invoicecalc.errors import InvoiceCalcError
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
