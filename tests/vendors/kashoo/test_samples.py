"""Every Kashoo body copied from the references is read, or refused with a documented reason.

The samples are real request bodies of a Kashoo client (``tests/fixtures/README.md``).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from invoicecalc import Currency, LineItem, Payment
from invoicecalc._cli import main
from invoicecalc.errors import UnsupportedError
from invoicecalc.vendors import kashoo

FIXTURES = Path(__file__).parents[2] / "fixtures" / "kashoo"
DOCS = Path(__file__).parents[3] / "docs" / "vendors.md"
USD = Currency("USD")

#: Each sample: ``None`` when it is read, else the field and reason it is refused with.
SAMPLES: dict[str, tuple[str, str] | None] = {
    "kashoo-php.invoice.request.json": None,
    "kashoo-php.bill.request.json": ("type", "a bill is a purchase from a vendor, not an invoice"),
    "kashoo-php.billPayment.request.json": (
        "type",
        "a bill payment pays a bill (a purchase), not an invoice",
    ),
}


def kashoo_docs() -> str:
    return DOCS.read_text().split("## Kashoo / TrulySmall", 1)[1]


def test_every_copied_sample_is_listed() -> None:
    assert sorted(path.name for path in FIXTURES.iterdir()) == sorted(SAMPLES)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_each_sample_is_read_or_refused_with_a_documented_reason(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(FIXTURES / name)
    expected = SAMPLES[name]
    docs = kashoo_docs()
    assert f"`{name}`" in docs
    for command in (["check", path, "--input", "kashoo", "--as-of", "2013-09-03"],
                    ["preview", path, "--input", "kashoo", "--as-of", "2013-09-03"]):  # fmt: skip
        status = main(command)
        err = capsys.readouterr().err
        if expected is None:
            assert (status, err) == (0, "")
        else:
            field, reason = expected
            assert status == 2
            assert f"{field}: {reason}" in err
            assert reason in docs


def test_the_real_invoice_body_reads_as_one_line_of_one_dollar() -> None:
    # "lineItems": [{"account": 9997419979, "quantity": 1, "rate": 1, "taxCode": ""}],
    # "type": "invoice" (lower case), "poNumber": "". rate 1 is 1.00 USD (major units, our
    # reading); no tax is defined, so the empty taxCode is a plain line.
    entry = kashoo.read((FIXTURES / "kashoo-php.invoice.request.json").read_bytes()).entries[0]
    invoice = entry.invoice
    assert invoice.lines == (LineItem(quantity=1, unit_price=USD.price("1")),)
    assert (invoice.invoice_date, invoice.due_date) == (dt.date(2013, 9, 3), dt.date(2013, 9, 3))
    assert (invoice.po_number, entry.stated) == ("", ())


def test_the_real_payment_body_as_an_invoice_payment_pays_its_invoice() -> None:
    # The client's bill payment, as the invoice payment it would be ("invoicePayment",
    # the client's spelling of INVOICE_PAYMENT), beside the invoice whose id it allocates to.
    invoice = json.loads((FIXTURES / "kashoo-php.invoice.request.json").read_text())
    payment = json.loads((FIXTURES / "kashoo-php.billPayment.request.json").read_text())
    invoice["id"] = payment["allocations"][0]["record"]
    payment["type"] = "invoicePayment"
    document = kashoo.read(json.dumps([invoice, payment]))
    assert len(document.entries) == 1
    assert document.entries[0].invoice.payments == (
        Payment(dt.date(2013, 9, 3), USD.amount("0.01")),
    )
    # As the client posted it, the bill payment is refused by name even beside an invoice.
    payment["type"] = "billPayment"
    with pytest.raises(UnsupportedError) as caught:
        kashoo.read(json.dumps([invoice, payment]))
    assert caught.value.field == "[1].type"
