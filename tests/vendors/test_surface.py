"""The surface every vendor module shares: ``write`` and ``read`` (docs/vendors.md)."""

from __future__ import annotations

import datetime as dt
import inspect
import json
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import pytest

from invoicecalc import Currency, Invoice, LineItem, Policy, Tax, calculate
from invoicecalc.document import Entry
from invoicecalc.vendors import cashboard, freshbooks, kashoo

VENDORS = [cashboard, freshbooks, kashoo]


#: What every vendor module offers, by the same names.
SHARED = {"POLICY", "canonical", "read", "read_files", "write"}


@pytest.mark.parametrize("vendor", VENDORS)
def test_every_vendor_has_the_shared_surface(vendor: ModuleType) -> None:
    assert set(vendor.__all__) >= SHARED
    assert isinstance(vendor.POLICY, Policy)
    invoice, as_of = inspect.signature(vendor.canonical).parameters.values()
    assert invoice.name == "invoice"
    assert (as_of.name, as_of.kind, as_of.default) == ("as_of", as_of.KEYWORD_ONLY, as_of.empty)
    sources, *options = inspect.signature(vendor.read_files).parameters.values()
    assert sources.name == "sources"
    assert "naming" in {option.name for option in options}
    for option in options:
        assert option.kind is option.KEYWORD_ONLY, option
        assert option.default is not option.empty, option


@pytest.mark.parametrize("vendor", VENDORS)
def test_write_and_read_with_keyword_only_options(vendor: ModuleType) -> None:
    results, array, *options = inspect.signature(vendor.write).parameters.values()
    assert results.name == "results"
    assert (array.name, array.kind, array.default) == ("array", array.KEYWORD_ONLY, False)
    _, *options_read = inspect.signature(vendor.read).parameters.values()
    for option in options + options_read:
        assert option.kind is option.KEYWORD_ONLY, option
        assert option.default is not option.empty, option


@pytest.mark.parametrize("vendor", VENDORS)
@pytest.mark.parametrize("array", [False, True])
def test_what_write_gives_read_takes(vendor: ModuleType, array: bool) -> None:
    usd = Currency("USD")
    invoice = Invoice(
        usd,
        dt.date(2024, 3, 1),
        dt.date(2024, 3, 31),
        lines=[LineItem(quantity=Decimal(2), unit_price=usd.price("10.00"))],
        taxes=[Tax("VAT", Decimal(5))],
    )
    as_of = dt.date(2024, 3, 20)
    results = [(Entry(invoice), calculate(invoice, as_of=as_of))]
    if vendor is cashboard:  # the invoice comes with its lines; the currency is the account's
        document = cashboard.read(
            cashboard.write(results, array=array),
            cashboard.write_invoice_lines(results),
            currency=usd,
        )
    else:
        document = vendor.read(vendor.write(results, array=array))
    assert document.array is array
    (entry,) = document.entries
    # 2 x 10.00 = 20.00; VAT 5% of it is 1.00; total 21.00, nothing paid.
    assert (dict(entry.stated)["total"], dict(entry.stated)["balance"]) == (2100, 2100)


FIXTURES = Path(__file__).parents[1] / "fixtures"


def _files(folder: str, *names: str) -> list[tuple[str, bytes]]:
    return [(name, (FIXTURES / folder / name).read_bytes()) for name in names]


def test_every_reader_echoes_the_vendors_own_invoice_id() -> None:
    # The ids as the fixtures write them: Cashboard's <id> of each invoice, in the
    # file's order; FreshBooks' <invoice_id>; Kashoo's record "id" (a JSON integer).
    cashboard_files = _files(
        "cashboard",
        "invoices.xml",
        "invoice_line_items.xml",
        "invoice_payments.xml",
        "payments.xml",
        "account.xml",
    )
    ((_, cash),) = cashboard.read_files(cashboard_files)
    assert [entry.id for entry in cash.entries] == [
        "123540710", "397345097", "415347655", "660985040", "831155591", "1032760123",
    ]  # fmt: skip
    fb_files = _files("freshbooks", "invoice.get.response.xml", "tax.list.response.xml")
    ((_, fb),) = freshbooks.read_files(fb_files)
    assert [entry.id for entry in fb.entries] == ["344"]
    record = {
        "type": "invoice",
        "currency": "USD",
        "date": "2024-03-01",
        "dueDate": "2024-03-31",
        "lineItems": [{"rate": 1, "quantity": 1}],
    }
    with_id = kashoo.read(json.dumps({**record, "id": 9997419979}))
    without = kashoo.read(json.dumps(record))
    assert [with_id.entries[0].id, without.entries[0].id] == ["9997419979", None]
