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

from invoicecalc import Currency, Invoice, LineItem, calculate
from invoicecalc.document import Entry
from invoicecalc.errors import InvalidValueError
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
