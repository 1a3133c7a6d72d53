"""The neutral JSON document: reading invoices, writing totals."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from invoicecalc import (
    CashRounding,
    Currency,
    HomeCurrency,
    Invoice,
    LineKind,
    Rounding,
    Tax,
    TaxRounding,
    calculate,
)
from invoicecalc.document import (
    Document,
    Entry,
    calculate_document,
    dumps,
    invoice_from_dict,
    parse_day,
    preview,
    read,
    totals_json,
    totals_to_dict,
)
from invoicecalc.errors import InvalidValueError, InvoiceCalcError, ParseError
from invoicecalc.testing import as_of_dates, invoices

EXAMPLE = Path(__file__).parent.parent / "examples" / "invoice.json"
BASE = {"currency": "USD", "invoice_date": "2024-03-01", "due_date": "2024-03-31"}


def doc(**extra: object) -> str:
    return json.dumps({**BASE, **extra})


def test_bundled_example_by_hand() -> None:
    # Design: 10.5 x 85.00 = 892.50, markup 15% = 133.875 -> 133.88, actual 1026.38.
    # Proofs: 2 x 19.99 = 39.98. Rush: flat 150.00, untaxed.
    # item_cost 1082.48, item_profit 133.88, item_actual 1216.36, item_taxable 1066.36.
    # As of March 10: floor(21 / 5) = 4 early periods, 4% of 1216.36 = 48.6544 -> 48.65.
    # sales_tax: 1066.36 x 0.96 = 1023.7056 x 8.25% = 84.455712 -> 84.46.
    # sales_tax_2 (compound): (1023.7056 + 84.455712) x 5% = 55.4080656 -> 55.41.
    # total = 1216.36 - 48.65 + 84.46 + 55.41 = 1307.58; the April payment does not count yet.
    result = json.loads(preview(EXAMPLE.read_bytes()))
    assert result["as_of"] == "2024-03-10"
    expected = {
        "item_cost": "1082.48",
        "item_profit": "133.88",
        "item_actual": "1216.36",
        "item_taxable": "1066.36",
        "discount": "48.65",
        "discount_percentage": "4",
        "sales_tax": "84.46",
        "sales_tax_2": "55.41",
        "late_fee": "0.00",
        "total": "1307.58",
        "payment_total": "0.00",
        "balance": "1307.58",
        "has_been_paid": False,
        "total_quantity": "13.5",
    }
    assert {key: result[key] for key in expected} == expected
    assert result["lines"][0] == {
        "cost": "892.50",
        "markup": "133.88",
        "actual": "1026.38",
        "discount": "0.00",
        "net": "1026.38",
    }
    # v2 keys on a v1 invoice: nothing off the lines, no cash rounding;
    # subtotal = 1216.36 - 48.65 = 1167.71, and 1167.71 + 84.46 + 55.41 = 1307.58.
    assert (result["line_discount"], result["subtotal"], result["cash_rounding"]) == (
        "0.00",
        "1167.71",
        "0.00",
    )
    assert "home" not in result
    assert [tax["amount"] for tax in result["taxes"]] == ["84.46", "55.41"]


def test_every_key_is_read() -> None:
    (entry,) = read(
        doc(
            as_of="2024-03-05",
            number="7",
            po_number="PO-1",
            notes="n",
            terms="Net 30",
            pre_reminder_in_days=3,
            post_reminder_in_days="7",
            lines=[
                {
                    "title": "t",
                    "description": "d",
                    "kind": "product",
                    "quantity": 2,
                    "unit_price": 1.5,
                    "flat_fee": "1",
                    "markup_percentage": "10",
                    "taxable": True,
                    "taxes": ["GST"],
                    "quantity_low": "1",
                    "quantity_high": "3",
                }
            ],
            taxes=[{"name": "GST", "rate": "5"}, {"name": "PST", "rate": 8, "compound": True}],
            discount_percentage="2",
            early_period_in_days=10,
            late_percentage="1.5",
            late_period_in_days=30,
            payments=[{"date": "2024-03-02", "amount": "1.00", "note": "x"}],
            policy={
                "rounding": "half_even",
                "tax_rounding": "per_line",
                "discount_base": "post_tax",
            },
        )
    ).entries
    invoice, line = entry.invoice, entry.invoice.lines[0]
    assert entry.as_of == dt.date(2024, 3, 5)
    assert (invoice.number, invoice.po_number, invoice.notes, invoice.terms) == (
        "7",
        "PO-1",
        "n",
        "Net 30",
    )
    assert (invoice.pre_reminder_in_days, invoice.post_reminder_in_days) == (3, 7)
    # money is read in major units and carries the document's currency
    assert (line.kind, line.quantity, repr(line.unit_price), repr(line.flat_fee)) == (
        LineKind.PRODUCT,
        2,
        "Price('150', 'USD')",
        "Amount(100, 'USD')",
    )
    assert (line.quantity_low, line.quantity_high, line.taxes) == (1, 3, ("GST",))
    assert [t.compound for t in invoice.taxes] == [False, True]
    assert repr(invoice.payments[0].amount) == "Amount(100, 'USD')"
    assert (invoice.policy.rounding, invoice.policy.tax_rounding) == (
        Rounding.HALF_EVEN,
        TaxRounding.PER_LINE,
    )


def test_json_numbers_are_exact() -> None:
    # 0.1 + 0.2 is 0.30000000000000004 in binary floating point; here it stays exact.
    (entry,) = read(doc(lines=[{"quantity": 0.1, "unit_price": 1}, {"quantity": 0.2}])).entries
    assert sum(line.quantity for line in entry.invoice.lines) == Decimal("0.3")
    assert type(entry.invoice.lines[0].quantity) is Decimal


def test_null_means_absent() -> None:
    (entry,) = read(doc(sales_tax=None, lines=[{"title": None}])).entries
    assert entry.invoice.taxes == ()
    assert entry.invoice.lines[0].title == ""


def test_arrays_keep_their_order_and_shape() -> None:
    text = json.dumps(
        [{**BASE, "lines": [{"unit_price": "1"}]}, {**BASE, "lines": [{"unit_price": "2"}]}]
    )
    document = read(text)
    assert document.array
    result = json.loads(preview(text, as_of=dt.date(2024, 3, 1)))
    assert [r["total"] for r in result] == ["1.00", "2.00"]
    assert json.loads(preview(doc(), as_of=dt.date(2024, 3, 1)))["total"] == "0.00"


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (doc(currency="usd"), "currency"),
        (doc(currency="ZZZ"), "currency"),
        (doc(lines=[{"flat_fee": "10.001"}]), "lines[0].flat_fee"),
        (doc(payments=[{"date": "2024-03-02", "amount": "0.001"}]), "payments[0].amount"),
        (doc(discount_percentage="-1"), "discount_percentage"),
        (doc(discount_percentage="100.5"), "discount_percentage"),
        (doc(sales_tax="-5"), "sales_tax"),
        (doc(sales_tax_2="-0.5"), "sales_tax_2"),
        (doc(taxes=[{"name": "T", "rate": "-1"}]), "taxes[0].rate"),
        (doc(late_percentage="-1", late_period_in_days=30), "late_percentage"),
        (doc(late_percentage="1.5"), "late_percentage"),
        (doc(early_period_in_days=0), "early_period_in_days"),
        (doc(late_percentage="1", late_period_in_days=-1), "late_period_in_days"),
        (
            doc(lines=[{"taxable": False, "taxes": ["T"]}], taxes=[{"name": "T", "rate": "1"}]),
            "lines[0].taxes",
        ),
        (doc(sales_tax="5", taxes=[{"name": "T", "rate": "1"}]), "sales_tax"),
        # A flag with no sales_tax_2 to make compound was dropped unread.
        (doc(sales_tax="5", sales_tax_2_cumulative=True), "sales_tax_2_cumulative"),
        (doc(sales_tax_2_cumulative=True), "sales_tax_2_cumulative"),
        # Blanks around a number were read past, as around a date they were not.
        (doc(lines=[{"unit_price": " 1"}]), "lines[0].unit_price"),
        (doc(lines=[{"quantity": "\t2\n"}]), "lines[0].quantity"),
        (doc(sales_tax="5 "), "sales_tax"),
        (
            doc(lines=[{"unit_price": "100", "markup_percentage": "-250"}]),
            "lines[0].markup_percentage",
        ),
        (doc(payments=[{"date": "2024-03-02", "amount": " 1.00 "}]), "payments[0].amount"),
        (doc(lines=[{"taxes": ["PST"]}], taxes=[{"name": "GST", "rate": "5"}]), "lines[0].taxes"),
        (doc(lines=[{"quantity": "1,5"}]), "lines[0].quantity"),
        (doc(lines=[{"quantity": "NaN"}]), "lines[0].quantity"),
        (doc(lines=[{"quantity": "Infinity"}]), "lines[0].quantity"),
        (doc(lines=[{"unit_price": "1e999999"}]), "lines[0].unit_price"),
        (doc(lines=[{"kind": "service"}]), "lines[0].kind"),
        (doc(lines=[{"taxable": "yes"}]), "lines[0].taxable"),
        (doc(lines=[{"quanity": 2}]), "lines[0].quanity"),
        (doc(invoice_date="2024-02-30"), "invoice_date"),
        (doc(due_date="31/03/2024"), "due_date"),
        (doc(due_date="20240331"), "due_date"),
        (doc(policy={"rounding": "ceiling"}), "policy.rounding"),
        (doc(early_period_in_days=5.5), "early_period_in_days"),
        (doc(early_period_in_days=True), "early_period_in_days"),
        (doc(lines={"a": 1}), "lines"),
        (json.dumps({"currency": "USD", "invoice_date": "2024-03-01"}), "due_date"),
        (json.dumps({**BASE, "discount": "5"}), "discount"),
        (doc(notes="\ud800"), "notes"),  # JSON allows a lone surrogate; text does not
        (doc(lines=[{"title": "a\udfffb"}]), "lines[0].title"),
        (json.dumps([{**BASE}, {**BASE, "currency": 5}]), "[1].currency"),
    ],
)
def test_invalid_documents_are_refused_naming_the_field(text: str, field: str) -> None:
    with pytest.raises(InvoiceCalcError) as caught:
        read(text)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")


@pytest.mark.parametrize(
    "text",
    [
        '{"currency": "USD", "currency": "EUR"}',
        "{",
        "[1, 2",
        '{"a": NaN}',
        '{"a": -Infinity}',
        b"\xff\xfe{",
        "[" * 100_000,
        "42",
        '{"a": ' + "9" * 5000 + "}",  # beyond int()'s 4300-digit limit
        '{"a": 1.' + "0" * 5000 + "}",
    ],
)
def test_unreadable_documents_are_parse_errors(text: str | bytes) -> None:
    with pytest.raises((ParseError, InvoiceCalcError)):
        read(text)


def test_an_uncompounding_flag_without_sales_tax_2_is_read() -> None:
    """false changes nothing, with or without a tax 2 (Cashboard writes it on every invoice)."""
    assert read(doc(sales_tax="5", sales_tax_2_cumulative=False)).entries[0].invoice.taxes == (
        Tax("sales_tax", Decimal(5)),
    )


def test_as_of_is_needed_from_somewhere() -> None:
    with pytest.raises(InvalidValueError, match="as_of"):
        calculate_document(read(doc()))


def test_dumps_one_object_needs_one_invoice() -> None:
    with pytest.raises(InvalidValueError):
        dumps([], array=False)
    assert dumps([], array=True) == "[]"
    assert isinstance(read("[]"), Document)


@pytest.mark.parametrize(
    "text", ["2024-05-01", "2024-05-01 13:45:00", "2024-05-01T13:45", "2024-05-01T13:45:00.5+02:00"]
)
def test_vendor_dates_may_carry_a_time(text: str) -> None:
    assert parse_day(text, "date") == dt.date(2024, 5, 1)


@pytest.mark.parametrize(("text", "problem"), [
    ("2024-05-01 25:00:00", "not a real time"),
    ("2024-05-01 13:60", "not a real time"),
    ("2024-02-30 10:00:00", "not a real date"),
    ("01/05/2024", "not a date"),
])  # fmt: skip
def test_vendor_dates_are_still_checked(text: str, problem: str) -> None:
    with pytest.raises(InvalidValueError, match=problem):
        parse_day(text, "date")


def test_a_json_nan_is_refused_naming_where_it_is() -> None:
    text = json.dumps({**BASE, "lines": [{"quantity": 1}, {"quantity": 2}]}).replace("2}", "NaN}")
    with pytest.raises(ParseError) as caught:
        read(text)
    assert caught.value.field == "lines[1].quantity"
    assert str(caught.value) == "lines[1].quantity: NaN is not a number JSON allows"


# -- v2 keys ---------------------------------------------------------------------


def test_every_v2_key_is_read() -> None:
    (entry,) = read(
        doc(
            currency="CHF",
            tax_inclusive=True,
            discount_amount="2.50",
            cash_rounding={"increment": 0.05, "rounding": "up"},
            home_currency={"code": "EUR", "rate": "0.9134"},
            lines=[
                {"unit_price": "10.00", "discount_percentage": "10"},
                {"unit_price": "10.00", "discount_amount": "1.00"},
            ],
            taxes=[
                {"name": "GST", "rate": "5"},
                {"name": "PST", "rate": "7", "compound": ["GST"]},
                {"name": "QST", "rate": "1", "compound": []},
            ],
            policy={"rounding": "up"},
        )
    ).entries
    invoice = entry.invoice
    chf = Currency("CHF")
    assert invoice.tax_inclusive is True
    assert invoice.discount_amount == chf.amount("2.50")
    assert invoice.cash_rounding == CashRounding(chf.amount("0.05"), Rounding.UP)
    assert invoice.home_currency == HomeCurrency(Currency("EUR"), Decimal("0.9134"))
    assert [(line.discount_percentage, line.discount_amount) for line in invoice.lines] == [
        (Decimal(10), None),
        (None, chf.amount("1.00")),
    ]
    # An empty compound list is the same as false.
    assert [tax.compound for tax in invoice.taxes] == [False, ("GST",), False]
    assert invoice.policy.rounding is Rounding.UP


def test_withholding_and_currency_cash_rounding_are_read() -> None:
    (entry,) = read(
        doc(
            currency="SEK",
            cash_rounding="currency",
            taxes=[{"name": "IRPF", "rate": "15", "withholding": True}],
        )
    ).entries
    assert entry.invoice.taxes[0].withholding is True
    # CLDR: SEK is paid in whole kronor.
    assert entry.invoice.cash_rounding == CashRounding.of_currency(Currency("SEK"))
    assert entry.invoice.cash_rounding.increment == Currency("SEK").amount("1")


def test_v2_nulls_mean_absent() -> None:
    (entry,) = read(
        doc(
            tax_inclusive=None,
            discount_amount=None,
            cash_rounding=None,
            home_currency=None,
            lines=[{"discount_percentage": None, "discount_amount": None}],
            taxes=[{"name": "T", "rate": "1", "compound": None, "withholding": None}],
        )
    ).entries
    invoice = entry.invoice
    assert (invoice.tax_inclusive, invoice.discount_amount) == (False, 0)
    assert (invoice.cash_rounding, invoice.home_currency) == (None, None)
    assert (invoice.lines[0].discount_percentage, invoice.lines[0].discount_amount) == (None, None)
    assert (invoice.taxes[0].compound, invoice.taxes[0].withholding) == (False, False)
    (entry,) = read(doc(cash_rounding={"increment": "0.05", "rounding": None})).entries
    assert entry.invoice.cash_rounding is not None
    assert entry.invoice.cash_rounding.rounding is None  # the invoice's own mode


def test_v2_output_keys() -> None:
    # 100.00 less 10% on the line = 90.00; VAT 20% = 18.00, withheld 15% = -13.50;
    # 94.50 into JPY at 160: 9450 x 1.6 = 15120 (subtotal 14400, VAT 2880, withheld -2160).
    text = doc(
        lines=[{"unit_price": "100.00", "discount_percentage": "10"}],
        taxes=[{"name": "VAT", "rate": "20"}, {"name": "W", "rate": "15", "withholding": True}],
        home_currency={"code": "JPY", "rate": "160"},
    )
    result = json.loads(preview(text, as_of=dt.date(2024, 3, 1)))
    assert (result["line_discount"], result["subtotal"], result["cash_rounding"]) == (
        "10.00",
        "90.00",
        "0.00",
    )
    assert result["lines"] == [
        {
            "cost": "100.00",
            "markup": "0.00",
            "actual": "100.00",
            "discount": "10.00",
            "net": "90.00",
        }
    ]
    assert [(t["base"], t["amount"], t["withholding"]) for t in result["taxes"]] == [
        ("90.00", "18.00", False),
        ("90.00", "-13.50", True),
    ]
    assert (result["sales_tax"], result["sales_tax_2"], result["total"]) == (
        "18.00",
        "-13.50",
        "94.50",
    )
    assert result["home"] == {
        "currency": "JPY",
        "subtotal": "14400",
        "taxes": [{"name": "VAT", "amount": "2880"}, {"name": "W", "amount": "-2160"}],
        "tax_total": "720",
        "total": "15120",
        "balance": "15120",
    }


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (doc(tax_inclusive=1), "tax_inclusive"),
        (doc(discount_amount="0.005"), "discount_amount"),
        (doc(discount_amount=5.5), "discount_amount"),  # exact 5.50, but there are no lines
        (doc(cash_rounding="cash"), "cash_rounding"),
        (doc(cash_rounding=["0.05"]), "cash_rounding"),
        (doc(cash_rounding={"increment": "0.05", "mode": "up"}), "cash_rounding.mode"),
        (doc(cash_rounding={}), "cash_rounding.increment"),
        (doc(cash_rounding={"increment": "0.001"}), "cash_rounding.increment"),
        (doc(cash_rounding={"increment": "0"}), "cash_rounding.increment"),
        (doc(cash_rounding={"increment": "0.05", "rounding": 1}), "cash_rounding.rounding"),
        (doc(home_currency={"code": "ZZZ", "rate": "1"}), "home_currency.code"),
        (doc(home_currency={"code": 978, "rate": "1"}), "home_currency.code"),
        (doc(home_currency={"rate": "1"}), "home_currency.code"),
        (doc(home_currency={"code": "EUR", "rate": "0"}), "home_currency.rate"),
        (doc(home_currency={"code": "EUR", "rate": True}), "home_currency.rate"),
        (doc(home_currency=[]), "home_currency"),
        (doc(taxes=[{"name": "T", "rate": "1", "compound": {"GST": True}}]), "taxes[0].compound"),
        (doc(taxes=[{"name": "T", "rate": "1", "withholding": 1}]), "taxes[0].withholding"),
        (doc(taxes=[{"name": "T", "rate": "1"}, {"name": "T", "rate": "2"}]), "taxes[1].name"),
        (doc(lines=[{"discount_percentage": "x"}]), "lines[0].discount_percentage"),
        (doc(lines=[{"discount_amount": "1.001"}]), "lines[0].discount_amount"),
        (
            doc(lines=[{"unit_price": "1.00", "discount_amount": "1.01"}]),
            "lines[0].discount_amount",
        ),
        (doc(lines=[{"unit_price": "1.00"}], discount_amount="1.01"), "discount_amount"),
        (json.dumps([BASE, {**BASE, "cash_rounding": "x"}]), "[1].cash_rounding"),
        # a tax without its name or rate (null is absent) was a TypeError before
        (doc(taxes=[{"name": "T"}]), "taxes[0].rate"),
        (
            doc(taxes=[{"name": "T", "rate": "1"}, {"rate": "1", "withholding": True}]),
            "taxes[1].name",
        ),
        (doc(taxes=[{"name": "T", "rate": None}]), "taxes[0].rate"),
    ],
)
def test_invalid_v2_documents_are_refused_naming_the_field(text: str, field: str) -> None:
    with pytest.raises(InvoiceCalcError) as caught:
        read(text)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")


# -- the template writer is json.dumps of totals_to_dict -----------------------------


@given(st.lists(invoices(max_lines=4), min_size=1, max_size=3), st.data())
def test_the_template_writer_is_json_dumps_of_the_totals_dict(
    drawn: list[Invoice], data: st.DataObject
) -> None:
    totals = [calculate(invoice, as_of=data.draw(as_of_dates(invoice))) for invoice in drawn]
    for one in totals:
        assert totals_json(one) == json.dumps(totals_to_dict(one), ensure_ascii=False)
        assert dumps([one]) == json.dumps(totals_to_dict(one), ensure_ascii=False)
        assert totals_json(one, compact=True) == json.dumps(
            totals_to_dict(one), ensure_ascii=False, separators=(",", ":")
        )
        for indent in (0, 2, 4):
            assert totals_json(one, indent=indent) == json.dumps(
                totals_to_dict(one), ensure_ascii=False, indent=indent
            )
    assert dumps(totals, array=True) == json.dumps(
        [totals_to_dict(one) for one in totals], ensure_ascii=False
    )
    for indent in (0, 2, 4):
        assert dumps(totals, array=True, indent=indent) == json.dumps(
            [totals_to_dict(one) for one in totals], ensure_ascii=False, indent=indent
        )
    assert dumps([], array=True, indent=2) == json.dumps([], indent=2)
    # With the entries, each object echoes its id and number first, as json.dumps does.
    ids = st.none() | st.text(max_size=8)
    numbers = st.none() | st.text(max_size=8)
    entries = [
        Entry(attrs.evolve(invoice, number=data.draw(numbers)), id=data.draw(ids))
        for invoice in drawn
    ]
    echoed = [
        calculate(entry.invoice, as_of=one.as_of)
        for entry, one in zip(entries, totals, strict=True)
    ]
    for entry, one in zip(entries, echoed, strict=True):
        written = totals_json(one, entry)
        assert written == json.dumps(totals_to_dict(one, entry), ensure_ascii=False)
        assert list(json.loads(written))[:2] == ["id", "number"]
        assert totals_json(one, entry, compact=True) == json.dumps(
            totals_to_dict(one, entry), ensure_ascii=False, separators=(",", ":")
        )
        assert totals_json(one, entry, indent=2) == json.dumps(
            totals_to_dict(one, entry), ensure_ascii=False, indent=2
        )


def test_the_template_writer_escapes_names_as_json_does() -> None:
    text = doc(
        lines=[{"unit_price": "-10.00", "flat_fee": "-1.00"}, {"unit_price": "0.05"}],
        taxes=[
            {"name": 'V"A\\T\u00e9\u2028\n', "rate": "20"},
            {"name": "x\ty", "rate": "1.5", "compound": ['V"A\\T\u00e9\u2028\n']},
        ],
        as_of="2024-03-02",
        home_currency={"code": "JPY", "rate": "150.5"},
    )
    totals = calculate_document(read(text))
    assert dumps(totals) == json.dumps(totals_to_dict(totals[0]), ensure_ascii=False)
    assert totals_json(totals[0], compact=True) == json.dumps(
        totals_to_dict(totals[0]), ensure_ascii=False, separators=(",", ":")
    )
    assert totals_json(totals[0], indent=2) == json.dumps(
        totals_to_dict(totals[0]), ensure_ascii=False, indent=2
    )


# -- the quick reader reads exactly what the full reader reads -----------------------

_TEXTS = st.sampled_from(
    [
        *("1", "1.0", "10.50", "-2", "0", "-0", "0e-99999", "1e3", " 2 ", "1_000", "NaN"),
        *("\u0663", "Infinity", "1e18", "0.001", "x", "", "12.345", "2024-03-05"),
        *("2024-02-30", "task", "custom", "product", "TASK", "USD", "usd", "JPY"),
        *("2024-3-05", "9" * 61, "\u00e9", "\ud800", "5", "5.0", "1e2", "1E2", "100", "-0.0"),
    ]
)
#: Numbers as JSON gives them (parse_json: an int, or an exact Decimal for 1.0, 1e2, -0.0)
#: and as a Python caller may (a float, a NaN), each near one of the texts above.
_NUMBERS = st.sampled_from(
    [
        *(Decimal("1.5"), Decimal("1e999"), Decimal("-1"), Decimal("1.0"), Decimal("1E+2")),
        *(Decimal("-0.0"), Decimal("5"), Decimal("5.0"), Decimal("0"), Decimal("NaN")),
        *(1.0, 0.0, -0.0, 1.5, float("nan")),
    ]
)
_VALUES = st.one_of(
    _TEXTS,
    st.booleans(),
    st.none(),
    st.integers(-3, 3),
    _NUMBERS,
    st.lists(_TEXTS, max_size=2),
    st.sampled_from([[["1"]], {}, {"a": "1"}, {"quantity": "1"}, [None]]),
)
_LINE_KEYS = ["title", "description", "kind", "quantity", "unit_price", "flat_fee"]
_LINE_KEYS += ["markup_percentage", "taxable", "taxes", "discount_amount", "unknown"]
_LINE_KEYS += ["discount_percentage"]
_INVOICE_KEYS = ["as_of", "sales_tax", "sales_tax_2", "sales_tax_2_cumulative", "notes"]
_INVOICE_KEYS += ["discount_percentage", "discount_amount", "number", "early_period_in_days"]
_INVOICE_KEYS += ["late_percentage", "late_period_in_days", "tax_inclusive", "unknown"]
_INVOICE_KEYS += ["id", "taxes", "policy"]


_GOOD = {
    "title": st.sampled_from(["", "Design", "\u00e9t\u00e9"]),
    "description": st.sampled_from(["", "x"]),
    "kind": st.sampled_from(["task", "custom", "product"]),
    "quantity": st.sampled_from(["1", "1.0", "10.5", "-2", "0", 3, Decimal("1.5")]),
    "unit_price": st.sampled_from(["85.00", "0.125", "-1", "1e2", "0"]),
    "flat_fee": st.sampled_from(["1.00", "0", "-3.5", "150"]),
    "markup_percentage": st.sampled_from(["15", "0", "2.5"]),
    "taxable": st.booleans(),
    "taxes": st.sampled_from([["VAT"], [], ["CITY", "VAT"], ["VAT", "VAT"], ["X"]]),
    "discount_amount": st.sampled_from(["1.00", "0", "0.001"]),
    "discount_percentage": st.sampled_from(["10", "0", "150"]),
}
_TAX_LISTS = st.sampled_from(
    [
        [{"name": "VAT", "rate": "20"}],
        [{"name": "VAT", "rate": "8.1"}, {"name": "CITY", "rate": "1", "compound": ["VAT"]}],
        [{"name": "VAT", "rate": "20"}, {"name": "IRPF", "rate": "15", "withholding": True}],
        [{"name": "VAT", "rate": "-1"}],
        [],
    ]
)
_POLICIES = st.sampled_from(
    [{"rounding": "half_even"}, {"tax_rounding": "per_line"}, {"rounding": "sideways"}, {}]
)
_CASH_ROUNDINGS = st.sampled_from(
    [
        "currency",
        {"increment": "0.05"},
        {"increment": "0.05", "rounding": "up"},
        {"increment": "0.001"},
        {"increment": "x"},
        {"rounding": "down"},
        "nearest",
    ]
)
_HOMES = st.sampled_from(
    [
        {"code": "EUR", "rate": "0.9134"},
        {"code": "USD", "rate": "1"},
        {"code": "USD", "rate": "2"},
        {"code": "XXY", "rate": "1"},
        {"code": "JPY", "rate": "-1"},
        {"code": "EUR"},
    ]
)


@st.composite
def _line_objects(draw: st.DrawFn) -> dict[str, object]:
    """Lines that are mostly of the common shape, one value in a few anything at all."""
    keys = draw(st.lists(st.sampled_from(_LINE_KEYS), max_size=6, unique=True))
    return {
        key: draw(_GOOD[key]) if key in _GOOD and draw(st.integers(0, 5)) else draw(_VALUES)
        for key in keys
    }


@st.composite
def invoice_objects(draw: st.DrawFn) -> dict[str, object]:
    """Invoice objects near the common shape: mostly valid, often not, in every way."""
    good = {
        "currency": "USD",
        "invoice_date": "2024-03-01",
        "due_date": "2024-03-31",
        "lines": [{"quantity": "2", "unit_price": "10.00", "title": "x"}],
        "payments": [{"date": "2024-03-05", "amount": "1.00"}],
    }
    value: dict[str, object] = {
        key: item for key, item in good.items() if draw(st.integers(0, 9)) or key == "lines"
    }
    if draw(st.booleans()):
        value |= draw(st.dictionaries(st.sampled_from(_INVOICE_KEYS), _VALUES, max_size=3))
    if draw(st.booleans()):
        value["taxes"] = draw(_TAX_LISTS)
    if draw(st.booleans()):
        value["policy"] = draw(_POLICIES)
    if draw(st.booleans()):
        value["cash_rounding"] = draw(_CASH_ROUNDINGS)
    if draw(st.booleans()):
        value["home_currency"] = draw(_HOMES)
    value["currency"] = draw(st.sampled_from(["USD", "USD", "JPY", "usd", 5]))
    lines = draw(st.lists(_line_objects(), max_size=3))
    value["lines"] = draw(st.sampled_from([lines, lines, "x"]))
    payments = st.dictionaries(st.sampled_from(["date", "amount", "note", "x"]), _VALUES)
    value["payments"] = draw(st.lists(payments, max_size=2)) if draw(st.booleans()) else []
    return value


def _exact(value: object) -> object:
    """``value`` down to the last detail: each attrs field, those left out of equality
    and repr too (a line's terms, what the calculator is handed), each value's type,
    a number's exponent (``Price`` repr writes 1E+4 and 10000 alike; ``Decimal("5")``
    equals ``Decimal("5.0")``) and an amount's currency."""
    if attrs.has(type(value)):
        fields = attrs.fields(type(value))
        return (type(value).__name__, [(f.name, _exact(getattr(value, f.name))) for f in fields])
    if isinstance(value, (tuple, list)):
        return (type(value).__name__, [_exact(item) for item in value])
    if isinstance(value, Decimal):
        return (type(value).__name__, str(Decimal(value)), getattr(value, "currency", None))
    if isinstance(value, int):
        return (type(value).__name__, int(value), getattr(value, "currency", None))
    return (type(value).__name__, repr(value))


def _read_as(value: object) -> object:
    try:
        return _exact(invoice_from_dict(value))
    except InvoiceCalcError as exc:
        return (type(exc).__name__, exc.field, repr(exc.value), exc.problem, str(exc))


def _reads_as_the_full_reader(values: list[object]) -> None:
    """Each value read by the quick reader (and again, from its caches) as the full
    reader alone reads it: the same entry, down to :func:`_exact`, or the same error."""
    import invoicecalc.document as document

    quick = [_read_as(value) for value in values]
    assert [_read_as(value) for value in values] == quick
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(document, "_quick_entry", lambda raw: None)
        assert [_read_as(value) for value in values] == quick


@given(st.lists(invoice_objects(), min_size=1, max_size=4))
def test_the_quick_reader_reads_what_the_full_reader_reads(values: list[object]) -> None:
    _reads_as_the_full_reader(values)


#: Values that equal 1 or 0 (and hash alike) without being the same value: what a cache
#: keyed by value must not take for one another.
_LOOKALIKES = [
    [1, True, 1.0, Decimal(1), Decimal("1.0"), "1"],
    [0, False, 0.0, -0.0, Decimal("-0"), Decimal("0E+2"), "0"],
]
#: Number texts in several forms each (text, an exact Decimal as JSON gives 5.0 or
#: 1e2, an int): equal numbers that read differently.
_NUMBER_FORMS = st.sampled_from(["5", "5.0", "1e2", "0", "-0", "0.5", "1"]).flatmap(
    lambda text: st.sampled_from(
        [text, Decimal(text), *([int(Decimal(text))] if Decimal(text) % 1 == 0 else [])]
    )
)
_PLAIN_LINE_VALUES = {
    **dict.fromkeys(("title", "description"), st.sampled_from(["", "x", "1", "0", "task"])),
    "kind": st.sampled_from(["task", "custom", "product"]),
    **dict.fromkeys(("quantity", "unit_price", "flat_fee", "markup_percentage"), _NUMBER_FORMS),
    "taxable": st.booleans(),
}


@st.composite
def _plain_lines(draw: st.DrawFn) -> dict[str, object]:
    """Lines of the common shape (some still refused: 0.5 of a yen as a flat fee)."""
    keys = draw(st.lists(st.sampled_from(list(_PLAIN_LINE_VALUES)), max_size=4, unique=True))
    return {key: draw(_PLAIN_LINE_VALUES[key]) for key in keys}


@st.composite
def _lookalike(draw: st.DrawFn, value: dict[str, object]) -> dict[str, object]:
    """``value`` in another key order, or with one value of 1 or 0 given as another
    value equal to it (``True`` for ``1``, ``1`` for ``True``, ``"1"`` for ``1``)."""
    if draw(st.booleans()):
        value = dict(draw(st.permutations(list(value.items()))))
    near = [key for key, item in value.items() if any(item in same for same in _LOOKALIKES)]
    if near and draw(st.booleans()):
        key = draw(st.sampled_from(near))
        same = next(same for same in _LOOKALIKES if value[key] in same)
        value = {**value, key: draw(st.sampled_from(same))}
    return value


@st.composite
def _shared_documents(draw: st.DrawFn) -> list[object]:
    """Invoices that share their parts, so that the caches hit: the same lines (most
    plain, some not) and payments under USD, JPY and CHF, in another key order or with
    a value swapped for one equal to it; sales-tax rates as text, Decimals and ints."""
    pool = draw(st.lists(st.one_of(_plain_lines(), _plain_lines(), _line_objects()), min_size=1))
    payments = [
        {"date": "2024-03-05", "amount": "1"},
        {"amount": "1", "date": "2024-03-05", "note": "x"},
        {"date": "2024-03-05", "amount": "0.5"},
        {"date": "2024-03-05", "amount": 1},
        {"date": "2024-03-05", "amount": Decimal("1.0")},
    ]
    values: list[object] = []
    for _ in range(draw(st.integers(1, 6))):
        lines = [
            draw(_lookalike(draw(st.sampled_from(pool)))) for _ in range(draw(st.integers(0, 4)))
        ]
        value: dict[str, object] = {
            "currency": draw(st.sampled_from(["USD", "JPY", "CHF"])),
            "invoice_date": "2024-03-01",
            "due_date": "2024-03-31",
            "lines": lines,
            "payments": [
                draw(_lookalike(draw(st.sampled_from(payments))))
                for _ in range(draw(st.integers(0, 2)))
            ],
        }
        for key in ("sales_tax", "sales_tax_2"):
            if draw(st.booleans()):
                value[key] = draw(_NUMBER_FORMS)
        if "sales_tax_2" in value and not draw(st.integers(0, 3)):
            value["sales_tax_2_cumulative"] = draw(st.sampled_from([True, False, 1, 0]))
        if not draw(st.integers(0, 4)):
            value["discount_amount"] = draw(_NUMBER_FORMS)
        values.append(draw(_lookalike(value)))
    return values


def _usd_then_jpy(**parts: object) -> list[object]:
    head = {"invoice_date": "2024-03-01", "due_date": "2024-03-31"}
    return [{"currency": code, **head, **parts} for code in ("USD", "JPY")]


@given(_shared_documents())
# The cases the caches are keyed against, read in turn: a line remembered whole, then
# under another currency, in another key order, with 1 for true and a bool for a number.
@example(
    [
        *_usd_then_jpy(lines=[{"title": "x", "flat_fee": "0.5", "taxable": True}]),
        *_usd_then_jpy(lines=[{"taxable": True, "flat_fee": "0.5", "title": "x"}]),
        *_usd_then_jpy(lines=[{"title": "x", "flat_fee": "0.5", "taxable": 1}]),
        *_usd_then_jpy(lines=[{"quantity": 1}, {"quantity": True}, {"quantity": 1.0}]),
        *_usd_then_jpy(lines=[{"quantity": "1"}, {"quantity": "-0"}, {"unit_price": "1e2"}]),
    ]
)
# Equal rates that read differently (Decimal("5") == Decimal("5.0")), 1 for true.
@example(
    [
        *_usd_then_jpy(sales_tax="5"),
        *_usd_then_jpy(sales_tax=Decimal("5")),
        *_usd_then_jpy(sales_tax="5.0"),
        *_usd_then_jpy(sales_tax=Decimal("5.0")),
        *_usd_then_jpy(sales_tax=Decimal("5.0"), sales_tax_2=5, sales_tax_2_cumulative=1),
        *_usd_then_jpy(sales_tax="-0", sales_tax_2="1e2", sales_tax_2_cumulative=True),
        *_usd_then_jpy(discount_amount="0.5", payments=[{"date": "2024-03-05", "amount": 1}]),
    ]
)
def test_the_quick_reader_reads_shared_parts_as_the_full_reader_does(
    values: list[object],
) -> None:
    """What the caches remember is never taken for a later value that only equals it
    (1 for true, Decimal("5") for "5.0"), nor read under another currency."""
    _reads_as_the_full_reader(values)


@pytest.mark.parametrize("taxable", [1, 0, Decimal(1), Decimal("0.0"), "true", [True], {"a": 1}])
def test_a_remembered_line_is_not_taken_for_a_line_whose_value_only_equals_it(
    taxable: object,
) -> None:
    """The quick reader remembers a line of text and flags whole; 1 == True and
    hash(1) == hash(True), so a line that differs from a remembered one only by a 1 or
    a 0 for taxable's true or false must still be refused as the full reader refuses
    it, and a list or an object among a line's values must not break the lookup."""
    import invoicecalc.document as document

    def invoice(flag: object) -> dict[str, object]:
        line = {"title": "x", "quantity": "2", "unit_price": "10.00", "taxable": flag}
        return {
            "currency": "USD",
            "invoice_date": "2024-03-01",
            "due_date": "2024-03-31",
            "lines": [line],
        }

    remembered = invoice_from_dict(invoice(bool(taxable)))  # and so remembered
    assert remembered == invoice_from_dict(invoice(bool(taxable)))
    with pytest.raises(InvoiceCalcError) as refused:
        invoice_from_dict(invoice(taxable))
    assert refused.value.field == "lines[0].taxable"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(document, "_quick_entry", lambda raw: None)
        with pytest.raises(InvoiceCalcError) as full:
            invoice_from_dict(invoice(taxable))
    assert str(refused.value) == str(full.value)


def test_the_quick_reader_reads_an_invoice_with_an_id() -> None:
    """The common invoice with an ``id`` is read by the quick reader (not handed on to
    the full reader), its id kept."""
    import invoicecalc.document as document

    value = {
        "id": "inv-7",
        "currency": "USD",
        "invoice_date": "2024-03-01",
        "due_date": "2024-03-31",
        "lines": [{"quantity": "2", "unit_price": "10.00"}],
    }
    entry = document._quick_entry(value)
    assert entry is not None
    assert entry.id == "inv-7"
    assert entry == invoice_from_dict(value)


def test_the_quick_reader_reads_a_taxes_list_a_policy_and_lines_of_any_shape() -> None:
    """A v2 invoice is read by the quick reader too: its taxes list, its policy and a
    line with its own taxes and discount through the full reader's parsers."""
    import invoicecalc.document as document

    value = {
        "currency": "CHF",
        "invoice_date": "2024-03-01",
        "due_date": "2024-03-31",
        "taxes": [
            {"name": "VAT", "rate": "8.1"},
            {"name": "CITY", "rate": "1", "compound": ["VAT"]},
        ],
        "policy": {"tax_rounding": "per_line"},
        "lines": [
            {"quantity": "2", "unit_price": "10.00"},
            {"unit_price": "5.00", "taxes": ["VAT"], "discount_percentage": "10"},
        ],
    }
    entry = document._quick_entry(value)
    assert entry is not None
    assert entry.invoice.taxes[1].compound == ("VAT",)
    assert entry.invoice.policy.tax_rounding is TaxRounding.PER_LINE
    assert entry.invoice.lines[1].taxes == ("VAT",)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(document, "_quick_entry", lambda raw: None)
        assert entry == invoice_from_dict(value)


def test_the_quick_reader_reads_cash_rounding_and_a_home_currency() -> None:
    """So does an invoice with cash rounding and a home currency (they were handed on)."""
    import invoicecalc.document as document

    value = {
        "currency": "CHF",
        "invoice_date": "2024-03-01",
        "due_date": "2024-03-31",
        "lines": [{"quantity": "3", "unit_price": "10.01"}],
        "cash_rounding": "currency",
        "home_currency": {"code": "EUR", "rate": "1.05"},
    }
    entry = document._quick_entry(value)
    assert entry is not None
    invoice = entry.invoice
    assert invoice.cash_rounding is not None
    assert invoice.cash_rounding.increment == Currency("CHF").amount("0.05")  # CLDR: 5 rappen
    assert invoice.home_currency is not None
    assert (invoice.home_currency.currency.code, invoice.home_currency.rate) == (
        "EUR",
        Decimal("1.05"),
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(document, "_quick_entry", lambda raw: None)
        assert entry == invoice_from_dict(value)


def test_the_reader_does_not_keep_long_text_once_read() -> None:
    """The quick reader remembered each line of text and flags whole, however long its
    title, up to 4,096 lines: a service reading one megabyte title after another kept
    them all (4 GB at 4,096). A line is remembered only when its text is short."""
    import gc
    import tracemalloc

    head = {"currency": "USD", "invoice_date": "2024-03-01", "due_date": "2024-03-31"}
    documents = [
        json.dumps({**head, "lines": [{"title": f"{n:04d}" + "x" * 1_000_000, "quantity": "1"}]})
        for n in range(40)
    ]
    read(documents[0])  # the reader's own first-use allocations are not counted
    gc.collect()
    tracemalloc.start()
    try:
        for text in documents:
            assert read(text).entries[0].invoice.lines[0].title.startswith("00")
        gc.collect()
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Forty 1 MB titles read one after another; none of them is kept.
    assert held < 2_000_000, held
