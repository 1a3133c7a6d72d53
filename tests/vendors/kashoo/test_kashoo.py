"""Kashoo / TrulySmall records: golden output, int64 bounds, reading, round trips, CLI.

Every expected amount is worked by hand in the comment beside it, in minor units.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from invoicecalc import (
    Amount,
    Currency,
    DiscountBase,
    Invoice,
    LineItem,
    LineKind,
    Payment,
    Policy,
    Tax,
    TaxRounding,
    Totals,
    calculate,
)
from invoicecalc._cli import main
from invoicecalc.document import Entry
from invoicecalc.errors import (
    InvalidTypeError,
    InvalidValueError,
    InvoiceCalcError,
    ParseError,
    UnsupportedError,
)
from invoicecalc.testing import as_of_dates, invoices
from invoicecalc.vendors import kashoo
from invoicecalc.vendors.kashoo._schema import (
    ALLOCATION,
    INVOICE,
    LINE,
    PAYMENT,
    TAX,
    TAX_AMOUNT,
)

D = Decimal
USD, JPY, BHD = Currency("USD"), Currency("JPY"), Currency("BHD")
GOLDEN = Path(__file__).parents[2] / "golden" / "kashoo"
DOCS = Path(__file__).parents[3] / "docs" / "vendors.md"
MARCH_1, MARCH_31, MARCH_20 = dt.date(2024, 3, 1), dt.date(2024, 3, 31), dt.date(2024, 3, 20)
INT64_MAX = 2**63 - 1


def results(*items: tuple[Invoice, dt.date]) -> list[tuple[Entry, Totals]]:
    """What ``invoicecalc preview`` gives ``write``: each invoice with its totals on its as-of."""
    return [(Entry(invoice), calculate(invoice, as_of=as_of)) for invoice, as_of in items]


def record_of(invoice: Invoice, as_of: dt.date = MARCH_20, **kwargs: Any) -> dict[str, Any]:
    text = kashoo.write(results((invoice, as_of)), **kwargs)
    parsed: dict[str, Any] = json.loads(text, parse_float=Decimal)
    return parsed


def dumps(value: object) -> str:
    """JSON text with every ``Decimal`` written as the exact JSON number it is."""
    text = json.dumps(value, default=lambda number: f"@@{number}@@")
    return re.sub(r'"@@(.*?)@@"', r"\1", text)


def minimal(**changes: Any) -> dict[str, Any]:
    """A small valid record (one 12.50 USD line) with ``changes`` applied (None removes)."""
    record: dict[str, Any] = {
        "type": "INVOICE",
        "currency": "USD",
        "date": "2024-03-01",
        "dueDate": "2024-03-31",
        "lineItems": [{"name": "Work", "quantity": 1, "rate": D("12.5"), "amount": 1250}],
        "totalDue": 1250,
    }
    record.update(changes)
    return {key: value for key, value in record.items() if value is not None}


def read_one(record: object) -> Any:
    return kashoo.read(dumps(record)).entries[0]


# -- golden files (through the command line) ----------------------------------------------
#
# usd_home_cad: Design 2.5 x 80.00 = 20000; Hosting 1 x 19.99 = 1999 (untaxed);
#   Paper 3 x 0.125 = 0.375 -> round half up 38. totalBeforeTaxes 20000 + 1999 + 38 = 22037.
#   GST 5% of the taxed 20000 + 38 = 20038 -> 1001.9 -> 1002. totalDue 22037 + 1002 = 23039;
#   paid 10000 on 2024-03-15, balance 13039. totalLocalDue: 230.39 USD x 1.3512 = 311.302968 CAD
#   -> 311.30 -> 31130.
# jpy_home_bhd: 3 x 4115 = 12345 JPY; tax 10% = 1234.5 -> 1235; totalDue 13580.
#   totalLocalDue: 13580 x 0.00251 = 34.0858 BHD -> 3 places, half up -> 34.086 -> 34086 fils.
#   Formatted for ja_JP: "\uffe513,580" (fullwidth yen).
# bhd_compound: Rental 1.5 x 2.345 = 3.5175 -> 3518 fils; Fuel 0.75 x 0.400 = 300 (VAT only).
#   VAT 10% of 3818 = 381.8 -> 382; Levy 2% compound on Rental only: (3518 + 351.8) x 0.02
#   = 77.396 -> 77. totalDue 3818 + 382 + 77 = 4277; paid 4277 -> balance 0, paid true.
#   Formatted for de_DE: "4,277\u00a0BHD".
# mapped_usd: Design 10 x 50.00 = 50000, markup 10% = 5000 (its own line); Setup flat fee
#   15000 (untaxed, its own line). Tax 8% of 55000 = 4400. Post-tax discount 10% of
#   (70000 + 4400) = 7440 (an untaxed -74.40 line). Before fees 70000 - 7440 + 4400 = 66960.
#   Late fee 2% per 30 days from 2024-01-31: one boundary (2024-03-01) by 2024-03-05, with
#   66960 - 20000 paid = 46960 outstanding -> 939.2 -> 939 (an untaxed line).
#   totalBeforeTaxes 50000 + 5000 + 15000 - 7440 + 939 = 63499; totalDue 63499 + 4400 = 67899;
#   balance 67899 - 20000 = 47899.
GOLDEN_CASES = {
    "usd_home_cad": ["--home-currency", "CAD", "--exchange-rate", "1.3512"],
    "jpy_home_bhd": ["--home-currency", "BHD", "--exchange-rate", "0.00251", "--locale", "ja_JP"],
    "bhd_compound": ["--locale", "de_DE"],
    "mapped_usd": [],
}


@pytest.mark.parametrize("name", sorted(GOLDEN_CASES))
def test_golden_output(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    source = str(GOLDEN / f"{name}.input.json")
    status = main(["preview", source, "--output", "kashoo-json", *GOLDEN_CASES[name]])
    out, err = capsys.readouterr()
    assert (status, err) == (0, "")
    assert out == (GOLDEN / f"{name}.kashoo.json").read_text()


@pytest.mark.parametrize("name", sorted(GOLDEN_CASES))
def test_golden_files_read_back_and_check(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    as_of = json.loads((GOLDEN / f"{name}.input.json").read_text())["as_of"]
    status = main(
        ["check", str(GOLDEN / f"{name}.kashoo.json"), "--input", "kashoo", "--as-of", as_of]
    )
    out = capsys.readouterr().out
    assert status == 0, out
    assert "DIFFERS" not in out
    assert re.search(r"total +stated", out)


def test_golden_amounts_parse_with_the_standard_library() -> None:
    record = json.loads((GOLDEN / "usd_home_cad.kashoo.json").read_text())
    amounts = [record[key] for key in ("totalDue", "balanceDue", "totalPaid", "totalLocalDue")]
    assert amounts == [23039, 13039, 10000, 31130]
    assert all(type(amount) is int for amount in amounts)


# -- writing --------------------------------------------------------------------------------


def test_library_record_matches_the_worked_example() -> None:
    # 2 x 19.99 = 3998, tax 8.25% = 329.835 -> 330, total 4328.
    invoice = Invoice(
        USD, MARCH_1, MARCH_31, lines=[LineItem(quantity=D(2), unit_price=USD.price("19.99"))],
        taxes=[Tax("Sales tax", D("8.25"))], number="7",
    )  # fmt: skip
    record = kashoo.invoice_record(invoice, as_of=MARCH_20, locale="fr_CA")
    assert (record["totalBeforeTaxes"], record["taxAmounts"][0]["amount"]) == (3998, 330)
    assert (record["totalDue"], record["balanceDue"], record["totalPaid"]) == (4328, 4328, 0)
    assert record["totalDueFormatted"] == "43,28\xa0$\xa0US"
    assert record["lineItems"][0]["rate"] == D("19.99")
    assert "homeCurrency" not in record
    assert "totalLocalDue" not in record


@pytest.mark.parametrize(
    ("minor", "currency", "home", "rate", "local"),
    [
        (10825, USD, "CAD", "1.3512", 14627),  # 108.25 x 1.3512 = 146.2674 -> 146.27
        (-10825, USD, "CAD", "1.3512", -14627),  # half up is half away from zero
        (5, USD, "JPY", "150.1", 8),  # 0.05 x 150.1 = 7.505 yen -> 8
        (1, USD, "JPY", "50", 1),  # 0.01 x 50 = 0.5 yen -> 1 (a tie rounds up)
        (12345, JPY, "BHD", "0.00251", 30986),  # 30.98595 BHD -> 30.986
        (1250, BHD, "USD", "2.65", 331),  # 1.250 x 2.65 = 3.3125 -> 3.31
    ],
)
def test_total_local_due_conversion(
    minor: int, currency: Currency, home: str, rate: str, local: int
) -> None:
    assert kashoo.Exchange.parse(home, rate).convert(minor, currency) == local


@pytest.mark.parametrize(
    ("home", "rate", "field"),
    [("cad", "1.3", "home_currency"), ("CAD", "0", "exchange_rate"), ("CAD", "-1", "exchange_rate"),
     ("CAD", "NaN", "exchange_rate"), ("CAD", 1.3, "exchange_rate")],
)  # fmt: skip
def test_exchange_refuses_bad_options(home: str, rate: object, field: str) -> None:
    with pytest.raises((InvalidValueError, InvalidTypeError)) as caught:
        kashoo.Exchange.parse(home, rate)
    assert caught.value.field == field


def test_one_rate_for_one_currency() -> None:
    usd = Invoice(USD, MARCH_1, MARCH_31)
    with pytest.raises(InvalidValueError, match="1 when the home currency") as caught:
        kashoo.write(results((usd, MARCH_20)), exchange=kashoo.Exchange.parse("USD", "2"))
    assert caught.value.field == "exchange_rate"
    record = record_of(usd, exchange=kashoo.Exchange.parse("USD", "1"))
    assert (record["homeCurrency"], record["totalLocalDue"]) == ("USD", 0)
    jpy = Invoice(JPY, MARCH_1, MARCH_31)
    with pytest.raises(InvalidValueError, match="JPY and USD"):
        kashoo.write(
            results((usd, MARCH_20), (jpy, MARCH_20)), array=True,
            exchange=kashoo.Exchange.parse("CAD", "1"),
        )  # fmt: skip


def test_unknown_locale_is_refused() -> None:
    with pytest.raises(InvalidValueError) as caught:
        record_of(Invoice(USD, MARCH_1, MARCH_31), locale="xx_NOWHERE")
    assert caught.value.field == "locale"


def test_quantity_ranges_and_kinds_are_carried() -> None:
    line = LineItem(
        kind=LineKind.PRODUCT, quantity=D(4), quantity_low=D(3), quantity_high=D("5.5"),
        unit_price=USD.price("1.00"),
    )  # fmt: skip
    invoice = Invoice(USD, MARCH_1, MARCH_31, lines=[line])
    written = record_of(invoice)["lineItems"][0]
    assert (written["kind"], written["quantityLow"], written["quantityHigh"]) == (
        "product",
        3,
        D("5.5"),
    )
    assert read_one(record_of(invoice)).invoice == invoice


def test_a_tax_named_as_others_joined_is_refused_not_a_traceback() -> None:
    """Taxes A, B and "A+B": a line carrying A and B would be written taxCode "A+B",
    which reads back as the one tax "A+B". The writer raised StopIteration looking
    for a carried name holding "+", and canonical() took the invoice."""
    taxes = [Tax("A", D(1)), Tax("B", D(2)), Tax("A+B", D(50))]
    lines = [
        LineItem(unit_price=USD.price("100"), taxes=["A", "B"]),
        LineItem(unit_price=USD.price("100"), taxes=["A+B"]),
    ]
    invoice = Invoice(USD, MARCH_1, MARCH_31, lines=lines, taxes=taxes)
    for write in (record_of, lambda invoice: kashoo.canonical(invoice, as_of=MARCH_20)):
        with pytest.raises(UnsupportedError, match="would read as other taxes") as caught:
            write(invoice)
        assert (caught.value.field, caught.value.value) == ("taxes[2].name", "A+B")
    # A name holding "+" is written when no line's code can be taken for it.
    alone = attrs.evolve(invoice, lines=lines[1:])
    assert record_of(alone)["lineItems"][0]["taxCode"] == "A+B"
    assert read_one(record_of(alone)).invoice.lines[0].taxes == ("A+B",)


def test_reminders_are_refused() -> None:
    invoice = Invoice(USD, MARCH_1, MARCH_31, pre_reminder_in_days=3)
    with pytest.raises(UnsupportedError, match="no reminders") as caught:
        record_of(invoice)
    assert caught.value.field == "pre_reminder_in_days"


def test_pre_tax_discount_becomes_taxed_negative_lines_when_exact() -> None:
    # 100.00 taxed at 5% and 50.00 untaxed, 10% off before tax:
    # engine: discount round(15000 x 0.1) = 1500, tax round(10000 x 0.9 x 0.05) = 450,
    # total 15000 - 1500 + 450 = 13950. Kashoo: -10.00 taxed and -5.00 untaxed lines,
    # tax 5% of (10000 - 1000) = 450, total 15000 - 1500 + 450 = 13950.
    invoice = Invoice(
        USD, MARCH_1, MARCH_31, lines=[LineItem(unit_price=USD.price("100")),
                                      LineItem(unit_price=USD.price("50"), taxable=False)],
        taxes=[Tax("GST", D(5))], discount_percentage=D(10),
    )  # fmt: skip
    record = record_of(invoice)
    discounts = [(line["amount"], line["taxCode"]) for line in record["lineItems"][2:]]
    assert discounts == [(-1000, "GST"), (-500, "")]
    assert (record["taxAmounts"][0]["amount"], record["totalDue"]) == (450, 13950)


def test_pre_tax_discount_that_no_split_keeps_exact_is_refused() -> None:
    # 0.04 taxed at 12.5% and 0.30 untaxed, 10% off before tax. Engine: discount
    # round(3.4) = 3, tax round(0.125 x 3.6) = round(0.45) = 0, total 34 - 3 = 31. The
    # exact shares are 0.4 (taxed) and 3 (untaxed, whole): the only split into floors and
    # ceilings adding up to 3 is 0 + 3, and 12.5% of the taxed 4 is round(0.5) = 1, not 0.
    invoice = Invoice(
        USD, MARCH_1, MARCH_31, lines=[LineItem(unit_price=USD.price("0.04")),
                                      LineItem(unit_price=USD.price("0.30"), taxable=False)],
        taxes=[Tax("T", D("12.5"))], discount_percentage=D(10),
    )  # fmt: skip
    assert calculate(invoice, as_of=MARCH_20).total == 31
    with pytest.raises(UnsupportedError, match="no discount field") as caught:
        record_of(invoice)
    assert (caught.value.field, caught.value.value) == ("discount_percentage", D(10))


def test_a_rounding_policy_that_changes_a_total_is_refused() -> None:
    # Two 0.05 lines taxed at 10%: per_line 1 + 1 = 2, per_document round(1.0) = 1.
    lines = [LineItem(unit_price=USD.price("0.05")), LineItem(unit_price=USD.price("0.05"))]
    per_line = Policy(tax_rounding=TaxRounding.PER_LINE)
    invoice = Invoice(USD, MARCH_1, MARCH_31, lines=lines, taxes=[Tax("T", D(10))], policy=per_line)
    with pytest.raises(UnsupportedError, match="no rounding policy") as caught:
        record_of(invoice)
    assert (caught.value.field, caught.value.value) == ("policy.tax_rounding", "per_line")
    # One line: per_line and per_document agree (round(0.5) = 1), so it is written.
    single = attrs.evolve(invoice, lines=lines[:1])
    assert record_of(single)["totalDue"] == 6


def test_early_payment_discount_is_the_discount_earned_as_of() -> None:
    # 2% per 10-day period, due 2024-03-31, as of 2024-03-20: floor(11 / 10) = 1 period -> 2%.
    # Untaxed 100.00 -> -2.00 line, total 9800.
    invoice = Invoice(
        USD, MARCH_1, MARCH_31, lines=[LineItem(unit_price=USD.price("100"))],
        discount_percentage=D(2), early_period_in_days=10,
    )  # fmt: skip
    record = record_of(invoice)
    assert record["lineItems"][1]["name"] == "Early-payment discount (2%)"
    assert (record["lineItems"][1]["amount"], record["totalDue"]) == (-200, 9800)


def test_the_largest_amounts_the_engine_allows_are_written_exactly() -> None:
    # 9999999999999999.99 x 100 cents = 10**18 - 1, the largest amount the engine accepts
    # (and well inside int64); one cent more is refused when the invoice is built.
    line = LineItem(quantity=D("9999999999999999.99"), unit_price=USD.price("1.00"))
    invoice = Invoice(USD, MARCH_1, MARCH_31, lines=[line])
    assert record_of(invoice)["totalDue"] == 10**18 - 1
    assert read_one(record_of(invoice)).invoice == invoice


def test_a_flat_fee_beyond_the_engines_bound_is_refused_when_the_invoice_is_built() -> None:
    # A fee of 10**18 cents fits int64, but the engine refuses it before Kashoo sees it:
    # nothing is left for the writer to refuse.
    line = LineItem(quantity=D(2), flat_fee=Amount(10**18, "USD"))
    with pytest.raises(InvalidValueError) as caught:
        Invoice(USD, MARCH_1, MARCH_31, lines=[line])
    assert (caught.value.field, caught.value.value) == ("lines[0].cost", 10**18)


def test_output_is_ascii_and_escapes_text() -> None:
    line = LineItem(title='Café "<&>" \u20ac \ud800', unit_price=USD.price("0.01"))
    text = kashoo.write(results((Invoice(USD, MARCH_1, MARCH_31, lines=[line]), MARCH_20)))
    assert text.isascii()
    assert json.loads(text)["lineItems"][0]["name"] == line.title


# -- reading --------------------------------------------------------------------------------


def test_reading_states_every_total() -> None:
    record = minimal(
        taxes=[{"name": "GST", "rate": 5}, {"name": "PST", "rate": 7}, {"name": "X", "rate": 1}],
        taxAmounts=[{"name": "PST", "amount": 0}, {"name": "GST", "amount": 0},
                    {"name": "X", "amount": 0}],
        totalBeforeTaxes=1250, totalPaid=0, balanceDue=1250, paid=False,
    )  # fmt: skip
    record["lineItems"][0]["taxCode"] = ""
    stated = dict(read_one(record).stated)
    assert stated == {
        "lines[0].actual": 1250,  # the line's own amount, its quantity 1 x 12.50
        "subtotal": 1250, "sales_tax": 0, "sales_tax_2": 0, "taxes[2].amount": 0,
        "tax_total": 0, "total": 1250, "payment_total": 0, "balance": 1250,
        "has_been_paid": False,
    }  # fmt: skip


def checked(record: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """``invoicecalc check`` of the record as of 2024-03-10: its status and output."""
    path = tmp_path / "invoice.json"
    path.write_text(dumps(record))
    status = main(["check", str(path), "--input", "kashoo", "--as-of", "2024-03-10"])
    return status, capsys.readouterr().out


def test_check_compares_a_third_tax_stated(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # 12.50 at GST 5% (0.625 -> 0.63 half up), PST 7% (0.875 -> 0.88) and X 1% (0.125 ->
    # 0.13); the record states X as 0.12 and leaves PST out, so no tax total is stated
    # and only X's own line can show the difference.
    record = minimal(
        taxes=[{"name": "GST", "rate": 5}, {"name": "PST", "rate": 7}, {"name": "X", "rate": 1}],
        taxAmounts=[{"name": "GST", "amount": 63}, {"name": "X", "amount": 12}],
        totalDue=None,
    )  # fmt: skip
    record["lineItems"][0]["taxCode"] = "GST+PST+X"
    status, out = checked(record, tmp_path, capsys)
    assert status == 1
    assert "sales_tax       stated           0.63  computed           0.63  ok" in out
    assert "taxes[2].amount stated           0.12  computed           0.13  DIFFERS" in out


def test_check_compares_each_line_amount_stated(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # 2 x 12.50 = 25.00, the line states 26.00; the record states totalDue 25.00, which
    # agrees with the rate, so only the line's own amount shows the difference.
    record = minimal(totalDue=2500)
    record["lineItems"][0].update(quantity=2, amount=2600)
    assert read_one(record).stated == (("lines[0].actual", 2600), ("total", 2500))
    status, out = checked(record, tmp_path, capsys)
    assert status == 1
    assert "lines[0].actual stated          26.00  computed          25.00  DIFFERS" in out
    assert "total           stated          25.00  computed          25.00  ok" in out


def test_reading_keeps_what_changes_no_total() -> None:
    # Fields Kashoo documents (ids, links, flags) are accepted; a line stated by its amount
    # alone is one unit at that amount.
    record = minimal(
        id=77, business=5, contact=9, contactName="Acme", account=1200, links=[], creation="x",
        lastModified="y", income=True, foreignCurrency=False, removed=False, paidInvoice=False,
        totalPaidImmediately=0, totalPaidLater=0, description="Kashoo's own text",
        exchangeRate=D("1.35"), homeCurrency="CAD", totalLocalDue=1688, totalDueFormatted="$12.50",
        lineItems=[{"id": 3, "account": 4000, "name": "Fixed", "amount": 999}],
        invoicePayments=[{"type": "INVOICE_PAYMENT", "id": 8, "method": "cash", "amount": 100,
                          "date": "2024-03-02", "unallocatedAmount": 0, "allocations": []}],
    )  # fmt: skip
    entry = read_one(record)
    assert entry.invoice.lines == (LineItem(title="Fixed", unit_price=USD.price("9.99")),)
    assert entry.invoice.payments == (Payment(dt.date(2024, 3, 2), USD.amount("1.00")),)
    assert entry.as_of is None


def test_line_tax_lists_read_in_canonical_form() -> None:
    # "" is untaxed; every tax is a taxable line naming none; a subset keeps the invoice's order.
    taxes = [{"name": "A", "rate": 1}, {"name": "B", "rate": 2}]
    lines = [{"rate": 1, "taxCode": t} for t in ("", "B+A", "B")]
    invoice = read_one(minimal(taxes=taxes, lineItems=lines)).invoice
    assert [(line.taxable, line.taxes) for line in invoice.lines] == [
        (False, ()), (True, ()), (True, ("B",)),
    ]  # fmt: skip
    # With no tax defined, an empty list is a plain taxable line.
    assert read_one(minimal(lineItems=[{"rate": 1, "taxCode": ""}])).invoice.lines[0].taxable


@pytest.mark.parametrize(
    ("changes", "error", "field"),
    [
        ({"totalDue": D("12.5")}, InvalidTypeError, "totalDue"),
        ({"totalDue": D("1E+3")}, InvalidTypeError, "totalDue"),
        ({"totalDue": "1250"}, InvalidTypeError, "totalDue"),
        ({"totalDue": True}, InvalidTypeError, "totalDue"),
        ({"totalDue": 2**63}, InvalidValueError, "totalDue"),
        ({"balanceDue": -(2**63) - 1}, InvalidValueError, "balanceDue"),
        ({"paid": "yes"}, InvalidTypeError, "paid"),
        ({"currency": 840}, InvalidTypeError, "currency"),
        ({"currency": "usd"}, InvalidValueError, "currency"),
        ({"currency": None}, InvalidValueError, "currency"),
        ({"date": "01/03/2024"}, InvalidValueError, "date"),
        ({"dueDate": None}, InvalidValueError, "dueDate"),
        ({"type": "BILL"}, UnsupportedError, "type"),
        ({"type": "bill"}, UnsupportedError, "type"),
        ({"type": "CREDIT"}, InvalidValueError, "type"),
        ({"type": ["INVOICE"]}, InvalidValueError, "type"),
        ({"type": None}, InvalidValueError, "type"),
        ({"discount": 10}, InvalidValueError, "discount"),
        ({"lineItems": {}}, InvalidTypeError, "lineItems"),
        ({"lineItems": [{"quantity": "2", "rate": 1}]}, InvalidTypeError, "lineItems[0].quantity"),
        ({"lineItems": [{"rate": D("1.5E+300")}]}, InvalidValueError, "lineItems[0].rate"),
        ({"lineItems": [{"rate": D("0.001")}]}, None, None),  # a tenth of a cent is a price
        ({"lineItems": [{"rate": 1, "amount": D("1.0")}]}, InvalidTypeError, "lineItems[0].amount"),
        ({"lineItems": [{"quantity": 2}]}, InvalidValueError, "lineItems[0].rate"),
        ({"lineItems": [{"rate": 1, "kind": "service"}]}, InvalidValueError, "lineItems[0].kind"),
        ({"lineItems": [{"rate": 1, "taxCode": "VAT"}]}, InvalidValueError,
         "lineItems[0].taxCode"),
        ({"lineItems": [{"rate": 1, "taxCode": ["VAT"]}]}, InvalidTypeError,
         "lineItems[0].taxCode"),
        ({"lineItems": [{"rate": 1, "taxes": []}]}, InvalidValueError, "lineItems[0].taxes"),
        ({"lineItems": [{"rate": 1, "markup": 5}]}, InvalidValueError, "lineItems[0].markup"),
        ({"taxes": [{"name": "A", "rate": "5"}]}, InvalidTypeError, "taxes[0].rate"),
        ({"taxes": [{"name": "A", "rate": 5}, {"name": "B", "rate": -5, "compound": True}]},
         InvalidValueError, "taxes[1].compound"),
        ({"taxes": [{"name": "A", "rate": 5}, {"name": "B", "rate": 5, "compound": ["C"]}]},
         InvalidValueError, "taxes[1].compound"),
        ({"taxes": [{"name": "A", "rate": 5, "compound": [1]}]}, InvalidTypeError,
         "taxes[0].compound[0]"),
        ({"taxes": [{"name": "A", "rate": 5}, {"name": "A", "rate": 1}]}, InvalidValueError,
         "taxes[1].name"),
        ({"taxAmounts": [{"name": "A", "amount": 1}]}, InvalidValueError, "taxAmounts[0].name"),
        ({"removed": True}, UnsupportedError, "removed"),
        ({"paidInvoice": True}, UnsupportedError, "paidInvoice"),
        ({"totalPaidImmediately": 500}, UnsupportedError, "totalPaidImmediately"),
        # Read without its payments, a record stating them showed owed what was paid.
        ({"totalPaid": 500}, ParseError, "invoicePayments"),
        ({"totalPaid": D("5.5")}, InvalidTypeError, "totalPaid"),
        ({"exchangeRate": 0}, InvalidValueError, "exchangeRate"),
        ({"homeCurrency": "XXQ"}, InvalidValueError, "homeCurrency"),
        ({"exchangeRate": D("1.3")}, InvalidValueError, "homeCurrency"),
        ({"homeCurrency": "CAD"}, InvalidValueError, "exchangeRate"),
        ({"homeCurrency": "USD", "exchangeRate": 2}, InvalidValueError, "exchangeRate"),
        ({"id": "7"}, InvalidTypeError, "id"),
        ({"totalLocalDue": D("1.5")}, InvalidTypeError, "totalLocalDue"),
    ],
)  # fmt: skip
def test_reading_refuses_bad_records(
    changes: dict[str, Any], error: type[Exception] | None, field: str | None
) -> None:
    text = dumps(minimal(**changes))
    if error is None:
        assert kashoo.read(text).entries[0].invoice.lines[0].unit_price == USD.price("0.001")
        return
    with pytest.raises(error) as caught:
        kashoo.read(text)
    assert caught.value.field == field  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("payment", "error", "field"),
    [
        ({"amount": 5}, InvalidValueError, "invoicePayments[0].date"),
        ({"date": "2024-03-02"}, InvalidValueError, "invoicePayments[0].amount"),
        ({"date": "2024-03-02", "amount": 5.5}, InvalidTypeError, "invoicePayments[0].amount"),
        ({"date": "2024-03-02", "amount": 5, "currency": "EUR"}, InvalidValueError,
         "invoicePayments[0].currency"),
        ({"date": "2024-03-02", "amount": 5, "removed": True}, UnsupportedError,
         "invoicePayments[0].removed"),
        ({"date": "2024-03-02", "amount": 5, "unallocatedAmount": 2}, UnsupportedError,
         "invoicePayments[0].unallocatedAmount"),
        ({"date": "2024-03-02", "amount": 5, "allocations": [{"amount": 5}]}, InvalidValueError,
         "invoicePayments[0].allocations[0].record"),
        ({"date": "2024-03-02", "amount": 5, "allocations": [{"amount": 5, "record": 9}]},
         InvalidValueError, "invoicePayments[0].allocations[0].record"),
        ({"date": "2024-03-02", "amount": 5, "allocations": [{"amount": 4, "record": 9}]},
         InvalidValueError, "invoicePayments[0].amount"),
        ({"date": "2024-03-02", "amount": 5, "allocations": [{"amount": 5, "record": 9,
          "memo": "x"}]}, InvalidValueError, "invoicePayments[0].allocations[0].memo"),
        ({"date": "2024-03-02", "amount": 5, "type": "BILL_PAYMENT"}, UnsupportedError,
         "invoicePayments[0].type"),
        ({"date": "2024-03-02", "amount": 5, "type": "PAYMENT"}, InvalidValueError,
         "invoicePayments[0].type"),
    ],
)  # fmt: skip
def test_reading_refuses_bad_payments(
    payment: dict[str, Any], error: type[Exception], field: str
) -> None:
    payment = {"type": "INVOICE_PAYMENT", **payment}
    with pytest.raises(error) as caught:
        read_one(minimal(invoicePayments=[payment]))
    assert caught.value.field == field  # type: ignore[attr-defined]


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_reading_refuses_nan_and_infinity_naming_the_field(constant: str) -> None:
    text = dumps(minimal()).replace('"rate": 12.5', f'"rate": {constant}')
    with pytest.raises(ParseError, match="not a number JSON allows") as caught:
        kashoo.read(text)
    assert caught.value.field == "lineItems[0].rate"


@pytest.mark.parametrize(
    ("text", "field"),
    [('{"type": "INVOICE", "type": "INVOICE"}', "type"), ("[1, 2", ""), ("42", "")],
)
def test_reading_refuses_broken_documents(text: str, field: str) -> None:
    with pytest.raises((ParseError, InvalidTypeError)) as caught:
        kashoo.read(text)
    assert caught.value.field == field


def test_an_array_names_the_record() -> None:
    document = kashoo.read(dumps([minimal(), minimal(number="2")]))
    assert document.array
    assert [e.invoice.number for e in document.entries] == [None, "2"]
    with pytest.raises(InvalidTypeError) as caught:
        kashoo.read(dumps([minimal(), minimal(totalDue="x")]))
    assert caught.value.field == "[1].totalDue"


# -- the schema table and the docs ---------------------------------------------------------


def test_docs_field_table_lists_the_schema() -> None:
    section = DOCS.read_text().split("## Kashoo / TrulySmall", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `([A-Za-z.\[\]]+)`", section, re.MULTILINE))
    schema = {f"{key}" for key in attrs.asdict(INVOICE).values()}
    schema |= {f"lineItems[].{key}" for key in attrs.asdict(LINE).values()}
    schema |= {f"taxes[].{key}" for key in attrs.asdict(TAX).values()}
    schema |= {f"taxAmounts[].{key}" for key in attrs.asdict(TAX_AMOUNT).values()}
    schema |= {f"invoicePayments[].{key}" for key in attrs.asdict(PAYMENT).values()}
    schema |= {
        f"invoicePayments[].allocations[].{key}" for key in attrs.asdict(ALLOCATION).values()
    }
    assert documented == schema


def test_docs_mark_every_name_as_real_or_chosen() -> None:
    # Each row of the field table says where its name is from: Kashoo's API document,
    # the real client's request bodies, or invoicecalc's choice.
    kashoo_docs = DOCS.read_text().split("## Kashoo / TrulySmall", 1)[1]
    section = kashoo_docs.split("### Fields", 1)[1].split("\n### ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    sources = [line.split("|")[3].strip() for line in rows]
    assert sources
    assert all(source in {"API", "client", "API, client", "*chosen*"} for source in sources)


# -- properties ------------------------------------------------------------------------------


def canonical(invoice: Invoice) -> Invoice:
    """What a Kashoo line can say about its taxes: the documented canonical form. A tax
    withheld at 0% is a rate of -0 = 0, a plain 0% tax (the same amounts, all zero)."""
    names = [tax.name for tax in invoice.taxes]
    lines = []
    for line in invoice.lines:
        carried = (line.taxes or names) if line.taxable else ()
        taxable, taxes = kashoo.line_taxes(carried, names)
        lines.append(attrs.evolve(line, taxable=taxable, taxes=taxes))
    taxes = [
        attrs.evolve(tax, withholding=False) if tax.withholding and not tax.rate else tax
        for tax in invoice.taxes
    ]
    return attrs.evolve(invoice, lines=lines, taxes=taxes)


#: What a Kashoo record holds as it is: lines, taxes (compound, selective, withheld),
#: payments and the home currency. Every exponent (JPY, USD, BHD, CLF).
NATIVE = invoices(
    markup=False, flat_fees=False, discount=False, late=False, policy=Policy(),
    quantity_ranges=True, line_discounts=False, discount_amount=False, tax_inclusive=False,
    cash_rounding=False,
)  # fmt: skip


def totals_within_bounds(invoice: Invoice, as_of: dt.date) -> Totals:
    """The invoice's totals; a drawn invoice whose late fees pass the engine's 10**18 bound
    (it refuses, naming the amount) is not a case for the vendor."""
    try:
        return calculate(invoice, as_of=as_of)
    except InvalidValueError as exc:
        assume("beyond the supported" not in exc.problem)
        raise


def stated_of(totals: Totals, name: str) -> object:
    """The total a stated ``name`` is compared with: a total's, a line's amount
    (``lines[0].actual``), or a third tax's on (``taxes[2].amount``)."""
    for prefix, items, field in (
        ("taxes[", totals.taxes, "amount"),
        ("lines[", totals.lines, "actual"),
    ):
        if name.startswith(prefix):
            assert name.endswith(f"].{field}"), name
            return getattr(items[int(name[len(prefix) : name.index("]")])], field)
    return getattr(totals, name)


@given(st.data())
def test_round_trip_gives_the_same_invoice_and_totals(data: st.DataObject) -> None:
    invoice = data.draw(NATIVE)
    as_of = data.draw(as_of_dates(invoice))
    text = kashoo.write(results((invoice, as_of)))
    entry = kashoo.read(text).entries[0]
    assert entry.invoice == canonical(invoice)
    totals = calculate(invoice, as_of=as_of)
    assert calculate(entry.invoice, as_of=as_of) == calculate(canonical(invoice), as_of=as_of)
    for name, value in entry.stated:
        assert stated_of(totals, name) == value, name
    assert kashoo.write(results((entry.invoice, as_of))) == text
    assert kashoo.write(results((invoice, as_of))) == text  # deterministic


STATED = ("subtotal", "sales_tax", "sales_tax_2", "tax_total", "total", "payment_total",
          "balance", "has_been_paid")  # fmt: skip
CONCEPTS = {"discount_percentage", "policy.rounding", "policy.tax_rounding", "tax_inclusive"}


@given(st.data())
def test_every_written_total_is_exact_or_the_concept_is_named(data: st.DataObject) -> None:
    invoice = data.draw(invoices())
    as_of = data.draw(as_of_dates(invoice))
    totals = totals_within_bounds(invoice, as_of)
    try:
        text = kashoo.write([(Entry(invoice), totals)], array=True)
    except UnsupportedError as exc:
        refusal: UnsupportedError | None = exc
    else:
        refusal = None
    if refusal is not None:
        assert refusal.field.removeprefix("[0].") in CONCEPTS
        return
    record = json.loads(text)[0]
    assert (record["totalDue"], record["balanceDue"]) == (totals.total, totals.balance)
    assert (record["totalPaid"], record["paid"]) == (totals.payment_total, totals.has_been_paid)
    assert [tax["amount"] for tax in record["taxAmounts"]] == [t.amount for t in totals.taxes]
    entry = kashoo.read(text).entries[0]
    again = calculate(entry.invoice, as_of=as_of)
    for name, value in entry.stated:
        assert stated_of(again, name) == value, name
    assert {name for name, _ in entry.stated} == set(STATED) - (
        set() if len(invoice.taxes) > 1 else {"sales_tax_2"} if invoice.taxes else
        {"sales_tax", "sales_tax_2"}
    ) | {f"taxes[{j}].amount" for j in range(2, len(invoice.taxes))} | {
        f"lines[{j}].actual" for j in range(len(entry.invoice.lines))
    }  # fmt: skip
    assert kashoo.write(results((entry.invoice, as_of)), array=True) == text


@given(st.data())
def test_refusals_name_a_concept_the_invoice_uses(data: st.DataObject) -> None:
    invoice = data.draw(invoices(policy=Policy()))
    as_of = data.draw(as_of_dates(invoice))
    totals_within_bounds(invoice, as_of)
    try:
        kashoo.write(results((invoice, as_of)))
    except UnsupportedError as exc:
        refusal: UnsupportedError | None = exc
    else:
        refusal = None
    if refusal is not None and refusal.field == "tax_inclusive":
        assert invoice.tax_inclusive
        assert any(line.taxable for line in invoice.lines)
    elif refusal is not None:
        assert refusal.field == "discount_percentage"
        assert invoice.policy.discount_base is DiscountBase.PRE_TAX
        assert invoice.taxes
        assert calculate(invoice, as_of=as_of).discount_percentage


# -- the command line ---------------------------------------------------------------------------


def write_file(tmp_path: Path, name: str, content: object) -> str:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(path)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--home-currency", "CAD"], "--home-currency: needs --exchange-rate (got 'CAD')"),
        (["--exchange-rate", "1.3"], "--exchange-rate: needs --home-currency (got '1.3')"),
        (["--home-currency", "cad", "--exchange-rate", "1.3"], "--home-currency: is not"),
        (["--home-currency", "CAD", "--exchange-rate", "-1"], "--exchange-rate: must be positive"),
        (["--home-currency", "USD", "--exchange-rate", "2"], "--exchange-rate: must be 1 when"),
    ],
)
def test_cli_refuses_half_an_exchange(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], options: list[str], message: str
) -> None:
    source = str(GOLDEN / "usd_home_cad.input.json")
    assert main(["preview", source, "--output", "kashoo-json", *options]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("invoicecalc: --output kashoo-json: ")
    assert message in err
    assert err.count("\n") == 1


def test_cli_refuses_one_rate_for_two_currencies(capsys: pytest.CaptureFixture[str]) -> None:
    sources = [str(GOLDEN / f"{name}.input.json") for name in ("usd_home_cad", "jpy_home_bhd")]
    options = ["--home-currency", "CAD", "--exchange-rate", "1.3"]
    assert main(["preview", *sources, "--output", "kashoo-json", *options]) == 2
    err = capsys.readouterr().err
    assert "--exchange-rate: one rate cannot convert JPY and USD" in err


def test_cli_refuses_what_kashoo_cannot_carry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_file(tmp_path, "in.json", {
        "currency": "USD", "invoice_date": "2024-03-01", "due_date": "2024-03-31",
        "lines": [{"unit_price": "0.05"}, {"unit_price": "0.05"}], "sales_tax": "10",
        "policy": {"tax_rounding": "per_line"},
    })  # fmt: skip
    assert main(["preview", source, "--output", "kashoo-json", "--as-of", "2024-03-05"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "policy.tax_rounding: Kashoo records carry no rounding policy" in err


def test_cli_check_reports_a_total_that_differs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = json.loads((GOLDEN / "mapped_usd.kashoo.json").read_text())
    record["balanceDue"] += 1
    source = write_file(tmp_path, "k.json", record)
    assert main(["check", source, "--input", "kashoo", "--as-of", "2024-03-05"]) == 1
    out = capsys.readouterr().out
    assert re.search(r"balance +stated +479\.00 +computed +478\.99 +DIFFERS", out)
    assert re.search(r"total +stated +678\.99 +computed +678\.99 +ok", out)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (dumps(minimal(totalDue=D("1.5"))), "totalDue: must be an integer amount"),
        (dumps(minimal(paid="no")), "paid: must be true or false"),
        ('{"type": "INVOICE", "totalDue": NaN}', "totalDue: NaN is not a number JSON allows"),
        ("<invoice/>", "is not valid JSON"),
    ],
)
def test_cli_exits_2_on_bad_kashoo_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    source = write_file(tmp_path, "bad.json", content)
    for command in (
        ["check", source, "--input", "kashoo"],
        ["preview", source, "--input", "kashoo"],
    ):
        assert main(command) == 2
        out, err = capsys.readouterr()
        assert out == ""
        assert message in err
        assert err.count("\n") == 1
        assert "bad.json" in err


def _payment(key: int, amount: int, record: int | None = None) -> dict[str, Any]:
    payment: dict[str, Any] = {"type": "INVOICE_PAYMENT", "id": key, "date": "2024-03-02",
                               "amount": amount}  # fmt: skip
    if record is not None:
        payment["allocations"] = [{"amount": amount, "record": record}]
    return payment


@pytest.mark.parametrize(
    ("document", "field", "earlier"),
    [
        # The same record twice beside its invoice: 2 x 5.00 counted of one 5.00 payment.
        ([minimal(id=5), _payment(77, 500, 5), _payment(77, 500, 5)], "[2].id", "[1]"),
        # Nested twice under the invoice.
        (minimal(invoicePayments=[_payment(77, 500), _payment(77, 500)]),
         "invoicePayments[1].id", "invoicePayments[0]"),
        # Nested, and again as a record beside it.
        ([minimal(id=5, invoicePayments=[_payment(77, 500, 5)]), _payment(77, 500, 5)],
         "[1].id", "[0].invoicePayments[0]"),
    ],
)  # fmt: skip
def test_a_payment_given_twice_is_refused_not_counted_twice(
    document: object, field: str, earlier: str
) -> None:
    """It was counted twice: 10.00 paid of a 12.50 invoice from one payment of 5.00."""
    for keep_going in (False, True):
        with pytest.raises(InvalidValueError) as caught:
            kashoo.read(dumps(document), keep_going=keep_going)
        assert (caught.value.field, caught.value.value) == (field, 77)
        assert caught.value.problem == f"is also the id of {earlier}"


def test_payments_of_their_own_ids_are_each_counted() -> None:
    entry = read_one(minimal(invoicePayments=[_payment(77, 500), _payment(78, 250)]))
    assert [int(payment.amount) for payment in entry.invoice.payments] == [500, 250]


def test_a_line_of_an_amount_alone_out_of_range_names_the_amount() -> None:
    """It was reported as unit_price, a key the record does not have."""
    line = {"name": "Work", "amount": 10**18}
    with pytest.raises(InvoiceCalcError) as caught:
        kashoo.read(dumps(minimal(lineItems=[line])))
    assert (caught.value.field, caught.value.value) == ("lineItems[0].amount", 10**18)
