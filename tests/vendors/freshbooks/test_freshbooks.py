"""FreshBooks classic API 2.1: golden documents, every sample, round trips, hostile XML.

Every expected amount is worked by hand in the comment beside it. The golden
files were written by the code and checked against those comments; each is
also parsed with ElementTree and its amounts compared with the hand-worked
values, so a golden file cannot drift into agreeing with a bug.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from invoicecalc import (
    CashRounding,
    Currency,
    DiscountBase,
    HomeCurrency,
    Invoice,
    LineItem,
    LineKind,
    Payment,
    Policy,
    Rounding,
    Tax,
    TaxRounding,
    Totals,
    calculate,
)
from invoicecalc._cli import main
from invoicecalc.document import Entry
from invoicecalc.errors import (
    InvalidValueError,
    ParseError,
    UnsupportedError,
    VendorError,
)
from invoicecalc.testing import V1_ONLY, as_of_dates, invoices
from invoicecalc.vendors import freshbooks

D = Decimal
EUR, CAD, JPY, USD = Currency("EUR"), Currency("CAD"), Currency("JPY"), Currency("USD")
HERE = Path(__file__).resolve()
GOLDEN = HERE.parents[2] / "golden" / "freshbooks"
SAMPLES = HERE.parents[2] / "fixtures" / "freshbooks"
CAPTURED = SAMPLES / "invoice.get.response.captured.xml"
NS = "{http://www.freshbooks.com/api/}"


def get_response(invoice: Invoice, *, as_of: dt.date) -> str:
    """The ``invoice.get`` response: ``write`` of the one result ``invoice`` on ``as_of``."""
    return freshbooks.write([(Entry(invoice), calculate(invoice, as_of=as_of))])


def account_of(invoice: Invoice) -> tuple[Tax, ...]:
    """The account's taxes as ``tax_create_requests`` set them up, read back."""
    return tuple(
        tax
        for request in freshbooks.tax_create_requests(invoice)
        for tax in freshbooks.read_taxes(request)
    )


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    status = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return status, out, err


def golden(name: str, text: str) -> None:
    assert text == (GOLDEN / name).read_text(encoding="utf-8")


def amounts(xml: str) -> dict[str, str]:
    """The invoice's ``amount``, ``amount_outstanding``, ``paid`` and line amounts."""
    invoice = ET.fromstring(xml).find(f"{NS}invoice")
    assert invoice is not None
    found = {
        tag: invoice.findtext(NS + tag) or "" for tag in ("amount", "amount_outstanding", "paid")
    }
    lines = invoice.findall(f"{NS}lines/{NS}line")
    found["lines"] = " ".join(line.findtext(f"{NS}amount") or "" for line in lines)
    return found


# -- hand-worked invoices -----------------------------------------------------


def spec_example() -> Invoice:
    """The calculation spec's worked check, a real FreshBooks invoice."""
    return Invoice(
        EUR,
        dt.date(2013, 11, 14),
        dt.date(2013, 11, 14),
        lines=[
            LineItem(title="Catering", unit_price=EUR.price("15.00"), taxes=["IVA"]),
            LineItem(title="Room hire", unit_price=EUR.price("34.00"), taxable=False),
        ],
        taxes=[Tax("IVA", D(16))],
        discount_percentage=D(25),
        payments=[Payment(dt.date(2013, 11, 15), EUR.amount("2.00"))],
    )


# items 15.00 + 34.00 = 49.00; discount 25% of 49.00 = 12.25;
# IVA 16% of the discounted 15.00 (11.25) = 1.80; total 49.00 - 12.25 + 1.80 = 38.55;
# paid 2.00, outstanding 36.55.
SPEC_EXAMPLE = {
    "amount": "38.55",
    "amount_outstanding": "36.55",
    "paid": "2.00",
    "lines": "15.00 34.00",
}


def quebec() -> Invoice:
    """GST 5% and QST 9.975% compounded on it: both slots, QST alone, GST alone."""
    return Invoice(
        CAD,
        dt.date(2024, 3, 1),
        dt.date(2024, 3, 31),
        lines=[
            LineItem(LineKind.TASK, "Design", "Logo", D("2.5"), CAD.price("80.00")),
            LineItem(title="Hosting", unit_price=CAD.price("19.99"), taxes=["QST"]),
            LineItem(title="Travel", quantity=D(3), unit_price=CAD.price("12.50"), taxes=["GST"]),
        ],
        taxes=[Tax("GST", D(5)), Tax("QST", D("9.975"), compound=True)],
        number="Q-7",
        po_number="PO 12",
        notes="Thanks & merci",
        terms="Net 30",
    )


# Design 2.5 x 80.00 = 200.00, Hosting 19.99, Travel 3 x 12.50 = 37.50: items 257.49.
# GST 5% of 200.00 + 37.50 = 237.50 -> 11.875 -> 11.88 (half up, once per invoice).
# QST 9.975% of (200.00 + its GST 10.00) = 20.9475, plus of 19.99 = 1.9940025:
#   22.9415025 -> 22.94.  Total 257.49 + 11.88 + 22.94 = 292.31, nothing paid.
QUEBEC = {
    "amount": "292.31",
    "amount_outstanding": "292.31",
    "paid": "0.00",
    "lines": "200.00 19.99 37.50",
}


def late_jpy() -> Invoice:
    """Yen, 10% tax, 2% late fee every 30 days, one payment before the first fee."""
    return Invoice(
        JPY,
        dt.date(2024, 1, 10),
        dt.date(2024, 2, 9),
        lines=[
            LineItem(title="Consulting", quantity=D(3), unit_price=JPY.price("12000")),
            LineItem(title="Materials", unit_price=JPY.price("4500")),
        ],
        taxes=[Tax("Consumption", D(10))],
        late_percentage=D(2),
        late_period_in_days=30,
        payments=[Payment(dt.date(2024, 3, 1), JPY.amount("10000"), "bank transfer")],
    )


# items 36,000 + 4,500 = 40,500; tax 4,050; before fees 44,550.
# 2024-03-10 (due + 30): outstanding 44,550 - 10,000 = 34,550, fee 2% = 691.
# 2024-04-09 (due + 60): outstanding 34,550 + 691 = 35,241, fee 704.82 -> 705.
# late fees 1,396 (one untaxed line); total 45,946; paid 10,000; outstanding 35,946.
LATE_AS_OF = dt.date(2024, 4, 15)
LATE_JPY = {
    "amount": "45946",
    "amount_outstanding": "35946",
    "paid": "10000",
    "lines": "36000 4500 1396",
}


@pytest.mark.parametrize(
    ("make", "as_of", "name", "expected"),
    [
        (spec_example, dt.date(2013, 11, 20), "spec-example.get.xml", SPEC_EXAMPLE),
        (quebec, dt.date(2024, 3, 1), "quebec.get.xml", QUEBEC),
        (late_jpy, LATE_AS_OF, "late-jpy.get.xml", LATE_JPY),
    ],
)
def test_golden_get_responses(
    make: Callable[[], Invoice], as_of: dt.date, name: str, expected: dict[str, str]
) -> None:
    xml = get_response(make(), as_of=as_of)
    assert amounts(xml) == expected
    golden(name, xml)
    # What FreshBooks states reads back to the same totals, with the account's taxes.
    entry = freshbooks.read(xml, taxes=account_of(make())).entries[0]
    totals = calculate(entry.invoice, as_of=as_of)
    assert dict(entry.stated) == {
        **{f"lines[{i}].actual": line.actual for i, line in enumerate(totals.lines)},
        "total": totals.total,
        "payment_total": totals.payment_total,
        "balance": totals.balance,
    }


def test_golden_create_request_and_its_companions() -> None:
    xml = freshbooks.invoice_create_request(quebec(), as_of=dt.date(2024, 3, 1), client_id="13")
    golden("quebec.create.xml", xml)
    root = ET.fromstring(xml)
    assert root.get("method") == "invoice.create"
    assert root.findtext("invoice/client_id") == "13"
    assert root.find("invoice/amount") is None  # FreshBooks works the amounts out
    # Compounding is the account's (tax.create below), never a line's.
    assert root.find("invoice/lines/line/compound_tax") is None
    # Read back with the account's taxes: the same invoice (the due date is not carried).
    read = freshbooks.read(xml, taxes=account_of(quebec())).entries[0]
    assert read.stated == ()
    assert read.invoice == attrs.evolve(
        quebec(),
        due_date=quebec().invoice_date,
        lines=[
            attrs.evolve(line, taxes=names)
            for line, names in zip(
                quebec().lines, [("GST", "QST"), ("QST",), ("GST",)], strict=True
            )
        ],
    )
    update = freshbooks.invoice_update_request(
        quebec(), invoice_id="344", as_of=dt.date(2024, 3, 1)
    )
    assert ET.fromstring(update).get("method") == "invoice.update"
    assert ET.fromstring(update).findtext("invoice/invoice_id") == "344"
    assert (
        update.replace('"invoice.update"', '"invoice.create"').replace(
            "    <invoice_id>344</invoice_id>\n", "    <client_id>13</client_id>\n"
        )
        == xml
    )
    taxes = [ET.fromstring(request) for request in freshbooks.tax_create_requests(quebec())]
    assert [
        (t.findtext("tax/name"), t.findtext("tax/rate"), t.findtext("tax/compound")) for t in taxes
    ] == [
        ("GST", "5", "0"),
        ("QST", "9.975", "1"),
    ]


def test_payment_create_requests() -> None:
    (request,) = freshbooks.payment_create_requests(late_jpy(), invoice_id="207")
    assert request == (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<request method="payment.create">\n'
        "  <payment>\n"
        "    <invoice_id>207</invoice_id>\n"
        "    <date>2024-03-01</date>\n"
        "    <amount>10000</amount>\n"
        "    <currency_code>JPY</currency_code>\n"
        "    <notes>bank transfer</notes>\n"
        "  </payment>\n"
        "</request>\n"
    )
    assert freshbooks.payment_create_requests(quebec()) == ()


def test_payments_refused_in_requests() -> None:
    with pytest.raises(UnsupportedError, match="payment_create_requests") as caught:
        freshbooks.invoice_create_request(late_jpy(), as_of=LATE_AS_OF)
    assert caught.value.field == "payments"


def test_list_response_holds_each_invoice() -> None:
    results = [
        (Entry(invoice), calculate(invoice, as_of=as_of))
        for invoice, as_of in [
            (spec_example(), dt.date(2013, 11, 20)),
            (quebec(), dt.date(2024, 3, 1)),
        ]
    ]
    xml = freshbooks.write(results, array=True)
    listing = ET.fromstring(xml).find(f"{NS}invoices")
    assert listing is not None
    assert listing.attrib == {"page": "1", "per_page": "2", "pages": "1", "total": "2"}
    assert [node.findtext(f"{NS}amount") for node in listing] == ["38.55", "292.31"]
    document = freshbooks.read(xml, taxes=account_of(quebec()))
    assert document.array
    assert [dict(entry.stated)["total"] for entry in document.entries] == [3855, 29231]


def test_write_gives_one_get_response_with_its_id_or_a_list() -> None:
    one = (Entry(quebec()), calculate(quebec(), as_of=dt.date(2024, 3, 1)))
    xml = freshbooks.write([one], invoice_id="344")
    assert ET.fromstring(xml).findtext(f"{NS}invoice/{NS}invoice_id") == "344"
    assert xml.replace("    <invoice_id>344</invoice_id>\n", "") == freshbooks.write([one])
    with pytest.raises(InvalidValueError) as caught:
        freshbooks.write([one, one])
    assert (caught.value.field, caught.value.value) == ("invoices", 2)
    with pytest.raises(InvalidValueError) as caught:
        freshbooks.write([one], array=True, invoice_id="344")
    assert caught.value.field == "invoice_id"


# -- folding what FreshBooks has no field for ------------------------------------


def test_flat_fee_and_markup_fold_into_unit_cost_when_exact() -> None:
    invoice = Invoice(
        USD,
        dt.date(2024, 5, 1),
        dt.date(2024, 5, 1),
        lines=[
            # 5.00 + 1 x 10.00 = 15.00: unit cost 15.00 for quantity 1.
            LineItem(unit_price=USD.price("10.00"), flat_fee=USD.amount("5.00")),
            # 2 x 10.00 = 20.00, markup 10% = 2.00: 22.00 / 2 = unit cost 11.00.
            LineItem(quantity=D(2), unit_price=USD.price("10.00"), markup_percentage=D(10)),
        ],
    )
    xml = get_response(invoice, as_of=dt.date(2024, 5, 1))
    root = ET.fromstring(xml)
    assert [line.findtext(f"{NS}unit_cost") for line in root.iter(f"{NS}line")] == [
        "15.00",
        "11.00",
    ]
    assert amounts(xml)["amount"] == "37.00"  # 15.00 + 22.00
    back = freshbooks.read(xml).entries[0].invoice
    assert [(line.unit_price, line.flat_fee, line.markup_percentage) for line in back.lines] == [
        (USD.price("15.00"), USD.amount("0.00"), 0),
        (USD.price("11.00"), USD.amount("0.00"), 0),
    ]


def test_a_flat_fee_that_cannot_fold_is_a_line_of_its_own() -> None:
    invoice = _lines(
        # 3 x 10.00 + 1.00 = 31.00, and 31.00 / 3 is no whole number of cents.
        LineItem(
            LineKind.TASK,
            "Design",
            quantity=D(3),
            unit_price=USD.price("10.00"),
            flat_fee=USD.amount("1.00"),
        ),
        taxes=[Tax("VAT", D(10))],
    )
    xml = get_response(invoice, as_of=dt.date(2024, 5, 1))
    written = [
        (
            node.findtext(f"{NS}name"),
            node.findtext(f"{NS}quantity"),
            node.findtext(f"{NS}unit_cost"),
        )
        for node in ET.fromstring(xml).iter(f"{NS}line")
    ]
    assert written == [("Design", "3", "10.00"), ("Design (flat fee)", "1", "1.00")]
    # Both carry VAT: 10% of 31.00 = 3.10; total 34.10.
    assert amounts(xml) == {
        "amount": "34.10",
        "amount_outstanding": "34.10",
        "paid": "0.00",
        "lines": "30.00 1.00",
    }


def test_an_early_payment_discount_is_written_as_it_stands() -> None:
    # 2% for every full 10 days before 31 May: 100.00 less the rate earned on the as-of date.
    invoice = _lines(
        LineItem(unit_price=USD.price("100.00")), discount_percentage=D(2), early_period_in_days=10
    )
    for as_of, rate, total in [
        (dt.date(2024, 5, 1), "6", "94.00"),  # 30 days early: 3 periods, 6% (6.00 off)
        (dt.date(2024, 5, 12), "2", "98.00"),  # 19 days early: 1 period, 2%
        (dt.date(2024, 6, 1), "0", "100.00"),  # after the due date: nothing
    ]:
        xml = get_response(invoice, as_of=as_of)
        assert ET.fromstring(xml).findtext(f"{NS}invoice/{NS}discount") == rate
        assert amounts(xml)["amount"] == total


def test_a_policy_that_changes_nothing_is_written_and_reads_as_freshbooks() -> None:
    # 3 x 10.00 at 5%: 1.50 exactly; no rounding mode or base can tell them apart.
    invoice = Invoice(
        USD,
        dt.date(2024, 5, 1),
        dt.date(2024, 5, 1),
        lines=[LineItem(quantity=D(3), unit_price=USD.price("10.00"))],
        taxes=[Tax("VAT", D(5))],
        policy=Policy(Rounding.HALF_EVEN, TaxRounding.PER_LINE, DiscountBase.POST_TAX),
    )
    xml = get_response(invoice, as_of=dt.date(2024, 5, 1))
    assert amounts(xml)["amount"] == "31.50"
    assert freshbooks.read(xml).entries[0].invoice.policy == freshbooks.POLICY


def _lines(*lines: LineItem, **fields: object) -> Invoice:
    return Invoice(USD, dt.date(2024, 5, 1), dt.date(2024, 5, 31), lines=lines, **fields)  # type: ignore[arg-type]


ONE = LineItem(unit_price=USD.price("10.00"))
REFUSALS = [
    (_lines(ONE, pre_reminder_in_days=3), "pre_reminder_in_days"),
    (_lines(ONE, post_reminder_in_days=3), "post_reminder_in_days"),
    (_lines(LineItem(quantity_low=D(1), quantity_high=D(2))), "lines[0].quantity_low"),
    (
        _lines(ONE, taxes=[Tax("A", D(1)), Tax("B", D(2)), Tax("C", D(3))]),
        "lines[0].taxes",
    ),
    # 3 x 0.10 = 0.30, markup 15% = 0.045 -> 0.05: 0.35 / 3 is no whole number of cents.
    (
        _lines(LineItem(quantity=D(3), unit_price=USD.price("0.10"), markup_percentage=D(15))),
        "lines[0].markup_percentage",
    ),
    (
        _lines(LineItem(taxes=["A"]), taxes=[Tax("A", D(1)), Tax("B", D(2))]),
        "taxes[1]",
    ),
    # C is charged on A only; FreshBooks would charge it on B, the first tax of this line.
    (
        _lines(
            LineItem(taxes=["B", "C"], unit_price=USD.price("1.00")),
            taxes=[Tax("A", D(1)), Tax("B", D(2)), Tax("C", D(3), compound=["A"])],
        ),
        "taxes[2].compound",
    ),
    # Engine v2 concepts FreshBooks 2.1 has no place for.
    (_lines(ONE, taxes=[Tax("VAT", D(20))], tax_inclusive=True), "tax_inclusive"),
    (_lines(ONE, discount_amount=USD.amount("1.00")), "discount_amount"),
    (_lines(ONE, taxes=[Tax("IRPF", D(15), withholding=True)]), "taxes[0].withholding"),
    (
        _lines(ONE, home_currency=HomeCurrency(CAD, D("1.35"))),
        "home_currency",
    ),
    # 10.01 cash-rounded to 0.05 is 10.00: FreshBooks would state 10.01.
    (
        _lines(
            LineItem(unit_price=USD.price("10.01")), cash_rounding=CashRounding(USD.amount("0.05"))
        ),
        "cash_rounding",
    ),
    (_lines(ONE, LineItem(taxable=False)), "lines[1].taxable"),
    (
        _lines(
            ONE,
            discount_percentage=D(10),
            late_percentage=D(1),
            late_period_in_days=30,
            payments=[],
        ),
        "late_percentage",
    ),
    # 0.10 at 5% = 0.005: half_even 0.00, FreshBooks (half_up) 0.01.
    (
        _lines(
            LineItem(unit_price=USD.price("0.10")),
            taxes=[Tax("VAT", D(5))],
            policy=Policy(rounding=Rounding.HALF_EVEN),
        ),
        "policy",
    ),
]


@pytest.mark.parametrize(("invoice", "field"), REFUSALS)
def test_what_freshbooks_cannot_carry_is_refused(invoice: Invoice, field: str) -> None:
    as_of = dt.date(2024, 9, 1)  # after the late fees' first period
    for write in (
        lambda: get_response(invoice, as_of=as_of),
        lambda: freshbooks.invoice_create_request(invoice, as_of=as_of),
    ):
        with pytest.raises(UnsupportedError) as caught:
            write()
        assert caught.value.field == field


# -- reading ---------------------------------------------------------------------


def test_captured_invoice_reads_to_freshbooks_own_total_and_balance(
    capsys: pytest.CaptureFixture[str],
) -> None:
    (entry,) = freshbooks.read(CAPTURED.read_bytes()).entries
    invoice = entry.invoice
    # No currency_code: the account's base currency, USD unless told.
    assert invoice.currency == USD
    assert invoice.number == "0000002"
    # 1 x 1 + 2 x 2 = 5; nothing paid.
    assert [line.quantity * line.unit_price for line in invoice.lines] == [100, 400]
    totals = calculate(invoice, as_of=dt.date(2009, 1, 1))
    assert (totals.total, totals.balance, totals.payment_total) == (500, 500, 0)
    assert dict(entry.stated) == {
        "lines[0].actual": 100,  # the lines' own <amount>s: 1.00 and 4.00
        "lines[1].actual": 400,
        "total": 500,
        "payment_total": 0,
        "balance": 500,
    }
    status, out, err = run(capsys, "check", CAPTURED, "--input", "freshbooks")
    assert (status, err) == (0, "")
    assert "DIFFERS" not in out
    assert "total           stated           5.00  computed           5.00  ok" in out
    assert (
        freshbooks.read(CAPTURED.read_bytes(), base_currency="CAD").entries[0].invoice.currency
        == CAD
    )


def test_spec_example_as_freshbooks_serves_it(capsys: pytest.CaptureFixture[str]) -> None:
    path = GOLDEN / "spec-example.freshbooks.xml"
    (entry,) = freshbooks.read(path.read_bytes()).entries
    invoice = entry.invoice
    assert invoice.invoice_date == invoice.due_date == dt.date(2013, 11, 14)  # time dropped
    assert invoice.taxes == (Tax("IVA", D(16)),)
    assert [(line.taxable, line.taxes) for line in invoice.lines] == [
        (True, ("IVA",)),
        (False, ()),
        (False, ()),
    ]
    # paid 2.00 becomes one payment on the invoice date.
    assert invoice.payments == (Payment(dt.date(2013, 11, 14), EUR.amount("2.00")),)
    totals = calculate(invoice, as_of=dt.date(2013, 11, 14))
    # discount 12.25, IVA 1.80, total 38.55, balance 36.55 (the spec's numbers).
    assert (totals.discount, totals.tax_total, totals.total, totals.balance) == (
        1225,
        180,
        3855,
        3655,
    )
    status, out, _ = run(capsys, "check", path, "--input", "freshbooks")
    assert status == 0
    assert out.count(" ok") == 6  # three lines' amounts, total, paid and balance


# -- every sample, through the command that reads it ------------------------------

TAX_LIST = SAMPLES / "tax.list.response.xml"
#: Each copied sample: the command that reads it, and the arguments beside it. Those
#: with two taxes on a line are read with the documentation's tax list (GST and PST
#: simple, VAT compound).
READ_BY = {
    "estimate.create.request.xml": ("estimate", TAX_LIST),
    "estimate.get.response.xml": ("estimate", TAX_LIST),
    "estimate.list.response.xml": ("estimate", TAX_LIST),
    "invoice.create.request.xml": ("check", TAX_LIST),
    "invoice.get.response.captured.xml": ("check",),
    "invoice.get.response.xml": ("check", TAX_LIST),
    "invoice.list.response.xml": ("check", TAX_LIST),
    "recurring.create.request.xml": ("recur", TAX_LIST),
    "recurring.get.response.xml": ("recur", "--count", "3"),
    "recurring.list.response.xml": ("recur", "--until", "2009-12-31"),
    # Tax lists are read beside an invoice.
    "tax.create.request.xml": ("check", CAPTURED),
    "tax.get.response.xml": ("check", CAPTURED),
    "tax.list.response.xml": ("check", CAPTURED),
}
#: The others, refused with the reason docs/vendors.md gives (FreshBooks, Decisions).
NOT_ACCOUNT = "nothing says whether the second compounds"
REFUSED = {
    "invoice.create.response.xml": ("check", "only the id of a created invoice"),
    "invoice.lines.add.request.xml": ("check", "lines to add to an existing invoice"),
    "invoice.update.request.xml": ("check", "only the fields an update changes"),
    "estimate.update.request.xml": ("estimate", "only the fields an update changes"),
    "recurring.update.request.xml": ("recur", "only the fields an update changes"),
    "payment.create.request.xml": ("check", "a payment"),
    "payment.get.response.xml": ("check", "a payment"),
    "payment.list.response.xml": ("check", "payments"),
    "payment.update.request.xml": ("check", "only the fields of a payment"),
    "tax.update.request.xml": ("check", "only the fields of a tax"),
    # FreshBooks would use today's date; invoicecalc reads no clock.
    "net-freshbooks-api/invoice.create.req.xml": ("check", "date: is required"),
    # Two taxes named tax1_name1 and tax2_name1, and no tax list of the client's tests.
    "freshbooks.rb/invoice_get_response.xml": ("check", NOT_ACCOUNT),
    "freshbooks.rb/invoice_list_response.xml": ("check", NOT_ACCOUNT),
    "freshbooks.rb/recurring_get_response.xml": ("recur", NOT_ACCOUNT),
    "freshbooks.rb/recurring_list_response.xml": ("recur", NOT_ACCOUNT),
}


def test_every_sample_is_accounted_for() -> None:
    copied = sorted(str(path.relative_to(SAMPLES)) for path in SAMPLES.rglob("*.xml"))
    assert copied == sorted({**READ_BY, **REFUSED})


@pytest.mark.parametrize("name", sorted(READ_BY))
def test_every_sample_is_read_by_its_command(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    command, *beside = READ_BY[name]
    status, out, err = run(
        capsys,
        command,
        SAMPLES / name,
        *beside,
        "--input",
        "freshbooks",
        "--as-of" if command != "recur" else "--locale",
        "2024-01-01" if command != "recur" else "en_US",
    )
    # check exits 1 where the documentation's samples disagree with their own lines.
    assert (status in (0, 1), err) == (True, "")
    assert out


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_every_other_sample_is_refused_with_its_reason(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    command, reason = REFUSED[name]
    args = ["--count", "2"] if command == "recur" else []
    status, out, err = run(
        capsys, command, SAMPLES / name, TAX_LIST, "--input", "freshbooks", *args
    )
    assert (status, out) == (2, "")
    assert err.startswith(f"invoicecalc: {SAMPLES / name}: ")
    assert reason in err
    assert err.count("\n") == 1
    assert reason in DOCS


DOCS = (HERE.parents[3] / "docs" / "vendors.md").read_text(encoding="utf-8")


def test_documentation_samples_disagree_with_their_own_lines(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Yard work 4 x 10 = 40 with GST 5% (2.00) and PST 8% (3.20), both simple in the
    # account: 45.20, not the stated 45.6; it is marked paid with nothing outstanding and
    # no <paid>, so 45.60 was paid.
    status, out, _ = run(
        capsys,
        "check",
        SAMPLES / "invoice.get.response.xml",
        TAX_LIST,
        "--input",
        "freshbooks",
    )
    assert status == 1
    assert "total           stated          45.60  computed          45.20  DIFFERS" in out
    assert "balance         stated           0.00  computed          -0.40  DIFFERS" in out


# -- a compound tax, as FreshBooks serves it ----------------------------------------

QUEBEC_2012 = GOLDEN / "quebec-2012.get.xml"
QUEBEC_2012_TAXES = GOLDEN / "quebec-2012.tax.list.xml"


def test_a_compound_second_tax_checks_to_freshbooks_total_with_the_tax_list(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Quebec in 2012: GST 5%, QST 9.5% compound (charged on the price plus GST); the
    # account's tax list says so, the invoice's lines only name the two taxes.
    # Items: 3 x 65.00 = 195.00 and 24.99: 219.99.
    # GST 5% of 219.99 = 10.9995 -> 11.00.
    # QST 9.5% of (219.99 + 10.9995) = 230.9895 x 9.5% = 21.9440025 -> 21.94.
    # Total 219.99 + 11.00 + 21.94 = 252.93, FreshBooks' amount.
    # Read as simple, QST would be 9.5% of 219.99 = 20.89905 -> 20.90, total 251.89.
    taxes = freshbooks.read_taxes(QUEBEC_2012_TAXES.read_bytes())
    (entry,) = freshbooks.read(QUEBEC_2012.read_bytes(), taxes=taxes).entries
    totals = calculate(entry.invoice, as_of=dt.date(2012, 10, 15))
    assert [(tax.name, tax.amount) for tax in totals.taxes] == [("GST", 1100), ("QST", 2194)]
    assert dict(entry.stated) == {
        "lines[0].actual": 19500,
        "lines[1].actual": 2499,
        "total": 25293,
        "payment_total": 0,
        "balance": 25293,
    }
    assert totals.total == 25293
    simple = [attrs.evolve(tax, compound=False) for tax in entry.invoice.taxes]
    assert calculate(attrs.evolve(entry.invoice, taxes=simple), as_of=totals.as_of).total == 25189
    # The command line: the tax list beside the invoice, in either order.
    for files in ((QUEBEC_2012, QUEBEC_2012_TAXES), (QUEBEC_2012_TAXES, QUEBEC_2012)):
        status, out, err = run(capsys, "check", *files, "--input", "freshbooks")
        assert (status, err) == (0, "")
        assert "total           stated         252.93  computed         252.93  ok" in out
    # Without it, the second tax's compounding is unknown: refused, naming it.
    status, out, err = run(capsys, "check", QUEBEC_2012, "--input", "freshbooks")
    assert (status, out) == (2, "")
    assert "invoice.lines[0].tax2_name: is a second tax" in err
    assert "(got 'QST')" in err
    # The account's tax.create requests set it up again, compound flag and all.
    requests = freshbooks.tax_create_requests(entry.invoice)
    assert [freshbooks.read_taxes(request) for request in requests] == [
        (Tax("GST", D(5)),),
        (Tax("QST", D("9.5"), True),),
    ]


# -- the command line: base currency, terms, recurring profiles -----------------------


def test_currency_is_the_base_currency_of_documents_without_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = run(
        capsys, "preview", CAPTURED, "--input", "freshbooks", "--currency", "JPY",
        "--output", "json", "--as-of", "2009-01-01",
    )  # fmt: skip
    assert (status, err) == (0, "")
    assert '"currency": "JPY"' in out
    assert '"total": "5"' in out  # 1 x 1 + 2 x 2 yen
    # A document stating another currency_code: refused rather than guessed at.
    status, out, err = run(
        capsys, "check", SAMPLES / "invoice.get.response.xml", TAX_LIST, "--input",
        "freshbooks", "--currency", "EUR",
    )  # fmt: skip
    assert (status, out) == (2, "")
    assert "invoice.currency_code: differs from the currency given, EUR (got 'CAD')" in err
    # The document's own CAD, given as the base currency, agrees.
    status, _, err = run(
        capsys, "check", SAMPLES / "invoice.get.response.xml", TAX_LIST, "--input",
        "freshbooks", "--currency", "CAD",
    )  # fmt: skip
    assert (status, err) == (1, "")
    status, out, err = run(capsys, "check", CAPTURED, "--input", "freshbooks", "--currency", "usd")
    assert (status, out) == (2, "")
    assert err.startswith("invoicecalc: --currency: ")


def test_free_text_terms_are_kept_and_not_applied(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, out, err = run(
        capsys, "estimate", SAMPLES / "estimate.get.response.xml", TAX_LIST,
        "--input", "freshbooks",
    )  # fmt: skip
    assert (status, err) == (0, "")
    assert out.startswith(
        "Estimate 0000001 (CAD): dated 2009-07-21, due 2009-07-21; as of 2009-07-21; "
        "terms 'Once accepted, payment must be made in 30 days.' are free text, not applied\n"
    )
    # 4 x 10 = 40, 10% off = 36.00; GST 1.80, PST 2.88: 40.68 at both ends.
    assert "  total            CA$40.68  CA$40.68" in out
    status, out, _ = run(
        capsys, "schedule", SAMPLES / "invoice.get.response.xml", TAX_LIST,
        "--input", "freshbooks", "--as-of", "2024-01-01", "--output", "json",
    )  # fmt: skip
    assert status == 0
    result = json.loads(out)
    assert (result["terms"], result["terms_applied"]) == ("Payment due in 30 days.", False)
    # Empty terms are none (the captured response's <terms/>): nothing to say.
    status, out, _ = run(capsys, "schedule", CAPTURED, "--input", "freshbooks", "--as-of",
                         "2009-01-01")  # fmt: skip
    assert status == 0
    assert out.startswith("Invoice 0000002 (USD): dated 2009-01-01, due 2009-01-01\n")
    # Terms that parse are applied: FreshBooks states no due date, so they give it.
    path = tmp_path / "net30.xml"
    path.write_bytes(CAPTURED.read_bytes().replace(b"<terms/>", b"<terms>Net 30</terms>"))
    status, out, _ = run(capsys, "schedule", path, "--input", "freshbooks", "--as-of",
                         "2009-01-01")  # fmt: skip
    assert status == 0
    assert out.startswith(
        "Invoice 0000002 (USD): dated 2009-01-01, due 2009-01-31, terms Net 30; "
        "terms 'Net 30' applied\n"
    )
    # Terms-like text invoicecalc cannot apply is refused, as in any other format.
    path.write_bytes(CAPTURED.read_bytes().replace(b"<terms/>", b"<terms>2/15 Net 30</terms>"))
    status, out, err = run(capsys, "schedule", path, "--input", "freshbooks")
    assert (status, out) == (2, "")
    assert "N below M/2" in err


def test_recur_reads_freshbooks_recurring_profiles(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # recurring.get: every 2 years ('2y') from 2007-06-23, occurrences 0 (until stopped);
    # 10 x 9.99 = 99.90 with tax1 10% = 9.99: 109.89, FreshBooks' amount.
    path = SAMPLES / "recurring.get.response.xml"
    status, out, err = run(capsys, "recur", path, "--input", "freshbooks", "--count", "3")
    assert (status, err) == (0, "")
    assert out == (
        "Template (CAD): dated 2007-06-23, due 2007-06-23; 2 years, 3 occurrences\n"
        "  #  invoice date    due date      total\n"
        "  1    2007-06-23  2007-06-23  CA$109.89\n"
        "  2    2009-06-23  2009-06-23  CA$109.89\n"
        "  3    2011-06-23  2011-06-23  CA$109.89\n"
    )
    status, out, err = run(capsys, "recur", path, "--input", "freshbooks")
    assert (status, out) == (2, "")
    assert "occurrences 0" in err
    status, out, err = run(
        capsys, "recur", path, "--input", "freshbooks", "--count", "3", "--frequency", "monthly"
    )
    assert (status, out) == (2, "")
    assert err == "invoicecalc: --frequency: the recurring profile recurs 2 years\n"
    # recurring.create: monthly, occurrences 1, GST + PST (simple in the account).
    status, out, err = run(
        capsys, "recur", SAMPLES / "recurring.create.request.xml", TAX_LIST,
        "--input", "freshbooks", "--output", "json",
    )  # fmt: skip
    assert (status, err) == (0, "")
    assert '"occurrence": 1' in out
    assert '"occurrence": 2' not in out
    assert '"terms_applied": false' in out
    status, out, err = run(
        capsys, "recur", SAMPLES / "recurring.create.request.xml", TAX_LIST,
        "--input", "freshbooks", "--count", "3",
    )  # fmt: skip
    assert (status, out) == (2, "")
    assert err == "invoicecalc: --count: the recurring profile makes 1 invoice (occurrences)\n"
    # A list: each profile, stopped ones said to be.
    status, out, _ = run(
        capsys, "recur", SAMPLES / "recurring.list.response.xml", "--input", "freshbooks",
        "--until", "2009-07-31",
    )  # fmt: skip
    assert status == 0
    assert out.count("monthly, 2 occurrences (stopped: FreshBooks makes no more)") == 2
    (profile,), array = freshbooks.read_recurring(path.read_bytes())
    assert (profile.frequency.value, profile.count, profile.stopped, array) == (
        "2 years",
        None,
        False,
        False,
    )


def test_taxes_read_with_their_compound_flag() -> None:
    assert freshbooks.read_taxes((SAMPLES / "tax.list.response.xml").read_bytes()) == (
        Tax("VAT", D(15), True),
        Tax("PST", D(7)),
        Tax("GST", D(5)),
    )
    assert freshbooks.read_taxes((SAMPLES / "tax.create.request.xml").read_bytes()) == (
        Tax("VAT", D(15), True),
    )
    (request,) = freshbooks.tax_create_requests(_lines(ONE, taxes=[Tax("VAT", D(15), True)]))
    assert freshbooks.read_taxes(request) == (Tax("VAT", D(15), True),)
    with pytest.raises(UnsupportedError, match="holds no taxes"):
        freshbooks.read_taxes(CAPTURED.read_bytes())


def response(lines: str, extra: str = "") -> str:
    """An invoice.get response around some ``<line>`` elements."""
    return (
        f'<response xmlns="http://www.freshbooks.com/api/" status="ok"><invoice>'
        f"<date>2024-05-01</date><currency_code>CAD</currency_code>{extra}"
        f"<lines>{lines}</lines></invoice></response>"
    )


def line(cost: str, tax1: str = "", tax2: str = "", **more: str) -> str:
    name1, _, rate1 = tax1.partition(" ")
    name2, _, rate2 = tax2.partition(" ")
    fields = {
        "unit_cost": cost,
        "quantity": "1",
        "tax1_name": name1,
        "tax1_percent": rate1,
        "tax2_name": name2,
        "tax2_percent": rate2,
        **more,
    }
    return "<line>" + "".join(f"<{k}>{v}</{k}>" for k, v in fields.items()) + "</line>"


def tax_list(*taxes: str) -> tuple[Tax, ...]:
    """A ``tax.list`` response of ``"NAME RATE"`` or ``"NAME RATE compound"``, read."""
    body = ""
    for text in taxes:
        name, rate, *flag = text.split()
        body += (
            f"<tax><name>{name}</name><rate>{rate}</rate>"
            f"<compound>{1 if flag else 0}</compound></tax>"
        )
    xml = (
        '<response xmlns="http://www.freshbooks.com/api/" status="ok">'
        f'<taxes page="1" per_page="10" pages="1" total="{len(taxes)}">{body}</taxes></response>'
    )
    return freshbooks.read_taxes(xml)


QUEBEC_ACCOUNT = tax_list("GST 5", "QST 9.975 compound")


def test_check_compares_each_line_amount_freshbooks_states(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # 3 x 12.50 = 37.50, stated 37.50; 1 x 10.00 = 10.00, stated 12.00. The invoice's
    # amount 49.50 agrees with the wrong line (37.50 + 12.00), not with the lines'
    # prices (47.50): only the line's own amount shows where the two part.
    xml = response(
        line("12.50", quantity="3", amount="37.50") + line("10.00", amount="12.00"),
        "<amount>49.50</amount>",
    )
    (entry,) = freshbooks.read(xml).entries
    assert entry.stated == (("lines[0].actual", 3750), ("lines[1].actual", 1200), ("total", 4950))
    path = tmp_path / "invoice.xml"
    path.write_text(xml)
    status, out, err = run(capsys, "check", path, "--input", "freshbooks", "--as-of", "2024-05-01")
    assert (status, err) == (1, "")
    assert "  lines[0].actual stated          37.50  computed          37.50  ok\n" in out
    assert "  lines[1].actual stated          12.00  computed          10.00  DIFFERS\n" in out
    assert "  total           stated          49.50  computed          47.50  DIFFERS\n" in out
    status, out, _ = run(
        capsys, "check", path, "--input", "freshbooks", "--as-of", "2024-05-01", "--explain"
    )
    assert "FreshBooks states lines[1].actual 12.00; the lines give 10.00" in out
    # A line amount is money in the invoice's currency, as the invoice's amount is.
    with pytest.raises(InvalidValueError, match=r"lines\[0\]\.amount: is finer than CAD"):
        freshbooks.read(response(line("1.005", amount="1.005")))


def test_compound_second_tax_is_the_accounts() -> None:
    # QST alone on line 1, then GST + QST: the account says QST compounds, so the order
    # puts GST first and QST is charged on it.
    xml = response(line("10.00", "QST 9.975") + line("100.00", "GST 5", "QST 9.975"))
    invoice = freshbooks.read(xml, taxes=QUEBEC_ACCOUNT).entries[0].invoice
    assert invoice.taxes == (Tax("GST", D(5)), Tax("QST", D("9.975"), True))
    totals = calculate(invoice, as_of=dt.date(2024, 5, 1))
    # GST 5.00; QST 9.975% of 10.00 + 9.975% of 105.00 = 0.9975 + 10.47375 = 11.47125 -> 11.47.
    assert [tax.amount for tax in totals.taxes] == [500, 1147]
    assert totals.total == 11000 + 500 + 1147
    # The same lines with a simple QST: 9.975% of 110.00 = 10.9725 -> 10.97.
    simple = freshbooks.read(xml, taxes=tax_list("GST 5", "QST 9.975")).entries[0].invoice
    totals = calculate(simple, as_of=dt.date(2024, 5, 1))
    assert {tax.name: tax.amount for tax in totals.taxes} == {"GST": 500, "QST": 1097}


def test_two_taxes_and_nothing_saying_whether_the_second_compounds_are_refused() -> None:
    xml = response(line("10.00", "GST 5") + line("100.00", "GST 5", "PST 8"))
    for taxes, said in [
        (None, "no tax list was given"),
        (tax_list("GST 5"), "the tax list does not name it"),
    ]:
        with pytest.raises(UnsupportedError, match=said) as caught:
            freshbooks.read(xml, taxes=taxes)
        assert (caught.value.field, caught.value.value) == ("invoice.lines[1].tax2_name", "PST")
    # One tax a line needs no account: it is charged on the line amount either way.
    one = freshbooks.read(response(line("10.00", "PST 8"))).entries[0].invoice
    assert one.taxes == (Tax("PST", D(8)),)
    # Only the second tax's flag counts: GST unknown first, PST known simple, reads.
    read = freshbooks.read(xml, taxes=tax_list("PST 8")).entries[0].invoice
    assert read.taxes == (Tax("GST", D(5)), Tax("PST", D(8)))


def test_a_rate_left_out_is_the_accounts() -> None:
    xml = response(line("100.00", "GST") + line("10.00", "GST 5"))
    invoice = freshbooks.read(xml, taxes=tax_list("GST 5")).entries[0].invoice
    assert invoice.taxes == (Tax("GST", D(5)),)
    with pytest.raises(UnsupportedError, match="no tax list given names it"):
        freshbooks.read(xml)


def test_a_compound_tax_first_on_a_line_goes_first() -> None:
    # PST is compound in the account; line 2 holds PST then GST, so PST comes first in the
    # list: then neither is charged on the other (a compound first tax is charged on the
    # line amount, as FreshBooks does).
    xml = response(line("10.00", "PST 8") + line("100.00", "PST 8", "GST 5"))
    invoice = freshbooks.read(xml, taxes=tax_list("PST 8 compound", "GST 5")).entries[0].invoice
    assert invoice.taxes == (Tax("PST", D(8), True), Tax("GST", D(5)))
    totals = calculate(invoice, as_of=dt.date(2024, 5, 1))
    # PST 8% of 10.00 + 100.00 = 8.80; GST 5% of 100.00 = 5.00.
    assert [tax.amount for tax in totals.taxes] == [880, 500]


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        # A then B, and B then A, both compound: no one order of taxes gives both.
        (line("1.00", "A 1", "B 2") + line("1.00", "B 2", "A 1"), "lines"),
        (line("1.00", "A 1") + line("1.00", "A 2"), "lines[1].tax1_percent"),
        (line("1.00", "A 1", "A 1"), "lines[0].tax2_name"),
        (line("1.00", "C"), "lines[0].tax1_percent"),
        (line("1.00", " 5"), "lines[0].tax1_name"),
        (line("1.00", compound_tax="1"), "lines[0].compound_tax"),
        (line("1.00", type="Expense"), "lines[0].type"),
        (line("1.00", "A -1"), "lines[0].tax1_percent"),
        (line("1.00", quantity="1e999999"), "lines[0].quantity"),
    ],
)
def test_lines_freshbooks_could_not_have_meant_are_refused(lines: str, field: str) -> None:
    with pytest.raises((UnsupportedError, InvalidValueError)) as caught:
        freshbooks.read(response(lines), taxes=tax_list("A 1 compound", "B 2 compound"))
    assert caught.value.field == f"invoice.{field}"


def test_the_line_element_compound_tax_is_not_freshbooks() -> None:
    # Earlier versions wrote <compound_tax>; no FreshBooks sample or client has it.
    with pytest.raises(UnsupportedError, match=r"tax\.list") as caught:
        freshbooks.read(response(line("1.00", "GST 5", "QST 9.975", compound_tax="1")))
    assert caught.value.field == "invoice.lines[0].compound_tax"


def test_structure_freshbooks_never_sends_is_refused() -> None:
    cases = {
        response(line("1.00"), "<amount>1</amount><amount>2</amount>"): "invoice.amount",
        response(line("1.00")).replace("<date>2024-05-01</date>", ""): "invoice.date",
        response(line("1.00")).replace("2024-05-01", "2024-05-01 25:00:00"): "invoice.date",
        response(line("1.00")).replace("2024-05-01", "01/05/2024"): "invoice.date",
        response(line("1.00")).replace("CAD", "cad"): "invoice.currency_code",
        response(line("1.00"), "<paid>1.001</paid>"): "invoice.paid",
        response(line("1.00"), "<discount>101</discount>"): "invoice.discount",
        response(line("1.00"), "<notes><b>bold</b></notes>"): "invoice.notes",
        response(line("1.00")).replace('status="ok"', 'status="maybe"'): "response",
        "<invoice/>": "document",
        '<response xmlns="urn:other" status="ok"/>': "",  # the whole file
        '<request method="invoice.create"/>': "invoice",
    }
    for xml, field in cases.items():
        with pytest.raises((ParseError, InvalidValueError, UnsupportedError)) as caught:
            freshbooks.read(xml)
        assert caught.value.field == field, xml


def test_freshbooks_defaults_apply_to_what_a_document_leaves_out() -> None:
    # No quantity: FreshBooks' default is 0, not the engine's 1. No type: Item.
    xml = response("<line><unit_cost>5</unit_cost></line>", "<number>7</number>")
    (entry,) = freshbooks.read(xml).entries
    (read_line,) = entry.invoice.lines
    assert (read_line.quantity, read_line.kind, read_line.unit_price) == (
        0,
        LineKind.CUSTOM,
        USD.price("5.00"),
    )
    assert entry.stated == ()  # a document stating no amount states no totals
    assert (entry.invoice.number, entry.invoice.po_number, entry.invoice.terms) == ("7", None, None)


def test_fail_response_carries_freshbooks_message_and_code(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    xml = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<response xmlns="http://www.freshbooks.com/api/" status="fail">\n'
        "  <error>Invoice not found.</error>\n"
        "  <code>50010</code>\n"
        "  <field>invoice_id</field>\n"
        "</response>\n"
    )
    with pytest.raises(VendorError) as caught:
        freshbooks.read(xml)
    assert (caught.value.vendor, caught.value.code) == ("FreshBooks", "50010")
    assert caught.value.message == "invoice_id: Invoice not found."
    path = tmp_path / "fail.xml"
    path.write_text(xml)
    status, out, err = run(capsys, "check", path, "--input", "freshbooks")
    assert (status, out) == (2, "")
    assert (
        err
        == f"invoicecalc: {path}: FreshBooks says: invoice_id: Invoice not found. (code 50010)\n"
    )


# -- hostile XML -------------------------------------------------------------------

LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    '<response status="ok"><invoice><notes>&lol3;</notes></invoice></response>'
)
QUADRATIC = (
    f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "{"x" * 10_000}">]>'
    f'<response status="ok"><invoice><notes>{"&a;" * 1000}</notes></invoice></response>'
)
XXE = (
    '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    '<response status="ok"><invoice><notes>&xxe;</notes></invoice></response>'
)
EXTERNAL_DTD = (
    '<?xml version="1.0"?><!DOCTYPE r SYSTEM "http://example.com/r.dtd"><response status="ok"/>'
)
HOSTILE = {
    "billion-laughs": (LAUGHS, ParseError, "unsafe XML"),
    "quadratic": (QUADRATIC, ParseError, "unsafe XML"),
    "xxe": (XXE, ParseError, "unsafe XML"),
    "external-dtd": (EXTERNAL_DTD, ParseError, "unsafe XML"),
    "huge-number": (response(line("1e999999")), InvalidValueError, "out of the supported range"),
    "huge-amount": (
        response(line("1.00"), "<amount>1e999999</amount>"),
        InvalidValueError,
        "range",
    ),
    "control-reference": (
        response(line("1.00"), "<notes>a&#1;b</notes>"),
        ParseError,
        "well-formed",
    ),
    "control-byte": (response(line("1.00"), "<notes>a\x01b</notes>"), ParseError, "well-formed"),
    "not-xml": ("<response", ParseError, "well-formed"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_xml_is_refused(
    name: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    xml, error, message = HOSTILE[name]
    with pytest.raises(error, match=message):
        freshbooks.read(xml)
    path = tmp_path / f"{name}.xml"
    path.write_bytes(xml.encode())
    for command in ("preview", "check"):
        status, out, err = run(
            capsys, command, path, "--input", "freshbooks", "--as-of", "2024-05-01"
        )
        assert (status, out) == (2, "")
        assert err.startswith(f"invoicecalc: {path}: ")
        assert err.count("\n") == 1
        assert "Traceback" not in err


def test_text_xml_cannot_carry_is_refused_when_writing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = _lines(LineItem(title="tab\tok but \x01 not", unit_price=USD.price("1.00")))
    with pytest.raises(InvalidValueError, match="XML cannot carry"):
        get_response(bad, as_of=dt.date(2024, 5, 1))
    path = tmp_path / "bad.json"
    path.write_text(
        '{"currency": "USD", "invoice_date": "2024-05-01", "due_date": "2024-05-01",'
        ' "lines": [{"title": "a\\u0001b", "unit_price": "1.00"}]}'
    )
    for output in ("freshbooks-xml", "freshbooks-create-xml"):
        status, out, err = run(capsys, "preview", path, "--output", output, "--as-of", "2024-05-01")
        assert (status, out) == (2, "")
        assert "XML cannot carry" in err


def test_text_survives_exactly() -> None:
    # A carriage return, surrounding spaces and markup characters all come back as written.
    invoice = _lines(
        LineItem(title="  <b>&amp;\r\n </b>", description="x\ry", unit_price=USD.price("1.00")),
        notes=" a\tb ",
        number="",
    )
    xml = get_response(invoice, as_of=dt.date(2024, 5, 1))
    assert "&#13;" in xml
    back = freshbooks.read(xml).entries[0].invoice
    assert (back.lines[0].title, back.lines[0].description) == ("  <b>&amp;\r\n </b>", "x\ry")
    assert (back.notes, back.number) == (" a\tb ", "")


# -- command line --------------------------------------------------------------------


def test_cli_writes_freshbooks_xml(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    one = tmp_path / "one.json"
    one.write_text(
        '{"currency": "EUR", "invoice_date": "2013-11-14", "due_date": "2013-11-14",'
        ' "lines": [{"title": "Catering", "unit_price": "15.00", "taxes": ["IVA"]},'
        ' {"title": "Room hire", "unit_price": "34.00", "taxable": false}],'
        ' "taxes": [{"name": "IVA", "rate": "16"}], "discount_percentage": "25",'
        ' "payments": [{"date": "2013-11-15", "amount": "2.00"}]}'
    )
    status, out, _ = run(
        capsys, "preview", one, "--output", "freshbooks-xml", "--as-of", "2013-11-20"
    )
    assert status == 0
    assert out == (GOLDEN / "spec-example.get.xml").read_text()
    status, out, _ = run(
        capsys, "preview", one, one, "--output", "freshbooks-xml", "--as-of", "2013-11-20"
    )
    assert status == 0
    listing = ET.fromstring(out).find(f"{NS}invoices")
    assert listing is not None
    assert len(listing) == 2
    # invoice.create carries no payments, and one invoice per request.
    status, out, err = run(
        capsys, "preview", one, "--output", "freshbooks-create-xml", "--as-of", "2013-11-20"
    )
    assert (status, out) == (2, "")
    assert "payments" in err
    text = one.read_text().replace(', "payments": [{"date": "2013-11-15", "amount": "2.00"}]', "")
    one.write_text(text)
    status, out, _ = run(
        capsys, "preview", one, "--output", "freshbooks-create-xml", "--as-of", "2013-11-20"
    )
    assert status == 0
    assert ET.fromstring(out).get("method") == "invoice.create"
    status, out, err = run(
        capsys, "preview", one, one, "--output", "freshbooks-create-xml", "--as-of", "2013-11-20"
    )
    assert (status, out) == (2, "")
    assert "one invoice per request" in err
    # Refused concepts exit 2 naming the concept.
    one.write_text(text.replace('"title": "Catering",', '"title": "Catering", "quantity_low": 1,'))
    status, out, err = run(
        capsys, "preview", one, "--output", "freshbooks-xml", "--as-of", "2013-11-20"
    )
    assert (status, out) == (2, "")
    assert "lines[0].quantity_low" in err


def test_cli_reads_freshbooks(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys,
        "preview",
        SAMPLES / "invoice.list.response.xml",
        TAX_LIST,
        "--input",
        "freshbooks",
        "--output",
        "json",
        "--as-of",
        "2024-01-01",
    )
    assert status == 0
    assert out.startswith("[")  # a list reads as an array


# -- properties ---------------------------------------------------------------------


def _expressible(invoice: Invoice) -> Invoice:
    """What FreshBooks can express of a generated invoice (the strategy does the rest).

    Taxes no line carries are dropped (FreshBooks has taxes only on lines), a
    tax-free invoice's lines are taxable (it has no taxable flag), and the due
    date is the invoice date (FreshBooks 2.1 has none).
    """
    used = {name for entry in invoice.lines for name in _carried(invoice, entry)}
    taxes = tuple(tax for tax in invoice.taxes if tax.name in used)
    lines = (
        invoice.lines
        if taxes
        else tuple(attrs.evolve(item, taxable=True) for item in invoice.lines)
    )
    return attrs.evolve(invoice, taxes=taxes, lines=lines, due_date=invoice.invoice_date)


def _carried(invoice: Invoice, item: LineItem) -> tuple[str, ...]:
    if not item.taxable:
        return ()
    return tuple(sorted(item.taxes or (tax.name for tax in invoice.taxes)))


def _canonical(invoice: Invoice) -> Invoice:
    """Tax order is not carried (docs): compare taxes by name, lines by what they carry."""
    lines = tuple(attrs.evolve(item, taxes=_carried(invoice, item)) for item in invoice.lines)
    return attrs.evolve(invoice, taxes=sorted(invoice.taxes, key=lambda tax: tax.name), lines=lines)


def _by_name(totals: Totals) -> Totals:
    order = sorted(range(len(totals.invoice_taxes)), key=lambda j: totals.invoice_taxes[j].name)
    return attrs.evolve(
        totals,
        invoice_taxes=tuple(totals.invoice_taxes[j] for j in order),
        tax_amounts=tuple(totals.tax_amounts[j] for j in order),
        tax_bases=tuple(totals.tax_bases[j] for j in order),
    )


EXPRESSIBLE = invoices(
    **V1_ONLY,
    kinds=(LineKind.CUSTOM, LineKind.TASK),
    max_taxes=2,
    markup=False,
    flat_fees=False,
    early=False,
    late=False,
    payments=False,
    policy=freshbooks.POLICY,
).map(_expressible)


@given(st.data())
def test_round_trip_gives_the_same_invoice_and_totals(data: st.DataObject) -> None:
    # Every exponent (JPY, USD, BHD, CLF), unit prices finer than the currency included.
    invoice = data.draw(EXPRESSIBLE)
    as_of = data.draw(as_of_dates(invoice))
    xml = get_response(invoice, as_of=as_of)
    assert get_response(invoice, as_of=as_of) == xml  # deterministic
    account = account_of(invoice)
    back = freshbooks.read(xml, taxes=account).entries[0].invoice
    assert _canonical(back) == _canonical(invoice)
    assert _by_name(calculate(back, as_of=as_of)) == _by_name(calculate(invoice, as_of=as_of))
    # Once read, writing is a fixed point, byte for byte.
    again = get_response(back, as_of=as_of)
    assert (
        get_response(freshbooks.read(again, taxes=account).entries[0].invoice, as_of=as_of) == again
    )
    request = freshbooks.invoice_create_request(invoice, as_of=as_of)
    assert _canonical(freshbooks.read(request, taxes=account).entries[0].invoice) == _canonical(
        invoice
    )


#: The v2 features FreshBooks expresses (line discounts as lines of their own, selective
#: compounding where the line's first tax is among the names, fine unit costs), under its
#: arithmetic; the others are refused by name and drawn by ``invoices()`` above.
FRESHBOOKS_V2 = invoices(
    max_taxes=2,
    markup=False,
    policy=freshbooks.POLICY,
    tax_inclusive=False,
    withholding=False,
    discount_amount=False,
    home_currency=False,
    cash_rounding=False,
)


def _tax_amounts(totals: Totals) -> list[tuple[str, Decimal, int, int]]:
    """Each tax's name, rate, base and amount (FreshBooks' compound flag is 0 or 1, so a
    selective compound tax reads back as compound: the amounts are what must agree)."""
    return sorted((tax.name, tax.rate, tax.base, tax.amount) for tax in totals.taxes)


@given(st.data())
def test_any_invoice_is_written_exactly_or_refused(data: st.DataObject) -> None:
    # Every v2 feature on, every exponent: read(write(invoice)) with the account's taxes
    # gives the same totals, or write refuses naming the concept.
    invoice = data.draw(st.one_of(invoices(), FRESHBOOKS_V2))
    as_of = data.draw(as_of_dates(invoice))
    totals = calculate(invoice, as_of=as_of)
    try:
        xml = get_response(invoice, as_of=as_of)
        account = account_of(invoice)
    except UnsupportedError as refused:
        named = refused.field
    else:
        named = None
    if named is not None:
        assert named  # a refusal names the concept
        return
    entry = freshbooks.read(xml, taxes=account).entries[0]
    stated = {
        "total": totals.total,
        "payment_total": totals.payment_total,
        "balance": totals.balance,
    }
    assert {key: value for key, value in entry.stated if not key.startswith("lines[")} == stated
    again = calculate(entry.invoice, as_of=max(as_of, invoice.invoice_date))
    assert {key: getattr(again, key) for key in stated} == stated
    # Each written line states its amount, and the line read back makes it.
    assert [key for key, _ in entry.stated][: len(again.lines)] == [
        f"lines[{index}].actual" for index in range(len(again.lines))
    ]
    assert all(value == computed for _, value, computed in entry.compared(again))
    # Lines may be split (a flat fee, a line's own discount) and a late-fee line added:
    # the sums stay.
    assert again.item_actual == totals.item_actual - totals.line_discount + totals.late_fee
    assert again.subtotal == totals.subtotal + totals.late_fee
    assert again.discount == totals.discount
    assert _tax_amounts(again) == _tax_amounts(totals)


def test_a_product_line_is_an_item_and_reads_back_as_custom() -> None:
    # FreshBooks sells products as Items; the kind changes no amount: 2 x 5.00 = 10.00.
    invoice = _lines(LineItem(LineKind.PRODUCT, quantity=D(2), unit_price=USD.price("5.00")))
    text = freshbooks.write([(Entry(invoice), calculate(invoice, as_of=invoice.invoice_date))])
    assert "<type>Item</type>" in text
    (entry,) = freshbooks.read(text).entries
    assert entry.invoice.lines[0].kind is LineKind.CUSTOM
    assert dict(entry.stated)["total"] == 1000


# -- what would drop or double an amount without a word -------------------------------------


def _quebec_xml() -> str:
    """The golden Quebec invoice.get response (three lines, stated amount 252.93)."""
    return (GOLDEN / "quebec-2012.get.xml").read_text()


def _read_quebec(xml: str) -> object:
    return freshbooks.read(xml, taxes=freshbooks.read_taxes(
        (GOLDEN / "quebec-2012.tax.list.xml").read_text()))  # fmt: skip


def test_a_deleted_invoice_is_refused_not_counted() -> None:
    """invoice.list takes folder=deleted; such an invoice was read as any other."""
    deleted = response(line("100"), "<folder>deleted</folder>")
    with pytest.raises(UnsupportedError) as raised:
        freshbooks.read(deleted)
    assert (raised.value.field, raised.value.value) == ("invoice.folder", "deleted")
    assert raised.value.problem == "a deleted invoice is not read"
    for folder in ("active", "archived"):  # still owed: read
        (entry,) = freshbooks.read(response(line("100"), f"<folder>{folder}</folder>")).entries
        assert entry.invoice.lines[0].unit_price == Currency("CAD").price("100")


def test_a_line_given_twice_is_refused_not_counted_twice() -> None:
    xml = _quebec_xml()
    first = xml[xml.index("<line>") : xml.index("</line>") + len("</line>")]
    assert "<line_id>1</line_id>" in first
    doubled = xml.replace(first, first + first, 1)  # 477.14 was computed, 252.93 stated
    with pytest.raises(InvalidValueError) as raised:
        _read_quebec(doubled)
    assert raised.value.field == "invoice.lines[1].line_id"
    assert raised.value.problem == "names a line read before"


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        # A <Line> is no <line>: it was read as nothing, 252.93 becoming 224.20.
        ("<line>", "<Line>", "invoice.lines.Line"),
    ],
)
def test_an_element_that_is_not_a_line_is_refused_not_dropped(
    old: str, new: str, field: str
) -> None:
    xml = _quebec_xml()
    end = xml.index("</line>")
    changed = xml[: xml.index(old)] + new + xml[xml.index(old) + len(old) : end] + "</Line>"
    changed += xml[end + len("</line>") :]
    with pytest.raises(InvalidValueError) as raised:
        _read_quebec(changed)
    assert raised.value.field == field


def test_an_invoice_list_holds_invoices_only() -> None:
    xml = (SAMPLES / "invoice.list.response.xml").read_text()
    changed = xml.replace("</invoices>", "<invoicee><amount>5</amount></invoicee></invoices>")
    with pytest.raises(InvalidValueError) as raised:
        freshbooks.read(changed)
    assert raised.value.field == "invoices.invoicee"
    both = _quebec_xml().replace("</response>", "<invoices></invoices></response>")
    with pytest.raises(InvalidValueError, match="cannot be given beside a <invoice>"):
        _read_quebec(both)


def test_an_invoice_stating_an_amount_without_lines_is_refused() -> None:
    """It read as 0.00 total, 0.00 balance: only check said anything."""
    xml = _quebec_xml()
    cut = xml[: xml.index("<lines>")] + xml[xml.index("</lines>") + len("</lines>") :]
    with pytest.raises(ParseError) as raised:
        _read_quebec(cut)
    assert raised.value.field == "invoice.lines"
    assert "the invoice states an amount of 252.93" in raised.value.problem
    zero = cut.replace("<amount>252.93</amount>", "<amount>0</amount>", 1)
    assert _read_quebec(zero).entries[0].invoice.lines == ()  # type: ignore[attr-defined]


def test_a_tax_list_disagreeing_with_an_earlier_one_names_its_own_tax() -> None:
    """The index counted across the files: the second file's first tax was taxes[3]."""
    tax_list = (GOLDEN / "quebec-2012.tax.list.xml").read_text()
    other = tax_list.replace("<rate>13</rate>", "<rate>15</rate>")  # HST, its taxes[0]
    with pytest.raises(InvalidValueError) as raised:
        freshbooks.split_files([("a.xml", tax_list), ("b.xml", other)])
    assert (raised.value.field, raised.value.value) == ("taxes[0]", "HST")
    taxes, rest = freshbooks.split_files([("a.xml", tax_list), ("b.xml", tax_list)])
    assert taxes is not None
    assert (len(taxes), rest) == (6, [])


@pytest.mark.parametrize(
    ("extra", "tag", "beside"),
    [
        # An estimate of 7.00 beside the 5.00 invoice: read as one invoice of 5.00.
        (
            "<estimate><date>2024-05-01</date><lines><line><unit_cost>7</unit_cost>"
            "<quantity>1</quantity></line></lines></estimate>",
            "estimate",
            "invoice",
        ),
        ("<estimates></estimates>", "estimates", "invoice"),
        # A payment of 5.00 beside it: the invoice read as 5.00 owed, its payment dropped.
        ("<payment><amount>5</amount></payment>", "payment", "invoice"),
        ("<recurring><frequency>m</frequency></recurring>", "recurring", "invoice"),
    ],
)
def test_a_second_record_beside_an_invoice_is_refused_not_dropped(
    extra: str, tag: str, beside: str
) -> None:
    """A FreshBooks response holds one record (every sample of its documentation holds
    one element): a second one beside the invoice was not read, and the invoice alone
    was (5.00 owed, whatever the estimate, payment or profile beside it said)."""
    xml = response(line("5")).replace("</response>", extra + "</response>")
    with pytest.raises(InvalidValueError) as raised:
        freshbooks.read(xml)
    assert (raised.value.field, raised.value.value) == (tag, tag)
    assert raised.value.problem == f"cannot be given beside a <{beside}>"
    request = (
        '<request method="invoice.create"><invoice><date>2024-05-01</date></invoice>'
        f"{extra}</request>"
    )
    with pytest.raises(InvalidValueError, match=f"cannot be given beside a <{beside}>"):
        freshbooks.read(request)


def test_an_invoice_beside_a_tax_list_is_refused_not_dropped() -> None:
    """A response holding taxes is read as the account's tax list: an invoice beside them
    was dropped (read alone, "holds only tax lists"; beside another invoice file, the
    other file's invoice was all the command line showed)."""
    taxes = "<taxes><tax><name>GST</name><rate>5</rate><compound>0</compound></tax></taxes>"
    xml = response(line("5")).replace("</response>", taxes + "</response>")
    with pytest.raises(InvalidValueError) as raised:
        freshbooks.read_taxes(xml)
    assert (raised.value.field, raised.value.problem) == (
        "invoice",
        "cannot be given beside a <taxes>",
    )
    with pytest.raises(InvalidValueError, match="cannot be given beside a <taxes>"):
        freshbooks.read_files([("both.xml", xml), ("other.xml", response(line("7")))])
    request = '<request method="tax.create"><tax><name>GST</name></tax><invoice/></request>'
    with pytest.raises(InvalidValueError, match="cannot be given beside a <tax>"):
        freshbooks.read_taxes(request)


def _stated(amount: str, outstanding: str) -> str:
    """A 10.00 USD invoice (1 x 10.00, no tax) stating ``amount`` and
    ``amount_outstanding`` and no ``paid``."""
    xml = get_response(_lines(LineItem(unit_price=USD.price("10.00"))), as_of=dt.date(2024, 5, 1))
    xml = re.sub(r"<amount>[^<]*</amount>", f"<amount>{amount}</amount>", xml, count=1)
    xml = re.sub(r"<paid>[^<]*</paid>", "", xml)
    return re.sub(
        r"<amount_outstanding>[^<]*</amount_outstanding>",
        f"<amount_outstanding>{outstanding}</amount_outstanding>",
        xml,
    )


def test_an_outstanding_amount_above_the_invoice_amount_is_refused_without_paid() -> None:
    """Without ``paid``, the payment is amount - amount_outstanding: 10.00 - 15.00 would be
    a payment of -5.00, money paid out on a sale, which nothing in the document says;
    it was read as such a payment (balance 15.00). An overpayment (outstanding -2.00:
    12.00 received) and a credit note's part refunded (-10.00 outstanding -4.00: -6.00
    paid out) are payments of the invoice's own sign, and read."""
    with pytest.raises(InvalidValueError) as raised:
        freshbooks.read(_stated("10.00", "15.00"))
    assert raised.value.field == "invoice.amount_outstanding"
    assert raised.value.value == "15.00"
    assert raised.value.problem == (
        "leaves a payment of the other sign than amount (10.00), and no paid says so"
    )
    over = freshbooks.read(_stated("10.00", "-2.00")).entries[0].invoice
    assert [int(p.amount) for p in over.payments] == [1200]
    refund = freshbooks.read(_stated("-10.00", "-4.00")).entries[0].invoice
    assert [int(p.amount) for p in refund.payments] == [-600]
